"""First-leg, last-leg and other costs (issue #18 point 5): per unit or spread from a shipment's bill by units,
dated, each into its own category of the cost group; figures worked out by hand on the US export of
test_profit_report (units sold in 2025-10: SKU …001 two, …002 one, …004 three; …003 refunded in full).
Without custom fees a SKU's gross profit is that test's plus its fees taken back: …001 -4.56 + 5.00 + 8.54 =
8.98 before these costs."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from companion.ledger.inputs import InputError
from companion.ledger.unit_charges import read_charges
from companion.pipeline import seller_figures
from companion.store.models import UnitCharge
from companion.store.writer import run_inline
from tests.support.builders import view_headers
from tests.support.daemon import acli, scalar
from tests.support.us_report import COSTS, load, pick, report

HEADER = "kind,sku_id,currency,unit_cost,effective_from,shipment,date,units,shipment_cost\r\n"
CHARGES = (HEADER
           + "first_leg,1729000000000000001,USD,1.25,,,,,\r\n"
           + "other,1729000000000000001,USD,0.40,,,,,\r\n"
           + "last_leg,1729000000000000004,USD,2.10,,,,,\r\n"
           + "first_leg,1729000000000000002,CNY,,,HX-1,2025-09-20,2,100.00\r\n"
           + "first_leg,1729000000000000004,CNY,,,HX-1,2025-09-20,1,\r\n").encode()


def charges(db, content=CHARGES):
    return run_inline(db, seller_figures.save, "logistics", seller_figures.read("logistics", "logistics.csv", content))


def test_a_shipment_is_spread_equally_over_its_units_and_per_unit_rows_stay_as_written():
    rows = read_charges("logistics.csv", CHARGES.decode())
    assert [(r.kind, r.sku_id, r.unit_cost, r.currency, r.effective_from and r.effective_from.isoformat(),
             r.shipment) for r in rows] == [
        ("first_leg", "1729000000000000001", Decimal("1.25"), "USD", None, ""),
        ("other", "1729000000000000001", Decimal("0.40"), "USD", None, ""),
        ("last_leg", "1729000000000000004", Decimal("2.10"), "USD", None, ""),
        ("first_leg", "1729000000000000002", Decimal("33.3333"), "CNY", "2025-09-20", "HX-1"),  # 100.00 / 3 units
        ("first_leg", "1729000000000000004", Decimal("33.3333"), "CNY", "2025-09-20", "HX-1"),
    ]
    chinese = read_charges("l.csv", "kind,sku_id,currency,unit_cost\n头程,A,CNY,2\n尾程,A,CNY,1\n其他,A,CNY,0.5\n")
    assert [r.kind for r in chinese] == ["first_leg", "last_leg", "other"]


@pytest.mark.parametrize(("body", "sentence"), [
    ("rail,A,USD,1,,,,,", "row 2, kind: rail is not a cost kind; write first_leg, last_leg or other"),
    ("first_leg,A,USD,,,,,,", "row 2: neither unit_cost nor shipment; give what one unit costs, or the shipment "
                              "it was spread from"),
    ("first_leg,A,USD,-1,,,,,", "row 2, unit_cost: -1 is negative; write what one unit costs"),
    ("first_leg,A,USD,1,,,,,\r\nfirst_leg,A,EUR,2,,,,,", "row 3: first_leg cost of SKU A from the start is "
                                                         "already on row 2"),
    ("first_leg,A,CNY,,,S1,,3,9", "row 2, date: empty; write the day shipment S1 left (YYYY-MM-DD)"),
    ("first_leg,A,CNY,,,S1,2025-09-01,2.5,9", "row 2, units: 2.5 is not a number of units (a whole number from 1 "
                                              "to 10,000,000)"),
    ("first_leg,A,CNY,,,S1,2025-09-01,3,9\r\nfirst_leg,B,CNY,,,S1,2025-09-01,3,8",
     "row 3, shipment_cost: 8 for shipment S1, but an earlier row says 9; write the shipment's cost once or the "
     "same on each row"),
    ("first_leg,A,CNY,,,S1,2025-09-01,3,9\r\nfirst_leg,B,USD,,,S1,2025-09-01,3,",
     "row 3: shipment S1 has another kind, date or currency than on row 2; one shipment has one of each"),
    ("first_leg,A,CNY,,,S1,2025-09-01,3,9\r\nfirst_leg,A,CNY,,,S1,2025-09-01,1,",
     "row 3: SKU A is twice in shipment S1; add its units into one row"),
    ("first_leg,A,CNY,,,S1,2025-09-01,3,", "row 2: shipment S1 has no shipment_cost on any row; write what the "
                                           "shipment cost"),
])
def test_each_bad_row_is_refused_in_one_sentence_naming_file_row_and_column(body, sentence):
    with pytest.raises(InputError) as refused:
        read_charges("logistics.csv", HEADER + body + "\r\n")
    assert str(refused.value) == f"logistics.csv: {sentence}"


def test_each_kind_lands_in_its_own_cost_column_per_sku_and_store(db):
    load(db)
    run_inline(db, seller_figures.save, "costs", seller_figures.read("costs", "costs.csv", COSTS))
    saved = charges(db)
    assert (saved.added, saved.updated, saved.skipped) == (5, 0, 0)
    again = charges(db)
    assert (again.added, again.updated, again.skipped) == (0, 0, 5)
    assert UnitCharge.select().count() == 5

    by_sku = {(r["key"]["sku_id"], r["currency"]): pick(r, "purchase_cost", "first_leg_cost", "last_leg_cost",
                                                        "other_cost", "cost", "gross_profit")
              for r in report(by="sku")["rows"]}
    assert by_sku == {
        ("1729000000000000001", "USD"): ("-12.00", "-2.50", "0.00", "-0.80", "-15.30", "5.68"),
        ("1729000000000000002", "CNY"): ("-35.00", "-33.33", "0.00", "0.00", "-68.33", "-68.33"),
        ("1729000000000000002", "USD"): ("0.00", "0.00", "0.00", "0.00", "0.00", "8.86"),
        ("1729000000000000003", "USD"): ("0.00", "0.00", "0.00", "0.00", "0.00", "-18.82"),
        ("1729000000000000004", "CNY"): ("0.00", "-100.00", "0.00", "0.00", "-100.00", "-100.00"),  # 3 × 33.3333
        ("1729000000000000004", "USD"): ("-22.50", "0.00", "-6.30", "0.00", "-28.80", "1.15"),
    }
    rep = report()
    usd, cny = sorted(rep["rows"], key=lambda r: r["currency"] != "USD")
    assert pick(usd, "purchase_cost", "first_leg_cost", "last_leg_cost", "other_cost", "cost", "gross_profit") == (
        "-34.50", "-2.50", "-6.30", "-0.80", "-44.10", "-3.13")  # 6.47 with purchase costs alone, less 9.60
    assert pick(cny, "purchase_cost", "first_leg_cost", "cost", "gross_profit") == (
        "-35.00", "-133.33", "-168.33", "-168.33")  # 133.3332 and 168.3332, rounded at the end
    assert any(rule.startswith("first-leg, last-leg and other costs") for rule in rep["rules"])
    # before the shipment left, its SKUs carry no first-leg cost: September has none of HX-1's
    assert all(r["categories"]["first_leg_cost"] == "0.00" for r in report(period="2025-09")["rows"]
               if r["currency"] == "CNY")


def test_a_report_without_logistics_costs_is_unchanged(db):
    load(db)
    before = report(by="sku")
    assert "first-leg" not in " ".join(before["rules"])
    assert all(pick(r, "first_leg_cost", "last_leg_cost", "other_cost") == ("0.00", "0.00", "0.00")
               for r in before["rows"])


async def test_the_cli_imports_them_and_a_bad_file_changes_nothing(db_url, tmp_path):
    data = tmp_path / "data"
    good = tmp_path / "logistics.csv"
    good.write_bytes(CHARGES)
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + "first_leg,A,CNY,,,S1,2025-09-01,3,\r\n").encode())
    res = await acli(data, db_url, "logistics", "import", str(good))
    assert (res.code, res.out.strip(), res.err) == (0, f"{good}: logistics: 5 added, 0 updated, 0 skipped", "")
    refused = await acli(data, db_url, "logistics", "import", str(bad))
    assert refused.code == 2 and refused.out == ""
    assert refused.err_lines == ["shoptally: bad.csv: row 2: shipment S1 has no shipment_cost on any row; write "
                                 "what the shipment cost"]
    assert scalar(db_url, "SELECT COUNT(*) FROM unit_charge") == 5
    helped = await acli(data, db_url, "logistics", "import", "--help")
    assert helped.code == 0 and "shipment_cost" in helped.out


async def test_settings_lists_a_dropped_csv_and_deletes_one_version(client):
    headers = view_headers(client.port)
    dropped = await client.post("/api/figures/logistics", headers=headers, json={
        "name": "logistics.csv", "content_base64": base64.b64encode(CHARGES).decode()})
    assert dropped.status == 200 and (await dropped.json())["added"] == 5
    listed = await (await client.get("/api/logistics", headers=headers)).json()
    assert listed == {"truncated": False, "charges": [
        {"kind": "first_leg", "sku_id": "1729000000000000002", "effective_from": "2025-09-20",
         "unit_cost": "33.3333", "currency": "CNY", "shipment": "HX-1"},
        {"kind": "first_leg", "sku_id": "1729000000000000004", "effective_from": "2025-09-20",
         "unit_cost": "33.3333", "currency": "CNY", "shipment": "HX-1"},
        {"kind": "first_leg", "sku_id": "1729000000000000001", "effective_from": "", "unit_cost": "1.25",
         "currency": "USD", "shipment": ""},
        {"kind": "last_leg", "sku_id": "1729000000000000004", "effective_from": "", "unit_cost": "2.10",
         "currency": "USD", "shipment": ""},
        {"kind": "other", "sku_id": "1729000000000000001", "effective_from": "", "unit_cost": "0.40",
         "currency": "USD", "shipment": ""}]}
    gone = await client.post("/api/logistics/delete", headers=headers, json={
        "kind": "last_leg", "sku_id": "1729000000000000004", "effective_from": ""})
    assert gone.status == 200 and (await gone.json())["removed"] == 1
    again = await client.post("/api/logistics/delete", headers=headers, json={
        "kind": "last_leg", "sku_id": "1729000000000000004", "effective_from": ""})
    body = await again.json()
    assert again.status == 404 and body["code"] == "charge_none_from_start"
    assert body["message"] == "there is no last_leg cost of SKU 1729000000000000004 from the start"
    wrong = await client.post("/api/logistics/delete", headers=headers, json={"kind": "air", "sku_id": "A"})
    assert wrong.status == 400 and (await wrong.json())["code"] == "charge_kind_unknown"
    assert UnitCharge.select().count() == 4

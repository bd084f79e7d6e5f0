"""The profit report over a real database: an imported export, costs, custom fees, exchange rates, every
dimension, supersession of a less detailed capture, reparse. Figures to the cent, worked out by hand."""

from __future__ import annotations

import pytest

from companion.ledger.inputs import InputError
from companion.pipeline import reparse, seller_figures
from companion.pipeline.ingest import commit, prepare, prepare_capture
from companion.store import settlements
from companion.store.models import SettlementLine, Store
from companion.store.writer import run_inline
from tests.support.builders import order_list_capture, order_row
from tests.support.us_report import STORE, figures, load, pick, report


def test_by_store_with_costs_fees_and_a_cost_in_yuan(db):
    assert load(db)["added"] == 7
    figures(db)
    rep = report()
    usd, cny = sorted(rep["rows"], key=lambda r: r["currency"] != "USD")
    assert usd["key"] == {"account": STORE} and usd["quantity"] == 7
    assert pick(usd, "settlement_amount", "sales", "storage_fee", "adjustment", "purchase_cost", "store_other_fee",
                "product_other_fee", "order_other_fee", "custom_fees", "cost", "gross_profit") == (
        "40.97", "140.50", "-12.40", "-17.00", "-34.50", "-30.00", "-5.00", "-2.00", "-37.00", "-34.50", "-30.53")
    assert cny["currency"] == "CNY" and pick(cny, "purchase_cost", "gross_profit") == ("-35.00", "-35.00")
    assert "totals" not in rep and sorted(rep["totals_by_currency"]) == ["CNY", "USD"]
    assert "skus_without_cost" not in rep  # SKU ...003 has no cost, but was refunded in full: it sold nothing

    converted = report(currency="USD")
    (row,) = converted["rows"]
    assert pick(row, "purchase_cost", "gross_profit") == ("-39.50", "-35.53")  # 35 CNY at 1/7.00 = 5.00 USD
    assert converted["totals"]["gross_profit"] == "-35.53" and converted["currency"] == "USD"
    assert converted["rates"] == [{"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.00",
                                   "inverted": True}]
    september = report(period="2025-09")
    assert september["rows"] == [] or all(r["categories"]["store_other_fee"] == "-99.00" for r in september["rows"])


def test_by_sku_msku_and_order_spread_exactly(db):
    load(db)
    figures(db)
    by_sku = {(r["key"]["sku_id"], r["currency"]): r for r in report(by="sku")["rows"]}
    names = ("settlement_amount", "allocated", "store_other_fee", "product_other_fee", "order_other_fee",
             "purchase_cost", "gross_profit", "quantity")
    assert {k: pick(v, *names) for k, v in by_sku.items()} == {
        ("1729000000000000001", "USD"): ("20.98", "-16.91", "-8.54", "-5.00", "0.00", "-12.00", "-4.56", 2),
        ("1729000000000000002", "CNY"): ("0.00", "0.00", "0.00", "0.00", "0.00", "-35.00", "-35.00", 0),
        ("1729000000000000002", "USD"): ("8.86", "-6.55", "-3.31", "0.00", "0.00", "0.00", "5.55", 1),
        ("1729000000000000003", "USD"): ("-18.82", "-10.57", "-5.34", "0.00", "0.00", "0.00", "-24.16", 1),
        ("1729000000000000004", "USD"): ("29.95", "-25.37", "-12.81", "0.00", "-2.00", "-22.50", "-7.36", 3),
    }
    assert pick(by_sku[("1729000000000000001", "USD")], "storage_fee", "adjustment") == ("-3.53", "-4.84")
    by_msku = {(r["key"]["msku"], r["currency"]): pick(r, "settlement_amount", "gross_profit")
               for r in report(by="msku")["rows"]}
    assert by_msku == {("1729000000000000003", "USD"): ("-18.82", "-24.16"),
                       ("1729000000000000004", "USD"): ("29.95", "-7.36"), ("MUG-BLUE", "CNY"): ("0.00", "-35.00"),
                       ("MUG-BLUE", "USD"): ("8.86", "5.55"), ("MUG-RED", "USD"): ("20.98", "-4.56")}
    by_order = {(r["key"]["order_id"], r["currency"]): pick(r, *names) for r in report(by="order")["rows"]}
    assert by_order == {
        ("576900000000000101", "CNY"): ("0.00", "0.00", "0.00", "0.00", "0.00", "-35.00", "-35.00", 0),
        ("576900000000000101", "USD"): ("39.71", "-13.59", "-11.85", "-5.00", "0.00", "-12.00", "10.86", 3),
        ("576900000000000202", "USD"): ("-14.37", "-6.12", "-5.34", "0.00", "0.00", "0.00", "-19.71", 1),
        ("576900000000000303", "USD"): ("40.63", "-14.69", "-12.81", "0.00", "-2.00", "-22.50", "3.32", 3),
        ("576900000000000404", "USD"): ("-25.00", "0.00", "0.00", "0.00", "0.00", "0.00", "-25.00", 0),
    }
    for by in ("sku", "msku", "order"):  # spreading moves money between rows, never makes or loses any
        totals = report(by=by)["totals_by_currency"]
        assert (totals["USD"]["gross_profit"], totals["CNY"]["gross_profit"]) == ("-30.53", "-35.00"), by


def test_a_capture_and_the_export_of_the_same_order_count_once(db):
    seller = "7495100000000000001"
    row = {**order_row(0, "41.45"), "trade_order_id": "576900000000000101", "reference_id": "576900000000000101",
           "statement_id": "7400000000000001"}
    capture = order_list_capture([row], seller=seller, captured_at="2025-10-07T00:00:00+00:00")
    run_inline(db, commit, prepare(prepare_capture(capture)))
    account = f"TikTok US {seller}"
    assert report(account=account)["rows"][0]["settlement_amount"] == "41.45"
    assert load(db, name="settlement.xlsx", account=account)["added"] == 7
    lines = {(line.natural_key.split(",")[0], line.superseded) for line in SettlementLine.select()}
    assert ('["order_list"', True) in lines  # the net amount, replaced by the SKU split of the same order
    rep = report(account=account)
    assert [r["settlement_amount"] for r in rep["rows"]] == ["40.97"]  # not 40.97 + 41.45
    # the capture arriving again changes nothing; a newer export of other orders leaves it superseded
    again = run_inline(db, commit, prepare(prepare_capture(order_list_capture(
        [row], seller=seller, captured_at="2025-10-08T00:00:00+00:00"))))
    assert (again.added, again.updated) == (0, 0)
    assert report(account=account)["rows"][0]["settlement_amount"] == "40.97"
    # reading everything again puts the export's lines in the store its --account named, not a new one
    stores_before = Store.select().count()
    res = reparse.run_offline(db, None)
    assert (res["added"], res["updated"], res["errors"]) == (0, 0, [])
    assert Store.select().count() == stores_before
    assert [r["settlement_amount"] for r in report(account=account)["rows"]] == ["40.97"]


def test_reparse_rebuilds_after_reset_and_changes_nothing_the_second_time(db):
    load(db)
    before = report(by="sku")
    run_inline(db, settlements.reset, STORE)
    assert SettlementLine.select().count() == 0
    first = reparse.run_offline(db, None)
    assert (first["captures"], first["added"], first["updated"], first["errors"]) == (1, 7, 0, [])
    assert report(by="sku") == before
    second = reparse.run_offline(db, None)
    assert (second["added"], second["updated"], second["skipped"], second["outcome_changed"]) == (0, 0, 7, 0)
    assert reparse.run_offline(db, "tiktok")["captures"] == 0  # files are kept under site "import"


@pytest.mark.parametrize("kind, content, message", [
    ("costs", b"sku_id,unit_cost\r\nA,1\r\n", "costs.csv: missing column currency"),
    ("costs", b"sku_id,unit_cost,currency\r\n1.72900E+18,1.00,USD\r\n",
     "costs.csv: row 2, sku_id: '1.72900E+18' was turned into a number by a spreadsheet"),
    ("costs", b"sku_id,unit_cost,currency\r\nA,1.00,USD\r\nB,abc,USD\r\n", "costs.csv: row 3, unit_cost: 'abc'"),
    ("fees", b"level,account,month,amount,currency\r\nshop,S,2025-10,1,USD\r\n",
     "fees.csv: row 2, level: 'shop' is not one of store, product, order"),
    ("fees", b"level,account,target,month,amount,currency\r\nproduct,S,,2025-10,1,USD\r\n",
     "fees.csv: row 2, target: a product fee needs the SKU ID or MSKU"),
    ("fx", b"date,from,to,rate\r\n2025-10-01,USD,CNY,-7\r\n", "fx.csv: row 2, rate: '-7' must be a positive number"),
    ("fx", b"date,from,to,rate\r\n2025-10-01,USD,CNY,7\r\n2025-10-01,USD,CNY,7.1\r\n",
     "fx.csv: row 3: USD→CNY on 2025-10-01 is already on row 2"),
])
def test_bad_seller_files_are_refused_whole_with_one_sentence(kind, content, message):
    with pytest.raises(InputError) as err:
        seller_figures.read(kind, f"{kind}.csv", content)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)

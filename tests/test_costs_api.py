"""Settings → SKU costs, custom fees and exchange rates over the real app and database (SQLite and, with
SHOPTALLY_TEST_DATABASE_URL, PostgreSQL): versions added, changed, moved and deleted, the table's current cost
and history, the CSV drop, the events every view refreshes on, refusals naming the field with nothing
changed; and the expense tab's row profit with a cost in another currency, converted at the rate of the
line's day, or saying which rate is missing."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources.model import SETTLED, SKU_SPLIT, Line, StoreRef
from companion.store import settlements
from tests.support.builders import view_headers

US = StoreRef("tiktok", "7495", "US", "TikTok US Mugs", "USD", "America/Los_Angeles")


async def post(client, path, body, status=200):
    resp = await client.post(path, json=body, headers=view_headers(client.port))
    out = await resp.json()
    assert resp.status == status, out
    return out


async def get(client, path):
    resp = await client.get(path, headers=view_headers(client.port))
    assert resp.status == 200, await resp.text()
    return await resp.json()


def version(since, cost, currency="USD", msku=""):
    return {"effective_from": since, "unit_cost": cost, "currency": currency, "msku": msku}


def shown(table):
    """The table without recorded_at (a clock time): SKU → (msku, current, versions)."""
    def strip(v):
        return {k: v[k] for k in ("effective_from", "unit_cost", "currency", "msku")}
    return {c["sku_id"]: (c["msku"], strip(c["current"]), [strip(v) for v in c["versions"]]) for c in table["costs"]}


async def test_costs_add_edit_move_delete_and_the_table_shows_current_and_history(client):
    events = await client.ws_connect("/ws/events", headers=view_headers(client.port))
    assert (await events.receive_json(timeout=30))["event"] == "hello"
    out = await post(client, "/api/costs", {"sku_id": "SKU-A", "msku": "MUG-RED", "unit_cost": "4.2",
                                            "currency": "usd", "effective_from": ""})
    assert out == {"added": 1, "updated": 0, "skipped": 0}
    changed = await events.receive_json(timeout=30)
    assert (changed["event"], changed["added"], changed["updated"], changed["removed"]) == (
        "tk-settlement.updated", 1, 0, 0)
    await post(client, "/api/costs", {"sku_id": "SKU-A", "unit_cost": "4.5", "currency": "USD",
                                      "effective_from": "2025-10-01"})
    await post(client, "/api/costs", {"sku_id": "SKU-A", "unit_cost": "30.1234", "currency": "CNY",
                                      "effective_from": "2099-01-01"})
    await post(client, "/api/costs", {"sku_id": "SKU-B", "unit_cost": 3, "currency": "GBP",
                                      "effective_from": "2098-05-01"})
    assert shown(await get(client, "/api/costs")) == {
        "SKU-A": ("MUG-RED", version("2025-10-01", "4.50"),
                  [version("2099-01-01", "30.1234", "CNY"), version("2025-10-01", "4.50"),
                   version("", "4.20", msku="MUG-RED")]),
        "SKU-B": ("", version("2098-05-01", "3.00", "GBP"), [version("2098-05-01", "3.00", "GBP")])}
    # edit: the same version's figure, then its date moved (one change each, the old date gone)
    assert await post(client, "/api/costs", {"sku_id": "SKU-A", "unit_cost": "4.60", "currency": "USD",
                                             "effective_from": "2025-10-01", "replaces": "2025-10-01"}) == {
        "added": 0, "updated": 1, "skipped": 0}
    assert await post(client, "/api/costs", {"sku_id": "SKU-A", "unit_cost": "4.60", "currency": "USD",
                                             "effective_from": "2025-09-15", "replaces": "2025-10-01"}) == {
        "added": 0, "updated": 1, "skipped": 0}
    versions = shown(await get(client, "/api/costs?q=MUG-R"))["SKU-A"][2]
    assert [(v["effective_from"], v["unit_cost"]) for v in versions] == [
        ("2099-01-01", "30.1234"), ("2025-09-15", "4.60"), ("", "4.20")]
    assert list(shown(await get(client, "/api/costs?q=SKU-B"))) == ["SKU-B"]
    # delete one version, then every version of a SKU
    assert await post(client, "/api/costs/delete", {"sku_id": "SKU-A", "effective_from": "2099-01-01"}) == {
        "added": 0, "updated": 0, "skipped": 0, "removed": 1}
    assert await post(client, "/api/costs/delete", {"sku_id": "SKU-B", "all": True}) == {
        "added": 0, "updated": 0, "skipped": 0, "removed": 1}
    assert shown(await get(client, "/api/costs")) == {"SKU-A": (
        "MUG-RED", version("2025-09-15", "4.60"), [version("2025-09-15", "4.60"), version("", "4.20", msku="MUG-RED")])}
    kinds = []
    while len(kinds) < 6:
        e = await events.receive_json(timeout=30)
        kinds.append((e["added"], e["updated"], e["removed"]))
    assert kinds == [(1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 0), (0, 1, 0), (0, 0, 1)]
    await events.close()


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"unit_cost": "4", "currency": "USD"}, 422, "sku_id: empty"),
    ({"sku_id": "1.23E+11", "unit_cost": "4", "currency": "USD"}, 422, "sku_id: '1.23E+11' looks like a number"),
    ({"sku_id": "A", "currency": "USD"}, 422, "unit_cost: empty; enter what one unit costs"),
    ({"sku_id": "A", "unit_cost": "-1", "currency": "USD"}, 422, "unit_cost: -1 is negative"),
    ({"sku_id": "A", "unit_cost": "1.23456", "currency": "USD"}, 422, "unit_cost: 1.23456 has more than 4 decimals"),
    ({"sku_id": "A", "unit_cost": "abc", "currency": "USD"}, 422, "unit_cost: "),
    ({"sku_id": "A", "unit_cost": "4", "currency": "RMB"}, 422,
     "currency: 'RMB' is not a currency code (ISO 4217, e.g. USD, CNY, EUR, GBP)"),
    ({"sku_id": "A", "unit_cost": "4", "currency": "USD", "effective_from": "2025-02-30"}, 422,
     "effective_from: '2025-02-30' is not a date of the calendar"),
    ({"sku_id": "A", "unit_cost": "4", "currency": "USD", "effective_from": "1/2/2025"}, 422,
     "effective_from: '1/2/2025' is not a date (YYYY-MM-DD"),
    ({"sku_id": "A", "unit_cost": "4", "currency": "USD", "effective_from": "2025-01-01", "replaces": "2024-01-01"},
     404, "SKU A has no cost from 2024-01-01: reload the table"),
    ({"sku_id": ["A"], "unit_cost": "4", "currency": "USD"}, 422, "sku_id: send it as text"),
])
async def test_a_refused_cost_names_its_field_and_changes_nothing(client, body, status, message):
    out = await post(client, "/api/costs", body, status=status)
    assert out["message"].startswith(message), out
    assert (await get(client, "/api/costs"))["costs"] == []


async def test_moving_a_version_onto_another_is_refused_and_deleting_nothing_is_404(client):
    for since in ("2025-01-01", "2025-02-01"):
        await post(client, "/api/costs", {"sku_id": "A", "unit_cost": "1", "currency": "USD", "effective_from": since})
    out = await post(client, "/api/costs", {"sku_id": "A", "unit_cost": "2", "currency": "USD",
                                            "effective_from": "2025-02-01", "replaces": "2025-01-01"}, status=422)
    assert out["message"] == ("effective_from: SKU A already has a cost from 2025-02-01; change that version instead")
    assert [v["unit_cost"] for v in (await get(client, "/api/costs"))["costs"][0]["versions"]] == ["1.00", "1.00"]
    out = await post(client, "/api/costs/delete", {"sku_id": "A", "effective_from": "2025-03-01"}, status=404)
    assert out["message"] == "SKU A has no cost from 2025-03-01: reload the table"
    out = await post(client, "/api/costs/delete", {"sku_id": "A"}, status=400)
    assert out["message"].startswith("effective_from: send the start date")


async def test_a_costs_csv_dropped_on_the_table_is_the_cli_import(client):
    csv = (b"sku_id,msku,unit_cost,currency,effective_from\r\nSKU-A,MUG,4.00,USD,\r\n"
           b"SKU-A,MUG,4.25,USD,2025-10-01\r\nSKU-C,,12.5,CNY,2025-01-01\r\n")
    out = await post(client, "/api/figures/costs", {"name": "costs.csv",
                                                     "content_base64": base64.b64encode(csv).decode()})
    assert out == {"file": "costs.csv", "kind": "costs", "added": 3, "updated": 0, "skipped": 0}
    table = shown(await get(client, "/api/costs"))
    assert table["SKU-A"][1] == version("2025-10-01", "4.25", msku="MUG")
    assert table["SKU-C"] == ("", version("2025-01-01", "12.50", "CNY"), [version("2025-01-01", "12.50", "CNY")])
    bad = b"sku_id,unit_cost,currency\r\nSKU-D,1,USS\r\n"
    out = await post(client, "/api/figures/costs",
                     {"name": "bad.csv", "content_base64": base64.b64encode(bad).decode()}, status=422)
    assert out["message"] == "bad.csv: row 2, currency: 'USS' is not a currency code (ISO 4217, e.g. USD, CNY)"


async def test_fees_and_rates_typed_in_the_view_are_checked_listed_and_deleted(client, service):
    await service.writer.run(settlements.apply_lines, [line(1, "10.00", "SKU-A", 1)], "seed", "import")
    out = await post(client, "/api/fees", {"level": "store", "account": "TikTok US Mugs", "month": "2025-10",
                                           "name": "Ads, October", "amount": "120.5", "currency": "usd"})
    assert out == {"file": "fees typed in the view", "kind": "fees", "added": 1, "updated": 0, "skipped": 0}
    fees = (await get(client, "/api/fees"))["fees"]
    assert [{k: v for k, v in f.items() if k != "id"} for f in fees] == [{
        "level": "store", "account": "TikTok US Mugs", "target": "", "month": "2025-10", "name": "Ads, October",
        "amount": "120.50", "currency": "USD"}]
    for body, status, message in (
            ({"level": "shop"}, 422, "level: 'shop' is not one of store, product, order"),
            ({"level": "store", "account": "TikTok US Mugs", "month": "2025-13", "amount": "1", "currency": "USD"},
             422, "month: '2025-13' is not a month (YYYY-MM)"),
            ({"level": "store", "account": "TikTok US Mugs", "month": "2025-10", "amount": "1", "currency": "XYZ"},
             422, "currency: 'XYZ' is not a currency code (ISO 4217, e.g. USD, CNY)"),
            ({"level": "store", "account": "TikTok US Mugs", "month": "2025-10", "amount": "1.2.3", "currency": "USD"},
             422, "amount: "),
            ({"level": "product", "account": "TikTok US Mugs", "month": "2025-10", "amount": "1", "currency": "USD"},
             422, "target: a product fee needs the SKU ID or MSKU it belongs to"),
            ({"level": "store", "account": "Nobody", "month": "2025-10", "amount": "1", "currency": "USD"},
             404, "fees typed in the view: no store named 'Nobody'")):
        assert (await post(client, "/api/fees", body, status=status))["message"].startswith(message)
    assert len((await get(client, "/api/fees"))["fees"]) == 1
    assert await post(client, "/api/fees/delete", {"id": fees[0]["id"]}) == {
        "added": 0, "updated": 0, "skipped": 0, "removed": 1}
    assert (await get(client, "/api/fees"))["fees"] == []
    assert (await post(client, "/api/fees/delete", {"id": fees[0]["id"]}, status=404))["message"] == (
        f"there is no fee {fees[0]['id']}: reload the table")
    # rates: ISO codes, the field named, deleted by pair and day
    bad = await post(client, "/api/fx", {"date": "2025-10-01", "from": "USS", "to": "CNY", "rate": "7"}, status=422)
    assert bad["message"] == "from: 'USS' is not a currency code (ISO 4217, e.g. USD, CNY)"
    bad = await post(client, "/api/fx", {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "-7"}, status=422)
    assert bad["message"] == "rate: '-7' must be a positive number"
    await post(client, "/api/fx", {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.1"})
    assert await post(client, "/api/fx/delete", {"date": "2025-10-01", "from": "usd", "to": "CNY"}) == {
        "added": 0, "updated": 0, "skipped": 0, "removed": 1}
    assert (await get(client, "/api/fx"))["rates"] == []
    assert (await post(client, "/api/fx/delete", {"date": "2025-10-01", "from": "USD", "to": "CNY"},
                       status=404))["message"] == "there is no USD→CNY rate on 2025-10-01: reload the table"


# row profit with a cost in another currency ------------------------------------------------------------
def line(n, amount, sku, qty, day=2):
    return Line(store=US, key=("t", str(n)), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=Decimal(amount), amounts={"sales": Decimal(amount)}, order_id=f"O{n}", sku_id=sku,
                sku_name=f"Mug {sku}", quantity=qty, order_time=datetime(2025, 10, day, 12, tzinfo=UTC),
                settled_time=datetime(2025, 10, day, 20, tzinfo=UTC), reference=f"O{n}", detail=SKU_SPLIT,
                statement_id="S1")


async def expense_rows(client):
    body = await get(client, "/api/expenses?period=2025-10&sort=order_id&dir=asc")
    return {r["order_id"]: r for r in body["rows"]}


async def test_row_profit_converts_a_cost_in_another_currency_at_the_rate_of_the_lines_day(client, service):
    # O1 on Oct 2, O2 on Oct 9 (settled 20:00 UTC: 13:00 in Los Angeles, the same day); O3 a USD cost
    await service.writer.run(settlements.apply_lines, [line(1, "20.00", "SKU-CN", 2), line(2, "20.00", "SKU-CN", 2, 9),
                                                       line(3, "9.00", "SKU-US", 1)], "seed", "import")
    await post(client, "/api/costs", {"sku_id": "SKU-CN", "unit_cost": "10.50", "currency": "CNY"})
    await post(client, "/api/costs", {"sku_id": "SKU-US", "unit_cost": "3", "currency": "USD"})
    rows = await expense_rows(client)
    assert (rows["O1"]["purchase_price"], rows["O1"]["purchase_currency"], rows["O1"]["row_profit"]) == (
        "21.00", "CNY", "")
    assert rows["O1"]["row_profit_missing"] == {
        "code": "no_rate", "from": "CNY", "to": "USD", "date": "2025-10-02",
        "message": "no CNY→USD exchange rate on or before 2025-10-02; add one in Settings"}
    assert rows["O3"]["row_profit"] == "6.00" and "row_profit_missing" not in rows["O3"]
    # a USD→CNY rate from Oct 1 (used inverted), and a direct CNY→USD rate from Oct 5
    await post(client, "/api/fx", {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.0"})
    await post(client, "/api/fx", {"date": "2025-10-05", "from": "CNY", "to": "USD", "rate": "0.1400"})
    rows = await expense_rows(client)
    # 21 CNY / 7.0 = 3.0000 USD; 20.00 - 3.00 = 17.00
    assert (rows["O1"]["purchase_converted"], rows["O1"]["row_profit"], rows["O1"]["rate"]) == (
        "3.00", "17.00", {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.0", "inverted": True})
    # 21 CNY x 0.1400 = 2.9400 USD; 20.00 - 2.94 = 17.06
    assert (rows["O2"]["purchase_converted"], rows["O2"]["row_profit"], rows["O2"]["rate"]) == (
        "2.94", "17.06", {"date": "2025-10-05", "from": "CNY", "to": "USD", "rate": "0.1400", "inverted": False})
    assert "row_profit_missing" not in rows["O1"] and "purchase_converted" not in rows["O3"]
    # the rows' profits are the report's: 20 + 20 + 9 - 3.00 - 2.94 - 3.00 in USD
    rep = await service.report(period="2025-10", currency="USD")
    assert rep["totals_by_currency"]["USD"]["gross_profit"] == "40.06"
    assert sum(Decimal(r["row_profit"]) for r in rows.values()) == Decimal("40.06")
    # an inverse rate whose quotient does not end: 21 / 7.3 = 2.876712… → 2.8767 (to 1/10000, as the report)
    await post(client, "/api/fx", {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.3"})
    rows = await expense_rows(client)
    assert (rows["O1"]["purchase_converted"], rows["O1"]["row_profit"]) == ("2.88", "17.12")

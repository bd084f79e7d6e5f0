"""Purchase records (issue #18 points 4 and 6): stored once per (source, order_no) whatever captures them again,
the purchase CSV and SKU map imports with their refusals, moving weighted average costing per store against
hand-computed figures, a purchase in yuan against sales in dollars, the expense tab's 1688 order column, the
payment notice's decision and self-delivered orders' last-leg cost. Every figure worked out by hand below."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.ledger.inputs import InputError
from companion.pipeline import importer, seller_figures
from companion.pipeline.ingest import Prepared, _record, commit
from companion.reports import finance_view, purchase_notice, reporting
from companion.sources.model import Purchase, PurchaseItem, StoreRef
from companion.store import app_settings, changes, costing, purchases, rowplan, sku_map, stores
from companion.store.models import PurchaseItem as ItemRow
from companion.store.models import PurchaseLink, PurchaseOrder, SkuMap
from companion.store.workers import Inline, complete
from companion.store.writer import run_inline
from companion.tray.payment_watch import PaymentWatch
from tests.support.tables import US_NAME, us_row, us_workbook

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
STORE = "TikTok US MugHouse"
S1, S2, S4 = "1729000000000000001", "1729000000000000002", "1729000000000000004"

# Sales (order basis, by the order's creation day): S4 3 units on 09-20, S4 2 units on 10-10; S1 1 unit on
# 09-10 (before any purchase of S1) and 1 unit on 10-12.
ROWS = [
    us_row(type="Order", id="576900000000000501", sku=S4, qty="3", created="2025/09/20", total="60.00",
           net="60.00", gross="60.00"),
    us_row(type="Order", id="576900000000000502", sku=S4, qty="2", created="2025/10/10", total="40.00",
           net="40.00", gross="40.00"),
    us_row(type="Order", id="576900000000000503", sku=S1, qty="1", created="2025/09/10", total="20.00",
           net="20.00", gross="20.00"),
    us_row(type="Order", id="576900000000000504", sku=S1, qty="1", created="2025/10/12", total="20.00",
           net="20.00", gross="20.00"),
]
COSTS = f"sku_id,unit_cost,currency\r\n{S1},6.00,USD\r\n".encode()
RATES = b"date,from,to,rate\r\n2025-10-01,USD,CNY,7.30\r\n"
SKUMAP = b"supplier_sku,sku_id,store\r\nSUP-4,1729000000000000004,\r\n"
# PO-1 (paid 09-01): SUP-4 (S4 by the SKU map) 10 x 2.00 = 20.00 and S2 5 x 4.00 = 20.00; shipping 3.00 spread
#   by goods amount: 1.50 each. S4's landed cost 21.50 for 10 units: average 2.15.
# PO-2 (paid 10-05): S4 10 x 3.00 = 30.00, adjustment -1.00: 29.00. Average (21.50 + 29.00) / 20 = 2.525.
# PO-3: unpaid, does not count. PO-4 (paid 10-02, CNY): S1 4 x 35.00 = 140.00 + shipping 6.00 = 146.00: 36.50 CNY.
PURCHASES = ("order_no,supplier,sku,quantity,unit_price,currency,shipping,adjustment,status,placed_at,paid_at,"
             "sold_order\r\n"
             "PO-1,Yiwu Cups,SUP-4,10,2.00,USD,3.00,,paid,2025-08-30,2025-09-01,576900000000000501\r\n"
             f"PO-1,,{S2},5,4.00,USD,,,,,,\r\n"
             f"PO-2,Yiwu Cups,{S4},10,3.00,USD,,-1.00,received,2025-10-04,2025-10-05,576900000000000502\r\n"
             f"PO-3,Yiwu Cups,{S4},100,99.00,USD,,,unpaid,2025-10-09,,576900000000000502\r\n"
             f"PO-4,Ningbo Mugs,{S1},4,35.00,CNY,6.00,,paid,2025-10-01,2025-10-02T10:00:00+08:00,\r\n").encode()


def load(db, rows=ROWS):
    name = f"{US_NAME}.xlsx"
    parsed = importer.parse_file(name, us_workbook(rows), "", importer.account_store(None))
    return run_inline(db, importer.commit_file, name, parsed).summary


def figures(db, *kinds):
    contents = {"costs": COSTS, "fx": RATES, "skumap": SKUMAP, "purchases": PURCHASES}
    return [run_inline(db, seller_figures.save, kind, seller_figures.read(kind, f"{kind}.csv", contents[kind]))
            for kind in kinds]


def report(**kw):
    kw.setdefault("period", "all")
    kw.setdefault("basis", "order")
    return reporting.profit_report(now=NOW, **kw)


def by_sku(rep: dict) -> dict:
    return {(r["key"]["sku_id"], r["currency"]): r["categories"]["purchase_cost"] for r in rep["rows"]}


def purchase(status: str = "unpaid", **kw) -> Purchase:
    items = (PurchaseItem("5012345678901", "Blue mug 350ml", 4, Decimal("7.50"), Decimal("30.00"), "6543210"),)
    values = dict(source="1688", order_no="2871234567890123456", supplier="Yiwu Cups", status=status,
                  currency="CNY", goods=Decimal("30.00"), shipping=Decimal("5.00"), adjustment=Decimal("-1.00"),
                  total=Decimal("34.00"), items=items, placed_at=datetime(2025, 10, 3, 1, 30, tzinfo=UTC),
                  paid_at=None if status == "unpaid" else datetime(2025, 10, 3, 2, 0, tzinfo=UTC),
                  sold_orders=("576900000000000501",))
    values.update(kw)
    return Purchase(**values)


def captured(p: Purchase, n: int) -> Prepared:
    """What the parsing process hands the writer for a capture whose adapter read one purchase and no lines."""
    raw = _record(f"cap-1688-{n}", "1688", "json", "https://trade.1688.com/order/buyer_order_list.htm", "",
                  datetime(2025, 10, 3, 3, 0, tzinfo=UTC), b"{}", "frame")
    return Prepared(raw, "capture", adapter="test.1688", version=1, outcome="parsed",
                    plan=rowplan.plan([], raw.capture_id), purchases=[p])


# storage ---------------------------------------------------------------------------------------------------


def test_a_purchase_captured_again_is_updated_never_duplicated(db):
    rev = changes.current_rev()
    first = run_inline(db, commit, captured(purchase("unpaid"), 1))
    assert (first.outcome, first.added, first.updated, first.skipped) == ("parsed", 1, 0, 0)
    row = PurchaseOrder.get()
    assert (row.status, row.total, row.shipping, row.adjustment, row.paid_at) == (
        "unpaid", Decimal("34.00"), Decimal("5.00"), Decimal("-1.00"), None)

    again = run_inline(db, commit, captured(purchase("paid"), 2))  # paid since: the same order, its status moves
    assert (again.outcome, again.added, again.updated, again.skipped) == ("parsed", 0, 1, 0)
    assert PurchaseOrder.select().count() == 1 and ItemRow.select().count() == 1 and PurchaseLink.select().count() == 1
    row = PurchaseOrder.get()
    assert (row.status, row.paid_at, row.capture) == ("paid", datetime(2025, 10, 3, 2, 0, tzinfo=UTC), "cap-1688-2")
    item = ItemRow.get()
    assert (item.sku, item.quantity, item.unit_price, item.amount, item.supplier_item) == (
        "5012345678901", 4, Decimal("7.50"), Decimal("30.00"), "6543210")

    same = run_inline(db, commit, captured(purchase("paid"), 3))  # nothing new: skipped, no change recorded
    assert (same.added, same.updated, same.skipped) == (0, 0, 1)
    assert changes.current_rev() == rev + 2
    assert PurchaseLink.get().order_id == "576900000000000501"


def test_a_list_page_capture_without_items_or_links_keeps_what_the_detail_page_gave(db):
    run_inline(db, commit, captured(purchase("unpaid"), 1))
    listed = purchase("paid", items=(), sold_orders=(), placed_at=None)  # the order list: status and amounts only
    again = run_inline(db, commit, captured(listed, 2))
    assert (again.added, again.updated) == (0, 1)
    row = PurchaseOrder.get()
    assert (row.status, row.placed_at) == ("paid", datetime(2025, 10, 3, 1, 30, tzinfo=UTC))
    assert [(i.sku, i.quantity) for i in ItemRow.select()] == [("5012345678901", 4)]
    assert [link.order_id for link in PurchaseLink.select()] == ["576900000000000501"]
    assert run_inline(db, commit, captured(listed, 3)).skipped == 1


def test_purchases_of_two_sources_with_the_same_number_are_two(db):
    run_inline(db, commit, captured(purchase("paid"), 1))
    run_inline(db, commit, captured(purchase("paid", source="csv"), 2))
    assert sorted(PurchaseOrder.select(PurchaseOrder.source).tuples()) == [("1688",), ("csv",)]


# the CSV imports -------------------------------------------------------------------------------------------

BAD = [
    ("order_no,sku,quantity,unit_price,currency,paid_at\r\nPO-9,A,2,1.00,USD,2025-10-01\r\nPO-9,B,0,1.00,USD,\r\n",
     "purchases.csv: row 3, quantity: '0' is not a whole number of units from 1 to 10,000,000"),
    ("order_no,sku,quantity,unit_price,currency,paid_at\r\n,A,2,1.00,USD,2025-10-01\r\n",
     "purchases.csv: row 2, order_no: empty (the purchase order's number)"),
    ("order_no,sku,quantity,unit_price,currency,paid_at\r\nPO-9,A,2,-1.00,USD,2025-10-01\r\n",
     "purchases.csv: row 2, unit_price: -1.00 is negative; enter what the purchase cost (a discount goes in "
     "adjustment)"),
    ("order_no,sku,quantity,unit_price,currency,paid_at\r\nPO-9,A,2,1.00,USD,2025-10-01\r\nPO-9,B,1,1.00,CNY,\r\n",
     "purchases.csv: row 3, currency: 'CNY' differs from row 2 of the same order PO-9; write an order's currency "
     "once or the same on each of its rows"),
    ("order_no,sku,quantity,unit_price,currency,status\r\nPO-9,A,2,1.00,USD,paid\r\n",
     "purchases.csv: row 2: order PO-9 has neither placed_at nor paid_at; give the day its cost counts from"),
    ("order_no,sku,quantity,unit_price,currency,paid_at\r\nPO-9,A,2,1.00,USD,2025-10-01 09:00\r\n",
     "purchases.csv: row 2, paid_at: '2025-10-01 09:00' is not a date (YYYY-MM-DD) or a time with its zone "
     "(2025-10-03T09:30:00+08:00)"),
    ("order_no,sku,quantity,unit_price,currency,paid_at,status\r\nPO-9,A,2,1.00,USD,2025-10-01,bought\r\n",
     "purchases.csv: row 2, status: 'bought' is not one of unpaid, paid, shipped, received, cancelled, refunded"),
    ("order_no,sku,quantity,currency\r\nPO-9,A,2,USD\r\n",
     "purchases.csv: missing column unit_price (the first row must name the columns order_no, sku, quantity, "
     "unit_price, currency)"),
]


@pytest.mark.parametrize(("text", "said"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_a_bad_purchase_csv_is_refused_whole_and_changes_nothing(db, text, said):
    figures(db, "purchases")
    before = [list(m.select().tuples()) for m in (PurchaseOrder, ItemRow, PurchaseLink)]
    with pytest.raises(InputError) as caught:
        complete(seller_figures.import_figures(Inline(db), "purchases", "purchases.csv", text.encode()))
    assert str(caught.value) == said
    assert [list(m.select().tuples()) for m in (PurchaseOrder, ItemRow, PurchaseLink)] == before


def test_the_purchase_csv_makes_purchases_and_importing_it_again_changes_nothing(db):
    (saved,) = figures(db, "purchases")
    assert (saved.added, saved.updated, saved.skipped) == (4, 0, 0)
    po1 = PurchaseOrder.get(PurchaseOrder.order_no == "PO-1")
    assert (po1.source, po1.supplier, po1.status, po1.currency, po1.goods, po1.shipping, po1.adjustment, po1.total) == (
        "csv", "Yiwu Cups", "paid", "USD", Decimal("40.00"), Decimal("3.00"), Decimal("0"), Decimal("43.00"))
    assert po1.paid_at == datetime(2025, 9, 1, tzinfo=UTC)
    po4 = PurchaseOrder.get(PurchaseOrder.order_no == "PO-4")
    assert po4.paid_at == datetime(2025, 10, 2, 2, 0, tzinfo=UTC) and po4.total == Decimal("146.00")
    assert [(i.sku, i.quantity, i.amount) for i in ItemRow.select().where(ItemRow.purchase == po1.id)
            .order_by(ItemRow.position)] == [("SUP-4", 10, Decimal("20.00")), (S2, 5, Decimal("20.00"))]
    (again,) = figures(db, "purchases")
    assert (again.added, again.updated, again.skipped) == (0, 0, 4)


def test_sku_map_import_refusals_and_a_stores_own_entry_winning(db):
    other = StoreRef("tiktok", "7495002", "US", "Second shop", "USD", "America/Los_Angeles")
    run_inline(db, lambda: stores.resolve(other))
    text = b"supplier_sku,sku_id,store\r\nSUP-4,1729000000000000004,\r\nSUP-4,SHOP2-SKU,Second shop\r\n"
    saved = run_inline(db, seller_figures.save, "skumap", seller_figures.read("skumap", "map.csv", text))
    assert (saved.added, saved.updated, saved.skipped) == (2, 0, 0)
    mapping = run_inline(db, sku_map.load)
    second = stores.by_name("Second shop").id
    assert mapping.resolve(second, "SUP-4") == "SHOP2-SKU"
    assert mapping.resolve(second + 1, "SUP-4") == S4  # any other store: the global entry
    assert mapping.resolve(second, "NOT-MAPPED") == "NOT-MAPPED"  # no entry: the SKU as the purchase names it
    for bad, said in ((b"supplier_sku,sku_id\r\n,X\r\n", "map.csv: row 2, supplier_sku: empty"),
                      (b"supplier_sku,sku_id\r\nA,X\r\nA,Y\r\n", "map.csv: row 3: 'A' is mapped twice"),
                      (b"supplier_sku,sku_id,store\r\nA,X,No such shop\r\n", "")):
        with pytest.raises(Exception) as caught:
            complete(seller_figures.import_figures(Inline(db), "skumap", "map.csv", bad))
        assert str(caught.value).startswith(said)
    assert SkuMap.select().count() == 2


# costing ---------------------------------------------------------------------------------------------------


def test_fixed_costing_is_unchanged_and_lists_skus_without_cost(db):
    load(db)
    figures(db, "costs", "fx", "skumap", "purchases")
    rep = report(by="sku")
    assert by_sku(rep) == {(S1, "USD"): "-12.00", (S4, "USD"): "0.00"}  # 2 x 6.00; S4 has no fixed cost
    assert rep["skus_without_cost"] == [S4]
    assert not any("costing per store" in r for r in rep["rules"])


def test_moving_average_across_two_purchases_with_a_sale_between(db):
    load(db)
    figures(db, "costs", "fx", "skumap", "purchases")
    run_inline(db, costing.set_method, STORE, "moving_average")
    rep = report(by="sku")
    # S4: 3 x 2.15 (09-20, after PO-1) + 2 x 2.525 (10-10, after PO-2; unpaid PO-3 does not count) = 6.45 + 5.05
    # S1: 09-10, before any purchase: the fixed 6.00 USD; 10-12: 36.50 CNY (PO-4), in its own currency
    assert by_sku(rep) == {(S1, "USD"): "-6.00", (S1, "CNY"): "-36.50", (S4, "USD"): "-11.50"}
    assert "skus_without_cost" not in rep
    assert any(r.startswith(f"costing per store: {STORE}: moving weighted average") for r in rep["rules"])

    dollars = report(by="sku", currency="USD")  # 36.50 CNY at 1 USD = 7.30 CNY (2025-10-01) = 5.00 USD
    assert by_sku(dollars) == {(S1, "USD"): "-11.00", (S4, "USD"): "-11.50"}
    assert dollars["rates"] == [{"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.30", "inverted": True}]

    september = report(by="store", period="2025-09")
    assert september["rows"][0]["categories"]["purchase_cost"] == "-12.45"  # 6.45 + 6.00

    run_inline(db, costing.set_method, STORE, "fixed")
    assert by_sku(report(by="sku")) == {(S1, "USD"): "-12.00", (S4, "USD"): "0.00"}


# links, notice, self-delivery ------------------------------------------------------------------------------


def test_the_expense_tabs_1688_order_column_fills_from_links_and_the_sellers_entry_wins(db):
    from companion.store import edits

    load(db)
    figures(db, "purchases")
    f = finance_view.Filters(period="all", basis="order", sort="order_id", descending=False)
    rows = {r["order_id"]: r for r in run_inline(db, finance_view.expense_page, f, NOW)["rows"]}
    assert rows["576900000000000501"]["purchase_order"] == "PO-1"
    assert rows["576900000000000501"]["purchase_order_linked"] is True
    assert rows["576900000000000502"]["purchase_order"] == "PO-2, PO-3"
    assert rows["576900000000000503"]["purchase_order"] == "" and "purchase_order_linked" not in rows[
        "576900000000000503"]
    line = rows["576900000000000501"]["id"]
    run_inline(db, edits.save, line, "purchase_order", "2871234567890123456")
    rows = {r["order_id"]: r for r in run_inline(db, finance_view.expense_page, f, NOW)["rows"]}
    assert rows["576900000000000501"]["purchase_order"] == "2871234567890123456"
    assert "purchase_order_linked" not in rows["576900000000000501"]


def test_the_payment_notice_names_unpaid_purchases_of_sold_orders_in_range(db):
    load(db)
    figures(db, "purchases")
    assert run_inline(db, purchase_notice.unpaid, "all", None, NOW)["count"] == 0  # off: nothing looked up
    run_inline(db, app_settings.save, {"payment_notice_1688": "manual"})
    notice = run_inline(db, purchase_notice.unpaid, "2025-10", None, NOW)
    assert (notice["mode"], notice["count"], notice["orders"]) == ("manual", 1, 1)
    assert notice["purchases"] == [{"source": "csv", "order_no": "PO-3", "sold_orders": ["576900000000000502"]}]
    assert notice["message"]["message"] == "1 sold order(s) wait on 1 unpaid purchase(s): PO-3; pay them on 1688"
    assert run_inline(db, purchase_notice.unpaid, "2025-09", None, NOW)["count"] == 0  # the order is of October

    watch = PaymentWatch()
    assert watch.decide(notice) is None  # manual: the banner only, no tray notification
    auto = {**notice, "mode": "auto"}
    assert watch.decide(auto) == "1 sold order(s) wait on 1 unpaid purchase(s): PO-3; pay them on 1688"
    assert watch.decide(auto) is None  # told once while it stays unpaid
    assert watch.decide({**auto, "count": 0, "purchases": [], "message": None}) is None  # paid since
    assert watch.decide(auto) is not None  # unpaid again: told again


@pytest.mark.parametrize("mode", ["manual", "auto"])
def test_self_delivered_purchase_shipping_is_the_orders_last_leg_only_in_auto(db, mode):
    load(db)
    text = ("order_no,sku,quantity,unit_price,currency,shipping,paid_at,sold_order,self_delivery\r\n"
            f"PO-7,{S2},1,5.00,USD,8.00,2025-09-05,576900000000000503,yes\r\n"
            f"PO-7,{S2},1,5.00,USD,,,576900000000000501,\r\n").encode()
    run_inline(db, seller_figures.save, "purchases", seller_figures.read("purchases", "p.csv", text))
    run_inline(db, app_settings.save, {"self_delivery_payment": mode})
    rows = {r["key"]["order_id"]: r["categories"] for r in report(by="order", period="2025-09")["rows"]}
    if mode == "auto":  # 8.00 split evenly over the two orders it serves
        assert rows["576900000000000503"]["last_leg_cost"] == "-4.00"
        assert rows["576900000000000501"]["last_leg_cost"] == "-4.00"
        assert report(by="store", period="2025-09")["rows"][0]["cost"] == "-8.00"
    else:
        assert {c["last_leg_cost"] for c in rows.values()} == {"0.00"}


def test_the_expense_tab_prices_a_moving_average_stores_lines_at_the_average(db):
    load(db)
    figures(db, "costs", "fx", "skumap", "purchases")
    run_inline(db, costing.set_method, STORE, "moving_average")
    f = finance_view.Filters(period="all", basis="order", sort="order_id", descending=False)
    rows = {r["order_id"]: r for r in run_inline(db, finance_view.expense_page, f, NOW)["rows"]}
    picked = {o: (r["purchase_price"], r["purchase_currency"], r["purchase_source"], r["row_profit"])
              for o, r in rows.items()}
    assert picked == {
        "576900000000000501": ("6.45", "USD", "moving average", "53.55"),  # 3 x 2.15
        "576900000000000502": ("5.05", "USD", "moving average", "34.95"),  # 2 x 2.525
        "576900000000000503": ("6.00", "USD", "unit cost", "14.00"),  # before S1's first purchase: fixed
        "576900000000000504": ("36.50", "CNY", "moving average", "15.00"),  # 36.50 CNY / 7.30 = 5.00 USD
    }


# the CLI, the API and the tray -----------------------------------------------------------------------------


async def test_the_cli_imports_purchases_and_the_sku_map_and_sets_a_stores_costing(db_url, tmp_path):
    from tests.support.daemon import acli

    data = tmp_path / "cli"
    (tmp_path / "p.csv").write_bytes(PURCHASES)
    (tmp_path / "map.csv").write_bytes(SKUMAP)
    (tmp_path / "bad.csv").write_bytes(PURCHASES.replace(b"PO-2,Yiwu Cups", b",Yiwu Cups"))
    (tmp_path / f"{US_NAME}.xlsx").write_bytes(us_workbook(ROWS))
    res = await acli(data, db_url, "purchases", "import", str(tmp_path / "p.csv"))
    assert (res.code, res.out) == (0, f"{tmp_path / 'p.csv'}: purchases: 4 added, 0 updated, 0 skipped\n")
    res = await acli(data, db_url, "skumap", "import", str(tmp_path / "map.csv"), "--json")
    assert res.code == 0 and '"added": 1' in res.out
    bad = await acli(data, db_url, "purchases", "import", str(tmp_path / "bad.csv"))
    assert bad.code == 2
    assert bad.err_lines == ["shoptally: bad.csv: row 4, order_no: empty (the purchase order's number)"]
    again = await acli(data, db_url, "purchases", "import", str(tmp_path / "p.csv"))  # the refused file stored nothing
    assert again.out == f"{tmp_path / 'p.csv'}: purchases: 0 added, 0 updated, 4 skipped\n"
    assert (await acli(data, db_url, "import", str(tmp_path / f"{US_NAME}.xlsx"))).code == 0
    res = await acli(data, db_url, "costing", "set", STORE, "moving_average")
    assert (res.code, res.out) == (0, f"{STORE}: moving_average\n")
    res = await acli(data, db_url, "costing", "list", "--json")
    assert res.code == 0 and res.out.strip() == f'[{{"account": "{STORE}", "method": "moving_average"}}]'
    unknown = await acli(data, db_url, "costing", "set", "No such shop", "fixed")
    assert unknown.code != 0 and "No such shop" in unknown.err


async def test_the_api_lists_purchases_the_sku_map_the_notice_and_sets_costing(client, db):
    from tests.support.builders import view_headers

    load(db)
    figures(db, "skumap", "purchases")

    async def call(method, path, body=None, status=200):
        resp = await client.request(method, path, json=body, headers=view_headers(client.port))
        out = await resp.json()
        assert resp.status == status, out
        return out

    listed = await call("GET", "/api/purchases?q=PO-1")
    assert listed["total"] == 1 and listed["purchases"][0]["items"] == [
        {"sku": "SUP-4", "quantity": 10, "amount": "20.00"}, {"sku": S2, "quantity": 5, "amount": "20.00"}]
    assert (await call("GET", "/api/purchases"))["total"] == 4
    assert (await call("GET", "/api/skumap"))["entries"] == [{"supplier_sku": "SUP-4", "sku_id": S4, "store": ""}]
    assert (await call("GET", "/api/purchases/unpaid?period=2025-10"))["count"] == 0  # the notice is off
    await call("POST", "/api/settings", {"payment_notice_1688": "auto"})
    notice = await call("GET", "/api/purchases/unpaid?period=2025-10")
    assert (notice["mode"], notice["count"], notice["message"]["code"]) == ("auto", 1, "purchases_unpaid")
    refused = await call("POST", "/api/costing", {"account": STORE, "method": "fifo"}, status=422)
    assert refused["code"] == "costing_method_unknown" and refused["message"] == (
        "costing: 'fifo' is not one of fixed, moving_average")
    assert await call("POST", "/api/costing", {"account": STORE, "method": "moving_average"}) == {
        "account": STORE, "method": "moving_average"}
    assert (await call("GET", "/api/costing"))["stores"] == [{"account": STORE, "method": "moving_average"}]
    drop = base64.b64encode(b"supplier_sku,sku_id\r\nSUP-9,X\r\n").decode()
    assert (await call("POST", "/api/figures/skumap", {"name": "m.csv", "content_base64": drop}))["added"] == 1


async def test_the_tray_notifies_unpaid_purchases_once_in_auto(service, db, monkeypatch):
    import asyncio

    from companion.tray import payment_watch

    monkeypatch.setattr(payment_watch, "SETTLE_SECONDS", 0.01)
    monkeypatch.setattr(payment_watch, "PERIOD", "all")
    load(db)
    figures(db, "purchases")
    notes: list[str] = []
    on_event = payment_watch.watch(service, notes.append, asyncio.get_running_loop())

    async def settle():
        for _ in range(200):
            await asyncio.sleep(0.02)
            if notes:
                return

    on_event({"event": "tk-settlement.updated"})
    await settle()
    assert notes == []  # the notice is off
    await service.writer.run(app_settings.save, {"payment_notice_1688": "manual"})
    on_event({"event": "settings.updated"})
    await settle()
    assert notes == []  # manual: the view's banner only
    await service.writer.run(app_settings.save, {"payment_notice_1688": "auto"})
    on_event({"event": "settings.updated"})
    await settle()
    assert notes == ["1 sold order(s) wait on 1 unpaid purchase(s): PO-3; pay them on 1688"]
    on_event({"event": "tk-settlement.updated"})
    await asyncio.sleep(0.3)
    assert len(notes) == 1  # told once


async def test_a_backup_keeps_purchases_and_the_sku_map_and_restores_them(db_url, tmp_path):
    from tests.support.daemon import acli, table_counts

    data = tmp_path / "data"
    (tmp_path / "p.csv").write_bytes(PURCHASES)
    (tmp_path / "map.csv").write_bytes(SKUMAP)
    (tmp_path / "more.csv").write_bytes(b"order_no,sku,quantity,unit_price,currency,paid_at\r\nPO-8,X,1,1.00,USD,"
                                        b"2025-10-01\r\n")
    for kind, name in (("purchases", "p.csv"), ("skumap", "map.csv")):
        assert (await acli(data, db_url, kind, "import", str(tmp_path / name))).code == 0
    counts = table_counts(db_url)
    assert {k: counts[k] for k in ("purchase_order", "purchase_item", "purchase_link", "sku_map")} == {
        "purchase_order": 4, "purchase_item": 5, "purchase_link": 3, "sku_map": 1}
    out = tmp_path / "keep.shoptally-backup"
    assert (await acli(data, db_url, "backup", "create", "--out", str(out))).code == 0
    assert (await acli(data, db_url, "purchases", "import", str(tmp_path / "more.csv"))).code == 0
    res = await acli(data, db_url, "backup", "restore", str(out), "--yes")
    assert res.code == 0, res.err
    after = table_counts(db_url)
    assert {k: after[k] for k in ("purchase_order", "purchase_item", "purchase_link", "sku_map")} == {
        "purchase_order": 4, "purchase_item": 5, "purchase_link": 3, "sku_map": 1}


def test_the_moving_average_by_hand_and_a_self_delivered_purchases_shipping_left_to_the_last_leg():
    from datetime import date

    from companion.ledger.costing import Bought, landed, moving_average
    from companion.ledger.engine import CostVersion

    po1 = Bought(date(2025, 9, 1), "USD", (("SUP-4", 10, 200_000), (S2, 5, 200_000)), shipping=30_000,
                 order_no="PO-1")
    po2 = Bought(date(2025, 10, 5), "USD", ((S4, 10, 300_000),), adjustment=-10_000, order_no="PO-2")
    assert landed(po1) == [215_000, 215_000]
    versions = moving_average([po2, po1], lambda sku: S4 if sku == "SUP-4" else sku)
    assert sorted(versions, key=lambda v: (v.sku, v.since)) == [
        CostVersion(S2, date(2025, 9, 1), 43_000, "USD"),  # 21.50 / 5 = 4.30
        CostVersion(S4, date(2025, 9, 1), 21_500, "USD"),  # 21.50 / 10 = 2.15
        CostVersion(S4, date(2025, 10, 5), 25_250, "USD"),  # 50.50 / 20 = 2.525
    ]
    shipped = Bought(date(2025, 9, 5), "USD", ((S2, 2, 100_000),), shipping=80_000, order_no="PO-7",
                     self_delivered=True)
    assert moving_average([shipped], str)[0].unit_cost == 90_000  # manual: (10.00 + 8.00) / 2 = 9.00
    assert moving_average([shipped], str, lambda p: p.self_delivered)[0].unit_cost == 50_000  # auto: 5.00


def test_a_new_costing_choice_records_one_change_and_the_same_choice_none(db):
    importer_load = importer.parse_file(f"{US_NAME}.xlsx", us_workbook(), "", importer.account_store(None))
    run_inline(db, importer.commit_file, f"{US_NAME}.xlsx", importer_load)
    before = changes.current_rev()
    chosen = run_inline(db, costing.set_method, STORE, "moving_average")
    assert chosen.json() == {"account": STORE, "method": "moving_average"}
    assert [(e["event"], e["account"], e["updated"], e["rev"]) for e in chosen.events] == [
        ("tk-settlement.updated", STORE, 1, before + 1)]  # open views reload their figures
    again = run_inline(db, costing.set_method, STORE, "moving_average")
    assert again.events == [] and changes.current_rev() == before + 1


def test_a_purchase_csv_value_longer_than_its_column_is_refused_by_row_and_column():
    long_no = "P" * 129
    text = f"order_no,sku,quantity,unit_price,currency,paid_at\r\n{long_no},A,1,2.00,USD,2025-10-01\r\n"
    with pytest.raises(InputError) as refused:
        seller_figures.read("purchases", "purchases.csv", text.encode())
    assert str(refused.value) == "purchases.csv: row 2, order_no: longer than 128 characters"


def test_purchases_are_listed_on_their_sources_own_calendar(db):
    """A 1688 order paid at 01:30 in China is that day's though it is the day before in UTC; a CSV date is the
    day written (read as 00:00 UTC)."""
    china = purchase("paid", placed_at=datetime(2025, 10, 2, 17, 0, tzinfo=UTC),
                     paid_at=datetime(2025, 10, 2, 17, 30, tzinfo=UTC))
    sheet = purchase("paid", source="csv", order_no="PO-CSV-1", placed_at=None,
                     paid_at=datetime(2025, 10, 1, tzinfo=UTC))
    run_inline(db, commit, captured(china, 1))
    run_inline(db, commit, captured(sheet, 2))
    listed = {p["order_no"]: (p["placed_on"], p["paid_on"], p["paid_at"]) for p in purchases.table()["purchases"]}
    assert listed == {"2871234567890123456": ("2025-10-03", "2025-10-03", "2025-10-02T17:30:00+00:00"),
                      "PO-CSV-1": (None, "2025-10-01", "2025-10-01T00:00:00+00:00")}

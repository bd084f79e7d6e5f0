"""Shopify: the orders export and the Shopify Payments transactions export, seed 002 ⑥, to the cent.

Every expected figure is worked out by hand in the comments from the fixture rows (tests/support/shopify.py)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from companion.pipeline import importer
from companion.pipeline.demo_shopify import demo_file, demo_files
from companion.reports import reconcile
from companion.sources import registry
from companion.sources.cells import MangledId
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SourceError
from companion.sources.shopify.common import allocate
from companion.store.writer import run_inline
from tests.support.shopify import ORDER_HEADER, ORDERS, TXN_HEADER, TXNS, order, orders_table, txn, txn_table
from tests.support.tables import categories_match_settlement, csv_bytes, file_src, parse, totals, xlsx

D = Decimal
EDT = timezone(timedelta(hours=-4))
ORDERS_NAME = "Shopify_DemoShop_Orders_2026-10.csv"
TXNS_NAME = "Shopify_DemoShop_Payouts_2026-10.csv"

# The orders file: #1001 31.50 + 3.50 (sales 35.00), #1002 45.00 + 6.00 - 6.00 (free shipping), #1003 24.00,
# #1004 30.00; #1005 voided (nothing).
ORDERS_EXPECTED = {
    "sales": D("134.00"),  # 35.00 + 45.00 + 24.00 + 30.00
    "promo_discount": D("-9.50"),  # -3.50 - 6.00
    "buyer_shipping": D("15.99"),  # 4.99 + 6.00 + 5.00
    "sales_tax": D("8.04"),  # 2.52 + 3.60 + 1.92
    "income_refund": D("-8.64"),
    "other_income": D("5.00"),  # #1002's tip
    "settlement_amount": D("144.89"),  # 39.01 + 53.60 + (25.92 - 8.64) + 35.00
}
# The transactions file: fees 1.43 + 1.85 + 1.05 + 1.32 + 15.00 (the dispute's fee); the dispute's -53.60; the
# pending adjustment's 2.50; the charges' and the refund's Amount are the orders file's money.
TXNS_EXPECTED = {
    "platform_fee": D("-20.65"), "income_refund": D("-53.60"), "adjustment": D("2.50"),
    "settlement_amount": D("-71.75"),
}


def orders_file():
    return parse(ORDERS_NAME, csv_bytes(orders_table()))


def txns_file():
    return parse(TXNS_NAME, csv_bytes(txn_table()))


# ------------------------------------------------------------------------------------------------ orders export
def test_the_orders_export_books_seed_002_per_category_to_the_cent():
    result = orders_file()
    assert result.adapter == "shopify.orders" and result.report_type == "orders"
    assert totals(result) == ORDERS_EXPECTED
    categories_match_settlement(result)
    # one line per line item and one for the tip; the voided #1005 moved no money
    assert [line.key for line in result.lines] == [
        ("shopify_order", "5001", "1"), ("shopify_order", "5001", "2"), ("shopify_order", "5002", "1"),
        ("shopify_order", "5002", "2"), ("shopify_order", "5003", "1"), ("shopify_order", "5004", "1")]
    assert [(ln.sku_id, ln.quantity) for ln in result.lines] == [
        ("TEE-BLK-M", 2), ("MUG-1", 1), ("HOOD-GRY-L", 1), (None, 0), ("CAP-1", 3), ("SCARF-1", 1)]
    assert {ln.store.name for ln in result.lines} == {"Shopify DemoShop"}
    assert {(ln.currency, ln.detail) for ln in result.lines} == {("USD", SKU_SPLIT)}
    # the order ID is the Name the payouts export writes (#1001), the Id (seed 002's 平台单号) the reference
    assert [(ln.order_id, ln.reference, ln.extra["Id"]) for ln in result.lines] == [
        ("#1001", "5001", "5001"), ("#1001", "5001", "5001"), ("#1002", "5002", "5002"), ("#1002", "5002", "5002"),
        ("#1003", "5003", "5003"), ("#1004", "5004", "5004")]
    # settled when fulfilled (seed 002: 结算时间 = Fulfilled at); #1004 is not fulfilled yet
    assert [ln.status for ln in result.lines] == [SETTLED] * 5 + [IN_TRANSIT]
    assert result.lines[0].settled_time == datetime(2026, 10, 3, 10, 0, tzinfo=EDT)
    assert result.lines[0].order_time == datetime(2026, 10, 1, 9, 0, tzinfo=EDT)
    assert result.lines[5].settled_time is None
    assert totals(result, settled_only=True)["settlement_amount"] == D("109.89")  # 144.89 - 35.00
    (stated,) = result.totals
    assert (stated.kind, stated.amount, stated.currency) == ("file_total", D("144.89"), "USD")


def test_an_orders_money_is_split_over_its_line_items_to_the_cent():
    tee, mug = orders_file().lines[:2]
    # weights 2 x 10.00 = 20.00 and 15.00 (of 35.00): Subtotal 31.50 -> 18.00 / 13.50, Discount 3.50 -> 2.00 /
    # 1.50, Taxes 2.52 -> 1.44 / 1.08; Shipping 4.99 -> 2.85 / 2.13 and the cent left to the larger: 2.86 / 2.13
    assert tee.amounts == {"sales": D("20.00"), "promo_discount": D("-2.00"), "buyer_shipping": D("2.86"),
                           "sales_tax": D("1.44")}
    assert mug.amounts == {"sales": D("15.00"), "promo_discount": D("-1.50"), "buyer_shipping": D("2.13"),
                           "sales_tax": D("1.08")}
    assert (tee.settlement_amount, mug.settlement_amount) == (D("22.30"), D("16.71"))  # 39.01 together
    assert [(f.name, f.amount, f.category) for f in tee.fields if f.category == "sales"] == [
        ("Subtotal", D("18.00"), "sales"), ("Discount Amount", D("2.00"), "sales")]


def test_free_shipping_takes_shipping_off_the_sales_and_a_tip_is_other_income():
    hoodie, tip = orders_file().lines[2:4]
    # Total 53.60 = Subtotal 45.00 + Taxes 3.60 + tip 5.00: the 6.00 of Shipping was the discount (FREESHIP)
    assert hoodie.amounts == {"sales": D("45.00"), "promo_discount": D("-6.00"), "buyer_shipping": D("6.00"),
                              "sales_tax": D("3.60")}
    assert hoodie.settlement_amount == D("48.60")
    assert "shipping free" in hoodie.extra["reading"]
    assert (tip.txn_type, tip.amounts, tip.settlement_amount) == ("tip", {"other_income": D("5.00")}, D("5.00"))


def test_taxes_included_in_the_prices_come_off_the_sales_in_a_spreadsheet_with_its_columns_reordered():
    # a UK store: prices include VAT. Total 27.60 = Subtotal 24.00 + Shipping 3.60; Taxes 4.60 are inside them.
    # Sales without tax (the seed's default): 24.00 - 4.60 = 19.40; the tax booked on its own.
    header = list(reversed(ORDER_HEADER))
    rows = orders_table(header, [("#2001", order(
        "paid", "2026-10-10 09:00:00 +0100", "2026-10-09 18:00:00 +0100", "24.00", "3.60", "4.60", "27.60",
        currency="GBP", order_id="7001"), [(1, "Linen Apron", "24.00", "APRON-1")])])
    result = parse("Shopify_UKShop_Orders_2026-10.xlsx", xlsx({"orders_export": rows}))
    (line,) = result.lines
    assert line.amounts == {"sales": D("19.40"), "buyer_shipping": D("3.60"), "sales_tax": D("4.60")}
    assert (line.settlement_amount, line.currency, line.quantity) == (D("27.60"), "GBP", 1)
    assert "taxes are included" in line.extra["reading"]


def test_columns_that_do_not_add_up_to_the_total_leave_the_difference_for_reconcile():
    rows = orders_table(orders=[("#3001", order("paid", "2026-10-10 09:00:00 -0400", "2026-10-09 09:00:00 -0400",
                                                "10.00", "0.00", "0.00", "12.00", order_id="8001"),
                                 [(1, "Sticker", "10.00", "ST-1")])])
    (line,) = parse(ORDERS_NAME, csv_bytes(rows)).lines
    assert (line.amounts, line.settlement_amount) == ({"sales": D("10.00")}, D("12.00"))
    assert "unexplained" in line.extra


def test_allocation_adds_up_exactly_and_gives_the_cents_left_to_the_largest_weights():
    assert allocate(D("10.00"), [D(1), D(1), D(1)]) == [D("3.34"), D("3.33"), D("3.33")]
    assert allocate(D("-0.05"), [D(3), D(1)]) == [D("-0.04"), D("-0.01")]
    assert allocate(D("1.00"), [D(0), D(0)]) == [D("0.50"), D("0.50")]


# ---------------------------------------------------------------------------------------- payment transactions
def test_the_transactions_export_books_fees_disputes_and_adjustments_only():
    result = txns_file()
    assert result.adapter == "shopify.payment_transactions" and result.report_type == "payment_transactions"
    assert totals(result) == TXNS_EXPECTED
    categories_match_settlement(result)
    assert len(result.lines) == 7
    charge, *_, refund, dispute, adjustment = result.lines
    # a charge pays its Net 37.58; of it, the orders export books the Amount 39.01: here only the fee
    assert (charge.amounts, charge.settlement_amount) == ({"platform_fee": D("-1.43")}, D("-1.43"))
    assert [(f.name, f.amount, f.category) for f in charge.fields][:2] == [
        ("Amount", D("39.01"), None), ("Fee", D("-1.43"), "platform_fee")]
    assert (refund.amounts, refund.settlement_amount) == ({}, D("0.00"))
    assert dispute.amounts == {"income_refund": D("-53.60"), "platform_fee": D("-15.00")}
    assert [f.unmapped for f in dispute.fields if f.category == "income_refund"] == [True]
    assert (adjustment.amounts, adjustment.statement_id, adjustment.status) == (
        {"adjustment": D("2.50")}, None, IN_TRANSIT)
    assert (charge.status, charge.statement_id, charge.order_id, charge.reference) == (SETTLED, None, "#1001", None)
    assert charge.extra["Payout ID"] == "90001"  # named, not a statement: its lines never add up to the payout
    assert charge.settled_time == datetime(2026, 10, 5, tzinfo=EDT)
    assert [ln.status for ln in result.lines] == [SETTLED] * 3 + [IN_TRANSIT] * 4
    payouts = {s.ref: s for s in result.totals if s.kind == "payout"}
    assert payouts["90001"].amount == D("114.20")  # 37.58 + 51.75 + 24.87
    assert payouts["90002"].amount == D("-43.56")  # 33.68 - 8.64 - 68.60
    assert dict(payouts["90001"].scope)["payment_status"] == "paid"
    assert [s.kind for s in result.totals] == ["payout", "payout"]  # the export states no other total


def test_both_exports_together_count_what_shopify_paid_once():
    # the Net of every transaction: 37.58 + 51.75 + 24.87 + 33.68 - 8.64 - 68.60 + 2.50 = 73.14
    net = sum((D(r["Net"]) for r in TXNS), D(0))
    assert net == D("73.14")
    both = totals(orders_file())["settlement_amount"] + totals(txns_file())["settlement_amount"]
    assert both == net  # 144.89 - 71.75


def test_the_older_layout_and_vat_on_fees_in_a_spreadsheet():
    # a layout without Payout ID, Checkout and presentment columns, with VAT on the fee (an EU store):
    # Net 36.57 = 37.90 - 1.10 - 0.23, so the 0.23 was taken: booked as VAT (unmapped)
    header = ["Transaction Date", "Type", "Order", "Card Brand", "Card Source", "Payout Status", "Payout Date",
              "Available On", "Amount", "Fee", "Net", "Currency", "VAT"]
    row = {**txn("2026-10-19 12:07:45 +0200", "charge", "#3703", "paid", "2026-10-22", "", "37.90", "1.10", "36.57",
                 currency="EUR"), "VAT": "0.23"}
    result = parse("Shopify_EUShop_Payouts_2026-10.xlsx", xlsx({"payment_transactions": txn_table(header, [row])}))
    (line,) = result.lines
    assert line.amounts == {"platform_fee": D("-1.10"), "vat": D("-0.23")}
    assert (line.settlement_amount, line.currency, line.statement_id) == (D("-1.33"), "EUR", None)
    assert line.settled_time == datetime(2026, 10, 22, tzinfo=timezone(timedelta(hours=2)))


def test_balance_moves_make_no_line_and_the_exports_own_payout_row_is_the_stated_payout():
    rows = [
        txn("2026-10-10 09:00:00 -0400", "charge", "#1010", "paid", "2026-10-14", "90009", "100.00", "3.20", "96.80"),
        txn("2026-10-11 09:00:00 -0400", "chargeback_fee", "#1002", "paid", "2026-10-14", "90009", "-15.00", "0.00",
            "-15.00"),
        txn("2026-10-11 10:00:00 -0400", "refund", "#1010", "paid", "2026-10-14", "90009", "-10.00", "-0.29",
            "-9.71"),
        txn("2026-10-12 09:00:00 -0400", "reserved_funds", "", "paid", "2026-10-14", "90009", "-20.00", "0.00",
            "-20.00"),
        txn("2026-10-14 00:00:00 -0400", "payout", "", "paid", "2026-10-14", "90009", "-52.09", "0.00", "-52.09"),
    ]
    result = parse(TXNS_NAME, csv_bytes(txn_table(rows=rows)))
    assert [ln.txn_type for ln in result.lines] == ["charge", "chargeback_fee", "refund"]  # reserve, payout: none
    assert [ln.amounts for ln in result.lines] == [
        {"platform_fee": D("-3.20")}, {"platform_fee": D("-15.00")}, {"fee_refund": D("0.29")}]
    categories_match_settlement(result)
    (payout,) = result.totals
    # the payout row says 52.09 went to the bank: 96.80 - 15.00 - 9.71 - 20.00
    assert (payout.kind, payout.ref, payout.amount) == ("payout", "90009", D("52.09"))


def test_two_rows_that_look_alike_stay_two_lines():
    same = txn("2026-10-01 09:00:05 -0400", "adjustment", "", "paid", "2026-10-05", "90001", "-1.00", "0.00", "-1.00")
    result = parse(TXNS_NAME, csv_bytes(txn_table(rows=[same, same])))
    assert [ln.key[-1] for ln in result.lines] == ["1", "2"]
    assert totals(result)["adjustment"] == D("-2.00")


# --------------------------------------------------------------------------------------- recognition and refusals
def test_each_report_is_recognised_by_its_header_whatever_the_file_is_called():
    for content, name in ((csv_bytes(orders_table()), "shopify.orders"),
                          (csv_bytes(txn_table()), "shopify.payment_transactions")):
        adapter = registry.detect(file_src("export.csv", content, account="My Shopify"))
        assert adapter is not None and adapter.name == name
        assert {ln.store.name for ln in adapter.parse(file_src("export.csv", content, "My Shopify")).lines} == {
            "My Shopify"}
    assert registry.detect(file_src("export.csv", csv_bytes([["Name", "Email", "Total"], ["#1", "a@b.c", "1"]]))) \
        is None


def test_a_bad_amount_is_refused_naming_the_file_row_and_column():
    rows = orders_table()
    rows[1][ORDER_HEADER.index("Total")] = "39,01x"
    with pytest.raises(SourceError) as refused:
        parse(ORDERS_NAME, csv_bytes(rows))
    message = str(refused.value)
    assert message.startswith(ORDERS_NAME + ": ") and "row 2" in message
    assert "column 'Total': '39,01x' is not an amount" in message


def test_an_id_a_spreadsheet_turned_into_a_number_is_refused():
    rows = txn_table()
    rows[1][TXN_HEADER.index("Payout ID")] = "9.0001E+4"
    with pytest.raises(MangledId) as refused:
        parse(TXNS_NAME, csv_bytes(rows))
    assert "row 2" in str(refused.value) and "Payout ID" in str(refused.value)


def test_a_row_without_its_order_name_is_refused():
    rows = orders_table()
    rows[2][ORDER_HEADER.index("Name")] = ""
    with pytest.raises(SourceError) as refused:
        parse(ORDERS_NAME, csv_bytes(rows))
    assert "row 3" in str(refused.value) and "the Name column is empty" in str(refused.value)


# ------------------------------------------------------------------------------------------- import and reconcile
def _import(db, name: str, content: bytes) -> dict:
    parsed = importer.parse_file(name, content)
    return run_inline(db, importer.commit_file, name, parsed).summary


def test_reimporting_adds_nothing_and_reconcile_finds_the_stated_totals(db):
    first = _import(db, ORDERS_NAME, csv_bytes(orders_table()))
    assert (first["platform"], first["report_type"], first["added"]) == ("shopify", "orders", 6)
    paid = _import(db, TXNS_NAME, csv_bytes(txn_table()))
    assert (paid["report_type"], paid["added"]) == ("payment_transactions", 7)
    found = reconcile.run()
    assert found["problems"] == [], [p["message"] for p in found["problems"]]
    checks = {(c["kind"], c["ref"]): c for c in found["checks"]}
    assert (checks[("file_total", ORDERS_NAME)]["ok"], checks[("file_total", ORDERS_NAME)]["stored"]) == (
        True, "144.89")
    # a payout's charges are booked by the orders file: stated and shown, not checked against these lines
    assert checks[("payout", "90001")]["checked"] is False
    assert _import(db, ORDERS_NAME, csv_bytes(orders_table()))["added"] == 0
    assert _import(db, TXNS_NAME, csv_bytes(txn_table()))["added"] == 0


def test_an_orders_fee_meets_its_sales_in_the_report_by_order(db):
    # #1001 in both exports: the orders export books its sales (35.00 - 3.50 + 4.99 + 2.52 = 39.01), the payouts
    # export its fee (-1.43); one row, adding up to the 37.58 Shopify paid for it
    from companion.reports.reporting import profit_report

    _import(db, ORDERS_NAME, csv_bytes(orders_table(orders=ORDERS[:1])))
    _import(db, TXNS_NAME, csv_bytes(txn_table(rows=TXNS[:1])))
    report = profit_report("2026-10", by="order", now=datetime(2026, 10, 20, tzinfo=EDT))
    (row,) = report["rows"]
    assert row["key"] == {"account": "Shopify DemoShop", "order_id": "#1001"}
    cats = {k: v for k, v in row["categories"].items() if v != "0.00"}
    assert cats == {"sales": "35.00", "promo_discount": "-3.50", "buyer_shipping": "4.99", "sales_tax": "2.52",
                    "platform_fee": "-1.43"}
    assert (row["quantity"], row["settlement_amount"], row["gross_profit"], row["allocated"]) == (
        3, "37.58", "37.58", "0.00")
    assert D(row["settlement_amount"]) == D(TXNS[0]["Net"])


# ------------------------------------------------------------------------------------------------------- demo
def test_the_demo_files_read_back_and_together_equal_the_net_paid():
    today = date(2026, 12, 4)
    name, content = demo_file(today, random.Random(7))
    assert name == "Shopify_Harbor Goods_Orders_2026-12.csv"
    assert 20 <= len(content.decode().splitlines()) - 1 <= 60
    (orders_name, orders_csv), (txns_name, txns_csv) = demo_files(today, random.Random(7))
    assert orders_csv == content and txns_name == "Shopify_Harbor Goods_Payouts_2026-12.csv"
    both = [parse(orders_name, orders_csv), parse(txns_name, txns_csv)]
    for result in both:
        categories_match_settlement(result)
        assert all(today - timedelta(days=61) <= (ln.order_time or ln.settled_time).date() <= today
                   for ln in result.lines if ln.order_time or ln.settled_time)
    net = sum(D(row.split(",")[TXN_HEADER.index("Net")]) for row in txns_csv.decode().splitlines()[1:])
    assert sum((totals(r)["settlement_amount"] for r in both), D(0)) == net

"""Walmart Payment Report (New): every category to the cent, by seed 002 ⑧. Expected figures are worked out
by hand from the fixture rows in tests/support/walmart.py."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from random import Random
from zoneinfo import ZoneInfo

import pytest

from companion.pipeline import demo_walmart, importer
from companion.reports import reconcile
from companion.sources import registry
from companion.sources.cells import MangledId
from companion.sources.model import SETTLED, SKU_SPLIT, SPLIT, SourceError, StoreRef
from companion.store.writer import run_inline
from tests.support.tables import categories_match_settlement, file_src, parse, totals
from tests.support.walmart import HEADER, NAME, ROWS, SUMMARY, report_csv, report_xlsx, row

D = Decimal
PT = ZoneInfo("America/Los_Angeles")
STORE = StoreRef("walmart", "WM1号店", "US", "Walmart WM1号店", "USD", "America/Los_Angeles")

# Sale lines A (1001: 39.98 + 3.20 - 3.20 + 5.99 + 0.48 - 0.48 - 6.00 - 0.90 - 2.00 = 37.07),
# B (1002: 24.99 - 3.75 - 1.50 + 1.25 = 20.99), P (1003: 59.97 - 9.00 = 50.97); refund C (-19.99 - 1.60 + 1.60
# + 3.00 - 0.50 - 2.00 = -19.49); thirteen fee rows. Categories:
EXPECTED = {
    "sales": D("124.94"),  # 39.98 + 24.99 + 59.97
    "buyer_shipping": D("5.99"),
    "platform_fee": D("-19.65"),  # -6.00 - 0.90 - 3.75 - 9.00
    "promo_discount": D("-3.50"),  # promo code -2.00, extra discount -1.50
    "sales_tax": D("2.08"),  # 3.20 + 0.48 - 1.60
    "market_tax": D("-2.08"),  # -3.20 - 0.48 + 1.60
    "income_refund": D("-21.99"),  # -19.99 product, -2.00 shipping
    "fee_refund": D("3.00"),
    "adjustment": D("26.49"),  # excess refund -0.50, customer return reversal 19.99, lost inventory 3.50 + 3.50
    "platform_logistics": D("-17.70"),  # WFS fulfillment -4.25, shipping label -7.35, multichannel -6.10
    "storage_fee": D("-12.40"),
    "ad_fee": D("-33.00"),  # product advertising -25.00, SEM -8.00
    "other_platform_fee": D("-16.75"),  # funded savings 1.25, reserve -30.00 + 18.00, review -5.00, unknown -1.00
    "settlement_amount": D("35.43"),  # = Total Payable
}


def test_every_category_to_the_cent_and_each_line_adds_up():
    result = parse(f"{NAME}.csv", report_csv())
    assert (result.adapter, result.report_type) == ("walmart.payment_report", "payment_report")
    assert totals(result) == EXPECTED
    categories_match_settlement(result)
    assert len(result.lines) == 17 and len({line.key for line in result.lines}) == 17
    assert {line.store for line in result.lines} == {STORE}
    assert all(line.status == SETTLED and line.currency == "USD" for line in result.lines)
    assert sum(line.quantity for line in result.lines) == 6  # Ship Qty of the Product Price rows: 2 + 1 + 3
    assert {line.statement_id for line in result.lines} == {"2026-11-01..2026-11-14"}


def test_an_order_line_is_its_rows_of_one_transaction():
    lines = {line.key[1]: line for line in parse(f"{NAME}.csv", report_csv()).lines if line.key[1]}
    sale = lines["2026_11_03_100001"]
    assert sale.key == ("walmart_recon", "2026_11_03_100001", "Sale", "Purchase", "1001", "1")
    assert sale.amounts == {"sales": D("39.98"), "sales_tax": D("3.68"), "market_tax": D("-3.68"),
                            "buyer_shipping": D("5.99"), "platform_fee": D("-6.90"), "promo_discount": D("-2.00")}
    assert sale.settlement_amount == D("37.07")
    assert (sale.quantity, sale.order_id, sale.reference, sale.sku_id, sale.msku, sale.detail) == (
        2, "1001", "1001", "SKU-A", "SKU-A", SKU_SPLIT)  # Ship Qty 2 is on every row: counted once
    assert sale.txn_type == "Sale / Purchase"
    assert sale.settled_time == datetime(2026, 11, 3, tzinfo=PT)
    assert sale.extra["Customer Order #"] == "200000000001001" and sale.extra["rows"] == "9"
    assert [f.name for f in sale.fields][:2] == ["Product Price", "Product tax"]
    assert not any(f.unmapped for f in sale.fields)

    refund = lines["2026_11_08_100003"]
    assert refund.amounts == {"income_refund": D("-21.99"), "sales_tax": D("-1.60"), "market_tax": D("1.60"),
                              "fee_refund": D("3.00"), "adjustment": D("-0.50")}
    assert (refund.quantity, refund.extra["refund_quantity"]) == (0, "1")
    # the seed names tax and shipping on Sale rows only: on a refund they are booked, flagged
    assert sorted(f.name for f in refund.fields if f.unmapped) == ["Product tax", "Product tax withheld", "Shipping"]

    storage = lines["2026_11_10_100005"]
    assert (storage.amounts, storage.detail, storage.reference) == ({"storage_fee": D("-12.40")}, SPLIT, None)
    label = lines["2026_11_06_100012"]
    assert [(f.name, f.category, f.unmapped) for f in label.fields] == [
        ("Walmart Shipping Label Service Charge", "platform_logistics", True)]
    unknown = lines["2026_11_14_100013"]
    assert [(f.name, f.category, f.unmapped) for f in unknown.fields] == [
        ("Premium Listing Fee", "other_platform_fee", True)]


def test_rows_without_a_key_stay_lines_of_their_own():
    keyless = [line for line in parse(f"{NAME}.csv", report_csv()).lines if not line.key[1]]
    assert sorted((line.txn_type, line.settlement_amount, line.key[-1]) for line in keyless) == [
        ("Adjustment / WFS LostInventory", D("3.50"), "1"), ("Adjustment / WFS LostInventory", D("3.50"), "2"),
        ("WFS MultiChannelFulfillmentFee", D("-6.10"), "1")]


def test_total_payable_is_the_cycles_statement():
    (stated,) = parse(f"{NAME}.csv", report_csv()).totals
    assert (stated.kind, stated.ref, stated.amount, stated.currency, stated.store) == (
        "statement", "2026-11-01..2026-11-14", D("35.43"), "USD", STORE)
    assert stated.at == datetime(2026, 11, 17, tzinfo=PT)


def test_two_cycles_in_one_file_are_one_file_total():
    second = row("", "12/01/2026", "PaymentSummary", "Deposited in account", "", "", **{
        "Period Start Date": "11/15/2026", "Period End Date": "11/28/2026", "Total Payable": "10.00",
        "Currency": "USD"})
    extra = row("2026_11_20_100020", "11/20/2026", "Sale", "Purchase", "10.00", "Product Price", po="1009",
                line="1", qty="1", item="SKU-B")
    result = parse(f"{NAME}.csv", report_csv([*ROWS, second, extra]))
    (stated,) = result.totals
    assert (stated.kind, stated.ref, stated.amount) == ("file_total", f"{NAME}.csv", D("45.43"))  # 35.43 + 10.00
    assert dict(stated.scope)["cycles"] == "2026-11-01..2026-11-14, 2026-11-15..2026-11-28"
    assert totals(result)["settlement_amount"] == D("45.43")
    assert {line.statement_id for line in result.lines} == {None}


def test_a_spreadsheet_saved_with_other_header_case_and_more_columns_reads_the_same():
    header = [h.lower() for h in HEADER] + ["Base Commission Rate", "Original charge", "Ship to country"]
    rows: list[list[object]] = [[*r, "", "", "US"] for r in (SUMMARY, *ROWS)]
    for r in rows:  # a spreadsheet program stores dates and amounts as its own values
        r[5] = datetime.strptime(r[5], "%m/%d/%Y")
        if r[12]:
            r[12] = float(r[12])
    result = parse(f"{NAME}.xlsx", report_xlsx(header, rows))
    assert totals(result) == EXPECTED
    categories_match_settlement(result)
    assert result.lines[0].extra["Ship to country"] == "US"


def test_the_store_comes_from_account_when_the_name_says_none():
    result = parse("PaymentReport.csv", report_csv(), account="Main Walmart")
    assert {line.store.name for line in result.lines} == {"Main Walmart"}
    other = parse("PaymentReport.csv", report_csv(summary=None))
    assert other.totals == [] and {line.statement_id for line in other.lines} == {None}
    assert {line.store.name for line in other.lines} == {"Walmart US"}


def test_other_reports_are_not_taken_for_it():
    header = [h for h in HEADER if h != "Amount Type"]
    src = file_src(f"{NAME}.csv", report_csv(rows=[], summary=None, header=header))
    assert registry.by_name("walmart.payment_report").recognizes(src) is False


@pytest.mark.parametrize("column, value, sentence", [
    ("Amount", "12,3x", "row 4: Amount: '12,3x' is not an amount"),
    ("Transaction Posted Timestamp", "13/45/2026",
     "row 4: Transaction Posted Timestamp '13/45/2026' is not a date as Walmart writes it (MM/DD/YYYY)"),
    ("Transaction Posted Timestamp", "", "row 4: column 'Transaction Posted Timestamp' is empty"),
])
def test_a_bad_cell_is_one_sentence_naming_file_row_and_column(column, value, sentence):
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index(column)] = value
    with pytest.raises(SourceError) as err:
        parse(f"{NAME}.csv", report_csv(rows))
    assert str(err.value).startswith(f"{NAME}.csv: ") and str(err.value).endswith(sentence)


def test_a_bad_total_payable_names_the_summary_row():
    summary = list(SUMMARY)
    summary[HEADER.index("Total Payable")] = "35.43.1"
    with pytest.raises(SourceError) as err:
        parse(f"{NAME}.csv", report_csv(summary=summary))
    assert str(err.value) == (f"{NAME}.csv: sheet {NAME!r}, row 2: Total Payable: '35.43.1' is not an amount")


def test_an_order_number_a_spreadsheet_rounded_is_refused():
    rows = [row("2026_04_20_742224", "04/19/2026", "Sale", "Purchase", "19.99", "Product Price", po="1.19111E+14",
                line="1", qty="1", item="SKU-A")]
    with pytest.raises(MangledId) as err:
        parse(f"{NAME}.csv", report_csv(rows))
    assert "Purchase Order # '1.19111E+14' was turned into a number" in str(err.value)
    assert "row 3" in str(err.value)


def test_reimport_adds_nothing_and_reconcile_checks_total_payable(db):
    content = report_csv()
    first = run_inline(db, importer.commit_file, f"{NAME}.csv", importer.parse_file(f"{NAME}.csv", content))
    assert first.summary["added"] == 17
    again = run_inline(db, importer.commit_file, f"{NAME}.csv", importer.parse_file(f"{NAME}.csv", content))
    assert (again.summary["added"], again.summary["updated"]) == (0, 0)
    found = reconcile.run(STORE.name)
    check = next(c for c in found["checks"] if c["kind"] == "statement")
    assert (check["ok"], check["ref"], check["stated"], check["stored"], check["lines"]) == (
        True, "2026-11-01..2026-11-14", "35.43", "35.43", 17)


def test_the_demo_file_is_a_payment_report_that_adds_up():
    name, content = demo_walmart.demo_file(date(2026, 12, 1), Random(7))
    assert name.startswith("Walmart_") and name.endswith(".csv")
    result = parse(name, content)
    assert result.adapter == "walmart.payment_report"
    categories_match_settlement(result)
    rows = content.decode("utf-8-sig").strip().splitlines()
    assert 20 <= len(rows) - 1 <= 60
    (stated,) = result.totals
    assert stated.amount == totals(result)["settlement_amount"]
    assert all(date(2026, 10, 2) <= line.settled_time.date() <= date(2026, 12, 1) for line in result.lines)

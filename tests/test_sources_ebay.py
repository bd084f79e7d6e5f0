"""eBay Transaction report (seed 002 ⑦): every category to the cent, each row adding up to its Net amount."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from companion.pipeline import importer
from companion.pipeline.demo_ebay import demo_file
from companion.reports import reconcile
from companion.sources import naming, registry
from companion.sources.cells import MangledId
from companion.sources.ebay.rules import fee_rule
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, SourceError, StoreRef
from companion.store.writer import run_inline
from tests.support.ebay import DE_HEADER, NAME, PAYOUT, ROWS, UK_HEADER, US_HEADER, paid, report, row
from tests.support.tables import categories_match_settlement, csv_bytes, file_src, parse, totals

D = Decimal
LA = ZoneInfo("America/Los_Angeles")

# Hand-computed from ROWS (tests/support/ebay.py):
# sales = (45.00 + 3.60) + (20.00 + 1.20) + (15.50 + 0.96); platform_fee = -(0.30 + 5.99) - (0.30 + 2.65 + 0.33)
# - (0.30 + 2.05); other_platform_fee = regulatory 0.07 + insertion 0.35 + store subscription 21.95;
# sales_tax = -3.60 - 1.20 + 1.20 - 0.96; ad_fee = -2.40 - 1.10; the refund: -(20.00 + 1.20) and 0.30 + 2.65 + 0.33.
EXPECTED = {
    "sales": D("86.26"), "platform_fee": D("-11.92"), "other_platform_fee": D("-22.37"), "sales_tax": D("-4.56"),
    "platform_logistics": D("-7.45"), "ad_fee": D("-3.50"), "income_refund": D("-21.20"), "fee_refund": D("3.28"),
    "adjustment": D("5.00"), "settlement_amount": D("23.54"),  # 11.49 paid out + 13.15 - 1.10 not yet
}


def test_every_category_to_the_cent_and_each_row_adds_up_to_its_net_amount():
    result = parse(NAME, report())
    assert (result.adapter, result.report_type) == ("ebay.transaction_report", "transaction_report")
    assert totals(result) == EXPECTED
    categories_match_settlement(result)
    assert len(result.lines) == 10  # 12 rows: the Payout and the Hold are not lines
    assert len({line.key for line in result.lines}) == 10
    assert {line.store for line in result.lines} == {
        StoreRef("ebay", "MugHouse", "", "eBay MugHouse", "USD", "America/Los_Angeles")}
    assert sum(line.quantity for line in result.lines) == 4  # 2 + 1 + 1 sold; the refund's unit is not a sale
    assert all(line.currency == "USD" for line in result.lines)
    assert [line.status for line in result.lines].count(SETTLED) == 8

    first = result.lines[0]
    assert first.key == ("ebay_txn", "order", "01-11111-11111", "200001", "", "2026-10-03", "38.71", "1")
    assert first.amounts == {"sales": D("48.60"), "platform_fee": D("-6.29"), "sales_tax": D("-3.60")}
    assert first.settlement_amount == D("38.71")
    assert (first.order_id, first.sku_id, first.msku, first.sku_name, first.quantity) == (
        "01-11111-11111", "110001", "MUG-01", "Stoneware mug", 2)
    assert (first.status, first.detail, first.statement_id, first.reference) == (
        SETTLED, SKU_SPLIT, PAYOUT, "01-11111-11111")
    assert first.settled_time == datetime(2026, 10, 20, tzinfo=LA) and not first.settled_time_approx
    assert first.order_time == datetime(2026, 10, 3, tzinfo=LA)
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in first.fields}
    assert fields == {
        "Gross transaction amount": (D("45.00"), "sales", False), "eBay collected tax": (D("3.60"), "sales", False),
        "eBay collected tax (remitted by eBay)": (D("-3.60"), "sales_tax", False),
        "Final Value Fee - fixed": (D("-0.30"), "platform_fee", False),
        "Final Value Fee - variable": (D("-5.99"), "platform_fee", False),
        "Item subtotal": (D("40.00"), None, False), "Shipping and handling": (D("5.00"), None, False)}

    by_type = {(line.txn_type, line.extra.get("Description", "")): line for line in result.lines}
    second = result.lines[1]
    assert second.amounts == {"sales": D("21.20"), "platform_fee": D("-3.28"), "other_platform_fee": D("-0.07"),
                              "sales_tax": D("-1.20")}
    label = by_type[("Shipping label", "USPS Ground Advantage")]
    assert (label.amounts, label.detail, label.quantity) == ({"platform_logistics": D("-7.45")}, SPLIT, 0)
    assert label.order_time == datetime(2026, 10, 3, tzinfo=LA)  # its order's time, not the label's day
    ads = by_type[("Other fee", "Promoted Listings - General fee")]
    assert (ads.amounts, ads.extra["fee_kind"], ads.sku_id) == ({"ad_fee": D("-2.40")}, "promoted_listings", "110001")
    insertion = by_type[("Other fee", "Insertion fee")]
    assert (insertion.amounts, insertion.extra["fee_kind"]) == ({"other_platform_fee": D("-0.35")}, "listing")
    subscription = by_type[("Other fee", "eBay Store subscription fee")]
    assert (subscription.amounts, subscription.extra["fee_kind"]) == (
        {"other_platform_fee": D("-21.95")}, "subscription")
    refund = result.lines[6]
    assert refund.amounts == {"income_refund": D("-21.20"), "fee_refund": D("3.28"), "sales_tax": D("1.20")}
    assert (refund.settlement_amount, refund.quantity, refund.extra["refund_quantity"]) == (D("-16.72"), 0, "1")
    adjustment = by_type[("Adjustment", "Shipping label adjustment")]
    assert adjustment.amounts == {"adjustment": D("5.00")}
    later = result.lines[-1]
    assert (later.status, later.statement_id, later.settled_time, later.amounts) == (
        IN_TRANSIT, None, None, {"sales": D("16.46"), "platform_fee": D("-2.35"), "sales_tax": D("-0.96")})

    # the Payout row: the total its rows must add up to (8 rows, 11.49), reconciled by Payout ID
    [stated] = result.totals
    assert (stated.kind, stated.ref, stated.amount, stated.currency) == ("statement", PAYOUT, D("11.49"), "USD")
    assert sum(ln.settlement_amount for ln in result.lines if ln.statement_id == PAYOUT) == D("11.49")
    [hold] = result.stated["balance_moves"]
    assert (hold["type"], hold["net"], hold["reason"]) == ("Hold", "-13.15", "New seller hold")


def test_fee_descriptions_as_seed_002_lists_them():
    assert fee_rule("Promoted Listings - Priority fee").category == "ad_fee"
    assert (fee_rule("Promoted Offsite fee").category, fee_rule("Promoted Offsite fee").mapped) == ("ad_fee", False)
    assert fee_rule("Gallery Plus fee").kind == "listing"
    assert fee_rule("Vehicle subscription fee").kind == "subscription"
    assert (fee_rule("Regulatory operating fee").kind, fee_rule("Regulatory operating fee").category) == (
        "regulatory", "other_platform_fee")
    assert (fee_rule("Charity donation fee").kind, fee_rule("Charity donation fee").mapped) == ("other", True)


def test_recognised_by_its_header_below_the_preamble_and_named_by_the_file_name():
    src = file_src(NAME, report())
    assert registry.detect(src).name == "ebay.transaction_report"
    assert naming.parse(NAME).platform == "ebay"
    # an Orders report has Order number and fee columns but no Type and no Net amount: not this report
    orders = csv_bytes([["Order number", "Item ID", "Final Value Fee - fixed", "Gross transaction amount"],
                        ["01-1", "1", "-0.30", "10.00"]])
    assert registry.detect(file_src("orders.csv", orders)) is None or \
        registry.detect(file_src("orders.csv", orders)).name != "ebay.transaction_report"


def test_the_uk_header_variant_reads_the_same():
    rows = [row("Order", UK_HEADER, date="31 Oct 2026", order="12-00001-00001", item="4001", txn="5001", qty="1",
                subtotal="18.00", shipping="3.00", fvf_fixed="-0.30", fvf_variable="-2.73", reg_fee="-0.07",
                gross="21.00", net="17.90", **{**paid(), "currency": "GBP", "txn_currency": "GBP"})]
    result = parse("eBay_TeaRoom_TransactionReport_2026-10.csv", report(rows, UK_HEADER))
    [line] = result.lines
    assert line.amounts == {"sales": D("21.00"), "platform_fee": D("-3.03"), "other_platform_fee": D("-0.07")}
    assert (line.currency, line.store.timezone, line.quantity) == ("GBP", "Europe/London", 1)
    assert line.order_time == datetime(2026, 10, 31, tzinfo=ZoneInfo("Europe/London"))
    assert {f.name for f in line.fields} >= {"Final value fee – fixed", "Postage and packaging"}
    categories_match_settlement(result)


def test_the_german_export_semicolons_and_decimal_commas():
    rows = [row("Bestellung", DE_HEADER, date="05.10.2026", order="13-00001-00001", item="4101", txn="5101",
                subtotal="1.200,00", shipping="4,90", ebay_tax="0,00", fvf_fixed="-0,35", fvf_variable="-131,53",
                gross="1.204,90", net="1.073,02", **{**paid(), "currency": "EUR", "txn_currency": "EUR"}),
            row("Andere Gebühr", DE_HEADER, date="06.10.2026", gross="-3,20", net="-3,20",
                description="Promoted Listings - General fee", **{**paid(), "currency": "EUR", "txn_currency": "EUR"}),
            row("Erstattung", DE_HEADER, date="07.10.2026", order="13-00001-00001", item="4101", txn="5101",
                fvf_variable="12,00", gross="-100,00", net="-88,00",
                **{**paid(), "currency": "EUR", "txn_currency": "EUR"})]
    content = report(rows, DE_HEADER, delimiter=";")
    result = parse("eBay_Kaffeehaus_Transaktionsbericht_2026-10.csv", content)
    assert totals(result) == {"sales": D("1204.90"), "platform_fee": D("-131.88"), "ad_fee": D("-3.20"),
                              "income_refund": D("-100.00"), "fee_refund": D("12.00"),
                              "settlement_amount": D("981.82")}
    categories_match_settlement(result)
    assert {line.currency for line in result.lines} == {"EUR"}
    assert result.lines[0].store.timezone == "Europe/Berlin"
    assert result.lines[0].order_time == datetime(2026, 10, 5, tzinfo=ZoneInfo("Europe/Berlin"))


def test_another_transaction_currency_is_converted_into_the_net_amounts_currency():
    # 20.00 GBP sold, 3.00 GBP of fees; paid out 21.59 USD at 1.27
    rows = [row("Order", date="Oct 3, 2026", order="04-44444-44444", item="7001", txn="8001", qty="1",
                subtotal="20.00", fvf_fixed="-0.30", fvf_variable="-2.70", gross="20.00", net="21.59",
                **{**paid(), "txn_currency": "GBP", "rate": "1.27"})]
    [line] = parse(NAME, report(rows)).lines
    assert (line.currency, line.settlement_amount) == ("USD", D("21.59"))
    assert line.amounts == {"sales": D("25.40"), "platform_fee": D("-3.81")}
    assert line.extra["exchange_rate_used"] == "1.27"
    shown = {f.name: f.amount for f in line.fields if f.category is None}
    assert shown["Gross transaction amount (GBP)"] == D("20.00")


def test_another_currency_without_a_rate_books_the_net_amount_by_its_sign():
    rows = [row("Order", date="Oct 3, 2026", order="04-5", item="7101", txn="8101", qty="1", subtotal="20.00",
                fvf_variable="-2.70", gross="20.00", net="21.97", **{**paid(), "txn_currency": "GBP"})]
    [line] = parse(NAME, report(rows)).lines
    assert (line.currency, line.amounts) == ("USD", {"other_income": D("21.97")})
    assert ("Net amount (no exchange rate)", D("21.97"), "other_income", True) in line.fields
    assert {f.name: f.amount for f in line.fields if f.category is None}["Gross transaction amount (GBP)"] == D("20.00")


def test_a_gross_that_already_holds_the_tax_is_not_counted_twice():
    rows = [row("Order", date="Oct 3, 2026", order="05-1", item="9001", txn="9002", qty="1", ebay_tax="1.20",
                fvf_fixed="-0.30", fvf_variable="-2.98", gross="21.20", net="16.72", **paid())]
    [line] = parse(NAME, report(rows)).lines
    assert line.amounts == {"sales": D("21.20"), "platform_fee": D("-3.28"), "sales_tax": D("-1.20")}
    assert line.extra["ebay_collected_tax"] == "inside Gross transaction amount"


def test_a_column_no_variant_names_is_kept_never_lost():
    header = [*US_HEADER, "Promoted Listings fee", "Buyer note"]
    rows = [[*row("Order", date="Oct 3, 2026", order="08-1", item="9301", txn="9302", qty="1", gross="10.00",
                  ebay_tax="0.80", fvf_variable="-1.00", net="8.50", **paid()), "-0.50", "gift"],
            [*row("Shipping label", date="Oct 3, 2026", order="08-1", gross="-4.00", net="-4.00", **paid()),
             "-0.25", "--"]]
    sale, label = parse(NAME, report(rows, header)).lines
    # an amount nobody names is counted only when it is exactly what the row misses of its Net amount
    assert sale.amounts == {"sales": D("10.80"), "platform_fee": D("-1.00"), "other_platform_fee": D("-0.50"),
                            "sales_tax": D("-0.80")}
    assert ("Promoted Listings fee", D("-0.50"), "other_platform_fee", True) in sale.fields
    assert sale.extra["Buyer note"] == "gift"
    assert label.amounts == {"platform_logistics": D("-4.00")}
    assert ("Promoted Listings fee", D("-0.25"), None, True) in label.fields


def test_a_payment_dispute_is_booked_as_a_claim_flagged_unmapped():
    rows = [row("Payment dispute", date="Oct 12, 2026", order="07-1", item="9201", gross="-30.00",
                fvf_variable="3.90", net="-26.10", **paid())]
    [line] = parse(NAME, report(rows)).lines
    assert line.amounts == {"income_refund": D("-30.00"), "fee_refund": D("3.90")}
    assert all(f.unmapped for f in line.fields if f.category is not None)


def test_a_row_that_adds_up_no_way_keeps_the_difference_flagged():
    rows = [row("Order", date="Oct 3, 2026", order="06-1", item="9101", txn="9102", qty="1",
                fvf_variable="-1.00", gross="10.00", net="8.50", **paid())]
    [line] = parse(NAME, report(rows)).lines
    assert line.amounts == {"sales": D("10.00"), "platform_fee": D("-1.00"), "other_platform_fee": D("-0.50")}
    assert line.extra["unexplained"] == "-0.50"
    assert ("(unexplained)", D("-0.50"), "other_platform_fee", True) in line.fields


def test_two_identical_rows_stay_two_lines_and_a_reparse_gives_the_same_keys():
    twice = [*ROWS[:5], ROWS[4]]  # two Insertion fee rows alike in every cell: two charges
    result = parse(NAME, report(twice))
    keys = [line.key for line in result.lines]
    assert len(keys) == len(set(keys)) == 6
    assert (keys[4][-1], keys[5][-1], keys[4][:-1] == keys[5][:-1]) == ("1", "2", True)
    assert totals(result)["other_platform_fee"] == D("-0.77")  # 0.07 regulatory + 2 x 0.35
    assert [ln.key for ln in parse(NAME, report()).lines] == [ln.key for ln in parse(NAME, report()).lines]


@pytest.mark.parametrize("cells, message", [
    ({"net": "12.3x"}, r"^eBay_MugHouse_TransactionReport_2026-10.csv: sheet .*, row 7: Net amount: '12.3x' is "
                       r"not an amount"),
    ({"fvf_variable": "abc"}, r"row 7: Final Value Fee - variable: 'abc' is not an amount"),
    ({"date": "someday"}, r"row 7: Transaction creation date 'someday' is not a date this version reads"),
    ({"net": "--"}, r"row 7: column 'Net amount' is empty"),
])
def test_a_bad_cell_is_one_sentence_naming_file_row_and_column(cells, message):
    bad = row("Order", **{**dict(date="Oct 3, 2026", order="01-1", item="1", txn="2", qty="1", gross="10.00",
                                 net="10.00"), **paid(), **cells})
    with pytest.raises(SourceError, match=message):
        parse(NAME, report([bad]))


def test_an_id_a_spreadsheet_turned_into_a_number_is_refused():
    bad = row("Order", date="Oct 3, 2026", order="01-1", item="1.10001E+11", txn="2", qty="1", gross="10.00",
              net="10.00", **paid())
    with pytest.raises(MangledId, match=r"row 7: Item ID '1.10001E\+11' was turned into a number"):
        parse(NAME, report([bad]))


def test_a_file_with_only_the_header_has_no_data_rows():
    with pytest.raises(SourceError, match="has no data rows"):
        parse(NAME, report([]))


def test_reimport_adds_nothing_and_reconcile_checks_the_payout(db):
    parsed = importer.parse_file(NAME, report())
    first = run_inline(db, importer.commit_file, NAME, parsed)
    assert (first.summary["platform"], first.summary["report_type"], first.summary["added"]) == (
        "ebay", "transaction_report", 10)
    again = run_inline(db, importer.commit_file, NAME, importer.parse_file(NAME, report()))
    assert (again.summary["added"], again.summary["updated"]) == (0, 0)
    found = reconcile.run()
    check = next(c for c in found["checks"] if c["kind"] == "statement")
    assert (check["ref"], check["ok"], check["stated"], check["stored"], check["lines"]) == (
        PAYOUT, True, "11.49", "11.49", 8)
    assert not [c for c in found["problems"] if c["kind"] == "line"]


@pytest.mark.parametrize("seed", [1, 7, 19, 42])
def test_the_demo_file_is_a_conventionally_named_report_that_adds_up(seed):
    name, content = demo_file(date(2026, 12, 1), random.Random(seed))
    assert naming.parse(name).platform == "ebay"
    result = parse(name, content)
    assert 20 <= len(result.lines) and len(result.lines) + len(result.totals) <= 60
    categories_match_settlement(result)
    assert all(line.order_time is None or date(2026, 10, 1) <= line.order_time.date() < date(2026, 12, 1)
               for line in result.lines)
    paid_out = {s.ref: s.amount for s in result.totals}
    for ref, amount in paid_out.items():
        assert sum(ln.settlement_amount for ln in result.lines if ln.statement_id == ref) == amount


def test_account_names_the_store_and_its_time_zone_reads_the_days():
    shop = StoreRef("ebay", "Shop", "US", "eBay Shop", "USD", "America/New_York")
    result = parse("transactions.csv", report(), account="Shop", store=shop)
    assert {line.store for line in result.lines} == {shop}
    assert result.lines[0].order_time == datetime(2026, 10, 3, tzinfo=ZoneInfo("America/New_York"))
    other = StoreRef("tiktok", "T1", "US", "T1", "USD", "America/Los_Angeles")
    with pytest.raises(SourceError, match="is a ebay report, but --account 'T1' is a tiktok store"):
        parse("transactions.csv", report(), account="T1", store=other)

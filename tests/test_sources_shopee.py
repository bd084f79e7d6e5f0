"""Shopee income report (我的收入 > 已完成拨款): every category to the cent, hand-computed from the fixture rows."""

from __future__ import annotations

import copy
import random
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from companion.pipeline import demo_shopee, importer
from companion.reports import reconcile
from companion.sources.cells import MangledId
from companion.sources.model import SETTLED, SPLIT, SourceError, StoreRef
from companion.sources.shopee.columns import MONEY, SEED
from companion.sources.shopee.income import IncomeReport
from companion.store.writer import run_inline
from tests.support import shopee as sp
from tests.support.tables import (
    P_ROWS,
    PLATFORM_NAME,
    US_NAME,
    categories_match_settlement,
    csv_bytes,
    file_src,
    parse,
    platform_book,
    totals,
    us_workbook,
)

D = Decimal
KL = ZoneInfo("Asia/Kuala_Lumpur")


def test_malaysia_every_category_to_the_cent():
    result = parse(sp.MY_NAME, sp.my_book())
    assert (result.adapter, result.report_type) == ("shopee.income", "income")
    categories_match_settlement(result)
    # sales: 64.60 + 120.00 + 40.00 + 15.00 + 15.00 (Product Price); promo: -10.00 - 2.00 - 1.50 - 0.80 + 3.00;
    # logistics: -4.90 - 9.80 - 0.29 - 4.90 - 0.29 - 4.90; platform_fee: -7.67 - 12.72 - 3.60 - 1.50 - 1.50;
    # other_platform_fee: -4.38 - 2.44 - 6.36 - 4.00 - 0.50; subsidy: 4.90 + 4.90; the lost parcel's 30.00
    assert totals(result) == {
        "sales": D("254.60"), "promo_discount": D("-11.30"), "buyer_shipping": D("4.90"), "subsidy": D("9.80"),
        "platform_logistics": D("-25.08"), "platform_fee": D("-26.99"), "other_platform_fee": D("-17.68"),
        "ad_fee": D("-5.00"), "income_refund": D("-40.00"), "other_income": D("30.00"),
        "settlement_amount": D("173.25"),
    }
    assert len(result.lines) == 6  # the product row under the first order is not a line of its own
    store = StoreRef("shopee", "MaxiMart", "MY", "Shopee MaxiMart", "MYR", "Asia/Kuala_Lumpur")
    assert {line.store for line in result.lines} == {store}
    assert all(line.status == SETTLED and line.currency == "MYR" and line.detail == SPLIT for line in result.lines)
    assert sum(line.quantity for line in result.lines) == 0  # the income report has no quantities
    [stated] = result.totals
    assert (stated.kind, stated.ref, stated.amount, stated.currency) == ("file_total", sp.MY_NAME, D("173.25"), "MYR")
    assert dict(stated.scope)["label"] == "Summary: Total Released Amount"

    first = result.lines[0]
    assert first.key == ("shopee_income", "260402AB1CDEF1", "", "2026-04-08", "1")
    assert (first.order_id, first.reference, first.txn_type) == ("260402AB1CDEF1", "260402AB1CDEF1", "Order")
    assert (first.sku_id, first.sku_name) == ("1234567890", "Rattan basket")
    assert first.settlement_amount == D("50.11")
    assert first.amounts == {"sales": D("64.60"), "platform_logistics": D("-4.90"), "subsidy": D("4.90"),
                             "platform_fee": D("-7.67"), "other_platform_fee": D("-6.82")}
    assert first.settled_time == datetime(2026, 4, 8, tzinfo=KL) and not first.settled_time_approx
    assert first.order_time == datetime(2026, 4, 2, tzinfo=KL)
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in first.fields}
    assert fields["Product Price"] == (D("64.60"), "sales", True)  # the seed names Original product price
    assert fields["Commission Fee (incl. SST)"] == (D("-7.67"), "platform_fee", False)
    assert fields["Amount Paid By Buyer"] == (D("61.37"), None, False)  # what the buyer paid: shown, not counted
    assert first.extra["Transaction Fee Rate (%)"] == "3.78"  # a rate, never money
    assert first.extra["Username (Buyer)"] == "buyer1" and first.extra["products"] == "1234567890 Rattan basket"

    second = result.lines[1]
    assert second.amounts == {
        "sales": D("120.00"), "buyer_shipping": D("4.90"), "platform_logistics": D("-10.09"), "subsidy": D("4.90"),
        "promo_discount": D("-11.30"), "platform_fee": D("-16.32"), "other_platform_fee": D("-10.86"),
        "ad_fee": D("-5.00")}
    unmapped = {f.name for f in second.fields if f.unmapped and f.category}
    assert unmapped == {"Product Price", "Seller Paid Shipping Fee SST", "Cofund Voucher Sponsored by Seller",
                        "Cofund Coin Cashback Sponsored by Seller", "Saver Programme Fee (Incl. SST)",
                        "Ads Escrow Top Up Fee"}

    refund = result.lines[2]
    assert refund.key == ("shopee_income", "260325NP3QRST3", "2604050RFD0001", "2026-04-08", "1")
    assert refund.txn_type == "Refund"
    assert refund.amounts == {"sales": D("40.00"), "income_refund": D("-40.00"), "platform_logistics": D("-5.19")}

    lost = result.lines[3]  # Lost Compensation is exactly what the row lacks: counted by its sign, flagged
    assert lost.amounts == {"platform_logistics": D("-4.90"), "other_income": D("30.00")}
    assert ("Lost Compensation", D("30.00"), "other_income", True) in lost.fields

    # two rows that look the same stay two lines
    assert [ln.key[-1] for ln in result.lines[4:]] == ["1", "2"]
    assert result.lines[4].key[:-1] == result.lines[5].key[:-1]


def test_seed_columns_indonesia_every_category_to_the_cent():
    result = parse(sp.ID_NAME, sp.id_book(), account="Toko Makmur")
    categories_match_settlement(result)
    # promo: -25000 + 5000 - 10000 - 2500 + 3000; subsidy: 12000 - 20000 (the seller's trade-in bonus);
    # logistics: -30000 - 9000 - 9500; platform_fee: -12500 - 20000;
    # other_platform_fee: -10000 - 5000 + 5000 - 8000 - 1250 - 1250
    assert totals(result) == {
        "sales": D("330000.00"), "promo_discount": D("-29500.00"), "income_refund": D("-80000.00"),
        "buyer_shipping": D("15000.00"), "subsidy": D("-8000.00"), "platform_logistics": D("-48500.00"),
        "platform_fee": D("-32500.00"), "other_platform_fee": D("-20500.00"), "other_tax": D("-2000.00"),
        "settlement_amount": D("124000.00"),
    }
    store = {line.store for line in result.lines}
    assert store == {StoreRef("shopee", "Toko Makmur", "ID", "Toko Makmur", "IDR", "Asia/Jakarta")}
    assert all(line.currency == "IDR" for line in result.lines)
    first = result.lines[0]
    booked = {f.name: f.category for f in first.fields if f.category}
    for column, category in (("Original product price", "sales"), ("Your Seller product promotion", "promo_discount"),
                             ("Rebate Provided by Shopee", "promo_discount"),
                             ("Shipping Fee Discount from 3PL", "promo_discount"),
                             ("Shipping Rebate From Shopee", "subsidy"), ("Actual Shipping Fee", "platform_logistics"),
                             ("AMS Commission Fee", "platform_fee"), ("Commission fee", "platform_fee"),
                             ("Service Fee", "other_platform_fee"), ("Transaction Fee", "other_platform_fee"),
                             ("Buyer Paid Installation Fee", "other_platform_fee"),
                             ("Actual Installation Fee", "other_platform_fee")):
        assert booked[column] == category, column
    assert not any(f.unmapped for f in first.fields if f.name in SEED_HEADERS)
    # no Summary sheet: the file's total is its rows' own, so a line lost on the way still shows
    [stated] = result.totals
    assert (stated.amount, stated.currency, dict(stated.scope)["label"]) == (
        D("124000"), "IDR", "sum of Total Released Amount")
    assert result.lines[0].settled_time == datetime(2026, 6, 18, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_product_price_beside_the_seeds_columns_is_shown_not_counted():
    header = [*sp.ID_HEADER, "Product Price"]
    rows = [[*sp.ID_ROWS[0], 225000], [*sp.ID_ROWS[1], 80000]]  # 250000 - 25000; 80000
    content = sp.xlsx({"Income": [*sp.ID_PREAMBLE, header, *rows]})
    result = parse(sp.ID_NAME, content, account="Toko Makmur")
    categories_match_settlement(result)
    assert totals(result)["sales"] == D("330000.00") and totals(result)["settlement_amount"] == D("124000.00")
    assert ("Product Price", D("225000"), None, False) in result.lines[0].fields


SEED_HEADERS = ("Original product price", "Your Seller product promotion", "Refund Amount", "Rebate Provided by Shopee",
                "Voucher Sponsored by Seller", "Coin Cashback Sponsored by Seller", "Shipping Fee Paid by Buyer",
                "Shipping Fee Discount from 3PL", "Shipping Rebate From Shopee", "Trade-in Bonus by Seller",
                "Actual Shipping Fee", "Reverse Shipping Fee", "Return to Sender Shipping Fee", "AMS Commission Fee",
                "Commission fee", "Service Fee", "Transaction Fee", "Buyer Paid Installation Fee",
                "Actual Installation Fee")


def test_every_column_of_seed_002_is_mapped_as_the_seed_says():
    assert len(SEED_HEADERS) == 19
    seed = {"sales": 1, "promo_discount": 5, "income_refund": 1, "buyer_shipping": 1, "subsidy": 2,
            "platform_logistics": 3, "platform_fee": 2, "other_platform_fee": 4}
    assert {c: sum(1 for b in SEED.values() if b.category == c) for c in seed} == seed
    assert set(SEED) <= set(MONEY)


def test_cross_border_chinese_headers():
    result = parse(sp.CN_NAME, sp.cn_book())
    categories_match_settlement(result)
    # promo: -60 + 20 - 30 - 10; logistics: -85 - 2.25 (FBS Fee); other_platform_fee: -5 - 1.50 - 18
    assert totals(result) == {
        "sales": D("599.00"), "promo_discount": D("-80.00"), "buyer_shipping": D("40.00"), "subsidy": D("45.00"),
        "platform_logistics": D("-87.25"), "platform_fee": D("-66.00"), "other_platform_fee": D("-24.50"),
        "settlement_amount": D("426.25"),
    }
    [line] = result.lines
    assert (line.currency, line.store.external_id, line.store.region) == ("PHP", "菲律宾1号店", "PH")
    assert line.order_time == datetime(2026, 3, 30, 14, 5, tzinfo=ZoneInfo("Asia/Manila"))
    assert line.extra["每个订单的实际总重量"] == "350"  # grams, not money
    assert result.stated == {"currency_from": "header"}


def test_vietnamese_headers_and_the_currency_from_the_file_names_site():
    result = parse(sp.VN_NAME, sp.vn_book())
    categories_match_settlement(result)
    assert totals(result) == {
        "sales": D("200000.00"), "buyer_shipping": D("30000.00"), "platform_logistics": D("-30000.00"),
        "promo_discount": D("-5000.00"), "platform_fee": D("-12000.00"), "other_platform_fee": D("-14000.00"),
        "vat": D("-2000.00"), "other_tax": D("-1000.00"), "settlement_amount": D("166000.00"),
    }
    [line] = result.lines
    assert (line.currency, line.store.timezone, result.stated["currency_from"]) == (
        "VND", "Asia/Ho_Chi_Minh", "file name")
    assert ("Phí vận chuyển - Người bán hỗ trợ", D("5000"), None, False) in line.fields


def test_a_csv_export_of_the_income_sheet():
    name = sp.MY_NAME.replace(".xlsx", ".csv")
    result = parse(name, csv_bytes([*sp.MY_GROUPS, sp.MY_HEADER, *sp.MY_ROWS]))
    categories_match_settlement(result)
    assert totals(result)["settlement_amount"] == D("173.25") and len(result.lines) == 6
    [stated] = result.totals  # no Summary sheet in a CSV: the rows' own total
    assert (stated.amount, stated.currency) == (D("173.25"), "MYR")


@pytest.mark.parametrize("name, account, store, currency", [
    ("Income.released.vn.20260401_20260430.xlsx", "NhaSach", None, "VND"),  # Shopee's own file name
    ("Shopee越南_NhaSach_收入报告_2026-04.xlsx", "", None, "VND"),
    ("export.xlsx", "NhaSach", StoreRef("shopee", "NhaSach", "VN", "NhaSach", "VND", "Asia/Ho_Chi_Minh"), "VND"),
])
def test_where_the_currency_comes_from(name, account, store, currency):
    result = parse(name, sp.vn_book(), account=account, store=store)
    assert {line.currency for line in result.lines} == {currency}


def test_no_currency_anywhere_is_one_sentence():
    with pytest.raises(SourceError) as caught:
        parse("Income.released.xlsx", sp.vn_book(), account="NhaSach")
    assert caught.value.code == "shopee_no_currency"
    assert str(caught.value).startswith("Income.released.xlsx: does not say its currency: the header "
                                        "'Tổng tiền đã thanh toán' names none")


def test_header_variant_and_a_wrong_dimension():
    header = [h.replace("Shipping Fee Charged by Logistic Provider", "Actual Shipping Fee").replace(
        "Return to Seller Fee", "Return to Sender Shipping Fee").replace("Commission Fee (incl. SST)", "Commission fee")
        .replace("Total Released Amount (RM)", "Total Released Amount") for h in sp.MY_HEADER]
    result = parse(sp.MY_NAME, sp.my_book(header=header, wrong_dimension=True))
    assert totals(result)["settlement_amount"] == D("173.25")
    assert totals(result)["platform_logistics"] == D("-25.08")
    assert result.stated["currency_from"] == "summary"  # the Summary sheet's "Income Summary … RM"


def test_a_bad_amount_names_file_sheet_row_and_column():
    rows = copy.deepcopy(sp.MY_ROWS)
    rows[2][sp.MY_HEADER.index("Service Fee (Incl. SST)")] = "6,36 RM?"
    with pytest.raises(SourceError) as caught:
        parse(sp.MY_NAME, sp.my_book(rows))
    assert str(caught.value) == (f"{sp.MY_NAME}: sheet 'Income', row 6: column 'Service Fee (Incl. SST)': "
                                 "'6,36 RM?' is not an amount")


def test_an_order_id_in_scientific_notation_is_refused():
    rows = copy.deepcopy(sp.MY_ROWS)
    rows[2][sp.MY_HEADER.index("Order ID")] = "2.60403E+13"
    with pytest.raises(MangledId) as caught:
        parse(sp.MY_NAME, sp.my_book(rows))
    assert str(caught.value).startswith(f"{sp.MY_NAME}: sheet 'Income', row 6: Order ID '2.60403E+13' was turned")


def test_a_row_with_money_and_no_order_id_is_refused():
    rows = copy.deepcopy(sp.MY_ROWS)
    rows[2][sp.MY_HEADER.index("Order ID")] = ""
    with pytest.raises(SourceError, match=r"row 6: the 'Order ID' column is empty in a row with money"):
        parse(sp.MY_NAME, sp.my_book(rows))


def test_recognised_by_header_and_nothing_else_claimed():
    adapter = IncomeReport()
    assert adapter.recognizes(file_src(sp.MY_NAME, sp.my_book()))
    assert adapter.recognizes(file_src("anything.xlsx", sp.cn_book()))
    assert not adapter.recognizes(file_src(f"{US_NAME}.xlsx", us_workbook()))
    assert not adapter.recognizes(file_src(f"{PLATFORM_NAME}.xlsx", platform_book(P_ROWS)))
    assert parse(f"{US_NAME}.xlsx", us_workbook()).adapter.startswith("tiktok.")


def test_the_same_file_twice_gives_the_same_keys():
    keys = [line.key for line in parse(sp.MY_NAME, sp.my_book()).lines]
    assert keys == [line.key for line in parse(sp.MY_NAME, sp.my_book()).lines]
    assert len(set(keys)) == len(keys)


def test_reimport_adds_nothing_and_reconcile_uses_the_summary(db):
    book = sp.my_book(adjustments=sp.ADJUSTMENT_ROWS)
    first = run_inline(db, importer.commit_file, sp.MY_NAME, importer.parse_file(sp.MY_NAME, book))
    assert (first.summary["added"], first.summary["platform"], first.summary["report_type"]) == (9, "shopee", "income")
    found = reconcile.run("Shopee MaxiMart")
    [check] = [c for c in found["checks"] if c["kind"] == "file_total"]
    assert (check["ok"], check["stated"], check["stored"], check["lines"]) == (True, "146.45", "146.45", 9)
    assert found["problems"] == []
    again = run_inline(db, importer.commit_file, sp.MY_NAME, importer.parse_file(sp.MY_NAME, book))
    assert (again.summary["added"], again.summary["updated"]) == (0, 0)


def test_reconcile_sees_a_summary_that_the_rows_do_not_make(db):
    book = sp.my_book(summary=sp.my_summary("180.00"))
    run_inline(db, importer.commit_file, sp.MY_NAME, importer.parse_file(sp.MY_NAME, book))
    [check] = [c for c in reconcile.run("Shopee MaxiMart")["problems"] if c["kind"] == "file_total"]
    assert (check["stated"], check["stored"], check["difference"]) == ("180.00", "173.25", "6.75")


def test_the_adjustment_sheet_is_read_and_stated_apart_from_the_summary():
    result = parse(sp.MY_NAME, sp.my_book(adjustments=sp.ADJUSTMENT_ROWS))
    categories_match_settlement(result)
    adjustments = [line for line in result.lines if line.key[0] == "shopee_adjustment"]
    assert [ln.settlement_amount for ln in adjustments] == [D("3.20"), D("-15.00"), D("-15.00")]
    assert [ln.key[-1] for ln in adjustments] == ["1", "1", "2"]  # two rows that look the same: two lines
    first = adjustments[0]
    assert first.key == ("shopee_adjustment", "2026-04-07", "Shipping Fee Adjustment | Overcharged shipping fee",
                         "260403GH2JKLM2", "3.2", "1")
    assert (first.order_id, first.txn_type, first.amounts) == (
        "260403GH2JKLM2", "Shipping Fee Adjustment | Overcharged shipping fee", {"adjustment": D("3.20")})
    assert first.fields == [("Adjustment Amount", D("3.20"), "adjustment", True)]
    assert first.extra["Adjustment Reason"] == "Weight discrepancy"
    assert first.settled_time == datetime(2026, 4, 8, tzinfo=KL)
    assert adjustments[1].order_id is None
    assert totals(result)["adjustment"] == D("-26.80")
    assert totals(result)["settlement_amount"] == D("146.45")  # 173.25 - 26.80
    [stated] = result.totals  # the Summary's orders and the Adjustment sheet's own footer
    assert (stated.amount, dict(stated.scope)["label"]) == (
        D("146.45"), "Summary: Total Released Amount + Adjustment: its stated total")
    rows = [row for row in sp.ADJUSTMENT_ROWS if row[0] != "Total Amount"]  # no footer: the rows' own sum
    [stated] = parse(sp.MY_NAME, sp.my_book(adjustments=rows)).totals
    assert (stated.amount, dict(stated.scope)["label"]) == (
        D("146.45"), "Summary: Total Released Amount + sum of Adjustment Amount")


def test_demo_file_is_a_conventionally_named_income_report():
    name, content = demo_shopee.demo_file(date(2026, 5, 1), random.Random(7))
    assert name.startswith("Shopee") and name.endswith(".xlsx")
    result = parse(name, content)
    categories_match_settlement(result)
    assert 20 <= len(result.lines) <= 60
    assert {line.currency for line in result.lines} == {"MYR"}
    days = {line.settled_time.date() for line in result.lines}
    assert min(days) >= date(2026, 3, 2) and max(days) <= date(2026, 5, 1)
    [stated] = result.totals
    assert stated.amount == sum((line.settlement_amount for line in result.lines), D(0))

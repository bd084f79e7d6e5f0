"""TikTok exports as real files lay them out (../shared/reference/real-layouts.md, "TikTok Shop exports"): the US
"Order details" sheet with every real column, the on-hold export, the current Indonesian income layout (59
columns), its MY/SEA variant and a local Vietnam shop. Every row's categories add up to its total, to the cent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, SourceError, StoreRef
from companion.sources.tiktok.exports import CB_COLUMNS, UNSETTLED_COLUMNS, US_COLUMNS
from companion.sources.tiktok.fields import adjustment_category
from tests.support.daemon import cli
from tests.support.tables import categories_match_settlement, csv_bytes, parse, totals, xlsx
from tests.support.tiktok_sea import (
    MY_HEADER,
    MY_ROWS,
    VN_HEADER,
    make_row,
    my_row,
    vn_book,
)

D = Decimal
LA = ZoneInfo("America/Los_Angeles")
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def fields_of(line) -> dict[str, tuple[Decimal, str | None, bool]]:
    return {f.name: (f.amount, f.category, f.unmapped) for f in line.fields}


# US "Order details": every column real-layouts lists, as written (no "(FBT)", "Affiliate Commission",
# "Related order ID  " with its trailing spaces) ---------------------------------------------------------
US_HEADER = [
    "Statement date", "Statement ID", "Payment ID", "Status", "Currency", "Type", "Order/adjustment ID", "SKU ID",
    "Quantity", "Product name", "SKU name", "Order created date", "Order delivery date", "Total settlement amount",
    "Net sales", "Gross sales", "Gross sales refund", "Seller discount", "Seller discount refund", "Shipping",
    "TikTok Shop shipping fee", "Fulfilled by TikTok Shop shipping fee", "Customer-paid shipping fee",
    "Customer-paid shipping fee refund", "TikTok Shop shipping incentive", "TikTok Shop shipping incentive refund",
    "Shipping fee subsidy", "Return shipping fee", "FBT fulfillment fee", "Customer shipping fee offset",
    "Shipping fee discount", "Return shipping label fee", "FBT fulfillment fee reimbursement", "Fees",
    "Transaction fee", "Referral fee", "Refund administration fee", "Affiliate Commission",
    "Affiliate partner commission", "Affiliate Shop Ads commission", "Affiliate Partner shop ads commission",
    "TikTok Shop Partner commission", "Co-funded promotion (seller-funded)", "Co-funded Promotion campaign period fee",
    "Campaign service fee", "Smart Promotion fee", "Smart Promotion campaign period fee",
    "Marketing benefits package fee", "FBT overall merchant subsidy", "Seller co-funded voucher discount",
    "Seller co-funded voucher discount refund", "Seller shipping fee discount", "Adjustment amount",
    "Logistics reimbursement", "GMV deduction for FBT warehouse service fee", "TikTok Shop reimbursement",
    "Adjustment reason", "Related order ID  ", "Customer payment", "Customer refund", "Platform discounts",
    "Platform discounts refund", "Sales tax payment",
]
US_TEXT = ("Statement date", "Statement ID", "Payment ID", "Status", "Currency", "Type", "Order/adjustment ID",
           "SKU ID", "Quantity", "Product name", "SKU name", "Order created date", "Order delivery date",
           "Adjustment reason", "Related order ID")


def us(**values: str) -> list[str]:
    base = {"Statement date": "2025/10/06", "Statement ID": "7401000000000001", "Payment ID": "PAY7401",
            "Status": "Paid", "Currency": "USD", "Type": "Order"}
    return make_row(US_HEADER, US_TEXT, "0", **{**base, **values})


US_ROWS = [
    # FBT, free shipping: the incentive and its offset are separate terms, as TikTok's formula adds them (the
    # subsidy is 0); the warehouse fee taken from the order's GMV
    us(**{"Order/adjustment ID": "577000000000000001", "SKU ID": "1730000000000000001", "Quantity": "2",
          "Product name": "Enamel mug", "SKU name": "Red", "Order created date": "2025/09/29",
          "Order delivery date": "2025/10/02", "Total settlement amount": "15.18", "Net sales": "27.00",
          "Gross sales": "30.00", "Seller discount": "-3.00", "Shipping": "-8.75",
          "Fulfilled by TikTok Shop shipping fee": "-5.50", "FBT fulfillment fee": "-3.25",
          "TikTok Shop shipping incentive": "4.99", "Customer shipping fee offset": "-4.99", "Fees": "-3.47",
          "Transaction fee": "-0.81", "Referral fee": "-2.16", "Smart Promotion fee": "-0.50",
          "FBT overall merchant subsidy": "1.00", "GMV deduction for FBT warehouse service fee": "-0.60",
          "Customer payment": "27.00", "Sales tax payment": "2.03"}),
    # the seed's remark holds here: the 1.00 subsidy is the 1.00 incentive (the row adds up only that way)
    us(**{"Order/adjustment ID": "577000000000000002", "SKU ID": "1730000000000000002", "Quantity": "1",
          "Order created date": "2025/09/30", "Total settlement amount": "15.90", "Net sales": "20.00",
          "Gross sales": "20.00", "Shipping": "1.00", "TikTok Shop shipping fee": "-5.99",
          "Customer-paid shipping fee": "5.99", "TikTok Shop shipping incentive": "1.00",
          "Shipping fee subsidy": "1.00", "Fees": "-5.10", "Transaction fee": "-0.60", "Referral fee": "-1.60",
          "Affiliate Commission": "-2.00", "Affiliate partner commission": "-0.50",
          "TikTok Shop Partner commission": "-0.40", "Customer payment": "25.99"}),
    # a refund, with its return label
    us(**{"Order/adjustment ID": "577000000000000003", "SKU ID": "1730000000000000003", "Quantity": "1",
          "Order created date": "2025/09/20", "Total settlement amount": "-12.84", "Net sales": "0.00",
          "Gross sales": "25.00", "Gross sales refund": "-25.00", "Seller discount": "-2.50",
          "Seller discount refund": "2.50", "Shipping": "-12.44", "TikTok Shop shipping fee": "-4.99",
          "Customer-paid shipping fee": "4.99", "Customer-paid shipping fee refund": "-4.99",
          "Return shipping fee": "-6.20", "Return shipping label fee": "-1.25",
          "TikTok Shop shipping incentive": "2.00", "TikTok Shop shipping incentive refund": "-2.00",
          "FBT fulfillment fee reimbursement": "0.00", "Fees": "-0.40", "Refund administration fee": "-0.40",
          "Customer payment": "27.49", "Customer refund": "-27.49"}),
    # promotion fees; the seller's co-funded voucher is inside the settlement here (the row needs it), the
    # seller's shipping discount is not (shown on the customer's side only)
    us(**{"Order/adjustment ID": "577000000000000004", "SKU ID": "1730000000000000004", "Quantity": "3",
          "Order created date": "2025/10/01", "Total settlement amount": "31.57", "Net sales": "45.00",
          "Gross sales": "50.00", "Seller discount": "-5.00", "Shipping": "0.00", "TikTok Shop shipping fee": "-4.50",
          "Customer-paid shipping fee": "3.00", "Shipping fee discount": "1.50", "Fees": "-11.43",
          "Transaction fee": "-1.44", "Referral fee": "-3.84", "Co-funded promotion (seller-funded)": "-1.00",
          "Co-funded Promotion campaign period fee": "-0.30", "Campaign service fee": "-0.60",
          "Smart Promotion campaign period fee": "-0.20", "Marketing benefits package fee": "-0.75",
          "Affiliate Shop Ads commission": "-2.40", "Affiliate Partner shop ads commission": "-0.90",
          "Seller co-funded voucher discount": "-2.00", "Seller shipping fee discount": "-1.50",
          "Customer payment": "44.50", "Platform discounts": "2.00", "Platform discounts refund": "0.00",
          "Sales tax payment": "3.10"}),
    us(**{"Type": "FBT warehouse service fee using GMV payment", "Order/adjustment ID": "7124000000000000001",
          "Total settlement amount": "-12.40", "Adjustment amount": "-12.40"}),
    us(**{"Type": "Violation fee （settlement fee）", "Order/adjustment ID": "7124000000000000002",
          "Total settlement amount": "-20.00", "Adjustment amount": "-20.00",
          "Adjustment reason": "Violation fee （settlement fee）", "Related order ID": "577000000000000009"}),
    # the Logistics reimbursement column beside the Adjustment amount it makes up: counted once
    us(**{"Type": "Logistics reimbursement", "Order/adjustment ID": "7124000000000000003",
          "Total settlement amount": "8.00", "Adjustment amount": "8.00", "Logistics reimbursement": "8.00",
          "Adjustment reason": "Lost package", "Related order ID": "577000000000000008",
          "Statement ID": "7401000000000002", "Statement date": "2025/10/13"}),
    us(**{"Type": "TikTok Shop reimbursement", "Order/adjustment ID": "7124000000000000004",
          "Total settlement amount": "5.00", "TikTok Shop reimbursement": "5.00"}),
]
US_NAME = "TikTok本土_MugHouse_结算报告_2025-10"


def test_every_us_column_real_files_write_is_known():
    assert US_COLUMNS.locate(US_HEADER).unknown == []
    unsettled = ["Type", "Order/adjustment ID", "Related order ID", "creation date",
                 "Total estimated settlement amount",
                 "Estimated Settle time", "unsettled reasons", "SKU ID", "Quantity", "Product name", "SKU name",
                 "Net sales", "Gross sales", "Fees", "Referral fee", "Sales tax on referral fees"]
    assert UNSETTLED_COLUMNS.locate(unsettled).unknown == []
    assert CB_COLUMNS.locate(ID_HEADER).unknown == []
    assert CB_COLUMNS.locate(MY_HEADER).unknown == []
    assert CB_COLUMNS.locate(VN_HEADER).unknown == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_us_order_details_with_every_real_column(fmt):
    content = (xlsx({"Summary": [["Settlement summary"]], "Order details": [US_HEADER, *US_ROWS]}) if fmt == "xlsx"
               else csv_bytes([US_HEADER, *US_ROWS]))
    result = parse(f"{US_NAME}.{fmt}", content)
    assert result.report_type == "order_details"
    assert totals(result) == {
        "sales": D("125.00"), "promo_discount": D("-5.01"), "buyer_shipping": D("8.99"), "income_refund": D("-22.50"),
        "subsidy": D("1.00"), "platform_fee": D("-2.90"), "platform_logistics": D("-36.67"),
        "promotion_fee": D("-8.00"), "ad_fee": D("-3.30"), "storage_fee": D("-13.00"), "adjustment": D("-7.00"),
        "other_platform_fee": D("-6.20"), "settlement_amount": D("30.41"),
    }
    categories_match_settlement(result)
    assert all("unexplained" not in line.extra for line in result.lines)
    assert sum(line.quantity for line in result.lines) == 7
    assert [line.key for line in result.lines] == [
        ("sku", "7401000000000001", "577000000000000001", "1730000000000000001"),
        ("sku", "7401000000000001", "577000000000000002", "1730000000000000002"),
        ("sku", "7401000000000001", "577000000000000003", "1730000000000000003"),
        ("sku", "7401000000000001", "577000000000000004", "1730000000000000004"),
        ("sku", "7401000000000001", "7124000000000000001", ""),
        ("sku", "7401000000000001", "7124000000000000002", ""),
        ("sku", "7401000000000002", "7124000000000000003", ""),
        ("sku", "7401000000000001", "7124000000000000004", ""),
    ]
    fbt, seeded, refund, promo, warehouse, violation, lost, reimbursed = result.lines
    assert fbt.store == StoreRef("tiktok", "MugHouse", "US", "TikTok US MugHouse", "USD", "America/Los_Angeles")
    assert (fbt.status, fbt.detail, fbt.order_id, fbt.sku_name) == (SETTLED, SKU_SPLIT, "577000000000000001", "Red")
    assert fbt.settled_time == datetime(2025, 10, 6, tzinfo=LA)
    assert fbt.amounts == {"sales": D("30.00"), "promo_discount": D("1.99"), "platform_logistics": D("-13.74"),
                           "promotion_fee": D("-2.16"), "other_platform_fee": D("-1.31"), "subsidy": D("1.00"),
                           "storage_fee": D("-0.60")}
    f = fields_of(fbt)
    assert f["TikTok Shop shipping incentive"] == (D("4.99"), "promo_discount", False)  # issue #14: kept
    assert f["Fulfilled by TikTok Shop shipping fee"] == (D("-5.50"), "platform_logistics", True)
    assert f["Shipping"] == (D("-8.75"), None, False) and f["Sales tax payment"] == (D("2.03"), None, False)
    f = fields_of(seeded)
    assert (f["Shipping fee subsidy"], f["TikTok Shop shipping incentive"]) == (
        (D("1.00"), "promo_discount", False), (D("1.00"), None, False))
    assert seeded.amounts["platform_fee"] == D("-2.90")
    assert refund.amounts == {"sales": D("25.00"), "income_refund": D("-22.50"), "promo_discount": D("-2.50"),
                              "platform_logistics": D("-12.44"), "promotion_fee": D("-0.40")}
    f = fields_of(promo)
    assert f["Seller co-funded voucher discount"] == (D("-2.00"), "promo_discount", True)
    assert f["Seller shipping fee discount"] == (D("-1.50"), None, False)
    assert promo.amounts["ad_fee"] == D("-3.30") and promo.amounts["other_platform_fee"] == D("-4.29")
    assert warehouse.amounts == {"storage_fee": D("-12.40")} and warehouse.order_id is None
    # full-width brackets read; the local table has no penalty row: an adjustment
    assert violation.amounts == {"adjustment": D("-20.00")} and violation.order_id == "577000000000000009"
    assert lost.amounts == {"adjustment": D("8.00")} and fields_of(lost)["Logistics reimbursement"] == (
        D("8.00"), None, False)
    assert lost.settled_time == datetime(2025, 10, 13, tzinfo=LA)
    assert reimbursed.amounts == {"adjustment": D("5.00")}


def test_a_row_that_adds_up_no_way_keeps_its_difference_visible():
    bad = us(**{"Order/adjustment ID": "577000000000000099", "SKU ID": "1730000000000000099", "Quantity": "1",
                "Total settlement amount": "9.07", "Gross sales": "10.00", "Referral fee": "-0.80",
                "Seller co-funded voucher discount": "-0.50"})
    [line] = parse(f"{US_NAME}.csv", csv_bytes([US_HEADER, bad])).lines
    assert line.amounts == {"sales": D("10.00"), "promotion_fee": D("-0.80")}
    assert (line.settlement_amount, line.extra["unexplained"]) == (D("9.07"), "-0.13")


# The on-hold export: banner rows, no Currency column, text estimates ----------------------------------------
ON_HOLD_HEADER = [
    "Type", "Order/adjustment ID", "Related order ID", "creation date", "Total estimated settlement amount",
    "Estimated Settle time", "unsettled reasons", "SKU ID", "Quantity", "Product name", "SKU name", "Net sales",
    "Gross sales", "Seller discount", "Shipping", "TikTok Shop shipping fee", "TikTok Shop shipping incentive",
    "Shipping fee subsidy", "Fees", "Referral fee", "Sales tax on referral fees", "Transaction fee",
]
ON_HOLD_TEXT = ("Type", "Order/adjustment ID", "Related order ID", "creation date", "Estimated Settle time",
                "unsettled reasons", "SKU ID", "Quantity", "Product name", "SKU name")
ON_HOLD_ROWS = [
    make_row(ON_HOLD_HEADER, ON_HOLD_TEXT, "/", **{
        "Type": "Order", "Order/adjustment ID": "577000000000000201", "creation date": "2025/10/30",
        "Total estimated settlement amount": "16.82", "Estimated Settle time": "Delivered + 1 days",
        "unsettled reasons": "Waiting for delivery", "SKU ID": "1730000000000000001", "Quantity": "1",
        "Net sales": "20.00", "Gross sales": "20.00", "Fees": "-3.18", "Referral fee": "-2.40",
        "Sales tax on referral fees": "-0.20", "Transaction fee": "-0.58"}),
    make_row(ON_HOLD_HEADER, ON_HOLD_TEXT, "/", **{
        "Type": "Order", "Order/adjustment ID": "577000000000000202", "creation date": "2025/10/31",
        "Total estimated settlement amount": "27.82", "Estimated Settle time": "2025/11/20",
        "unsettled reasons": "Delivered, awaiting settlement", "SKU ID": "1730000000000000004", "Quantity": "2",
        "Net sales": "31.50", "Gross sales": "35.00", "Seller discount": "-3.50", "Shipping": "0.00",
        "TikTok Shop shipping fee": "-6.00", "TikTok Shop shipping incentive": "6.00", "Fees": "-3.68",
        "Referral fee": "-2.52", "Sales tax on referral fees": "-0.21", "Transaction fee": "-0.95"}),
]
MUGHOUSE = StoreRef("tiktok", "MugHouse", "US", "TikTok US MugHouse", "USD", "America/Los_Angeles")


def on_hold_book() -> bytes:
    banner = [["Disclaimer: the amounts below are estimates and may change before settlement."],
              ["Download time", "2025-11-02 08:00:00"], ["Total Transactions", "2"], []]
    return xlsx({"Unsettled order and adjustment": [*banner, ON_HOLD_HEADER, *ON_HOLD_ROWS]})


def test_the_on_hold_export_takes_its_currency_from_the_store():
    result = parse("TikTok_MugHouse_待结算_2025-11.xlsx", on_hold_book(), account=MUGHOUSE.name, store=MUGHOUSE)
    assert result.report_type == "unsettled"
    assert totals(result) == {"sales": D("55.00"), "promo_discount": D("2.50"), "platform_logistics": D("-6.00"),
                              "promotion_fee": D("-5.33"), "other_platform_fee": D("-1.53"),
                              "settlement_amount": D("44.64")}
    categories_match_settlement(result)
    assert [(ln.key, ln.quantity) for ln in result.lines] == [
        (("unsettled", "577000000000000201", "1730000000000000001"), 1),
        (("unsettled", "577000000000000202", "1730000000000000004"), 2)]
    first, second = result.lines
    assert {ln.store for ln in result.lines} == {MUGHOUSE} and first.currency == "USD"
    assert (first.status, first.detail, first.settled_time) == (IN_TRANSIT, SPLIT, None)
    assert first.order_time == datetime(2025, 10, 30, tzinfo=LA)  # creation date: a day of the store
    assert first.extra["Estimated Settle time"] == "Delivered + 1 days"  # kept as written
    assert second.extra["Estimated Settle time"] == "2025-11-20"
    assert first.extra["unsettled reasons"] == "Waiting for delivery"
    assert fields_of(first)["Sales tax on referral fees"] == (D("-0.20"), "promotion_fee", True)


def test_the_on_hold_export_of_a_store_not_known_yet_is_refused_with_what_to_do():
    with pytest.raises(SourceError, match=r"^TikTok_MugHouse_待结算_2025-11.xlsx: sheet 'Unsettled order and "
                       r"adjustment' has no Currency column and its store 'TikTok MugHouse' is new, so its currency "
                       r"is not known: import the store's settlement export first, or import this file with "
                       r"--account"):
        parse("TikTok_MugHouse_待结算_2025-11.xlsx", on_hold_book())


# The current Indonesian income layout: all 59 columns ------------------------------------------------------
ID_HEADER = [
    "Order/adjustment ID", "Type", "Order created time", "Order settled time", "Currency", "Total settlement amount",
    "Total revenue", "Subtotal after seller discounts", "Subtotal before discounts", "Seller discounts",
    "Refund subtotal after seller discounts", "Refund subtotal before seller discounts", "Refund of seller discounts",
    "Total fees", "Platform commission fee", "Flat fee", "Sales fee", "Pre-Order Service Fee", "Mall service fee",
    "Payment fee", "Shipping cost", "Shipping costs passed on to the logistics provider",
    "Replacement shipping fee (passed on to the customer)", "Exchange shipping fee (passed on to the customer)",
    "Shipping cost borne by the platform", "Shipping cost paid by the customer",
    "Refunded shipping cost paid by the customer", "Return shipping costs (passed on to the customer)",
    "Shipping cost subsidy", "Affiliate commission", "Affiliate partner commission", "Affiliate Shop Ads commission",
    "SFP service fee", "LIVE Specials Service Fee", "Voucher Xtra Service Fee", "Order processing fee",
    "Installation service fee", "EAMS Program service fee", "Fix Infrastructure Fee",
    "Brand Crazy Deals/Flash Sale service fee", "Bonus cashback service fee", "DT Handling Fee",
    "PayLater Handling Fee", "Adjustment amount", "Related order ID", "Customer payment", "Customer refund",
    "Seller co-funded voucher discount", "Seller co-funded voucher discount refund", "Platform discounts",
    "Platform discounts refund", "Platform co-funded voucher discounts", "Platform co-funded voucher discounts refund",
    "Seller shipping cost discount", "Estimated package weight (g)", "Actual package weight (g)",
    "Shopping center items", "Order Source", "Dynamic Commission",
]
ID_TEXT = ("Order/adjustment ID", "Type", "Order created time", "Order settled time", "Currency", "Related order ID",
           "Shopping center items", "Order Source")


def id_row(**values) -> list:
    base = {"Type": "Order", "Currency": "IDR", "Order created time": "2025-10-03 04:05:06",
            "Order settled time": "2025-10-14 09:00:00"}
    return make_row(ID_HEADER, ID_TEXT, "0", **{**base, **values})


ID_ROWS = [
    id_row(**{"Order/adjustment ID": "580200000000000001", "Total settlement amount": "94500",
              "Total revenue": "135000", "Subtotal after seller discounts": "135000",
              "Subtotal before discounts": "150000", "Seller discounts": "-15000", "Total fees": "-40500",
              "Platform commission fee": "-10800", "Flat fee": "-1000", "Sales fee": "-2000",
              "Mall service fee": "-4050", "Payment fee": "-2700", "Shipping cost": "0",
              "Shipping costs passed on to the logistics provider": "-12000",
              "Shipping cost borne by the platform": "8000", "Shipping cost paid by the customer": "4000",
              "Affiliate commission": "-7500", "Voucher Xtra Service Fee": "-3000", "Order processing fee": "-1250",
              "EAMS Program service fee": "-500", "Fix Infrastructure Fee": "-200", "PayLater Handling Fee": "-1800",
              "Bonus cashback service fee": "-1500", "Dynamic Commission": "-4200", "Customer payment": "131000",
              "Seller co-funded voucher discount": "-5000", "Platform discounts": "8000",
              "Platform co-funded voucher discounts": "3000", "Seller shipping cost discount": "-2000",
              "Estimated package weight (g)": 250, "Actual package weight (g)": 262, "Shopping center items": "Y",
              "Order Source": "LIVE"}),
    id_row(**{"Order/adjustment ID": "580200000000000002", "Total settlement amount": "-126400",
              "Total revenue": "-135000", "Refund subtotal after seller discounts": "-135000",
              "Refund subtotal before seller discounts": "-150000", "Refund of seller discounts": "15000",
              "Total fees": "8600", "Platform commission fee": "10800", "Shipping cost": "-2200",
              "Refunded shipping cost paid by the customer": "-4000",
              "Return shipping costs (passed on to the customer)": "-9000", "Shipping cost subsidy": "10800",
              "Customer refund": "-131000", "Seller co-funded voucher discount refund": "5000",
              "Platform discounts refund": "-8000", "Platform co-funded voucher discounts refund": "-3000"}),
    id_row(**{"Order/adjustment ID": "580200000000000003", "Total settlement amount": "152550",
              "Total revenue": "200000", "Subtotal after seller discounts": "200000",
              "Subtotal before discounts": "200000", "Total fees": "-47450", "Pre-Order Service Fee": "-6000",
              "Shipping cost": "-7000", "Replacement shipping fee (passed on to the customer)": "-4000",
              "Exchange shipping fee (passed on to the customer)": "-3000", "Affiliate partner commission": "-6000",
              "Affiliate Shop Ads commission": "-8000", "SFP service fee": "-5000",
              "LIVE Specials Service Fee": "-4000",
              "Installation service fee": "-2500", "Brand Crazy Deals/Flash Sale service fee": "-6000",
              "DT Handling Fee": "-2950", "Estimated package weight (g)": 1200, "Actual package weight (g)": 1180}),
    id_row(**{"Order/adjustment ID": "990200000000000001", "Type": "Logistics reimbursement",
              "Total settlement amount": "25000", "Adjustment amount": "25000",
              "Related order ID": "580200000000000002"}),
    id_row(**{"Order/adjustment ID": "990200000000000002", "Type": "GMV Payment for TikTok Ads",
              "Total settlement amount": "-50000", "Adjustment amount": "-50000"}),
]


@pytest.mark.parametrize("name, home", [
    ("TikTok跨境_ID Gadgets_income_2025-10.xlsx", ("CB", "Asia/Shanghai", "TikTok CB ID Gadgets")),
    ("TikTok本土_ID Gadgets_income_2025-10.xlsx", ("ID", "Asia/Jakarta", "TikTok ID ID Gadgets")),
])
def test_the_indonesian_income_layout_every_column(name, home):
    result = parse(name, xlsx({"Sheet1": [ID_HEADER, *ID_ROWS]}))
    assert result.report_type == "income"
    assert totals(result) == {
        "sales": D("350000.00"), "promo_discount": D("3800.00"), "income_refund": D("-135000.00"),
        "platform_fee": D("-19700.00"), "platform_logistics": D("-30950.00"), "ad_fee": D("-58000.00"),
        "adjustment": D("25000.00"), "other_platform_fee": D("-39500.00"), "settlement_amount": D("95650.00"),
    }
    categories_match_settlement(result)
    assert all("unexplained" not in line.extra for line in result.lines)
    assert [line.key for line in result.lines] == [("income", "", ref, "") for ref in (
        "580200000000000001", "580200000000000002", "580200000000000003", "990200000000000001",
        "990200000000000002")]
    assert {line.detail for line in result.lines} == {SPLIT}
    order = result.lines[0]
    assert (order.store.region, order.store.timezone, order.store.name, order.currency) == (*home, "IDR")
    assert order.settled_time == datetime(2025, 10, 14, 9, tzinfo=UTC)
    assert order.amounts == {"sales": D("150000"), "promo_discount": D("-7000"), "buyer_shipping": D("4000"),
                             "platform_fee": D("-24500"), "platform_logistics": D("-12000"),
                             "other_platform_fee": D("-16000")}
    f = fields_of(order)
    # the fees the layout used to drop
    assert f["Platform commission fee"] == (D("-10800"), "platform_fee", False)
    assert f["Payment fee"] == (D("-2700"), "other_platform_fee", True)
    assert f["Order processing fee"] == (D("-1250"), "other_platform_fee", True)
    assert f["Dynamic Commission"] == (D("-4200"), "platform_fee", True)  # this row needs it
    assert f["Seller co-funded voucher discount"] == (D("-5000"), None, False)  # this one does not
    # package weights are not money: kept as text, never a field
    assert (order.extra["Estimated package weight (g)"], order.extra["Actual package weight (g)"]) == ("250", "262")
    assert "Estimated package weight (g)" not in f and order.extra["Order Source"] == "LIVE"
    assert f["Total fees"] == (D("-40500"), None, False)  # a subtotal, never added again
    refund = result.lines[1]
    assert refund.amounts == {"income_refund": D("-135000"), "platform_fee": D("10800"), "buyer_shipping": D("-4000"),
                              "platform_logistics": D("-9000"), "promo_discount": D("10800")}
    assert result.lines[3].amounts == {"adjustment": D("25000")}
    assert result.lines[3].order_id == "580200000000000002"
    assert result.lines[4].amounts == {"ad_fee": D("-50000")}  # GMV Payment for TikTok Ads: an ad fee


def test_the_my_sea_income_variant():
    result = parse("TikTok跨境_MY Gadgets_income_2025-10.csv", csv_bytes([MY_HEADER, *MY_ROWS]))
    assert result.report_type == "income"
    assert totals(result) == {
        "sales": D("80.00"), "promo_discount": D("-3.50"), "income_refund": D("-72.00"), "platform_fee": D("-9.36"),
        "platform_logistics": D("-15.00"), "other_platform_fee": D("-5.22"), "sales_tax": D("-0.80"),
        "settlement_amount": D("-25.88"),
    }
    categories_match_settlement(result)
    assert [line.key for line in result.lines] == [("income", "", "580300000000000001", ""),
                                                   ("income", "", "580300000000000002", "")]
    order, refund = result.lines
    assert (order.store.region, order.store.timezone, order.store.name) == ("CB", "Asia/Shanghai",
                                                                            "TikTok CB MY Gadgets")
    assert order.amounts["buyer_shipping"] == D("4.50") and refund.amounts["buyer_shipping"] == D("-4.50")
    f = fields_of(order)
    assert f["Flash Sale service fee"] == (D("-1.44"), "other_platform_fee", False)
    assert f["SFR service fee"] == (D("-2.16"), "other_platform_fee", True)
    assert f["Shipping subsidy"] == (D("1.50"), "promo_discount", False)
    assert fields_of(refund)["Seller shipping fee"] == (D("-10.50"), None, False)  # a subtotal


def test_a_local_vietnam_shop_in_its_own_zone_and_currency_with_its_taxes():
    result = parse("TikTok_Saigon Mugs_settlement_2025-10.xlsx", vn_book())
    assert result.report_type == "income"
    assert totals(result) == {
        "sales": D("500000.00"), "promo_discount": D("-50000.00"), "platform_fee": D("-67500.00"),
        "other_platform_fee": D("-25500.00"), "vat": D("-4500.00"), "other_tax": D("-2250.00"),
        "ad_fee": D("-130000.00"), "settlement_amount": D("220250.00"),
    }
    categories_match_settlement(result)
    assert [line.key for line in result.lines] == [("income", "", "580400000000000001", ""),
                                                   ("income", "", "990400000000000001", "")]
    order = result.lines[0]
    assert order.store == StoreRef("tiktok", "Saigon Mugs", "VN", "TikTok VN Saigon Mugs", "VND", "Asia/Ho_Chi_Minh")
    # 16:30 UTC on 31 October is still October in Vietnam (on China time it would be 1 November)
    assert order.settled_time.astimezone(VN) == datetime(2025, 10, 31, 23, 30, tzinfo=VN)
    f = fields_of(order)
    assert f["VAT withheld by TikTok Shop"] == (D("-4500"), "vat", False)
    assert f["PIT withheld by TikTok Shop"] == (D("-2250"), "other_tax", True)
    assert f["GMV Payment for TikTok Ads"] == (D("-30000"), "ad_fee", False)
    assert f["Total Fees"] == (D("-129750"), None, False)


@pytest.mark.parametrize("currency, home", [
    ("VND", ("VN", "Asia/Ho_Chi_Minh")), ("THB", ("TH", "Asia/Bangkok")), ("IDR", ("ID", "Asia/Jakarta")),
    ("MYR", ("MY", "Asia/Kuala_Lumpur")), ("PHP", ("PH", "Asia/Manila")), ("SGD", ("SG", "Asia/Singapore")),
])
def test_local_sea_shops_named_local_get_their_own_zone_cross_border_ones_stay_on_china_time(currency, home):
    rows = [my_row(**{"Order/adjustment ID": "580300000000000001", "Currency": currency,
                      "Total settlement amount": "10.00", "Subtotal before discounts": "10.00"})]
    content = csv_bytes([MY_HEADER, *rows])
    [local] = parse("TikTok本土_Shop_income_2025-10.csv", content).lines
    assert (local.store.region, local.store.timezone, local.store.currency) == (*home, currency)
    [cross] = parse("TikTok跨境_Shop_income_2025-10.csv", content).lines
    assert (cross.store.region, cross.store.timezone) == ("CB", "Asia/Shanghai")


# End to end: import, re-import, and the order-basis report -----------------------------------------------
def test_import_twice_and_the_on_hold_lines_are_estimated_on_the_order_basis(db_url, tmp_path):
    data = tmp_path / "data"
    us_file = tmp_path / f"{US_NAME}.xlsx"
    us_file.write_bytes(xlsx({"Order details": [US_HEADER, *US_ROWS]}))
    on_hold = tmp_path / "TikTok_MugHouse_待结算_2025-11.xlsx"
    on_hold.write_bytes(on_hold_book())
    vn = tmp_path / "TikTok_Saigon Mugs_settlement_2025-10.xlsx"
    vn.write_bytes(vn_book())
    added = []
    for _ in range(2):
        res = cli(data, db_url, "import", str(us_file), str(vn), "--json")
        assert res.code == 0, res.err
        held = cli(data, db_url, "import", str(on_hold), "--account", "TikTok US MugHouse", "--json")
        assert held.code == 0, held.err
        added.append([f["added"] for f in (*json.loads(res.out)["files"], *json.loads(held.out)["files"])])
    assert added == [[8, 2, 2], [0, 0, 0]]  # re-import adds nothing
    res = cli(data, db_url, "report", "--json", "--period", "2025-10", "--basis", "order", "--account",
              "TikTok US MugHouse")
    assert res.code == 0, res.err
    [row] = json.loads(res.out)["rows"]
    # ordered in October: the settled orders (created 20 Sep - 1 Oct, in October only 577…004) and the two on hold
    assert (row["estimated"], row["currency"]) == ("44.64", "USD")
    res = cli(data, db_url, "report", "--json", "--period", "2025-10", "--account", "TikTok VN Saigon Mugs")
    assert res.code == 0, res.err
    [row] = json.loads(res.out)["rows"]
    assert (row["settlement_amount"], row["currency"], row["categories"]["vat"]) == ("220250.00", "VND", "-4500.00")


@pytest.mark.parametrize("txn_type, reason, by_reason", [
    ("GMV Payment for TikTok Ads", "", False), ("GMV_PAYMENT_FOR_ADS", "", False),
    ("GMV Payment for TikTok Ads", "", True), ("Other adjustment", "GMV Payment for TikTok Ads", True),
])
def test_gmv_payment_for_ads_is_an_ad_fee_from_the_json_sources_too(txn_type, reason, by_reason):
    assert adjustment_category(txn_type, reason, by_reason) == "ad_fee"
    assert adjustment_category("FBT warehouse service fee using GMV payment") == "storage_fee"

"""TikTok settlement exports: US "Order details", cross-border income, on-hold sheet. Category totals to the cent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from companion.sources.cells import MangledId
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, SourceError, StoreRef
from tests.support.tables import (
    US_HEADER,
    US_ROWS,
    categories_match_settlement,
    csv_bytes,
    parse,
    totals,
    us_workbook,
    xlsx,
)
from tests.support.tables import US_NAME as NAME

D = Decimal
LA = ZoneInfo("America/Los_Angeles")
US_EXPECTED = {
    "sales": D("140.50"), "promo_discount": D("-5.50"), "buyer_shipping": D("5.99"), "income_refund": D("-22.50"),
    "platform_fee": D("-4.38"), "platform_logistics": D("-26.33"), "promotion_fee": D("-11.32"), "ad_fee": D("-0.93"),
    "adjustment": D("-17.00"), "storage_fee": D("-12.40"), "other_platform_fee": D("-5.16"),
    "settlement_amount": D("40.97"),
}


@pytest.mark.parametrize("name, content", [
    (f"{NAME}.xlsx", us_workbook()),
    (f"{NAME}.csv", csv_bytes([US_HEADER, *US_ROWS])),
    (f"{NAME}.csv", csv_bytes([US_HEADER, *US_ROWS], encoding="gb18030")),
    (f"{NAME}.csv", csv_bytes([US_HEADER, *US_ROWS, US_ROWS[1]])),  # a repeated row: the same line once
])
def test_us_order_details_every_category_to_the_cent(name, content):
    result = parse(name, content)
    assert result.report_type == "order_details"
    assert totals(result) == US_EXPECTED
    categories_match_settlement(result)
    keys = {line.key for line in result.lines}
    assert len(keys) == 7
    first = next(line for line in result.lines if line.sku_id == "1729000000000000001")
    assert first.store == StoreRef("tiktok", "MugHouse", "US", "TikTok US MugHouse", "USD", "America/Los_Angeles")
    assert first.key == ("sku", "7400000000000001", "576900000000000101", "1729000000000000001")
    assert (first.status, first.detail, first.reference, first.statement_id) == (
        SETTLED, SKU_SPLIT, "576900000000000101", "7400000000000001")
    assert (first.order_id, first.quantity, first.msku) == ("576900000000000101", 2, "MUG-RED")
    # dates without a time are the store's calendar days (midnight UTC would be the day before in LA)
    assert first.settled_time == datetime(2025, 10, 6, tzinfo=LA)
    assert first.order_time == datetime(2025, 9, 28, tzinfo=LA)
    # drill-down: every original field with its category; informational columns kept, not counted
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in first.fields}
    assert fields["Gross sales"] == (D("40.00"), "sales", False)
    assert fields["Shipping fee subsidy"] == (D("1.00"), "promo_discount", False)
    assert fields["TikTok Shop shipping incentive"] == (D("1.00"), None, False)  # part of the subsidy
    assert fields["Net sales"] == (D("36.00"), None, False)  # a subtotal, never added again
    assert fields["Customer payment"] == (D("40.99"), None, False)
    fbt = next(line for line in result.lines if line.reference == "576900000000000303")
    assert {f.name: f.unmapped for f in fbt.fields if f.category == "platform_logistics"} == {
        "Fulfilled by TikTok Shop (FBT) shipping fee": True, "FBT fulfillment fee": True,
        "FBT fulfillment fee reimbursement": False, "Customer shipping fee offset": True}
    storage = next(line for line in result.lines if line.reference == "7123000000000000001")
    assert storage.amounts == {"storage_fee": D("-12.40")} and storage.order_id is None
    chargeback = next(line for line in result.lines if line.reference == "7123000000000000002")
    assert chargeback.order_id == "576900000000000404" and chargeback.extra["Adjustment reason"] == "Chargeback"


def test_sku_ids_mangled_by_a_spreadsheet_are_refused_not_guessed():
    rows = [list(r) for r in US_ROWS]
    rows[2][US_HEADER.index("SKU ID")] = "1.729E+18"
    with pytest.raises(MangledId, match=r"row 4: SKU ID '1.729E\+18' was turned into a number"):
        parse(f"{NAME}.csv", csv_bytes([US_HEADER, *rows]))


def test_a_file_without_a_store_goes_to_the_one_store_it_can_belong_to():
    assert parse("settlement.xlsx", us_workbook()).lines[0].store == \
        StoreRef("tiktok", "TikTok US", "US", "TikTok US", "USD", "America/Los_Angeles")  # none: a new one
    mug = StoreRef("tiktok", "MugHouse", "US", "TikTok US MugHouse", "USD", "America/Los_Angeles")
    other = [StoreRef("temu", "T1", "", "Temu T1"), StoreRef("tiktok", "CB1", "CB", "TikTok CB CB1")]
    assert {ln.store for ln in parse("settlement.xlsx", us_workbook(), stores=(mug, *other)).lines} == {mug}
    two = (mug, StoreRef("tiktok", "Cups", "US", "TikTok US Cups"))
    with pytest.raises(SourceError, match=r"^settlement.xlsx does not say which store it belongs to and there are 2 "
                       r"TikTok US stores \(TikTok US Cups, TikTok US MugHouse\): import it with --account STORE"):
        parse("settlement.xlsx", us_workbook(), stores=two)
    result = parse("settlement.xlsx", us_workbook(), account="Mug House US")
    assert result.lines[0].store.name == "Mug House US" and result.lines[0].store.external_id == "Mug House US"
    existing = StoreRef("tiktok", "7495100000000000001", "US", "TikTok US 7495100000000000001", "USD",
                        "America/Los_Angeles")
    result = parse("settlement.xlsx", us_workbook(), account=existing.name, store=existing)
    assert {line.store for line in result.lines} == {existing}
    shein = StoreRef("shein", "S1", name="SHEIN S1")
    with pytest.raises(SourceError, match="is a tiktok report, but --account 'SHEIN S1' is a shein store"):
        parse("settlement.xlsx", us_workbook(), account="SHEIN S1", store=shein)


CB_HEADER = [
    "Order/adjustment ID", "Type ", "Order created time(UTC)", "Order settled time(UTC)", "Currency",
    "Total settlement amount", "Total revenue", "Subtotal after seller discounts", "Subtotal before discounts",
    "Seller discounts", "Refund subtotal after seller discounts", "Refund subtotal before seller discounts",
    "Refund of seller discounts", "Total fees", "Transaction fee", "TikTok Shop commission fee", "Shipping cost",
    "Actual shipping fee", "Platform shipping fee discount", "Customer shipping fee", "Actual return shipping fee",
    "Affiliate commission", "Affiliate partner commission", "Affiliate Shop Ads commission", "SFP service fee",
    "LIVE Specials Service Fee", "Voucher Xtra Service Fee", "Bonus cashback service fee", "SST", "Ajustment amount",
    "Related order ID", "Customer payment", "Platform discounts",
]


def cb_row(values: dict) -> list:
    row = {h: "0" for h in CB_HEADER}
    row.update({"Currency": "MYR", "Order created time(UTC)": "2025-10-02 10:11:12",
                "Order settled time(UTC)": "2025-10-12 00:00:00", "Related order ID": "", "Type ": "Order"})
    row.update(values)
    return [row[h] for h in CB_HEADER]


CB_ROWS = [
    cb_row({"Order/adjustment ID": "580100000000000001", "Total settlement amount": "70.38", "Total revenue": "90.00",
            "Subtotal after seller discounts": "90.00", "Subtotal before discounts": "100.00",
            "Seller discounts": "-10.00", "Total fees": "-18.12", "Transaction fee": "-2.25",
            "TikTok Shop commission fee": "-5.40", "Shipping cost": "-1.50", "Actual shipping fee": "-6.50",
            "Platform shipping fee discount": "2.00", "Customer shipping fee": "3.00",
            "Affiliate commission": "-4.50", "SFP service fee": "-2.70", "Voucher Xtra Service Fee": "-1.80",
            "SST": "-1.47", "Customer payment": "93.00", "Platform discounts": "5.00"}),
    cb_row({"Order/adjustment ID": "580100000000000002", "Total settlement amount": "-22.00",
            "Refund subtotal after seller discounts": "-18.00", "Refund subtotal before seller discounts": "-20.00",
            "Refund of seller discounts": "2.00", "Actual return shipping fee": "-4.00", "Shipping cost": "-4.00"}),
    cb_row({"Order/adjustment ID": "990000000000000001", "Type ": "Platform penalty",
            "Total settlement amount": "-30.00", "Ajustment amount": "-30.00"}),
    cb_row({"Order/adjustment ID": "990000000000000002", "Type ": "FBT warehouse service fee",
            "Total settlement amount": "-9.99", "Ajustment amount": "-9.99"}),
    cb_row({"Order/adjustment ID": "990000000000000003", "Type ": "Shipping fee rebate",
            "Total settlement amount": "3.33", "Ajustment amount": "3.33", "Related order ID": "580100000000000001"}),
]


def test_cross_border_income_layout_every_category_to_the_cent():
    result = parse("TikTok跨境_MY Gadgets_income_2025-10.xlsx", xlsx({"Sheet1": [CB_HEADER, *CB_ROWS]}))
    assert result.report_type == "income"
    assert totals(result) == {
        "sales": D("100.00"), "promo_discount": D("-8.00"), "buyer_shipping": D("3.00"),
        "income_refund": D("-18.00"), "platform_fee": D("-9.90"), "platform_logistics": D("-10.50"),
        "other_platform_fee": D("-6.75"), "sales_tax": D("-1.47"), "penalty": D("-30.00"),
        "storage_fee": D("-9.99"), "adjustment": D("3.33"), "settlement_amount": D("11.72"),
    }
    categories_match_settlement(result)
    line = result.lines[0]
    assert (line.store.region, line.store.timezone, line.currency) == ("CB", "Asia/Shanghai", "MYR")
    assert line.settled_time == datetime(2025, 10, 12, tzinfo=UTC)
    assert line.order_time == datetime(2025, 10, 2, 10, 11, 12, tzinfo=UTC)
    assert result.lines[4].order_id == "580100000000000001"
    # one row per order: a SPLIT line, in its own family so the Open API's SKU lines of the order replace it
    assert (line.key[0], line.detail, line.key[2:]) == ("income", SPLIT, (line.reference, ""))


UNSETTLED_BANNER = [
    ["Unsettled order and adjustment"], ["Shop: MugHouse"], ["Exported at 2025-11-02 08:00 (UTC)"],
    ["Amounts are estimates until settlement"],
]
UNSETTLED_HEADER = [
    "Order/adjustment ID", "Type", "Order created time", "Currency", "Total estimated settlement amount", "Gross sales",
    "Seller discount", "Shipping", "TikTok Shop shipping fee", "Customer-paid shipping fee", "Fees", "Referral fee",
    "Transaction fee", "Unsettled reason", "Estimated settlement time"]


def test_unsettled_sheet_with_banner_rows_and_slashes():
    rows = [
        ["576900000000000909", "Order", "2025-10-30 09:00:00", "USD", "16.50", "20.00", "/", "/", "-4.99", "4.99",
         "-3.50", "-2.50", "-1.00", "Waiting for delivery", "2025-11-15"],
        ["576900000000000910", "Order", "2025-10-31 09:00:00", "USD", "8.10", "10.00", "-1.00", "/", "/", "/",
         "-0.90", "-0.60", "-0.30", "Delivered, awaiting settlement", "2025-11-08"],
    ]
    content = xlsx({"Unsettled order and adjustment": [*UNSETTLED_BANNER, UNSETTLED_HEADER, *rows]})
    result = parse("TikTok_MugHouse_待结算_2025-11.xlsx", content)
    assert result.report_type == "unsettled"
    assert totals(result) == {"sales": D("30.00"), "promo_discount": D("-1.00"), "buyer_shipping": D("4.99"),
                              "platform_logistics": D("-4.99"), "promotion_fee": D("-3.10"),
                              "other_platform_fee": D("-1.30"), "settlement_amount": D("24.60")}
    categories_match_settlement(result)
    line = result.lines[0]
    assert (line.status, line.detail, line.settled_time, line.key) == (
        IN_TRANSIT, SPLIT, None, ("unsettled", "576900000000000909", ""))
    assert line.extra["Unsettled reason"] == "Waiting for delivery"
    assert line.extra["Estimated settlement time"] == "2025-11-15"  # a date, kept as a date


@pytest.mark.parametrize("currency, home", [
    ("USD", ("US", "America/Los_Angeles", "TikTok US MugHouse")),
    ("GBP", ("GB", "Europe/London", "TikTok UK MugHouse")),
    ("MYR", ("CB", "Asia/Shanghai", "TikTok CB MugHouse")),  # the on-hold export of a cross-border shop
])
def test_the_on_hold_export_finds_the_shops_home_by_its_currency(currency, home):
    row = ["576900000000000909", "Order", "2025-10-30", currency, "16.50", "20.00", "/", "/", "/", "/",
           "-3.50", "-2.50", "-1.00", "Waiting for delivery", "2025-11-15"]
    content = xlsx({"Unsettled order and adjustment": [*UNSETTLED_BANNER, UNSETTLED_HEADER, row]})
    [line] = parse("TikTok_MugHouse_待结算_2025-11.xlsx", content).lines
    assert (line.store.region, line.store.timezone, line.store.name) == home
    assert line.order_time == datetime(2025, 10, 30, tzinfo=ZoneInfo(home[1]))  # a day, in the shop's zone

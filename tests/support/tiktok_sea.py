"""TikTok income exports of cross-border SEA and local Vietnam shops as real-layouts.md lays them out (the MY
variant, a Vietnam workbook with its taxes withheld): rows written by hand, shared by the tests of the sources
and of the reports built on them."""

from __future__ import annotations

from tests.support.tables import xlsx


# The money columns a test row leaves empty are written as the export writes them: 0 (on hold: "/").
def make_row(header: list[str], text: tuple[str, ...], zero: str, **values: str) -> list[str]:
    by_name = {h.strip(): h for h in header}
    row = {h: ("" if h.strip() in text else zero) for h in header}
    for name, value in values.items():
        row[by_name[name]] = value
    return [row[h] for h in header]


# MY/SEA: the variant columns ("Seller shipping fee" is a subtotal) ------------------------------------------
MY_HEADER = [
    "Order/adjustment ID", "Type", "Order created time", "Order settled time", "Currency", "Total settlement amount",
    "Total revenue", "Subtotal after seller discounts", "Subtotal before discounts", "Seller discounts",
    "Refund subtotal after seller discounts", "Refund subtotal before seller discounts", "Refund of seller discounts",
    "Total fees", "Transaction fee", "TikTok Shop commission fee", "Seller shipping fee", "Actual shipping fee",
    "Platform shipping fee discount", "Customer shipping fee", "Refunded customer shipping fee", "Shipping subsidy",
    "Actual return shipping fee", "Affiliate commission", "Flash Sale service fee", "SFR service fee", "SST",
    "Adjustment amount", "Related order ID", "Customer payment", "Platform discounts",
]


MY_TEXT = ("Order/adjustment ID", "Type", "Order created time", "Order settled time", "Currency", "Related order ID")


def my_row(**values) -> list:
    base = {"Type": "Order", "Currency": "MYR", "Order created time": "2025-10-02 10:00:00",
            "Order settled time": "2025-10-12 00:00:00"}
    return make_row(MY_HEADER, MY_TEXT, "0.00", **{**base, **values})


MY_ROWS = [
    my_row(**{"Order/adjustment ID": "580300000000000001", "Total settlement amount": "56.62", "Total revenue": "72.00",
              "Subtotal after seller discounts": "72.00", "Subtotal before discounts": "80.00",
              "Seller discounts": "-8.00", "Total fees": "-15.38", "Transaction fee": "-1.62",
              "TikTok Shop commission fee": "-5.76", "Seller shipping fee": "0.00", "Actual shipping fee": "-9.00",
              "Platform shipping fee discount": "3.00", "Customer shipping fee": "4.50", "Shipping subsidy": "1.50",
              "Affiliate commission": "-3.60", "Flash Sale service fee": "-1.44", "SFR service fee": "-2.16",
              "SST": "-0.80", "Customer payment": "76.50", "Platform discounts": "3.00"}),
    my_row(**{"Order/adjustment ID": "580300000000000002", "Total settlement amount": "-82.50",
              "Total revenue": "-72.00", "Refund subtotal after seller discounts": "-72.00",
              "Refund subtotal before seller discounts": "-80.00", "Refund of seller discounts": "8.00",
              "Total fees": "-10.50", "Seller shipping fee": "-10.50", "Refunded customer shipping fee": "-4.50",
              "Actual return shipping fee": "-6.00"}),
]


# A local Vietnam shop: sheets Reports and Order details -------------------------------------------------
VN_HEADER = [
    "Order/adjustment ID  ", "Type ", "Order created time", "Order settled time", "Currency",
    "Total settlement amount", "Total revenue", "Subtotal after seller discounts", "Subtotal before discounts",
    "Seller discounts", "Refund subtotal after seller discounts", "Refund subtotal before seller discounts",
    "Refund of seller discounts", "Total Fees", "TikTok Shop commission fee", "Order processing fee",
    "SFR service fee", "Flash Sale service fee", "Affiliate commission", "VAT withheld by TikTok Shop",
    "PIT withheld by TikTok Shop", "GMV Payment for TikTok Ads", "Adjustment amount", "Related order ID",
]


VN_TEXT = ("Order/adjustment ID", "Type", "Order created time", "Order settled time", "Currency", "Related order ID")


def vn_row(**values) -> list:
    base = {"Type": "Order", "Currency": "VND", "Order created time": "2025-10-20 03:00:00",
            "Order settled time": "2025-10-31 16:30:00"}
    return make_row(VN_HEADER, VN_TEXT, "0", **{**base, **values})


VN_ROWS = [
    vn_row(**{"Order/adjustment ID": "580400000000000001", "Total settlement amount": "320250",
              "Total revenue": "450000", "Subtotal after seller discounts": "450000",
              "Subtotal before discounts": "500000", "Seller discounts": "-50000", "Total Fees": "-129750",
              "TikTok Shop commission fee": "-22500", "Order processing fee": "-3000", "SFR service fee": "-13500",
              "Flash Sale service fee": "-9000", "Affiliate commission": "-45000",
              "VAT withheld by TikTok Shop": "-4500", "PIT withheld by TikTok Shop": "-2250",
              "GMV Payment for TikTok Ads": "-30000"}),
    vn_row(**{"Order/adjustment ID": "990400000000000001", "Type": "GMV Payment for TikTok Ads",
              "Total settlement amount": "-100000", "Adjustment amount": "-100000"}),
]


def vn_book() -> bytes:
    reports = [["Time period:", "2025/10/01 - 2025/10/31"], ["Total settlement amount", "220250"]]
    return xlsx({"Reports": reports, "Order details": [VN_HEADER, *VN_ROWS]})

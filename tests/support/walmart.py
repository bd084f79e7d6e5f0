"""Walmart Payment Report (New) files for tests, written from the documented columns (see docs/sources.md (walmart)):
a header row, the PaymentSummary row, then one row per Amount."""

from __future__ import annotations

from companion.pipeline.demo_walmart import HEADER  # the export's header, written once
from tests.support.tables import csv_bytes, xlsx

NAME = "Walmart_WM1号店_PaymentReport_2026-11"

_ITEMS = {
    "SKU-A": ("00810012340011", "Ceramic Mug Set 4 pc", "Kitchen & Dining"),
    "SKU-B": ("00810012340028", "Silicone Spatula", "Kitchen & Dining"),
    "SKU-C": ("00810012340035", "Bamboo Cutting Board", "Kitchen & Dining"),
}


def row(key: str, posted: str, kind: str, description: str, amount: str, amount_type: str, *, po: str = "",
        line: str = "", qty: str = "", item: str = "", rate: str = "", reason: str = "",
        header: list[str] = HEADER, **cells: str) -> list[str]:
    """One report row; columns not given are blank, as Walmart leaves them on rows they do not concern."""
    values = {"Transaction Key": key, "Transaction Posted Timestamp": posted, "Transaction Type": kind,
              "Transaction Description": description, "Amount": amount, "Amount Type": amount_type,
              "Purchase Order #": po, "Purchase Order line #": line, "Ship Qty": qty, "Commission Rate": rate,
              "Transaction Reason Description": reason}
    if po:
        values.update({"Customer Order #": "2000" + po.rjust(11, "0"), "Customer Order line #": line or "1"})
    if item:
        gtin, name, category = _ITEMS[item]
        values.update({"Partner Item Id": item, "Partner GTIN": gtin, "Partner Item Name": name,
                       "Contract Category": category, "Ship to State": "CA", "Ship to City": "Pasadena",
                       "Ship to Zipcode": "91101", "Shipping Method": "Standard",
                       "Fulfillment Type": "Seller Fulfilled"})
    values.update(cells)
    return [values.get(h, "") for h in header]


SUMMARY = row("", "11/17/2026", "PaymentSummary", "Deposited in account", "", "", **{
    "Period Start Date": "11/01/2026", "Period End Date": "11/14/2026", "Total Payable": "35.43", "Currency": "USD"})


def _sale(key: str, posted: str, po: str, item: str, qty: str, *amounts: tuple[str, str]) -> list[list[str]]:
    return [row(key, posted, "Sale", "Purchase", amount, atype, po=po, line="1", qty=qty, item=item,
                rate="15" if atype.startswith("Commission") else "", Currency="USD") for atype, amount in amounts]


ROWS: list[list[str]] = [
    # A: two mugs with buyer-paid shipping, tax Walmart collected and remitted, a promo code
    *_sale("2026_11_03_100001", "11/03/2026", "1001", "SKU-A", "2",
           ("Product Price", "39.98"), ("Product tax", "3.20"), ("Product tax withheld", "-3.20"),
           ("Shipping", "5.99"), ("Shipping tax", "0.48"), ("Shipping tax withheld", "-0.48"),
           ("Commission on Product", "-6.00"), ("Commission on Shipping", "-0.90"), ("Promo Code", "-2.00")),
    # B: a spatula with a seller extra discount and Walmart-funded savings
    *_sale("2026_11_05_100002", "11/05/2026", "1002", "SKU-B", "1",
           ("Product Price", "24.99"), ("Commission on Product", "-3.75"), ("Extra Discount", "-1.50"),
           ("Total Walmart Funded Savings", "1.25")),
    # C: one of A's mugs refunded, with the shipping, its tax and an excess refund adjustment
    *[row("2026_11_08_100003", "11/08/2026", "Refund", "Return Refund", amount, atype, po="1001", line="1", qty="1",
          item="SKU-A", reason="Item damaged", Currency="USD")
      for atype, amount in (("Product Price", "-19.99"), ("Product tax", "-1.60"), ("Product tax withheld", "1.60"),
                            ("Commission on Product", "3.00"), ("ExcessRefundAdjustment", "-0.50"),
                            ("Shipping", "-2.00"))],
    row("2026_11_05_100004", "11/05/2026", "Adjustment", "WFS Fulfillment fee", "-4.25", "Fee/Reimbursement",
        po="1002", line="1", item="SKU-B"),
    row("2026_11_10_100005", "11/10/2026", "Service Fee", "WFS StorageFee", "-12.40", "Fee/Reimbursement"),
    row("2026_11_10_100006", "11/10/2026", "Service Fee", "Walmart Product Advertising", "-25.00", "Fee/Reimbursement"),
    row("2026_11_11_100007", "11/11/2026", "Campaigns", "SEM Marketing", "-8.00", "Fee/Reimbursement"),
    row("2026_11_01_100008", "11/01/2026", "Reserve", "Funds withheld to cover future refunds", "-30.00",
        "Fee/Reimbursement"),
    row("2026_11_01_100009", "11/01/2026", "Release Reserve", "Reserve credited back", "18.00", "Fee/Reimbursement"),
    row("2026_11_12_100010", "11/12/2026", "Service Fee", "Review Accelerator", "-5.00", "Review Accelerator Fee"),
    row("2026_11_12_100011", "11/12/2026", "Dispute Settlement", "Fee/Reimbursement", "19.99",
        "Customer Return Reversal", po="1001", line="1", item="SKU-A"),
    row("2026_11_06_100012", "11/06/2026", "Adjustment", "Walmart Shipping Label Service Charge", "-7.35",
        "Fee/Reimbursement", po="1003", line="1", item="SKU-C"),
    # M: a multichannel fee with no Transaction Type, Amount Type or key (as seed 002 describes it)
    row("", "11/13/2026", "", "WFS MultiChannelFulfillmentFee", "-6.10", ""),
    # N, N': two identical rows without a key: two lines
    row("", "11/13/2026", "Adjustment", "WFS LostInventory", "3.50", "Fee/Reimbursement"),
    row("", "11/13/2026", "Adjustment", "WFS LostInventory", "3.50", "Fee/Reimbursement"),
    row("2026_11_14_100013", "11/14/2026", "Service Fee", "Premium Listing Fee", "-1.00", "Fee/Reimbursement"),
    *_sale("2026_11_06_100014", "11/06/2026", "1003", "SKU-C", "3",
           ("Product Price", "59.97"), ("Commission on Product", "-9.00")),
]


def report_csv(rows: list[list[str]] | None = None, summary: list[str] | None = SUMMARY,
               header: list[str] = HEADER) -> bytes:
    return csv_bytes([header, *([summary] if summary is not None else []), *(ROWS if rows is None else rows)])


def report_xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    return xlsx({"Payment Report": [header, *rows]})

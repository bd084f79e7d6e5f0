"""A demo Walmart store's Payment Report (New) over the 60 days before `today`: sales of a few kitchen items (with
commission, shipping and the tax Walmart collects and remits), a refund or two, WFS and advertising fees, a reserve
held and released. Written in the report's own columns, with its PaymentSummary row stating Total Payable."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

STORE = "Home Basics"
HEADER = [
    "Period Start Date", "Period End Date", "Total Payable", "Currency", "Transaction Key",
    "Transaction Posted Timestamp", "Transaction Type", "Transaction Description", "Customer Order #",
    "Customer Order line #", "Purchase Order #", "Purchase Order line #", "Amount", "Amount Type", "Ship Qty",
    "Commission Rate", "Transaction Reason Description", "Partner Item Id", "Partner GTIN", "Partner Item Name",
    "Product Tax Code", "Ship to State", "Ship to City", "Ship to Zipcode", "Contract Category", "Product Type",
    "Commission Rule", "Shipping Method", "Fulfillment Type", "Fulfillment Details", "Original Commission",
    "Commission Incentive Program", "Commission Saving", "Customer Promo Type",
    "Total Walmart Funded Savings Program", "Campaign Id", "Item Condition",
]
ITEMS = (("WM-MUG-4", "00810012340011", "Ceramic Mug Set 4 pc", Decimal("24.99")),
         ("WM-SPAT-2", "00810012340028", "Silicone Spatula 2 pc", Decimal("12.49")),
         ("WM-BOARD-L", "00810012340035", "Bamboo Cutting Board Large", Decimal("29.95")))
STATES = (("CA", "Fresno", "93701"), ("TX", "Austin", "78701"), ("NY", "Buffalo", "14201"), ("FL", "Tampa", "33602"))
CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _day(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def demo_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """(file name, CSV bytes) of one payment cycle covering the 60 days before `today`."""
    start, end = today - timedelta(days=60), today - timedelta(days=1)
    rows: list[dict[str, str]] = []
    serial = iter(range(100_001, 200_000))

    def add(posted: date, kind: str, description: str, amounts: list[tuple[str, Decimal]], **cells: str) -> None:
        key = f"{posted:%Y_%m_%d}_{next(serial)}"
        for amount_type, amount in amounts:
            rows.append({"Transaction Key": key, "Transaction Posted Timestamp": _day(posted),
                         "Transaction Type": kind, "Transaction Description": description,
                         "Amount": str(amount), "Amount Type": amount_type, "Currency": "USD", **cells})

    sales = []
    for n in range(rng.randint(7, 9)):  # at most 9 x 5 rows + 10 others: 20–60 rows
        posted = start + timedelta(days=rng.randint(1, 58))
        sku, gtin, name, price = rng.choice(ITEMS)
        qty = rng.choice((1, 1, 1, 2, 3))
        state, city, zipcode = rng.choice(STATES)
        po = str(1_290_000_000_000 + rng.randint(0, 999_999_999))
        order = dict(zip(("Customer Order #", "Customer Order line #", "Purchase Order #", "Purchase Order line #",
                          "Partner Item Id", "Partner GTIN", "Partner Item Name", "Ship to State", "Ship to City",
                          "Ship to Zipcode", "Contract Category", "Fulfillment Type", "Shipping Method"),
                         (str(200_010_000_000_000 + n), "1", po, "1", sku, gtin, name, state, city, zipcode,
                          "Home & Kitchen", "Seller Fulfilled", "Standard"), strict=True))
        gross = price * qty
        tax = _cents(gross * Decimal("0.0725"))
        amounts = [("Product Price", gross), ("Product tax", tax), ("Product tax withheld", -tax),
                   ("Commission on Product", -_cents(gross * Decimal("0.15")))]
        if rng.random() < 0.3:
            amounts.append(("Promo Code", -_cents(gross * Decimal("0.10"))))
        add(posted, "Sale", "Purchase", amounts, **order, **{"Ship Qty": str(qty), "Commission Rate": "15"})
        sales.append((posted, price, order))
    for posted, price, order in rng.sample(sales, 2):
        refunded = min(posted + timedelta(days=rng.randint(3, 9)), end)
        add(refunded, "Refund", "Return Refund", [("Product Price", -price),
                                                  ("Commission on Product", _cents(price * Decimal("0.15")))],
            **order, **{"Ship Qty": "1", "Transaction Reason Description": "No longer needed"})
    for description, kind, low, high in (("WFS StorageFee", "Service Fee", 8, 20),
                                         ("Walmart Product Advertising", "Service Fee", 20, 60),
                                         ("SEM Marketing", "Campaigns", 5, 15)):
        posted = start + timedelta(days=rng.randint(20, 58))
        add(posted, kind, description, [("Fee/Reimbursement", -Decimal(rng.randint(low * 100, high * 100)) / 100)])
    held = Decimal(rng.randint(2000, 4000)) / 100
    add(start + timedelta(days=2), "Reserve", "Funds withheld to cover future refunds", [("Fee/Reimbursement", -held)])
    add(start + timedelta(days=40), "Release Reserve", "Reserve credited back", [("Fee/Reimbursement", held)])
    rows.sort(key=lambda r: (r["Transaction Posted Timestamp"][6:], r["Transaction Posted Timestamp"]))
    payable = sum((Decimal(r["Amount"]) for r in rows), Decimal(0))
    summary = {"Period Start Date": _day(start), "Period End Date": _day(end), "Total Payable": str(payable),
               "Currency": "USD", "Transaction Posted Timestamp": _day(today), "Transaction Type": "PaymentSummary",
               "Transaction Description": "Deposited in account"}
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in (summary, *rows):
        writer.writerow([r.get(h, "") for h in HEADER])
    return f"Walmart_{STORE}_PaymentReport_{today:%Y-%m}.csv", buf.getvalue().encode("utf-8")

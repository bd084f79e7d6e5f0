"""A demo eBay store's Transaction report: 60 days of a US mug shop, as the Seller Hub exports it.

Orders (some with eBay collected tax, some international), their shipping labels and Promoted Listings fees, a
refund, listing and store subscription fees, an adjustment; weekly payouts whose rows add up to them, the last
week's rows not paid out yet. Every amount is computed the way eBay computes a row: Net amount = Gross transaction
amount + its fees, so each row adds up.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

STORE = "Mug Corner"  # the store is "eBay Mug Corner"
HEADER = [
    "Transaction creation date", "Type", "Order number", "Legacy order ID", "Buyer username", "Buyer name",
    "Ship to city", "Ship to province/region/state", "Ship to zip", "Ship to country", "Net amount",
    "Payout currency", "Payout date", "Payout ID", "Payout method", "Payout status", "Reason for hold", "Item ID",
    "Transaction ID", "Item title", "Custom label", "Quantity", "Item subtotal", "Shipping and handling",
    "Seller collected tax", "eBay collected tax", "Final Value Fee - fixed", "Final Value Fee - variable",
    "Regulatory operating fee", 'Very high "item not as described" fee', "Below standard performance fee",
    "International fee", "Charity donation", "Deposit processing fee", "Gross transaction amount",
    "Transaction currency", "Exchange rate", "Reference ID", "Description",
]
PRODUCTS = (("Stoneware mug", "MUG-01", "18.50"), ("Tea bowl", "BOWL-02", "24.00"), ("Espresso cup set", "CUP-04",
            "31.00"), ("Travel tumbler", "TUM-05", "22.75"))
CITIES = (("Austin", "TX", "US"), ("Portland", "OR", "US"), ("Toronto", "ON", "CA"), ("Denver", "CO", "US"))
CENT = Decimal("0.01")


def item_id(product: int) -> str:
    """The eBay item id of the listing of PRODUCTS[product]: one listing per product."""
    return f"3000000{product + 1:05d}"


def _day(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"  # eBay writes Jul 9, 2023


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def demo_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """(file name, CSV bytes) of the demo store's Transaction report over the 60 days before `today`."""
    start = today - timedelta(days=60)
    rows: list[dict[str, str]] = []
    orders = rng.randint(9, 14)  # with their labels, ads and the fees: 26 to 50 lines
    for n in range(orders):
        placed = start + timedelta(days=rng.randint(0, 58))
        title, label, price = rng.choice(PRODUCTS)
        quantity = rng.choice((1, 1, 1, 2))
        city, region, country = rng.choice(CITIES)
        subtotal = Decimal(price) * quantity
        shipping = rng.choice((Decimal("0.00"), Decimal("4.95"), Decimal("6.50")))
        gross = subtotal + shipping
        tax = _cents(gross * Decimal("0.0825")) if country == "US" else Decimal("0.00")
        fixed, variable = Decimal("-0.30"), -_cents(gross * Decimal("0.1325"))
        international = -_cents(gross * Decimal("0.0165")) if country != "US" else Decimal("0.00")
        net = gross + fixed + variable + international
        order_no = f"{10 + n:02d}-{rng.randint(10000, 99999)}-{rng.randint(10000, 99999)}"
        item = item_id(PRODUCTS.index((title, label, price)))
        base = {"Order number": order_no, "Item ID": item, "Item title": title, "Custom label": label,
                "Buyer username": f"buyer{n:03d}", "Ship to city": city, "Ship to province/region/state": region,
                "Ship to country": country}
        rows.append({**base, "Type": "Order", "date": placed, "Transaction ID": f"2{n:011d}",
                     "Quantity": str(quantity), "Item subtotal": str(subtotal), "Shipping and handling": str(shipping),
                     "eBay collected tax": str(tax), "Final Value Fee - fixed": str(fixed),
                     "Final Value Fee - variable": str(variable), "International fee": str(international),
                     "Gross transaction amount": str(gross), "Net amount": str(net)})
        label_cost = -rng.choice((Decimal("4.85"), Decimal("7.45"), Decimal("9.10")))
        rows.append({**base, "Type": "Shipping label", "date": placed + timedelta(days=1), "Description": "USPS label",
                     "Gross transaction amount": str(label_cost), "Net amount": str(label_cost)})
        if rng.random() < 0.5:
            ad = -_cents(gross * Decimal("0.05"))
            rows.append({**base, "Type": "Other fee", "date": placed + timedelta(days=1),
                         "Description": "Promoted Listings - General fee", "Reference ID": f"PL{n:06d}",
                         "Gross transaction amount": str(ad), "Net amount": str(ad)})
        if n == 3:  # the buyer returned it: the sale, its tax and its fees go back
            refund = {**base, "Type": "Refund", "date": placed + timedelta(days=6), "Quantity": str(quantity),
                      "Transaction ID": f"2{n:011d}", "eBay collected tax": str(-tax),
                      "Final Value Fee - variable": str(-variable), "International fee": str(-international),
                      "Gross transaction amount": str(-gross), "Reference ID": f"RF{n:06d}",
                      "Net amount": str(-gross - variable - international)}
            rows.append(refund)
    for k in range(4):
        fee = Decimal("-0.35")
        rows.append({"Type": "Other fee", "date": start + timedelta(days=7 + 14 * k), "Description": "Insertion fee",
                     "Item ID": f"39{k:010d}", "Reference ID": f"IF{k:06d}", "Gross transaction amount": str(fee),
                     "Net amount": str(fee)})
    for k in range(2):
        rows.append({"Type": "Other fee", "date": start + timedelta(days=2 + 30 * k),
                     "Description": "eBay Store subscription fee", "Reference ID": f"SUB{k:05d}",
                     "Gross transaction amount": "-21.95", "Net amount": "-21.95"})
    rows.append({"Type": "Adjustment", "date": start + timedelta(days=20), "Description": "Shipping label credit",
                 "Reference ID": "AD000001", "Gross transaction amount": "2.10", "Net amount": "2.10"})
    rows.sort(key=lambda r: r["date"])
    out = _with_payouts(rows, today, rng)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([["Transaction report"], ["Seller", "mugcorner"], ["Start date", _day(start)],
                      ["End date", _day(today - timedelta(days=1))], [], HEADER])
    for r in out:
        cells = {h: "--" for h in HEADER}
        cells.update({k: v for k, v in r.items() if k in cells})
        cells["Transaction creation date"] = _day(r["date"])
        cells["Payout currency"] = cells["Transaction currency"] = "USD"
        writer.writerow([cells[h] for h in HEADER])
    month = today - timedelta(days=1)
    return f"eBay_{STORE}_TransactionReport_{month:%Y-%m}.csv", buf.getvalue().encode("utf-8-sig")


def _with_payouts(rows: list[dict], today: date, rng: random.Random) -> list[dict]:
    """Weekly payouts (every Monday) of the week's rows; the last week's rows are not paid out yet."""
    out: list[dict] = []
    pending: list[dict] = []
    first = rows[0]["date"] if rows else today
    monday = first + timedelta(days=(7 - first.weekday()) % 7 or 7)
    i = 0
    while monday < today - timedelta(days=7):
        while i < len(rows) and rows[i]["date"] < monday:
            pending.append(rows[i])
            i += 1
        total = sum((Decimal(r["Net amount"]) for r in pending), Decimal("0"))
        if pending and total > 0:
            payout = f"7{rng.randint(100000000, 999999999)}"
            for r in pending:
                r.update({"Payout ID": payout, "Payout date": _day(monday), "Payout status": "Paid",
                          "Payout method": "Bank account"})
            out += pending
            out.append({"Type": "Payout", "date": monday, "Net amount": str(-total), "Payout ID": payout,
                        "Payout date": _day(monday), "Payout status": "Paid", "Payout method": "Bank account"})
            pending = []
        monday += timedelta(days=7)
    return out + pending + rows[i:]

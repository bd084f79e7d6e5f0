"""The demo's Shopify store: its orders export and the Shopify Payments transactions export of the same orders,
over the 60 days before `today`, written as Shopify writes them (the order's own columns on its first row only).

`demo_file` gives the orders export (the seed's base data: sales, shipping, tax, discounts, refunds per SKU);
`demo_files` gives both, whose lines together count each amount once (sources/shopify/payments.py).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

STORE = "Harbor Goods"
DAYS = 60
CENT = Decimal("0.01")
ZONE = timezone(timedelta(hours=-5))  # the store's offset, written into every time as Shopify does
TAX_RATE = Decimal("0.08")
FREE_SHIPPING_FROM = Decimal("50.00")
SHIPPING = Decimal("4.99")
PRODUCTS = (("Canvas Tote - Natural", "TOTE-NAT", Decimal("24.00")),
            ("Enamel Mug - Navy", "MUG-NAVY", Decimal("16.00")),
            ("Crew Tee - Black / M", "TEE-BLK-M", Decimal("22.00")),
            ("Wool Beanie - Grey", "BEANIE-GRY", Decimal("19.50")),
            ("Linen Apron", "APRON-LIN", Decimal("34.00")))

ORDER_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price", "Lineitem sku",
    "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip", "Billing Province",
    "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street", "Shipping Address1", "Shipping Address2",
    "Shipping Company", "Shipping City", "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone",
    "Notes", "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level", "Source",
    "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name", "Tax 3 Value",
    "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone", "Receipt Number", "Duties",
    "Billing Province Name", "Shipping Province Name", "Payment ID", "Payment Terms Name", "Next Payment Due At",
    "Payment References",
]
TXN_HEADER = [
    "Transaction Date", "Type", "Order", "Card Brand", "Card Source", "Payout Status", "Payout Date", "Payout ID",
    "Available On", "Amount", "Fee", "Net", "Checkout", "Payment Method Name", "Presentment Amount",
    "Presentment Currency", "Currency",
]


@dataclass
class DemoOrder:
    number: int
    placed: datetime
    items: list[tuple[int, str, str, Decimal]]  # quantity, name, sku, price
    discount: Decimal
    shipping: Decimal
    taxes: Decimal
    tip: Decimal
    refunded: Decimal
    fulfilled: datetime | None

    @property
    def subtotal(self) -> Decimal:
        return sum((q * p for q, _, _, p in self.items), Decimal(0)) - self.discount

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping + self.taxes + self.tip


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP):.2f}"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def orders(today: date, rng: random.Random) -> list[DemoOrder]:
    """20 to 28 orders of one or two line items over the 60 days before `today`."""
    out = []
    count = rng.randint(20, 28)
    days = sorted(rng.randint(1, DAYS) for _ in range(count))
    for n, back in enumerate(reversed(days), 1):
        placed = datetime.combine(today - timedelta(days=back), time(rng.randint(8, 21), rng.randint(0, 59)), ZONE)
        items = []
        for name, sku, price in rng.sample(PRODUCTS, rng.choice((1, 1, 2))):
            items.append((rng.choice((1, 1, 1, 2)), name, sku, price))
        gross = sum((q * p for q, _, _, p in items), Decimal(0))
        discount = (gross * Decimal("0.10")).quantize(CENT, ROUND_HALF_UP) if rng.random() < 0.2 else Decimal(0)
        shipping = Decimal(0) if gross - discount >= FREE_SHIPPING_FROM else SHIPPING
        taxes = ((gross - discount) * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
        tip = Decimal(rng.choice((2, 3, 5))) if rng.random() < 0.1 else Decimal(0)
        fulfilled = placed + timedelta(days=rng.randint(1, 3), hours=2) if back > 3 else None
        order = DemoOrder(1000 + n, placed, items, discount, shipping, taxes, tip, Decimal(0), fulfilled)
        if fulfilled is not None and rng.random() < 0.06:
            order.refunded = order.total
        out.append(order)
    return out


def _order_rows(o: DemoOrder) -> list[list[str]]:
    status = "refunded" if o.refunded else "paid"
    first = {
        "Email": f"customer{o.number}@example.com", "Financial Status": status, "Paid at": _when(o.placed),
        "Fulfillment Status": "fulfilled" if o.fulfilled else "unfulfilled",
        "Fulfilled at": _when(o.fulfilled) if o.fulfilled else "", "Accepts Marketing": "no", "Currency": "USD",
        "Subtotal": _money(o.subtotal), "Shipping": _money(o.shipping), "Taxes": _money(o.taxes),
        "Total": _money(o.total), "Discount Code": "WELCOME10" if o.discount else "",
        "Discount Amount": _money(o.discount), "Shipping Method": "Standard" if o.shipping else "Free Shipping",
        "Created at": _when(o.placed), "Billing Country": "US", "Shipping Country": "US",
        "Payment Method": "Shopify Payments", "Refunded Amount": _money(o.refunded), "Vendor": STORE,
        "Outstanding Balance": "0.00", "Id": str(5_900_000_000 + o.number), "Risk Level": "Low", "Source": "web",
        "Tax 1 Name": "State Tax 8%", "Tax 1 Value": _money(o.taxes),
    }
    lines = [(q, name, sku, price) for q, name, sku, price in o.items]
    if o.tip:
        lines.append((1, "Tip", "", o.tip))
    rows = []
    for i, (q, name, sku, price) in enumerate(lines):
        values = dict(first) if i == 0 else {}
        values.update({"Name": f"#{o.number}", "Lineitem quantity": str(q), "Lineitem name": name,
                       "Lineitem price": _money(price), "Lineitem sku": sku, "Lineitem discount": "0.00",
                       "Lineitem requires shipping": "true" if sku else "false", "Lineitem taxable": "true",
                       "Lineitem fulfillment status": "fulfilled" if o.fulfilled else "pending"})
        rows.append([values.get(h, "") for h in ORDER_HEADER])
    return rows


def _fee(amount: Decimal) -> Decimal:
    return (amount * Decimal("0.029") + Decimal("0.30")).quantize(CENT, ROUND_HALF_UP)


def _txn_rows(o: DemoOrder, today: date, rng: random.Random) -> list[list[str]]:
    rows = []
    events = [(o.placed + timedelta(seconds=5), "charge", o.total, _fee(o.total))]
    if o.refunded and o.fulfilled is not None:
        events.append((o.fulfilled + timedelta(days=2), "refund", -o.refunded, Decimal(0)))
    brand = rng.choice(("visa", "master", "american_express"))
    for at, kind, amount, fee in events:
        available = at.date() + timedelta(days=2)
        if available >= today:
            status, payout_id = "pending", ""
        else:
            status, payout_id = ("paid" if available < today - timedelta(days=2) else "in_transit",
                                 f"{84_000_000_000 + available.toordinal()}")
        values = {"Transaction Date": _when(at), "Type": kind, "Order": f"#{o.number}", "Card Brand": brand,
                  "Card Source": "online", "Payout Status": status, "Payout Date": available.isoformat(),
                  "Payout ID": payout_id, "Available On": available.isoformat(), "Amount": _money(amount),
                  "Fee": _money(fee), "Net": _money(amount - fee), "Checkout": f"#{36_000_000 + o.number}",
                  "Payment Method Name": "card", "Presentment Amount": _money(abs(amount)),
                  "Presentment Currency": "USD", "Currency": "USD"}
        rows.append([values.get(h, "") for h in TXN_HEADER])
    return rows


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def demo_files(today: date, rng: random.Random) -> list[tuple[str, bytes]]:
    """The orders export and the payout transactions export of the same orders."""
    made = orders(today, rng)
    order_rows = [row for o in made for row in _order_rows(o)]
    txn_rows = [row for o in made for row in _txn_rows(o, today, rng)]
    return [(f"Shopify_{STORE}_Orders_{today:%Y-%m}.csv", _csv(ORDER_HEADER, order_rows)),
            (f"Shopify_{STORE}_Payouts_{today:%Y-%m}.csv", _csv(TXN_HEADER, txn_rows))]


def demo_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """The orders export of the demo store (20 to 60 rows)."""
    return demo_files(today, rng)[0]

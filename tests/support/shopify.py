"""Shopify export files for tests, written from the documented columns (docs/sources.md (shopify) names where each
column list comes from): the orders export (one row per line item, the order's own columns on its first row
only) and the Shopify Payments payout transactions export."""

from __future__ import annotations

from collections.abc import Sequence

from companion.pipeline.demo_shopify import ORDER_HEADER, TXN_HEADER  # the export's header, written once


def order_rows(header: Sequence[str], name: str, order: dict, items: Sequence[tuple]) -> list[list[str]]:
    """An order's rows: `order` (header → value) on the first row only, as Shopify writes it; every row repeats
    the Name and carries one line item (quantity, name, price, sku)."""
    rows = []
    for i, (qty, title, price, sku) in enumerate(items):
        values = dict(order) if i == 0 else {}
        values.update({"Name": name, "Lineitem quantity": qty, "Lineitem name": title, "Lineitem price": price,
                       "Lineitem sku": sku, "Lineitem requires shipping": "true", "Lineitem discount": "0.00",
                       "Lineitem fulfillment status": values.get("Fulfillment Status", "fulfilled")})
        rows.append([str(values.get(h, "")) for h in header])
    return rows


def order(financial: str, fulfilled: str, created: str, subtotal: str, shipping: str, taxes: str, total: str,
          discount: str = "0.00", code: str = "", refunded: str = "0.00", currency: str = "USD", order_id: str = "",
          cancelled: str = "") -> dict:
    return {
        "Email": "buyer@example.com", "Financial Status": financial, "Paid at": created,
        "Fulfillment Status": "fulfilled" if fulfilled else "unfulfilled", "Fulfilled at": fulfilled,
        "Accepts Marketing": "no", "Currency": currency, "Subtotal": subtotal, "Shipping": shipping, "Taxes": taxes,
        "Total": total, "Discount Code": code, "Discount Amount": discount, "Shipping Method": "Standard",
        "Created at": created, "Billing Country": "US", "Cancelled at": cancelled, "Payment Method": "Shopify Payments",
        "Refunded Amount": refunded, "Outstanding Balance": "0.00", "Id": order_id, "Risk Level": "Low",
        "Source": "web",
    }


# Five orders of 2026-10 (US Eastern offset), hand-computed in tests/test_sources_shopify.py.
ORDERS = [
    # #1001: two line items (20.00 and 15.00 of goods), code SAVE10 takes 3.50: Subtotal 31.50 after it
    ("#1001", order("paid", "2026-10-03 10:00:00 -0400", "2026-10-01 09:00:00 -0400", "31.50", "4.99", "2.52",
                    "39.01", discount="3.50", code="SAVE10", order_id="5001"),
     [(2, "Crew Tee - Black / M", "10.00", "TEE-BLK-M"), (1, "Enamel Mug", "15.00", "MUG-1")]),
    # #1002: free shipping (the 6.00 of shipping is the discount) and a 5.00 tip
    ("#1002", order("paid", "2026-10-05 12:30:00 -0400", "2026-10-02 14:10:00 -0400", "45.00", "6.00", "3.60",
                    "53.60", discount="6.00", code="FREESHIP", order_id="5002"),
     [(1, "Hoodie - Grey / L", "45.00", "HOOD-GRY-L"), (1, "Tip", "5.00", "")]),
    # #1003: three caps, 8.64 refunded
    ("#1003", order("partially_refunded", "2026-10-06 08:00:00 -0400", "2026-10-03 11:00:00 -0400", "24.00", "0.00",
                    "1.92", "25.92", refunded="8.64", order_id="5003"),
     [(3, "Cap", "8.00", "CAP-1")]),
    # #1004: paid, not fulfilled yet: in transit
    ("#1004", order("paid", "", "2026-10-04 16:45:00 -0400", "30.00", "5.00", "0.00", "35.00", order_id="5004"),
     [(1, "Scarf", "30.00", "SCARF-1")]),
    # #1005: payment voided: no money moved
    ("#1005", order("voided", "", "2026-10-04 17:00:00 -0400", "50.00", "0.00", "0.00", "50.00", order_id="5005",
                    cancelled="2026-10-04 18:00:00 -0400"),
     [(1, "Tote Bag", "50.00", "BAG-1")]),
]


def orders_table(header: Sequence[str] = ORDER_HEADER, orders: Sequence = ORDERS) -> list[list[str]]:
    rows: list[list[str]] = [list(header)]
    for name, values, items in orders:
        rows += order_rows(header, name, values, items)
    return rows


# Finance → Payouts → Export transactions: the header Shopify writes, in its order.


def txn(at: str, kind: str, order_name: str, status: str, payout_date: str, payout_id: str, amount: str, fee: str,
        net: str, brand: str = "visa", currency: str = "USD") -> dict:
    return {"Transaction Date": at, "Type": kind, "Order": order_name, "Card Brand": brand,
            "Card Source": "online" if order_name else "", "Payout Status": status, "Payout Date": payout_date,
            "Payout ID": payout_id, "Available On": payout_date, "Amount": amount, "Fee": fee, "Net": net,
            "Checkout": f"#3{order_name.lstrip('#')}" if order_name else "",
            "Payment Method Name": "card" if order_name else "", "Presentment Amount": amount.lstrip("-"),
            "Presentment Currency": currency, "Currency": currency}


# The same orders as Shopify Payments saw them (hand-computed in the tests).
TXNS = [
    txn("2026-10-01 09:00:05 -0400", "charge", "#1001", "paid", "2026-10-05", "90001", "39.01", "1.43", "37.58"),
    txn("2026-10-02 14:10:04 -0400", "charge", "#1002", "paid", "2026-10-05", "90001", "53.60", "1.85", "51.75",
        brand="master"),
    txn("2026-10-03 11:00:03 -0400", "charge", "#1003", "paid", "2026-10-05", "90001", "25.92", "1.05", "24.87"),
    txn("2026-10-04 16:45:02 -0400", "charge", "#1004", "scheduled", "2026-10-12", "90002", "35.00", "1.32", "33.68",
        brand="american_express"),
    txn("2026-10-07 10:20:00 -0400", "refund", "#1003", "scheduled", "2026-10-12", "90002", "-8.64", "0.00", "-8.64"),
    txn("2026-10-08 13:00:00 -0400", "dispute", "#1002", "scheduled", "2026-10-12", "90002", "-53.60", "15.00",
        "-68.60", brand="master"),
    txn("2026-10-09 00:00:00 -0400", "adjustment", "", "pending", "2026-10-14", "", "2.50", "0.00", "2.50"),
]


def txn_table(header: Sequence[str] = TXN_HEADER, rows: Sequence[dict] = TXNS) -> list[list[str]]:
    return [list(header), *([str(r.get(h, "")) for h in header] for r in rows)]

"""What the profit report takes from purchase records: the paid purchases as costing reads them (for stores
whose costing is moving_average) and, with self-delivery payment `auto`, the shipping of self-delivered
purchases as their sold orders' last-leg cost."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from companion.ledger import allocation
from companion.ledger.costing import Bought
from companion.ledger.engine import Fee
from companion.store import purchases
from companion.store.models import Order
from companion.store.purchases import Stored


def _day(p: Stored):
    when = p.paid_at or p.placed_at
    return None if when is None else when.astimezone(UTC).date()


def bought() -> list[Bought]:
    """Every paid purchase with a date (paid, else placed; its UTC day), as costing reads it. A purchase with
    neither date cannot be placed in time and is left out (docs/profit.md)."""
    out = []
    for p in purchases.counted():
        day = _day(p)
        if day is None:
            continue
        out.append(Bought(day, p.currency, tuple(p.items), p.shipping, p.adjustment, p.order_no,
                          p.self_delivery and bool(p.sold_orders)))
    return out


def last_leg_fees(months: dict[int, tuple[str | None, str]], zones: dict[int, str]) -> list[Fee]:
    """Self-delivery payment `auto`: each self-delivered paid purchase's shipping, split evenly over the sold
    orders it is linked to, as each order's last-leg cost (negative), dated by the order's month in its store's
    zone. Only orders stored in the report's stores and months; a linked order not stored yet gets its share
    when it is."""
    out: list[Fee] = []
    for p in purchases.self_delivered():
        shares = allocation.split_units(p.shipping, [1] * len(p.sold_orders))
        share_of = dict(zip(p.sold_orders, shares, strict=True))
        query = Order.select().where(Order.order_id.in_(p.sold_orders) & Order.store.in_(list(months)))
        for order in query.order_by(Order.store, Order.order_id):
            when = order.placed_at or p.paid_at or p.placed_at
            if when is None:
                continue
            month = when.astimezone(ZoneInfo(zones.get(order.store_id, "UTC"))).strftime("%Y-%m")
            first, last = months[order.store_id]
            if month > last or (first is not None and month < first):
                continue
            out.append(Fee(order.store_id, "order", order.order_id, month, -share_of[order.order_id], p.currency,
                           f"purchase {p.order_no} shipping", category="last_leg_cost"))
    return out

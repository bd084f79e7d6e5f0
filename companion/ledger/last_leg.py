"""Which self-delivered purchase pays which sold order's last-leg shipping (self-delivery payment `auto`):
a purchase the seller had delivered straight to the buyer, paid for and linked to sold orders, spreads its
shipping evenly over them, and each linked order stored in the report's stores and months takes its share as
its last-leg cost (negative), dated by the order's month in its store's zone. Pure: store/purchase_costs.py
fetches the purchases and the orders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from companion.ledger import allocation
from companion.ledger.engine import Fee


@dataclass(frozen=True)
class SelfDelivered:
    """A paid self-delivered purchase with shipping, as the rule reads it (shipping in storage units)."""

    order_no: str
    currency: str
    shipping: int
    placed_at: datetime | None
    paid_at: datetime | None
    sold_orders: tuple[str, ...]


@dataclass(frozen=True)
class SoldOrder:
    """A stored platform order a purchase may be linked to."""

    store_id: int
    order_id: str
    placed_at: datetime | None


def last_leg_fees(bought: Iterable[SelfDelivered], orders: Iterable[SoldOrder],
                  months: dict[int, tuple[str | None, str]], zones: dict[int, str]) -> list[Fee]:
    """Each purchase's shipping split evenly over its sold orders; a share goes to each stored order of the
    report's stores (`months`: store → first and last month, first None for all before) whose month, in its
    store's zone, falls in them; dated by the order's time, else the purchase's payment, else its placing. A
    linked order not stored yet gets its share when it is. In purchase order, then by store and order id."""
    by_id: dict[str, list[SoldOrder]] = {}
    for order in orders:
        if order.store_id in months:
            by_id.setdefault(order.order_id, []).append(order)
    out: list[Fee] = []
    for p in bought:
        if not p.sold_orders:
            continue
        shares = allocation.split_units(p.shipping, [1] * len(p.sold_orders))
        share_of = dict(zip(p.sold_orders, shares, strict=True))
        linked = sorted((o for order_id in set(p.sold_orders) for o in by_id.get(order_id, ())),
                        key=lambda o: (o.store_id, o.order_id))
        for order in linked:
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

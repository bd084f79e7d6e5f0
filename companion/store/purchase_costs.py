"""What the profit report takes from purchase records: the paid purchases as costing reads them (for stores
whose costing is moving_average) and, with self-delivery payment `auto`, the shipping of self-delivered
purchases as their sold orders' last-leg cost (the rule of which purchase pays which order is ledger/last_leg.py;
this module only fetches the rows)."""

from __future__ import annotations

from datetime import UTC

from peewee import chunked

from companion.ledger import last_leg
from companion.ledger.costing import Bought
from companion.ledger.engine import Fee
from companion.ledger.last_leg import SelfDelivered, SoldOrder
from companion.store import bulk, purchases
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
    """Self-delivery payment `auto`: the self-delivered paid purchases and the stored orders they are linked
    to, in the report's stores, handed to ledger.last_leg (which purchase pays which order's last leg)."""
    bought = [SelfDelivered(p.order_no, p.currency, p.shipping, p.placed_at, p.paid_at, tuple(p.sold_orders))
              for p in purchases.self_delivered()]
    wanted = sorted({o for p in bought for o in p.sold_orders})
    orders: list[SoldOrder] = []
    for chunk in chunked(wanted, bulk.SELECT_CHUNK):
        query = Order.select(Order.store, Order.order_id, Order.placed_at).where(
            Order.order_id.in_(chunk) & Order.store.in_(list(months)))
        orders += [SoldOrder(o.store_id, o.order_id, o.placed_at) for o in query]
    return last_leg.last_leg_fees(bought, orders, months, zones)

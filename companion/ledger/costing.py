"""Moving weighted average unit cost per shop SKU, from purchase records. Pure.

Each purchase that was paid for adds its units at their landed cost: the item's goods amount plus its share of
the purchase's shipping and adjustment (discount or price rise), spread over the purchase's items by their
goods amounts (evenly when every amount is 0). The average of a SKU after a day's purchases is every unit
bought so far at its landed cost, divided by those units, rounded half to even to 1/10000; it is in force from
the purchase's day until the next purchase of the SKU. shoptally knows no stock on hand, so a sale does not
lower the weight of the units bought before it (docs/profit.md, Costing). Amounts of two currencies are never
added: a SKU bought in two currencies keeps an average per currency, and the latest purchase's says the cost.

The result is the engine's `CostVersion`s (one per SKU and purchase day), so the report finds the average in
force on a sale's day as it finds a fixed cost's version, and falls back to the fixed cost before any purchase.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from companion.ledger import allocation
from companion.ledger.engine import CostVersion


@dataclass(frozen=True)
class Bought:
    """One paid purchase as costing reads it; amounts in storage units (1/10000), positive."""

    day: date  # the day its cost counts from (paid, else placed)
    currency: str
    items: tuple[tuple[str, int, int], ...]  # (SKU as the purchase names it, quantity, goods amount)
    shipping: int = 0
    adjustment: int = 0
    order_no: str = ""
    self_delivered: bool = False  # marked self-delivered and linked to sold orders: its shipping is a last leg


def landed(p: Bought, with_shipping: bool = True) -> list[int]:
    """Each item's goods amount plus its share of shipping (unless taken elsewhere) and adjustment."""
    extra = p.adjustment + (p.shipping if with_shipping else 0)
    amounts = [amount for _, _, amount in p.items]
    if not extra or not amounts:
        return amounts
    shares = allocation.split_units(extra, amounts)
    return [a + s for a, s in zip(amounts, shares, strict=True)]


def _round(units: int, quantity: int) -> int:
    q, r = divmod(units, quantity)
    if 2 * r > quantity or (2 * r == quantity and q % 2):
        q += 1
    return q


def moving_average(purchases: Iterable[Bought], shop_sku: Callable[[str], str],
                   without_shipping: Callable[[Bought], bool] = lambda p: False) -> list[CostVersion]:
    """The dated average unit cost of every shop SKU the purchases bought. `shop_sku`: a purchase's SKU → the
    shop SKU (the SKU map); `without_shipping(p)`: the purchase's shipping is counted elsewhere (a
    self-delivered order's last-leg cost), not in its goods' cost."""
    totals: dict[tuple[str, str], list[int]] = {}  # (shop SKU, currency) → [cost units, quantity]
    versions: dict[tuple[str, str, date], CostVersion] = {}
    for p in sorted(purchases, key=lambda p: (p.day, p.order_no)):
        costs = landed(p, with_shipping=not without_shipping(p))
        touched = []
        for (sku, quantity, _), cost in zip(p.items, costs, strict=True):
            if quantity <= 0:
                continue
            key = (shop_sku(sku), p.currency)
            acc = totals.setdefault(key, [0, 0])
            acc[0] += cost
            acc[1] += quantity
            touched.append(key)
        for key in touched:
            cost, quantity = totals[key]
            versions.pop((key[0], key[1], p.day), None)  # a later purchase of the day: the average after it
            versions[(key[0], key[1], p.day)] = CostVersion(key[0], p.day, _round(cost, quantity), key[1])
    return list(versions.values())

"""Gross profit from category totals: the seed's formula, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from companion.ledger.categories import ALL, GROUPS
from companion.ledger.money import ZERO, fmt


def figures(categories: Mapping[str, Decimal], settlement_amount: Decimal) -> dict[str, Decimal]:
    """Group sums and gross profit = platform income + platform expense + tax + custom fees + cost."""
    full = {key: categories.get(key, ZERO) for key in ALL}
    out: dict[str, Decimal] = {"settlement_amount": settlement_amount}
    for group, keys in GROUPS.items():
        out[group] = sum((full[k] for k in keys), ZERO)
    out["gross_profit"] = sum((out[g] for g in GROUPS), ZERO)
    return out


def row_json(categories: Mapping[str, Decimal], settlement_amount: Decimal, quantity: int) -> dict:
    """The contract's report row body (without `key` and `currency`)."""
    nums = figures(categories, settlement_amount)
    body: dict = {"quantity": quantity, "categories": {k: fmt(categories.get(k, ZERO)) for k in ALL}}
    body.update({name: fmt(value) for name, value in nums.items()})
    return body


def units_sold(quantity: int, sales, promo_discount, income_refund) -> int:
    """Units a line sold, the ones its purchase cost is for: none when a refund wiped out its sale (the goods
    came back or never left). Amounts in any one unit (Decimal or storage integers). The store's report query
    says the same in SQL (store/reports.py)."""
    if income_refund < 0 and sales + promo_discount + income_refund <= 0:
        return 0
    return quantity


def row_profit(settlement_price: Decimal, purchase_price: Decimal | None, other_fees: Decimal) -> Decimal:
    """The expense tab's row profit: what the platform pays for the line, less what its goods cost and its
    other fees (both entered as positive amounts)."""
    return settlement_price - (purchase_price or ZERO) - other_fees

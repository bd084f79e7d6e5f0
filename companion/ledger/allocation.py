"""Spreading an amount over shares exactly: the parts add up to the whole, to the last 1/10000.

Used for fees that belong to no order or SKU (spread over the store's products of the month by share of
sales) and for custom fees. Largest remainder: each part gets the floor of its exact share, and the
units left over go one by one to the parts with the largest remainders (ties: the earlier part).
"""

from __future__ import annotations

from collections.abc import Sequence


def split_units(total: int, weights: Sequence[int]) -> list[int]:
    """`total` storage units over `weights` (any integers; negative weights count by their size). With no
    positive weight at all the total is spread evenly."""
    n = len(weights)
    if n == 0:
        raise ValueError("nothing to spread over")
    sizes = [abs(w) for w in weights]
    whole = sum(sizes)
    if whole == 0:
        sizes, whole = [1] * n, n
    sign = -1 if total < 0 else 1
    amount = abs(total)
    parts = [amount * s // whole for s in sizes]
    left = amount - sum(parts)
    order = sorted(range(n), key=lambda i: (-(amount * sizes[i] % whole), i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]

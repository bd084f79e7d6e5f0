"""Parts of natural keys every file adapter builds the same way: amounts as key text, and occurrence numbers
for rows that look alike (two identical rows of an export are two charges, and the same file read again
numbers them the same way, so importing it again adds nothing)."""

from __future__ import annotations

from decimal import Decimal


def amount_key(amount: Decimal) -> str:
    """An amount as key text: 7.50 and 7.5 are the same key."""
    return format(amount.normalize(), "f") if amount else "0"


class Occurrences:
    """The n-th row (in file order) with a given key base gets n as the key's last part."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, ...], int] = {}

    def key(self, base: tuple[str, ...]) -> tuple[str, ...]:
        n = self._seen[base] = self._seen.get(base, 0) + 1
        return (*base, str(n))

"""The contract's report JSON from grouped category sums."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from companion.ledger.categories import ALL
from companion.ledger.money import ZERO
from companion.ledger.profit import row_json

BASES = ("settlement", "order")
DIMENSIONS = ("store", "sku", "msku", "order")


@dataclass
class GroupSums:
    key: dict[str, str]
    currency: str
    quantity: int = 0
    settlement_amount: Decimal = ZERO
    categories: dict[str, Decimal] = field(default_factory=dict)

    def add(self, other: GroupSums) -> None:
        self.quantity += other.quantity
        self.settlement_amount += other.settlement_amount
        for k, v in other.categories.items():
            self.categories[k] = self.categories.get(k, ZERO) + v


def build(basis: str, period: dict, by: str, groups: Iterable[GroupSums]) -> dict:
    rows, per_currency = [], {}
    for g in sorted(groups, key=lambda g: (sorted(g.key.items()), g.currency)):
        rows.append({"key": g.key, "currency": g.currency, **row_json(g.categories, g.settlement_amount, g.quantity)})
        total = per_currency.setdefault(g.currency, GroupSums({}, g.currency))
        total.add(g)
    totals_by_currency = {
        cur: row_json(t.categories, t.settlement_amount, t.quantity) for cur, t in sorted(per_currency.items())
    }
    report = {"basis": basis, "period": period, "by": by, "rows": rows, "totals_by_currency": totals_by_currency}
    if len(totals_by_currency) == 1:
        report["totals"] = next(iter(totals_by_currency.values()))
    elif not totals_by_currency:
        report["totals"] = row_json({k: ZERO for k in ALL}, ZERO, 0)
    return report

"""Dated exchange rates: which rate converts an amount of one day, and the converted amount, exactly.

A rate `date,from,to,rate` means 1 `from` = `rate` `to` from that date until the next rate of the pair.
The inverse pair is used when only it is known (1 / rate, computed to 28 significant digits). Every
conversion names the rate it used, so a report can say which rates stand behind its figures.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal

from companion.errors import BadInput

_DIVISION = Context(prec=28)


class RateMissing(BadInput, LookupError):
    """No rate converts this pair on or before this day."""


@dataclass(frozen=True)
class Rate:
    day: date
    base: str
    quote: str
    rate: Decimal  # 1 base = rate quote

    def json(self) -> dict:
        return {"date": self.day.isoformat(), "from": self.base, "to": self.quote, "rate": str(self.rate)}


@dataclass(frozen=True)
class Used:
    """How one amount was converted: the rate as stored, and whether it was applied inverted."""

    rate: Rate
    inverted: bool

    def factor(self) -> Decimal:
        return _DIVISION.divide(Decimal(1), self.rate.rate) if self.inverted else self.rate.rate


class RateBook:
    def __init__(self, rates: list[Rate]) -> None:
        self._by_pair: dict[tuple[str, str], tuple[list[date], list[Rate]]] = {}
        for rate in sorted(rates, key=lambda r: (r.base, r.quote, r.day)):
            days, items = self._by_pair.setdefault((rate.base, rate.quote), ([], []))
            days.append(rate.day)
            items.append(rate)

    def _latest(self, base: str, quote: str, day: date) -> Rate | None:
        found = self._by_pair.get((base, quote))
        if not found:
            return None
        days, items = found
        i = bisect.bisect_right(days, day)
        return items[i - 1] if i else None

    def find(self, base: str, quote: str, day: date) -> Used:
        direct = self._latest(base, quote, day)
        if direct is not None:
            return Used(direct, False)
        inverse = self._latest(quote, base, day)
        if inverse is not None:
            return Used(inverse, True)
        raise RateMissing.of("ledger_rate_missing", base=base, quote=quote, day=day.isoformat())

    def convert_units(self, units: int, base: str, quote: str, day: date) -> tuple[int, Used | None]:
        """Storage units (1/10000) of `base` → storage units of `quote`, rounded half-even to 1/10000."""
        if base == quote or units == 0:
            return units, None
        used = self.find(base, quote, day)
        converted = (Decimal(units) * used.factor()).to_integral_value()
        return int(converted), used


def units_to_decimal(units: int) -> Decimal:
    return Decimal(units).scaleb(-4) if units else Decimal(0)


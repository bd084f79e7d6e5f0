"""What both Shopify exports share: the platform's name, how a row's cells are read, times with their offset,
occurrence numbers for rows that look alike, and the split of an amount over weights to the cent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_DOWN, Decimal

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.headers import Located
from companion.sources.model import SourceError

PLATFORM = "shopify"
LABEL = "Shopify"
CENT = Decimal("0.01")


class Row:
    """One data row by canonical column name, with the header each column had in this file."""

    def __init__(self, raw: Sequence[object], located: Located) -> None:
        self.raw = raw
        self.located = located

    def get(self, name: str) -> object:
        i = self.located.index.get(name)
        return self.raw[i] if i is not None and i < len(self.raw) else ""

    def header(self, name: str) -> str:
        i = self.located.index.get(name)
        return self.located.headers[i].strip() if i is not None else name

    def text(self, name: str) -> str:
        value = self.get(name)
        return "" if cells.blank(value) else str(value).strip()

    def money(self, name: str) -> Decimal:
        """An amount of the column, exactly; a bad one is refused naming its column."""
        try:
            return cells.money(self.get(name))
        except SourceError as exc:
            raise type(exc).of("shopify_at_column", header=self.header(name), problem=exc.said()) from exc

    def id(self, name: str) -> str:
        return cells.text_id(self.get(name), self.header(name))  # its refusal names the column itself

    def when(self, name: str, day_zone: timezone | None = None) -> datetime | None:
        """A time as Shopify writes it ("2026-10-03 10:12:31 +0200": the store's offset); a date alone is a
        calendar day in `day_zone` (the offset of the row's own timestamp), else UTC."""
        value = self.get(name)
        try:
            if isinstance(value, str) and len(value.strip()) == 10 and day_zone is not None:
                return datetime.combine(date.fromisoformat(value.strip().replace("/", "-")), time.min, day_zone)
            return cells.when(value, "UTC")
        except (SourceError, ValueError) as exc:
            problem = exc.said() if isinstance(exc, SourceError) else SourceError.of(
                "src_time_unreadable", value=str(value)).said()
            raise SourceError.of("shopify_at_column", header=self.header(name), problem=problem) from exc

    def signature(self) -> str:
        return "\x1f".join("" if c is None else str(c) for c in self.raw).rstrip("\x1f")


def zone_of(moment: datetime | None) -> timezone | None:
    """The fixed offset a timestamp was written in (Shopify writes the store's offset into each time)."""
    if moment is None or moment.utcoffset() is None:
        return None
    return timezone(moment.utcoffset() or timedelta(0))


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split over `weights` to the cent, the shares adding up to it exactly: each share rounded towards
    zero, the cents left over going to the largest weights first (equal shares when no weight is positive)."""
    if not weights:
        return []
    positive = [w if w > 0 else ZERO for w in weights]
    total = sum(positive, ZERO)
    if total == 0:
        positive, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    sign = -1 if amount < 0 else 1
    whole = abs(amount)
    shares = [(whole * w / total).quantize(CENT, rounding=ROUND_DOWN) for w in positive]
    left = int((whole - sum(shares, ZERO)) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-positive[i], i))
    for i in order[:left]:
        shares[i] += CENT
    return [share * sign for share in shares]

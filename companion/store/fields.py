"""Column types that keep money exact and times timezone-aware on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from peewee import BigIntegerField

from companion.ledger.money import from_storage, to_storage

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MILLISECOND = timedelta(milliseconds=1)


class MoneyField(BigIntegerField):
    """Decimal stored as integer 1/10000 units: exact, summable in SQL on both databases."""

    def db_value(self, value):
        if value is None:
            return None
        return to_storage(value if isinstance(value, Decimal) else Decimal(str(value)))

    def python_value(self, value):
        return None if value is None else from_storage(value)


class UTCTimeField(BigIntegerField):
    """Aware datetime stored as epoch milliseconds: comparable, zone-free, the same on both databases."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, int):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime: every stored time must carry its zone")
        return (value - EPOCH) // MILLISECOND

    def python_value(self, value):
        return None if value is None else EPOCH + int(value) * MILLISECOND


def now_utc() -> datetime:
    return datetime.now(UTC)

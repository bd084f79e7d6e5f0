"""What adapters read (SourceInput) and what they produce (normalized lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

SETTLED, IN_TRANSIT, ESTIMATED = "settled", "in_transit", "estimated"
STATUSES = (SETTLED, IN_TRANSIT, ESTIMATED)


class SourceError(ValueError):
    """Input an adapter recognised but cannot read; the message names what is wrong."""


@dataclass(frozen=True)
class SourceInput:
    """One capture or file, as raw as it arrived."""

    kind: str  # json | table | file
    site: str
    url: str
    captured_at: datetime
    payload: Any  # json: {"request", "status", "body"}; table: {"headers", "rows"}; file: {"name", "content"}


@dataclass(frozen=True)
class StoreRef:
    """Identifies a store by what the platform calls it; the store layer maps it to a row."""

    platform: str
    external_id: str
    region: str = ""
    name: str = ""
    currency: str = ""
    timezone: str = "UTC"


class SourceField(NamedTuple):
    """One original field behind a line, for drill-down. `category` None: kept, not counted.

    A tuple, not a frozen dataclass: a sync builds hundreds of thousands of them."""

    name: str
    amount: Decimal
    category: str | None
    unmapped: bool = False


@dataclass
class Line:
    store: StoreRef
    key: tuple[str, ...]  # natural key within (platform, store)
    status: str
    txn_type: str
    currency: str
    settlement_amount: Decimal
    amounts: dict[str, Decimal]
    fields: list[SourceField] = field(default_factory=list)
    order_id: str | None = None
    sku_id: str | None = None
    sku_name: str | None = None
    quantity: int = 0
    order_time: datetime | None = None
    settled_time: datetime | None = None
    settled_time_approx: bool = False
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class ParseResult:
    adapter: str
    version: int
    lines: list[Line]
    # What the source states about itself, for completeness checks (e.g. total_record, has_more).
    stated: dict[str, Any] = field(default_factory=dict)

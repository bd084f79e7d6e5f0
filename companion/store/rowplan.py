"""Normalized lines → the exact rows the store will write.

Pure CPU work with no database access, so it runs before the writer's transaction (in a worker process
in the daemon) and the one writer only compares digests and sends rows. The row layout here is the
`settlement_line` table's; `tests/test_store_rows.py` checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.errors import BadInput, ShoptallyError, coded
from companion.ledger.categories import PLATFORM
from companion.ledger.money import MoneyError, to_storage
from companion.sources.model import Line, Stated, StoreRef

# settlement_line columns a row carries, in this order; the writer adds store_id, created_at, updated_at.
ROW_COLUMNS: tuple[str, ...] = (
    "natural_key", "digest", "status", "txn_type", "order_id", "sku_id", "sku_name", "quantity", "currency",
    "order_time", "settled_time", "settled_time_approx", "settlement_amount", "source_fields", "extra",
    "msku", "reference", "detail", "statement_id", "capture", *PLATFORM,
)
KEY, DIGEST, STATUS = 0, 1, 2
SETTLED_TIME = ROW_COLUMNS.index("settled_time")
SETTLED_APPROX = ROW_COLUMNS.index("settled_time_approx")
ORDER_TIME = ROW_COLUMNS.index("order_time")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_QUARTER_HOUR = timedelta(minutes=15)
_AMOUNT_AT = {key: i for i, key in enumerate(PLATFORM)}
_NO_AMOUNTS = (0,) * len(PLATFORM)


class PlanError(BadInput):
    """A line the store cannot keep exactly (an amount finer than 1/10000, an unknown category)."""


def _encoder(sort_keys: bool = False):
    """A JSON encoder built once and called directly: `json.dumps` rebuilds one per call, which costs
    more than encoding these small documents. Falls back to the pure encoder off CPython."""
    try:
        from json.encoder import c_make_encoder, encode_basestring
    except ImportError:  # pragma: no cover - other Python implementations
        c_make_encoder = None
    if c_make_encoder is None:  # pragma: no cover
        pure = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))
        return pure.encode
    make = c_make_encoder(None, None, encode_basestring, None, ":", ",", sort_keys, False, True)
    return lambda obj: "".join(make(obj, 0))


_json = _encoder()
_json_sorted = _encoder(sort_keys=True)


def natural_key(line: Line) -> str:
    return _json(list(line.key))


def epoch_ms(when: datetime | None) -> int | None:
    """Exact integer milliseconds (no float on the way), as `UTCTimeField` stores them."""
    return None if when is None else (when - _EPOCH) // _MS


@dataclass
class StorePlan:
    store: StoreRef
    rows: dict[str, tuple] = field(default_factory=dict)  # natural key → row in ROW_COLUMNS order
    orders: dict[str, tuple[int | None, str]] = field(default_factory=dict)  # order id → (placed ms, currency)
    families: set[str] = field(default_factory=set)  # the first part of each natural key: the source family
    references: set[str] = field(default_factory=set)
    months: dict[str, int] = field(default_factory=dict)  # YYYY-MM (store time) → lines, for coverage
    totals: list[tuple] = field(default_factory=list)  # (kind, ref, scope JSON, amount units, cur, count, at ms)
    statements: set[str] = field(default_factory=set)  # of approximately dated lines, and dated statements


@dataclass
class RowPlan:
    capture_id: str
    stores: list[StorePlan] = field(default_factory=list)
    duplicates: int = 0  # the same natural key twice in one batch (a repeated export block): last wins
    report_type: str = ""  # for coverage: which report brought these lines

    @property
    def line_count(self) -> int:
        return sum(len(s.rows) for s in self.stores) + self.duplicates


_UNITS: dict[Decimal, int] = {}  # the same amounts recur down a report: each converted once
_MS_OF: dict[datetime, int] = {}  # and the same statement and order days


def _said(exc: ShoptallyError) -> dict:
    """An amount's refusal as the param of the line's (the view says both in its language)."""
    return coded(exc.code, exc.params, exc.message)


def _storage(amount: Decimal, what: str, line: Line) -> int:
    units = _UNITS.get(amount)
    if units is not None:
        return units
    try:
        units = to_storage(amount)
    except MoneyError as exc:
        raise PlanError.of("store_line_amount", line=", ".join(line.key), what=what, problem=_said(exc)) from exc
    if len(_UNITS) > 200_000:
        _UNITS.clear()
    _UNITS[amount] = units
    return units


def _ms(when: datetime | None) -> int | None:
    if when is None:
        return None
    ms = _MS_OF.get(when)
    if ms is None:
        if len(_MS_OF) > 100_000:
            _MS_OF.clear()
        ms = _MS_OF[when] = (when - _EPOCH) // _MS
    return ms


def _field(name: str, amount: Decimal, category: str | None, unmapped: bool) -> list:
    """A drill-down field as stored, in its shortest form (it is a third of a stored line):
    [name, amount] kept, not counted; [name, amount, category] counted; [name, amount, category or null,
    true] not mapped by the seed (see docs/sources.md)."""
    if unmapped:
        return [name, str(amount), category, True]
    return [name, str(amount), category] if category is not None else [name, str(amount)]


def row_of(line: Line, capture_id: str) -> tuple:
    """One line as its settlement_line row. The digest covers everything the line says except an
    approximate settlement time (capturing the same settled line again must not count as a change)."""
    cached = _UNITS.get  # most amounts were converted before: look them up without a call
    settlement = cached(line.settlement_amount)
    if settlement is None:
        settlement = _storage(line.settlement_amount, "settlement_amount", line)
    amounts = list(_NO_AMOUNTS)
    for category, amount in line.amounts.items():
        at = _AMOUNT_AT.get(category)
        if at is None:
            raise PlanError.of("store_line_category", line=", ".join(line.key), category=category)
        if amount:
            units = cached(amount)
            amounts[at] = units if units is not None else _storage(amount, category, line)
    settled_ms = _ms(line.settled_time)
    body = (
        line.status, line.txn_type, line.order_id, line.sku_id, line.sku_name, line.quantity, line.currency,
        _ms(line.order_time), settled_ms, line.settled_time_approx,
        settlement,
        _json([_field(name, amount, category, unmapped) for name, amount, category, unmapped in line.fields]),
        _json_sorted(line.extra),
        line.msku, line.reference, line.detail, line.statement_id,
    )
    said = body if not line.settled_time_approx else (*body[:8], None, *body[9:])
    digest = hashlib.sha1(repr((said, amounts)).encode()).hexdigest()
    return (natural_key(line), digest, *body, capture_id, *amounts)


def plan(lines: list[Line], capture_id: str, report_type: str = "", totals: list[Stated] | None = None) -> RowPlan:
    out = RowPlan(capture_id, report_type=report_type)
    by_store: dict[tuple[str, str], StorePlan] = {}

    def store_plan(ref: StoreRef) -> StorePlan:
        sp = by_store.get((ref.platform, ref.external_id))
        if sp is None:
            sp = by_store[(ref.platform, ref.external_id)] = StorePlan(ref)
            out.stores.append(sp)
        return sp

    months_seen: dict[tuple[str, int], str] = {}
    for line in lines:
        sp = store_plan(line.store)
        row = row_of(line, capture_id)
        if row[KEY] in sp.rows:
            out.duplicates += 1
        sp.rows[row[KEY]] = row
        sp.families.add(line.key[0])
        if line.reference:
            sp.references.add(line.reference)
        if line.settled_time_approx and line.statement_id:
            sp.statements.add(line.statement_id)
        when = line.settled_time or line.order_time
        if when is not None:
            month = _month(when, line.store.timezone, months_seen)
            sp.months[month] = sp.months.get(month, 0) + 1
        order_id = line.order_id
        if order_id:
            if order_id not in sp.orders or line.order_time is not None:
                sp.orders[order_id] = (row[ORDER_TIME], line.currency)
    for stated in totals or ():
        amount = None if stated.amount is None else _storage_total(stated)
        scope = _json(sorted(stated.scope)) if stated.scope else ""
        sp = store_plan(stated.store)
        sp.totals.append((stated.kind, stated.ref, scope, amount, stated.currency, stated.count, epoch_ms(stated.at)))
        if stated.kind in _DATED and stated.at is not None:  # a statement covers its month, lines or none
            sp.months.setdefault(_month(stated.at, stated.store.timezone, months_seen), 0)
            if stated.kind == "statement" and stated.ref:
                sp.statements.add(stated.ref)
    return out


_DATED = ("statement", "payout")  # totals whose `at` says which month they belong to


def _month(when: datetime, tz: str, seen: dict[tuple[str, int], str]) -> str:
    """YYYY-MM of an instant in a zone; remembered per quarter hour (no zone moves within one)."""
    bucket = (tz, (when - _EPOCH) // _QUARTER_HOUR)
    month = seen.get(bucket)
    if month is None:
        month = seen[bucket] = when.astimezone(ZoneInfo(tz)).strftime("%Y-%m")
    return month


def _storage_total(stated: Stated) -> int:
    try:
        return to_storage(stated.amount)  # type: ignore[arg-type]
    except MoneyError as exc:
        raise PlanError.of("store_stated_amount", kind=stated.kind, ref=stated.ref, problem=_said(exc)) from exc

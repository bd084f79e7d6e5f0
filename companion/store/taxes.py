"""What the tax report reads: per store and currency, each tax category's total and how many lines carry it,
and the original fields of the lines that may name a withheld tax or a duty.

Only lines that carry a tax are read, through migration 0012's partial indexes (`settlement_line_taxed_*`):
the conditions are written as the same constants (reports.counted(..., literal=True) and TAXED)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from decimal import Decimal
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from companion.ledger.money import from_storage
from companion.ledger.taxes import (
    LIKE_WORDS,
    TAX_CATEGORIES,
    CategorySums,
    TaxedLine,
    TypeSums,
    add_line,
    add_sums,
    add_types,
)
from companion.store import bulk, changes
from companion.store.models import SettlementLine
from companion.store.reports import counted, time_expr

_LINES = SettlementLine._meta.table_name
TAXED = "(" + " OR ".join(f'"{c}" <> 0' for c in TAX_CATEGORIES) + ")"
# the categories a withheld tax or a duty is booked under (sources/tiktok: VAT / PIT withheld, ISR, IVA,
# cedular tax, customs and anti-dumping duties): only lines with these are read for their fields
VAT_OR_OTHER = '("vat" <> 0 OR "other_tax" <> 0)'


def _db():
    return SettlementLine._meta.database


def category_sums(basis: str, bounds: dict[int, tuple[int | None, int | None]]
                  ) -> dict[tuple[int, str], CategorySums]:
    """(store, currency) → the tax categories' totals and line counts of the lines the report counts. One query
    per store: a condition over several stores (OR) would not use the partial index."""
    db = _db()
    sums = ", ".join(f'SUM("{c}"), SUM(CASE WHEN "{c}" <> 0 THEN 1 ELSE 0 END)' for c in TAX_CATEGORIES)
    out = {}
    for store_id, bound in bounds.items():
        condition, params = counted(basis, {store_id: bound}, db.param, literal=True)
        sql = (f'SELECT "currency", COUNT(*), {sums} FROM "{_LINES}" WHERE {condition} AND {TAXED} '
               'GROUP BY "currency"')
        with bulk.wrap_errors:
            rows = db.execute_sql(sql, params).fetchall()
        for currency, taxed, *values in rows:
            found = CategorySums(taxed_lines=int(taxed))
            for i, c in enumerate(TAX_CATEGORIES):
                found.amounts[c] = from_storage(int(values[2 * i] or 0))
                found.lines[c] = int(values[2 * i + 1] or 0)
            out[(store_id, currency)] = found
    return out


def special_lines(basis: str, bounds: dict[int, tuple[int | None, int | None]]
                  ) -> dict[tuple[int, str], list[TaxedLine]]:
    """(store, currency) → the counted lines with VAT or other tax whose original fields may name a withheld
    tax or a duty (a first cut by words; ledger.taxes decides by the whole name). One query per store."""
    db = _db()
    words = " OR ".join(f'LOWER("source_fields") LIKE {db.param}' for _ in LIKE_WORDS)
    columns = ", ".join(f'"{c}"' for c in TAX_CATEGORIES)
    out: dict[tuple[int, str], list[TaxedLine]] = {}
    for store_id, bound in bounds.items():
        condition, params = counted(basis, {store_id: bound}, db.param, literal=True)
        params = [*params, *(f"%{w}%" for w in LIKE_WORDS)]  # parameters: psycopg reads a bare % as one
        sql = (f'SELECT "currency", {columns}, "source_fields" FROM "{_LINES}" '
               f"WHERE {condition} AND {VAT_OR_OTHER} AND ({words})")
        with bulk.wrap_errors:
            rows = db.execute_sql(sql, params).fetchall()
        for currency, *values in rows:
            out.setdefault((store_id, currency), []).append(_taxed_line(values))
    return out


# Every store's tax sums per basis, local day and currency, as of a change rev (as store.payouts keeps its
# statements): a period is then the days it holds, added up, instead of a year of lines read again. Filled after
# a tax report has answered (warm); stale the moment a rev passes. A store whose zone ever had an offset that is
# no multiple of 15 minutes is not kept (its 15-minute slots would straddle midnights): it is read from lines.
_CACHE: WeakKeyDictionary = WeakKeyDictionary()
_LOCK = threading.Lock()
SLOT = 900_000  # ms
DayKey = tuple[str, int | None, str]  # basis, local day (ordinal; None: no time), currency


def _cache() -> dict[int, tuple[int, str, dict[DayKey, tuple[CategorySums, TypeSums]]]]:
    db = _db()
    real = getattr(db, "obj", db)
    with _LOCK:
        return _CACHE.setdefault(real, {})


def _local_day(ms: int, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date().toordinal()


def cached(store_id: int, rev: int, tz: str) -> dict[DayKey, tuple[CategorySums, TypeSums]] | None:
    found = _cache().get(store_id)
    return found[2] if found is not None and found[0] == rev and found[1] == tz else None


def warm(stores: list[tuple[int, str]]) -> None:
    """Add up the tax days of these (store, time zone) pairs not yet added up at the current rev."""
    rev = changes.current_rev()
    cache = _cache()
    for store_id, tz in stores:
        found = cache.get(store_id)
        if found is not None and found[0] == rev and found[1] == tz:
            continue
        days = _days(store_id, ZoneInfo(tz))
        if days is not None:
            cache[store_id] = (rev, tz, days)


def _days(store_id: int, zone: ZoneInfo) -> dict[DayKey, tuple[CategorySums, TypeSums]] | None:
    db = _db()
    p = db.param
    sums = ", ".join(f'SUM("{c}"), SUM(CASE WHEN "{c}" <> 0 THEN 1 ELSE 0 END)' for c in TAX_CATEGORIES)
    out: dict[DayKey, tuple[CategorySums, TypeSums]] = {}
    for basis in ("settlement", "order"):
        t = time_expr(basis)
        condition, params = counted(basis, {store_id: (None, None)}, p, literal=True)
        sql = (f'SELECT {t} / {SLOT} AS slot, "currency", COUNT(*), {sums} FROM "{_LINES}" '
               f'WHERE {condition} AND {TAXED} GROUP BY slot, "currency"')
        with bulk.wrap_errors:
            rows = db.execute_sql(sql, params).fetchall()
        for slot, currency, taxed, *values in rows:
            day = None
            if slot is not None:
                day = _local_day(int(slot) * SLOT, zone)
                if _local_day(int(slot) * SLOT + SLOT - 1, zone) != day:
                    return None
            found = CategorySums(taxed_lines=int(taxed))
            for i, c in enumerate(TAX_CATEGORIES):
                found.amounts[c] = from_storage(int(values[2 * i] or 0))
                found.lines[c] = int(values[2 * i + 1] or 0)
            entry = out.setdefault((basis, day, currency), (CategorySums(), TypeSums()))
            add_sums(entry[0], found)
        words = " OR ".join(f'LOWER("source_fields") LIKE {p}' for _ in LIKE_WORDS)
        columns = ", ".join(f'"{c}"' for c in TAX_CATEGORIES)
        sql = (f'SELECT {t}, "currency", {columns}, "source_fields" FROM "{_LINES}" '
               f"WHERE {condition} AND {VAT_OR_OTHER} AND ({words})")
        with bulk.wrap_errors:
            rows = db.execute_sql(sql, [*params, *(f"%{w}%" for w in LIKE_WORDS)]).fetchall()
        for when, currency, *values in rows:
            day = None if when is None else _local_day(int(when), zone)
            entry = out.setdefault((basis, day, currency), (CategorySums(), TypeSums()))
            add_line(entry[1], _taxed_line(values))
    return out


def _taxed_line(values: list) -> TaxedLine:
    """(tax category columns…, source_fields JSON) → the line as ledger.taxes reads it."""
    amounts = {c: from_storage(int(v or 0)) for c, v in zip(TAX_CATEGORIES, values[:-1], strict=True)}
    fields = []
    for item in json.loads(values[-1] or "[]"):
        category = item[2] if len(item) > 2 else None
        fields.append((str(item[0]), Decimal(str(item[1])), category))
    return TaxedLine(amounts, fields)


def from_days(days: dict[DayKey, tuple[CategorySums, TypeSums]], basis: str, first: int | None, last: int | None
              ) -> dict[str, tuple[CategorySums, TypeSums]]:
    """currency → the sums of the days [first, last] (ordinals; None: open) on the basis; the lines without a
    time count only when the period is open at both ends, as the lines' own query counts them."""
    out: dict[str, tuple[CategorySums, TypeSums]] = {}
    for (b, day, currency), (sums, delta) in days.items():
        if b != basis:
            continue
        if day is None:
            if first is not None or last is not None:
                continue
        elif (first is not None and day < first) or (last is not None and day > last):
            continue
        entry = out.setdefault(currency, (CategorySums(), TypeSums()))
        add_sums(entry[0], sums)
        add_types(entry[1], delta)
    return out

"""Pre-added day totals of settlement lines, so a report of a year adds up days instead of a million lines.

The tables and the triggers that mark changed lines are migration 0006's. A store's totals are grouped by
its local day; every slice a report cuts (months, cost-version dates, converted days) starts at a local
midnight, so the sums of a report's slices are sums of whole days and come out exactly as from the lines.

Stale parts are marked by UTC hour (`mark_*`, called by every function that writes settlement lines:
tests/test_line_totals.py finds each such write in the code and fails on one it does not know); `-1` means
the whole store.
The sales totals of the same days, per store and per SKU (store/sales_totals.py and sales_sku_totals.py,
migrations 0014 and 0015), are replaced in the same step.
Readers use the totals of a store only when nothing in the range they add up is stale and the totals were
added up in the store's current time zone; otherwise they read lines, as before. The daemon's writer runs
`rebuild_step` when it has been idle for a moment, one store and one month of days at a time, so a
capture never waits long behind it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from peewee import chunked

from companion.ledger.engine import Bucket
from companion.sources.model import SETTLED
from companion.store import bulk, sales_sku_totals, sales_totals
from companion.store.line_sums import ESTIMATED_SKU_SQL, SUM_COLUMNS, SUM_SQL, ZERO_SQL
from companion.store.models import SettlementLine, Store

HOUR = 3_600_000  # ms
SLOT = 900_000  # 15 minutes: every zone's offset is a multiple of it, so a slot lies within one local day
WHOLE_STORE = -1
NO_TIME = -2
STEP_DAYS = 31  # local days rebuilt per step: a month of lines, well under a second
BASIS_CODE = {"settlement": "s", "order": "o"}
_LINES = SettlementLine._meta.table_name


def _add_into(added: dict[tuple, list[int]], key: tuple, sums) -> None:
    """Add one group's sums (PostgreSQL gives them as Decimal, SQLite as int) to those of its key."""
    into = added.get(key)
    if into is None:
        added[key] = [int(v or 0) for v in sums]
    else:
        for i, v in enumerate(sums):
            into[i] += int(v or 0)


def _db():
    return SettlementLine._meta.database


def _day(ms: int, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date().toordinal()


def _midnight(day: int, zone: ZoneInfo) -> int:
    """Epoch ms of the local midnight that starts the day (ordinal) in the zone."""
    start = datetime.combine(date.fromordinal(day), time.min, zone)
    return int(start.timestamp() * 1000)


# marking -----------------------------------------------------------------------------------------------------

def hours_of(settled_ms: int | None, order_ms: int | None) -> tuple[int, int]:
    """The UTC hours a line of these times counts in, on the settlement and on the order basis."""
    settled = NO_TIME if settled_ms is None else settled_ms // HOUR
    ordered = order_ms if order_ms is not None else settled_ms
    return settled, NO_TIME if ordered is None else ordered // HOUR


def mark_hours(store_id: int, hours: Iterable[int]) -> None:
    """Inside the writer's transaction that changes lines of these hours: their day totals are stale."""
    rows = [(store_id, h) for h in set(hours)]
    if rows:
        bulk.insert_rows(_db(), "line_total_dirty", ("store_id", "hour"), rows, "ON CONFLICT DO NOTHING")


def mark_times(store_id: int, times: Iterable[tuple[int | None, int | None]]) -> None:
    """`times`: (settled ms, order ms) of each line changed, before and after the change."""
    hours: set[int] = set()
    for settled_ms, order_ms in times:
        hours.update(hours_of(settled_ms, order_ms))
    mark_hours(store_id, hours)


def mark_where(store_id: int, condition: str, params: list) -> None:
    """Mark the hours of the store's lines matching an SQL condition (run before and after changing them)."""
    db = _db()
    p = db.param
    for t in ('"settled_time"', 'COALESCE("order_time", "settled_time")'):
        db.execute_sql(f'INSERT INTO "line_total_dirty" ("store_id", "hour") SELECT DISTINCT "store_id", '
                       f'COALESCE({t} / {HOUR}, {NO_TIME}) FROM "{_LINES}" WHERE "store_id" = {p} AND ({condition}) '
                       'ON CONFLICT DO NOTHING', [store_id, *params])


def mark_store(store_id: int) -> None:
    """Every day of the store is stale (its lines were deleted or replaced wholesale)."""
    mark_hours(store_id, [WHOLE_STORE])


# reading -----------------------------------------------------------------------------------------------------

def usable(bounds: dict[int, tuple[int | None, int | None]], cuts: dict[int, list[int]],
           zones: dict[int, str]) -> set[int]:
    """The stores whose report of these bounds and cuts can be read from totals: all of it fresh, every bound
    and cut at a local midnight of the zone the totals were added up in."""
    if not bounds:
        return set()
    db = _db()
    p = db.param
    ids = list(bounds)
    built = dict(db.execute_sql(f'SELECT "store_id", "timezone" FROM "line_total_built" WHERE "store_id" IN '
                                f'({", ".join([p] * len(ids))})', ids).fetchall())
    out = set()
    for store_id, (start, end) in bounds.items():
        tz = zones[store_id]
        if built.get(store_id, tz) != tz:
            continue
        zone = ZoneInfo(tz)
        edges = [ms for ms in (start, end, *cuts.get(store_id, [])) if ms is not None]
        if any(_midnight(_day(ms, zone), zone) != ms for ms in edges):
            continue
        stale = [WHOLE_STORE] + ([NO_TIME] if start is None and end is None else [])
        sql = f'SELECT 1 FROM "line_total_dirty" WHERE "store_id" = {p} AND ("hour" IN ({", ".join([p] * len(stale))})'
        params: list = [store_id, *stale]
        lo = 0 if start is None else start // HOUR
        if end is None:
            sql += f' OR "hour" >= {p}'
            params.append(lo)
        else:
            sql += f' OR "hour" BETWEEN {p} AND {p}'
            params += [lo, (end - 1) // HOUR]
        if db.execute_sql(sql + ") LIMIT 1", params).fetchone() is None:
            out.add(store_id)
    return out


def buckets(basis: str, bounds: dict[int, tuple[int | None, int | None]], cuts: dict[int, list[int]],
            zones: dict[int, str], by_sku: bool | str) -> list[Bucket]:
    """The report's buckets by store (SKUs told apart only for estimated lines, or not at all) from the
    totals of stores `usable` said yes to: the same figures reports.buckets reads from lines."""
    if not bounds:
        return []
    db = _db()
    p = db.param
    where, params = [], [BASIS_CODE[basis]]
    days: dict[int, list[int]] = {}
    for store_id, (start, end) in bounds.items():
        zone = ZoneInfo(zones[store_id])
        days[store_id] = [_day(c, zone) for c in cuts.get(store_id, [])]
        part = f'"store_id" = {p}'
        params.append(store_id)
        if start is not None:
            part += f' AND "day" >= {p}'
            params.append(_day(start, zone))
        if end is not None:
            part += f' AND "day" < {p}'
            params.append(_day(end, zone))
        where.append(f"({part})")
    sku = '"sku"' if by_sku == "estimates" else "NULL"
    sums = ", ".join(f'SUM("{c}")' for c in SUM_COLUMNS)
    sql = (f'SELECT "store_id", "currency", {sku}, "day", "settled", "zero", {sums} FROM "line_total" '
           f'WHERE "basis" = {p} AND ({" OR ".join(where)}) '
           f'GROUP BY "store_id", "currency", {sku + ", " if by_sku == "estimates" else ""}"day", "settled", "zero"')
    with bulk.wrap_errors:
        rows = db.execute_sql(sql, params).fetchall()
    added: dict[tuple, list[int]] = {}
    for store_id, currency, sku_id, day, settled, zero, *sums in rows:
        cut_days = days[store_id]
        slice_no = len(cut_days) if day is None else bisect_right(cut_days, day)
        _add_into(added, (store_id, currency, sku_id or None, slice_no, bool(settled), bool(zero)), sums)
    return [Bucket(store_id, currency, sku_id, None, None, slice_no, settled, s[0], s[1], s[2], tuple(s[3:]),
                   zero_unsettled=s[0] if zero else 0)
            for (store_id, currency, sku_id, slice_no, settled, zero), s in added.items()]


# rebuilding --------------------------------------------------------------------------------------------------

def stale_stores() -> list[int]:
    """Stores with stale totals: marked parts, or totals added up in a zone the store no longer has."""
    db = _db()
    marked = {r[0] for r in db.execute_sql('SELECT DISTINCT "store_id" FROM "line_total_dirty"').fetchall()}
    moved = {r[0] for r in db.execute_sql(
        'SELECT b."store_id" FROM "line_total_built" b JOIN "store" s ON s."id" = b."store_id" '
        'WHERE b."timezone" <> s."timezone"').fetchall()}
    return sorted(marked | moved)


def rebuild_step() -> bool:
    """Inside the writer's transaction: bring one store's totals a step closer to its lines (its whole-store
    mark or changed zone becomes marked hours; else up to STEP_DAYS days of marked hours are added up again).
    Returns whether anything was stale."""
    todo = stale_stores()
    if not todo:
        return False
    store = Store.get_by_id(todo[0])
    zone = ZoneInfo(store.timezone)
    db = _db()
    p = db.param
    built = db.execute_sql(f'SELECT "timezone" FROM "line_total_built" WHERE "store_id" = {p}',
                           [store.id]).fetchone()
    hours = [r[0] for r in db.execute_sql(
        f'SELECT "hour" FROM "line_total_dirty" WHERE "store_id" = {p} ORDER BY "hour" LIMIT 20000',
        [store.id]).fetchall()]
    if (built is not None and built[0] != store.timezone) or (hours and hours[0] == WHOLE_STORE):
        _mark_whole_store(store, built is not None)
        return True
    if built is None:
        db.execute_sql(f'INSERT INTO "line_total_built" ("store_id", "timezone") VALUES ({p}, {p})',
                       [store.id, store.timezone])
    done_hours: list[int] = []
    if hours and hours[0] == NO_TIME:
        _add_up(store.id, zone, None)
        done_hours.append(NO_TIME)
        hours = hours[1:]
    if hours:
        first = _day(hours[0] * HOUR, zone)
        window = range(first, first + STEP_DAYS)
        wanted: set[int] = set()
        for h in hours:
            ends = (_day(h * HOUR, zone), _day(h * HOUR + HOUR - 1, zone))
            if ends[0] in window and ends[1] in window:
                wanted.update(ends)
                done_hours.append(h)
            elif ends[0] > window[-1]:
                break
        for lo, hi in _runs(sorted(wanted)):
            _add_up(store.id, zone, (lo, hi))
    for chunk in chunked(done_hours, bulk.SELECT_CHUNK):
        db.execute_sql(f'DELETE FROM "line_total_dirty" WHERE "store_id" = {p} AND "hour" IN '
                       f'({", ".join([p] * len(chunk))})', [store.id, *chunk])
    return True


def rebuild_all() -> int:
    """Every step until nothing is stale (offline use and tests); returns how many steps it took."""
    steps = 0
    while rebuild_step():
        steps += 1
    return steps


def _mark_whole_store(store: Store, had_totals: bool) -> None:
    """Drop a store's totals and mark every hour that has its lines: later steps add them up a month at a time."""
    db = _db()
    p = db.param
    db.execute_sql(f'DELETE FROM "line_total" WHERE "store_id" = {p}', [store.id])
    sales_totals.clear(store.id)
    db.execute_sql(f'DELETE FROM "line_total_dirty" WHERE "store_id" = {p}', [store.id])
    mark_where(store.id, "1 = 1", [])
    if had_totals:
        db.execute_sql(f'UPDATE "line_total_built" SET "timezone" = {p} WHERE "store_id" = {p}',
                       [store.timezone, store.id])
    else:
        db.execute_sql(f'INSERT INTO "line_total_built" ("store_id", "timezone") VALUES ({p}, {p})',
                       [store.id, store.timezone])


def _runs(days: list[int]) -> Iterable[tuple[int, int]]:
    """Consecutive days as [first, last] runs; gaps of up to a week are added up too (fewer queries)."""
    start = prev = None
    for d in days:
        if start is None:
            start = prev = d
        elif d - prev > 7:
            yield start, prev
            start = prev = d
        else:
            prev = d
    if start is not None:
        yield start, prev


def _add_up(store_id: int, zone: ZoneInfo, days: tuple[int, int] | None) -> None:
    """Replace both bases' totals of days [first, last] (None: the lines without a time) from the lines."""
    db = _db()
    p = db.param
    for basis, code in BASIS_CODE.items():
        if days is None:
            db.execute_sql(f'DELETE FROM "line_total" WHERE "store_id" = {p} AND "basis" = {p} AND "day" IS NULL',
                           [store_id, code])
            rows = [(None, *r[1:]) for r in _sums(store_id, basis, None, None)]
        else:
            lo, hi = _midnight(days[0], zone), _midnight(days[1] + 1, zone)
            db.execute_sql(f'DELETE FROM "line_total" WHERE "store_id" = {p} AND "basis" = {p} '
                           f'AND "day" BETWEEN {p} AND {p}', [store_id, code, days[0], days[1]])
            rows = []
            for slot, *rest in _sums(store_id, basis, lo, hi):
                start = int(slot) * SLOT
                day = _day(start, zone)
                if day == _day(start + SLOT - 1, zone):
                    rows.append((day, *rest))
                    continue
                # a zone whose offset then was no multiple of 15 minutes: split the slot at its midnight
                cut = _midnight(day + 1, zone)
                for part_lo, part_hi, part_day in ((start, cut, day), (cut, start + SLOT, day + 1)):
                    rows += [(part_day, *r[1:]) for r in _sums(store_id, basis, max(lo, part_lo),
                                                               min(hi, part_hi))]
        added: dict[tuple, list[int]] = {}
        for day, currency, sku, settled, zero, *sums in rows:
            _add_into(added, (day, currency, sku, bool(settled), bool(zero)), sums)
        columns = ("store_id", "basis", "day", "currency", "sku", "settled", "zero", *SUM_COLUMNS)
        bulk.insert_rows(db, "line_total", columns, [(store_id, code, *key, *sums) for key, sums in added.items()])
    if days is not None:  # the sales report's totals of the same days (lines without a time have no day)
        lo, hi = _midnight(days[0], zone), _midnight(days[1] + 1, zone)
        sales_totals.add_up(store_id, zone, days[0], days[1], lo, hi)
        sales_sku_totals.add_up(store_id, zone, days[0], days[1], lo, hi)


def _sums(store_id: int, basis: str, lo: int | None, hi: int | None) -> list[tuple]:
    """The counted lines of [lo, hi) epoch ms (None, None: those without a time), summed per 15-minute slot,
    currency, estimated SKU, settled flag and no-amount flag."""
    db = _db()
    p = db.param
    t = '"settled_time"' if basis == "settlement" else 'COALESCE("order_time", "settled_time")'
    condition = f'"store_id" = {p} AND NOT "superseded"'
    if basis == "settlement":
        condition += f" AND \"status\" = '{SETTLED}'"
    params: list = [store_id]
    if lo is None or hi is None:
        condition += f" AND {t} IS NULL"
    else:
        condition += f" AND {t} >= {p} AND {t} < {p}"
        params += [lo, hi]
    settled = f"CASE WHEN \"status\" = '{SETTLED}' THEN 1 ELSE 0 END"
    zero = f"CASE WHEN {ZERO_SQL} THEN 1 ELSE 0 END"
    sql = (f'SELECT {t} / {SLOT} AS slot, "currency", {ESTIMATED_SKU_SQL} AS sku, {settled} AS settled, '
           f'{zero} AS zero, {", ".join(SUM_SQL)} FROM "{_LINES}" WHERE {condition} '
           'GROUP BY slot, "currency", sku, settled, zero')
    with bulk.wrap_errors:
        return db.execute_sql(sql, params).fetchall()

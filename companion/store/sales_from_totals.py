"""The sales report read from pre-added totals, for the stores whose totals are fresh over the whole range
(line_totals.usable); the others are read from lines (store/sales_sums.py), with the same results. By
store: money from the day totals (line_total), orders and units from the sales totals (store/sales_totals.py);
by SKU: all of them from the sales totals per SKU (store/sales_sku_totals.py).

A group's orders are the sum of its days' counts less, for each order with sale lines on several days, its
days inside the group beyond the first: the pairs of its consecutive sale days with both days inside the
group (sales_order_gap counts them per later day and days between; sales_sku_order_gap per SKU as well), so
an order counts once per group.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from companion.ledger.sales import CATEGORIES, SalesSums
from companion.store import bulk, line_totals
from companion.store.sales_sums import SalesRow, TooManyRows
from companion.store.sales_totals import BASIS_CODE

Bounds = dict[int, tuple[int | None, int | None]]


def fresh(bounds: Bounds, zone_of: dict[int, str]) -> set[int]:
    """The stores whose sales of these bounds can be read from totals: fresh, bounds at local midnights."""
    return line_totals.usable(bounds, {}, zone_of)


def _ranges(bounds: Bounds, zone_of: dict[int, str], p: str) -> tuple[str, list, dict[int, int | None]]:
    """SQL condition on "store_id" and "day" for each store's bounds (local midnights: whole days), its
    parameters, and each store's first day (None: open)."""
    where, params = [], []
    first_days: dict[int, int | None] = {}
    for store_id, (start, end) in bounds.items():
        zone = ZoneInfo(zone_of[store_id])
        part = f'"store_id" = {p}'
        params.append(store_id)
        first_days[store_id] = None if start is None else _day(start, zone)
        if start is not None:
            part += f' AND "day" >= {p}'
            params.append(first_days[store_id])
        if end is not None:
            part += f' AND "day" < {p}'
            params.append(_day(end, zone))
        where.append(f"({part})")
    return f'"day" IS NOT NULL AND ({" OR ".join(where)})', params, first_days


def _basis_ranges(basis: str, bounds: Bounds, zone_of: dict[int, str]) -> tuple:
    """The database, the WHERE of a basis over each store's local days, its parameters and the stores' first
    days: what every read of the totals starts from."""
    db = line_totals.SettlementLine._meta.database
    where, params, first_days = _ranges(bounds, zone_of, db.param)
    return db, f'"basis" = {db.param} AND {where}', [BASIS_CODE[basis], *params], first_days


def read(basis: str, bounds: Bounds, zone_of: dict[int, str], step: str
         ) -> tuple[list[SalesRow], dict[tuple[int, str], int]]:
    """The rows sales_sums.rows gives by store for `step` (day, week, month), and the orders over each
    store's whole bounds per (store, currency), as sales_sums.orders gives them."""
    if not bounds:
        return [], {}
    db, ranges, params, first_days = _basis_ranges(basis, bounds, zone_of)
    sums = ", ".join(f'SUM("{c}")' for c in CATEGORIES)
    with bulk.wrap_errors:
        money = db.execute_sql(f'SELECT "store_id", "currency", "day", {sums} FROM "line_total" WHERE {ranges} '
                               'GROUP BY "store_id", "currency", "day"', params).fetchall()
        counts = db.execute_sql(f'SELECT "store_id", "currency", "day", "orders", "units" FROM "sales_total" '
                                f'WHERE {ranges}', params).fetchall()
        gaps = db.execute_sql(f'SELECT "store_id", "currency", "day", "gap", "pairs" FROM "sales_order_gap" '
                              f'WHERE {ranges}', params).fetchall()
    groups: dict[tuple[int, str, int], list[int]] = {}  # (store, currency, first day of step) → sums
    width = len(CATEGORIES)
    for store_id, currency, day, *amounts in money:
        into = groups.setdefault((store_id, currency, _step_start(int(day), step)), [0] * (width + 2))
        for i, v in enumerate(amounts):
            into[2 + i] += int(v or 0)
    for store_id, currency, day, orders, units in counts:
        into = groups.setdefault((store_id, currency, _step_start(int(day), step)), [0] * (width + 2))
        into[0] += int(orders)
        into[1] += int(units)
    _less_gaps(groups, gaps, first_days, step)
    rows = [SalesRow(store_id, currency, None, date.fromordinal(first), SalesSums(s[0], s[1], tuple(s[2:])))
            for (store_id, currency, first), s in groups.items()]
    return rows, _whole(counts, gaps, first_days)


def read_sku(basis: str, bounds: Bounds, zone_of: dict[int, str], step: str, months: list[date], most: int
             ) -> tuple[list[SalesRow], dict[tuple[int, str], int]]:
    """The rows sales_sums.rows gives by SKU for `step`, and the orders over each store's whole bounds per
    (store, currency); raises TooManyRows before reading them when there would be more than `most` rows."""
    if not bounds:
        return [], {}
    db, ranges, params, first_days = _basis_ranges(basis, bounds, zone_of)
    _check_rows(ranges, params, step, months, most)
    sums = ", ".join(f'"{c}"' for c in CATEGORIES)
    with bulk.wrap_errors:
        found = db.execute_sql(f'SELECT "store_id", "currency", "sku", "day", "orders", "units", {sums} '
                               f'FROM "sales_sku_total" WHERE {ranges}', params).fetchall()
        # within one day no order has two days: the pairs only correct weeks, months and the whole range
        gaps = [] if step == "day" else db.execute_sql(
            f'SELECT "store_id", "currency", "sku", "day", "gap", "pairs" FROM "sales_sku_order_gap" '
            f'WHERE {ranges}', params).fetchall()
        counts = db.execute_sql(f'SELECT "store_id", "currency", "day", "orders" FROM "sales_total" '
                                f'WHERE {ranges}', params).fetchall()
        store_gaps = db.execute_sql(f'SELECT "store_id", "currency", "day", "gap", "pairs" '
                                    f'FROM "sales_order_gap" WHERE {ranges}', params).fetchall()
    whole = _whole(counts, store_gaps, first_days)
    days: dict[int, date] = {}
    if step == "day":  # one row per day and SKU as stored (a column of plain integers: no conversion)
        return [SalesRow(r[0], r[1], r[2] or None, days.get(r[3]) or days.setdefault(r[3], date.fromordinal(r[3])),
                         SalesSums(r[4], r[5], tuple(r[6:]))) for r in found], whole
    groups: dict[tuple, list[int]] = {}  # (store, currency, SKU, first day of step) → sums
    for store_id, currency, sku, day, *values in found:
        key = (store_id, currency, sku, _step_start(day, step))
        into = groups.get(key)
        if into is None:
            groups[key] = values
        else:
            for i, v in enumerate(values):
                into[i] += v
    _less_gaps(groups, gaps, first_days, step)
    rows = [SalesRow(key[0], key[1], key[2] or None, date.fromordinal(key[3]), SalesSums(s[0], s[1], tuple(s[2:])))
            for key, s in groups.items()]
    return rows, whole


def _less_gaps(groups: dict[tuple, list[int]], gaps: list, first_days: dict[int, int | None], step: str) -> None:
    """Each pair of consecutive sale days of one order (and SKU), both inside the range and the step, counts
    once less in the step's orders. `gaps`: (store, key..., later day, days between, pairs)."""
    width = len(next(iter(groups.values()), [0, 0] + [0] * len(CATEGORIES)))
    for store_id, *key, day, gap, n in gaps:
        earlier = int(day) - int(gap)
        first_day = first_days[store_id]
        if first_day is not None and earlier < first_day:
            continue
        first = _step_start(earlier, step)
        if first == _step_start(int(day), step):
            groups.setdefault((store_id, *key, first), [0] * width)[0] -= int(n)


def _whole(counts: list, gaps: list, first_days: dict[int, int | None]) -> dict[tuple[int, str], int]:
    """(store, currency) → distinct orders over the whole range: the days' counts less the pairs inside it.
    `counts`: (store, currency, day, orders, ...); `gaps`: (store, currency, later day, days between, pairs)."""
    whole: dict[tuple[int, str], int] = {}
    for store_id, currency, _, orders, *_ in counts:
        whole[(store_id, currency)] = whole.get((store_id, currency), 0) + int(orders)
    for store_id, currency, day, gap, n in gaps:
        first_day = first_days[store_id]
        if first_day is None or int(day) - int(gap) >= first_day:
            whole[(store_id, currency)] = whole.get((store_id, currency), 0) - int(n)
    return whole


def _check_rows(ranges: str, params: list, step: str, months: list[date], most: int) -> None:
    """Raise TooManyRows when the totals by SKU of the ranges make more than `most` rows of the step: first
    whether there are more than `most` day rows at all (reading at most that many index entries), and only
    then their count per step."""
    db = line_totals.SettlementLine._meta.database
    p = db.param
    with bulk.wrap_errors:
        if db.execute_sql(f'SELECT 1 FROM "sales_sku_total" WHERE {ranges} LIMIT 1 OFFSET {p}',
                          [*params, most]).fetchone() is None:
            return
        if step == "day":  # a day row is a row of the report: counted in the primary key's index alone
            n = db.execute_sql(f'SELECT COUNT(*) FROM "sales_sku_total" WHERE {ranges}', params).fetchone()[0]
        else:
            cuts = [m.toordinal() for m in months[1:]]
            bucket = ('("day" - 1) / 7' if step == "week"  # ordinal 1 is a Monday
                      else "CASE " + " ".join(f'WHEN "day" < {p} THEN {i}' for i in range(len(cuts)))
                      + f" ELSE {len(cuts)} END" if cuts else "0")
            extra = cuts if step == "month" else []
            n = db.execute_sql(f'SELECT COUNT(*) FROM (SELECT DISTINCT "store_id", "currency", "sku", {bucket} '
                               f'AS b FROM "sales_sku_total" WHERE {ranges}) counted',
                               [*extra, *params]).fetchone()[0]
    if int(n) > most:
        raise TooManyRows(int(n))


def _day(ms: int, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date().toordinal()


def _step_start(day: int, step: str) -> int:
    """The ordinal of the day, the Monday or the 1st of the month that starts the step holding the day."""
    if step == "day":
        return day
    d = date.fromordinal(day)
    return day - d.weekday() if step == "week" else d.replace(day=1).toordinal()

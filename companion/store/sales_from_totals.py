"""The sales report by store read from pre-added totals: money from the day totals (line_total), orders and
units from the sales totals (store/sales_totals.py), for the stores whose totals are fresh over the whole
range (line_totals.usable); the others are read from lines (store/sales_sums.py), with the same results.

A group's orders are the sum of its days' counts less, for each order with sale lines on several days, its
days inside the group beyond the first: the pairs of its consecutive sale days with both days inside the
group (sales_order_gap counts them per later day and days between), so an order counts once per group.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from companion.ledger.sales import CATEGORIES, SalesSums
from companion.store import bulk, line_totals
from companion.store.sales_sums import SalesRow
from companion.store.sales_totals import BASIS_CODE

Bounds = dict[int, tuple[int | None, int | None]]


def fresh(bounds: Bounds, zone_of: dict[int, str]) -> set[int]:
    """The stores whose sales of these bounds can be read from totals: fresh, bounds at local midnights."""
    return line_totals.usable(bounds, {}, zone_of)


def read(basis: str, bounds: Bounds, zone_of: dict[int, str], step: str
         ) -> tuple[list[SalesRow], dict[tuple[int, str], int]]:
    """The rows sales_sums.rows gives by store for `step` (day, week, month), and the orders over each
    store's whole bounds per (store, currency), as sales_sums.orders gives them."""
    if not bounds:
        return [], {}
    db = line_totals.SettlementLine._meta.database
    p = db.param
    code = BASIS_CODE[basis]
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
    ranges = f'"basis" = {p} AND "day" IS NOT NULL AND ({" OR ".join(where)})'
    sums = ", ".join(f'SUM("{c}")' for c in CATEGORIES)
    with bulk.wrap_errors:
        money = db.execute_sql(f'SELECT "store_id", "currency", "day", {sums} FROM "line_total" WHERE {ranges} '
                               'GROUP BY "store_id", "currency", "day"', [code, *params]).fetchall()
        counts = db.execute_sql(f'SELECT "store_id", "currency", "day", "orders", "units" FROM "sales_total" '
                                f'WHERE {ranges}', [code, *params]).fetchall()
        gaps = db.execute_sql(f'SELECT "store_id", "currency", "day", "gap", "pairs" FROM "sales_order_gap" '
                              f'WHERE {ranges}', [code, *params]).fetchall()
    groups: dict[tuple[int, str, int], list[int]] = {}  # (store, currency, first day of step) → sums
    width = len(CATEGORIES)
    for store_id, currency, day, *amounts in money:
        into = groups.setdefault((store_id, currency, _step_start(int(day), step)), [0] * (width + 2))
        for i, v in enumerate(amounts):
            into[2 + i] += int(v or 0)
    whole: dict[tuple[int, str], int] = {}
    for store_id, currency, day, orders, units in counts:
        into = groups.setdefault((store_id, currency, _step_start(int(day), step)), [0] * (width + 2))
        into[0] += int(orders)
        into[1] += int(units)
        whole[(store_id, currency)] = whole.get((store_id, currency), 0) + int(orders)
    # each pair of consecutive sale days of one order, both inside the range (and the step), counts once less
    for store_id, currency, day, gap, n in gaps:
        earlier = int(day) - int(gap)
        if first_days[store_id] is not None and earlier < first_days[store_id]:
            continue
        whole[(store_id, currency)] = whole.get((store_id, currency), 0) - int(n)
        first = _step_start(earlier, step)
        if first == _step_start(int(day), step):
            groups.setdefault((store_id, currency, first), [0] * (width + 2))[0] -= int(n)
    rows = [SalesRow(store_id, currency, None, date.fromordinal(first), SalesSums(s[0], s[1], tuple(s[2:])))
            for (store_id, currency, first), s in groups.items()]
    return rows, whole


def _day(ms: int, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date().toordinal()


def _step_start(day: int, step: str) -> int:
    """The ordinal of the day, the Monday or the 1st of the month that starts the step holding the day."""
    if step == "day":
        return day
    d = date.fromordinal(day)
    return day - d.weekday() if step == "week" else d.replace(day=1).toordinal()

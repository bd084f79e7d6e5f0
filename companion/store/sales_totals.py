"""Pre-added sales day totals (migration 0014): per store, basis, local day and currency, the distinct
orders with a sale line and the units of those lines; and every day of each order whose sale lines fall on
two or more local days, so that the orders of a week, a month or a year are exact without reading lines.

They are replaced together with the day totals (line_totals._add_up calls `add_up` for the same days, in
the same step of the writer), so one marking of changed hours keeps both fresh and one check
(line_totals.usable) says whether both may be read. The money of the sales report by store is not repeated here:
line_total holds every category it sums.

`sales_order_day` keeps this promise, which store/sales_from_totals.py relies on: for every order listed,
each fresh day listed is a day it has sale lines on, and an order with sale lines on two or more fresh days
has each of them listed. A rebuild of some days therefore looks up, by order id, every sale line of the
orders it finds there, and lists their days outside the rebuilt ones too (a new line on one day can make
an order of another, fresh, day a two-day order). A report does not read those rows: `sales_order_gap`
counts the listed orders' pairs of consecutive days per (currency, later day, days between), kept equal to
them by adding what a rebuild changes; an order's listed days inside a range follow one another, so its days
there beyond the first are its pairs there, and a year of many such orders is a few thousand rows.

The days of each order's SKU sold on two or more days are listed the same way, under the same promise
(`sales_sku_order_day`, `sales_sku_order_gap`, migration 0015): only an order of two or more days can sell
one SKU on two, so only those orders' lines are looked up again per SKU. The orders, units and money per
SKU and day are store/sales_sku_totals.py's, replaced in the same step.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from peewee import chunked

from companion.ledger import zones
from companion.sources.model import SETTLED
from companion.store import bulk
from companion.store.models import SettlementLine

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # a Thursday: (day + 3) // 7 numbers Monday-to-Sunday weeks
SLOT = 900_000  # 15 minutes, as line_totals: a slot whose two ends fall on one local day lies within it
BASIS_CODE = {"settlement": "s", "order": "o"}
_LINES = SettlementLine._meta.table_name
# a sale line and its units, as store/sales_sums.py says them for the lines
SALE_SQL = '"sales" > 0'
SKU_SQL = 'COALESCE("sku_id", \'\')'  # a line without a SKU: '' in the totals by SKU
# (order table, gap table, key columns beside the order) of the orders selling on several days, per store and SKU
ORDER_LISTS = (("sales_order_day", "sales_order_gap", ("currency",)),
               ("sales_sku_order_day", "sales_sku_order_gap", ("currency", "sku")))
SKU_TABLES = ("sales_sku_total", "sales_sku_order_day", "sales_sku_order_gap")
UNITS_SQL = ('CASE WHEN "income_refund" < 0 AND "sales" + "promo_discount" + "income_refund" <= 0 THEN 0 '
             'ELSE "quantity" END')


def _db():
    return SettlementLine._meta.database


def time_sql(basis: str) -> str:
    return '"settled_time"' if basis == "settlement" else 'COALESCE("order_time", "settled_time")'


def counted_lines(basis: str) -> str:
    """The lines a sales report counts on the basis (the flags as constants, for the partial indexes)."""
    condition = f'NOT "superseded" AND {time_sql(basis)} IS NOT NULL'
    if basis == "settlement":
        condition = f"\"status\" = '{SETTLED}' AND " + condition
    return condition


def _counted_sales(basis: str) -> str:
    """The sale lines a sales report counts on the basis."""
    return f"{counted_lines(basis)} AND {SALE_SQL}"


class Days:
    """Local day ordinals of epoch ms in one zone, worked out once per 15-minute slot."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.slots: dict[int, tuple[int, int]] = {}

    def of(self, ms: int) -> int:
        return datetime.fromtimestamp(ms / 1000, UTC).astimezone(self.zone).date().toordinal()

    def of_slot(self, slot: int, first_ms: int, last_ms: int) -> tuple[int, int]:
        """The days of a group of lines in one slot, from its earliest and latest time: one day, or (a zone
        whose offset was no multiple of 15 minutes) the two the slot straddles, when its lines do."""
        ends = self.slots.get(slot)
        if ends is None:
            ends = self.slots[slot] = (self.of(slot * SLOT), self.of(slot * SLOT + SLOT - 1))
        if ends[0] == ends[1]:
            return ends
        return self.of(first_ms), self.of(last_ms)


def clear(store_id: int) -> None:
    """A store's sales totals dropped with its day totals (its lines are added up again as a whole)."""
    db = _db()
    for table in ("sales_total", "sales_order_day", "sales_order_gap", *SKU_TABLES):
        db.execute_sql(f'DELETE FROM "{table}" WHERE "store_id" = {db.param}', [store_id])


def add_up(store_id: int, zone: ZoneInfo, first_day: int, last_day: int, lo: int, hi: int) -> None:
    """Replace both bases' sales totals of local days [first_day, last_day], whose lines lie in [lo, hi) ms,
    and the listed days of orders per store and per SKU (the money and counts per SKU: sales_sku_totals)."""
    db = _db()
    p = db.param
    days = Days(zone)
    for basis, code in BASIS_CODE.items():
        units: dict[tuple[str, int], int] = {}
        pairs: set[tuple[str, str, int]] = set()  # (currency, order, day)
        for currency, order_id, day, n in _sale_days(store_id, basis, lo, hi, days):
            units[(currency, day)] = units.get((currency, day), 0) + n
            if order_id is not None:
                pairs.add((currency, order_id, day))
        orders = _count(pairs)
        found = {(cur, order_id) for cur, order_id, _ in pairs}
        spread = _order_days(store_id, basis, sorted({o for _, o in found}), days)
        db.execute_sql(f'DELETE FROM "sales_total" WHERE "store_id" = {p} AND "basis" = {p} '
                       f'AND "day" BETWEEN {p} AND {p}', [store_id, code, first_day, last_day])
        bulk.insert_rows(db, "sales_total", ("store_id", "basis", "day", "currency", "orders", "units"),
                         [(store_id, code, day, cur, orders.get((cur, day), 0), n)
                          for (cur, day), n in units.items()])
        window = (store_id, code, first_day, last_day)
        _relist(ORDER_LISTS[0], window, found, spread)
        # only an order of two or more days can sell one SKU on two: its SKUs' days, over all of its lines
        several = sorted({k[1] for k, all_days in spread.items() if len(all_days) > 1 and k in found})
        by_sku = _order_days(store_id, basis, several, days, by_sku=True)
        in_window = {k for k, all_days in by_sku.items() if any(first_day <= d <= last_day for d in all_days)}
        _relist(ORDER_LISTS[1], window, in_window, by_sku)


def _count(pairs: set[tuple]) -> dict[tuple, int]:
    """(..., order, day) → (..., day): how many distinct orders."""
    out: dict[tuple, int] = {}
    for *key, _, day in pairs:
        out[(*key, day)] = out.get((*key, day), 0) + 1
    return out


def _relist(tables: tuple[str, str, tuple[str, ...]], window: tuple[str | int, ...], found: set[tuple],
            spread: dict[tuple, set[int]]) -> None:
    """Replace the listed days of the window's days in one (order table, gap table, key columns): every day
    of each (key, order) found there whose sale lines fall on two or more days, and keep the gaps equal."""
    db = _db()
    p = db.param
    order_table, gap_table, keys = tables
    store_id, code, first_day, last_day = window
    rows = sorted((store_id, code, *k, day) for k, all_days in spread.items()
                  if len(all_days) > 1 and k in found for day in all_days)
    # the listed (key, order)s this changes: those listed on these days before, and those listed now
    columns = ", ".join(f'"{c}"' for c in keys)
    listed = {tuple(r) for r in db.execute_sql(
        f'SELECT DISTINCT {columns}, "order_id" FROM "{order_table}" WHERE "store_id" = {p} '
        f'AND "basis" = {p} AND "day" BETWEEN {p} AND {p}', list(window)).fetchall()}
    listed.update(r[2:-1] for r in rows)
    before = _listed_days(order_table, keys, store_id, code, listed)
    db.execute_sql(f'DELETE FROM "{order_table}" WHERE "store_id" = {p} AND "basis" = {p} '
                   f'AND "day" BETWEEN {p} AND {p}', list(window))
    bulk.insert_rows(db, order_table, ("store_id", "basis", *keys, "order_id", "day"), rows, "ON CONFLICT DO NOTHING")
    _count_gaps(gap_table, keys, store_id, code, before, _listed_days(order_table, keys, store_id, code, listed))


def _listed_days(table: str, keys: tuple[str, ...], store_id: int, code: str, orders: set[tuple]
                 ) -> dict[tuple, list[int]]:
    """(key..., order) → its days listed in the table, in order."""
    db = _db()
    p = db.param
    columns = ", ".join(f'"{c}"' for c in keys)
    out: dict[tuple, list[int]] = {}
    for chunk in chunked(sorted({o[-1] for o in orders}), bulk.SELECT_CHUNK):
        found = db.execute_sql(f'SELECT {columns}, "order_id", "day" FROM "{table}" WHERE "store_id" = {p} '
                               f'AND "basis" = {p} AND "order_id" IN ({", ".join([p] * len(chunk))})',
                               [store_id, code, *chunk]).fetchall()
        for *key, day in found:
            if tuple(key) in orders:
                out.setdefault(tuple(key), []).append(int(day))
    return {k: sorted(v) for k, v in out.items()}


def _count_gaps(table: str, keys: tuple[str, ...], store_id: int, code: str, before: dict[tuple, list[int]],
                after: dict[tuple, list[int]]) -> None:
    """Keep the gap table equal to the listed orders' pairs of consecutive days, counted per (key..., later
    day, days between): the listed days of an order inside a range of days follow one another, so its days
    there beyond the first are the pairs whose two days both lie in the range."""
    delta: dict[tuple, int] = {}
    for sign, listed in ((-1, before), (1, after)):
        for key, order_days in listed.items():
            for earlier, later in zip(order_days, order_days[1:], strict=False):
                k = (*key[:-1], later, later - earlier)
                delta[k] = delta.get(k, 0) + sign
    changed = [(store_id, code, *k, n) for k, n in sorted(delta.items()) if n]
    if not changed:
        return
    db = _db()
    conflict = ", ".join(f'"{c}"' for c in ("store_id", "basis", "day", *keys, "gap"))
    bulk.insert_rows(db, table, ("store_id", "basis", *keys, "day", "gap", "pairs"), changed,
                     f'ON CONFLICT ({conflict}) DO UPDATE SET "pairs" = "{table}"."pairs" + excluded."pairs"')
    db.execute_sql(f'DELETE FROM "{table}" WHERE "store_id" = {db.param} AND "pairs" = 0', [store_id])


def _sale_days(store_id: int, basis: str, lo: int, hi: int, days: Days
               ) -> Iterable[tuple[str, str | None, int, int]]:
    """(currency, order id, local day, units) of the counted sale lines of [lo, hi), per order and day."""
    db = _db()
    p = db.param
    t = time_sql(basis)
    sql = (f'SELECT {t} / {SLOT} AS slot, "currency", "order_id", MIN({t}), MAX({t}), SUM({UNITS_SQL}) '
           f'FROM "{_LINES}" WHERE "store_id" = {p} AND {_counted_sales(basis)} AND {t} >= {p} AND {t} < {p} '
           'GROUP BY slot, "currency", "order_id"')
    with bulk.wrap_errors:
        found = db.execute_sql(sql, [store_id, lo, hi]).fetchall()
    for slot, currency, order_id, first, last, n in found:
        ends = days.of_slot(int(slot), int(first), int(last))
        if ends[0] == ends[1]:
            yield currency, order_id, ends[0], int(n or 0)
            continue
        # the group's lines straddle a local midnight: each line's own day
        line_sql = (f'SELECT {t}, {UNITS_SQL} FROM "{_LINES}" WHERE "store_id" = {p} AND {_counted_sales(basis)} '
                    f'AND {t} >= {p} AND {t} < {p} AND "currency" = {p} AND '
                    + ('"order_id" IS NULL' if order_id is None else f'"order_id" = {p}'))
        params = [store_id, int(first), int(last) + 1, currency] + ([] if order_id is None else [order_id])
        for ms, units in db.execute_sql(line_sql, params).fetchall():
            yield currency, order_id, days.of(int(ms)), int(units or 0)


def _order_days(store_id: int, basis: str, order_ids: list[str], days: Days, by_sku: bool = False
                ) -> dict[tuple, set[int]]:
    """(currency, order), or (currency, SKU, order) `by_sku`, → every local day with a counted sale line of
    the order (of the SKU), over all of its lines."""
    db = _db()
    p = db.param
    t = time_sql(basis)
    # `+"store_id"`: the store's own indexes would scan all its lines; the order id index finds just these
    keys = f'"currency", {SKU_SQL} AS sku, "order_id"' if by_sku else '"currency", "order_id"'
    out: dict[tuple, set[int]] = {}
    for chunk in chunked(order_ids, bulk.SELECT_CHUNK):
        sql = (f'SELECT {t} / {SLOT} AS slot, {keys}, MIN({t}), MAX({t}) FROM "{_LINES}" '
               f'WHERE +"store_id" = {p} AND "order_id" IN ({", ".join([p] * len(chunk))}) '
               f'AND {_counted_sales(basis)} GROUP BY slot, {keys.replace(" AS sku", "")}')
        with bulk.wrap_errors:
            found = db.execute_sql(sql, [store_id, *chunk]).fetchall()
        for slot, *key, first, last in found:
            out.setdefault(tuple(key), set()).update(days.of_slot(int(slot), int(first), int(last)))
    return out


def local_day(t: str, bounds: dict[int, tuple[int | None, int | None]], zone_of: dict[int, str],
              p: str) -> tuple[str, list]:
    """SQL numbering a line's local day (days since 1970-01-01 in its store's zone) and its parameters:
    the store's UTC offset at the line's time, from the offsets over the period (the sales report from
    lines and the totals per SKU work days out alike)."""
    parts: list[str] = []
    params: list = []
    for store_id, (start, end) in bounds.items():
        steps = zones.offsets(zone_of[store_id], start, end)
        inner = " ".join(f"WHEN {t} < {p} THEN {offset}" for (_, offset), (at, _) in zip(steps, steps[1:],
                                                                                          strict=False))
        offset_sql = f"CASE {inner} ELSE {steps[-1][1]} END" if inner else str(steps[-1][1])
        parts.append(f'WHEN "store_id" = {p} THEN {offset_sql}')
        params.extend([store_id, *(at for at, _ in steps[1:])])
    return f"(({t} + CASE {' '.join(parts)} ELSE 0 END) / {zones.DAY_MS})", params

"""Pre-added sales day totals per SKU (migration 0015): per store, basis, local day, currency and SKU, the
distinct orders with a sale line of the SKU, their units and the sums of every category the sales report
reads, so a report by SKU adds up days instead of lines (store/sales_from_totals.py).

Within one day an order counts once per SKU, so the database adds each day up itself: the line's local day
is worked out in SQL from the store's UTC offsets over the days (sales_totals.local_day, the report's own
expression from lines, exact for any offset), and every (day, currency, SKU) with a counted line gets a
row, sale or not, as the report from the lines has one. The days of an order selling one SKU on several
days are listed by store/sales_totals.py in the same step.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from companion.ledger.sales import CATEGORIES
from companion.store import bulk
from companion.store.models import SettlementLine
from companion.store.sales_totals import (
    BASIS_CODE,
    EPOCH_ORDINAL,
    SALE_SQL,
    SKU_SQL,
    UNITS_SQL,
    counted_lines,
    local_day,
    time_sql,
)

_LINES = SettlementLine._meta.table_name
# as integers on both databases (PostgreSQL's SUM of BIGINT is NUMERIC): the rows go back as they come
_FIGURES = (f'COUNT(DISTINCT CASE WHEN {SALE_SQL} THEN "order_id" END)',
            *(f"CAST(SUM({x}) AS BIGINT)" for x in (f"CASE WHEN {SALE_SQL} THEN {UNITS_SQL} ELSE 0 END",
                                                     *(f'"{c}"' for c in CATEGORIES))))


def add_up(store_id: int, zone: ZoneInfo, first_day: int, last_day: int, lo: int, hi: int) -> None:
    """Replace both bases' totals per SKU of local days [first_day, last_day], whose lines lie in [lo, hi) ms."""
    db = SettlementLine._meta.database
    p = db.param
    for basis, code in BASIS_CODE.items():
        t = time_sql(basis)
        day_sql, day_params = local_day(t, {store_id: (lo, hi)}, {store_id: zone.key}, p)
        sql = (f'SELECT {day_sql} AS local_day, "currency", {SKU_SQL} AS sku, {", ".join(_FIGURES)} FROM "{_LINES}" '
               f'WHERE "store_id" = {p} AND {counted_lines(basis)} AND {t} >= {p} AND {t} < {p} '
               'GROUP BY local_day, "currency", sku')
        with bulk.wrap_errors:
            found = db.execute_sql(sql, [*day_params, store_id, lo, hi]).fetchall()
        rows = [(store_id, code, EPOCH_ORDINAL + day, *rest) for day, *rest in found]
        db.execute_sql(f'DELETE FROM "sales_sku_total" WHERE "store_id" = {p} AND "basis" = {p} '
                       f'AND "day" BETWEEN {p} AND {p}', [store_id, code, first_day, last_day])
        bulk.insert_rows(db, "sales_sku_total", ("store_id", "basis", "day", "currency", "sku", "orders", "units",
                                                 *CATEGORIES), rows)

"""The sales report's sums, in SQL: per store, currency, local day / week / month and (optionally) SKU.

Where the pre-added sales totals are stale (store/sales_from_totals.py reads them, by store or by SKU, where
they are fresh, with the same results), reports read the counted lines themselves (reports.counted,
written with the flags as constants so the partial indexes of migration 0005 and the covering ones of
migration 0010 apply).

A line's local day is worked out in SQL from its store's UTC offsets over the period (ledger.zones), so a
store in Los Angeles and one in Shanghai each count their own days, as every other report does. Weeks
start on Monday; a month is the store's calendar month. Lines without a time on the basis (no order and no
settlement time) belong to no day and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from companion.ledger import zones
from companion.ledger.sales import CATEGORIES, SalesSums
from companion.store import bulk
from companion.store.models import SettlementLine
from companion.store.reports import counted, time_expr
from companion.store.sales_totals import EPOCH_ORDINAL, SALE_SQL, SKU_SQL, UNITS_SQL, local_day

DAY_MS = zones.DAY_MS
STEPS = ("day", "week", "month")
_TABLE = SettlementLine._meta.table_name
# a sale line: one that carries gross sales; its units count unless its own refund wiped out the sale
# (the profit report's rule for units sold, store/line_sums.py)
_SALE = SALE_SQL
_UNITS = f"SUM(CASE WHEN {_SALE} THEN {UNITS_SQL} ELSE 0 END)"  # the same wording as the sales totals'
_ORDERS = f'COUNT(DISTINCT CASE WHEN {_SALE} THEN "order_id" END)'


class TooManyRows(Exception):
    """A report would have more rows than asked for: found out before reading them."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


@dataclass(frozen=True)
class SalesRow:
    store_id: int
    currency: str
    sku: str | None
    first_day: date | None  # the day, Monday or 1st of month that starts the row's step; None: the whole period
    sums: SalesSums


def rows(basis: str, bounds: dict[int, tuple[int | None, int | None]], zone_of: dict[int, str],
         step: str | None, by_sku: bool, months: list[date], most: int | None = None) -> list[SalesRow]:
    """`bounds`: store → [start, end) epoch ms (None: open); `zone_of`: store → time zone; `step` None: the
    whole period in one row per store (and SKU); `months`: every 1st of a month the period touches (for the
    month step). `most`: raises TooManyRows, with their count, rather than return more rows than that."""
    if not bounds:
        return []
    db = SettlementLine._meta.database
    p = db.param
    t = time_expr(basis)
    condition, params = counted(basis, bounds, p, literal=True)
    dims = ['"store_id"', '"currency"'] + ([SKU_SQL] if by_sku else [])  # no SKU and '' are one, as in totals
    select = list(dims)
    bucket_params: list = []
    if step is not None:  # each expression of the line's time written once: it is worked out for every line
        if step == "month":
            bucket, bucket_params = _month_start(t, bounds, zone_of, months, p)
        else:
            day_sql, bucket_params = local_day(t, bounds, zone_of, p)
            bucket = day_sql if step == "day" else f"(({day_sql}) + 3) / 7"
        select.append(f"{bucket} AS bucket")
        condition += f" AND {t} IS NOT NULL"
    select += [_ORDERS, _UNITS, *(f'SUM("{c}")' for c in CATEGORIES)]
    grouped = dims + (["bucket"] if step is not None else [])
    sql = f'SELECT {", ".join(select)} FROM "{_TABLE}" WHERE {condition} GROUP BY {", ".join(grouped)}'
    with bulk.wrap_errors:
        found = db.execute_sql(sql + ("" if most is None else f" LIMIT {int(most) + 1}"),
                               [*bucket_params, *params]).fetchall()
        if most is not None and len(found) > most:  # counted, not read: a year of days by SKU is millions
            raise TooManyRows(int(db.execute_sql(f"SELECT COUNT(*) FROM ({sql}) grouped",
                                                 [*bucket_params, *params]).fetchone()[0]))
    out = []
    n = len(dims) + (step is not None)
    for r in found:
        first = None
        if step is not None:
            number = int(r[len(dims)])
            first = date.fromordinal(EPOCH_ORDINAL + (number * 7 - 3 if step == "week" else number))
        sums = SalesSums(int(r[n] or 0), int(r[n + 1] or 0), tuple(int(v or 0) for v in r[n + 2:]))
        out.append(SalesRow(r[0], r[1], (r[2] or None) if by_sku else None, first, sums))
    return out


def orders(basis: str, bounds: dict[int, tuple[int | None, int | None]]) -> dict[tuple[int, str], int]:
    """(store, currency) → distinct orders with a sale line over the whole of each store's bounds: the totals'
    count (the rows' counts do not add up to it: an order may sit in several days or SKUs)."""
    if not bounds:
        return {}
    db = SettlementLine._meta.database
    condition, params = counted(basis, bounds, db.param, literal=True)
    t = time_expr(basis)  # as the rows: a line without a time on the basis belongs to no day
    sql = (f'SELECT "store_id", "currency", COUNT(DISTINCT "order_id") FROM "{_TABLE}" '
           f'WHERE {condition} AND {t} IS NOT NULL AND {_SALE} GROUP BY "store_id", "currency"')
    with bulk.wrap_errors:
        return {(r[0], r[1]): int(r[2] or 0) for r in db.execute_sql(sql, params).fetchall()}


def _month_start(t: str, bounds: dict[int, tuple[int | None, int | None]], zone_of: dict[int, str],
                 months: list[date], p: str) -> tuple[str, list]:
    """SQL giving a line the local day number of the 1st of its month, from the instants each of its store's
    months starts at (the local midnights), and its parameters."""
    starts = [m.toordinal() - EPOCH_ORDINAL for m in months] or [0]
    parts: list[str] = []
    params: list = []
    for store_id in bounds:
        zone = ZoneInfo(zone_of[store_id])
        cuts = [int(datetime.combine(m, time.min, zone).timestamp() * 1000) for m in months[1:]]
        inner = " ".join(f"WHEN {t} < {p} THEN {starts[i]}" for i in range(len(cuts)))
        parts.append(f'WHEN "store_id" = {p} THEN ' + (f"CASE {inner} ELSE {starts[-1]} END" if inner
                                                         else str(starts[-1])))
        params.extend([store_id, *cuts])
    return f"CASE {' '.join(parts)} ELSE 0 END", params

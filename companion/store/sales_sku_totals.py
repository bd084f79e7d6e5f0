"""Pre-added sales day totals per SKU (migration 0015): per store, basis, local day, currency and SKU, the
distinct orders with a sale line of the SKU, their units and the sums of every category the sales report
reads, so a report by SKU adds up days instead of lines (store/sales_from_totals.py).

The orders and units, and the listed days of an order selling one SKU on several days, come from the same
look-ups as the sales totals per store (store/sales_totals.py `add_up`, which returns them); the money is
summed here from the same days' counted lines, and every (day, currency, SKU) with a counted line gets a row,
sale or not, as the report from the lines has one.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from companion.ledger.sales import CATEGORIES
from companion.store import bulk
from companion.store.models import SettlementLine
from companion.store.sales_totals import BASIS_CODE, SKU_SQL, SLOT, Days, counted_lines, time_sql

_LINES = SettlementLine._meta.table_name
_COLUMNS = ", ".join(f'"{c}"' for c in CATEGORIES)
_SUMS = ", ".join(f'SUM("{c}")' for c in CATEGORIES)


def add_up(store_id: int, zone: ZoneInfo, first_day: int, last_day: int, lo: int, hi: int,
           counts: dict[str, dict[tuple[str, str, int], tuple[int, int]]]) -> None:
    """Replace both bases' totals per SKU of local days [first_day, last_day], whose lines lie in [lo, hi) ms;
    `counts`: per basis (currency, SKU, day) → (orders, units), as sales_totals.add_up gives them."""
    db = SettlementLine._meta.database
    p = db.param
    days = Days(zone)
    for basis, code in BASIS_CODE.items():
        money = _money(store_id, basis, lo, hi, days)
        found = counts.get(basis, {})
        zero = [0] * len(CATEGORIES)
        rows = [(store_id, code, day, cur, sku, *found.get((cur, sku, day), (0, 0)),
                 *money.get((cur, sku, day), zero)) for cur, sku, day in sorted(set(money) | set(found))]
        db.execute_sql(f'DELETE FROM "sales_sku_total" WHERE "store_id" = {p} AND "basis" = {p} '
                       f'AND "day" BETWEEN {p} AND {p}', [store_id, code, first_day, last_day])
        bulk.insert_rows(db, "sales_sku_total", ("store_id", "basis", "day", "currency", "sku", "orders", "units",
                                                 *CATEGORIES), rows)


def _money(store_id: int, basis: str, lo: int, hi: int, days: Days) -> dict[tuple[str, str, int], list[int]]:
    """(currency, SKU, local day) → the category sums of the counted lines of [lo, hi)."""
    db = SettlementLine._meta.database
    p = db.param
    t = time_sql(basis)
    where = f'"store_id" = {p} AND {counted_lines(basis)} AND {t} >= {p} AND {t} < {p}'
    sql = (f'SELECT {t} / {SLOT} AS slot, "currency", {SKU_SQL} AS sku, MIN({t}), MAX({t}), {_SUMS} '
           f'FROM "{_LINES}" WHERE {where} GROUP BY slot, "currency", sku')
    out: dict[tuple[str, str, int], list[int]] = {}
    with bulk.wrap_errors:
        found = db.execute_sql(sql, [store_id, lo, hi]).fetchall()
    for slot, currency, sku, first, last, *sums in found:
        ends = days.of_slot(int(slot), int(first), int(last))
        if ends[0] == ends[1]:
            _add(out, (currency, sku, ends[0]), sums)
            continue
        # the group's lines straddle a local midnight: each line's own day
        line_sql = f'SELECT {t}, {_COLUMNS} FROM "{_LINES}" WHERE {where} AND "currency" = {p} AND {SKU_SQL} = {p}'
        for ms, *amounts in db.execute_sql(line_sql, [store_id, int(first), int(last) + 1, currency, sku]).fetchall():
            _add(out, (currency, sku, days.of(int(ms))), amounts)
    return out


def _add(into: dict[tuple[str, str, int], list[int]], key: tuple[str, str, int], sums) -> None:
    """Add one group's sums (PostgreSQL gives them as Decimal, SQLite as int) to those of its key."""
    have = into.get(key)
    if have is None:
        into[key] = [int(v or 0) for v in sums]
    else:
        for i, v in enumerate(sums):
            have[i] += int(v or 0)

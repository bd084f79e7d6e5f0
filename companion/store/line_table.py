"""The Finance view's line tables: settlement lines filtered by period, store and search, sorted and paged
in SQL, so a page of a million lines costs one indexed range scan and a sort of the period's lines.

Only whitelisted columns are sorted on and only bound parameters reach the SQL. Superseded lines never
show (the more detailed lines of the same order replaced them), as in the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from companion.errors import BadInput
from companion.ledger.categories import PLATFORM
from companion.ledger.money import fmt, fmt_units, from_storage
from companion.ledger.zones import offsets
from companion.store.models import SettlementLine, Store
from companion.store.reports import counted, time_expr

MAX_PAGE_SIZE = 500
MAX_SEARCH = 100
SEARCH_IN_ONE_PASS = 5_000  # a search with up to this many matches is counted from its matches
_TABLE = SettlementLine._meta.table_name
_STORE = Store._meta.table_name

# sort key → SQL expression (the table's own columns; the date is the basis's time)
SORTS = {
    "date": None,  # filled per basis
    "order_id": '"l"."order_id"',
    "item_no": '"l"."msku"',
    "sku_id": '"l"."sku_id"',
    "quantity": '"l"."quantity"',
    "settlement_amount": '"l"."settlement_amount"',
    "type": '"l"."status"',
    "store": '"s"."name"',
}
COLUMNS = ("date", "order_id", "item_no", "sku_id", "sku_name", "quantity", "unit_price", "settlement_amount",
           "currency", "type", "store")


class TableError(BadInput):
    """A query the table cannot answer (unknown sort column, page size over the limit)."""


@dataclass
class Query:
    bounds: dict[int, tuple[int | None, int | None]]  # store id → [start, end) epoch ms (None: open)
    basis: str = "settlement"
    sort: str = "date"
    descending: bool = True
    search: str = ""
    page: int = 1
    size: int = 50
    zones: dict[int, str] = field(default_factory=dict)  # store id → time zone, for showing dates

    def check(self) -> None:
        if self.sort not in SORTS:
            raise TableError.of("store_table_sort", sort=self.sort, sorts=", ".join(SORTS))
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise TableError.of("store_table_size", most=MAX_PAGE_SIZE)
        if self.page < 1:
            raise TableError.of("store_table_page")
        if len(self.search) > MAX_SEARCH:
            raise TableError.of("store_table_search", most=MAX_SEARCH)


def _where(q: Query, param: str, bounds: dict | None = None, literal: bool = False) -> tuple[str, list]:
    """The lines the report counts (of `bounds`' stores; all of the query's by default), matching the search."""
    where, params = counted(q.basis, q.bounds if bounds is None else bounds, param, alias="l", literal=literal)
    text = q.search.strip().lower()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cols = ('"l"."order_id"', '"l"."sku_id"', '"l"."msku"', '"l"."sku_name"', '"l"."reference"')
        where += " AND (" + " OR ".join(f"LOWER(COALESCE({c}, '')) LIKE {param} ESCAPE '\\'" for c in cols) + ")"
        params += [like] * len(cols)
    return where, params


_COLUMNS_SQL = ('"l"."id" AS "id", {t} AS "t", "l"."order_id", "l"."msku", "l"."sku_id", "l"."sku_name", '
                '"l"."quantity", "l"."sales", "l"."settlement_amount", "l"."currency", "l"."status", '
                '"s"."name", "l"."store_id"')


def _time(q: Query) -> str:
    expr = time_expr(q.basis)
    return expr.replace('"settled_time"', '"l"."settled_time"').replace('"order_time"', '"l"."order_time"')


def _local(q: Query, t: str, store_id: int) -> str:
    """`t` (epoch ms) as the store's wall-clock time, as the table shows it: lines of stores in different zones
    sort by the times the seller reads, not by the instant (a 10:00 in Los Angeles after a 20:00 in Shanghai of
    the same day would look out of order). Only literal integers reach the SQL."""
    start, end = q.bounds.get(store_id, (None, None))
    steps = offsets(q.zones.get(store_id, "UTC"), start, end)
    if len(steps) == 1:
        return f"({t} + {steps[0][1]})"
    whens = " ".join(f"WHEN {t} < {at} THEN {before}" for (_, before), (at, _) in zip(steps, steps[1:], strict=False))
    return f"({t} + CASE {whens} ELSE {steps[-1][1]} END)"


def _select(q: Query, param: str) -> tuple[str, list]:
    t = _time(q)
    where, params = _where(q, param)
    if q.sort == "date" and len(q.bounds) > 1:
        cases = " ".join(f'WHEN {int(sid)} THEN {_local(q, t, sid)}' for sid in q.bounds)
        sort = f'CASE "l"."store_id" {cases} ELSE {t} END'
    else:
        sort = t if q.sort == "date" else SORTS[q.sort]
    direction = "DESC" if q.descending else "ASC"
    sql = (f'SELECT {_COLUMNS_SQL.format(t=t)} '
           f'FROM "{_TABLE}" AS "l" JOIN "{_STORE}" AS "s" ON "s"."id" = "l"."store_id" '
           f'WHERE {where} ORDER BY {sort} {direction}, "l"."id" {direction}')
    return sql, params


def _count(q: Query, param: str) -> tuple[str, list]:
    """One count per store, added up: each store's count is an index-only scan of the partial index of
    counted lines (migration 0005), where one count over an OR of stores would read every line."""
    parts, params = [], []
    for store_id, bounds in q.bounds.items():
        where, p = _where(q, param, {store_id: bounds}, literal=True)
        parts.append(f'SELECT COUNT(*) AS "c" FROM "{_TABLE}" AS "l" WHERE {where}')
        params += p
    if not parts:
        return "SELECT 0", []
    return f'SELECT SUM("c") FROM ({" UNION ALL ".join(parts)}) AS "counts"', params


def _date_page(q: Query, param: str) -> tuple[str, list]:
    """A page in date order, one store at a time: each store's first `page × size` lines come in index
    order (no sort of the whole period), and only those are merged."""
    t = _time(q)
    direction = "DESC" if q.descending else "ASC"
    take = q.page * q.size
    parts, params = [], []
    for i, (store_id, bounds) in enumerate(q.bounds.items()):
        where, p = _where(q, param, {store_id: bounds}, literal=True)
        # within a store, instant order is wall-clock order; across stores, the merge is by wall-clock time
        parts.append(f'SELECT * FROM (SELECT {_COLUMNS_SQL.format(t=t)}, {_local(q, t, store_id)} AS "lt" '
                     f'FROM "{_TABLE}" AS "l" JOIN "{_STORE}" AS "s" ON "s"."id" = "l"."store_id" WHERE {where} '
                     f'ORDER BY {t} {direction}, "l"."id" {direction} LIMIT {take}) AS "p{i}"')
        params += p
    sql = (f'SELECT * FROM ({" UNION ALL ".join(parts)}) AS "u" ORDER BY "lt" {direction}, "id" {direction} '
           f"LIMIT {param} OFFSET {param}")
    return sql, [*params, q.size, (q.page - 1) * q.size]


def _row(r: tuple, zones: dict[int, str]) -> dict:
    line_id, when, order_id, msku, sku_id, sku_name, qty, sales, amount, currency, status, store, store_id = r[:13]
    shown = ""
    if when is not None:
        instant = datetime.fromtimestamp(when / 1000, UTC).astimezone(ZoneInfo(zones.get(store_id, "UTC")))
        shown = instant.strftime("%Y-%m-%d %H:%M")
    unit = fmt(from_storage(sales) / qty) if qty and sales else ""
    return {"id": line_id, "date": shown, "order_id": order_id or "", "item_no": msku or "", "sku_id": sku_id or "",
            "sku_name": sku_name or "", "quantity": qty, "unit_price": unit, "settlement_amount": fmt_units(amount),
            "currency": currency, "type": status, "store": store}


def page(q: Query) -> dict:
    """One page of lines and how many lines match in all."""
    q.check()
    db = SettlementLine._meta.database
    p = db.param
    if q.search.strip() and q.bounds:
        # A search reads every line of the period once (no index finds text inside IDs and names); its matches
        # are few, so one pass gives both the count and the page instead of a count and a page.
        sql, params = _select(q, p)
        found = db.execute_sql(f"{sql} LIMIT {p}", [*params, SEARCH_IN_ONE_PASS + 1]).fetchall()
        if len(found) <= SEARCH_IN_ONE_PASS:
            rows = found[(q.page - 1) * q.size: q.page * q.size]
            return _page_json(q, len(found), rows)
    sql, params = _count(q, p)
    total = int(db.execute_sql(sql, params).fetchone()[0] or 0)  # PostgreSQL sums counts as numeric
    if not q.bounds:
        rows = []
    elif q.sort == "date":
        sql, params = _date_page(q, p)
        rows = db.execute_sql(sql, params).fetchall()
    else:
        sql, params = _select(q, p)
        rows = db.execute_sql(f"{sql} LIMIT {p} OFFSET {p}", [*params, q.size, (q.page - 1) * q.size]).fetchall()
    return _page_json(q, total, rows)


def _page_json(q: Query, total: int, rows: list[tuple]) -> dict:
    return {"total": total, "page": q.page, "size": q.size, "sort": q.sort, "dir": "desc" if q.descending else "asc",
            "columns": list(COLUMNS), "rows": [_row(r, q.zones) for r in rows]}


def every_row(q: Query, limit: int) -> Iterator[dict]:
    """All matching lines in the table's order, for an export; stops after `limit` rows."""
    q.check()
    db = SettlementLine._meta.database
    sql, params = _select(q, db.param)
    cursor = db.execute_sql(f"{sql} LIMIT {db.param}", [*params, limit])
    while True:
        batch = cursor.fetchmany(2000)
        if not batch:
            return
        for r in batch:
            yield _row(r, q.zones)


def fields_of(line_id: int) -> dict | None:
    """The platform's original fields behind one line (the drill-down) and its category amounts."""
    line = SettlementLine.get_or_none(SettlementLine.id == line_id)
    if line is None:
        return None
    fields = []
    for item in json.loads(line.source_fields or "[]"):
        name, amount = item[0], item[1]
        category = item[2] if len(item) > 2 else None
        unmapped = bool(item[3]) if len(item) > 3 else False
        fields.append({"name": name, "amount": amount, "category": category, "unmapped": unmapped})
    categories = {k: fmt(getattr(line, k)) for k in PLATFORM if getattr(line, k)}
    return {"id": line.id, "store": line.store.name, "order_id": line.order_id, "sku_id": line.sku_id,
            "currency": line.currency, "settlement_amount": fmt(line.settlement_amount),
            "categories": categories, "fields": fields, "extra": json.loads(line.extra or "{}")}

"""Grouped sums for the profit report, computed in SQL so years of lines stay fast.

Lines are grouped by store, currency, SKU (and MSKU or order when the report is by those), settled or
not, and a time slice: `cuts` are the instants (epoch ms) where a new slice starts, per store (month
starts in the store's zone, cost-version dates, days when converting currencies). Superseded lines never
count.
"""

from __future__ import annotations

from datetime import datetime

from peewee import fn

from companion.ledger.categories import PLATFORM
from companion.ledger.engine import Bucket, UnitEstimate
from companion.ledger.money import to_storage
from companion.sources.model import SETTLED
from companion.store import bulk, line_totals
from companion.store.fields import EPOCH, MILLISECOND
from companion.store.line_sums import ESTIMATED_SKU_SQL, SUM_SQL, ZERO_SQL
from companion.store.models import SettlementLine

Bounds = tuple[datetime | None, datetime | None]
_TABLE = SettlementLine._meta.table_name


def ms(when: datetime | None) -> int | None:
    return None if when is None else (when - EPOCH) // MILLISECOND


def time_expr(basis: str) -> str:
    # Order basis counts by order time; a line with none (an adjustment) by its settlement time.
    return '"settled_time"' if basis == "settlement" else 'COALESCE("order_time", "settled_time")'


def counted(basis: str, bounds: dict[int, tuple[int | None, int | None]], p: str, alias: str = "",
            literal: bool = False) -> tuple[str, list]:
    """SQL condition (and its parameters) for the lines a report counts: not superseded, in each store's
    [start, end) on the basis's time, and settled on the settlement basis. `alias`: the table's alias.
    `literal`: the flags written as constants, as the partial indexes of migration 0005 say them, so the
    database can use those indexes (a bound parameter does not prove a partial index's condition)."""
    a = f'"{alias}".' if alias else ""
    t = time_expr(basis).replace('"settled_time"', f'{a}"settled_time"').replace('"order_time"', f'{a}"order_time"')
    params: list = []
    where: list[str] = []
    for store_id, (start, end) in bounds.items():
        part = f'{a}"store_id" = {p}'
        params.append(store_id)
        if start is not None:
            part += f" AND {t} >= {p}"
            params.append(start)
        if end is not None:
            part += f" AND {t} < {p}"
            params.append(end)
        where.append(f"({part})")
    if not where:
        return "1 = 0", []
    if literal:
        condition = f'NOT {a}"superseded" AND ({" OR ".join(where)})'
        if basis == "settlement":
            condition = f"{a}\"status\" = '{SETTLED}' AND " + condition
        return condition, params
    condition = f'{a}"superseded" = {p} AND ({" OR ".join(where)})'
    params.insert(0, False)
    if basis == "settlement":
        condition = f'{a}"status" = {p} AND ' + condition
        params.insert(0, SETTLED)
    return condition, params


def time_range(basis: str, store_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per store: the earliest and latest time of its counted lines (for the `all` period)."""
    if not store_ids:
        return {}
    db = SettlementLine._meta.database
    t = time_expr(basis)
    p = db.param
    sql = (f'SELECT "store_id", MIN({t}), MAX({t}) FROM "{_TABLE}" WHERE "superseded" = {p} AND '
           f'"store_id" IN ({", ".join([p] * len(store_ids))}) GROUP BY "store_id"')
    rows = db.execute_sql(sql, [False, *store_ids]).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows if r[1] is not None}


def buckets(basis: str, by: str, bounds: dict[int, tuple[int | None, int | None]], cuts: dict[int, list[int]],
            by_sku: bool | str = True, zones: dict[int, str] | None = None) -> list[Bucket]:
    """`bounds`: store → [start, end) in epoch ms (None: open); `cuts`: store → sorted slice starts inside.
    `by_sku` False: SKUs are not told apart (a report by store with no costs to apply per SKU); "estimates":
    only for unsettled lines with no amount shown, which the order basis estimates from their SKU.
    `zones`: store → time zone; given, a report by store reads the day totals of stores whose totals are
    fresh (line_totals), and lines for the others."""
    if not bounds:
        return []
    if zones is not None and by == "store" and by_sku is not True:
        fresh = line_totals.usable(bounds, cuts, zones)
        if fresh:
            rest = {s: b for s, b in bounds.items() if s not in fresh}
            return (line_totals.buckets(basis, {s: bounds[s] for s in fresh}, cuts, zones, by_sku)
                    + buckets(basis, by, rest, cuts, by_sku))
    db = SettlementLine._meta.database
    p = db.param
    t = time_expr(basis)
    condition, params = counted(basis, bounds, p)
    slice_sql, slice_params = _slice_expr(t, cuts, p)
    sku = {True: '"sku_id"', False: "NULL", "estimates": ESTIMATED_SKU_SQL}
    dims = ['"store_id"', '"currency"', sku[by_sku]]
    if by == "msku":
        dims.append('"msku"')
    if by == "order":
        dims.append('"order_id"')
    settled = f'CASE WHEN "status" = {p} THEN 1 ELSE 0 END'
    zero = f"CASE WHEN {ZERO_SQL} THEN 1 ELSE 0 END"
    select = [*dims, f"{slice_sql} AS slice", f"{settled} AS settled", f"{zero} AS zero", *SUM_SQL]
    grouped = [d for d in dims if d != "NULL"]
    sql = (f'SELECT {", ".join(select)} FROM "{_TABLE}" WHERE {condition} '
           f'GROUP BY {", ".join(grouped)}, slice, settled, zero')
    all_params = [*slice_params, SETTLED, *params]
    with bulk.wrap_errors:
        rows = db.execute_sql(sql, all_params).fetchall()
    out = []
    n = len(dims)
    for r in rows:
        store_id, currency, sku = r[0], r[1], r[2]
        msku = r[3] if by == "msku" else None
        order = r[3] if by == "order" else None
        slice_no, settled_flag, zero_flag = int(r[n]), bool(r[n + 1]), bool(r[n + 2])
        qty, cost_qty, settlement = int(r[n + 3] or 0), int(r[n + 4] or 0), int(r[n + 5] or 0)
        cats = tuple(int(v or 0) for v in r[n + 6:])
        out.append(Bucket(store_id, currency, sku or None, msku or None, order or None, slice_no, settled_flag,
                          qty, cost_qty, settlement, cats, zero_unsettled=qty if zero_flag else 0))
    return out


def _slice_expr(t: str, cuts: dict[int, list[int]], p: str) -> tuple[str, list]:
    """SQL giving each line its slice number: how many of its store's cuts lie at or before its time."""
    parts: list[str] = []
    params: list = []
    for store_id, store_cuts in cuts.items():
        if not store_cuts:
            continue
        inner = " ".join(f"WHEN {t} < {p} THEN {i}" for i in range(len(store_cuts)))
        parts.append(f'WHEN "store_id" = {p} THEN CASE {inner} ELSE {len(store_cuts)} END')
        params.extend([store_id, *store_cuts])
    if not parts:
        return "0", []
    return f"CASE {' '.join(parts)} ELSE 0 END", params


def last_settled(store_id: int, sku: str, currency: str) -> UnitEstimate | None:
    """The most recent settled line of a SKU with units: what one more unit is estimated to settle at."""
    line = (SettlementLine.select()
            .where((SettlementLine.store == store_id) & (SettlementLine.sku_id == sku)
                   & (SettlementLine.currency == currency) & (SettlementLine.status == SETTLED)
                   & (SettlementLine.superseded == False) & (SettlementLine.quantity > 0))  # noqa: E712
            .order_by(SettlementLine.settled_time.desc(), SettlementLine.id.desc())
            .first())
    if line is None:
        return None

    return UnitEstimate(line.quantity, to_storage(line.settlement_amount),
                        tuple(to_storage(getattr(line, c)) for c in PLATFORM))


def sku_mskus(store_ids: list[int]) -> dict[str, str]:
    """SKU → the seller SKU the platforms' own lines give it."""
    if not store_ids:
        return {}
    query = (SettlementLine.select(SettlementLine.sku_id, SettlementLine.msku).distinct()
             .where(SettlementLine.store.in_(store_ids) & SettlementLine.msku.is_null(False)
                    & SettlementLine.sku_id.is_null(False)))
    return {sku: msku for sku, msku in query.tuples() if sku and msku}


def fee_links(kind: str, store_id: int, target: str, skus: set[str]) -> dict[str, int]:
    """For a product fee, the orders that sold it (→ sales); for an order fee, the order's SKUs (→ sales)."""
    live = (SettlementLine.store == store_id) & (SettlementLine.superseded == False)  # noqa: E712
    if kind == "product":
        query = (SettlementLine.select(SettlementLine.order_id, fn.SUM(SettlementLine.sales).coerce(False))
                 .where(live & SettlementLine.order_id.is_null(False)
                        & (SettlementLine.sku_id.in_(sorted(skus | {target})) | (SettlementLine.msku == target)))
                 .group_by(SettlementLine.order_id))
    else:
        query = (SettlementLine.select(SettlementLine.sku_id, fn.SUM(SettlementLine.sales).coerce(False))
                 .where(live & (SettlementLine.order_id == target) & SettlementLine.sku_id.is_null(False))
                 .group_by(SettlementLine.sku_id))
    return {key: int(units) for key, units in query.tuples() if key and units}  # raw storage units

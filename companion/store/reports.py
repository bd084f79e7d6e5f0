"""Grouped sums for reports, computed in SQL so years of lines stay fast."""

from __future__ import annotations

from datetime import datetime

from peewee import fn

from companion.ledger.categories import PLATFORM
from companion.ledger.money import from_storage
from companion.ledger.report import GroupSums
from companion.sources.model import SETTLED
from companion.store.models import SettlementLine, Store

Bounds = tuple[datetime | None, datetime | None]


def group_sums(basis: str, by: str, bounds: dict[int, Bounds]) -> list[GroupSums]:
    """`bounds`: store id → [start, end) instants of the period in that store's zone."""
    if not bounds:
        return []
    time_col = SettlementLine.settled_time if basis == "settlement" else SettlementLine.order_time
    cond = None
    for store_id, (start, end) in bounds.items():
        c = SettlementLine.store == store_id
        if start is not None:
            c &= time_col >= start
        if end is not None:
            c &= time_col < end
        cond = c if cond is None else (cond | c)
    cond = (SettlementLine.superseded == False) & (cond)  # noqa: E712 - SQL, not Python
    if basis == "settlement":
        cond = (SettlementLine.status == SETTLED) & (cond)
    group_cols = [Store.name]
    key_names = ["account"]
    if by == "order":
        group_cols.append(SettlementLine.order_id)
        key_names.append("order_id")
    elif by == "sku":
        group_cols.append(SettlementLine.sku_id)
        key_names.append("sku_id")
    sums = [fn.SUM(SettlementLine.quantity), fn.SUM(SettlementLine.settlement_amount)]
    sums += [fn.SUM(getattr(SettlementLine, k)) for k in PLATFORM]
    query = (SettlementLine
             .select(*group_cols, SettlementLine.currency, *sums)
             .join(Store)
             .where(cond)
             .group_by(*group_cols, SettlementLine.currency))
    out = []
    for row in query.tuples():
        n = len(group_cols)
        key = {name: ("" if v is None else str(v)) for name, v in zip(key_names, row[:n], strict=True)}
        qty, amount, cats = row[n + 1], row[n + 2], row[n + 3:]
        out.append(GroupSums(
            key=key, currency=row[n], quantity=int(qty or 0), settlement_amount=from_storage(amount),
            categories={k: from_storage(v) for k, v in zip(PLATFORM, cats, strict=True)},
        ))
    return out

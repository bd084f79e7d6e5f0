"""Approximate settlement dates made exact by the statement that settled the line.

A TikTok order-list row, a transaction without a statement time, a SHEIN row counted as paid without a
pay time: each is stored with the capture time, marked `settled_time_approx`, and with the statement
(or bill) that settled it. When that statement's own time is known (a statement list, a bill), the line
takes it, so it counts on the day and in the month the platform settled it, whichever arrived first.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import chunked, fn

from companion.store import line_totals
from companion.store.bulk import SELECT_CHUNK
from companion.store.models import SettlementLine, StatedTotal


def settle_from_statements(store_id: int, statement_ids: Iterable[str], capture_id: str) -> int:
    """Inside the writer's transaction: approximate lines of these statements take the statement's time.
    Returns how many lines changed that this capture did not write (those it wrote are counted already)."""
    changed = 0
    db = SettlementLine._meta.database
    for chunk in chunked(sorted(statement_ids), SELECT_CHUNK):
        of_line = ((StatedTotal.store == store_id) & (StatedTotal.kind == "statement")
                   & (StatedTotal.ref == SettlementLine.statement_id) & StatedTotal.at.is_null(False))
        stated_at = StatedTotal.select(fn.MAX(StatedTotal.at)).where(of_line)
        approx = ((SettlementLine.store == store_id) & (SettlementLine.settled_time_approx == True)  # noqa: E712
                  & SettlementLine.statement_id.in_(list(chunk))
                  & fn.EXISTS(StatedTotal.select(StatedTotal.id).where(of_line)))
        # the day totals of the days these lines leave and of those they move to are stale
        of_statements = f'"statement_id" IN ({", ".join([db.param] * len(chunk))})'
        line_totals.mark_where(store_id, of_statements, list(chunk))
        for written_now in (False, True):
            mine = SettlementLine.capture == capture_id
            query = SettlementLine.update(settled_time=stated_at, settled_time_approx=False)
            done = query.where(approx & (mine if written_now else ~mine)).execute()
            changed += 0 if written_now else done
        line_totals.mark_where(store_id, of_statements, list(chunk))
    return changed

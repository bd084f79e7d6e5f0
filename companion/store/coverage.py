"""Which report (or capture type) brought lines of which store and month: report completeness."""

from __future__ import annotations

from companion.store.models import Coverage


def record(store_id: int, report_type: str, months: dict[str, int], capture_id: str, now_ms: int) -> None:
    """Inside the writer's transaction: one row per (store, month, report type, capture)."""
    for month, lines in months.items():
        (Coverage.insert(store=store_id, month=month, report_type=report_type, capture=capture_id, lines=lines,
                         recorded_at=now_ms)
         .on_conflict(conflict_target=[Coverage.store, Coverage.month, Coverage.report_type, Coverage.capture],
                      update={Coverage.lines: Coverage.lines + lines})  # a file's plans add up
         .execute())


def by_store_month(store_ids: list[int] | None = None) -> dict[tuple[int, str], set[str]]:
    """(store id, month) → the report types seen."""
    query = Coverage.select(Coverage.store, Coverage.month, Coverage.report_type).distinct()
    if store_ids is not None:
        query = query.where(Coverage.store.in_(store_ids))
    out: dict[tuple[int, str], set[str]] = {}
    for store_id, month, report_type in query.tuples():
        out.setdefault((store_id, month), set()).add(report_type)
    return out

"""Idempotent upsert of normalized settlement lines by natural key, and reset."""

from __future__ import annotations

from dataclasses import dataclass, field

from companion.sources.model import SETTLED, Line
from companion.store import bulk, changes, coverage, dating, line_totals, rowplan, stated, stores, supersession
from companion.store.changes import Change
from companion.store.fields import now_utc
from companion.store.models import Order, SettlementLine, Store
from companion.store.rowplan import RowPlan, StorePlan


@dataclass
class WriteResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    changes: list[Change] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    per_store: dict[str, list[int]] = field(default_factory=dict)  # store name → [added, updated]

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]


def apply_lines(lines: list[Line], capture_id: str, source: str) -> WriteResult:
    """Inside the writer's transaction: plan and write in one go (callers that planned already use apply_plan)."""
    return apply_plan(rowplan.plan(lines, capture_id), source)


def apply_plan(plan: RowPlan, source: str, record: bool = True) -> WriteResult:
    """Inside the writer's transaction. Returns counts and one change (rev) per store that changed.
    `record` False: no change is recorded (a file stored in several plans records one at its end)."""
    result = WriteResult(skipped=plan.duplicates)
    now = rowplan.epoch_ms(now_utc())
    for sp in plan.stores:
        store = stores.resolve(sp.store)
        result.accounts.append(store.name)
        restamp = plan.capture_id if any(t[0] in _FILE_TOTALS for t in sp.totals) else None
        added, updated, skipped = _upsert_lines(store.id, sp.rows, now, restamp)
        result.added += added
        result.updated += updated
        result.skipped += skipped
        _upsert_orders(store.id, sp)
        if sp.references and _mixed_families(store, sp.families):
            supersession.refresh(store.id, sp.references)
        if sp.totals:
            stated.record(store.id, sp.totals, plan.capture_id, now)
        if sp.statements:
            dated = dating.settle_from_statements(store.id, sp.statements, plan.capture_id)
            updated += dated  # lines moved to their statement's day: views must refresh
            result.updated += dated
        if sp.months and plan.report_type:
            coverage.record(store.id, plan.report_type, sp.months, plan.capture_id, now)
        counts = result.per_store.setdefault(store.name, [0, 0])
        counts[0] += added
        counts[1] += updated
        if record and (added or updated):
            result.changes.append(changes.record(Change(source, store.name, added, updated)))
    return result


def record_changes(source: str, per_store: dict[str, list[int]]) -> list[Change]:
    """One change per store that gained or changed lines (for a file written in several plans)."""
    return [changes.record(Change(source, name, added, updated))
            for name, (added, updated) in per_store.items() if added or updated]


def _mixed_families(store: Store, families: set[str]) -> bool:
    """Whether this store has lines of more than one source family (remembering the new ones)."""
    known = set(store.families.split())
    if not families <= known:
        known |= families
        store.families = " ".join(sorted(known))
        store.save(only=[Store.families])
    return len(known) > 1


_LINE_TABLE = SettlementLine._meta.table_name
_INSERT_COLUMNS = ("store_id", *rowplan.ROW_COLUMNS, "created_at", "updated_at", "superseded")
_UPDATE_COLUMNS = (*rowplan.ROW_COLUMNS, "updated_at")
_KNOWN_COLUMNS = ("natural_key", "id", "digest", "status", "settled_time", "settled_time_approx", "order_time")


# Totals a file states about its own rows: reconcile checks them against the lines that file last brought
# (SettlementLine.capture), so a file stating one claims its unchanged lines too (`restamp`).
_FILE_TOTALS = ("file_total", "file_statement")


def _upsert_lines(store_id: int, rows: dict[str, tuple], now: int,
                  restamp: str | None = None) -> tuple[int, int, int]:
    """`restamp`: the capture of a file that states a total of its rows; the lines it leaves unchanged are
    marked as its own (their capture only: no change, no stale day), so importing the file again, or a later
    export of the whole month over an earlier part of it, is reconciled against every line it holds."""
    db = SettlementLine._meta.database
    claimed: list[tuple[str, int]] = []
    known = {r[0]: r[1:] for r in bulk.select_in(db, _LINE_TABLE, _KNOWN_COLUMNS, "store_id", store_id,
                                                   "natural_key", list(rows))}
    inserts, updates, skipped = [], [], 0
    times: list[tuple[int | None, int | None]] = []  # of every line written, before and after: stale day totals
    for key, row in rows.items():
        old = known.get(key)
        if old is None:
            inserts.append((store_id, *row, now, now, False))
            times.append((row[rowplan.SETTLED_TIME], row[rowplan.ORDER_TIME]))
            continue
        line_id, old_digest, old_status, old_settled, old_approx, old_ordered = old
        if old_digest == row[rowplan.DIGEST] or (old_status == SETTLED and row[rowplan.STATUS] != SETTLED):
            skipped += 1  # unchanged, or a stale in-transit view of a line already settled
            if restamp is not None:
                claimed.append((restamp, line_id))
            continue
        if row[rowplan.SETTLED_APPROX] and old_status == SETTLED and old_settled is not None:
            # Still settled, and this capture only knows "settled by now": keep the time first recorded.
            row = list(row)
            row[rowplan.SETTLED_TIME], row[rowplan.SETTLED_APPROX] = old_settled, bool(old_approx)
        updates.append((*row, now, line_id))
        times += [(old_settled, old_ordered), (row[rowplan.SETTLED_TIME], row[rowplan.ORDER_TIME])]
    line_totals.mark_times(store_id, times)
    bulk.insert_rows(db, _LINE_TABLE, _INSERT_COLUMNS, inserts)
    bulk.update_rows(db, _LINE_TABLE, _UPDATE_COLUMNS, updates)
    bulk.update_rows(db, _LINE_TABLE, ("capture",), claimed)
    return len(inserts), len(updates), skipped


_ORDER_TABLE = Order._meta.table_name
# A new order is added; a known one only gains its placed time if it had none.
_ORDER_UPSERT = (f'ON CONFLICT ("store_id", "order_id") DO UPDATE SET "placed_at" = excluded."placed_at" '
                 f'WHERE "{_ORDER_TABLE}"."placed_at" IS NULL AND excluded."placed_at" IS NOT NULL')


def _upsert_orders(store_id: int, sp: StorePlan) -> None:
    """One `order` row per order with its placed time. Order lines are not copied from the settlement
    lines here: the lines already carry SKU, quantity and seller SKU, and a copy per line would cost
    every sync a fifth more time to write."""
    if not sp.orders:
        return
    db = Order._meta.database
    bulk.insert_rows(db, _ORDER_TABLE, ("store_id", "order_id", "placed_at", "currency"),
                     [(store_id, oid, placed, cur) for oid, (placed, cur) in sp.orders.items()], _ORDER_UPSERT)


def reset(store_name: str | None) -> WriteResult:
    """Delete settlement lines of one store (by name) or of all stores: one change either way."""
    query = SettlementLine.delete()
    targets = [stores.by_name(store_name)] if store_name is not None else stores.all_stores()
    if store_name is not None:
        query = query.where(SettlementLine.store == targets[0].id)
    for store in targets:
        line_totals.mark_store(store.id)
    result = WriteResult()
    removed = query.execute()
    if removed:
        result.changes.append(changes.record(Change("reset", store_name, removed=removed)))
    return result


def count_lines(store_name: str | None = None) -> int:
    q = SettlementLine.select()
    if store_name:
        q = q.join(Store).where(Store.name == store_name)
    return q.count()


def count_records(store_name: str | None) -> int:
    """What a reset of that store (by name; None: every store) would delete; an unknown name raises."""
    query = SettlementLine.select()
    if store_name is not None:
        query = query.where(SettlementLine.store == stores.by_name(store_name).id)
    return query.count()

"""Totals the platforms state about their own data (a statement's amount, the on-hold total, a list's
record count), kept to reconcile stored lines against. The latest statement of each wins."""

from __future__ import annotations

import json

from companion.ledger.money import from_storage
from companion.store.models import StatedTotal


def record(store_id: int, totals: list[tuple], capture_id: str, now_ms: int) -> None:
    """Inside the writer's transaction. `totals`: (kind, ref, scope JSON, amount units, currency, count, at ms)."""
    for kind, ref, scope, amount, currency, count, at in totals:
        if kind == "statement" and ref:
            scope = _one_statement(store_id, ref, scope)
        row = {"store": store_id, "kind": kind, "ref": ref, "scope": scope, "amount": _units(amount),
               "currency": currency, "count": count, "at": at, "capture": capture_id, "recorded_at": now_ms}
        (StatedTotal.insert(**row)
         .on_conflict(conflict_target=[StatedTotal.store, StatedTotal.kind, StatedTotal.ref, StatedTotal.scope],
                      update={k: row[k] for k in ("amount", "currency", "count", "at", "capture", "recorded_at")})
         .execute())


def _one_statement(store_id: int, ref: str, scope: str) -> str:
    """One statement is one total: what earlier captures said of it (its reserve from the statement list, its
    payment status from the statements endpoint) is kept under what this one says, and the earlier rows go,
    so a payment status that moved on does not leave the statement standing twice."""
    earlier = list(StatedTotal.select(StatedTotal.id, StatedTotal.scope)
                   .where((StatedTotal.store == store_id) & (StatedTotal.kind == "statement")
                          & (StatedTotal.ref == ref)).order_by(StatedTotal.recorded_at, StatedTotal.id))
    if not earlier:
        return scope
    merged: dict[str, str] = {}
    for row in earlier:
        merged.update(dict(json.loads(row.scope)) if row.scope else {})
    merged.update(dict(json.loads(scope)) if scope else {})
    out = json.dumps(sorted([k, v] for k, v in merged.items()), ensure_ascii=False, separators=(",", ":")) \
        if merged else ""
    StatedTotal.delete().where(StatedTotal.id.in_([r.id for r in earlier if r.scope != out])).execute()
    return out


def _units(amount: int | None):
    """Amounts arrive in storage units already; MoneyField would scale them again."""

    return None if amount is None else from_storage(amount)

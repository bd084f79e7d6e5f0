"""Totals the platforms state about their own data (a statement's amount, the on-hold total, a list's
record count), kept to reconcile stored lines against. The latest statement of each wins."""

from __future__ import annotations

from companion.ledger.money import from_storage
from companion.store.models import StatedTotal


def record(store_id: int, totals: list[tuple], capture_id: str, now_ms: int) -> None:
    """Inside the writer's transaction. `totals`: (kind, ref, scope JSON, amount units, currency, count, at ms)."""
    for kind, ref, scope, amount, currency, count, at in totals:
        row = {"store": store_id, "kind": kind, "ref": ref, "scope": scope, "amount": _units(amount),
               "currency": currency, "count": count, "at": at, "capture": capture_id, "recorded_at": now_ms}
        (StatedTotal.insert(**row)
         .on_conflict(conflict_target=[StatedTotal.store, StatedTotal.kind, StatedTotal.ref, StatedTotal.scope],
                      update={k: row[k] for k in ("amount", "currency", "count", "at", "capture", "recorded_at")})
         .execute())


def _units(amount: int | None):
    """Amounts arrive in storage units already; MoneyField would scale them again."""

    return None if amount is None else from_storage(amount)

"""The change log: one rev per committed change to settlement data, so views can tell what they missed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from peewee import fn

from companion.store import notify
from companion.store.fields import now_utc
from companion.store.models import ChangeLog

EVENT = "tk-settlement.updated"


@dataclass
class Change:
    source: str
    account: str | None
    added: int = 0
    updated: int = 0
    removed: int = 0
    rev: int = 0
    at: datetime = field(default_factory=now_utc)

    def event(self) -> dict:
        """The contract's event, plus `at`: when the change was committed (ISO 8601, UTC)."""
        return {
            "event": EVENT, "account": self.account, "added": self.added, "updated": self.updated,
            "removed": self.removed, "rev": self.rev, "at": self.at.isoformat(),
        }


def current_rev() -> int:
    return ChangeLog.select(fn.COALESCE(fn.MAX(ChangeLog.rev), 0)).scalar() or 0


def record(change: Change) -> Change:
    """Inside the writer's transaction: the next rev, committed with the change itself (on PostgreSQL, with a
    NOTIFY of it that the other daemons on the database hear once it is committed)."""
    change.rev = current_rev() + 1
    change.at = now_utc()
    ChangeLog.create(
        rev=change.rev, at=change.at, source=change.source, account=change.account,
        added=change.added, updated=change.updated, removed=change.removed,
    )
    notify.notify(ChangeLog._meta.database, change.rev)
    return change


def since(rev: int, limit: int = 1000) -> list[dict]:
    rows = ChangeLog.select().where(ChangeLog.rev > rev).order_by(ChangeLog.rev).limit(limit)
    return [Change(r.source, r.account, r.added, r.updated, r.removed, r.rev, r.at).event() for r in rows]

"""Events about the shared data besides settlement changes, for the other daemons on one PostgreSQL schema.

A store renamed, settings saved, a schedule set, the data replaced by a restore or a cloud pull: what the
daemon that made the change publishes to its own views must reach the views of every other daemon on the
schema too. The change's own transaction adds a row here (the events, as a JSON list) and sends
`NOTIFY <channel>, 'e<id>'`, so nothing is heard of a change that rolled back. The rows are read by id (the
schema's write turn, companion/store/locks.py, makes ids rise in commit order), so a daemon that missed
notifications while it reconnected reads what it missed, each once and in order (companion/core/
change_feed.py). Only the newest KEEP rows are kept: a daemon further behind reloads its views instead.
Never backed up or restored (companion/backup/snapshot.py SKIPPED). On SQLite, with one daemon per file,
nothing is written.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from peewee import fn

from companion.store import notify
from companion.store.models import TeamEvent

ORIGIN = uuid.uuid4().hex  # this process: its own rows were published here already
KEEP = 1000
RELOAD = "app.reload"


@dataclass
class Shared:
    id: int
    origin: str
    events: list[dict]

    @property
    def replaces(self) -> bool:
        """A restore or a cloud pull: the data was replaced, and its revs may have begun again."""
        return any(e.get("event") == RELOAD for e in self.events)


def share(events: list[dict]) -> None:
    """Inside the transaction that makes the change (the writer's or an offline command's): the other daemons
    on the schema hear of it once it is committed. Nothing on SQLite."""
    db = TeamEvent._meta.database
    if notify.postgres(db) is None or not events:
        return
    row = TeamEvent.create(origin=ORIGIN, events=json.dumps(events, ensure_ascii=False))
    TeamEvent.delete().where(TeamEvent.id <= row.id - KEEP).execute()
    notify.notify_event(db, row.id)


def current_id() -> int:
    return TeamEvent.select(fn.COALESCE(fn.MAX(TeamEvent.id), 0)).scalar() or 0


def since(after: int, limit: int) -> tuple[list[Shared], bool]:
    """The rows after id `after`, oldest first, and whether some after it were pruned already (the reader
    was more than KEEP events behind)."""
    rows = [Shared(r.id, r.origin, json.loads(r.events))
            for r in TeamEvent.select().where(TeamEvent.id > after).order_by(TeamEvent.id).limit(limit)]
    return rows, bool(rows) and after < current_id() - KEEP

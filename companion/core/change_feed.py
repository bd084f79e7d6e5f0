"""`tk-settlement.updated` once per rev, in rev order, whether this daemon or another one made the change.

On PostgreSQL several daemons may write one database. Each hears the others' commits (companion/store/notify.py)
as a bare rev and reads the change log after the last rev it published; its own writer's events arrive here too.
Everything runs on the event loop, so `last` has one owner: an event at or below it was published already (a
change of ours that the log read found first, or the other way round) and is dropped. A local event above
`last + 1` means a change of another daemon came between, not heard yet: the log read publishes both, in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from companion.core.events import EventBus
from companion.store import changes

log = logging.getLogger(__name__)
BATCH = 1000  # change-log rows read at once; a catch-up reads batch after batch until it is done


class ChangeFeed:
    def __init__(self, bus: EventBus, read: Callable[..., Awaitable]) -> None:
        self.bus = bus
        self._read = read  # Service.read: a read thread, reconnecting after a lost connection
        self.last: int | None = None  # the highest rev published; None until known
        self._task: asyncio.Task | None = None
        self._again = False

    def local(self, events: list[dict]) -> None:
        """This daemon's writer's events, after commit (on the loop)."""
        for event in events:
            rev = event.get("rev") if event.get("event") == changes.EVENT else None
            if not isinstance(rev, int):
                self.bus.publish(event)
            elif self.last is None or rev == self.last + 1:
                self._publish(event)
            elif rev > self.last:
                self.heard(rev)

    def replaced(self, events: list[dict]) -> None:
        """A restore's or a cloud pull's events: the database was replaced, its revs may have begun again."""
        for event in events:
            if event.get("event") == changes.EVENT and isinstance(event.get("rev"), int):
                self.last = event["rev"]
            self.bus.publish(event)

    def heard(self, rev: int | None) -> None:
        """A commit somewhere (`rev`), or None: the listening connection is new, changes may have been missed."""
        if rev is not None and self.last is not None and rev <= self.last:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._catch_up())

    def _publish(self, event: dict) -> None:
        self.last = event["rev"]
        self.bus.publish(event)

    async def _catch_up(self) -> None:
        try:
            if self.last is None:
                now = await self._read(changes.current_rev)
                self.last = now if self.last is None else max(self.last, now)  # a local event may have come
            while True:
                self._again = False
                rows = await self._read(changes.since, self.last, BATCH)
                for event in rows:
                    if event["rev"] > self.last:
                        self._publish(event)
                if len(rows) < BATCH and not self._again:
                    return
        except Exception as exc:  # the database is away: the next notification or reconnect catches up
            log.warning("changes of other daemons: reading the change log failed (%s)", exc)

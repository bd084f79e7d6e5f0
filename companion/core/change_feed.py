"""`tk-settlement.updated` once per rev, in rev order, whether this daemon or another one made the change; and
the other events about shared data (companion/store/team_events.py) that another daemon published.

On PostgreSQL several daemons may write one database. Each hears the others' commits (companion/store/notify.py)
as a bare rev or team event id, and reads the change log after the last rev it published and the team events
after the last id it read; its own writer's events arrive here too. Everything runs on the event loop, so `last`
and `last_event` have one owner: an event at or below `last` was published already (a change of ours that the
log read found first, or the other way round) and is dropped. A local event above `last + 1` means a change of
another daemon came between, not heard yet: the log read publishes both, in order.

A restore or a cloud pull replaces the data, change log included, so revs may begin again below `last`: its
team event carries the restore's change event and `app.reload`; reading it sets `last` to that rev (the change
log rows read with it belong to the data replaced and are dropped) and the log is read again from there. This
holds for the daemon that restored too: on PostgreSQL it publishes those events only when it reads them here,
in their place among the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from companion.core.events import EventBus
from companion.store import changes, team_events

log = logging.getLogger(__name__)
BATCH = 1000  # change-log rows read at once; a catch-up reads batch after batch until it is done


def _read_both(last: int | None, last_event: int | None, limit: int) -> tuple:
    """On a read thread: what the feed does not know yet. The change log is read before the team events: a
    restore committed between the two reads is then found in the second, and the rows of the first dropped."""
    if last is None:
        last = changes.current_rev()
    rows = changes.since(last, limit)
    if last_event is None:
        return last, rows, team_events.current_id(), [], False
    shared, lost = team_events.since(last_event, limit)
    return last, rows, last_event, shared, lost


class ChangeFeed:
    def __init__(self, bus: EventBus, read: Callable[..., Awaitable]) -> None:
        self.bus = bus
        self._read = read  # Service.read: a read thread, reconnecting after a lost connection
        self.last: int | None = None  # the highest rev published; None until known
        self.last_event: int | None = None  # the highest team event id read; None until known
        # what to do with another daemon's events (not settlement changes): the Service follows some itself
        self.shared: Callable[[dict], None] = bus.publish
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

    def heard(self, rev: int | None, event: int | None = None) -> None:
        """A commit somewhere (`rev`, or team event `event`), or neither: the listening connection is new,
        changes may have been missed."""
        if rev is not None or event is not None:
            new_rev = rev is not None and (self.last is None or rev > self.last)
            new_event = event is not None and (self.last_event is None or event > self.last_event)
            if not (new_rev or new_event):
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
            while True:
                self._again = False
                known = self.last
                start, rows, self.last_event, shared, lost = await self._read(
                    _read_both, self.last, self.last_event, BATCH)
                if known is None:  # a local event may have come meanwhile
                    self.last = start if self.last is None else max(self.last, start)
                again = self._follow(shared, lost)
                if again:  # the data was replaced: the rows read belong to what it replaced
                    rows = []
                for event in rows:
                    if event["rev"] > self.last:
                        self._publish(event)
                if len(rows) < BATCH and len(shared) < BATCH and not self._again and not again:
                    return
        except Exception as exc:  # the database is away: the next notification or reconnect catches up
            log.warning("changes of other daemons: reading the change log failed (%s)", exc)

    def _follow(self, shared: list[team_events.Shared], lost: bool) -> bool:
        """Another daemon's events, in the order they were committed; True when one replaced the data."""
        replaced = False
        if lost:  # more than the kept events were missed: what they said is unknown, so every view reloads
            log.warning("changes of other daemons: more than %d events were missed; the views reload",
                        team_events.KEEP)
            self.bus.publish({"event": team_events.RELOAD, "reason": "missed"})
            self.last, replaced = None, True  # and the feed starts again from the current rev
        for row in shared:
            self.last_event = row.id
            if row.replaces:  # this daemon's own too: on PostgreSQL, Service.announce leaves them to the feed
                self.replaced(row.events)
                replaced = True
            elif row.origin != team_events.ORIGIN:  # ours were published when this daemon made the change
                for event in row.events:
                    self.shared(event)
        return replaced

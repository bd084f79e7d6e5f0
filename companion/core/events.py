"""Event bus: publish after commit, fan out to every open view socket without blocking the publisher."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable

log = logging.getLogger(__name__)
QUEUE_LIMIT = 1000


class Subscriber:
    """One view socket's queue; a view too slow to keep up is dropped rather than slowing everyone."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False

    def offer(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.overflowed = True
            log.warning("events: a view fell %d events behind and will be disconnected", QUEUE_LIMIT)


class EventBus:
    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: list[Callable[[dict], None]] = []

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(self) -> Subscriber:
        sub = Subscriber()
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def add_listener(self, fn: Callable[[dict], None]) -> None:
        """In-process listeners (tray, scheduler) see every event too."""
        self._listeners.append(fn)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def publish(self, event: dict) -> None:
        """Call on the event loop's thread."""
        text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        for sub in list(self._subscribers):
            sub.offer(text)
        for fn in self._listeners:
            try:
                fn(event)
            except Exception:
                log.exception("event listener failed")

    def publish_threadsafe(self, events: list[dict]) -> None:
        """From the writer thread: queued on the loop in commit order."""
        if self._loop is None or not events:
            return
        for event in events:
            self._loop.call_soon_threadsafe(self.publish, event)


class ProgressEvents:
    """An operation's Progress (companion/store/progress.py) as `progress` events on the bus, for the views and
    for a CLI that follows the operation it started (cli/client.call_following): each names the operation
    (`op`: the caller's progress_id, else made here) and its `kind` (import, restore…). Called from the loop or
    from the writer's thread; throttled by the operation. `end` sends the last event, after every report."""

    def __init__(self, bus: EventBus, kind: str, op: object = None, name: str = "") -> None:
        self.bus, self.kind, self.name = bus, kind, name
        self.op = op if isinstance(op, str) and 0 < len(op) <= 64 else uuid.uuid4().hex

    def _event(self, **fields) -> dict:
        return {"event": "progress", "op": self.op, "kind": self.kind, "name": self.name, **fields}

    def __call__(self, done: int, total: int | None, unit: str, stage: str) -> None:
        self.bus.publish_threadsafe([self._event(stage=stage, done=done, total=total, unit=unit)])

    def end(self, ok: bool) -> None:
        self.bus.publish_threadsafe([self._event(end=True, ok=ok)])

    def __enter__(self) -> ProgressEvents:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.end(exc is None)

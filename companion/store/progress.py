"""Progress of long work (import, reparse, backup, restore, cloud push/pull) in one vocabulary.

An operation reports `(done, total, unit, stage)` to a `Progress` callback and knows nothing of who listens:
the CLI draws a bar on a terminal (companion/cli/progress.py), the daemon publishes `progress` events to the
views and to a CLI that follows them (companion/core/events.py). It lives here, below every package that
reports progress (pipeline, backup, cloud), and does no I/O. `Throttled` keeps the listener's cost bounded
whatever the operation's pace: a tight loop may call it per row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal, Protocol

Unit = Literal["rows", "bytes"]
INTERVAL = 0.1  # seconds: at most ~10 reports a second reach the listener


class Progress(Protocol):
    def __call__(self, done: int, total: int | None, unit: Unit, stage: str) -> None:
        """`done` of `total` (None: not known yet) `unit`s of `stage` ("import", "backup", "upload"…)."""


def silent(done: int, total: int | None, unit: Unit, stage: str) -> None:
    """Nobody listens (a test, a scheduled backup)."""


class Throttled:
    """Passes at most one report per `interval` to `inner`; the first report of a stage and the last one
    (done == total) always pass, so a listener sees each stage start and the work end at its total."""

    def __init__(self, inner: Progress, interval: float = INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner, self.interval, self.clock = inner, interval, clock
        self._last = float("-inf")
        self._stage: str | None = None

    def __call__(self, done: int, total: int | None, unit: Unit, stage: str) -> None:
        now = self.clock()
        final = total is not None and done >= total
        if final or stage != self._stage or now - self._last >= self.interval:
            self._last, self._stage = now, stage
            self.inner(done, total, unit, stage)


def throttled(progress: Progress | None) -> Progress:
    """The operation's own callback: `progress` throttled, or silent when none is given."""
    if progress is None:
        return silent
    return progress if isinstance(progress, Throttled) else Throttled(progress)

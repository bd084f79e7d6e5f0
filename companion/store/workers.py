"""Where an operation's parts run. An operation (import, reparse, seller figures, restore, cloud pull) is written
once against `Workers`; the daemon's Service runs its reads on a thread pool, its parsing in the parsing
processes and its writes on the one writer, then announces the changes to open views; `Inline` runs the same
operation in a CLI process with no daemon, where that process is the only writer and nobody listens.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Protocol, TypeVar

from peewee import Database

from companion.store.writer import run_inline

T = TypeVar("T")


class Workers(Protocol):
    db: Database

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """A read (or file I/O) off the caller's loop."""

    async def parse(self, fn: Callable[..., T], *args: Any) -> T:
        """CPU work on plain data (decoding, adapters, row planning)."""

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """One transaction on the one writer."""

    def announce(self, events: Iterable[dict]) -> None:
        """Tell open views what changed (events that a write's after-commit hook does not send itself)."""


class Inline:
    """The Workers of a CLI command run with no daemon: everything in this process, in order."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    async def parse(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        return run_inline(self.db, fn, *args)

    def announce(self, events: Iterable[dict]) -> None:
        """No daemon, so no open view to tell; a view opened later reads the new state."""


def complete(operation: Coroutine[Any, Any, T]) -> T:
    """The result of an operation run on `Inline` workers, whose awaits never suspend: the CLI (and a test)
    calls the one async operation without an event loop of its own, or from inside one."""
    try:
        operation.send(None)
    except StopIteration as done:
        return done.value
    operation.close()
    raise RuntimeError("an operation on Inline workers waited on something; it must run on an event loop")

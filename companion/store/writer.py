"""The one writer: every change to the database runs here, one transaction at a time.

SQLite allows one writer; funnelling writes through one thread means captures, imports, edits and
resets queue instead of failing with "database is locked", and `rev` rises in commit order.
"""

from __future__ import annotations

import asyncio
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, TypeVar

from peewee import Database, InterfaceError, OperationalError

from companion.store import locks, roles
from companion.store.connection import connection_lost, drop_connection
from companion.store.upkeep import Upkeep

log = logging.getLogger(__name__)
T = TypeVar("T")
_STOP = object()
IDLE_AFTER = 1.0  # seconds without a job before idle work (rebuilding day totals) runs


class Writer:
    def __init__(self, db: Database, after_commit: Callable[[Any], None] | None = None,
                 idle: Callable[[], bool] | None = None) -> None:
        """`after_commit(result)` runs on the writer thread right after each commit, in commit order.
        `idle()` runs in a transaction of its own once no job has come for IDLE_AFTER seconds, and again at
        once while it returns True and no job waits: work that must not delay a sync (day totals)."""
        self._db = db
        self._after_commit = after_commit
        self._idle = idle
        self._idle_wait: float | None = IDLE_AFTER if idle else None  # None: nothing to do until a job
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._upkeep = Upkeep(db)
        self._team_wrote_at = -math.inf  # monotonic time another daemon last committed to this schema

    def start(self) -> None:
        if roles.read_only(self._db):  # a viewer's daemon: no writes come, and no upkeep or idle work either
            self._idle, self._idle_wait = None, None
        else:
            self._upkeep.start()
        self._thread = threading.Thread(target=self._loop, name="shoptally-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(_STOP)
            self._thread.join()
            self._thread = None
        self._upkeep.stop()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        fut: Future[T] = Future()
        if self._thread is None:
            raise RuntimeError("writer is not running")
        self._jobs.put((fn, args, fut))
        return fut

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self.submit(fn, *args))

    def team_committed(self) -> None:
        """Another daemon committed to this schema (PostgreSQL's NOTIFY; any thread). Idle work waits until the
        whole team has been quiet for IDLE_AFTER, as it waits for this daemon's own jobs: a teammate's sync
        is a stream of commits, and rebuilding day totals between them would take the write turn from it."""
        self._team_wrote_at = time.monotonic()

    def _loop(self) -> None:
        self._db.connect(reuse_if_open=True)
        self._upkeep.configure_writer()
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=self._idle_wait)
                except queue.Empty:
                    self._run_idle()
                    continue
                if job is _STOP:
                    return
                fn, args, fut = job
                if not fut.set_running_or_notify_cancel():
                    continue
                try:
                    result = self._transaction(fn, args)
                except BaseException as exc:  # the caller gets it; the writer goes on
                    if isinstance(exc, (InterfaceError, OperationalError)):
                        self._reconnect()
                    fut.set_exception(exc)
                    continue
                self._upkeep.committed()
                if self._idle is not None:
                    self._idle_wait = IDLE_AFTER
                if self._after_commit is not None:
                    try:
                        self._after_commit(result)
                    except Exception:
                        log.exception("after-commit hook failed")
                fut.set_result(result)
        finally:
            self._db.close()

    def _transaction(self, fn: Callable[..., T], args: tuple) -> T:
        """`fn(*args)` in one transaction. A connection the server dropped while the writer waited (PostgreSQL
        restarted) fails the BEGIN, before `fn` ran: the writer reconnects and runs the job then. A job that
        had started is never run twice; it fails, and the next job finds a new connection."""
        started = False
        try:
            with write_transaction(self._db):
                started = True
                return fn(*args)
        except (InterfaceError, OperationalError) as exc:
            if started or not connection_lost(self._db, exc):
                raise
            log.warning("writer: the database connection was lost; reconnecting")
            self._reconnect()
        with write_transaction(self._db):
            return fn(*args)

    def _run_idle(self) -> None:
        assert self._idle is not None
        quiet_for = time.monotonic() - self._team_wrote_at
        if quiet_for < IDLE_AFTER:  # a teammate is writing: come back once the team has been quiet
            self._idle_wait = IDLE_AFTER - quiet_for
            return
        try:
            with write_transaction(self._db, wait=False) as turn:
                more = self._idle() if turn else None
            if more is None:  # another daemon holds the write turn: try again a little later
                self._idle_wait = IDLE_AFTER
                return
        except Exception as exc:  # idle work must never stop the writer; it is tried again after the next job
            log.warning("writer: idle work failed (%s); it is tried again after the next change", exc)
            if isinstance(exc, (InterfaceError, OperationalError)):
                self._reconnect()
            more = False
        else:
            self._upkeep.committed()
        self._idle_wait = 0 if more else None

    def _reconnect(self) -> None:
        """A lost server connection (PostgreSQL restarted) must not wedge the writer: the next job reconnects."""
        drop_connection(self._db)
        try:
            self._db.connect()
            self._upkeep.configure_writer()
        except Exception:
            log.warning("writer: the database is not reachable yet; the next job tries again")


def run_inline(db: Database, fn: Callable[..., T], *args: Any) -> T:
    """The same transaction discipline for offline CLI commands, where this process is the only writer."""
    with write_transaction(db):
        return fn(*args)


@contextmanager
def write_transaction(db: Database, wait: bool = True) -> Iterator[bool]:
    """One write transaction, with this schema's write turn on PostgreSQL (another daemon's writes to it wait
    until it commits): two daemons storing the same capture store its lines once, and revs stay in order.
    With `wait=False` the turn is taken only if it is free, and the block is told whether it holds it (work
    that can wait must write nothing without it). Connected as a team's viewer, every write is refused here,
    in one sentence, before anything is begun."""
    roles.refuse_if_read_only(db)
    with db.atomic():
        if wait:
            locks.writing(db)
            yield True
        else:
            yield locks.writing_if_free(db)

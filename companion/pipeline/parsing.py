"""The parsing processes: decoding captures, running adapters and planning rows, off the daemon's GIL.

That work is pure CPU. Done in the daemon's own process it competes with the event loop and the one
writer for a single interpreter lock, and a sync slows to what one core can do. In separate processes
it runs beside them; only plain data (the frame text in, the planned rows out) crosses over.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from companion.errors import Unprocessable

log = logging.getLogger(__name__)
T = TypeVar("T")
ENV = "SHOPTALLY_PARSE_PROCESSES"


class ParserCrashed(Unprocessable):
    """A parsing process died on this input twice (out of memory, say); the input is refused."""


def default_processes(env: dict | os._Environ | None = None) -> int:
    """$SHOPTALLY_PARSE_PROCESSES, else one per core beyond the first (the loop and writer keep one), 1 to 4."""
    env = os.environ if env is None else env
    text = env.get(ENV, "").strip()
    if text:
        try:
            return max(0, min(16, int(text)))
        except ValueError:
            log.warning("%s=%r is not a number; using the default", ENV, text)
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def init_process() -> None:
    """In each parsing process: exit when the daemon does, even when it is killed (SIGKILL, a crash).
    Left alone, a process would wait forever for work that can no longer come."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="parent-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _warm() -> int:
    """Runs in each new process: import the parsing code now, not on the first capture."""
    from companion.pipeline import ingest  # noqa: F401

    return os.getpid()


class ParsePool:
    """`processes` 0: a thread pool in this process (tests, and machines where processes cannot start)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor = self._make()

    def _make(self) -> Executor:
        if self.processes <= 0:
            return ThreadPoolExecutor(max_workers=2, thread_name_prefix="shoptally-parse")
        # spawn everywhere: forking a process that runs threads (the writer, the loop) is unsafe.
        return ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_process)

    def warm(self) -> None:
        """Start every process in the background so the first capture does not wait for imports. Where
        processes cannot start at all, parse on threads instead: slower, but nothing is refused."""
        for _ in range(max(1, self.processes)):
            self._executor.submit(_warm).add_done_callback(self._warmed)

    def _warmed(self, fut) -> None:
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is not None and self.processes > 0:
            log.warning("parsing processes cannot start (%s); parsing on threads instead", exc)
            self.processes = 0
            self._replace()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            executor = self._executor
            try:
                return await loop.run_in_executor(executor, fn, *args)
            except BrokenProcessPool as exc:
                if self._executor is executor:  # the first job to notice replaces the pool
                    self._replace()
                if attempt == 2:
                    raise ParserCrashed("the parser stopped while reading this input (it may be too large)") from exc
                log.warning("a parsing process died; trying once more in a new one")
        raise AssertionError("unreachable")

    def _replace(self) -> None:
        old, self._executor = self._executor, self._make()
        old.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

"""The parsing processes: decoding captures, running adapters and planning rows, off the daemon's GIL.

That work is pure CPU. Done in the daemon's own process it competes with the event loop and the one
writer for a single interpreter lock, and a sync slows to what one core can do. In separate processes
it runs beside them; only plain data (the frame text in, the planned rows out) crosses over.

Every parsing process has a memory limit (SHOPTALLY_PARSE_MEMORY_MB, the address space it may use). An
uploaded or imported file is read by an `Isolated` job: in the daemon, in a process of its own, started for
that file and killed when the file's deadline (SHOPTALLY_PARSE_TIMEOUT) has passed, so a crafted file costs
neither the writer nor the processes that parse captures; what it found comes back as a `Stream`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from companion.errors import Unprocessable

try:
    import resource
except ImportError:  # Windows: no address-space limit; the deadline still holds
    resource = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
T = TypeVar("T")
ENV = "SHOPTALLY_PARSE_PROCESSES"
MEMORY_ENV, TIMEOUT_ENV = "SHOPTALLY_PARSE_MEMORY_MB", "SHOPTALLY_PARSE_TIMEOUT"
DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT = 2048, 300.0


class ParserCrashed(Unprocessable):
    """A parsing process died on this input twice (out of memory, say), or an input went over a limit of the
    parsing processes; the input is refused."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB  # address space of each parsing process, in MiB (0: no limit)
    timeout: float = DEFAULT_TIMEOUT  # seconds an isolated job may keep its reader waiting in all (0: no limit)

    @classmethod
    def from_env(cls, env: dict | os._Environ | None = None) -> Limits:
        env = os.environ if env is None else env
        return cls(int(_number(env, MEMORY_ENV, DEFAULT_MEMORY_MB, 0, 1 << 30)),
                   _number(env, TIMEOUT_ENV, DEFAULT_TIMEOUT, 0, 86_400))

    def too_much_memory(self, what: str = "file") -> ParserCrashed:
        """`what`: file or input (a job's argument that could not be sent)."""
        code = {"file": "import_parser_memory_file", "input": "import_parser_memory_input"}[what]
        return ParserCrashed.of(code, mib=f"{self.memory_mb:,}", env=MEMORY_ENV)

    def too_slow(self) -> ParserCrashed:
        return ParserCrashed.of("import_parser_slow", seconds=f"{self.timeout:g}", env=TIMEOUT_ENV)


def _number(env, name: str, default: float, low: float, high: float) -> float:
    text = str(env.get(name, "")).strip()
    if not text:
        return default
    try:
        return max(low, min(high, float(text)))
    except ValueError:
        log.warning("%s=%r is not a number; using the default", name, text)
        return default


def limit_memory(memory_mb: int) -> None:
    """This process may use at most `memory_mb` MiB of address space: past it, allocations fail (MemoryError)."""
    if memory_mb <= 0 or resource is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


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


def init_process(memory_mb: int = 0) -> None:
    """In each parsing process: its memory limit; exit when the daemon does, even when it is killed (SIGKILL,
    a crash). Left alone, a process would wait forever for work that can no longer come."""
    limit_memory(memory_mb)
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
    """`processes` 0: a thread pool in this process (tests, and machines where processes cannot start);
    isolated jobs then run on threads too, without limits."""

    def __init__(self, processes: int, limits: Limits | None = None) -> None:
        self.processes = processes
        self.limits = limits or Limits.from_env()
        self._executor = self._make()
        self._waiting = ThreadPoolExecutor(max_workers=4, thread_name_prefix="shoptally-upload")

    def _make(self) -> Executor:
        if self.processes <= 0:
            return ThreadPoolExecutor(max_workers=2, thread_name_prefix="shoptally-parse")
        # spawn everywhere: forking a process that runs threads (the writer, the loop) is unsafe.
        return ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_process, initargs=(self.limits.memory_mb,))

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
        """`fn(*args)` in a parsing process; an Isolated job in a process of its own (its Stream, once the
        first item has come)."""
        loop = asyncio.get_running_loop()
        if isinstance(fn, Isolated) and self.processes > 0:
            return await loop.run_in_executor(self._waiting, fn.in_process, self.limits, *args)  # type: ignore
        for attempt in (1, 2):
            executor = self._executor
            try:
                return await loop.run_in_executor(executor, fn, *args)
            except MemoryError as exc:
                raise self.limits.too_much_memory("input") from exc
            except BrokenProcessPool as exc:
                if self._executor is executor:  # the first job to notice replaces the pool
                    self._replace()
                if attempt == 2:
                    raise ParserCrashed.of("import_parser_stopped") from exc
                log.warning("a parsing process died; trying once more in a new one")
        raise AssertionError("unreachable")

    def _replace(self) -> None:
        old, self._executor = self._executor, self._make()
        old.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        for feed in list(_RUNNING):  # a file still being read: its process goes now, not at its deadline
            feed.stop()
        self._waiting.shutdown(wait=False, cancel_futures=True)
        self._executor.shutdown(wait=True, cancel_futures=True)


class Isolated:
    """A job over an uploaded or imported file: `fn(*args)` is a generator whose items go back to the caller
    one at a time, as a Stream. ParsePool.run runs it in a process of its own with the limits; called
    directly (a CLI command with no daemon, parsing on threads) it runs on a thread of this process."""

    def __init__(self, fn: Callable[..., Iterator]) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> Stream:
        return Stream(_ThreadFeed(self.fn, args), Limits(Limits.from_env().memory_mb, 0))

    def in_process(self, limits: Limits, *args: Any) -> Stream:
        return Stream(_ProcessFeed(self.fn, args, limits), limits)


class Stream:
    """The items of an Isolated job in order; `first` has arrived already. Each wait counts against the
    deadline, and when it has passed the job is stopped and the file refused; a job's error is raised here,
    and a process that went over its memory limit (or died) refuses the file in one sentence."""

    def __init__(self, feed: _ThreadFeed | _ProcessFeed, limits: Limits) -> None:
        self._feed, self.limits = feed, limits
        self._left = limits.timeout or None
        self._items = self._read()
        try:
            self.first = next(self._items)
        except StopIteration:
            self.close()
            raise RuntimeError("an isolated job sent nothing") from None

    def __iter__(self) -> Iterator:
        return self._items

    def _read(self) -> Iterator:
        while True:
            started = time.monotonic()
            message = self._feed.receive(self._left)
            if self._left is not None:
                self._left -= time.monotonic() - started
            if message is None:
                self.close()
                raise self.limits.too_slow()
            kind, value = message
            if kind == "item":
                yield value
                continue
            self.close()
            if kind == "end":
                return
            if kind == "memory":
                raise self.limits.too_much_memory()
            raise value

    def close(self) -> None:
        self._feed.stop()


def _messages(fn: Callable[..., Iterator], args: tuple) -> Iterator[tuple[str, Any]]:
    """What a job sends: ("item", x) for each item, then ("end", None), or ("memory", None) when it ran out of
    memory (MemoryError; a chunked-import worker that died), or ("error", exception)."""
    try:
        for item in fn(*args):
            yield "item", item
        yield "end", None
    except (MemoryError, BrokenProcessPool):
        yield "memory", None
    except Exception as exc:  # noqa: BLE001 - the caller raises it
        if not isinstance(exc, ValueError):  # refusals are ValueErrors (SourceError, BadInput); this is a bug
            traceback.print_exc()
        yield "error", exc


class _ThreadFeed:
    def __init__(self, fn: Callable[..., Iterator], args: tuple) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._stopped = threading.Event()
        threading.Thread(target=self._produce, args=(fn, args), name="shoptally-upload", daemon=True).start()

    def _produce(self, fn: Callable[..., Iterator], args: tuple) -> None:
        messages = _messages(fn, args)
        try:
            for message in messages:
                while not self._stopped.is_set():
                    try:
                        self._queue.put(message, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if self._stopped.is_set():
                    return
        finally:
            messages.close()

    def receive(self, timeout: float | None) -> tuple[str, Any] | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self._stopped.set()


_RUNNING: weakref.WeakSet[_ProcessFeed] = weakref.WeakSet()


class _ProcessFeed:
    def __init__(self, fn: Callable[..., Iterator], args: tuple, limits: Limits) -> None:
        context = _upload_context()
        self._conn, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=_run_isolated, args=(fn, args, sending, limits.memory_mb),
                                        name="shoptally-upload")
        self._process.start()
        sending.close()
        _RUNNING.add(self)

    def receive(self, timeout: float | None) -> tuple[str, Any] | None:
        try:
            if not self._conn.poll(timeout):
                return None
            return self._conn.recv()
        except (EOFError, OSError):  # it died without a word: killed by the memory limit, most likely
            return "memory", None

    def stop(self) -> None:
        _RUNNING.discard(self)
        if self._process.is_alive():
            self._process.kill()
        self._process.join(10)
        self._conn.close()


def _upload_context():
    """Where there is a fork server, a file's process is forked from it with the parsing code loaded (a few
    milliseconds, not a new interpreter); elsewhere (Windows) it is spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["companion.pipeline.importer", "python_calamine"])
    return context


def _run_isolated(fn: Callable[..., Iterator], args: tuple, conn, memory_mb: int) -> None:
    """The file's own process: its limits, then each message of the job down the pipe."""
    init_process(memory_mb)
    try:
        for message in _messages(fn, args):
            try:
                conn.send(message)
            except MemoryError:
                conn.send(("memory", None))
                return
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a bug: said, not a dead process
                conn.send(("error", RuntimeError(f"{message[1]!r} cannot be sent back ({exc})")))
                return
            if message[0] != "item":
                return
    except (BrokenPipeError, OSError):
        pass  # the reader has gone (the file refused, the daemon stopping)
    finally:
        conn.close()

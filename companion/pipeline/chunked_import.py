"""Large report files: read in units by a pool of processes, written by one transaction as the units arrive.

A 200,000-row export parsed whole would hold millions of cells in memory and use one core. Instead, for a
layout whose rows stand alone (TableAdapter.chunkable), the file is cut into units of rows (see
sources/bigtables.py); worker processes turn each unit into planned rows while the writer writes the units
already done, in file order, inside one transaction. A bad row anywhere aborts the transaction: nothing of
the file is stored. Only a few units are in flight at a time, so memory stays bounded.

`read` runs where the file is parsed (the file's own process in the daemon, with its limits): it opens the
file, finds the layout, cuts the units and runs the pool, whose workers get the same memory limit. The
writer runs `write`, which only applies the planned rows `read` sends and keeps the raw file.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
import re
import uuid
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from companion.pipeline.parsing import Limits, init_process
from companion.sources import registry, tables
from companion.sources.headers import Located
from companion.sources.model import SourceError, SourceInput, StoreRef
from companion.sources.tabular import Context, Hints, choice_note
from companion.store import captures, rowplan, settlements
from companion.store.captures import RawRecord
from companion.store.progress import Progress, silent

IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class Job:
    """What a worker needs to read any unit of one sheet."""

    adapter: str
    file: str
    hints: Hints
    captured_at: datetime
    sheet: str
    located: Located
    capture_id: str
    report_type: str


def parse_unit(job: Job, unit: tables.Unit) -> bytes:
    """In a worker process: one unit's rows → lines → planned rows, pickled here: they go on to the writer
    (through the file's process, in the daemon) as bytes and are unpickled once, by the writer. Nothing built
    here outlives the call or forms cycles, so the cyclic garbage collector (which would walk every new object
    again and again) is off meanwhile."""
    adapter = registry.by_name(job.adapter)
    gc.disable()
    try:
        lines, totals = adapter.read_rows(Context(job.file, job.hints, job.captured_at), job.sheet,  # type: ignore
                                          tables.unit_rows(unit, job.file, job.sheet), job.located)
        return pickle.dumps(rowplan.plan(lines, job.capture_id, job.report_type, totals), pickle.HIGHEST_PROTOCOL)
    finally:
        gc.enable()


def keep(content: bytes) -> tuple[str, bytes]:
    """On a thread beside the pool (hashlib and zlib let go of the interpreter lock, and the content is
    not copied to another process): the raw file's checksum and compressed bytes, at the fast level (a
    large export is kept as it came; level 6 would cost seconds to save a fifth of the space). An XLSX
    is a zip archive, compressed already: it is stored in zlib's format without compressing it again,
    which would cost a second of CPU to save nothing."""
    return hashlib.sha256(content).hexdigest(), zlib.compress(content, 0 if _zipped(content) else 1)


def _zipped(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def workers() -> int:
    return max(1, min(4, os.cpu_count() or 2))


@dataclass(frozen=True)
class Plan:
    """A large file that is read in units: the adapter that recognised it (plain data: it crosses from the
    file's process to the writer)."""

    adapter: str
    version: int
    report_type: str
    chosen_from: tuple[StoreRef, ...] | None = None  # the file names no store: the stores choose_store saw
    rows: int | None = None  # about how many data rows the file holds, for the progress bar (None: unknown)


@dataclass
class Result:
    summary: dict
    changes: list

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]


def read(name: str, content: bytes, hints: Hints) -> Iterator[Plan | bytes | RawRecord]:
    """Where the file is parsed, never in the writer: nothing when the file is small or its layout is not
    chunkable (the caller then parses it whole); else its Plan, the planned rows of each unit in file order
    (pickled, see parse_unit), and last the raw file to keep. Raises SourceError for a file that cannot be
    read."""
    book = tables.open_workbook(name, content)
    src = {"name": name, "content": content, "hints": hints, "_workbook": book}

    when = datetime.now(UTC)
    detected = registry.detect(SourceInput("file", "import", "", when, src))
    if detected is None or not getattr(detected, "chunkable", False):
        return
    matching = detected.matching(book)  # type: ignore[attr-defined]
    if not matching or not all(book.large(sheet) for sheet, _, _ in matching):
        return
    capture_id = str(uuid.uuid4())
    report_type = detected.report_type or detected.name.partition(".")[2]  # type: ignore[attr-defined]
    by_rule = not hints.names_store(detected.name.partition(".")[0])
    yield Plan(detected.name, detected.version, report_type, hints.stores if by_rule else None,
               estimated_rows(book, matching))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers(), mp_context=context, initializer=init_process,
                             initargs=(Limits.from_env().memory_mb,)) as pool, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="shoptally-keep") as keeper:
        # a CSV is compressed meanwhile; an XLSX (stored as it is) at the end, not held during the import
        kept: Future | None = None if _zipped(content) else keeper.submit(keep, content)
        for sheet, header_at, located in matching:
            job = Job(detected.name, name, hints, when, sheet, located, capture_id, report_type)
            pending: deque[Future] = deque()
            for unit in book.units(sheet, header_at + 1):
                pending.append(pool.submit(parse_unit, job, unit))
                while len(pending) >= IN_FLIGHT_PER_WORKER * workers():
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        sha, compressed = kept.result() if kept is not None else keep(content)
    yield RawRecord(capture_id, "import", "file", "", name, when, len(content), sha, "file", compressed,
                    hints.account)


_DIMENSION_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="[A-Z]+\d+:[A-Z]+(\d+)"')


def estimated_rows(book: tables.Workbook, matching: list) -> int | None:
    """About how many data rows the sheets hold, cheaply (it only sizes the progress bar; the last report says
    the rows there were): a CSV's lines after the header (a record over several lines counts more than once),
    an XLSX sheet's last row as its <dimension> states it. None when a sheet does not say."""
    total = 0
    for sheet, header_at, _ in matching:
        if isinstance(book, tables.CsvBook):
            total += max(0, book.text.count("\n") + (not book.text.endswith("\n")) - header_at - 1)
            continue
        xlsx = getattr(book, "xlsx", None)
        if xlsx is None:
            return None
        with xlsx.zip.open(xlsx.paths[sheet]) as stream:
            found = _DIMENSION_REF.search(stream.read(1 << 16))
        if found is None:
            return None
        total += max(0, int(found.group(1)) - header_at - 1)
    return total


def write(name: str, plan: Plan, planned: Iterable[bytes | RawRecord], progress: Progress = silent) -> Result:
    """In the writer's transaction: each unit's planned rows as `read` sends them (the writer only waits for
    them), then the raw file. Raises SourceError for a sheet without data rows. `progress`: the rows written,
    of the rows the file was estimated to hold; the last report's total is the rows there were."""
    result = settlements.WriteResult()
    raw: RawRecord | None = None
    done = 0
    progress(0, plan.rows, "rows", "import")
    for item in planned:
        if isinstance(item, RawRecord):
            raw = item
        else:
            rows = pickle.loads(item)
            _apply(rows, result)
            done += rows.line_count
            progress(done, max(done + 1, plan.rows) if plan.rows is not None else None, "rows", "import")
    if raw is None or not result.accounts:
        raise SourceError.of("src_no_data_rows", file=name, report=plan.report_type)
    note = ""
    if plan.chosen_from is not None and len(result.per_store) == 1:  # as importer.chosen_store does
        name = next(iter(result.per_store))
        raw.account, note = name, choice_note(name, plan.chosen_from)
    captures.save(raw, plan.adapter, plan.version, "parsed", "", result.added, result.updated, result.skipped)
    progress(done, done, "rows", "import")
    changes = settlements.record_changes("import", result.per_store)
    platform, _, kind = plan.adapter.partition(".")
    summary = {"file": name, "platform": platform, "report_type": kind,
               "account": ", ".join(sorted(set(result.accounts))), "added": result.added,
               "updated": result.updated, "skipped": result.skipped}
    if note:
        summary["note"] = note
    return Result(summary, changes)


def _apply(plan: rowplan.RowPlan, into: settlements.WriteResult) -> None:
    written = settlements.apply_plan(plan, "import", record=False)
    into.added += written.added
    into.updated += written.updated
    into.skipped += written.skipped
    into.accounts.extend(a for a in written.accounts if a not in into.accounts)
    for store, (added, updated) in written.per_store.items():
        counts = into.per_store.setdefault(store, [0, 0])
        counts[0] += added
        counts[1] += updated

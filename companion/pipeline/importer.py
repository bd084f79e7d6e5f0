"""`shoptally import`: report files through the same pipeline as live captures, one transaction per file.

A file is read where nothing else waits for it: in the daemon, in a process of its own with a memory limit
and a deadline (parsing.Isolated), never in the writer. A file is parsed whole before anything is written,
so a bad row anywhere leaves the database untouched; then every line, the raw file and what the file states
about itself are written in one transaction. A large file whose rows stand alone is read in units instead,
and the writer applies each unit's rows as they come (chunked_import), still in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from companion.errors import Unprocessable
from companion.pipeline import chunked_import, ingest
from companion.pipeline.parsing import Isolated, ParserCrashed
from companion.sources import registry
from companion.sources.model import SourceError, SourceInput, StoreRef
from companion.sources.tabular import Hints, choice_note
from companion.store import stores
from companion.store.models import Store
from companion.store.progress import Progress, throttled
from companion.store.workers import Workers

MAX_IMPORT_BYTES = 256 * 1024 * 1024
LARGE_FILE = 8 * 1024 * 1024  # from this size, a file whose rows stand alone is read in parallel units


class FileError(Unprocessable):
    """A file that cannot be read or recognised; `file` names it. `choices`: for a file that names no store
    while several could hold it, their names (the view offers them in a picker)."""

    choices: list[str] = []

    def json(self) -> dict:
        out = super().json()
        if self.choices:
            out["choices"] = self.choices
        return out


def file_error(name: str, message: str, choices: list[str] | None = None, code: str = "",
               params: dict | None = None) -> FileError:
    """A refusal of file `name`; an adapter's message that already starts with the name loses it (the name is
    the error's attribute, put in front once when it is shown). `code`/`params`: the adapter's refusal, for
    the view's language (a code's templates never hold the file name)."""
    for prefix in (f"{name}: ", f"{name}, ", f"{name} "):
        if message.startswith(prefix):
            message = message[len(prefix):]
            break
    error = FileError(message, file=name, code=code or None, params=params)
    error.choices = list(choices or [])
    return error


def check_file(path: Path) -> None:
    """The checks that need no reading: it exists, is a file, is not too large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileError.of("import_unreadable", file=str(path), reason=exc.strerror or str(exc)) from exc
    if not path.is_file():
        raise FileError.of("import_not_a_file", file=str(path))
    if size > MAX_IMPORT_BYTES:
        raise FileError.of("import_file_too_large", file=str(path), size=f"{size:,}",
                           most=MAX_IMPORT_BYTES // (1024 * 1024))


def read_file(path: Path) -> bytes:
    check_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileError.of("import_unreadable", file=str(path), reason=exc.strerror or str(exc)) from exc


def _json_doc(content: bytes) -> object:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _saved_captures(doc: object) -> list[dict] | None:
    """A .json file of capture messages (as the extension sends them): replayed with their own ids."""
    items = doc if isinstance(doc, list) else [doc]
    if items and all(isinstance(i, dict) and i.get("type") == "capture" for i in items):
        return items
    return None


def parse_file(name: str, content: bytes, account: str = "", store: StoreRef | None = None,
               known: tuple[StoreRef, ...] = ()) -> list[ingest.Prepared]:
    """Every part of the file parsed, or FileError: nothing is stored from a file that fails.
    `account` / `store`: what the user said with --account (and the store it names, when one exists);
    `known`: every store there is, for a file that names none (tabular.choose_store)."""
    doc = _json_doc(content) if name.lower().endswith(".json") else None
    try:
        captured = _saved_captures(doc) if doc is not None else None
        if captured is not None:
            incomings = [ingest.prepare_capture(msg) for msg in captured]
            for inc in incomings:
                inc.source = "import"
        elif doc is not None:
            incomings = [ingest.json_file_input(name, doc, content=content,
                                                hints=ingest.hints_for(name, account, store, known))]
        else:
            incomings = [ingest.file_input(name, content, hints=ingest.hints_for(name, account, store, known))]
    except ingest.CaptureError as exc:
        raise file_error(name, exc.message, None, exc.code, exc.params) from exc
    parsed = [ingest.prepare(inc) for inc in incomings]
    for p in parsed:
        if p.outcome == "unrecognized":
            wrong = wrong_platform(incomings[0].src, store)
            raise FileError(wrong, file=name) if wrong else FileError.of("file_unrecognized", file=name)
        if p.outcome == "error":
            raise file_error(name, p.message, p.choices, p.code, p.params)
        p.note = p.note or str(p.stated.get("note") or "")  # why nothing came of it (Temu's empty export)
    for inc, p in zip(incomings, parsed, strict=True):
        chosen_store(p, Hints.of(inc.src.payload), known)
    return parsed


PLATFORM_NAMES = registry.LABELS


def wrong_platform(src: SourceInput, store: StoreRef | None) -> str:
    """A file no adapter took because --account names a store of another platform: what to say instead ("" when
    that is not why). The file is looked at again as if no store were named."""
    if store is None or not isinstance(src.payload, dict):
        return ""
    bare = replace(src, payload={**src.payload, "hints": Hints(Hints.of(src.payload).name)})
    adapter = registry.detect(bare)
    platform = adapter.name.partition(".")[0] if adapter is not None else ""
    if not platform or platform == store.platform:
        return ""
    theirs, ours = (PLATFORM_NAMES.get(p, p) for p in (platform, store.platform))
    return (f"a {theirs} file cannot go into the {ours} store {store.name!r}: choose a {theirs} store or leave out "
            "--account")


def chosen_store(p: ingest.Prepared, hints: Hints, known: tuple[StoreRef, ...]) -> None:
    """A file that named no store went where tabular.choose_store put it: the summary says so, and the kept
    file remembers the store as its --account, so a reparse puts it there again whatever stores come later."""
    platform = p.adapter.partition(".")[0]
    if p.plan is None or len(p.plan.stores) != 1 or p.raw.encoding != "file" or hints.names_store(platform):
        return
    ref = p.plan.stores[0].store
    p.raw.account = ref.name
    p.note = choice_note(ref.name, known)


@dataclass
class FileImport:
    summary: dict  # the contract's per-file summary
    events: list[dict]  # published after commit by the writer


def commit_file(name: str, parsed: list[ingest.Prepared]) -> FileImport:
    """In the writer's transaction: the whole file or nothing."""
    outcomes = [ingest.commit(p, keep_unparsed=False) for p in parsed]
    platform, _, report_type = (parsed[0].adapter if parsed else "").partition(".")
    planned = {p.plan.report_type for p in parsed if p.plan is not None and p.plan.report_type}
    if len(planned) == 1:  # the report the adapter found (one adapter can read several reports)
        report_type = planned.pop()
    accounts = sorted({a for o in outcomes for a in o.accounts})
    summary = {
        "file": name, "platform": platform, "report_type": report_type,
        "account": ", ".join(accounts) if accounts else None,
        "added": sum(o.added for o in outcomes), "updated": sum(o.updated for o in outcomes),
        "skipped": sum(o.skipped for o in outcomes),
    }
    notes = [p.note for p in parsed if p.note]
    if notes:
        summary["note"] = notes[0]
    return FileImport(summary, [e for o in outcomes for e in o.events])


def read_upload(name: str, content: bytes, account: str = "", store: StoreRef | None = None,
                known: tuple[StoreRef, ...] = ()) -> Iterator:
    """The file's parsing (parsing.Isolated: in the daemon, a process of its own): a large file whose rows
    stand alone as chunked_import.read sends it (a Plan, each unit's planned rows, the raw file); any other
    file parsed whole, as one list of Prepared. FileError for a file that cannot be read."""
    try:
        if len(content) >= LARGE_FILE:
            units = chunked_import.read(name, content, ingest.hints_for(name, account, store, known))
            plan = next(units, None)
            if plan is not None:
                yield plan
                yield from units
                return
        yield parse_file(name, content, account, store, known)
    except SourceError as exc:
        raise file_error(name, str(exc), getattr(exc, "choices", None), exc.code, exc.params) from exc


READ = Isolated(read_upload)


def known_stores() -> tuple[StoreRef, ...]:
    """Every store (a database read), for a file that names none."""
    return tuple(stores.ref_of(s) for s in stores.all_stores())


def account_store(account: str | None) -> StoreRef | None:
    """The store --account names, when it exists (a database read: never in the parsing process)."""

    if not account:
        return None
    row = Store.get_or_none(Store.name == account)
    if row is None:
        return None
    return stores.ref_of(row)


async def import_file(workers: Workers, name: str, content: bytes, account: str | None,
                      progress: Progress | None = None) -> dict:
    """`shoptally import` and POST /api/import, with or without a daemon: the file is read by READ, then a large
    file whose rows stand alone goes in units to the writer; any other, parsed whole, in one transaction.
    `progress`: rows written (of about how many, for a large file), reported from the writer, throttled."""
    report = throttled(progress)
    report(0, None, "rows", "import")
    store = await workers.read(account_store, account)
    known = await workers.read(known_stores)
    try:
        stream = await workers.parse(READ, name, content, account or "", store, known)
        try:
            if isinstance(stream.first, chunked_import.Plan):
                done: FileImport | chunked_import.Result = await workers.write(
                    chunked_import.write, name, stream.first, stream, report)
            else:
                done = await workers.write(commit_file, name, stream.first)
                rows = sum(done.summary[k] for k in ("added", "updated", "skipped"))
                report(rows, rows, "rows", "import")
        finally:
            stream.close()
    except ParserCrashed as exc:  # over a limit of the parser
        raise FileError(exc.message, file=name, code=exc.code, params=exc.params) from exc
    except SourceError as exc:
        raise file_error(name, str(exc), getattr(exc, "choices", None), exc.code, exc.params) from exc
    return done.summary  # its events go out after the commit

"""capture or file → source adapter → normalized lines → one transaction in the store → event after commit.

`prepare_capture` / `file_input` validate what arrived, `prepare` runs an adapter and plans the rows (CPU
only: the daemon does it in its parsing process), `commit` runs in the writer's transaction. Raw captures
are kept whatever the adapter made of them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from companion.errors import BadInput
from companion.sources import naming, registry
from companion.sources.model import Purchase, SourceError, SourceInput, StoreRef
from companion.sources.tabular import Hints
from companion.sources.urls import message_bytes, scrub_message
from companion.store import captures, changes, purchases, rowplan, settlements
from companion.store.captures import RawRecord
from companion.store.changes import Change
from companion.store.rowplan import PlanError, RowPlan

MAX_FILE_BYTES = 64 * 1024 * 1024  # a file the extension captured
MAX_IMPORT_BYTES = 256 * 1024 * 1024  # a file imported by the user
MAX_LINES = 1_000_000
MAX_PURCHASES = 100_000  # purchase orders in one capture or file
KINDS = ("json", "table", "file")
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)  # captured_at


class CaptureError(BadInput):
    """A capture message that is not what the protocol says; the text says which field.
    `capture_id`: the message's id when it had one, so the refusal can name it."""

    def __init__(self, message: str, capture_id: str | None = None, *, file: str | None = None,
                 code: str | None = None, params: dict | None = None) -> None:
        # `CaptureError.of(code, ...)` passes no capture id (its second argument, a status, is None)
        super().__init__(message, file=file, code=code, params=params)
        self.capture_id = capture_id


class MalformedFrame(CaptureError):
    """A frame that is not a JSON capture message at all (answered with an `error`, not `rejected`)."""


@dataclass
class Incoming:
    raw: RawRecord
    src: SourceInput
    source: str  # "capture" or "import": what the change log records


@dataclass
class Prepared:
    """Everything the writer needs, worked out beforehand: the raw record, the adapter's verdict, the rows.

    Plain data (it crosses from the parsing process to the daemon's writer)."""

    raw: RawRecord
    source: str
    adapter: str = ""
    version: int = 0
    outcome: str = "unrecognized"  # parsed | unrecognized | error
    message: str = ""
    plan: RowPlan | None = None
    stated: dict = field(default_factory=dict)
    note: str = ""  # how the store was chosen, for a file that names none (importer.chosen_store)
    choices: list[str] = field(default_factory=list)
    code: str = ""  # the refusal's catalog code and params (companion/errors.py), for the view's language
    params: dict = field(default_factory=dict)
    purchases: list[Purchase] = field(default_factory=list)  # purchase orders the adapter read (1688, CSV)

    def refuse(self, exc: Exception) -> None:
        self.outcome, self.message = "error", str(exc)
        self.code, self.params = getattr(exc, "code", ""), getattr(exc, "params", {})


@dataclass
class Outcome:
    capture_id: str
    outcome: str
    message: str = ""
    added: int = 0
    updated: int = 0
    skipped: int = 0
    duplicate: bool = False
    adapter: str = ""
    accounts: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    code: str = ""  # a refusal's catalog code and params, so the extension can say it in its language
    params: dict = field(default_factory=dict)

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]


def _out_of_range(text: str) -> CaptureError:
    return CaptureError.of("import_captured_at_range", value=text, first=EARLIEST.year, last=LATEST.year)


def _when(text: object) -> datetime:
    if not isinstance(text, str):
        raise CaptureError.of("import_captured_at_not_text")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CaptureError.of("import_captured_at_not_iso", value=text) from exc
    if when.tzinfo is None:
        raise CaptureError.of("import_captured_at_no_zone", value=text)
    try:
        when = when.astimezone(UTC)
    except OverflowError as exc:
        raise _out_of_range(text) from exc
    if not EARLIEST <= when < LATEST:
        raise _out_of_range(text)
    return when


def _record(capture_id: str, site: str, kind: str, url: str, name: str, when: datetime,
            data: bytes, encoding: str) -> RawRecord:
    return RawRecord(capture_id, site, kind, url, name, when, len(data), hashlib.sha256(data).hexdigest(),
                     encoding, zlib.compress(data, 6))


def prepare_capture(msg: dict, frame: bytes | None = None) -> Incoming:
    """A protocol `capture` message → Incoming. Credentials are dropped before anything is kept
    (`sources.urls.scrub_message`, the one rule for captures). `frame`: the message's text as received; kept
    as it is when scrubbing changed nothing."""
    cid = msg.get("id")
    if not isinstance(cid, str) or not 1 <= len(cid) <= 64:
        raise CaptureError.of("import_capture_id")
    site, kind = msg.get("site"), msg.get("kind")
    if not isinstance(site, str) or not site or len(site) > 32:
        raise CaptureError.of("import_capture_site")
    if kind not in KINDS:
        raise CaptureError.of("import_capture_kind", kinds=", ".join(KINDS))
    when = _when(msg.get("captured_at"))
    payload = msg.get("payload")
    if not isinstance(payload, dict):
        raise CaptureError.of("import_capture_payload")
    if kind == "json" and not isinstance(payload.get("request"), dict):
        raise CaptureError.of("import_capture_no_request")
    clean = scrub_message(msg)
    url = clean["url"]
    if kind == "file":
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            raise CaptureError.of("import_capture_no_name")
        try:
            content = base64.b64decode(payload.get("content_base64") or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CaptureError.of("import_capture_base64") from exc
        return file_input(name, content, site=site, url=url, when=when, capture_id=cid, source="capture")
    if kind == "table" and (not isinstance(payload.get("headers"), list) or not isinstance(payload.get("rows"), list)):
        raise CaptureError.of("import_capture_table")
    scrubbed = clean is not msg
    if frame is None or scrubbed or b"\\ud" in frame or b"\\uD" in frame:  # the last: escapes to check
        try:
            text = message_bytes(clean)
        except UnicodeEncodeError as exc:
            raise CaptureError.of("import_capture_not_unicode") from exc
        data = text if frame is None or scrubbed else frame
    else:
        data = frame
    raw = _record(cid, site, kind, url, "", when, data, "frame")
    return Incoming(raw, SourceInput(kind, site, url, when, clean["payload"]), "capture")


def file_input(name: str, content: bytes, *, site: str = "import", url: str = "", when: datetime | None = None,
               capture_id: str | None = None, source: str = "import", hints: Hints | None = None) -> Incoming:
    limit = MAX_FILE_BYTES if source == "capture" else MAX_IMPORT_BYTES
    if len(content) > limit:
        raise CaptureError.of("import_too_large", file=name, size=f"{len(content):,}", most=limit // (1024 * 1024))
    when = when or datetime.now(UTC)
    cid = capture_id or str(uuid.uuid4())
    raw = _record(cid, site, "file", url, name, when, content, "file")
    raw.account = hints.account if hints else ""
    payload = {"name": name, "content": content, "hints": hints or hints_for(name)}
    return Incoming(raw, SourceInput("file", site, url, when, payload), source)


def hints_for(name: str, account: str = "", store: StoreRef | None = None, stores: tuple = ()) -> Hints:
    """What a file's name and the user's --account say about it, and the stores there are (for one that names
    no store)."""
    return Hints(naming.parse(name), store, account, tuple(stores))


def json_file_input(name: str, doc: object, when: datetime | None = None, content: bytes = b"",
                    hints: Hints | None = None) -> Incoming:
    """A .json file that is not saved captures: a response body saved from a seller center or API. `hints`: the
    file's name and --account, for a response that names no store (TikTok's Open API never does)."""
    when = when or datetime.now(UTC)
    cid = str(uuid.uuid4())
    raw = _record(cid, "import", "file", "", name, when, content, "file")
    raw.account = hints.account if hints else ""
    payload = {"request": {"method": "GET", "url": "", "body": None}, "status": 200, "body": doc, "file": name,
               "hints": hints or hints_for(name)}
    return Incoming(raw, SourceInput("json", "import", "", when, payload), "import")


def prepare(incoming: Incoming) -> Prepared:
    """Run the adapter that recognises the input and plan its rows; never raises for bad data (the
    outcome says). CPU only: any thread or process."""
    prepared = Prepared(incoming.raw, incoming.source)
    adapter = registry.detect(incoming.src)
    if adapter is None:
        payload = incoming.src.payload if isinstance(incoming.src.payload, dict) else {}
        # a file that could not be read, or whose sheets were passed over for a cell too long, says why
        problem = payload.get("_workbook_error") or getattr(payload.get("_workbook"), "refused", None)
        if problem:
            prepared.refuse(problem)
        else:
            prepared.message = "no adapter recognises this capture"
        return prepared
    prepared.adapter, prepared.version = adapter.name, adapter.version
    try:
        result = adapter.parse(incoming.src)
        if len(result.lines) > MAX_LINES:
            raise SourceError.of("src_too_many_lines", count=len(result.lines), limit=MAX_LINES)
        if len(result.purchases) > MAX_PURCHASES:
            raise SourceError.of("src_too_many_purchases", count=len(result.purchases), limit=MAX_PURCHASES)
        prepared.plan = rowplan.plan(result.lines, incoming.raw.capture_id,
                                     result.report_type or adapter.name.partition(".")[2], result.totals)
    except (SourceError, PlanError) as exc:
        prepared.refuse(exc)
        prepared.choices = list(getattr(exc, "choices", ()))  # the stores a file that names none could go to
        return prepared
    prepared.outcome, prepared.stated = "parsed", result.stated
    prepared.purchases = list(result.purchases)
    return prepared


_ID = re.compile(rb'"id"\s*:\s*"([^"\\]{1,64})"')


def peek_id(text: bytes) -> str | None:
    """A frame's capture id read without decoding it (the extension writes it near the start)."""
    found = _ID.search(text, 0, 512)
    return found.group(1).decode("utf-8", "replace") if found else None


def prepare_frame(frame: str | bytes | dict) -> Prepared:
    """A `capture` message, as the text frame the extension sent or already decoded, all the way to rows.

    The daemon runs this in its parsing process. Raises CaptureError for a message the protocol refuses."""
    text = None
    if not isinstance(frame, dict):
        text = frame.encode() if isinstance(frame, str) else frame
        try:
            frame = json.loads(frame)
        except ValueError as exc:
            raise MalformedFrame.of("import_frame_not_json", detail=str(exc)) from exc
        except RecursionError as exc:  # a capture all the same: refused for good, by its id
            refused = CaptureError.of("import_capture_too_deep")
            refused.capture_id = peek_id(text)
            raise refused from exc
        if not isinstance(frame, dict) or frame.get("type") != "capture":
            raise MalformedFrame.of("import_frame_type_first")
    try:
        incoming = prepare_capture(frame, text)
    except CaptureError as exc:
        cid = frame.get("id")
        exc.capture_id = cid if isinstance(cid, str) else None
        raise
    return prepare(incoming)


def commit(prepared: Prepared, keep_unparsed: bool = True) -> Outcome:
    """In the writer's transaction: a capture id seen before changes nothing; otherwise raw + lines + rev."""
    raw = prepared.raw
    seen = captures.find(raw.capture_id)
    if seen is not None and prepared.source == "import" and prepared.plan is not None:
        # A saved capture imported again (after a reset, say): its lines go through the natural-key upsert,
        # which adds only what is missing; the raw capture is already kept.
        written = settlements.apply_plan(prepared.plan, "import")
        store_purchases(prepared, written)
        return Outcome(raw.capture_id, "parsed", "", written.added, written.updated, written.skipped,
                       duplicate=True, adapter=prepared.adapter, accounts=written.accounts, changes=written.changes)
    if seen is not None:
        return Outcome(raw.capture_id, seen.outcome, seen.message, skipped=seen.added + seen.updated + seen.skipped,
                       duplicate=True, adapter=seen.adapter)
    if prepared.plan is None:
        if keep_unparsed:
            captures.save(raw, prepared.adapter, prepared.version, prepared.outcome, prepared.message)
        return Outcome(raw.capture_id, prepared.outcome, prepared.message, adapter=prepared.adapter,
                       code=prepared.code, params=prepared.params)
    written = settlements.apply_plan(prepared.plan, prepared.source)
    store_purchases(prepared, written)
    captures.save(raw, prepared.adapter, prepared.version, "parsed", "", written.added, written.updated,
                  written.skipped)
    return Outcome(raw.capture_id, "parsed", "", written.added, written.updated, written.skipped,
                   adapter=prepared.adapter, accounts=written.accounts, changes=written.changes)


def store_purchases(prepared: Prepared, written: settlements.WriteResult) -> None:
    """The adapter's purchase orders, upserted by (source, order_no) in the same transaction as its lines; counted
    with them, and one change recorded so every view refreshes (a purchase belongs to no store)."""
    if not prepared.purchases:
        return
    saved = purchases.save(prepared.purchases, prepared.raw.capture_id)
    written.added += saved.added
    written.updated += saved.updated
    written.skipped += saved.skipped
    if saved.added or saved.updated:
        written.changes.append(changes.record(Change(prepared.source, None, saved.added, saved.updated)))

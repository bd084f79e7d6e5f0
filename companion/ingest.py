"""capture or file → source adapter → normalized lines → one transaction in the store → event after commit.

`prepare_*` validate what arrived, `parse` runs an adapter (CPU only, any thread), `commit` runs in the
writer's transaction. Raw captures are kept whatever the adapter made of them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from companion.ledger.money import MoneyError, to_storage
from companion.sources import registry
from companion.sources.model import ParseResult, SourceError, SourceInput
from companion.sources.urls import scrub_url
from companion.store import captures, settlements
from companion.store.captures import RawRecord
from companion.store.changes import Change

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LINES = 1_000_000
KINDS = ("json", "table", "file")


class CaptureError(ValueError):
    """A capture message that is not what the protocol says; the text says which field."""


@dataclass
class Incoming:
    raw: RawRecord
    src: SourceInput
    source: str  # "capture" or "import": what the change log records


@dataclass
class Parsed:
    incoming: Incoming
    adapter: str = ""
    version: int = 0
    outcome: str = "unrecognized"  # parsed | unrecognized | error
    message: str = ""
    result: ParseResult | None = None


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

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]


def _when(text: object) -> datetime:
    if not isinstance(text, str):
        raise CaptureError("captured_at must be an ISO 8601 time")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CaptureError(f"captured_at {text!r} is not an ISO 8601 time") from exc
    if when.tzinfo is None:
        raise CaptureError(f"captured_at {text!r} has no time zone")
    return when.astimezone(UTC)


def _record(capture_id: str, site: str, kind: str, url: str, name: str, when: datetime,
            data: bytes, encoding: str) -> RawRecord:
    return RawRecord(capture_id, site, kind, url, name, when, len(data), hashlib.sha256(data).hexdigest(),
                     encoding, zlib.compress(data, 6))


def prepare_capture(msg: dict) -> Incoming:
    """A protocol `capture` message → Incoming. Secrets in URLs are dropped before anything is kept."""
    cid = msg.get("id")
    if not isinstance(cid, str) or not 1 <= len(cid) <= 64:
        raise CaptureError("capture id must be a string of 1-64 characters")
    site, kind = msg.get("site"), msg.get("kind")
    if not isinstance(site, str) or not site or len(site) > 32:
        raise CaptureError("capture site must be a short string such as 'tiktok'")
    if kind not in KINDS:
        raise CaptureError(f"capture kind must be one of {', '.join(KINDS)}")
    url = scrub_url(str(msg.get("url") or ""))
    when = _when(msg.get("captured_at"))
    payload = msg.get("payload")
    if not isinstance(payload, dict):
        raise CaptureError("capture payload must be an object")
    if kind == "file":
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            raise CaptureError("file capture needs payload.name")
        try:
            content = base64.b64decode(payload.get("content_base64") or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CaptureError("payload.content_base64 is not valid base64") from exc
        return file_input(name, content, site=site, url=url, when=when, capture_id=cid, source="capture")
    if kind == "json":
        request = payload.get("request")
        if not isinstance(request, dict):
            raise CaptureError("json capture needs payload.request")
        request = {**request, "url": scrub_url(str(request.get("url") or ""))}
        payload = {**payload, "request": request}
    else:
        if not isinstance(payload.get("headers"), list) or not isinstance(payload.get("rows"), list):
            raise CaptureError("table capture needs payload.headers and payload.rows lists")
    kept = {**msg, "url": url, "payload": payload}
    data = json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode()
    raw = _record(cid, site, kind, url, "", when, data, "frame")
    return Incoming(raw, SourceInput(kind, site, url, when, payload), "capture")


def file_input(name: str, content: bytes, *, site: str = "import", url: str = "", when: datetime | None = None,
               capture_id: str | None = None, source: str = "import", hints: dict | None = None) -> Incoming:
    if len(content) > MAX_FILE_BYTES:
        raise CaptureError(f"{name}: {len(content)} bytes is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    when = when or datetime.now(UTC)
    cid = capture_id or str(uuid.uuid4())
    raw = _record(cid, site, "file", url, name, when, content, "file")
    payload = {"name": name, "content": content, "hints": hints or {}}
    return Incoming(raw, SourceInput("file", site, url, when, payload), source)


def parse(incoming: Incoming) -> Parsed:
    """Run the adapter that recognises the input; never raises for bad data (the outcome says)."""
    parsed = Parsed(incoming)
    adapter = registry.detect(incoming.src)
    if adapter is None:
        parsed.message = "no adapter recognises this capture"
        return parsed
    parsed.adapter, parsed.version = adapter.name, adapter.version
    try:
        result = adapter.parse(incoming.src)
    except SourceError as exc:
        parsed.outcome, parsed.message = "error", str(exc)
        return parsed
    if len(result.lines) > MAX_LINES:
        parsed.outcome, parsed.message = "error", f"{len(result.lines)} lines is over the {MAX_LINES} limit"
        return parsed
    problem = _unstorable(result)
    if problem:
        parsed.outcome, parsed.message = "error", problem
        return parsed
    parsed.outcome, parsed.result = "parsed", result
    return parsed


def _unstorable(result: ParseResult) -> str:
    """Amounts finer than storage keeps (1/10000) are refused here, as a rejected capture, not a failed write."""
    for index, line in enumerate(result.lines):
        for amount in (line.settlement_amount, *line.amounts.values()):
            try:
                to_storage(amount)
            except MoneyError as exc:
                return f"line {index + 1} ({', '.join(line.key)}): {exc}"
    return ""


def commit(parsed: Parsed, keep_unparsed: bool = True) -> Outcome:
    """In the writer's transaction: a capture id seen before changes nothing; otherwise raw + lines + rev."""
    raw = parsed.incoming.raw
    seen = captures.find(raw.capture_id)
    if seen is not None and parsed.incoming.source == "import" and parsed.result is not None:
        # A saved capture imported again (after a reset, say): its lines go through the natural-key upsert,
        # which adds only what is missing; the raw capture is already kept.
        written = settlements.apply_lines(parsed.result.lines, raw.capture_id, "import")
        return Outcome(raw.capture_id, "parsed", "", written.added, written.updated, written.skipped,
                       duplicate=True, adapter=parsed.adapter, accounts=written.accounts, changes=written.changes)
    if seen is not None:
        return Outcome(raw.capture_id, seen.outcome, seen.message, skipped=seen.added + seen.updated + seen.skipped,
                       duplicate=True, adapter=seen.adapter)
    if parsed.result is None:
        if keep_unparsed:
            captures.save(raw, parsed.adapter, parsed.version, parsed.outcome, parsed.message)
        return Outcome(raw.capture_id, parsed.outcome, parsed.message, adapter=parsed.adapter)
    written = settlements.apply_lines(parsed.result.lines, raw.capture_id, parsed.incoming.source)
    captures.save(raw, parsed.adapter, parsed.version, "parsed", "", written.added, written.updated, written.skipped)
    return Outcome(raw.capture_id, "parsed", "", written.added, written.updated, written.skipped,
                   adapter=parsed.adapter, accounts=written.accounts, changes=written.changes)

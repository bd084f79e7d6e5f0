"""Raw captures: every capture is kept compressed with the parser version that read it, and without
credentials (`scrubbed`: the rule of sources/urls.py applied to a kept row, by migration 0008, backups and
cloud bundles written, restores and pulls read)."""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from companion.sources.urls import scrub_frame, scrub_url
from companion.store.models import RawCapture

log = logging.getLogger(__name__)
LEVEL = 6  # zlib level of kept capture messages


@dataclass
class RawRecord:
    capture_id: str
    site: str
    kind: str
    url: str
    name: str
    captured_at: datetime
    size: int
    sha256: str
    encoding: str
    compressed: bytes
    account: str = ""  # the --account of an imported file


def find(capture_id: str) -> RawCapture | None:
    return RawCapture.get_or_none(RawCapture.capture_id == capture_id)


def save(raw: RawRecord, adapter: str, version: int, outcome: str, message: str,
         added: int = 0, updated: int = 0, skipped: int = 0) -> RawCapture:
    return RawCapture.create(
        capture_id=raw.capture_id, site=raw.site, kind=raw.kind, url=raw.url, name=raw.name,
        captured_at=raw.captured_at, size=raw.size, sha256=raw.sha256, encoding=raw.encoding,
        payload=raw.compressed, adapter=adapter, parser_version=version, outcome=outcome, message=message,
        added=added, updated=updated, skipped=skipped, account=raw.account,
    )


def recent(limit: int = 50, outcome: str | None = None) -> list[dict]:
    q = RawCapture.select(
        RawCapture.capture_id, RawCapture.site, RawCapture.kind, RawCapture.url, RawCapture.name,
        RawCapture.captured_at, RawCapture.received_at, RawCapture.size, RawCapture.adapter,
        RawCapture.parser_version, RawCapture.outcome, RawCapture.message, RawCapture.added,
        RawCapture.updated, RawCapture.skipped,
    ).order_by(RawCapture.id.desc()).limit(limit)
    if outcome:
        q = q.where(RawCapture.outcome == outcome)
    return [
        {"id": r.capture_id, "site": r.site, "kind": r.kind, "url": r.url, "name": r.name,
         "captured_at": r.captured_at.isoformat(), "received_at": r.received_at.isoformat(), "size": r.size,
         "adapter": r.adapter, "parser_version": r.parser_version, "outcome": r.outcome, "message": r.message,
         "added": r.added, "updated": r.updated, "skipped": r.skipped}
        for r in q
    ]


def update_verdict(row: RawCapture, adapter: str, version: int, outcome: str, message: str, added: int,
                   updated: int, skipped: int) -> None:
    """After a reparse: what today's adapter made of a kept capture."""
    row.adapter, row.parser_version, row.outcome, row.message = adapter, version, outcome, message
    row.added, row.updated, row.skipped = added, updated, skipped
    row.save(only=[RawCapture.adapter, RawCapture.parser_version, RawCapture.outcome, RawCapture.message,
                   RawCapture.added, RawCapture.updated, RawCapture.skipped])


@dataclass(frozen=True)
class Scrubbed:
    """A kept raw capture's url once its credentials are gone, and its new payload, size and sha256 when its
    message changed (`payload` None: the payload stays as it was)."""

    url: str
    payload: bytes | None = None
    size: int = 0
    sha256: str = ""


def scrubbed(encoding: str, url: str, payload: bytes | memoryview | None) -> Scrubbed | None:
    """A raw capture row without credentials, or None when it holds none (it stays byte for byte). The url
    column of every row is scrubbed; the message of a "frame" too (request URL, headers, body), with `size` and
    `sha256` those of the message as now kept, as when it arrives. A file's bytes are the file: never changed.
    A payload that cannot be decompressed keeps its bytes (reparse refuses it the same way)."""
    clean_url = scrub_url(url or "")
    data = None
    if encoding == "frame" and payload is not None:
        try:
            data = scrub_frame(zlib.decompress(payload))
        except zlib.error:
            log.warning("a kept capture's payload cannot be decompressed, so it is left as it is")
    if data is None:
        return None if clean_url == (url or "") else Scrubbed(clean_url)
    return Scrubbed(clean_url, zlib.compress(data, LEVEL), len(data), hashlib.sha256(data).hexdigest())


def scrub_rows(columns: list[str], rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows of the raw_capture table (as backups and bundles hold them: any schema version's columns) without
    credentials; rows that hold none pass through as they are."""
    at = {c: i for i, c in enumerate(columns)}
    if "url" not in at or "encoding" not in at or "payload" not in at:
        yield from rows
        return
    for row in rows:
        clean = scrubbed(row[at["encoding"]], row[at["url"]], row[at["payload"]])
        if clean is None:
            yield row
            continue
        out = list(row)
        out[at["url"]] = clean.url
        if clean.payload is not None:
            out[at["payload"]] = clean.payload
            for name, value in (("size", clean.size), ("sha256", clean.sha256)):
                if name in at:
                    out[at[name]] = value
        yield tuple(out)

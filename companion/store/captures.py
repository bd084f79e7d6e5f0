"""Raw captures: every capture is kept compressed with the parser version that read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from companion.store.models import RawCapture


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

"""`shoptally reparse [--site S]`: run today's adapters over every raw capture and file kept.

An adapter fix or a new adapter then reaches the data already captured, without anyone scraping again.
Each raw input is read back exactly as it arrived, parsed, and its lines go through the same upsert by
natural key as new data: lines that did not change are skipped, so a second run changes nothing. The raw
record's adapter, parser version and outcome are brought up to date. After a reset, a reparse rebuilds
the store's lines from what was kept.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from peewee import Database

from companion.pipeline import ingest
from companion.pipeline.importer import account_store
from companion.sources.model import StoreRef
from companion.store import captures, settlements
from companion.store.models import RawCapture
from companion.store.progress import Progress, throttled
from companion.store.workers import Inline, Workers, complete

BATCH = 200


@dataclass
class Tally:
    captures: int = 0
    outcome_changed: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    changes: list = field(default_factory=list)  # the change-log entries (their events go out after commit)

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]

    def merge(self, other: Tally) -> None:
        self.captures += other.captures
        self.outcome_changed += other.outcome_changed
        self.added += other.added
        self.updated += other.updated
        self.skipped += other.skipped
        self.errors.extend(other.errors)

    def json(self) -> dict:
        return {"captures": self.captures, "outcome_changed": self.outcome_changed, "added": self.added,
                "updated": self.updated, "skipped": self.skipped, "errors": self.errors[:50]}


@dataclass(frozen=True)
class Kept:
    """A raw capture or file as it was kept: read from the database, parsed elsewhere."""

    row_id: int
    capture_id: str
    encoding: str
    name: str
    site: str
    url: str
    captured_at: datetime
    account: str
    data: bytes
    store: StoreRef | None = None  # the store the file's --account named, when it exists


def capture_ids(site: str | None) -> list[int]:
    query = RawCapture.select(RawCapture.id).order_by(RawCapture.id)
    if site:
        query = query.where(RawCapture.site == site)
    return [r for (r,) in query.tuples()]


def kept(row_ids: list[int]) -> list[Kept]:

    rows = RawCapture.select().where(RawCapture.id.in_(row_ids)).order_by(RawCapture.id)
    stores: dict[str, StoreRef | None] = {}
    out = []
    for r in rows:
        if r.account and r.account not in stores:
            stores[r.account] = account_store(r.account)
        out.append(Kept(r.id, r.capture_id, r.encoding, r.name, r.site, r.url, r.captured_at, r.account,
                        zlib.decompress(r.payload), stores.get(r.account)))
    return out


def _incoming(k: Kept) -> ingest.Incoming:
    if k.encoding == "frame":
        return ingest.prepare_capture(json.loads(k.data), k.data)
    name = k.name or "file"
    if name.lower().endswith(".json"):
        try:
            doc = json.loads(k.data)
        except ValueError:
            doc = None
        if doc is not None:
            incoming = ingest.json_file_input(name, doc, when=k.captured_at, content=k.data,
                                              hints=ingest.hints_for(name, k.account, k.store))
            incoming.raw.capture_id = k.capture_id
            return incoming
    return ingest.file_input(name, k.data, site=k.site, url=k.url, when=k.captured_at, capture_id=k.capture_id,
                             source="import", hints=ingest.hints_for(name, k.account, k.store))


def prepare(batch: list[Kept]) -> list[tuple[int, ingest.Prepared | None, str]]:
    """CPU only (the daemon runs it in its parsing process): each kept input parsed again."""
    out = []
    for k in batch:
        try:
            out.append((k.row_id, ingest.prepare(_incoming(k)), ""))
        except (ValueError, ingest.CaptureError) as exc:
            out.append((k.row_id, None, str(exc)))
    return out


def apply_batch(items: list[tuple[int, ingest.Prepared | None, str]]) -> Tally:
    """In the writer's transaction: lines upserted by natural key, each raw record's verdict updated."""
    tally = Tally()
    for row_id, prepared, problem in items:
        row = RawCapture.get_by_id(row_id)
        tally.captures += 1
        if prepared is None:
            tally.errors.append(f"{row.capture_id}: {problem}")
            continue
        counts = (row.added, row.updated, row.skipped)
        if prepared.plan is not None:
            written = settlements.apply_plan(prepared.plan, "reparse")
            ingest.store_purchases(prepared, written)  # purchase orders (1688) of captures kept before an adapter
            tally.added += written.added
            tally.updated += written.updated
            tally.skipped += written.skipped
            tally.changes.extend(written.changes)
            counts = (written.added, written.updated, written.skipped)
        elif prepared.outcome == "error":
            tally.errors.append(f"{row.capture_id} ({row.name or row.url}): {prepared.message}")
        if prepared.outcome != row.outcome:
            tally.outcome_changed += 1
        captures.update_verdict(row, prepared.adapter, prepared.version, prepared.outcome, prepared.message, *counts)
    return tally


async def run(workers: Workers, site: str | None, progress: Progress | None = None) -> dict:
    """Batches read, parsed and written in turn, so a reparse of years of captures holds one batch in memory
    and captures arriving meanwhile queue between its transactions. `progress`: captures done of all."""
    report = throttled(progress)
    total = Tally()
    ids = await workers.read(capture_ids, site)
    report(0, len(ids), "rows", "reparse")
    for start in range(0, len(ids), BATCH):
        batch = await workers.read(kept, ids[start:start + BATCH])
        items = await workers.parse(prepare, batch)
        total.merge(await workers.write(apply_batch, items))
        report(min(len(ids), start + BATCH), len(ids), "rows", "reparse")
    return total.json()


def run_offline(db: Database, site: str | None, progress: Progress | None = None) -> dict:
    return complete(run(Inline(db), site, progress))


def text(res: dict) -> str:
    lines = [f"{res['captures']} raw captures and files read again: {res['added']} lines added, "
             f"{res['updated']} updated, {res['skipped']} unchanged; {res['outcome_changed']} changed outcome"]
    lines += [f"  {e}" for e in res["errors"]]
    return "\n".join(lines)

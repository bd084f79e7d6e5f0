"""`shoptally import`: report files through the same pipeline as live captures, one transaction per file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from companion import ingest

if TYPE_CHECKING:
    from companion.service import Service


class FileError(ValueError):
    """A file that cannot be read or recognised; the message starts with the file's name."""


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not path.is_file():
        raise FileError(f"{path}: is not a file")
    if size > ingest.MAX_FILE_BYTES:
        raise FileError(f"{path}: {size} bytes is over the {ingest.MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _saved_captures(content: bytes) -> list[dict] | None:
    """A .json file of capture messages (as the extension sends them): replayed with their own ids."""
    try:
        doc = json.loads(content)
    except ValueError:
        return None
    items = doc if isinstance(doc, list) else [doc]
    if items and all(isinstance(i, dict) and i.get("type") == "capture" for i in items):
        return items
    return None


def parse_file(name: str, content: bytes, account: str | None) -> list[ingest.Prepared]:
    """Every part of the file parsed, or FileError: nothing is stored from a file that fails."""
    captured = _saved_captures(content) if name.lower().endswith(".json") else None
    try:
        if captured is not None:
            incomings = [ingest.prepare_capture(msg) for msg in captured]
            for inc in incomings:
                inc.source = "import"
        else:
            incomings = [ingest.file_input(name, content, hints={"account": account} if account else None)]
    except ingest.CaptureError as exc:
        raise FileError(f"{name}: {exc}") from exc
    parsed = [ingest.prepare(inc) for inc in incomings]
    for p in parsed:
        if p.outcome == "unrecognized":
            raise FileError(f"{name}: not a settlement report this version of shoptally recognises "
                            "(it reads saved capture .json files; see docs/architecture.md for the formats)")
        if p.outcome == "error":
            raise FileError(f"{name}: {p.message}")
    return parsed


@dataclass
class FileImport:
    summary: dict  # the contract's per-file summary
    events: list[dict]  # published after commit by the writer


def commit_file(name: str, parsed: list[ingest.Prepared]) -> FileImport:
    """In the writer's transaction: the whole file or nothing."""
    outcomes = [ingest.commit(p, keep_unparsed=False) for p in parsed]
    platform, _, report_type = (parsed[0].adapter if parsed else "").partition(".")
    accounts = sorted({a for o in outcomes for a in o.accounts})
    summary = {
        "file": name, "platform": platform, "report_type": report_type,
        "account": ", ".join(accounts) if accounts else None,
        "added": sum(o.added for o in outcomes), "updated": sum(o.updated for o in outcomes),
        "skipped": sum(o.skipped for o in outcomes),
    }
    return FileImport(summary, [e for o in outcomes for e in o.events])


async def import_one_async(service: Service, name: str, content: bytes, account: str | None) -> dict:
    from companion.parsing import ParserCrashed
    from companion.service import ServiceError

    try:
        parsed = await service.parser.run(parse_file, name, content, account)
    except FileError as exc:
        raise ServiceError(str(exc), 422) from exc
    except ParserCrashed as exc:
        raise ServiceError(f"{name}: {exc}", 422) from exc
    return (await service.writer.run(commit_file, name, parsed)).summary

"""Progress through a running daemon (issue #17.7): an import or a restore sent to the real `shoptally serve`
publishes `progress` events on /ws/events, named by the caller's progress_id, ending at the total and then
with an end event; the view and the CLI draw their bars from them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from companion.store.db import sqlite_url
from tests.support.daemon import Daemon, recv
from tests.support.tables import bench_export

BIG_ROWS = 32_000  # about 8.8 MB: read in units by the daemon's parsing process


async def _progress_of(events, op: str) -> list[dict]:
    """The progress events of operation `op` up to its end event (each within a generous ceiling)."""
    seen = []
    while True:
        event = await recv(events, timeout=120)
        if event["event"] == "progress" and event["op"] == op:
            seen.append(event)
            if event.get("end"):
                return seen


async def test_an_import_through_the_daemon_publishes_progress_up_to_its_rows(tmp_path: Path):
    data = tmp_path / "data"
    path = bench_export(tmp_path, BIG_ROWS)
    async with Daemon(data, sqlite_url(data / "shoptally.db")) as daemon:
        events, _ = await daemon.events()
        answer = asyncio.create_task(asyncio.to_thread(
            daemon.fetch, "/api/import", "POST", {"paths": [str(path)], "progress_id": "op-import-1"}))
        seen = await _progress_of(events, "op-import-1")
        assert json.loads(await answer)["files"][0]["added"] == BIG_ROWS
    reports, end = seen[:-1], seen[-1]
    assert end == {"event": "progress", "op": "op-import-1", "kind": "import", "name": path.name, "end": True,
                   "ok": True}
    assert reports[-1] == {"event": "progress", "op": "op-import-1", "kind": "import", "name": path.name,
                           "stage": "import", "done": BIG_ROWS, "total": BIG_ROWS, "unit": "rows"}
    done = [r["done"] for r in reports]
    assert done == sorted(done) and len(reports) >= 3, reports


async def test_a_restore_through_the_daemon_publishes_its_safety_backup_and_restore(tmp_path: Path):
    data = tmp_path / "data"
    path = bench_export(tmp_path, 300)
    async with Daemon(data, sqlite_url(data / "shoptally.db")) as daemon:
        assert (await daemon.acli("import", str(path))).code == 0
        created = json.loads(await asyncio.to_thread(daemon.fetch, "/api/backup/create", "POST", {}))
        name = created["name"]
        events, _ = await daemon.events()
        answer = asyncio.create_task(asyncio.to_thread(
            daemon.fetch, "/api/backup/restore", "POST", {"name": name, "progress_id": "op-restore-1"}))
        seen = await _progress_of(events, "op-restore-1")
        await answer
    stages = [e.get("stage") for e in seen]
    assert stages[0] == "safety backup" and stages[-2] == "restore" and seen[-1]["end"] and seen[-1]["ok"]
    last = seen[-2]
    assert last["done"] == last["total"] and last["total"] > 300 and last["kind"] == "restore"

"""Team mode, the other events (issue #20.1, .2): two real daemons on one PostgreSQL schema. A store renamed, the
settings saved or a schedule set through one reaches the other's open views (a team event: a row read by id
and a NOTIFY of it, companion/store/team_events.py); a restore through one makes every view of both reload,
after which changes still cross with the restored revs; an edit made through one is undone through the other."""

from __future__ import annotations

import asyncio
import json
import urllib.error
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support import PG_URL
from tests.support.daemon import Daemon, query, recv, scalar
from tests.support.tables import bench_export

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs SHOPTALLY_TEST_DATABASE_URL (PostgreSQL)")
CEILING = 30.0  # seconds an event may take to reach the other daemon's view: generous, the CI machine is shared
SHOP = "TikTok US BenchShop"
PER_DAEMON = ("extension.", "pairing.", "progress", "sync.")



async def _import(daemon: Daemon, tmp_path: Path, seed: int) -> int:
    """A 5-row export of its own imported through `daemon`; the rev it committed."""
    folder = tmp_path / f"in{seed}"
    folder.mkdir()
    res = await daemon.acli("import", str(bench_export(folder, 5, seed=seed)))
    assert res.code == 0, res.err
    return scalar(daemon.db_url, "SELECT MAX(rev) FROM change_log")


async def _shared_events(view, count: int) -> list[dict]:
    """The next `count` events about the shared data (this daemon's own doings, pairing or syncs, skipped),
    `at` dropped from settlement events."""
    got = []
    while len(got) < count:
        event = await recv(view, timeout=CEILING)
        if not event["event"].startswith(PER_DAEMON):
            event.pop("at", None)
            got.append(event)
    return got


async def _quiet(view, seconds: float = 1.5) -> list[dict]:
    """Events about the shared data that still come within `seconds`: none, when nothing is published twice."""
    try:
        return await asyncio.wait_for(_shared_events(view, 1), seconds)
    except TimeoutError:
        return []


async def _post(daemon: Daemon, path: str, body: dict) -> dict:
    return json.loads(await asyncio.to_thread(daemon.fetch, path, "POST", body))


async def test_a_store_renamed_and_settings_saved_on_one_daemon_reach_the_other_daemons_views(tmp_path, pg_url):
    async with Daemon(tmp_path / "a", pg_url) as a, Daemon(tmp_path / "b", pg_url) as b:
        await _import(a, tmp_path, seed=1)
        view_a, _ = await a.events()
        view_b, _ = await b.events()
        await _post(a, "/api/stores/update", {"account": SHOP, "name": "Bench One"})
        await _post(a, "/api/settings", {"reporting_currency": "EUR", "cloud_target": "webdavs://u:secret@h/x"})
        await _post(a, "/api/schedules", {"account": "Bench One", "every": "6h"})
        await _post(a, "/api/autosync", {"paused": True})
        for view in (view_a, view_b):
            got = await _shared_events(view, 5)
            assert got[0] == {"event": "stores.updated", "account": SHOP, "name": "Bench One"}
            assert got[1]["event"] == "settings.updated"
            assert got[1]["settings"]["reporting_currency"] == "EUR"
            assert got[1]["settings"]["cloud_target"] == "webdavs://u:••••••@h/x"  # never the password
            assert got[2] == {"event": "schedules.updated", "account": "Bench One"}
            assert got[3]["event"] == "settings.updated" and got[3]["settings"]["auto_sync"] == "paused"
            assert got[4] == {"event": "autosync.updated", "paused": True}  # each daemon's scheduler follows
        automation = b.get("/api/automation")
        assert [s["account"] for s in automation["schedules"]] == ["Bench One"] and automation["paused"] is True
        assert scalar(pg_url, "SELECT COUNT(*) FROM team_event") == 4
        assert "secret" not in json.dumps(query(pg_url, "SELECT events FROM team_event"))
        assert await _quiet(view_a) == [] and await _quiet(view_b) == []


async def test_a_restore_on_one_daemon_reloads_the_views_of_both_and_later_changes_still_cross(tmp_path, pg_url):
    async with Daemon(tmp_path / "a", pg_url) as a, Daemon(tmp_path / "b", pg_url) as b:
        assert await _import(a, tmp_path, seed=1) == 1
        saved = tmp_path / "one.zip"
        res = await a.acli("backup", "create", "--out", str(saved))
        assert res.code == 0, res.err
        view_a, _ = await a.events()
        view_b, _ = await b.events()
        assert (await _import(a, tmp_path, seed=2), await _import(b, tmp_path, seed=3)) == (2, 3)
        res = await b.acli("backup", "restore", str(saved), "--yes")  # the backup's log ends at rev 1
        assert res.code == 0, res.err
        later = await _import(a, tmp_path, seed=4)
        assert later == 3  # a rev either view had heard before the restore
        for view in (view_a, view_b):
            got = await _shared_events(view, 5)
            assert [(e["event"], e.get("rev"), e.get("added")) for e in got] == [
                ("tk-settlement.updated", 2, 5), ("tk-settlement.updated", 3, 5),
                ("tk-settlement.updated", 2, 5),  # the restore's change: the backup's 5 lines
                ("app.reload", None, None),
                ("tk-settlement.updated", 3, 5)]
            assert got[3] == {"event": "app.reload", "reason": "restore"}
            assert await _quiet(view) == []


def _expense_row(daemon: Daemon, line_id: int) -> dict:
    """The line as the expense tab shows it through `daemon`: its figures, edits applied."""
    return next(r for r in daemon.get("/api/expenses?period=all&size=500")["rows"] if r["id"] == line_id)


async def test_an_edit_made_through_one_daemon_is_undone_through_the_other(tmp_path, pg_url):
    async with Daemon(tmp_path / "a", pg_url) as a, Daemon(tmp_path / "b", pg_url) as b:
        await _import(a, tmp_path, seed=1)
        line_id = query(pg_url, "SELECT id FROM settlement_line ORDER BY id LIMIT 1")[0][0]
        before = _expense_row(b, line_id)
        assert before["edited"] == [] and Decimal(before["settlement_price"]) != Decimal("7.10")
        view_a, _ = await a.events()
        edit = await _post(a, "/api/edits", {"line_id": line_id, "field": "purchase_price", "value": "12.3456"})
        assert (edit["old"], edit["new"], edit["rev"]) == (None, "12.3456", 2)
        await _post(a, "/api/edits", {"line_id": line_id, "field": "settlement_price", "value": "7.10"})
        edited = _expense_row(b, line_id)
        assert (edited["settlement_price"], edited["purchase_price"], edited["edited"]) == (
            "7.10", "12.35", ["purchase_price", "settlement_price"])  # the tab shows cents; the log keeps all
        undone = await _post(b, "/api/edits/undo", {})  # the ledger's latest standing edit, made on A
        assert (undone["field"], undone["old"], undone["new"], undone["rev"]) == ("settlement_price", "7.10", None, 4)
        undone = await _post(b, "/api/edits/undo", {})
        assert (undone["field"], undone["old"], undone["new"], undone["rev"]) == ("purchase_price", "12.3456", None, 5)
        got = await _shared_events(view_a, 4)
        assert [(e["event"], e["rev"], e["updated"]) for e in got] == [
            ("tk-settlement.updated", r, 1) for r in (2, 3, 4, 5)]
        after = _expense_row(a, line_id)
        assert after == before and Decimal(after["settlement_price"]) == Decimal(before["settlement_price"])
        history = a.get("/api/edits")["edits"]
        assert [(h["edit"], h["field"], h["old"], h["new"], h["undo_of"], h["undone"]) for h in history] == [
            (4, "purchase_price", "12.3456", None, 1, False), (3, "settlement_price", "7.10", None, 2, False),
            (2, "settlement_price", None, "7.10", None, True), (1, "purchase_price", None, "12.3456", None, True)]
        with pytest.raises(urllib.error.HTTPError) as refused:  # nothing is left to undo, on either daemon
            await _post(a, "/api/edits/undo", {})
        assert refused.value.code == 409 and json.loads(refused.value.read())["code"] == "undo_nothing"

"""Live across machines (issue #20.1): two real daemons on one PostgreSQL database and schema. A change committed
through one reaches the other's open views as `tk-settlement.updated` with the shared rev (LISTEN/NOTIFY, then
the change log), once; after its listening connection is ended, the daemon reconnects and catches up by rev."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from companion.store.notify import CHANNEL_SQL
from tests.support import PG_URL
from tests.support.daemon import Daemon, next_event, query, recv, scalar
from tests.support.tables import bench_export

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs SHOPTALLY_TEST_DATABASE_URL (PostgreSQL)")
CEILING = 30.0  # seconds an event may take to reach the other daemon's view: generous, the CI machine is shared



def _rev(db_url: str) -> int:
    return scalar(db_url, "SELECT COALESCE(MAX(rev), 0) FROM change_log")


async def _import(daemon: Daemon, tmp_path: Path, seed: int) -> int:
    """A 5-row export of its own imported through `daemon`; the rev it committed."""
    folder = tmp_path / f"in{seed}"
    folder.mkdir()
    res = await daemon.acli("import", str(bench_export(folder, 5, seed=seed)))
    assert res.code == 0, res.err
    return _rev(daemon.db_url)


async def _settlement_event(events) -> dict:
    """The next `tk-settlement.updated`, `at` kept (next_event drops it)."""
    while True:
        event = await recv(events, timeout=CEILING)
        if event["event"] == "tk-settlement.updated":
            return event


async def _nothing_more(events, seconds: float = 1.5) -> list[dict]:
    """The settlement events that still come within `seconds` (none, when nothing is published twice)."""
    seen = []
    try:
        while True:
            event = await recv(events, timeout=seconds)
            if event["event"] == "tk-settlement.updated":
                seen.append(event)
    except TimeoutError:
        return seen


async def test_a_change_through_one_daemon_reaches_the_views_of_the_other_with_its_rev(tmp_path: Path, pg_url):
    async with Daemon(tmp_path / "a", pg_url) as a, Daemon(tmp_path / "b", pg_url) as b:
        view_a, _ = await a.events()
        view_b, hello_rev = await b.events()
        assert hello_rev == 0
        rev = await _import(a, tmp_path, seed=1)
        heard_b = await _settlement_event(view_b)
        took = time.time() - datetime.fromisoformat(heard_b.pop("at")).timestamp()  # from A's commit
        heard_a = await next_event(view_a, "tk-settlement.updated")
        assert heard_b == heard_a == {"event": "tk-settlement.updated", "account": "TikTok US BenchShop", "added": 5,
                                      "updated": 0, "removed": 0, "rev": rev}
        assert rev == 1
        assert await _nothing_more(view_b) == []
        print(f"from A's commit to the event on B's view, at most: {took:.3f}s")


async def test_a_daemons_own_change_is_published_once_and_the_others_in_rev_order(tmp_path: Path, pg_url):
    async with Daemon(tmp_path / "a", pg_url) as a, Daemon(tmp_path / "b", pg_url) as b:
        view_a, _ = await a.events()
        view_b, _ = await b.events()
        first = await _import(b, tmp_path, seed=1)
        second = await _import(a, tmp_path, seed=2)
        third = await _import(b, tmp_path, seed=3)
        assert (first, second, third) == (1, 2, 3)
        for view in (view_a, view_b):
            got = [await next_event(view, "tk-settlement.updated", timeout=CEILING) for _ in range(3)]
            assert [(e["rev"], e["added"]) for e in got] == [(1, 5), (2, 5), (3, 5)]
            assert await _nothing_more(view) == []


async def test_after_its_listening_connection_is_ended_a_daemon_catches_up_by_rev(tmp_path: Path, pg_url):
    channel = query(pg_url, f"SELECT {CHANNEL_SQL}")[0][0]
    async with Daemon(tmp_path / "a", pg_url) as a, Daemon(tmp_path / "b", pg_url) as b:
        view_b, _ = await b.events()
        ended = query(pg_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
                      (f'LISTEN "{channel}"',))
        assert ended == [(True,), (True,)]  # A's and B's
        meanwhile = await _import(a, tmp_path, seed=1)
        heard = await next_event(view_b, "tk-settlement.updated", timeout=CEILING)
        assert (heard["rev"], heard["added"]) == (meanwhile, 5) == (1, 5)
        later = await _import(a, tmp_path, seed=2)  # heard live again once B listens anew
        heard = await next_event(view_b, "tk-settlement.updated", timeout=CEILING)
        assert (heard["rev"], heard["added"]) == (later, 5) == (2, 5)
        assert await _nothing_more(view_b) == []
        assert "listening failed" in b.output()

"""Team mode, upkeep (issue #20.2): with several daemons (processes) on one PostgreSQL schema, no piece of upkeep
is done twice. Two processes rebuilding the marked day totals at once add up each marked hour exactly once
(the schema's write turn); a scheduled sync that fires on two daemons runs once (a claim in the database);
ANALYZE is left to the daemon that runs it already (an advisory lock tried, never waited for)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.store import locks, upkeep
from companion.store.db import close_database, make_database, open_database
from companion.store.writer import IDLE_AFTER, Writer
from tests.support import PG_URL, REPO
from tests.support.daemon import Daemon, clean_env, cli, query, scalar
from tests.support.tables import bench_export

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs SHOPTALLY_TEST_DATABASE_URL (PostgreSQL)")
SHOP = "TikTok US BenchShop"
CEILING = 120.0  # seconds: generous, the CI machine is shared



def _rebuild(url: str, go: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.support.rebuild_worker", url, str(go)], cwd=REPO,
                            env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> list[list[list[int]]]:
    out, err = proc.communicate(timeout=CEILING)
    assert proc.returncode == 0, err
    return json.loads(out)


def _totals(url: str) -> list[tuple]:
    return query(url, 'SELECT * FROM "line_total" ORDER BY 1, 2, 3, 4, 5')


def _mark_every_hour(url: str) -> set[tuple[int, int]]:
    """Every store's totals dropped and every hour of its lines marked, as a change of all of them would."""
    db = make_database(url)
    db.connect()
    try:
        with db.atomic():
            db.execute_sql('DELETE FROM "line_total"')
            for t in ('"settled_time"', 'COALESCE("order_time", "settled_time")'):
                db.execute_sql('INSERT INTO "line_total_dirty" ("store_id", "hour") SELECT DISTINCT "store_id", '
                               f'COALESCE({t} / 3600000, -2) FROM "settlement_line" ON CONFLICT DO NOTHING')
    finally:
        db.close()
    return {tuple(r) for r in query(url, 'SELECT "store_id", "hour" FROM "line_total_dirty"')}


def test_two_processes_rebuilding_marked_totals_at_once_add_up_each_marked_hour_once(tmp_path, pg_url):
    res = cli(tmp_path / "d", pg_url, "import", str(bench_export(tmp_path, 600)))
    assert res.code == 0, res.err
    go = tmp_path / "go"
    go.touch()
    _finish(_rebuild(pg_url, go))  # alone: the totals as the lines make them
    alone = _totals(pg_url)
    assert len(alone) >= 30 and scalar(pg_url, 'SELECT COUNT(*) FROM "line_total_dirty"') == 0
    marked = _mark_every_hour(pg_url)
    assert len(marked) >= 20 and _totals(pg_url) == []
    go.unlink()
    workers = [_rebuild(pg_url, go), _rebuild(pg_url, go)]
    go.touch()  # both have opened the database: they start together
    steps = [_finish(w) for w in workers]
    cleared = [{tuple(h) for step in s for h in step} for s in steps]
    print(f"steps: {len(steps[0])} and {len(steps[1])}; hours cleared: {len(cleared[0])} and {len(cleared[1])}")
    assert cleared[0] and cleared[1]  # both took turns
    assert cleared[0] & cleared[1] == set()  # no hour added up by both
    assert cleared[0] | cleared[1] == marked  # and none left out
    assert sum(len(c) for c in cleared) == len(marked)
    assert scalar(pg_url, 'SELECT COUNT(*) FROM "line_total_dirty"') == 0
    assert _totals(pg_url) == alone


async def test_a_scheduled_sync_that_fires_on_two_daemons_runs_once(tmp_path, pg_url):
    # no browser to start: each run that happens ends at once as browser_missing, and is recorded
    env = clean_env(SHOPTALLY_MIN_SYNC_INTERVAL="1", SHOPTALLY_BROWSER="/nonexistent/chromium")
    every = 4  # seconds
    async with Daemon(tmp_path / "a", pg_url, env=env) as a, Daemon(tmp_path / "b", pg_url, env=env) as b:
        res = await a.acli("import", str(bench_export(tmp_path, 5)))
        assert res.code == 0, res.err
        await asyncio.to_thread(a.fetch, "/api/schedules", "POST", {"account": SHOP, "every": f"{every}s"})
        deadline = time.monotonic() + CEILING
        while scalar(pg_url, "SELECT COUNT(*) FROM sync_run") < 4:
            assert time.monotonic() < deadline, (a.output(), b.output())
            await asyncio.sleep(0.2)
        await asyncio.to_thread(a.fetch, "/api/schedules", "POST", {"account": SHOP, "off": True})
        await asyncio.to_thread(b.stop)
        await asyncio.to_thread(a.stop)
        left = _left(a, b)
    runs = query(pg_url, "SELECT started_at, trigger, status FROM sync_run ORDER BY started_at")
    assert {(trigger, status) for _, trigger, status in runs} == {("schedule", "browser_missing")}
    gaps = [later[0] - earlier[0] for earlier, later in zip(runs, runs[1:], strict=False)]
    assert min(gaps) >= every * 1000 / 2, gaps  # one run per firing, never two of one
    # both daemons' schedulers fired each run: one ran it, the other found it claimed and left it
    assert abs(len(runs) - sum(left.values())) <= 2, (len(runs), left)


def _left(a: Daemon, b: Daemon) -> dict[str, int]:
    """How many firings each daemon left to the other (it found them claimed)."""
    said = "not run here (another daemon on this database claimed it)"
    return {name: d.output().count(said) for name, d in (("a", a), ("b", b))}


def test_analyze_is_left_to_the_daemon_that_runs_it_already(tmp_path, pg_url, monkeypatch):
    res = cli(tmp_path / "d", pg_url, "import", str(bench_export(tmp_path, 600)))
    assert res.code == 0, res.err
    monkeypatch.setattr(upkeep, "ANALYZE_MIN_ROWS", 100)
    db = make_database(pg_url)
    db.connect()
    other = make_database(pg_url)  # another daemon's upkeep, analyzing now
    other.connect()
    try:
        def analyzed() -> int:
            """ANALYZEs run by hand (autovacuum's are counted apart), this connection's own counted at once."""
            db.execute_sql("SELECT pg_stat_force_next_flush()")
            return db.execute_sql("SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = "
                                  "current_schema() AND relname = 'settlement_line'").fetchone()[0]

        deadline = time.monotonic() + CEILING
        while db.execute_sql("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE schemaname = "
                             "current_schema() AND relname = 'settlement_line'").fetchone()[0] < 600:
            assert time.monotonic() < deadline
            time.sleep(0.1)  # PostgreSQL publishes its table counters about once a second
        before = analyzed()
        ours = upkeep.Upkeep(db)
        assert other.execute_sql("SELECT pg_try_advisory_lock(hashtextextended('shoptally:analyze:' || "
                                 "current_schema(), 0))").fetchone()[0] is True
        ours._analyze_grown_tables()
        assert db.execute_sql("SELECT pg_try_advisory_lock(hashtextextended('shoptally:analyze:' || "
                              "current_schema(), 0))").fetchone()[0] is False  # still the other's
        other.execute_sql("SELECT pg_advisory_unlock(hashtextextended('shoptally:analyze:' || "
                          "current_schema(), 0))")
        assert analyzed() == before
        ours._analyze_grown_tables()  # the turn is free: this one analyzes
        while analyzed() == before:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert analyzed() == before + 1
    finally:
        other.close()
        db.close()


# idle work yields to a teammate's writes ----------------------------------------------------------------------

@pytest.fixture
def idle_writer(pg_url):
    """Starts a Writer on the schema whose idle work only notes when it ran (and asks for no more); a new
    writer's idle work is due IDLE_AFTER after it starts."""
    db = open_database(pg_url)
    writers: list[Writer] = []

    def start() -> tuple[Writer, list[float]]:
        runs: list[float] = []
        writers.append(Writer(db, idle=lambda: runs.append(time.monotonic()) or False))
        writers[-1].start()
        return writers[-1], runs

    try:
        yield start
    finally:
        for writer in writers:
            writer.stop()
        close_database()


def _wait(check, what: str) -> None:
    end = time.monotonic() + CEILING
    while not check():
        assert time.monotonic() < end, f"waited {CEILING} s for {what}"
        time.sleep(0.05)


def test_idle_work_tries_the_write_turn_and_never_queues_behind_a_teammate(pg_url, idle_writer):
    """A teammate's sync holds the write turn commit after commit: this daemon's day-total rebuild must not
    queue for it, or it would hold the turn itself while the teammate's next capture waits behind it."""
    teammate = make_database(pg_url)
    teammate.connect()
    try:
        teammate.execute_sql("BEGIN")
        teammate.execute_sql(f"SELECT pg_advisory_xact_lock({locks._KEY})", ("write",))
        writer, runs = idle_writer()
        time.sleep(3 * IDLE_AFTER)  # idle work came due and was tried, more than once
        assert runs == []
        ungranted = scalar(pg_url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        assert ungranted == 0  # no request of ours stands waiting for the turn
        teammate.execute_sql("COMMIT")
        _wait(lambda: len(runs) == 1, "the idle work once the turn is free")
    finally:
        teammate.close()


def test_idle_work_waits_until_the_team_has_been_quiet(idle_writer):
    writer, runs = idle_writer()
    _wait(lambda: len(runs) == 1, "the first idle work")
    writer.submit(lambda: None).result(timeout=CEILING)  # a job: idle work is due again IDLE_AFTER later
    started = time.monotonic()
    while time.monotonic() - started < 3:  # a teammate's sync: a commit heard every 0.2 s for 3 s
        writer.team_committed()
        time.sleep(0.2)
    last_heard = time.monotonic()
    assert len(runs) == 1
    _wait(lambda: len(runs) == 2, "the idle work after the team went quiet")
    assert runs[1] - last_heard >= IDLE_AFTER - 0.25

"""Team mode on PostgreSQL: several daemons opening one schema at once migrate it once (one pre-upgrade
backup), and two of them storing the same capture at once store each line once. Real processes, started
together: each gets ready (imports, opens, parses), then all are released at the same instant."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from companion.store import locks
from companion.store.db import MIGRATIONS_DIR, make_database, migration_runner
from tests.support import PG_URL, REPO
from tests.support.builders import order_list_capture, order_row

pytestmark = pytest.mark.skipif(not PG_URL, reason="SHOPTALLY_TEST_DATABASE_URL is not set")
ON_POSTGRES = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
ALL_VERSIONS = sorted(p.stem for p in MIGRATIONS_DIR.glob("0*.py"))

OPEN = """
import json, sys, time
from pathlib import Path
from companion.backup.snapshot import open_database
from companion.store.db import schema_version
url, backups, ready, go = sys.argv[1:]
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.002)
db = open_database(url, backup_dir=Path(backups))
print(json.dumps(schema_version(db)))
"""

STORE = """
import json, sys, time
from pathlib import Path
from companion.pipeline.ingest import commit, prepare_frame
from companion.store.db import open_database
from companion.store.writer import run_inline
url, capture, ready, go = sys.argv[1:]
db = open_database(url)
prepared = prepare_frame(json.loads(Path(capture).read_text()))
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.002)
out = run_inline(db, commit, prepared)
print(json.dumps({"added": out.added, "skipped": out.skipped}))
"""


def together(tmp_path: Path, script: str, args: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run `python -c script` once per argument list; release them all at once when every one is ready."""
    go = tmp_path / "go"
    procs, ready = [], []
    for n, rest in enumerate(args):
        ready.append(tmp_path / f"ready-{n}")
        procs.append(subprocess.Popen([sys.executable, "-c", script, *rest, str(ready[-1]), str(go)], cwd=REPO,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=180)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def query(url: str, sql: str) -> list[tuple]:
    db = make_database(url)
    db.connect()
    try:
        return list(db.execute_sql(sql).fetchall())
    finally:
        db.close()


def applied_once(url: str) -> None:
    counts = query(url, "SELECT name, COUNT(*) FROM schema_migration GROUP BY name ORDER BY name")
    assert counts == [(name, 1) for name in ALL_VERSIONS]


@ON_POSTGRES
def test_daemons_opening_a_fresh_schema_at_once_migrate_it_once(tmp_path, db_url):
    backups = tmp_path / "backups"
    runs = together(tmp_path, OPEN, [[db_url, str(backups)] for _ in range(4)])
    for r in runs:
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        assert json.loads(r.stdout) == ALL_VERSIONS
    applied_once(db_url)
    assert not backups.exists() or list(backups.iterdir()) == []  # an empty schema holds nothing to back up


@ON_POSTGRES
def test_daemons_upgrading_a_schema_at_once_back_it_up_once(tmp_path, db_url):
    old = make_database(db_url)
    old.connect()
    assert migration_runner(old).up(target="0001_initial") == ["0001_initial"]
    old.execute_sql(
        "INSERT INTO store (platform, external_id, region, name, currency, timezone, created_at) "
        "VALUES ('tiktok', '7495', 'US', 'Old store', 'USD', 'America/Los_Angeles', 1700000000000)")
    old.close()
    backups = tmp_path / "backups"
    runs = together(tmp_path, OPEN, [[db_url, str(backups)] for _ in range(4)])
    for r in runs:
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == ALL_VERSIONS
    applied_once(db_url)
    made = [p.name for p in backups.iterdir()]
    assert len(made) == 1 and made[0].startswith("shoptally-") and "-pre-migration" in made[0], made
    assert query(db_url, "SELECT name FROM store") == [("Old store",)]


@ON_POSTGRES
def test_two_daemons_storing_one_capture_at_once_store_each_line_once(tmp_path, db_url):
    migrated = subprocess.run([sys.executable, "-c", "import sys; from companion.store.db import open_database;"
                               " open_database(sys.argv[1]).close()", db_url], cwd=REPO, capture_output=True,
                              text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    capture = order_list_capture([order_row(n, f"{n}.25") for n in range(1, 3001)])
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(capture))
    runs = together(tmp_path, STORE, [[db_url, str(path)] for _ in range(2)])
    for r in runs:
        assert r.returncode == 0, r.stderr
    outcomes = sorted((json.loads(r.stdout) for r in runs), key=lambda o: -o["added"])
    assert outcomes == [{"added": 3000, "skipped": 0}, {"added": 0, "skipped": 3000}]
    assert query(db_url, "SELECT COUNT(*), COUNT(DISTINCT natural_key) FROM settlement_line") == [(3000, 3000)]
    assert query(db_url, "SELECT COUNT(*) FROM raw_capture") == [(1,)]
    assert query(db_url, "SELECT rev FROM change_log ORDER BY rev") == [(1,)]


@ON_POSTGRES
def test_two_imports_of_one_file_at_once_store_each_line_once(tmp_path, db_url):
    """`shoptally import` twice at once into a fresh schema, each from its own data dir: both migrate-or-wait,
    both exit 0, and the file's lines are stored once, added by one import and skipped by the other."""
    capture = order_list_capture([order_row(n, f"{n}.10") for n in range(1, 5001)])
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(capture))
    procs = [subprocess.Popen([sys.executable, "-m", "companion", "import", "--data-dir", str(tmp_path / f"d{n}"),
                               "--database-url", db_url, str(path), "--json"], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(2)]
    runs = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    for _out, err, code in runs:
        assert (code, err) == (0, ""), err
    files = sorted((json.loads(out)["files"][0] for out, _, _ in runs), key=lambda f: -f["added"])
    assert [(f["added"], f["updated"], f["skipped"]) for f in files] == [(5000, 0, 0), (0, 0, 5000)]
    assert query(db_url, "SELECT COUNT(*), COUNT(DISTINCT natural_key) FROM settlement_line") == [(5000, 5000)]
    applied_once(db_url)


@ON_POSTGRES
def test_a_daemon_waiting_for_anothers_migration_says_so_and_goes_on_when_it_ends(db_url, caplog, monkeypatch):
    """A large schema's migration may take minutes: the daemon waiting for it says why, naming who holds it."""
    monkeypatch.setattr(locks, "MIGRATION_POLL", 0.05)
    monkeypatch.setattr(locks, "MIGRATION_FIRST_NOTE", 0.3)
    monkeypatch.setattr(locks, "MIGRATION_NOTE_EVERY", 0.5)
    holder = make_database(db_url)
    holder.connect()
    waiter = make_database(db_url)
    waiter.connect()
    entered = threading.Event()

    def migrate() -> None:
        with locks.migrating(waiter):
            entered.set()

    try:
        holder.execute_sql(f"SELECT pg_advisory_lock({locks._KEY})", ("migrate",))  # another daemon migrating
        pid = holder.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        with caplog.at_level(logging.WARNING, logger="companion.store.locks"):
            thread = threading.Thread(target=migrate)
            thread.start()
            assert not entered.wait(1.2)
            notes = [r.getMessage() for r in caplog.records if r.name == "companion.store.locks"]
            assert 1 <= len(notes) <= 2  # after MIGRATION_FIRST_NOTE, then every MIGRATION_NOTE_EVERY
            assert f"PostgreSQL pid {pid}" in notes[0] and notes[0].startswith(
                "waiting for another daemon's migration of this schema (postgres")
            holder.execute_sql(f"SELECT pg_advisory_unlock({locks._KEY})", ("migrate",))
            assert entered.wait(30)
            thread.join(30)
    finally:
        holder.close()
        waiter.close()

"""Backups: one file, a consistent snapshot with a manifest; restore checked, migrated, atomic; automatic
before a migration; through the running daemon views reload. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from companion.backup import archive, restore, snapshot
from companion.backup.snapshot import open_database
from companion.store.db import close_database, make_database, migration_runner
from tests.support import PG_URL, REPO
from tests.support.daemon import Daemon, clean_env, cli, report, table_counts
from tests.support.tables import bench_export as export

SEPT = "TikTok_BenchShop_结算_2025-09.csv"


def test_backup_then_restore_gives_back_every_row_and_cent(db_url, tmp_path):
    data = tmp_path / "data"
    assert cli(data, db_url, "import", str(export(tmp_path, 300))).code == 0
    rates = tmp_path / "rates.csv"
    rates.write_text("date,from,to,rate\n2025-09-01,USD,CNY,7.1234\n")
    assert cli(data, db_url, "fx", "import", str(rates)).code == 0
    assert cli(data, db_url, "schedule", "set", "TikTok US BenchShop", "--every", "6h").code == 0
    before, counts = report(data, db_url), table_counts(db_url)
    out = tmp_path / "keep.shoptally-backup"
    res = cli(data, db_url, "backup", "create", "--out", str(out))
    assert res.code == 0, res.err
    assert res.out.strip() == f"backup written to {out}: 300 settlement lines, {sum(counts.values())} rows in " \
                              f"{len(counts)} tables"
    manifest = archive.verify(out)
    assert manifest["tables"] == counts and manifest["schema"] == restore.known_migrations()
    assert manifest["app"] == "shoptally" and manifest["reason"] == "manual"

    # the data changes: a reset, and another month imported
    assert cli(data, db_url, "reset", "--all", "--yes").code == 0
    assert cli(data, db_url, "import", str(export(tmp_path, 40, "TikTok_BenchShop_结算_2025-10.csv", 9))).code == 0
    changed = table_counts(db_url)
    res = cli(data, db_url, "backup", "restore", str(out))
    assert res.code == 1 and "pass --yes to confirm" in res.err  # not a terminal: never without --yes
    assert table_counts(db_url) == changed
    res = cli(data, db_url, "backup", "restore", str(out), "--yes")
    assert res.code == 0, res.err
    assert res.out.startswith(f"restored {out.name}: 300 settlement lines, {sum(counts.values())} rows; "
                              f"the data before it is in {data / 'backups'}/shoptally-")
    assert report(data, db_url) == before
    after = table_counts(db_url)
    assert after == {**counts, "change_log": counts["change_log"] + 1}  # the restore itself is a change
    # the safety backup holds what was there before the restore: restoring it brings that back
    safety = Path(res.out.rstrip().rsplit(" ", 1)[1])
    assert archive.verify(safety)["tables"]["settlement_line"] == changed["settlement_line"] == 40
    assert cli(data, db_url, "backup", "restore", str(safety), "--yes").code == 0
    assert table_counts(db_url)["settlement_line"] == 40


def test_a_backup_from_sqlite_restores_into_postgresql_and_back(tmp_path):

    if not PG_URL:
        pytest.skip("SHOPTALLY_TEST_DATABASE_URL is not set")
    import uuid

    lite = f"sqlite:///{tmp_path / 'a.db'}"
    assert cli(tmp_path / "a", lite, "import", str(export(tmp_path, 120))).code == 0
    out = tmp_path / "a.shoptally-backup"
    assert cli(tmp_path / "a", lite, "backup", "create", "--out", str(out)).code == 0
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_database(PG_URL)
    admin.connect()
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    try:
        pg = f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"
        res = cli(tmp_path / "b", pg, "backup", "restore", str(out), "--yes")
        assert res.code == 0, res.err
        assert report(tmp_path / "b", pg) == report(tmp_path / "a", lite)
        assert cli(tmp_path / "b", pg, "import", str(export(tmp_path, 5, "TikTok_BenchShop_结算_2025-10.csv", 3))
                   ).code == 0  # ids continue after the restored ones
    finally:
        admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


def _damaged(good: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    raw = good.read_bytes()
    truncated = folder / "truncated.shoptally-backup"
    truncated.write_bytes(raw[: len(raw) // 2])
    foreign = folder / "foreign.shoptally-backup"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("hello.txt", "not a backup")
    tampered = folder / "tampered.shoptally-backup"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as dst:
        dst.writestr(archive.MANIFEST, src.read(archive.MANIFEST))
        body = bytearray(src.read(archive.DATA))
        body[len(body) // 2] ^= 0x01
        dst.writestr(archive.DATA, bytes(body))
    newer = folder / "newer.shoptally-backup"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(newer, "w") as dst:
        manifest = json.loads(src.read(archive.MANIFEST))
        manifest["schema"].append("0099_from_the_future")
        dst.writestr(archive.MANIFEST, json.dumps(manifest))
        dst.writestr(archive.DATA, src.read(archive.DATA))
    text = folder / "notes.shoptally-backup"
    text.write_text("hello")
    return {
        "truncated": (truncated, "truncated.shoptally-backup: not a shoptally backup (or a truncated one): it has "
                                 "no readable manifest"),
        "foreign": (foreign, "foreign.shoptally-backup: not a shoptally backup (or a truncated one): it has no "
                             "readable manifest"),
        "tampered": (tampered, "tampered.shoptally-backup: its data does not match its checksum (a damaged or "
                               "altered file)"),
        "newer": (newer, "newer.shoptally-backup: made by a newer shoptally (schema 0099_from_the_future): "
                         "upgrade shoptally, then restore it"),
        "text": (text, "notes.shoptally-backup: not a shoptally backup (or a truncated one): it has no readable "
                       "manifest"),
        "missing": (folder / "gone.shoptally-backup", "gone.shoptally-backup: no such file"),
    }


def test_bad_truncated_foreign_or_newer_files_are_refused_in_one_line_and_change_nothing(db_url, tmp_path):
    data = tmp_path / "data"
    assert cli(data, db_url, "import", str(export(tmp_path, 50))).code == 0
    good = tmp_path / "good.shoptally-backup"
    assert cli(data, db_url, "backup", "create", "--out", str(good)).code == 0
    before, counts = report(data, db_url), table_counts(db_url)
    for path, message in _damaged(good, tmp_path).values():
        res = cli(data, db_url, "backup", "restore", str(path), "--yes")
        assert (res.code, res.out, res.err) == (2, "", f"shoptally: {message}\n")
    assert report(data, db_url) == before and table_counts(db_url) == counts
    assert not list((data / "backups").glob("*pre-restore*")) if (data / "backups").exists() else True


def _version_5_database(db_url: str) -> None:
    """A database as version 5 of the schema left it, with a store and two lines (raw SQL of that version)."""
    old = make_database(db_url)
    old.connect()
    migration_runner(old).up(target="0005_counted_line_indexes")
    old.execute_sql("INSERT INTO store (platform, external_id, region, name, currency, timezone, created_at, families) "
                    "VALUES ('tiktok', '7495', 'US', 'Old store', 'USD', 'America/Los_Angeles', 1756000000000, '')")
    store_id = old.execute_sql("SELECT id FROM store").fetchone()[0]
    cats = ", ".join(["0"] * 18)
    for n, amount in ((1, 123456), (2, 100000)):
        old.execute_sql(
            "INSERT INTO settlement_line (store_id, natural_key, digest, status, txn_type, order_id, quantity,"
            " currency, settled_time, settled_time_approx, settlement_amount, source_fields, extra, capture,"
            " created_at, updated_at, detail, superseded, sales, promo_discount, subsidy, buyer_shipping, other_income,"
            " income_refund, fee_refund, platform_fee, platform_logistics, promotion_fee, ad_fee, adjustment,"
            " storage_fee, penalty, other_platform_fee, sales_tax, market_tax, vat, other_tax) VALUES"
            f" ({store_id}, '[\"order_list\",\"A{n}\"]', 'd{n}', 'settled', 'Order', 'A{n}', 1, 'USD', 1757000000000,"
            f" false, {amount}, '[]', '{{}}', 'c1', 1757000000000, 1757000000000, 1, false, {amount}, {cats})")
    old.close()


def test_an_older_backup_is_migrated_on_the_way_in_and_a_migration_backs_up_first(db_url, tmp_path):
    _version_5_database(db_url)
    # opening it with this shoptally migrates it, after a backup of it as it was
    db = open_database(db_url, backup_dir=tmp_path / "backups")
    close_database()
    (auto,) = (tmp_path / "backups").glob("*pre-migration*")
    manifest = archive.verify(auto)
    assert manifest["schema"][-1] == "0005_counted_line_indexes" and manifest["tables"]["settlement_line"] == 2
    assert manifest["reason"] == "pre-migration"
    # that version-5 backup restores into a new data dir of the current version
    data = tmp_path / "fresh"
    target = f"sqlite:///{tmp_path / 'fresh.db'}"
    res = cli(data, target, "backup", "restore", str(auto), "--yes")
    assert res.code == 0, res.err
    rep = json.loads(cli(data, target, "report", "--period", "2025-09", "--json").out)
    assert [(r["key"]["account"], r["settlement_amount"]) for r in rep["rows"]] == [("Old store", "22.35")]
    assert db is not None


def test_a_restore_killed_half_way_leaves_the_data_as_it_was(tmp_path):
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'shoptally.db'}"
    assert cli(data, url, "import", str(export(tmp_path, 20_000))).code == 0
    big = tmp_path / "big.shoptally-backup"
    assert cli(data, url, "backup", "create", "--out", str(big)).code == 0
    assert cli(data, url, "reset", "--all", "--yes").code == 0
    assert cli(data, url, "import", str(export(tmp_path, 30, "TikTok_BenchShop_结算_2025-10.csv", 5))).code == 0
    before, counts = report(data, url), table_counts(url)
    killed = 0
    for delay in (0.0, 0.02, 0.05):
        seen = set((data / "backups").glob("*pre-restore*")) if (data / "backups").exists() else set()
        proc = subprocess.Popen([sys.executable, "-m", "companion", "backup", "restore", str(big), "--yes",
                                 "--data-dir", str(data)], cwd=REPO, env=clean_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # the safety backup is written inside the restore's transaction, right before the swap: once it is
        # there, the old rows are being deleted and the backup's written
        while proc.poll() is None and not (set((data / "backups").glob("*pre-restore*.shoptally-backup")) - seen):
            time.sleep(0.005)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        if proc.wait() == 0:  # it finished before the kill: then all of the backup is in
            assert table_counts(url)["settlement_line"] == 20_000
            break
        assert table_counts(url) == counts and report(data, url) == before
    assert killed >= 1  # cut off mid-swap at least once, and nothing of it stayed


async def test_a_restore_through_the_daemon_reloads_open_views(tmp_path):
    data = tmp_path / "data"
    with Daemon(data, None) as daemon:
        assert daemon.cli("import", str(export(tmp_path, 60))).code == 0
        ws, _rev = await daemon.events()
        made = daemon.cli("backup", "create")
        assert made.code == 0, made.err
        (path,) = (data / "backups").glob("*-manual.shoptally-backup")
        assert daemon.cli("reset", "--all", "--yes").code == 0
        res = daemon.cli("backup", "restore", str(path), "--yes")
        assert res.code == 0, res.err
        seen = []
        while not any(e.get("event") == "app.reload" for e in seen):
            seen.append(json.loads(await ws.recv()))
        assert [e["event"] for e in seen][-2:] == ["tk-settlement.updated", "app.reload"]
        assert seen[-2]["added"] == 60 and daemon.get("/api/backups")["backups"][0]["reason"] in ("pre-restore",
                                                                                                   "manual")
        assert {b["reason"] for b in daemon.get("/api/backups")["backups"]} == {"manual", "pre-restore"}


def test_backups_made_in_the_same_second_never_replace_each_other(tmp_path, monkeypatch):
    """A restore's safety backup taken in the same second as the backup being restored once overwrote it."""
    monkeypatch.setattr(snapshot, "default_name", lambda reason, when=None: f"shoptally-20261122-090000-{reason}"
                                                                          f"{archive.SUFFIX}")
    first = snapshot.new_path(tmp_path, "pre-restore")
    first.write_text("taken")
    second = snapshot.new_path(tmp_path, "pre-restore")
    assert (first.name, second.name) == ("shoptally-20261122-090000-pre-restore.shoptally-backup",
                                         "shoptally-20261122-090000-pre-restore-2.shoptally-backup")
    second.write_text("taken")
    assert snapshot.new_path(tmp_path, "pre-restore").name.endswith("-pre-restore-3.shoptally-backup")
    assert [p.name for p in snapshot.keep_latest(tmp_path, "pre-restore", 1)] == [first.name]

"""Restore a backup: checked first (ours, checksum, schema no newer than this shoptally), migrated on the way
in when older, and swapped in one transaction, so a restore killed half-way leaves the old data as it was."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from peewee import PostgresqlDatabase, chunked

from companion.backup import archive, snapshot
from companion.store import bulk, team_events
from companion.store.changes import Change, record
from companion.store.db import MIGRATIONS_DIR, make_database, migration_runner, sqlite_url
from companion.store.progress import Progress, silent, throttled
from companion.store.workers import Workers

CHUNK = 2000


def known_migrations() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def check(path: Path) -> dict:
    """The verified manifest; raises archive.BackupError with one sentence naming the file."""
    manifest = archive.verify(path)
    schema = manifest.get("schema") or []
    unknown = sorted(set(schema) - set(known_migrations()))
    if unknown:
        raise archive.BackupError.of("backup_schema_newer", schema=unknown[-1], file=path.name)
    if not schema:
        raise archive.BackupError.of("backup_schema_missing", file=path.name)
    return manifest


@contextlib.contextmanager
def scratch_copy(path: Path, manifest: dict) -> Iterator:
    """The backup's dataset in a scratch SQLite database of this shoptally's schema: loaded at the backup's
    own version, then migrated. Removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="shoptally-scratch-"))
    scratch = make_database(sqlite_url(folder / "scratch.db"))
    try:
        scratch.connect()
        runner = migration_runner(scratch)
        runner.up(target=manifest["schema"][-1])
        with scratch.atomic():
            for table in archive.tables(path):
                for rows in chunked(table.rows, CHUNK):
                    bulk.insert_rows(scratch, table.name, table.columns, list(rows))
        runner.up()
        yield scratch
    finally:
        scratch.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def current_tables(path: Path, manifest: dict) -> Iterator[Iterator[archive.Table]]:
    """The backup's tables in this shoptally's schema: as stored when the schema is the same, else through a
    migrated scratch copy."""
    if manifest["schema"] == known_migrations():
        yield archive.tables(path)
        return
    with scratch_copy(path, manifest) as scratch:
        yield snapshot.tables_of(scratch)


def run(db, path: Path, manifest: dict, safety_dir: Path,
        progress: Progress = silent) -> tuple[dict[str, int], Change, Path]:
    """Inside one transaction: a safety backup of the data as it is, then the swap. Returns the rows per
    table, the change recorded and where the safety backup is. `progress`: the safety backup's rows
    (stage "safety backup"), then the rows restored of those the manifest counts (stage "restore")."""
    safety = snapshot.new_path(safety_dir, "pre-restore")
    snapshot.create(db, safety, reason="pre-restore", progress=None if progress is silent else progress,
                    stage="safety backup")
    try:
        with current_tables(path, manifest) as tables:
            total = sum(n for n in (manifest.get("tables") or {}).values() if isinstance(n, int))
            counts, change = apply(db, tables, progress, total)
    except BaseException:  # refused or failed: the transaction rolls back, so the data it saved stands as it was
        safety.unlink(missing_ok=True)
        raise
    return counts, change, safety


def replaced_events(change: Change | None, reason: str) -> list[dict]:
    """What every open view hears after a restore or a cloud pull: the change, then reload."""
    return ([change.event()] if change is not None else []) + [{"event": "app.reload", "reason": reason}]


def apply(db, tables: Iterator[archive.Table], progress: Progress = silent,
          total: int | None = None) -> tuple[dict[str, int], Change]:
    """Inside one transaction (the writer's, or run_inline's): every data table emptied and filled from the
    backup, raw captures without credentials (a backup of an older version may hold them); the day totals of
    every store marked stale; one change recorded. Returns rows per table."""
    real = snapshot.real_db(db)
    names = snapshot.data_tables(real)
    for name in reversed(names):
        real.execute_sql(f'DELETE FROM "{name}"')
    for name in ("line_total", "line_total_dirty", "line_total_built", "sales_total", "sales_order_day",
                 "sales_order_gap", "sales_sku_total", "sales_sku_order_day", "sales_sku_order_gap"):
        real.execute_sql(f'DELETE FROM "{name}"')
    counts: dict[str, int] = {}
    done = 0
    progress(0, total, "rows", "restore")
    for table in snapshot.without_credentials(tables):
        if table.name not in names:  # a table this version no longer has: its rows have nowhere to go
            for _ in table.rows:
                done += 1
            continue
        columns = snapshot.columns_of(real, table.name)
        keep = [i for i, c in enumerate(table.columns) if c in columns]
        cols = [table.columns[i] for i in keep]
        n = 0
        for rows in chunked(table.rows, CHUNK):
            bulk.insert_rows(real, table.name, cols, [tuple(r[i] for i in keep) for r in rows])
            n += len(rows)
            progress(done + n, max(total, done + n + 1) if total is not None else None, "rows", "restore")
        counts[table.name] = n
        done += n
    if isinstance(real, PostgresqlDatabase):  # ids came from the backup: the sequences continue after them
        for name in names:
            if "id" in snapshot.columns_of(real, name):
                real.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                 f'COALESCE(MAX("id"), 1), MAX("id") IS NOT NULL) FROM "{name}"')
    real.execute_sql('INSERT INTO "line_total_dirty" ("store_id", "hour") SELECT "id", -1 FROM "store"')
    change = record(Change("restore", None, added=counts.get("settlement_line", 0)))
    team_events.share(replaced_events(change, "restore"))  # the other daemons' views reload too
    progress(done, done, "rows", "restore")
    return counts, change


async def restore_file(workers: Workers, path: Path, backups_dir: Path, progress: Progress | None = None) -> dict:
    """`shoptally backup restore` and POST /api/backup/restore, with or without a daemon: checked, then all
    data replaced in one transaction after a safety backup; open views reload. `progress`: see `run`."""
    manifest = await workers.read(check, path)
    counts, change, safety = await workers.write(run, workers.db, path, manifest, backups_dir,
                                                 silent if progress is None else throttled(progress))
    workers.announce(replaced_events(change, "restore"))
    return {"restored": path.name, "tables": counts, "safety_backup": str(safety)}

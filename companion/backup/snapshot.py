"""A consistent snapshot of the dataset, taken while the daemon keeps writing: every table read inside one
read transaction (SQLite WAL: one snapshot of the file; PostgreSQL: REPEATABLE READ), whatever schema
version the database has (a backup before a migration reads the old one)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from peewee import Database, DatabaseProxy, PostgresqlDatabase

from companion import __version__
from companion.backup import archive
from companion.store import captures
from companion.store.db import open_database as db_open
from companion.store.progress import Progress, throttled

# Tables that are not data: the migration history (the manifest says it), the day totals, which are
# added up again from the lines (every store is marked stale on restore), and the events the daemons of a
# team passed each other (a restore must not bring old ones back).
SKIPPED = {"schema_migration", "line_total", "line_total_dirty", "line_total_built", "sales_total",
           "sales_order_day", "sales_order_gap", "sales_sku_total", "sales_sku_order_day",
           "sales_sku_order_gap", "team_event"}
FIRST = ("store", "order", "purchase_order")  # referenced by others: written first, deleted last
CHUNK = 2000

log = logging.getLogger(__name__)


def real_db(db: Database) -> Database:
    return db.obj if isinstance(db, DatabaseProxy) else db


def data_tables(db: Database) -> list[str]:
    """The dataset's tables in an order that keeps foreign keys satisfied when written in it."""
    names = [t for t in real_db(db).get_tables() if t not in SKIPPED]
    return [t for t in FIRST if t in names] + sorted(t for t in names if t not in FIRST)


def applied_migrations(db: Database) -> list[str]:
    real = real_db(db)
    if "schema_migration" not in real.get_tables():
        return []
    return sorted(r[0] for r in real.execute_sql('SELECT "name" FROM "schema_migration"').fetchall())


def table_rows(db: Database, table: str, columns: list[str]) -> Iterator[tuple]:
    names = ", ".join(f'"{c}"' for c in columns)
    order = ' ORDER BY "id"' if "id" in columns else ""
    cursor = db.execute_sql(f'SELECT {names} FROM "{table}"{order}')
    while True:
        batch = cursor.fetchmany(CHUNK)
        if not batch:
            return
        yield from batch


def columns_of(db: Database, table: str) -> list[str]:
    return [c.name for c in real_db(db).get_columns(table)]


def tables_of(db: Database) -> Iterator[archive.Table]:
    """Every data table of `db`, each read lazily (inside the caller's transaction)."""
    for name in data_tables(db):
        cols = columns_of(db, name)
        yield archive.Table(name, cols, table_rows(db, name, cols))


def without_credentials(tables: Iterator[archive.Table]) -> Iterator[archive.Table]:
    """The tables with raw captures scrubbed of credentials (`captures.scrub_rows`), whatever the schema version
    they come from: what every backup and cloud bundle writes and every restore reads."""
    for table in tables:
        if table.name == "raw_capture":
            table = archive.Table(table.name, table.columns, captures.scrub_rows(table.columns, table.rows))
        yield table


def row_count(db: Database) -> int:
    """The rows of every data table (the total a backup's progress counts towards)."""
    return sum(db.execute_sql(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in data_tables(db))


def create(db: Database, path: Path, reason: str = "manual", extra: dict | None = None,
           progress: Progress | None = None, stage: str = "backup") -> dict:
    """Write a backup of everything in `db` to `path`, raw captures without credentials (even those a database
    not yet migrated holds: the backup before migration 0008); returns its manifest. `progress`: rows written,
    of the rows counted first (only when someone listens: counting reads every table once more)."""
    real = real_db(db)
    outermost = not real.in_transaction()
    with real.atomic():
        if isinstance(real, PostgresqlDatabase) and outermost:
            # one snapshot for every table (inside the writer's own transaction nobody else writes anyway)
            real.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        manifest = {"app": "shoptally", "version": __version__, "schema": applied_migrations(real),
                    "created_at": datetime.now(UTC).isoformat(), "reason": reason,
                    "database": "postgresql" if isinstance(real, PostgresqlDatabase) else "sqlite", **(extra or {})}
        path.parent.mkdir(parents=True, exist_ok=True)
        if progress is None:
            return archive.write(path, manifest, without_credentials(tables_of(real)))
        return archive.write(path, manifest, without_credentials(tables_of(real)), throttled(progress),
                             row_count(real), stage)


def default_name(reason: str, when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    return f"shoptally-{when:%Y%m%d-%H%M%S}-{reason}{archive.SUFFIX}"


def new_path(folder: Path, reason: str) -> Path:
    """A backup file name in the folder that no file has yet (two backups in one second get -2, -3, …): a
    backup never replaces another, least of all the one being restored."""
    first = folder / default_name(reason)
    path, n = first, 2
    while path.exists() or path.with_name(path.name + ".part").exists():
        path = first.with_name(first.name.replace(archive.SUFFIX, f"-{n}{archive.SUFFIX}"))
        n += 1
    return path


def made_at(path: Path) -> datetime:
    """When a backup named by default_name/new_path was made (the name says it, to the second)."""
    return datetime.strptime(path.name[len("shoptally-"):len("shoptally-YYYYmmdd-HHMMSS")], "%Y%m%d-%H%M%S"
                             ).replace(tzinfo=UTC)


def backups_of(folder: Path, reason: str) -> list[Path]:
    """The folder's backups of this reason, oldest first (those of one second by their -2, -3 …)."""
    def age(p: Path) -> tuple[datetime, int]:
        tail = p.name[: -len(archive.SUFFIX)].rsplit(f"-{reason}", 1)[1]
        return made_at(p), int(tail[1:]) if tail[1:].isdigit() else 1

    if not folder.is_dir():
        return []
    return sorted([*folder.glob(f"shoptally-*-{reason}{archive.SUFFIX}"),
                   *folder.glob(f"shoptally-*-{reason}-*{archive.SUFFIX}")], key=age)


def keep_latest(folder: Path, reason: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of this reason in the folder; returns the deleted."""
    found = backups_of(folder, reason)
    gone = found[:-keep] if keep > 0 else found
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def open_database(url: str, migrate: bool = True, backup_dir: Path | None = None) -> Database:
    """The store's `open_database`; with `backup_dir`, a database that holds data and has migrations pending
    is backed up there first, so a migration can always be undone by a restore."""

    def back_up(db: Database, pending: list[str]) -> None:
        path = new_path(backup_dir, "pre-migration")
        create(db, path, reason="pre-migration")
        log.info("backed up the database to %s before migrating it (%s)", path, ", ".join(pending))

    return db_open(url, migrate, before_migrate=back_up if backup_dir is not None else None)

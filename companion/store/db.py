"""Open the database a URL names (SQLite in WAL mode, or PostgreSQL) and bring its schema up to date."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from peewee import Database, PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import Runner

from companion import __version__
from companion.config import sqlite_url
from companion.errors import BadInput, Conflict
from companion.store import locks, roles
from companion.store.models import MODELS, database

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    # WAL + NORMAL survives a killed process (only power loss can drop the last commits).
    "synchronous": "normal",
    "busy_timeout": 15000,
    "foreign_keys": 1,
    "cache_size": -32000,
}


class DatabaseUrlError(BadInput):
    pass


class MigrationNeeded(Conflict):
    """Migrations are pending and the connected role may not apply them (team mode: an editor or viewer)."""


class SchemaNewer(Conflict):
    """The schema has migrations this version does not know: a newer shoptally migrated it."""


def redact_url(url: str) -> str:
    """The URL without its user and password, for messages and logs."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def url_schema(url: str) -> str | None:
    """The schema a postgresql:// URL names (?schema=S), or None."""
    return dict(parse_qsl(urlsplit(url).query)).get("schema") or None


def make_database(url: str) -> Database:
    """A Peewee database for `sqlite:///PATH` or `postgresql://user:pass@host:port/db?schema=S`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # As SQLAlchemy reads them: sqlite:///relative.db, sqlite:////absolute.db, sqlite:///C:\dir\x.db
        if not url.lower().startswith("sqlite:///"):
            raise DatabaseUrlError(
                f"database URL {redact_url(url)!r}: write sqlite:///FILE (three slashes, then the path)")
        path = unquote(url[len("sqlite:///"):])
        if not path:
            raise DatabaseUrlError(f"database URL {redact_url(url)!r} names no file")
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if scheme in ("postgres", "postgresql"):
        params = dict(parse_qsl(parts.query))
        kwargs: dict = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "connect_timeout": int(params.pop("connect_timeout", "10")),
        }
        schema = params.pop("schema", None)
        if schema:
            kwargs["options"] = f"-c search_path={schema}"
        kwargs.update(params)
        name = unquote(parts.path.lstrip("/")) or "postgres"
        return PostgresqlDatabase(name, **{k: v for k, v in kwargs.items() if v is not None})
    raise DatabaseUrlError(
        f"database URL {redact_url(url)!r}: only sqlite:/// and postgresql:// are supported")


def migration_runner(db: Database) -> Runner:
    return Runner(db, directory=str(MIGRATIONS_DIR))


def schema_version(db: Database) -> list[str]:
    return sorted(migration_runner(db).applied())


def open_database(url: str, migrate: bool = True,
                  before_migrate: Callable[[Database, list[str]], None] | None = None) -> Database:
    """Bind the models to the database at `url`, applying pending migrations. `before_migrate(db, pending)`
    runs first when a database that holds data has migrations pending (the backup package backs it up)."""
    db = make_database(url)
    if isinstance(db, SqliteDatabase):
        Path(db.database).parent.mkdir(parents=True, exist_ok=True)
    db.connect(reuse_if_open=True)
    database.initialize(db)
    if migrate:
        with locks.migrating(db):  # PostgreSQL: one daemon migrates (and backs up first); the others wait
            _migrate(db, before_migrate)
    roles.remember(db, roles.access(db))  # after migrating: a viewer is told by the tables' privileges
    return db


def _migrate(db: Database, before_migrate: Callable[[Database, list[str]], None] | None) -> None:
    """Apply what is pending, as a role that may (team mode: only the owner migrates; see store/roles.py)."""
    runner = migration_runner(db)
    status = runner.status()
    unknown = [m.name for m in status if m.path is None]
    if unknown:
        raise SchemaNewer.of("team_schema_newer", version=__version__, migrations=", ".join(unknown))
    pending = [m.name for m in status if m.applied is None]
    if not pending:
        return  # nothing to do, and nothing written (a viewer may not even create the history table)
    found = roles.access(db)
    if not found.may_migrate:
        raise MigrationNeeded.of("team_needs_migration", first=pending[0][:4], last=pending[-1][:4])
    if before_migrate is not None and runner.applied():
        before_migrate(db, pending)
    if found.migrate_as:
        roles.migrate_as(db, found.migrate_as)
    try:
        applied = runner.up()
    finally:
        if found.migrate_as:
            roles.reset_role(db)
    if applied:
        log.info("database schema migrated: %s", ", ".join(applied))


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


__all__ = ["MODELS", "open_database", "close_database", "make_database", "schema_version", "sqlite_url"]

"""PostgreSQL advisory locks that let several daemons share one schema (team mode).

SQLite lets one writer in at a time by itself; PostgreSQL lets two daemons write at once, and two of them
migrating, or storing the same capture, would race (a migration applied twice, a line's unique key hit by the
second insert, two changes with one rev). These locks give PostgreSQL the same one-writer order, per schema:
the key is derived from the schema's name, so teams that share a server with other schemas never wait on
each other. On SQLite every function here does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from peewee import Database, DatabaseProxy, PostgresqlDatabase

# The lock's key: a 64-bit hash of the purpose and the schema the connection writes to (its search_path).
_KEY = "hashtextextended('shoptally:' || %s || ':' || coalesce(current_schema(), ''), 0)"


def _postgres(db: Database) -> PostgresqlDatabase | None:
    if isinstance(db, DatabaseProxy):
        db = db.obj
    return db if isinstance(db, PostgresqlDatabase) else None


@contextmanager
def migrating(db: Database) -> Iterator[None]:
    """Held while one daemon checks and applies migrations (a session lock: migrations commit on their own);
    another daemon opening the same schema waits here, then finds nothing left to do."""
    pg = _postgres(db)
    if pg is None:
        yield
        return
    pg.execute_sql(f"SELECT pg_advisory_lock({_KEY})", ("migrate",))
    try:
        yield
    finally:
        pg.execute_sql(f"SELECT pg_advisory_unlock({_KEY})", ("migrate",))


@contextmanager
def turn_if_free(db: Database, purpose: str) -> Iterator[bool]:
    """Upkeep that one daemon of the schema does for all (ANALYZE): True when this one holds the turn for
    `purpose` until the block ends, False when another daemon holds it now (that one does the work; nobody
    waits). On SQLite always True."""
    pg = _postgres(db)
    if pg is None:
        yield True
        return
    got = pg.execute_sql(f"SELECT pg_try_advisory_lock({_KEY})", (purpose,)).fetchone()[0]
    try:
        yield bool(got)
    finally:
        if got:
            pg.execute_sql(f"SELECT pg_advisory_unlock({_KEY})", (purpose,))


def writing_if_free(db: Database) -> bool:
    """Like `writing`, for work that can wait (idle day-total rebuilds): take the turn only if no other daemon
    holds it now, so a teammate's sync never queues behind this daemon's upkeep. True on SQLite."""
    pg = _postgres(db)
    if pg is None:
        return True
    return bool(pg.execute_sql(f"SELECT pg_try_advisory_xact_lock({_KEY})", ("write",)).fetchone()[0])


def writing(db: Database) -> None:
    """Inside a write transaction: wait for any other daemon's write to this schema to commit, and hold the
    turn until this one commits or rolls back. The write then reads what the other one stored (a line it
    stored too counts as skipped, not added) and takes the next rev."""
    pg = _postgres(db)
    if pg is not None:
        pg.execute_sql(f"SELECT pg_advisory_xact_lock({_KEY})", ("write",))

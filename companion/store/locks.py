"""PostgreSQL advisory locks that let several daemons share one schema (team mode).

SQLite lets one writer in at a time by itself; PostgreSQL lets two daemons write at once, and two of them
migrating, or storing the same capture, would race (a migration applied twice, a line's unique key hit by the
second insert, two changes with one rev). These locks give PostgreSQL the same one-writer order, per schema:
the key is derived from the schema's name, so teams that share a server with other schemas never wait on
each other. On SQLite every function here does nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import Database, DatabaseProxy, PostgresqlDatabase

# The lock's key: a 64-bit hash of the purpose and the schema the connection writes to (its search_path).
_KEY = "hashtextextended('shoptally:' || %s || ':' || coalesce(current_schema(), ''), 0)"
# Who holds an advisory lock of that key: its server process and where it connects from
_HOLDER = (f"WITH k AS (SELECT {_KEY} AS key) "
           "SELECT l.pid, coalesce(a.usename || '@' || host(a.client_addr), a.usename, 'a local session') "
           "FROM pg_locks l CROSS JOIN k LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
           "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
           "AND l.classid = ((k.key >> 32) & 4294967295)::oid AND l.objid = (k.key & 4294967295)::oid LIMIT 1")
MIGRATION_POLL = 0.5  # seconds between tries of the migration lock
MIGRATION_FIRST_NOTE = 5.0  # seconds a daemon waits for another's migration before it says so
MIGRATION_NOTE_EVERY = 30.0  # seconds between its log lines after that
log = logging.getLogger(__name__)


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
    began = time.monotonic()
    note_at = began + MIGRATION_FIRST_NOTE
    while not pg.execute_sql(f"SELECT pg_try_advisory_lock({_KEY})", ("migrate",)).fetchone()[0]:
        # a large schema's migration may take minutes: say why this daemon has not started, and wait on
        if time.monotonic() >= note_at:
            note_at += MIGRATION_NOTE_EVERY
            holder = pg.execute_sql(_HOLDER, ("migrate",)).fetchone()
            log.warning("waiting for another daemon's migration of this schema (%s) to finish; waited %d s so far",
                        f"{holder[1]}, PostgreSQL pid {holder[0]}" if holder else "a session",
                        time.monotonic() - began)
        time.sleep(MIGRATION_POLL)
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

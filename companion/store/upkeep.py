"""Database upkeep beside the writer, so a long sync stays as fast at its end as at its start.

SQLite: by default it checkpoints the WAL inside the commit that pushes it past 1,000 pages, which during
a sync is every few captures, and that commit then takes three times as long. The writer raises that
threshold to a safety valve and this thread runs PASSIVE checkpoints after bursts of commits, on a
connection of its own, while the writer goes on. A WAL only starts over from its beginning when a write
transaction begins while every frame in it has been copied back, which under a steady stream of commits
almost never happens by chance; so once this thread has caught up with a long WAL, the writer runs one
checkpoint itself between two jobs (it copies just the last commit or two) and the next transaction
restarts the log.

PostgreSQL: the planner's statistics of a table that was empty say it is empty, and with them the
natural-key lookup of each capture reads every line the store has. Autovacuum corrects that about a
minute later; this thread runs ANALYZE as soon as a table has grown by a fifth. With several daemons on one
schema, one of them at a time (an advisory lock it tries, never waits for).
"""

from __future__ import annotations

import logging
import threading

from peewee import Database, DatabaseProxy, PostgresqlDatabase, SqliteDatabase

from companion.store import locks

log = logging.getLogger(__name__)
WRITER_AUTOCHECKPOINT = 16_384  # pages (64 MiB): the writer checkpoints itself only if this thread falls behind
RESTART_FRAMES = 4_096  # a WAL this long (16 MiB) is started over once this thread has caught up
SQLITE_DELAY = 0.1  # seconds: commits in a burst share one checkpoint
PG_DELAY = 1.0  # PostgreSQL publishes its table counters about once a second
ANALYZE_MIN_ROWS = 5_000
ANALYZE_SHARE = 0.2
ANALYZED_TABLES = ("settlement_line", "order", "order_line")


class Upkeep:
    def __init__(self, db: Database) -> None:
        self._db = db.obj if isinstance(db, DatabaseProxy) else db
        self._sqlite = isinstance(self._db, SqliteDatabase)
        self._postgres = isinstance(self._db, PostgresqlDatabase)
        self._wanted = threading.Event()
        self._caught_up = False  # SQLite: the last checkpoint copied a long WAL completely
        self._stopping = threading.Event()  # set by stop(): the delay below ends at once, not a second later
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._sqlite or self._postgres:
            self._thread = threading.Thread(target=self._loop, name="shoptally-upkeep", daemon=True)
            self._thread.start()

    def configure_writer(self) -> None:
        """On the writer's thread, once its connection is open."""
        if self._sqlite:
            self._db.execute_sql(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT}").close()

    def committed(self) -> None:
        """On the writer's thread, after each commit."""
        self._wanted.set()
        if self._caught_up:
            self._caught_up = False
            self._db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").close()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._wanted.set()
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        self._db.connect(reuse_if_open=True)
        try:
            while True:
                self._wanted.wait()
                self._stopping.wait(SQLITE_DELAY if self._sqlite else PG_DELAY)
                self._wanted.clear()
                if self._stopping.is_set():  # checked after clear(): a stop during the delay is not lost
                    return
                try:
                    self._checkpoint() if self._sqlite else self._analyze_grown_tables()
                except Exception:
                    log.warning("database upkeep failed; the writer goes on without it", exc_info=True)
        finally:
            self._db.close()

    def _checkpoint(self) -> None:
        cursor = self._db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
        busy, frames, copied = cursor.fetchone()
        cursor.close()
        self._caught_up = not busy and frames >= RESTART_FRAMES and copied == frames

    def _analyze_grown_tables(self) -> None:
        """One daemon of a team at a time: another one analyzing now does it for all (the counters it
        resets tell the next look that nothing has grown)."""
        with locks.turn_if_free(self._db, "analyze") as mine:
            if mine:
                self._analyze_now()

    def _analyze_now(self) -> None:
        cursor = self._db.execute_sql(
            "SELECT relname, n_live_tup, n_mod_since_analyze FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname IN %s", (ANALYZED_TABLES,))
        grown = [name for name, live, changed in cursor.fetchall()
                 if changed >= max(ANALYZE_MIN_ROWS, ANALYZE_SHARE * live)]
        for name in grown:
            self._db.execute_sql(f'ANALYZE "{name}"')

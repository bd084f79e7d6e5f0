"""SQLite WAL checkpoints on their own thread, so the writer never waits for one.

By default SQLite checkpoints inside the commit that pushes the WAL past 1,000 pages: during a sync that
is every few captures, and that commit takes three times as long. The daemon's writer raises that
threshold to a safety valve and signals this thread after commits instead; a PASSIVE checkpoint on a
connection of its own copies pages back while the writer goes on (WAL allows both at once).

A WAL only starts over from its beginning when a write transaction begins while every frame in it has
been copied back, which under a steady stream of commits almost never happens by chance; it would grow
until the safety valve fires. So once this thread has caught up with a long WAL, the writer runs one
checkpoint itself between two jobs: it copies just the last commit or two, and the next transaction
restarts the WAL.
"""

from __future__ import annotations

import logging
import threading
import time

from peewee import Database, SqliteDatabase

log = logging.getLogger(__name__)
WRITER_AUTOCHECKPOINT = 16_384  # pages (64 MiB): the writer checkpoints itself only if this thread falls behind
RESTART_FRAMES = 4_096  # a WAL this long (16 MiB) is started over once this thread has caught up
DELAY = 0.1  # seconds: commits in a burst share one checkpoint


class Checkpointer:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._wanted = threading.Event()
        self._caught_up = False  # the last checkpoint copied a long WAL completely
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return isinstance(self._db, SqliteDatabase)

    def start(self) -> None:
        if self.enabled:
            self._thread = threading.Thread(target=self._loop, name="shoptally-checkpoint", daemon=True)
            self._thread.start()

    def configure_writer(self) -> None:
        """On the writer's thread, once its connection is open."""
        if self.enabled:
            self._db.execute_sql(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT}")

    def committed(self) -> None:
        """On the writer's thread, after each commit."""
        self._wanted.set()
        if self._caught_up:
            self._caught_up = False
            self._db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").close()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping = True
            self._wanted.set()
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        self._db.connect(reuse_if_open=True)
        try:
            while True:
                self._wanted.wait()
                time.sleep(DELAY)
                self._wanted.clear()
                if self._stopping:  # checked after clear(): a stop during the sleep is not lost
                    return
                try:
                    cursor = self._db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
                    busy, frames, copied = cursor.fetchone()
                    cursor.close()
                    self._caught_up = not busy and frames >= RESTART_FRAMES and copied == frames
                except Exception:
                    log.warning("WAL checkpoint failed; the writer's own checkpoint still bounds the log",
                                exc_info=True)
        finally:
            self._db.close()

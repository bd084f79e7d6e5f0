"""Changes across daemons on one PostgreSQL database: NOTIFY on commit, and one LISTEN connection per daemon.

The writer that records a change sends `NOTIFY <channel>, '<rev>'` in the same transaction, so PostgreSQL
delivers it only when the change is committed; an event about other shared data (companion/store/team_events.py)
sends `'e<id>'` the same way. The channel is named after the schema (`current_schema()`), so
daemons on other schemas of the same database hear nothing of it. A daemon's Listener keeps one connection of
its own that waits on the socket (no polling); what it hears is only a rev or an id: the daemon reads the change
log (or the team events) to learn what changed (companion/core/change_feed.py). SQLite has one daemon per
file: nothing here runs there.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
from collections.abc import Callable

from peewee import Database, DatabaseProxy, PostgresqlDatabase

log = logging.getLogger(__name__)
# The channel: a fixed prefix and the schema's digest, an identifier of fixed length whatever the schema is called
CHANNEL_SQL = "'shoptally_' || left(md5(coalesce(current_schema(), '')), 16)"
PAYLOAD_LIMIT = 20  # characters of a payload read as a rev; anything longer is not ours
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 30.0  # seconds before reconnecting after a drop, doubling up to the most
# TCP keepalives: a listening connection whose server vanished without a word is noticed within about a minute
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def postgres(db: Database) -> PostgresqlDatabase | None:
    real = db.obj if isinstance(db, DatabaseProxy) else db
    return real if isinstance(real, PostgresqlDatabase) else None


def notify(db: Database, rev: int) -> None:
    """Inside the transaction that records change `rev`: the other daemons hear it once it is committed."""
    real = postgres(db)
    if real is not None:
        real.execute_sql(f"SELECT pg_notify({CHANNEL_SQL}, %s)", (str(rev),))


def notify_event(db: Database, event_id: int) -> None:
    """Inside the transaction that adds team event `event_id` (companion/store/team_events.py)."""
    real = postgres(db)
    if real is not None:
        real.execute_sql(f"SELECT pg_notify({CHANNEL_SQL}, %s)", (f"e{event_id}",))


def parse_rev(payload: object) -> int | None:
    if isinstance(payload, str) and 0 < len(payload) <= PAYLOAD_LIMIT and payload.isdigit():
        return int(payload)
    return None


def parse_event(payload: object) -> int | None:
    """The team event id of an `e<id>` payload."""
    if isinstance(payload, str) and payload.startswith("e"):
        return parse_rev(payload[1:])
    return None


class Listener:
    """A thread with one listening connection. `heard(rev, event)` runs on that thread for each batch of
    notifications (the highest rev and the highest team event id in it, None for none), and `heard(None, None)`
    after every (re)connect, when changes may have been missed: the caller catches up by rev and by id."""

    def __init__(self, db: PostgresqlDatabase, heard: Callable[[int | None, int | None], None]) -> None:
        self._db = db
        self._heard = heard
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()  # a socket, not a pipe: Windows selects only sockets
        self._thread: threading.Thread | None = None
        self.connects = 0  # how many times the connection was opened (tests and logs)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="shoptally-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        for end in (self._wake_r, self._wake_w):
            end.close()

    def _run(self) -> None:
        delay = BACKOFF_FIRST
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._listen()
                delay = BACKOFF_FIRST
                self._heard(None, None)
                self._wait(conn)
            except Exception as exc:  # a drop, a restart, a refusal: try again later, never give up
                if not self._stop.is_set():
                    log.warning("changes of other daemons: listening failed (%s); again in %gs",
                                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, delay)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.close()
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, BACKOFF_MAX)

    def _listen(self):
        import psycopg2

        conn = psycopg2.connect(database=self._db.database, **{**self._db.connect_params, **KEEPALIVES})
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"SELECT {CHANNEL_SQL}")
            channel = cur.fetchone()[0]
            cur.execute(f'LISTEN "{channel}"')
        self.connects += 1
        return conn

    def _wait(self, conn) -> None:
        """Until stopped, or the connection fails (raises)."""
        while not self._stop.is_set():
            ready, _, _ = select.select([conn, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            conn.poll()
            payloads = [n.payload for n in conn.notifies]
            conn.notifies.clear()
            revs = [r for r in map(parse_rev, payloads) if r is not None]
            events = [e for e in map(parse_event, payloads) if e is not None]
            if revs or events:
                self._heard(max(revs, default=None), max(events, default=None))

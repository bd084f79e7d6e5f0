"""A read thread's connection that the server dropped (PostgreSQL restarted, an administrator ended it).

Peewee keeps one connection per thread and never notices that the server went away: every later query on that
thread fails with "connection already closed". `read_once_more` runs a read; when it fails because the
connection is lost, the thread drops its broken connection, connects again and runs the read once more. When
that fails too, the database is not reachable: `DatabaseUnreachable` (503), and the next read tries again.
SQLite never loses its connection this way; there a read runs as it always did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from peewee import Database, InterfaceError, OperationalError

from companion.errors import Unavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
# PostgreSQL's SQLSTATEs of a connection that is gone: class 08 (connection exception), 57P01 admin_shutdown,
# 57P02 crash_shutdown, 57P03 cannot_connect_now (the server is starting up)
LOST_STATES = ("57P01", "57P02", "57P03")
LOST_WORDS = ("server closed the connection", "connection already closed", "terminating connection",
              "could not connect to server", "connection refused", "no connection to the server",
              "ssl connection has been closed", "the database system is starting up",
              "the database system is shutting down", "could not receive data from server")


class DatabaseUnreachable(Unavailable):
    """The database did not answer after a reconnect; the next request tries again."""


def _driver_error(exc: BaseException) -> BaseException | None:
    """The driver's exception Peewee wrapped (its first argument, and the one it was raised from)."""
    for inner in (exc.args[0] if exc.args else None, exc.__cause__, exc.__context__):
        if isinstance(inner, BaseException):
            return inner
    return None


def connection_lost(db: Database, exc: BaseException) -> bool:
    """Whether `exc`, raised by a query on this thread, means the thread's connection is gone (or could not
    be opened): not a query the server refused."""
    if not isinstance(exc, (InterfaceError, OperationalError)):
        return False
    if db.is_closed():  # connecting failed
        return True
    if getattr(db._state.conn, "closed", 0):  # psycopg2: nonzero once the server is gone
        return True
    inner = _driver_error(exc)
    code = getattr(inner, "pgcode", None) or ""
    if code.startswith("08") or code in LOST_STATES:
        return True
    text = str(exc).lower()
    return any(word in text for word in LOST_WORDS)


def drop_connection(db: Database) -> None:
    """Forget this thread's connection without raising: it is broken, and may still count a transaction."""
    conn = db._state.conn
    try:
        db.close()
    except Exception:  # closing a dead connection (or one inside a failed transaction) may raise
        db._state.reset()
        try:
            if conn is not None:
                conn.close()
        except Exception:
            pass


def _reason(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else exc.__class__.__name__


def read_once_more(db: Database, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on this thread; after a lost connection, reconnect and run it once more. Raises
    DatabaseUnreachable when the database still does not answer."""
    try:
        return fn(*args)
    except (InterfaceError, OperationalError) as exc:
        if not connection_lost(db, exc):
            raise
        log.warning("read: the database connection was lost (%s); reconnecting", _reason(exc))
        first = exc
    drop_connection(db)
    try:
        db.connect()
        return fn(*args)
    except (InterfaceError, OperationalError) as exc:
        if not connection_lost(db, exc):
            raise
        drop_connection(db)
        raise DatabaseUnreachable.of("store_database_unreachable", reason=_reason(exc)) from first


__all__ = ["DatabaseUnreachable", "connection_lost", "drop_connection", "read_once_more"]

"""Many-row statements for the ingest path, rendered once per batch instead of once per value.

Peewee builds a query-tree node per value; for a sync of thousands of 40-column rows that tree costs more
than the database does. These helpers send plain parameterised SQL through Peewee's own connection (so
they join the writer's transaction, and driver errors become Peewee's exceptions) in the form each
database runs fastest: one prepared statement repeated on SQLite, multi-row VALUES on PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import peewee
from peewee import Database, DatabaseProxy, PostgresqlDatabase, chunked

SELECT_CHUNK = 500  # keys per IN (...): under every SQLite build's variable limit
PG_PAGE = 500  # rows per multi-row INSERT on PostgreSQL

wrap_errors = peewee.__exception_wrapper__  # driver errors become Peewee's


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def select_in(db: Database, table: str, columns: Sequence[str], owner: str, owner_id: int, key: str,
              keys: Sequence) -> list[tuple]:
    """Rows of `table` with `owner = owner_id AND key IN keys`, as raw database values."""
    out: list[tuple] = []
    p = db.param
    head = f'SELECT {_names(columns)} FROM "{table}" WHERE "{owner}" = {p} AND "{key}" IN ('
    with wrap_errors:
        cursor = db.cursor()
        for chunk in chunked(keys, SELECT_CHUNK):
            cursor.execute(head + ", ".join([p] * len(chunk)) + ")", [owner_id, *chunk])
            out += cursor.fetchall()
    return out


def insert_rows(db: Database, table: str, columns: Sequence[str], rows: list[tuple], tail: str = "") -> None:
    """INSERT every row (each a tuple in `columns` order); `tail` is an ON CONFLICT clause, if any."""
    if not rows:
        return
    head = f'INSERT INTO "{table}" ({_names(columns)}) VALUES '
    if isinstance(db, DatabaseProxy):
        db = db.obj
    with wrap_errors:
        cursor = db.cursor()
        if isinstance(db, PostgresqlDatabase):
            if not tail:
                _copy(cursor, table, columns, rows)
                return
            from psycopg2.extras import execute_values

            execute_values(cursor, head + "%s " + tail, rows, page_size=PG_PAGE)
        else:
            cursor.executemany(head + "(" + ", ".join([db.param] * len(columns)) + ") " + tail, rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_text(value: object) -> str:
    """One value in COPY's text format (text, integers, booleans, bytes and NULLs)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if type(value) is str:
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (bytes, memoryview)):
        return "\\\\x" + bytes(value).hex()  # bytea in hex form; COPY's own backslash escaped
    return str(value)


def _copy(cursor, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """PostgreSQL's COPY: several times faster than INSERT … VALUES for rows known to be new."""
    text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    cursor.copy_expert(f'COPY "{table}" ({_names(columns)}) FROM STDIN', io.StringIO(text))


def update_rows(db: Database, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """UPDATE by id; each row is the new values in `columns` order followed by the id."""
    if not rows:
        return
    if isinstance(db, DatabaseProxy):
        db = db.obj
    p = db.param
    sql = f'UPDATE "{table}" SET ' + ", ".join(f'"{c}" = {p}' for c in columns) + f' WHERE "id" = {p}'
    with wrap_errors:
        cursor = db.cursor()
        if isinstance(db, PostgresqlDatabase):
            from psycopg2.extras import execute_batch

            execute_batch(cursor, sql, rows, page_size=100)  # many statements per round trip
        else:
            cursor.executemany(sql, rows)

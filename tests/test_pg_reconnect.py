"""PostgreSQL drops the daemon's connections (a server restart): reads reconnect and run once more, hellos and
writes go on, and a database that stays away is a 503 with one sentence and an outage in /api/status."""

from __future__ import annotations

import asyncio
import threading

import pytest
from peewee import OperationalError

from companion.store import changes
from companion.store.db import close_database, make_database, open_database
from tests.support import PG_URL
from tests.support.app import ext_ws, get
from tests.support.builders import order_list_capture, order_row

pytestmark = pytest.mark.skipif(not PG_URL, reason="set SHOPTALLY_TEST_DATABASE_URL to a PostgreSQL database")
REPORT = "/api/report?period=2025-11"


@pytest.fixture
def db(db_url):
    """The service's database, its connections named after the test's own schema (nobody else's are ended)."""
    if "postgres" not in db_url:
        pytest.skip("PostgreSQL only: SQLite never loses its connection")
    app_name = db_url.rpartition("schema=")[2]
    database = open_database(f"{db_url}&application_name={app_name}")
    database.test_app_name = app_name
    yield database
    close_database()


def end_connections(app_name: str) -> int:
    """What a server restart does to the daemon: each of its backends is terminated (and gone on return)."""
    admin = make_database(PG_URL)
    admin.connect()
    try:
        pids = [r[0] for r in admin.execute_sql(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
            (app_name,)).fetchall()]
        for pid in pids:
            admin.execute_sql("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(500):  # until the backends have exited
            left = admin.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,))
            if left.fetchone()[0] == 0:
                break
            admin.execute_sql("SELECT pg_sleep(0.01)")
        return len(pids)
    finally:
        admin.close()


async def store_lines(client) -> None:
    ws = await ext_ws(client)
    await ws.send_json(order_list_capture([order_row(1, "12.34"), order_row(2, "0.10")]))
    assert (await ws.receive_json(timeout=30))["type"] == "ack"
    await ws.close()


async def read_on_every_thread(service) -> None:
    """Each read thread holds a connection of its own (the ones a restart leaves broken)."""
    gate = threading.Barrier(4, timeout=5)

    def touch() -> int:
        gate.wait()
        return changes.current_rev()

    await asyncio.gather(*(service.read(touch) for _ in range(4)))


async def test_reads_hellos_and_writes_survive_the_server_dropping_every_connection(service, client, db):
    await store_lines(client)
    before = await (await get(client, REPORT)).json()
    await read_on_every_thread(service)
    assert end_connections(db.test_app_name) >= 5  # four read threads and the writer

    for _ in range(4):  # whichever read thread answers, its dead connection is replaced and the read retried
        assert await (await get(client, REPORT)).json() == before
    ws = await ext_ws(client)  # the hello's reads find a connection again: welcomed
    await ws.send_json(order_list_capture([order_row(3, "1.00")]))  # and the writer's next job is stored
    ack = await ws.receive_json(timeout=30)
    assert ack["type"] == "ack" and ack["added"] == 1
    status = await (await get(client, "/api/status")).json()
    assert status["database"]["ok"] is True and status["rev"] is not None


async def test_a_database_that_stays_away_is_503_and_reported_in_status(service, client, db, monkeypatch):
    await store_lines(client)
    await read_on_every_thread(service)

    def refuse() -> None:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(db, "_connect", refuse)
    end_connections(db.test_app_name)

    resp = await get(client, REPORT, status=503)
    body = await resp.json()
    assert body["kind"] == "unavailable"
    assert body["message"].startswith("the database is not reachable: ")
    assert body["message"].endswith("; shoptally retries on the next request")
    assert body["message"].count(". ") == 0 and "\n" not in body["message"]
    status = await (await get(client, "/api/status")).json()
    assert status["rev"] is None and status["views"] == 0 and "extensions" in status
    assert status["database"]["ok"] is False
    assert status["database"]["since"] and "not reachable" in status["database"]["error"]

    monkeypatch.undo()  # the server is back: the next request reconnects and the outage is over
    await get(client, REPORT)
    status = await (await get(client, "/api/status")).json()
    assert status["database"]["ok"] is True and status["database"]["error"] is None and status["rev"] >= 1

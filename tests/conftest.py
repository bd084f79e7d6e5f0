"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured), the service, the app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from companion.config import Config
from companion.store.db import close_database, make_database, open_database, sqlite_url
from tests.support import PG_URL, TOKEN
from tests.support.app import sign_in

BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def _with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


@contextmanager
def _fresh_schema() -> Iterator[str]:
    """A new schema on the test PostgreSQL, its URL; dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_database(PG_URL)
    admin.connect()
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_schema(PG_URL, schema)
    finally:
        admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path: Path):
    """A database nobody used before: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "shoptally.db")
        return
    with _fresh_schema() as url:
        yield url


@pytest.fixture
def pg_url():
    """A schema of its own on the test PostgreSQL, dropped afterwards: for tests of several daemons sharing one
    (team mode), which need PostgreSQL and skip without it."""
    with _fresh_schema() as url:
        yield url


@pytest.fixture
def db(db_url):
    database = open_database(db_url)
    yield database
    close_database()


@pytest.fixture
def cfg(tmp_path: Path, db_url: str) -> Config:
    return Config(tmp_path / "data", db_url)


@pytest.fixture
async def service(cfg, db):
    import asyncio

    from companion.daemon import build_service as Service

    svc = Service(cfg, db, TOKEN, parse_processes=0)  # parsing on threads; daemon tests use processes
    svc.start(asyncio.get_running_loop())
    yield svc
    svc.stop()


@pytest.fixture
async def client(service, aiohttp_client):
    from companion.server.app import create_app

    app = create_app(service)
    cl = await aiohttp_client(app)
    service.port = cl.port
    await sign_in(cl)  # as the Finance view is: its session cookie (tests of refusals use `stranger`)
    return cl


@pytest.fixture
async def stranger(client, aiohttp_client):
    """A second client of the same server with neither token nor session: another program of this machine."""
    return await aiohttp_client(client.server)

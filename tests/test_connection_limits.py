"""The daemon's connection cap and its deadlines for request heads, bodies and idle connections
(companion/server/limits.py), against a real daemon with small limits."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error

import pytest

from tests.support.daemon import Daemon, clean_env, close_code, recv, send

CAP = 8
QUICK = {"SHOPTALLY_HEADER_TIMEOUT": "1", "SHOPTALLY_BODY_TIMEOUT": "1", "SHOPTALLY_IDLE_TIMEOUT": "1"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One daemon with one-second deadlines for the tests that do not fill its connections."""
    with Daemon(tmp_path_factory.mktemp("quick") / "data", None, env=clean_env(**QUICK)) as d:
        yield d


async def raw(d: Daemon) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", d.port)


async def closed_after(reader: asyncio.StreamReader, limit: float = 6) -> tuple[bytes, float]:
    """Everything the daemon sends until it closes the connection, and how many seconds that took."""
    start = time.monotonic()
    data = b""
    while True:
        try:
            chunk = await asyncio.wait_for(reader.read(65536), limit - (time.monotonic() - start))
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


async def alive(ws) -> bool:
    await asyncio.wait_for(await ws.ping(), 5)
    return True


async def test_connections_over_the_cap_are_refused_and_the_open_ones_keep_working(tmp_path):
    env = clean_env(SHOPTALLY_MAX_CONNECTIONS=str(CAP), SHOPTALLY_HEADER_TIMEOUT="30")
    async with Daemon(tmp_path / "data", None, env=env) as d:
        events, _ = await d.events()
        ext = await d.extension(d.token)
        held = [await raw(d) for _ in range(CAP - 2)]  # the cap, with the two sockets
        await asyncio.sleep(0.2)
        extra = [await raw(d) for _ in range(4)]
        for reader, _ in extra:
            data, took = await closed_after(reader)
            assert took < 3 and data.startswith(b"HTTP/1.1 429 "), data
            answer = json.loads(data.partition(b"\r\n\r\n")[2])
            assert answer["kind"] == "too_many" and "SHOPTALLY_MAX_CONNECTIONS" in answer["message"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            await asyncio.to_thread(d.get, "/api/ping")
        assert refused.value.code == 429
        # what was open before keeps working: the view's socket and the extension's
        assert await alive(events)
        await send(ext, {"type": "ping"})
        assert (await recv(ext))["type"] == "pong"

        for _, writer in held:
            writer.close()
        deadline = time.monotonic() + 5
        while True:
            try:
                assert (await asyncio.to_thread(d.get, "/api/ping"))["app"] == "shoptally"
                break
            except urllib.error.HTTPError:
                assert time.monotonic() < deadline, "the daemon still refuses after the sockets closed"
                await asyncio.sleep(0.05)
        assert await alive(events)
        assert "connections are open, the limit" in d.output()
        for _, writer in extra:
            writer.close()


async def test_a_request_head_that_stalls_is_cut(quick):
    head = f"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:{quick.port}\r\n".encode()

    async def stalls() -> None:
        reader, writer = await raw(quick)
        writer.write(head + b"X-Slow: ")
        data, took = await closed_after(reader)
        assert data == b"" and 0.8 < took < 4

    async def trickles() -> None:  # one byte every 0.3 s keeps no head alive: its deadline runs from its first byte
        reader, writer = await raw(quick)
        start, sent = time.monotonic(), 0
        try:
            while sent < len(head) and not reader.at_eof():
                writer.write(head[sent:sent + 1])
                await writer.drain()
                sent += 1
                await asyncio.sleep(0.3)
        except ConnectionError:
            pass
        assert sent < len(head) and (await closed_after(reader))[0] == b"" and time.monotonic() - start < 4

    async def says_nothing() -> None:
        reader, _ = await raw(quick)
        data, took = await closed_after(reader)
        assert data == b"" and 0.8 < took < 4

    await asyncio.gather(stalls(), trickles(), says_nothing())


async def test_an_idle_connection_is_closed_after_its_answer(quick):
    reader, writer = await raw(quick)
    writer.write(f"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:{quick.port}\r\n\r\n".encode())
    data, took = await closed_after(reader)
    assert data.startswith(b"HTTP/1.1 200 ") and b'"app": "shoptally"' in data and took < 4


async def test_a_trickling_body_is_cut_with_408(quick):
    reader, writer = await raw(quick)
    writer.write((f"POST /api/pairing/deny HTTP/1.1\r\nHost: 127.0.0.1:{quick.port}\r\n"
                  f"Authorization: Bearer {quick.token}\r\nContent-Type: application/json\r\n"
                  "Content-Length: 1000\r\n\r\n{").encode())
    start = time.monotonic()

    async def trickle() -> None:
        while True:
            await asyncio.sleep(0.2)
            writer.write(b" ")

    dripping = asyncio.create_task(trickle())
    try:
        data, _ = await closed_after(reader)
    finally:
        dripping.cancel()
    assert data.startswith(b"HTTP/1.1 408 "), data
    assert "did not arrive in time" in json.loads(data.partition(b"\r\n\r\n")[2])["message"]
    assert time.monotonic() - start < 4

    # a body sent at once is read as always
    reader, writer = await raw(quick)
    body = json.dumps({"code": "AAAAAA"}).encode()
    writer.write((f"POST /api/pairing/deny HTTP/1.1\r\nHost: 127.0.0.1:{quick.port}\r\n"
                  f"Authorization: Bearer {quick.token}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)
    data, _ = await closed_after(reader)
    assert data.startswith(b"HTTP/1.1 404 ") and b"no pending pairing request" in data


async def test_websockets_outlive_every_deadline(quick):
    events, _ = await quick.events()
    ext = await quick.extension(quick.token)
    await asyncio.sleep(1.6)  # past the head, body and idle deadlines (1 s)
    assert await alive(events)
    await send(ext, {"type": "ping"})
    assert (await recv(ext))["type"] == "pong"
    pairing = await quick.extension()
    await send(pairing, {"type": "pair_request", "name": "Chrome"})
    code = (await recv(pairing))["code"]
    while (event := await recv(events))["event"] != "pairing.requested":
        pass
    assert event["code"] == code
    for ws in (events, ext, pairing):
        await ws.close()


async def test_an_extension_socket_that_never_speaks_is_closed(quick):
    """Upgraded sockets have no HTTP deadline but count against the cap: one that says nothing goes."""
    silent = await quick.extension()
    start = time.monotonic()
    assert await close_code(silent, timeout=5) == 4408
    assert 0.8 < time.monotonic() - start < 3
    talking = await quick.extension(quick.token)  # says hello at once, as the extension does
    await asyncio.sleep(1.6)
    await send(talking, {"type": "ping"})
    assert (await recv(talking))["type"] == "pong"
    await talking.close()

"""A local program flooding pairing requests cannot keep the seller's extension from pairing
(companion/core/pairing_requests.py): no request is refused for want of a slot, what the seller is shown is
the newest with their time, approval by code reaches any, and codes expire."""

from __future__ import annotations

import asyncio

from companion.core import pairing_requests
from tests.support.builders import ext_headers, hello
from tests.support.daemon import Daemon, recv, send

FLOOD = 30  # more than the 20 requests the seller is shown (and than the 20 slots there once were)


async def test_a_flood_of_pairing_requests_leaves_the_extension_a_code_the_seller_can_approve(tmp_path, db_url):
    async with Daemon(tmp_path / "data", db_url) as d:
        flood = []
        for n in range(FLOOD):
            ws = await d.extension()
            await send(ws, {"type": "pair_request", "name": "Chrome on laptop"})  # the seller's own name, even
            assert (await recv(ws))["type"] == "pair_pending", n
            flood.append(ws)
        real = await d.extension()
        await send(real, {"type": "pair_request", "name": "Chrome on laptop"})
        pending = await recv(real)
        assert pending["type"] == "pair_pending"
        code = pending["code"]
        for _ in range(5):  # the flood goes on after it
            ws = await d.extension()
            await send(ws, {"type": "pair_request", "name": "Chrome on laptop"})
            await recv(ws)

        state = await asyncio.to_thread(d.get, "/api/pairing")
        assert state["pending_total"] == FLOOD + 6 and len(state["pending"]) == 20
        times = [p["created_at"] for p in state["pending"]]
        assert times == sorted(times, reverse=True)  # the newest first, each with its time
        assert code in [p["code"] for p in state["pending"]]
        listed = await d.acli("pair", "list")
        assert listed.code == 0 and f"pending  {code}  Chrome on laptop  (since " in listed.out

        approved = await d.acli("pair", "approve", code.lower())
        assert approved.code == 0, approved.err
        paired = await recv(real)
        assert paired["type"] == "paired"
        await send(real, hello(paired["token"]))
        assert (await recv(real))["type"] == "welcome"
        state = await asyncio.to_thread(d.get, "/api/pairing")
        assert state["pending_total"] == FLOOD + 5 and code not in [p["code"] for p in state["pending"]]
        assert [p["name"] for p in state["paired"]] == ["Chrome on laptop"]


async def test_a_code_expires_and_the_extension_is_told(client, service):
    service.pending.ttl = 0.3
    ext = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ext.send_json({"type": "pair_request", "name": "Chrome"})
    first = (await ext.receive_json(timeout=30))["code"]
    expired = await ext.receive_json(timeout=30)
    assert expired["type"] == "error" and expired["error"] == "pairing_expired" and first in expired["message"]
    assert (await (await client.get("/api/pairing")).json())["pending"] == []
    await ext.send_json({"type": "pair_request", "name": "Chrome"})  # the extension asks again: a new code
    second = (await ext.receive_json(timeout=30))["code"]
    assert second != first and list(service.pending) == [second]
    await ext.close()


def test_past_the_kept_requests_the_oldest_goes(monkeypatch):
    monkeypatch.setattr(pairing_requests, "KEPT", 3)
    pending = pairing_requests.PendingPairs(ttl=60)
    made = [pending.add(f"b{n}", conn=n) for n in range(4)]
    assert [dropped for _, dropped in made[:3]] == [[], [], []]
    assert made[3][1] == [made[0][0]] and list(pending) == [p.code for p, _ in made[1:]]
    assert [p.name for p in pending.shown()] == ["b3", "b2", "b1"]  # the newest first

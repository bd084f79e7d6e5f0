"""Pairing by user approval, revocation, and sync commands relayed to the extension (in-process server)."""

from __future__ import annotations

from aiohttp import WSMsgType

from companion.store.models import PairingToken
from tests.support.builders import ext_headers, hello, view_headers


async def next_event(events, name: str) -> dict:
    while True:
        event = await events.receive_json(timeout=30)
        if event["event"] == name:
            return event


async def test_pair_request_approve_hello_revoke(client, service):
    events = await client.ws_connect("/ws/events", headers=view_headers(client.port))
    await events.receive_json(timeout=30)
    ext = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ext.send_json({"type": "pair_request", "name": "Chrome on laptop"})
    pending = await ext.receive_json(timeout=30)
    assert pending["type"] == "pair_pending" and len(pending["code"]) == 6
    announced = await next_event(events, "pairing.requested")
    assert (announced["code"], announced["name"]) == (pending["code"], "Chrome on laptop")
    await ext.send_json({"type": "pair_request", "name": "Chrome on laptop"})  # asking again: same code
    assert (await ext.receive_json(timeout=30))["code"] == pending["code"]

    state = await (await client.get("/api/pairing")).json()
    assert [p["code"] for p in state["pending"]] == [pending["code"]] and state["paired"] == []
    resp = await client.post("/api/pairing/approve", json={"code": pending["code"].lower()},
                             headers=view_headers(client.port))
    assert resp.status == 200
    approved = await resp.json()
    paired = await ext.receive_json(timeout=30)
    assert paired["type"] == "paired" and len(paired["token"]) >= 40
    stored = await service.read(lambda: PairingToken.get(PairingToken.id == approved["id"]))
    assert stored.token_hash != paired["token"] and paired["token"] not in stored.token_hash

    await ext.send_json(hello(paired["token"]))
    assert (await ext.receive_json(timeout=30))["type"] == "welcome"
    state = await (await client.get("/api/pairing")).json()
    assert state["pending"] == [] and [p["name"] for p in state["paired"]] == ["Chrome on laptop"]

    resp = await client.post("/api/pairing/revoke", json={"id": approved["id"]}, headers=view_headers(client.port))
    assert (await resp.json()) == {"id": approved["id"], "closed": 1}
    closing = await ext.receive(timeout=30)
    assert closing.type == WSMsgType.CLOSE and closing.data == 4401
    again = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await again.send_json(hello(paired["token"]))
    closing = await again.receive(timeout=30)
    assert closing.type == WSMsgType.CLOSE and closing.data == 4401


async def test_approve_and_deny_refusals(client):
    h = view_headers(client.port)
    resp = await client.post("/api/pairing/approve", json={}, headers=h)
    assert resp.status == 404 and "no extension is waiting" in (await resp.json())["message"]
    a = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    b = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await a.send_json({"type": "pair_request", "name": "A"})
    await b.send_json({"type": "pair_request", "name": "B"})
    code_a = (await a.receive_json(timeout=30))["code"]
    code_b = (await b.receive_json(timeout=30))["code"]
    resp = await client.post("/api/pairing/approve", json={}, headers=h)
    assert resp.status == 409  # two waiting: the user must name one
    resp = await client.post("/api/pairing/deny", json={"code": code_a}, headers=h)
    assert (await resp.json()) == {"code": code_a, "name": "A"}
    resp = await client.post("/api/pairing/approve", json={"code": code_a}, headers=h)
    assert resp.status == 404
    resp = await client.post("/api/pairing/approve", json={}, headers=h)
    assert (await resp.json())["code"] == code_b
    # a pending request from a page, not the extension, never reaches this far: Origin is pinned
    resp = await client.post("/api/pairing/approve", json={}, headers={"Origin": "https://seller-us.tiktok.com"})
    assert resp.status == 403


async def test_pending_request_disappears_with_its_socket(client, service):
    ext = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ext.send_json({"type": "pair_request", "name": "gone"})
    await ext.receive_json(timeout=30)
    assert len(service.pending) == 1
    await ext.close()
    state = None
    for _ in range(50):
        state = await (await client.get("/api/pairing")).json()
        if not state["pending"]:
            break
        import asyncio
        await asyncio.sleep(0.02)
    assert state["pending"] == []


async def test_sync_is_relayed_and_progress_becomes_an_event(client):
    h = view_headers(client.port)
    resp = await client.post("/api/sync", json={}, headers=h)
    assert resp.status == 409
    assert "no browser extension is connected" in (await resp.json())["message"]
    events = await client.ws_connect("/ws/events", headers=h)
    await events.receive_json(timeout=30)
    ext = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ext.send_json(hello())
    await ext.receive_json(timeout=30)
    resp = await client.post("/api/sync", json={}, headers=h)
    started = await resp.json()
    command = await ext.receive_json(timeout=30)
    assert command == {"type": "command", "id": started["command_id"], "command": "sync", "site": "tiktok",
                       "account": None}
    await ext.send_json({"type": "progress", "command_id": command["id"], "stage": "settled", "pages": 2,
                         "records": 100, "message": "page 2"})
    progress = await next_event(events, "sync.progress")
    assert progress == {"event": "sync.progress", "command_id": command["id"], "stage": "settled", "pages": 2,
                        "records": 100, "message": "page 2"}
    resp = await client.post("/api/sync", json={"account": "No such store"}, headers=h)
    assert resp.status == 404 and "no store named 'No such store'" in (await resp.json())["message"]


async def test_finance_view_is_served_offline(client):
    resp = await client.get("/")
    html = await resp.text()
    assert resp.status == 200 and "/static/finance.js" in html
    assert "http://" not in html and "https://" not in html  # no CDN
    js = await (await client.get("/static/finance.js")).text()
    assert 'data-metric' in js or "dataset.metric" in js


async def test_a_pairing_name_reaches_lists_without_newlines_or_terminal_escapes(client, service):
    ext = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ext.send_json({"type": "pair_request", "name": "Chrome\n\x1b[2J\x1b]0;owned\x07 on\r\tlaptop\u202e"})
    pending = await ext.receive_json(timeout=30)
    other = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await other.send_json({"type": "pair_request", "name": "\x1b\x07\n"})  # nothing printable left
    second = await other.receive_json(timeout=30)
    state = await (await client.get("/api/pairing")).json()
    assert sorted((p["code"], p["name"]) for p in state["pending"]) == sorted(
        [(pending["code"], "Chrome[2J]0;owned onlaptop"), (second["code"], "browser")])
    await ext.close()
    await other.close()

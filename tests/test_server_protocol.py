"""The extension channel and the events channel, refusals first, over the in-process server."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest
from aiohttp import WSMsgType

from companion.store.models import RawCapture, SettlementLine
from tests.support.app import ext_ws
from tests.support.builders import SELLER, hello, order_list_capture, order_row, view_headers


async def events_ws(client):
    ws = await client.ws_connect("/ws/events", headers=view_headers(client.port))
    first = await ws.receive_json(timeout=30)
    assert first["event"] == "hello"
    return ws, first["rev"]


async def settlement_event(events, timeout: float = 5) -> dict:
    """The next tk-settlement.updated, skipping connection and pairing events; `at` checked then dropped."""
    while True:
        event = await events.receive_json(timeout=timeout)
        if event["event"] == "tk-settlement.updated":
            assert event.pop("at").endswith("+00:00")
            return event


async def test_host_header_refused_on_requests_and_upgrades(client):
    for path in ("/api/ping", "/", "/ws/events", "/ws/extension"):
        resp = await client.get(path, headers={"Host": "evil.example:80", "Origin": f"http://127.0.0.1:{client.port}"})
        assert resp.status == 400, path
    resp = await client.get("/api/ping", headers={"Host": f"127.0.0.1:{client.port + 1}"})
    assert resp.status == 400
    for host in (f"127.0.0.1:{client.port}", f"localhost:{client.port}", f"[::1]:{client.port}"):
        resp = await client.get("/api/ping", headers={"Host": host})
        assert resp.status == 200
        assert await resp.json() == {"app": "shoptally", "version": "0.1.0", "protocol": 1}


async def test_foreign_origins_get_403_before_upgrade(client):
    from aiohttp import WSServerHandshakeError

    port = client.port
    cases = [
        ("/ws/extension", "https://seller-us.tiktok.com"),
        ("/ws/extension", "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("/ws/extension", f"http://127.0.0.1:{port}"),
        ("/ws/events", "https://evil.example"),
        ("/ws/events", "chrome-extension://gkfelbjboffmnfkjgjhjjdgjpbobcacl"),
        ("/ws/events", None),
        ("/ws/extension", None),
    ]
    for path, origin in cases:
        headers = {"Host": f"127.0.0.1:{port}"}
        if origin:
            headers["Origin"] = origin
        with pytest.raises(WSServerHandshakeError) as err:
            await client.ws_connect(path, headers=headers)
        assert err.value.status == 403, (path, origin)


async def test_bad_or_missing_token_closes_4401(client):
    for msg in (hello("wrong"), {"type": "hello", "protocol": 1}):
        ws = await ext_ws(client, do_hello=False)
        await ws.send_json(msg)
        closing = await ws.receive(timeout=30)
        assert closing.type == WSMsgType.CLOSE
        assert ws.close_code == 4401 or closing.data == 4401


async def test_other_protocol_is_incompatible_and_closes_4400(client):
    ws = await ext_ws(client, do_hello=False)
    await ws.send_json({**hello(), "protocol": 2})
    msg = await ws.receive_json(timeout=30)
    assert msg["type"] == "incompatible" and msg["protocol"] == 1
    closing = await ws.receive(timeout=30)
    assert closing.type == WSMsgType.CLOSE and closing.data == 4400


async def test_nothing_but_hello_or_pair_request_before_welcome(client, service):
    ws = await ext_ws(client, do_hello=False)
    for msg in (order_list_capture([order_row(1, "10.00")]), {"type": "progress", "command_id": "x"}):
        await ws.send_json(msg)
        reply = await ws.receive_json(timeout=30)
        assert reply["type"] == "error" and reply["error"] == "not_welcomed"
    assert await service.read(lambda: SettlementLine.select().count()) == 0
    await ws.send_json(hello())
    assert (await ws.receive_json(timeout=30))["type"] == "welcome"


async def test_malformed_json_and_unknown_type_keep_the_connection(client):
    ws = await ext_ws(client)
    await ws.send_str("{not json")
    reply = await ws.receive_json(timeout=30)
    assert reply["type"] == "error" and reply["error"] == "malformed"
    await ws.send_str("[1, 2]")
    assert (await ws.receive_json(timeout=30))["error"] == "malformed"
    await ws.send_json({"type": "teleport"})
    reply = await ws.receive_json(timeout=30)
    assert reply["type"] == "error" and reply["error"] == "unknown_type"
    await ws.send_json(order_list_capture([order_row(1, "10.00")]))
    assert (await ws.receive_json(timeout=30))["type"] == "ack"


async def test_oversize_frame_closes_1009(client):
    ws = await ext_ws(client)
    await ws.send_str('{"type":"capture","pad":"' + "x" * (64 * 1024 * 1024 - 64) + '"}')  # just under: fine
    assert (await ws.receive_json(timeout=30))["type"] == "rejected"
    try:
        await ws.send_str('{"type":"capture","pad":"' + "x" * (64 * 1024 * 1024) + '"}')
    except ConnectionError:
        pass  # the server may close before the client finished writing
    closing = await ws.receive(timeout=30)
    assert closing.type == WSMsgType.CLOSE
    assert closing.data == 1009


async def test_capture_acked_stored_exactly_and_event_after_commit(client, service):
    events, rev0 = await events_ws(client)
    ws = await ext_ws(client)
    cap = order_list_capture([order_row(1, "12.34"), order_row(2, "0.10"), order_row(3, "-5.01", trade_type="Refund")])
    await ws.send_json(cap)
    ack = await ws.receive_json(timeout=30)
    assert ack == {"type": "ack", "id": cap["id"], "added": 3, "updated": 0, "skipped": 0, "outcome": "parsed"}
    event = await settlement_event(events)
    assert event == {"event": "tk-settlement.updated", "account": "TikTok US 7495100000000000001",
                     "added": 3, "updated": 0, "removed": 0, "rev": rev0 + 1}
    # the event comes after commit: another connection sees the lines already
    amounts = await service.read(lambda: sorted(
        (r.order_id, r.settlement_amount, r.status, r.currency) for r in SettlementLine.select()))
    assert amounts == [("5769000000000001", Decimal("12.34"), "settled", "USD"),
                       ("5769000000000002", Decimal("0.10"), "settled", "USD"),
                       ("5769000000000003", Decimal("-5.01"), "settled", "USD")]
    raw = await service.read(lambda: RawCapture.get(RawCapture.capture_id == cap["id"]))
    assert raw.outcome == "parsed" and raw.added == 3
    assert "SECRET" not in raw.url and b"SECRET" not in __import__("zlib").decompress(raw.payload)


async def test_duplicate_id_and_duplicate_rows_add_nothing(client, service):
    events, rev0 = await events_ws(client)
    ws = await ext_ws(client)
    rows = [order_row(n, f"{n}.25") for n in range(1, 6)]
    cap = order_list_capture(rows)
    await ws.send_json(cap)
    assert (await ws.receive_json(timeout=30))["added"] == 5
    assert (await settlement_event(events))["rev"] == rev0 + 1
    await ws.send_json(cap)  # same id again
    again = await ws.receive_json(timeout=30)
    assert again["id"] == cap["id"] and again["added"] == 0 and again["updated"] == 0 and again["duplicate"]
    await ws.send_json(order_list_capture(rows))  # same rows, new id (a later page view)
    same = await ws.receive_json(timeout=30)
    assert (same["added"], same["updated"], same["skipped"]) == (0, 0, 5)
    assert await service.read(lambda: SettlementLine.select().count()) == 5
    assert (await service.changes_since(0))["rev"] == rev0 + 1
    # nothing changed, so no event and no rev: the next event is that of a later capture that adds a line
    await ws.send_json(order_list_capture([order_row(6, "6.25")]))
    assert (await ws.receive_json(timeout=30))["added"] == 1
    assert await settlement_event(events) == {"event": "tk-settlement.updated", "account": f"TikTok US {SELLER}",
                                              "added": 1, "updated": 0, "removed": 0, "rev": rev0 + 2}


async def test_in_transit_line_becomes_settled_by_update(client, service):
    ws = await ext_ws(client)
    await ws.send_json(order_list_capture([order_row(7, "20.00", status=1)], on_hold=True))
    assert (await ws.receive_json(timeout=30))["added"] == 1
    await ws.send_json(order_list_capture([order_row(7, "19.50", status=2)]))
    ack = await ws.receive_json(timeout=30)
    assert (ack["added"], ack["updated"]) == (0, 1)
    await ws.send_json(order_list_capture([order_row(7, "20.00", status=1)], on_hold=True))
    stale = await ws.receive_json(timeout=30)
    assert (stale["added"], stale["updated"], stale["skipped"]) == (0, 0, 1)
    line = await service.read(lambda: SettlementLine.get())
    assert (line.status, line.settlement_amount) == ("settled", Decimal("19.50"))


async def test_unrecognised_capture_is_kept_and_visible(client, service):
    ws = await ext_ws(client)
    cap = order_list_capture([])
    cap["payload"]["request"]["url"] = "https://seller-us.tiktok.com/api/v1/some/other/endpoint"
    await ws.send_json(cap)
    ack = await ws.receive_json(timeout=30)
    assert ack["type"] == "ack" and ack["outcome"] == "unrecognized" and ack["added"] == 0
    resp = await client.get("/api/captures?outcome=unrecognized")
    rows = (await resp.json())["captures"]
    assert [r["id"] for r in rows] == [cap["id"]]


async def test_invalid_capture_is_rejected_with_a_reason(client):
    ws = await ext_ws(client)
    cap = order_list_capture([order_row(1, "1.00")])
    cap["captured_at"] = "yesterday"
    await ws.send_json(cap)
    reply = await ws.receive_json(timeout=30)
    assert reply["type"] == "rejected" and reply["id"] == cap["id"] and "captured_at" in reply["error"]
    bad_row = {**order_row(2, "1.00"), "settlement_amount": {"amount": "abc", "currency": "USD"}}
    bad_amount = order_list_capture([bad_row])
    await ws.send_json(bad_amount)
    reply = await ws.receive_json(timeout=30)
    assert reply["type"] == "rejected" and "order_records[0]" in reply["error"]
    too_fine = order_list_capture([order_row(3, "1.23456")])
    await ws.send_json(too_fine)
    reply = await ws.receive_json(timeout=30)
    assert reply == {"type": "rejected", "id": too_fine["id"], "error": (
        "line (order_list, 5769000000000003, Order): settlement_amount: 1.23456 has more than 4 decimals"),
        "code": "store_line_amount", "params": {
            "line": "order_list, 5769000000000003, Order", "what": "settlement_amount", "problem": {
                "code": "money_too_fine", "params": {"amount": "1.23456"},
                "message": "1.23456 has more than 4 decimals"}}}


async def test_rev_rises_by_one_per_change_across_capture_and_reset(client):
    events, rev0 = await events_ws(client)
    ws = await ext_ws(client)
    await ws.send_json(order_list_capture([order_row(1, "1.00")]))
    await ws.receive_json(timeout=30)
    await ws.send_json(order_list_capture([order_row(1, "1.00")], seller="7495100000000000009"))
    await ws.receive_json(timeout=30)
    resp = await client.post("/api/reset", json={"all": True}, headers=view_headers(client.port))
    assert resp.status == 200 and (await resp.json())["removed"] == 2
    got = [await settlement_event(events) for _ in range(3)]
    assert [e["rev"] for e in got] == [rev0 + 1, rev0 + 2, rev0 + 3]
    assert got[2] == {"event": "tk-settlement.updated", "account": None, "added": 0, "updated": 0,
                      "removed": 2, "rev": rev0 + 3}
    resp = await client.get(f"/api/changes?since={rev0 + 1}")
    assert [c["rev"] for c in (await resp.json())["changes"]] == [rev0 + 2, rev0 + 3]


async def test_state_changing_api_needs_same_origin_or_token(client):
    port = client.port
    body = json.dumps({"all": True})
    for headers, status in [
        ({"Origin": "https://evil.example", "Content-Type": "application/json"}, 403),
        ({"Content-Type": "application/json"}, 403),
        ({"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, 403),
        ({"Authorization": "Bearer wrong", "Content-Type": "application/json"}, 403),
        ({"Origin": f"http://127.0.0.1:{port}", "Content-Type": "text/plain"}, 415),
        ({"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}, 200),
        ({"Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}, 200),
        ({"Authorization": "Bearer test-token-" + "x" * 32, "Content-Type": "application/json"}, 200),
    ]:
        resp = await client.post("/api/reset", data=body, headers=headers)
        assert resp.status == status, headers


async def test_concurrent_captures_from_several_sockets_and_a_reset_lose_nothing(client, service):
    # store C has lines before; A and B stream while C is reset
    setup = await ext_ws(client)
    await setup.send_json(order_list_capture([order_row(n, "3.00") for n in range(50)], seller="C000"))
    assert (await setup.receive_json(timeout=30))["added"] == 50
    sockets = [await ext_ws(client) for _ in range(4)]

    async def stream(ws, seller: str, start: int):
        acks = 0
        for batch in range(5):
            rows = [order_row(start + batch * 40 + i, "1.01") for i in range(40)]
            await ws.send_json(order_list_capture(rows, seller=seller))
        while acks < 5:
            msg = await ws.receive_json(timeout=30)
            assert msg["type"] == "ack", msg
            assert msg["added"] == 40
            acks += 1

    async def reset_c():
        await asyncio.sleep(0.05)
        resp = await client.post("/api/reset", json={"account": "TikTok US C000"},
                                 headers=view_headers(client.port))
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["removed"] == 50

    await asyncio.gather(
        stream(sockets[0], "A000", 0), stream(sockets[1], "A000", 1000),
        stream(sockets[2], "B000", 0), stream(sockets[3], "B000", 1000), reset_c())

    def counts():
        from companion.store.models import Store
        return {s.name: SettlementLine.select().where(SettlementLine.store == s).count() for s in Store.select()}

    assert await service.read(counts) == {"TikTok US A000": 400, "TikTok US B000": 400, "TikTok US C000": 0}
    total = await service.read(lambda: SettlementLine.select(
        __import__("peewee").fn.SUM(SettlementLine.settlement_amount)).scalar())
    assert total == 800 * 10100  # 1.01 in storage units of 1/10000, exactly

"""`known_splits` over the in-process server: which orders a sync need not fetch again, from captures shaped as
the TikTok seller center sends them (the demo's order list and transaction detail); its bounds; and the
`detail_rate` setting that paces those fetches."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from companion.pipeline import demo
from companion.sources.model import SETTLED, SPLIT, Line, StoreRef
from companion.store import app_settings, settlements
from tests.support.app import ext_ws
from tests.support.builders import ext_headers, hello, view_headers

SHOP = demo.DEMO_STORES[0]
WHEN = datetime(2025, 10, 20, 20, 0, tzinfo=UTC)


def orders(on_hold: bool, first: int, count: int) -> list[dict]:
    rng = random.Random(first)
    placed = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
    return [demo._order(rng, n, SHOP, placed, date(2025, 10, 13), on_hold) for n in range(first, first + count)]


def ref(order: dict) -> str:
    return order["row"]["reference_id"]


async def store(ws, capture: dict) -> dict:
    await ws.send_json(capture)
    ack = await ws.receive_json(timeout=30)
    assert ack["type"] == "ack" and ack["outcome"] == "parsed", ack
    return ack


async def ask(ws, status: str, references: list[str], site: str = "tiktok", cid: str = "k-1") -> list[str]:
    await ws.send_json({"type": "known_splits", "id": cid, "site": site, "status": status, "references": references})
    answer = await ws.receive_json(timeout=30)
    assert answer["type"] == "known_splits" and answer["id"] == cid, answer
    return answer["references"]


async def test_an_order_is_known_once_its_split_of_that_status_is_stored(client, service):
    settled, on_hold = orders(False, 1, 3), orders(True, 11, 2)
    a, b, c = (ref(o) for o in settled)
    d, e = (ref(o) for o in on_hold)
    assert (a, d) == ("570001251001" "000001", "570001251001" "000011")  # the demo's IDs: 18 digits from 57
    everything = [a, b, c, d, e]
    ws = await ext_ws(client)
    # the order lists alone: one net line per order, no split
    await store(ws, demo._order_list_capture(SHOP, settled, False, WHEN))
    await store(ws, demo._order_list_capture(SHOP, on_hold, True, WHEN))
    assert await ask(ws, "settled", everything) == []
    assert await ask(ws, "in_transit", everything) == []
    # the transaction details of two settled orders and one on hold
    for order in (settled[0], settled[2], on_hold[0]):
        ack = await store(ws, demo._detail_capture(SHOP, order, WHEN))
        assert (ack["added"], ack["updated"]) == (1, 0)
    # in the order asked, each once; an order nobody stored is simply not known
    assert await ask(ws, "settled", [c, "576900000000099", a, b, d, e, a]) == [c, a]
    assert await ask(ws, "in_transit", everything) == [d]  # the on-hold split: fetched again once it settles
    assert await ask(ws, "settled", []) == []
    # another platform's stores: nothing of TikTok's, and its own splits only for itself
    assert await ask(ws, "settled", everything, site="temu") == []
    temu = StoreRef("temu", "6344", "US", "Temu Mugs", "USD", "Asia/Shanghai")
    line = Line(store=temu, key=("fund", b), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=Decimal("5.00"), amounts={"sales": Decimal("5.00")}, reference=b, detail=SPLIT,
                settled_time=WHEN)
    await service.writer.run(settlements.apply_lines, [line], "seed", "import")
    assert await ask(ws, "settled", everything, site="temu") == [b]
    assert await ask(ws, "settled", everything, site="shein") == []
    assert await ask(ws, "settled", everything) == [a, c]
    await ws.close()


async def test_requests_out_of_bounds_are_refused_and_the_socket_stays_usable(client):
    ws = await ext_ws(client)
    ok = {"type": "known_splits", "id": "k-2", "site": "tiktok", "status": "settled", "references": ["5769"]}
    cases = [
        ({"references": [f"R{n}" for n in range(501)]}, "at most 500 references per request, not 501"),
        ({"references": ["5769", ""]}, "references[1] must be a non-empty string of at most 128 characters"),
        ({"references": ["x" * 129]}, "references[0] must be a non-empty string of at most 128 characters"),
        ({"references": [5769]}, "references[0] must be a non-empty string of at most 128 characters"),
        ({"references": "5769"}, "references must be a list of order references"),
        ({"references": None}, "references must be a list of order references"),
        ({"site": "amazon"}, "site must be one of: tiktok, temu, shein"),
        ({"site": None}, "site must be one of: tiktok, temu, shein"),
        ({"status": "estimated"}, "status must be one of: settled, in_transit"),
        ({"status": ["settled"]}, "status must be one of: settled, in_transit"),
    ]
    for change, message in cases:
        await ws.send_json({**ok, **change})
        answer = await ws.receive_json(timeout=30)
        assert answer.pop("code") and isinstance(answer.pop("params"), dict)  # the catalog's, for Chinese
        assert answer == {"type": "error", "error": "malformed", "message": message, "id": "k-2"}
    for bad_id in (None, "", "i" * 65, 7):
        await ws.send_json({**ok, "id": bad_id})
        assert await ws.receive_json(timeout=30) == {
            "type": "error", "error": "malformed", "message": "id must be a string of 1 to 64 characters", "id": None,
            "code": "server_splits_id", "params": {}}
    # the bounds themselves are accepted, and the socket still answers
    assert await ask(ws, "settled", [f"R{n}" for n in range(500)]) == []
    assert await ask(ws, "in_transit", ["x" * 128], cid="i" * 64) == []
    await ws.send_json({"type": "ping"})
    assert await ws.receive_json(timeout=30) == {"type": "pong"}
    await ws.close()


async def test_nothing_is_told_before_welcome(client):
    ws = await ext_ws(client, do_hello=False)
    await ws.send_json({"type": "known_splits", "id": "k-3", "site": "tiktok", "status": "settled",
                        "references": ["5769"]})
    assert await ws.receive_json(timeout=30) == {"type": "error", "error": "not_welcomed",
                                                "message": "send hello with a token before 'known_splits'",
                                                "code": "server_hello_first", "params": {"kind": "known_splits"},
                                                "id": "k-3"}
    await ws.send_json(hello())
    assert (await ws.receive_json(timeout=30))["type"] == "welcome"
    assert await ask(ws, "settled", ["5769"]) == []
    await ws.close()


# detail_rate: how fast the extension fetches the splits -----------------------------------------------------
@pytest.mark.parametrize(("value", "stored"), [
    ("0.2", "0.2"), ("10", "10"), ("3", "3"), ("2.50", "2.5"), (" 4 ", "4"), ("010.0", "10"), (1, "1"),
    (0.5, "0.5"), ("9.999999", "9.999999")])
def test_detail_rate_takes_a_decimal_from_0_2_to_10(value, stored):
    assert app_settings.check({"detail_rate": value}) == {"detail_rate": stored}


@pytest.mark.parametrize("value", ["0.1", "0.19", "10.01", "11", "0", "-1", "", "abc", "1e1", "3,5", "1.", ".5",
                                   "nan", "Infinity", True, None, 1e-05, [3]])
def test_detail_rate_refuses_anything_else_in_one_sentence(value):
    with pytest.raises(app_settings.SettingError) as err:
        app_settings.check({"detail_rate": value})
    assert str(err.value) == f"detail_rate must be a number of calls per second from 0.2 to 10, not {value!r}"


async def test_detail_rate_defaults_to_3_is_saved_and_reaches_the_extension(client):
    resp = await client.get("/api/settings", headers=view_headers(client.port))
    assert (await resp.json())["settings"]["detail_rate"] == "3"
    ws = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ws.send_json(hello())
    assert (await ws.receive_json(timeout=30))["settings"] == {
        "order_sync_mode": "all", "payment_notice_1688": "off", "self_delivery_payment": "manual", "detail_rate": "3"}
    resp = await client.post("/api/settings", json={"detail_rate": "1.50"}, headers=view_headers(client.port))
    assert resp.status == 200 and (await resp.json())["settings"]["detail_rate"] == "1.5"
    assert await ws.receive_json(timeout=30) == {"type": "settings", "settings": {
        "order_sync_mode": "all", "payment_notice_1688": "off", "self_delivery_payment": "manual",
        "detail_rate": "1.5"}}
    resp = await client.post("/api/settings", json={"detail_rate": "20"}, headers=view_headers(client.port))
    assert resp.status == 422
    assert (await resp.json())["message"] == "detail_rate must be a number of calls per second from 0.2 to 10, not '20'"
    later = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await later.send_json(hello())
    assert (await later.receive_json(timeout=30))["settings"]["detail_rate"] == "1.5"  # the refusal changed nothing
    await ws.close()
    await later.close()

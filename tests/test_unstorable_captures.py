"""Captures that can never be stored are answered `rejected` with the reason, never `error`: the extension
then drops them instead of sending them again for ever, and the socket stays open for the next one."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from companion.ledger.money import MoneyError, to_storage
from companion.store.models import RawCapture, SettlementLine
from tests.support.app import ext_ws
from tests.support.builders import order_list_capture, order_row

DEEP = "[" * 50_000 + "]" * 50_000  # deeper than Python's JSON reader goes


def _frames() -> list[tuple[str, str, str]]:
    """(what, frame text, words of the reason)."""
    emoji = order_list_capture([order_row(1, "1.00")])
    cut = json.dumps(emoji).replace('"Order"', '"Or\\ud83dder"', 1)  # half of a surrogate pair, as JSON writes it
    late = json.dumps({**order_list_capture([order_row(2, "1.00")]), "captured_at": "9999-12-31T23:59:59+00:00"})
    early = json.dumps({**order_list_capture([order_row(3, "1.00")]), "captured_at": "0001-01-01T00:00:00+00:00"})
    huge = json.dumps(order_list_capture([order_row(4, "99999999999999999999.00")]))
    power = json.dumps(order_list_capture([order_row(5, "1e19")]))
    small_deep = json.dumps(order_list_capture([order_row(6, "1.00")])).replace(
        '"status"', '"deep": ' + "[" * 20_000 + "]" * 20_000 + ', "status"', 1)  # decoded on the event loop
    big_deep = json.dumps(order_list_capture([order_row(7, "1.00")])).replace(
        '"status"', '"deep": ' + DEEP + ', "status"', 1)  # decoded in the parsing process
    return [("cut emoji", cut, "not valid Unicode"), ("year 9999", late, "out of range"),
            ("year 1", early, "out of range"), ("1e20 dollars", huge, "too large to be an amount"),
            ("1e19 dollars", power, "too large to be an amount"),
            ("deep, small frame", small_deep, "nested too deeply"),
            ("deep, large frame", big_deep, "nested too deeply")]


async def test_each_unstorable_capture_is_rejected_by_id_and_the_socket_goes_on(client, db):
    ws = await ext_ws(client)
    for what, frame, words in _frames():
        await ws.send_str(frame)
        reply = await ws.receive_json(timeout=30)
        sent_id = re.search(r'"id": "([^"]+)"', frame).group(1)
        assert (reply["type"], reply["id"]) == ("rejected", sent_id), (what, reply)
        assert words in reply["error"], (what, reply)
    # nothing half-stored: the amounts' captures are kept as raw errors (reparse can read them again), no line
    assert SettlementLine.select().count() == 0
    assert sorted(r.outcome for r in RawCapture.select()) == ["error", "error"]
    good = order_list_capture([order_row(8, "2.50")])
    await ws.send_json(good)
    reply = await ws.receive_json(timeout=30)
    assert (reply["type"], reply["id"], reply["added"]) == ("ack", good["id"], 1)
    await ws.close()


def test_an_amount_is_held_inside_what_the_database_stores():
    assert to_storage(Decimal("922337203685.4775")) == 9_223_372_036_854_775
    with pytest.raises(MoneyError, match="too large to be an amount"):
        to_storage(Decimal("922337203685.4776"))

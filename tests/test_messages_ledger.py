"""Refusals of money, reports, the line table, imports and the extension's socket carry a catalog code and
params (companion/server/static/messages.json), so the Finance view and the extension can say them in Chinese;
the English stays what it was."""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal

import pytest

from companion import errors
from companion.ledger.money import MoneyError, parse_amount, to_storage
from companion.reports import chart_data
from tests.support.app import ext_ws
from tests.support.builders import view_headers


async def _get(client, path):
    resp = await client.get(path, headers=view_headers(client.port))
    return resp.status, await resp.json()


def test_a_money_error_carries_its_code_and_says_it_in_chinese():
    with pytest.raises(MoneyError) as caught:
        parse_amount("twelve")
    exc = caught.value
    assert (exc.code, exc.params, exc.message) == ("money_not_amount", {"value": "twelve"}, "'twelve' is not an amount")
    assert errors.render(exc.code, exc.params, "zh") == "“twelve”不是有效金额"
    with pytest.raises(MoneyError) as caught:
        to_storage(Decimal("1.23456"))
    assert (caught.value.code, caught.value.params, caught.value.message) == (
        "money_too_fine", {"amount": "1.23456"}, "1.23456 has more than 4 decimals")
    assert errors.render("money_too_fine", caught.value.params, "zh") == "1.23456 的小数超过 4 位"
    with pytest.raises(MoneyError) as caught:
        to_storage(Decimal("1e15"))
    assert caught.value.code == "money_too_large"
    assert caught.value.message == "1E+15 is too large to be an amount (at most 922,337,203,685 in magnitude)"


async def test_a_bad_chart_step_answers_with_its_code(client):
    status, body = await _get(client, "/api/chart?step=hour")
    assert (status, body["code"], body["params"]) == (
        400, "report_step_unknown", {"step": "hour", "steps": "day, week, month"})
    assert body["message"] == "step 'hour' is not one of: day, week, month"
    assert errors.render(body["code"], body["params"], "zh") == "步长“hour”无效，应为以下之一：day, week, month"
    status, body = await _get(client, "/api/chart?basis=cash")
    assert (status, body["code"], body["params"]) == (400, "report_basis_unknown", {"basis": "cash"})
    assert body["message"] == "basis 'cash' is not one of: settlement, order"


def test_too_many_chart_points_say_what_to_choose_instead():
    with pytest.raises(errors.BadInput) as caught:
        chart_data.steps(date(2000, 1, 1), date(2030, 12, 31), "day")
    exc = caught.value
    assert exc.code == "report_points_day" and exc.params["first"] == "2000-01-01"
    assert exc.message.endswith("too many points: choose week or month")
    assert errors.render(exc.code, exc.params, "zh").endswith("点太多，请改为按周或按月")


async def test_a_bad_line_table_sort_answers_with_its_code(client):
    status, body = await _get(client, "/api/lines?sort=colour")
    assert (status, body["code"], body["params"]["sort"]) == (400, "store_table_sort", "colour"), body
    assert body["message"] == errors.render("store_table_sort", body["params"])
    assert errors.render(body["code"], body["params"], "zh").startswith("排序方式“colour”无效")


async def test_an_import_the_capture_rules_refuse_carries_its_code(client):
    capture = {"type": "capture", "id": "c-1", "site": "tiktok", "kind": "json", "captured_at": "yesterday",
               "payload": {"request": {}}}
    item = {"name": "saved.json", "content_base64": base64.b64encode(json.dumps([capture]).encode()).decode()}
    resp = await client.post("/api/import", json={"files": [item]}, headers=view_headers(client.port))
    body = await resp.json()
    assert resp.status == 200 and not body["files"], body
    (refused,) = body["errors"]
    assert (refused["code"], refused["params"], refused["file"]) == (
        "import_captured_at_not_iso", {"value": "yesterday"}, "saved.json")
    assert refused["message"] == "saved.json: captured_at 'yesterday' is not an ISO 8601 time"
    assert errors.render(refused["code"], refused["params"], "zh") == "captured_at“yesterday”不是 ISO 8601 时间"


async def test_the_extension_hears_a_refused_capture_and_a_protocol_error_with_codes(client):
    ws = await ext_ws(client)
    await ws.send_json({"type": "capture", "id": "c-2", "site": "tiktok", "kind": "json",
                        "captured_at": "2026-01-02T03:04:05", "payload": {"request": {}}})
    answer = await ws.receive_json(timeout=30)
    assert answer == {"type": "rejected", "id": "c-2", "error": "captured_at '2026-01-02T03:04:05' has no time zone",
                      "code": "import_captured_at_no_zone", "params": {"value": "2026-01-02T03:04:05"}}
    assert errors.render(answer["code"], answer["params"], "zh") == "captured_at“2026-01-02T03:04:05”没有时区"
    await ws.send_json({"type": "teleport"})
    answer = await ws.receive_json(timeout=30)
    assert (answer["error"], answer["code"], answer["params"], answer["message"]) == (
        "unknown_type", "server_type_unknown", {"kind": "teleport"}, "unknown message type 'teleport'")
    assert errors.render(answer["code"], answer["params"], "zh") == "未知的消息类型“teleport”"
    await ws.send_json({"type": "known_splits", "id": "k-1", "site": "tiktok", "status": "later",
                        "references": []})
    answer = await ws.receive_json(timeout=30)
    assert (answer["error"], answer["code"], answer["id"]) == ("malformed", "store_splits_status", "k-1"), answer
    assert answer["message"] == errors.render("store_splits_status", answer["params"])
    await ws.close()

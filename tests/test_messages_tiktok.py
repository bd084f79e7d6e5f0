"""TikTok's refusals carry a catalog code and params (issue #16 point 6): a bad export, capture or API response
is refused with a code the Finance view says in Chinese, the English sentence unchanged, and no plain sentence
is left in the TikTok adapters."""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion import errors
from companion.sources.model import SourceError
from companion.sources.tiktok.money import text_id
from tests.support.builders import order_list_capture, order_row, view_headers
from tests.support.refusals import refusal_of
from tests.support.tables import US_HEADER, US_NAME, US_ROWS, csv_bytes, parse

REPO = Path(__file__).resolve().parents[1]
OPEN_API = "https://open-api.tiktokglobalshop.com"
STATEMENTS = "/finance/202309/statements/7400000000000001/statement_transactions"
TXN = {"id": "7500000000000000099", "type": "ORDER", "order_id": "576900000000000999", "currency": "USD",
       "settlement_amount": "1.00", "gross_sales_amount": "1.00"}



def _open_api_capture(query: str, data: dict) -> dict:
    """An Open API response as the extension sends it: the request URL (shop or not) and the body."""
    url = f"{OPEN_API}{STATEMENTS}?app_key=6abc&page_size=50{query}"
    return {"type": "capture", "id": "open-api-no-shop", "site": "tiktok", "url": url,
            "captured_at": datetime(2025, 11, 3, 12, tzinfo=UTC).isoformat(), "kind": "json",
            "payload": {"request": {"method": "GET", "url": url, "body": None}, "status": 200,
                        "body": {"code": 0, "message": "Success", "data": data}}}


async def test_an_export_with_an_empty_currency_cell_is_refused_at_its_row_in_both_languages(client):
    rows = [list(r) for r in US_ROWS]
    rows[1][US_HEADER.index("Currency")] = ""
    content = csv_bytes([US_HEADER, *rows])
    name = f"{US_NAME}.csv"
    with pytest.raises(SourceError) as refused:
        parse(name, content)
    sheet = refused.value.params["sheet"]
    assert (refused.value.code, refused.value.file) == ("src_at_row", name)
    assert refused.value.params == {"sheet": sheet, "row": 3, "problem": {
        "code": "tiktok_currency_empty", "params": {}, "message": "the Currency column is empty"}}
    assert str(refused.value) == f"{name}: sheet {sheet!r}, row 3: the Currency column is empty"

    files = [{"name": name, "content_base64": base64.b64encode(content).decode()}]
    resp = await client.post("/api/import", json={"files": files}, headers=view_headers(client.port))
    (answer,) = (await resp.json())["errors"]
    assert (answer["file"], answer["code"], answer["params"]) == (name, "src_at_row", refused.value.params)
    assert answer["message"] == str(refused.value)
    assert errors.render(answer["code"], answer["params"], "zh") == f"工作表“{sheet}”第 3 行：Currency 列为空"


async def test_an_order_list_capture_answering_an_error_code_is_refused_with_its_code(service):
    msg = order_list_capture([order_row(1, "1.00")])
    msg["payload"]["body"].update(code=10001, message="no permission")
    refused = refusal_of(msg)
    assert (refused.code, refused.params) == (
        "tiktok_answered_code", {"what": "order list", "answer": 10001, "reason": "no permission"})
    assert str(refused) == "order list answered code 10001: no permission"
    assert errors.render(refused.code, refused.params, "zh") == "order list 返回错误代码“10001”：no permission"

    out = await service.ingest_capture(msg)
    assert (out.outcome, out.code, out.params, out.message) == (
        "error", refused.code, refused.params, str(refused))

    msg = order_list_capture([])
    msg["payload"]["body"].update(code="E42", message="")
    refused = refusal_of(msg)  # no message: the code alone, with no colon left dangling
    assert (refused.code, refused.params, str(refused)) == (
        "tiktok_answered_code_bare", {"what": "order list", "answer": "E42"}, "order list answered code 'E42'")
    assert errors.render(refused.code, refused.params, "zh") == "order list 返回错误代码“E42”"


async def test_an_open_api_response_that_names_no_shop_is_refused_with_what_to_do(service):
    msg = _open_api_capture("", {"statement_transactions": [copy.deepcopy(TXN)]})
    refused = refusal_of(msg)
    assert (refused.code, refused.params) == ("tiktok_response_no_shop", {"what": "statement transactions"})
    assert str(refused) == (
        "the statement transactions response names no shop (TikTok puts none in a response, and its request URL "
        "has no shop_id or shop_cipher): save it as a .json file and import it with --account STORE")
    assert errors.render(refused.code, refused.params, "zh") == (
        "statement transactions 响应未指明店铺（TikTok 的响应中不含店铺，其请求 URL 也没有 shop_id 或 shop_cipher）："
        "请将其另存为 .json 文件，并用 --account STORE 导入")
    out = await service.ingest_capture(msg)
    assert (out.outcome, out.code, out.params, out.message) == (
        "error", "tiktok_response_no_shop", refused.params, str(refused))


def test_an_id_that_arrived_as_a_float_is_refused_as_one_that_may_have_lost_digits():
    row = order_row(1, "1.00")
    row.update(trade_order_id=5.769e15, reference_id=None)
    refused = refusal_of(order_list_capture([row]))
    assert (refused.code, refused.params) == ("tiktok_at", {"where": "order_records[0]", "problem": {
        "code": "tiktok_id_lost_digits", "params": {"what": "ID", "value": 5.769e15, "type": "float"},
        "message": "ID 5769000000000000.0 arrived as a float and may have lost digits"}})
    assert str(refused) == "order_records[0]: ID 5769000000000000.0 arrived as a float and may have lost digits"
    assert errors.render(refused.code, refused.params, "zh") == \
        "order_records[0] 有误：ID“5769000000000000.0”以 float 数值传来，可能已丢失位数"

    txn = {**TXN, "order_id": 5.769e17}  # the Open API's: the ID says which field it is
    refused = refusal_of(_open_api_capture("&shop_id=7495100000000000001", {"statement_transactions": [txn]}))
    assert (refused.code, refused.params) == (
        "tiktok_id_lost_digits", {"what": "transactions[0] order_id", "value": 5.769e17, "type": "float"})
    assert str(refused) == \
        "transactions[0] order_id 5.769e+17 arrived as a float and may have lost digits"
    assert errors.render(refused.code, refused.params, "zh") == \
        "transactions[0] order_id“5.769e+17”以 float 数值传来，可能已丢失位数"
    with pytest.raises(SourceError) as refused:
        text_id(True, "shop_id")
    assert str(refused.value) == "shop_id True arrived as a bool and may have lost digits"


def test_a_bad_amount_inside_a_capture_keeps_the_amounts_own_refusal_inside():
    row = order_row(1, "1,2x")
    refused = refusal_of(order_list_capture([row]))
    assert refused.code == "tiktok_at" and refused.params["where"] == "order_records[0]"
    inner = refused.params["problem"]
    assert (inner["code"], inner["params"]["where"]) == ("tiktok_at", "settlement_amount")
    assert str(refused) == f"order_records[0]: settlement_amount: {inner['params']['problem']['message']}"
    zh = errors.render(refused.code, refused.params, "zh")
    assert zh.startswith("order_records[0] 有误：settlement_amount 有误：")

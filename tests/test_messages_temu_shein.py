"""Temu's and SHEIN's refusals carry a catalog code and params (issue #16 point 6): a bad export or capture is
refused with a code the Finance view says in Chinese, the English sentence unchanged, the row it is on a wrapper
of its own with the row's problem nested; and no plain sentence is left in the Temu and SHEIN adapters."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion import errors
from companion.sources.model import SourceError
from tests.support.builders import TEMU_FUND, temu_capture, temu_fund_row, view_headers
from tests.support.refusals import refusal_of
from tests.support.tables import PENDING_HEADER, PENDING_ROWS, PLATFORM_NAME, csv_bytes, parse

REPO = Path(__file__).resolve().parents[1]
PAYED = "/gsfs/finance/platform/payedList"
SHEIN_ROW = {"reportOrderNo": "B240815001", "site": "shein-us", "currencyCode": "USD",
             "completedPayTime": "2024-08-15 10:23:11", "bzOrderNo": "GSUS24080100004",
             "secondOrderTypeName": "违规处罚扣款", "incomeAmount": -5}



def _shein_capture(rows: list) -> dict:
    """A payedList response as the extension sends it."""
    url = f"https://sso.geiwohuo.com{PAYED}"
    return {"type": "capture", "id": str(uuid.uuid4()), "site": "shein",
            "url": "https://sso.geiwohuo.com/#/gsfs/finance-management/list",
            "captured_at": datetime(2024, 8, 20, 4, tzinfo=UTC).isoformat(), "kind": "json",
            "payload": {"request": {"method": "POST", "url": url, "body": json.dumps({"page": 1, "perPage": 20})},
                        "status": 200, "body": {"code": "0", "msg": "OK",
                                                "info": {"data": rows, "meta": {"count": len(rows)}}}}}


async def _import(client, name: str, content: bytes) -> dict:
    files = [{"name": name, "content_base64": base64.b64encode(content).decode()}]
    resp = await client.post("/api/import", json={"files": files}, headers=view_headers(client.port))
    (answer,) = (await resp.json())["errors"]
    return answer


async def test_a_temu_export_with_an_empty_currency_column_is_refused_at_its_row_in_both_languages(client):
    rows = [list(r) for r in PENDING_ROWS]
    rows[2][PENDING_HEADER[0].index("币种")] = ""
    name = "Temu半托管_我的店_待处理款项_2025-10.csv"
    content = csv_bytes([*PENDING_HEADER, *rows])
    with pytest.raises(SourceError) as refused:
        parse(name, content)
    sheet = refused.value.params["sheet"]
    assert (refused.value.code, refused.value.file) == ("src_at_row", name)
    assert refused.value.params == {"sheet": sheet, "row": 5, "problem": {
        "code": "temu_currency_empty", "params": {}, "message": "the 币种 column is empty"}}
    assert str(refused.value) == f"{name}: sheet {sheet!r}, row 5: the 币种 column is empty"

    answer = await _import(client, name, content)
    assert (answer["file"], answer["code"], answer["params"]) == (name, "src_at_row", refused.value.params)
    assert answer["message"] == str(refused.value)
    assert errors.render(answer["code"], answer["params"], "zh") == f"工作表“{sheet}”第 5 行：币种列为空"


async def test_a_temu_capture_answering_an_error_code_is_refused_with_its_code(service):
    envelope = {"success": False, "errorCode": 40001, "errorMsg": "会话已过期", "result": None}
    msg = temu_capture(TEMU_FUND, None, envelope=envelope)
    refused = refusal_of(msg)
    assert (refused.code, refused.params) == (
        "temu_error_code", {"what": "fund/detail/pageSearch", "error_code": 40001, "message": "会话已过期"})
    assert str(refused) == "fund/detail/pageSearch answered errorCode 40001: 会话已过期"
    assert errors.render(refused.code, refused.params, "zh") == "fund/detail/pageSearch 返回错误码“40001”：会话已过期"
    out = await service.ingest_capture(msg)
    assert (out.outcome, out.code, out.params, out.message) == ("error", refused.code, refused.params, str(refused))

    refused = refusal_of(temu_capture(TEMU_FUND, None, envelope={"success": False, "errorCode": "E7", "errorMsg": ""}))
    assert (refused.code, refused.params, str(refused)) == (  # no message: no colon left dangling
        "temu_error_code_bare", {"what": "fund/detail/pageSearch", "error_code": "E7"},
        "fund/detail/pageSearch answered errorCode 'E7'")
    assert errors.render(refused.code, refused.params, "zh") == "fund/detail/pageSearch 返回错误码“E7”"


def test_a_bad_temu_fund_row_keeps_its_own_refusal_inside_the_rows_place():
    row = temu_fund_row("2025-09-05 10:00:00", "交易收入", {"digitalText": "1,2x", "currencyCode": "USD"}, 1)
    row.pop("amount")
    row["amountFormat"] = {"digitalText": "1,2x", "currencyCode": "USD"}
    refused = refusal_of(temu_capture(TEMU_FUND, {"total": 1, "resultList": [row]}))
    assert (refused.code, refused.params["index"]) == ("temu_at_fund_row", 0)
    inner = refused.params["problem"]
    assert (inner["code"], inner["params"]["what"]) == ("temu_at_key", "amountFormat")
    money = inner["params"]["problem"]  # the MoneyError of companion.ledger.money, with its own code
    assert money["code"] in errors.catalog() and money["message"]
    assert str(refused) == f"fund/detail/pageSearch resultList[0]: amountFormat: {money['message']}"
    zh = errors.render(refused.code, refused.params, "zh")
    assert zh == f"fund/detail/pageSearch 的 resultList[0]：amountFormat 有误：{errors.say(money, 'zh')}"

    row = temu_fund_row("2025-09-05 10:00:00", "交易收入", "1.00", 1, currency="")
    refused = refusal_of(temu_capture(TEMU_FUND, {"total": 1, "resultList": [row]}))
    assert refused.params["problem"] == {"code": "temu_no_currency_type", "params": {},
                                         "message": "the row has no currencyType"}
    assert errors.render(refused.code, refused.params, "zh") == \
        "fund/detail/pageSearch 的 resultList[0]：该行没有 currencyType（币种）"


async def test_a_shein_bill_with_an_unknown_site_is_refused_at_its_row_in_both_languages(client):
    rows = [["订单号", "账单类型", "站点", "应收金额", "打款日期"],
            ["O1", "奖惩及其他-违规处罚扣款", "ZZ", "-1.00", "2024-08-15"]]
    name = f"{PLATFORM_NAME}.csv"
    content = csv_bytes(rows)
    with pytest.raises(SourceError) as refused:
        parse(name, content)
    sentence = "站点 'ZZ' is not a SHEIN site this version knows, and the row has no 币种 column to say its currency"
    sheet = refused.value.params["sheet"]
    assert (refused.value.code, refused.value.file) == ("src_at_row", name)
    assert refused.value.params == {"sheet": sheet, "row": 2, "problem": {
        "code": "shein_site_unknown", "params": {"site_header": "站点", "site": "ZZ", "currency_header": "币种"},
        "message": sentence}}
    assert str(refused.value) == f"{name}: sheet {sheet!r}, row 2: {sentence}"

    answer = await _import(client, name, content)
    assert (answer["file"], answer["code"], answer["params"]) == (name, "src_at_row", refused.value.params)
    assert answer["message"] == str(refused.value)
    assert errors.render(answer["code"], answer["params"], "zh") == \
        f"工作表“{sheet}”第 2 行：站点“ZZ”不是本版本已知的 SHEIN 站点，且该行没有币种列说明币种"


async def test_a_shein_capture_without_a_supplier_is_refused_with_its_code(service):
    msg = _shein_capture([SHEIN_ROW])
    refused = refusal_of(msg)
    assert (refused.code, refused.params) == ("shein_no_supplier", {"path": PAYED})
    assert str(refused) == (f"SHEIN {PAYED}: neither the request nor the rows name the supplier (supplierId), so the "
                            "store is unknown")
    assert errors.render(refused.code, refused.params, "zh") == \
        f"SHEIN {PAYED}：请求和数据行都没有写明供应商（supplierId），无法确定店铺"
    out = await service.ingest_capture(msg)
    assert (out.outcome, out.code, out.params, out.message) == ("error", refused.code, refused.params, str(refused))


def test_a_shein_capture_row_says_where_it_is_around_its_problem():
    refused = refusal_of(_shein_capture([{**SHEIN_ROW, "supplierId": 100200, "site": "ZZ", "currencyCode": ""}]))
    assert (refused.code, refused.params["path"], refused.params["index"]) == ("shein_at_data_row", PAYED, 0)
    assert refused.params["problem"]["code"] == "shein_site_unknown"
    assert str(refused) == (f"SHEIN {PAYED} data[0]: site 'ZZ' is not a SHEIN site this version knows, and the row "
                            "has no 币种 column to say its currency")
    assert errors.render(refused.code, refused.params, "zh") == \
        f"SHEIN {PAYED} 的 data[0]：site“ZZ”不是本版本已知的 SHEIN 站点，且该行没有币种列说明币种"

    item = {"supplierSku": "M-1", "goodsPriceTotal": "abc", "incomeAmount": "1.00"}
    refused = refusal_of(_shein_capture([{**SHEIN_ROW, "supplierId": 100200, "secondOrderTypeName": "订单收入",
                                        "itemList": [item]}]))
    assert (refused.code, refused.params["index"], refused.params["item"]) == ("shein_at_data_item", 0, 0)
    inner = refused.params["problem"]
    assert (inner["code"], inner["params"]["header"]) == ("shein_at_field", "goodsPriceTotal")
    assert str(refused).startswith(f"SHEIN {PAYED} data[0] item 0: goodsPriceTotal: ")
    assert errors.render(refused.code, refused.params, "zh").startswith(
        f"SHEIN {PAYED} 的 data[0] 明细 0：goodsPriceTotal 有误：")


def test_a_shein_capture_answering_an_error_code_is_refused_with_its_code():
    msg = _shein_capture([])
    msg["payload"]["body"].update(code="100401", msg="子系统登录重定向")
    refused = refusal_of(msg)
    assert (refused.code, refused.params) == (
        "shein_error_code", {"path": PAYED, "error_code": "100401", "message": "子系统登录重定向"})
    assert str(refused) == f"SHEIN {PAYED} answered code '100401': 子系统登录重定向"
    assert errors.render(refused.code, refused.params, "zh") == f"SHEIN {PAYED} 返回错误码“100401”：子系统登录重定向"

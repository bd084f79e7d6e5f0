"""Temu Seller Center JSON captures: fund flow pages, pending settlement, stores. And the same money arriving
as an export and as a capture: one natural key per movement, so it is stored once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources import registry
from companion.sources.model import IN_TRANSIT, SETTLED, SourceError, SourceInput, StoreRef
from tests.support.builders import TEMU_CAPTURED as CAPTURED
from tests.support.builders import TEMU_FUND as FUND
from tests.support.builders import TEMU_MALL as MALL
from tests.support.builders import shanghai_ms as ms
from tests.support.builders import temu_capture as capture
from tests.support.builders import temu_fund_row as fund_row
from tests.support.tables import (
    PENDING_HEADER,
    PENDING_ROWS,
    categories_match_settlement,
    csv_bytes,
    parse,
    totals,
    xlsx,
)

D = Decimal
def src(msg: dict) -> SourceInput:
    return SourceInput("json", msg["site"], msg["url"], CAPTURED, msg["payload"])


def run(msg: dict):
    adapter = registry.detect(src(msg))
    assert adapter is not None
    return adapter, adapter.parse(src(msg))


def test_fund_detail_page_rows_signs_and_listing_total():
    rows = [
        fund_row("2025-09-05 10:00:00", "交易收入", {"value": 1850, "currencyCode": "USD", "digitalText": "18.50"}, 1,
                 orderSn="PO-211-001", transSn="TS001", batchId="B01"),
        fund_row("2025-09-10 12:00:00", "履约违规", "5.00", 2),  # money out written positive
        fund_row("2025-09-03 09:00:00", "发货面单费", -3.5, 2),  # already signed
        fund_row("2025-09-08 00:00:00", "提现", {"value": 10000, "currencyCode": "USD"}, 2),
        {**fund_row("2025-09-09 00:00:00", "未知费用", "0.99", 2), "transactionTime": ms("2025-09-09 00:00:00") + 456},
    ]
    body = {"beginTime": ms("2025-09-01 00:00:00"), "endTime": ms("2025-09-30 23:59:59"), "pageSize": 50,
            "pageNum": 1}
    adapter, result = run(capture(FUND, {"total": 42, "resultList": rows}, body=body))
    assert (adapter.name, result.report_type) == ("temu.seller_center.fund_detail", "fund_detail")
    assert totals(result) == {"sales": D("18.50"), "penalty": D("-5.00"), "platform_logistics": D("-3.50"),
                              "other_platform_fee": D("-0.99"), "settlement_amount": D("9.01")}
    categories_match_settlement(result)
    store = StoreRef("temu", MALL, "US", f"Temu {MALL}", "USD", "Asia/Shanghai")
    assert {line.store for line in result.lines} == {store}
    sale, penalty, label, withdrawal, unknown = result.lines
    assert sale.key == ("fund", "2025-09-05T02:00:00Z", "交易收入", "PO-211-001", "18.50", "0")
    assert (sale.status, sale.settled_time, sale.order_id, sale.reference) == (
        SETTLED, datetime(2025, 9, 5, 2, tzinfo=UTC), "PO-211-001", "PO-211-001")
    assert sale.extra == {"transSn": "TS001", "batchId": "B01", "orderSn": "PO-211-001"}
    assert penalty.amounts == {"penalty": D("-5.00")} and penalty.key[4] == "-5.00"
    assert label.amounts == {"platform_logistics": D("-3.50")} and label.key[4] == "-3.50"
    assert withdrawal.amounts == {} and withdrawal.settlement_amount == 0
    assert unknown.key[1] == "2025-09-08T16:00:00Z"  # milliseconds dropped: exports have none
    [listing] = result.totals
    assert (listing.kind, listing.count, listing.store) == ("listing", 42, store)
    assert ("beginTime", "2025-08-31T16:00:00+00:00") in listing.scope
    assert result.stated == {"total": 42, "page": 1, "page_size": 50, "rows": 5}


def test_the_store_comes_from_the_mallid_header_else_the_request_else_the_result():
    rows = [fund_row("2025-09-05 10:00:00", "交易收入", "1.00", 1)]
    _, result = run(capture(FUND, {"total": 1, "resultList": rows}, mall=None, body={"mallId": 111}))
    assert result.lines[0].store.external_id == "111"
    _, result = run(capture(FUND, {"total": 1, "resultList": rows, "mallId": "222"}, mall=None,
                            host="seller.kuajingmaihuo.com"))
    assert (result.lines[0].store.external_id, result.lines[0].store.region) == ("222", "")
    msg = capture(FUND, {"total": 1, "resultList": rows}, mall=None)
    msg["payload"]["request"]["headers"] = [["MallId", "333"]]
    assert run(msg)[1].lines[0].store.external_id == "333"
    with pytest.raises(SourceError, match="no mallid"):
        run(capture(FUND, {"total": 1, "resultList": rows}, mall=None))


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.pop("transactionTime"), r"resultList\[0\]: the row has no transactionTime"),
    (lambda r: r.pop("amount"), r"resultList\[0\]: the row has no amount"),
    (lambda r: r.update(amount={"value": 1.5}), r"resultList\[0\]: amount: 1.5 is not an amount in cents"),
    (lambda r: r.update(amount="1,2x"), r"resultList\[0\]: amount: '1,2x' is not an amount"),
    (lambda r: r.update(currencyType=None), r"resultList\[0\]: the row has no currencyType"),
    (lambda r: r.update(orderSn=2.11e17), "arrived as a float"),
])
def test_bad_fund_rows_are_errors_naming_the_row(mutate, message):
    row = fund_row("2025-09-05 10:00:00", "交易收入", "1.00", 1)
    mutate(row)
    with pytest.raises(SourceError, match=message):
        run(capture(FUND, {"total": 1, "resultList": [row]}))


def test_error_answers_and_unknown_keys():
    envelope = {"success": False, "errorCode": 40001, "errorMsg": "会话已过期", "result": None}
    with pytest.raises(SourceError, match="errorCode 40001: 会话已过期"):
        run(capture(FUND, None, envelope=envelope))
    # Unknown keys anywhere are kept, never a crash; an empty page still states its total.
    row = {**fund_row("2025-09-05 10:00:00", "交易收入", "1.00", 1), "newThing": {"a": [1, 2]}, "flag": True}
    _, result = run(capture(FUND, {"total": 1, "resultList": [row], "extraInfo": {"x": 1}}))
    assert result.lines[0].extra == {"newThing": '{"a": [1, 2]}', "flag": "true"}
    _, result = run(capture(FUND, {"total": 0, "resultList": []}))
    assert result.lines == [] and result.totals[0].count == 0


def test_other_json_is_not_recognised():
    msg = capture("/api/merchant/fund/detail/export", {"total": 1})
    assert registry.detect(src(msg)) is None


# ---------------------------------------------------------------------------------------------- one key, two ways
def test_the_same_fund_rows_from_the_export_and_the_capture_have_the_same_keys():
    book = xlsx({
        "结算-交易收入": [
            ["订单编号", "交易收入", "单品券优惠金额", "币种", "账务时间"],
            ["PO-211-001", D("18.50"), D("1.50"), "USD", "2025-09-05 10:00:00"],
            ["PO-211-004", D("30.00"), 0, "USD", "2025-10-01 00:05:00"],
        ],
        "支出-履约违规-1": [
            ["违规编号", "订单编号", "支出金额", "币种", "账务时间"],
            ["V001", "PO-211-005", D("5.00"), "USD", "2025-09-10 12:00:00"],
            ["V001", "PO-211-005", D("5.00"), "USD", "2025-09-10 12:00:00"],
        ],
        "支出-税金代扣": [["代扣运费税", "代扣运费税退回", "币种", "账务时间"],
                      [D("0.30"), D("0.10"), "USD", "2025-09-06 00:00:00"]],
    })
    exported = parse("Temu半托管_我的店_财务明细_2025-09.xlsx", book)
    rows = [
        fund_row("2025-09-05 10:00:00", "交易收入", {"value": 1850, "currencyCode": "USD"}, 1, orderSn="PO-211-001"),
        fund_row("2025-10-01 00:05:00", "交易收入", "30", 1, orderSn="PO-211-004"),
        fund_row("2025-09-10 12:00:00", "履约违规", {"value": 500, "currencyCode": "USD"}, 2, orderSn="PO-211-005"),
        fund_row("2025-09-10 12:00:00", "履约违规", "5.00", 2, orderSn="PO-211-005"),
        fund_row("2025-09-06 00:00:00", "税金代扣", "0.20", 2),
    ]
    _, captured = run(capture(FUND, {"total": 5, "resultList": rows}))
    export_keys = {line.key: line.settlement_amount for line in exported.lines}
    capture_keys = {line.key: line.settlement_amount for line in captured.lines}
    assert export_keys == capture_keys and len(export_keys) == 5
    assert {line.key[0] for line in captured.lines} == {"fund"}
    # The export splits the sale further (seed: 销售额 includes the coupon); what moved is the same.
    assert totals(exported)["settlement_amount"] == totals(captured)["settlement_amount"] == D("38.30")


# --------------------------------------------------------------------------------------------- pending money
UNSETTLE = "/api/xiaowenhou/settle-flow/sm/unsettle/page-query"


def money(cents: int, currency: str = "USD") -> dict:
    return {"value": cents, "symbol": "$", "currencyCode": currency, "digitalText": f"{cents / 100:,.2f}"}


def test_semi_managed_pending_page_and_its_totals():
    result_body = {
        "total": 2, "totalAmount": money(2799), "productPaymentTotalAmount": money(3600),
        "productRefundTotalAmount": money(1200), "shippingPaymentTotalAmount": money(399),
        "shippingRefundTotalAmount": money(0), "dataUpdateTime": "2025-10-05 17:00:00",
        "resultList": [
            {"poSn": "PO-211-101", "productPaymentAmount": money(2400), "productRefundAmount": money(0),
             "shippingPaymentAmount": money(399), "totalAmount": money(2799), "orderCreateTime": ms(
                 "2025-09-28 09:00:00"), "skuList": [{"skuId": 17290000000000011, "quantity": 1},
                                                     {"skuId": 17290000000000012, "quantity": 2}]},
            {"parentOrderSn": "PO-211-102", "productPaymentAmount": money(1200),
             "productRefundAmount": money(1200), "totalAmount": money(0), "activityDiscount": money(0),
             "skuList": [{"skuId": "17290000000000013", "skuName": "Vase", "quantity": 1}]},
        ],
    }
    body = {"pageSize": 50, "pageNum": 1, "orderCreateTimeStart": "2025-09-06", "orderCreateTimeEnd": "2025-10-05"}
    adapter, result = run(capture(UNSETTLE, result_body, body=body, host="agentseller-eu.temu.com"))
    assert (adapter.name, result.report_type) == ("temu.seller_center.pending", "pending")
    assert totals(result) == {"sales": D("36.00"), "income_refund": D("-12.00"), "buyer_shipping": D("3.99"),
                              "settlement_amount": D("27.99")}
    categories_match_settlement(result)
    lamp, vase = result.lines
    assert (lamp.key, lamp.status, lamp.reference, lamp.quantity, lamp.sku_id) == (
        ("pending", "PO-211-101"), IN_TRANSIT, "PO-211-101", 3, None)
    assert lamp.order_time == datetime(2025, 9, 28, 1, tzinfo=UTC)
    assert (vase.key, vase.sku_id, vase.sku_name) == (("pending", "PO-211-102"), "17290000000000013", "Vase")
    on_hold, listing = result.totals
    assert (on_hold.kind, on_hold.amount, on_hold.currency) == ("on_hold", D("27.99"), "USD")
    assert on_hold.at == datetime(2025, 10, 5, 9, tzinfo=UTC)
    assert on_hold.scope == (("orderCreateTimeStart", "2025-09-06"), ("orderCreateTimeEnd", "2025-10-05"))
    assert (listing.kind, listing.count) == ("listing", 2)
    assert lamp.store.region == "EU"
    assert result.stated["productRefundTotalAmount"] == "12.00"
    # The pending export of the same POs has the same keys: a later capture updates those lines.
    exported = parse("Temu半托管_我的店_待处理款项_2025-10.csv", csv_bytes([*PENDING_HEADER, *PENDING_ROWS]))
    assert {line.key for line in exported.lines} == {line.key for line in result.lines}


def test_fully_managed_wait_settlement_is_a_stated_total_only():
    result_body = {"res": {"waitSettleAmount": money(71532, "CNY")}}
    adapter, result = run(capture("/api/merchant/settle/detail/full/wait-settlement", result_body,
                                  host="agentseller.temu.com"))
    assert (adapter.name, result.lines, result.report_type) == ("temu.seller_center.wait_settlement", [],
                                                                "wait_settlement")
    [stated] = result.totals
    assert (stated.kind, stated.amount, stated.currency, stated.at) == ("on_hold", D("715.32"), "CNY", CAPTURED)
    assert stated.store == StoreRef("temu", MALL, "GLOBAL", f"Temu {MALL}", "CNY", "Asia/Shanghai")


def test_user_info_lists_the_stores_and_is_recognised_without_lines():
    result_body = {"mallList": [
        {"mallId": 634418216263713, "mallName": "SETONR Products", "managedType": 1, "isSemiManagedMall": True},
        {"mallId": 634418224771498, "mallName": "SETONR", "managedType": 0, "mallMode": 0},
        "junk",
    ]}
    adapter, result = run(capture("/api/seller/auth/userInfo", result_body, mall=None))
    assert adapter.name == "temu.seller_center.user_info"
    assert (result.lines, result.totals, result.report_type) == ([], [], "user_info")
    assert result.stated["malls"] == [
        {"mall_id": "634418216263713", "name": "SETONR Products", "managed_type": 1, "semi_managed": True},
        {"mall_id": "634418224771498", "name": "SETONR", "managed_type": 0, "semi_managed": None},
    ]

"""SHEIN Seller Center JSON (payedList, reportOrderList): pure, exact, and keyed like the 已完成账单 export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from companion.sources import registry
from companion.sources.cells import MangledId
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SourceError, SourceInput, StoreRef
from companion.sources.tabular import Hints
from companion.store import rowplan
from tests.support.builders import order_list_capture, order_row
from tests.support.tables import PLATFORM_NAME, categories_match_settlement, parse, platform_book, totals

D = Decimal
CN = ZoneInfo("Asia/Shanghai")
CAPTURED = datetime(2024, 8, 20, 4, 0, tzinfo=UTC)
PAYED = "/gsfs/finance/platform/payedList"
REPORT_ORDERS = "/gsfs/finance/reportOrder/dualMode/reportOrderList"
STORE = StoreRef("shein", "100200", "US", "SHEIN Linen House", "USD", "Asia/Shanghai")


def capture(path: str, rows: list, *, body: dict | None = None, query: str = "", count: int | None = None,
            code: object = "0", hints: Hints | None = None) -> SourceInput:
    payload = {
        "request": {"method": "POST", "url": f"https://sso.geiwohuo.com{path}{query}",
                    "body": json.dumps(body) if body is not None else None},
        "status": 200,
        "body": {"code": code, "msg": "OK" if code == "0" else "子系统登录重定向",
                 "info": {"data": rows, "meta": {"count": len(rows) if count is None else count}}, "traceId": "t1"},
    }
    if hints is not None:
        payload["hints"] = hints
    return SourceInput("json", "shein", "https://sso.geiwohuo.com/#/gsfs/finance-management/list", CAPTURED, payload)


def run(src: SourceInput):
    adapter = registry.detect(src)
    assert adapter is not None and adapter.name.startswith("shein.seller_center.")
    return adapter.parse(src)


PAID = {"reportOrderNo": "B240815001", "site": "shein-us", "currencyCode": "USD",
        "completedPayTime": "2024-08-15 10:23:11", "supplierId": 100200, "supplierName": "Linen House"}
# The same bill rows as P_ROWS 1, 2, 4, 7, 17 and 25 of the platform-mode export (tests.support.tables).
PAYED_ROWS = [
    {**PAID, "bzOrderNo": "GSUS24080100001", "skuCode": "I0SKU001", "supplierSku": "M-I0SKU001",
     "goodsName": "Linen shirt", "billTypeName": "订单销售收入-订单收入", "goodsPriceTotal": 20.0,
     "storeCouponAmount": 2.0, "activityDiscountAmount": 1.0, "commissionAmount": 3.4, "commissionSaleTax": 0,
     "incomeAmount": 13.6, "orderTime": "2024-08-01 09:30:00", "expenseType": 1, "weird": {"a": 1},
     "someFeeAmount": 0.25},
    {**PAID, "bzOrderNo": "GSUS24080100001", "skuCode": "I0SKU002", "firstOrderTypeName": "订单销售收入",
     "secondOrderTypeName": "订单收入", "goodsPriceTotal": "15.00", "storeCouponAmount": "-1.50",
     "commissionAmount": "-2.70", "commissionSaleTax": "-0.27", "incomeAmount": "10.53"},
    {**PAID, "bzOrderNo": "GSUS24080100001", "skuCode": "I0SKU001", "secondOrderTypeName": "订单退货",
     "goodsPriceTotal": 20, "storeCouponAmount": 2, "activityDiscountAmount": 1, "commissionAmount": 3.4,
     "incomeAmount": -13.6},
    {**PAID, "bzOrderNo": "GSUS24080100004", "secondOrderTypeName": "违规处罚扣款", "incomeAmount": -5},
    {**PAID, "secondOrderTypeName": "标准仓储费", "incomeAmount": "-12.00"},
    {**PAID, "secondOrderTypeName": "平台激励补款", "incomeAmount": 3.3, "completedPayTime": "2024-08-22 09:00:00"},
]


def test_payed_list_rows_map_like_the_export():
    result = run(capture(PAYED, PAYED_ROWS, body={"payBeginTime": "2024-08-01 00:00:00",
                                                  "payEndTime": "2024-08-31 23:59:59", "page": 1, "perPage": 50},
                         count=31))
    assert (result.adapter, result.report_type) == ("shein.seller_center.payed_list", "payed_list")
    assert totals(result) == {"sales": D("35.00"), "promo_discount": D("-4.50"), "platform_fee": D("-6.37"),
                              "income_refund": D("-17.00"), "fee_refund": D("3.40"), "penalty": D("-1.70"),
                              "other_platform_fee": D("-12.00"), "settlement_amount": D("-3.17")}
    categories_match_settlement(result)
    assert {line.store for line in result.lines} == {STORE}
    first = result.lines[0]
    assert first.key == ("shein_bill", "GSUS24080100001", "I0SKU001", "订单收入", "13.6", "2024-08-15", "1")
    assert (first.status, first.detail, first.statement_id, first.reference) == (
        SETTLED, SKU_SPLIT, "B240815001", "GSUS24080100001")
    assert first.settled_time == datetime(2024, 8, 15, 10, 23, 11, tzinfo=CN) and not first.settled_time_approx
    assert first.order_time == datetime(2024, 8, 1, 9, 30, tzinfo=CN)
    assert (first.sku_name, first.msku, first.quantity, first.txn_type) == (
        "Linen shirt", "M-I0SKU001", 1, "订单销售收入-订单收入")
    assert first.extra["weird"] == '{"a": 1}' and first.extra["expenseType"] == "1"
    assert first.extra["mode"] == "platform" and first.extra["mode_basis"] == "keys"
    assert ("someFeeAmount", D("0.25"), None, True) in first.fields  # unknown money: kept, never counted
    assert ("goodsPriceTotal", D("20.0"), "sales", False) in first.fields
    assert result.lines[1].txn_type == "订单销售收入-订单收入"
    [listing] = result.totals
    assert (listing.kind, listing.ref, listing.count, listing.currency, listing.at) == (
        "listing", "payed_list", 31, "USD", CAPTURED)
    assert listing.scope == (("payBeginTime", "2024-08-01 00:00:00"), ("payEndTime", "2024-08-31 23:59:59"),
                             ("family", "shein_bill"))
    assert result.stated == {"count": 31, "rows": 6, "page": 1, "per_page": 50}


def test_the_export_and_the_capture_of_the_same_bill_rows_have_the_same_keys():
    captured = run(capture(PAYED, PAYED_ROWS))
    exported = parse(f"{PLATFORM_NAME}.xlsx", platform_book(), account=STORE.name, store=STORE)
    by_key = {line.key: line for line in exported.lines}
    for line in captured.lines:
        twin = by_key[line.key]
        assert (twin.settlement_amount, twin.amounts, twin.store, twin.statement_id) == (
            line.settlement_amount, line.amounts, line.store, line.statement_id), line.key
    # written together, the store keeps one row per bill row: the capture adds nothing to the export
    plan = rowplan.plan([*exported.lines, *captured.lines], "c1", "completed_bills")
    [store_plan] = plan.stores
    assert len(store_plan.rows) == len(by_key) and plan.duplicates == len(captured.lines)


def test_report_orders_bills_pending_items_and_settled_rows():
    rows = [
        {"reportOrderNo": "B240815001", "addTime": "2024-08-10 19:46:38", "settlementStatus": 3,
         "settlementStatusName": "已结算", "estimatePayTime": "2024-08-15 00:00:00",
         "completedPayTime": "2024-08-15 10:23:11", "companyName": "ROADGET BUSINESS PTE. LTD.",
         "estimateIncomeMoneyTotal": 14.75, "currencyCode": "USD", "salesTotal": 5, "replenishTotal": 2},
        {"reportOrderNo": "B240905002", "settlementStatus": 2, "estimateIncomeMoneyTotal": "33.10",
         "currencyCode": "USD", "completedPayTime": ""},
        {"reportOrderNo": "B240905002", "bzOrderNo": "GSUS2409050001", "secondOrderTypeName": "订单收入",
         "site": "US", "currencyCode": "USD", "settlementStatus": 2, "itemList": [
             {"supplierSku": "M-1", "supplyPriceTotal": 9.0, "activityReportAmount": 0.9, "incomeAmount": 8.1,
              "goodsCount": 1},
             {"supplierSku": "M-2", "supplyPriceTotal": "5.00", "activityReportAmount": "0", "incomeAmount": "5.00",
              "goodsCount": 2}]},
        {"report_order_no": "B240815001", "bz_order_no": "GSUS24080100004", "second_order_type_name": "违规处罚扣款",
         "income_amount": "-5.00", "completed_pay_time": "2024-08-15 10:23:11", "site": "US"},
    ]
    body = {"addTimeStart": "2024-08-01 00:00:00", "addTimeEnd": "2024-09-30 23:59:59", "page": 1, "perPage": 30}
    result = run(capture(REPORT_ORDERS, rows, body=body, query="?supplierId=100200", count=57))
    assert (result.adapter, result.report_type) == ("shein.seller_center.report_orders", "report_orders")
    assert totals(result) == {"sales": D("14.00"), "promo_discount": D("-0.90"), "penalty": D("-5.00"),
                              "settlement_amount": D("8.10")}
    assert totals(result, settled_only=True) == {"penalty": D("-5.00"), "settlement_amount": D("-5.00")}
    categories_match_settlement(result)
    pending = [ln for ln in result.lines if ln.status == IN_TRANSIT]
    assert [(ln.key, ln.msku, ln.quantity, ln.extra["mode"], ln.settled_time) for ln in pending] == [
        (("shein_pending", "B240905002", "GSUS2409050001", "M-1", "订单收入", "1"), "M-1", 1, "semi", None),
        (("shein_pending", "B240905002", "GSUS2409050001", "M-2", "订单收入", "1"), "M-2", 2, "semi", None),
    ]
    assert pending[0].amounts == {"sales": D("9.0"), "promo_discount": D("-0.9")}
    settled = next(ln for ln in result.lines if ln.status == SETTLED)
    assert settled.key == ("shein_bill", "GSUS24080100004", "", "违规处罚扣款", "-5", "2024-08-15", "1")
    assert {ln.store for ln in result.lines} == {StoreRef("shein", "100200", "US", "SHEIN 100200", "USD",
                                                          "Asia/Shanghai")}
    bills = [(s.kind, s.ref, s.amount, s.currency, s.at) for s in result.totals if s.kind == "statement"]
    assert bills == [("statement", "B240815001", D("14.75"), "USD", datetime(2024, 8, 15, 10, 23, 11, tzinfo=CN)),
                     ("statement", "B240905002", D("33.10"), "USD", None)]
    [listing] = [s for s in result.totals if s.kind == "listing"]
    assert listing.count == 57 and ("supplierId", "100200") in listing.scope


def test_the_export_key_of_a_settled_report_order_row_matches_too():
    row = {"reportOrderNo": "B240815001", "bzOrderNo": "GSUS24080100004", "secondOrderTypeName": "违规处罚扣款",
           "incomeAmount": -5, "completedPayTime": "2024-08-15 10:23:11", "site": "US", "supplierId": "100200"}
    captured = run(capture(REPORT_ORDERS, [row])).lines
    exported = parse(f"{PLATFORM_NAME}.xlsx", platform_book(), account=STORE.name, store=STORE).lines
    assert captured[0].key in {ln.key for ln in exported}


def test_store_from_hints_when_the_capture_names_no_supplier():
    row = {k: v for k, v in PAYED_ROWS[3].items() if k not in ("supplierId", "supplierName")}
    with pytest.raises(SourceError, match="neither the request nor the rows name the supplier"):
        run(capture(PAYED, [row]))
    result = run(capture(PAYED, [row], hints=Hints(None, STORE, STORE.name)))
    assert result.lines[0].store == STORE


def test_an_empty_page_is_no_error():
    result = run(capture(PAYED, [], count=0))
    assert (result.lines, result.totals, result.stated["count"]) == ([], [], 0)


@pytest.mark.parametrize("mutate, error, message", [
    (lambda r: r.update(bzOrderNo=6.668611111125570e17), MangledId, r"data\[0\]: bzOrderNo .* lost its digits"),
    (lambda r: r.update(incomeAmount="12,3x"), SourceError, r"data\[0\]: incomeAmount: '12,3x' is not an amount"),
    (lambda r: r.update(site="ZZ", currencyCode=""), SourceError, r"data\[0\]: site 'ZZ' is not a SHEIN site"),
    (lambda r: r.update(completedPayTime="yesterday"), SourceError, r"data\[0\]: time 'yesterday' is not a date"),
])
def test_bad_rows_are_errors_naming_the_row(mutate, error, message):
    row = dict(PAYED_ROWS[0])
    mutate(row)
    with pytest.raises(error, match=message):
        run(capture(PAYED, [row]))


def test_an_error_answer_is_an_error():
    with pytest.raises(SourceError, match="answered code '20302': 子系统登录重定向"):
        run(capture(PAYED, [], code="20302"))


def test_other_captures_are_not_claimed():
    other = capture("/gsfs/finance/selfReplenish/list", PAYED_ROWS)
    adapter = registry.detect(other)
    assert adapter is None or not adapter.name.startswith("shein.")
    elsewhere = capture(PAYED, PAYED_ROWS)
    elsewhere.payload["request"]["url"] = f"https://example.com{PAYED}"
    assert registry.detect(elsewhere) is None
    tiktok = order_list_capture([order_row(1, "1.00")])
    src = SourceInput("json", "tiktok", tiktok["url"], CAPTURED, tiktok["payload"])
    assert registry.detect(src).name == "tiktok.seller_center.order_list"

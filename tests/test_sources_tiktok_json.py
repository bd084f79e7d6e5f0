"""TikTok Seller Center JSON beyond the order list: fee split, on-hold stat, statement list, list totals."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources import registry
from companion.sources.model import IN_TRANSIT, NET, SETTLED, SPLIT, SourceError, SourceInput, Stated
from companion.store.supersession import replaces
from tests.support.builders import HOST, SELLER, order_list_capture, order_row
from tests.support.tables import categories_match_settlement, totals

D = Decimal
CAPTURED = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
ORDER = "576900000000000101"
STATEMENT = "7400000000000001"
CB_HOST = "seller.tiktokglobalshop.com"


def sc(path: str, body: dict, *, host: str = HOST, query: str = "", seller: str | None = SELLER) -> SourceInput:
    """A Seller Center response as the extension captures it (the page's token/sign params included)."""
    who = f"oec_seller_id={seller}&" if seller else ""
    url = f"https://{host}{path}?{who}{query}{'&' if query else ''}token=SECRET&sign=SIG"
    return SourceInput("json", "tiktok", f"https://{host}/finance/bills?tab=statements", CAPTURED,
                       {"request": {"method": "GET", "url": url, "body": None}, "status": 200, "body": body})


def run(src: SourceInput, adapter_name: str):
    adapter = registry.detect(src)
    assert adapter is not None and adapter.name == adapter_name, adapter and adapter.name
    result = adapter.parse(src)
    categories_match_settlement(result)
    return result


def money(amount: str, currency: str = "USD") -> dict:
    return {"amount": amount, "currency": currency}


# --------------------------------------------------------------------------------------------------------
# order/list: its total_record is stated, so a sync that missed pages shows.

def test_order_list_states_how_many_records_the_list_has():
    msg = order_list_capture([order_row(1, "12.34"), order_row(2, "-3.10", trade_type="Refund")])
    msg["payload"]["body"]["data"]["total_record"] = 5
    src = SourceInput("json", "tiktok", msg["url"], CAPTURED, msg["payload"])
    result = run(src, "tiktok.seller_center.order_list")
    assert result.report_type == "order_list" and len(result.lines) == 2
    [listing] = result.totals
    assert (listing.kind, listing.ref, listing.amount, listing.count, listing.scope, listing.at) == (
        "listing", "", None, 5, (("settlement_status", "2"),), CAPTURED)
    assert listing.store == result.lines[0].store

    empty = order_list_capture([], on_hold=True)
    result = registry.detect(SourceInput("json", "tiktok", empty["url"], CAPTURED, empty["payload"])).parse(
        SourceInput("json", "tiktok", empty["url"], CAPTURED, empty["payload"]))
    assert result.lines == []
    [listing] = result.totals
    assert (listing.count, listing.scope, listing.store.external_id) == (0, (("settlement_status", "1"),), SELLER)


# --------------------------------------------------------------------------------------------------------
# stat/info: the on-hold total, overall and per reason.

def stat_body(**stat: object) -> dict:
    return {"code": 0, "message": "success", "data": {"to_settle_amount_stat": stat, "show_tips": True}}


def test_on_hold_stat_states_the_total_and_each_reason():
    body = stat_body(amount=money("123.45"), count=4, reasons_detail=[
        {"reason": 1, "amount": money("100.00"), "count": 3, "reason_text": "Waiting for delivery"},
        {"reason": 3, "amount": money("23.45"), "count": 1},
        {"reason": 9, "reason_text": "no figures"}])
    result = run(sc("/api/v1/pay/statement/stat/info", body, query="page_type=1"),
                 "tiktok.seller_center.on_hold_stat")
    assert result.lines == [] and result.report_type == "on_hold_stat"
    store = result.totals[0].store
    assert (store.external_id, store.region, store.currency, store.timezone) == (
        SELLER, "US", "USD", "America/Los_Angeles")
    assert result.totals == [
        Stated(store, "on_hold", "", D("123.45"), "USD", CAPTURED, 4),
        Stated(store, "on_hold", "", D("100.00"), "USD", CAPTURED, 3, (("reason", "1"),)),
        Stated(store, "on_hold", "", D("23.45"), "USD", CAPTURED, 1, (("reason", "3"),)),
    ]


@pytest.mark.parametrize("stat, message", [
    ({"amount": money("1,2x")}, "to_settle_amount_stat.amount"),
    ({"amount": {"amount": "1.00"}}, "no currency"),
    ({"count": 3}, "no amount"),
    ({"amount": money("1.00"), "reasons_detail": "x"}, "reasons_detail is not a list"),
])
def test_bad_on_hold_stat_is_one_clear_error(stat, message):
    src = sc("/api/v1/pay/statement/stat/info", stat_body(**stat))
    with pytest.raises(SourceError, match=message):
        registry.detect(src).parse(src)


# --------------------------------------------------------------------------------------------------------
# list/detail: the statements and their amounts.

def test_statement_list_states_each_statement():
    body = {"code": 0, "message": "success", "data": {"total_record": 2, "has_more": False, "statement_records": [
        {"statement_id": STATEMENT, "statement_version": 0, "statement_time": 1_759_708_800_000,
         "payment_id": "PAY0001", "payment_status": 2, "settle_amount": money("17.41"),
         "earning_amount": money("138.50"), "fee_amount": money("-25.10"), "adjust_amount": money("-38.65"),
         "shipping_amount": money("-21.34"), "total_reserve_amount": money("0"), "payable_amount": money("17.41"),
         "bill_period": "2025-09-29~2025-10-05"},
        {"statement_id": "7400000000000002", "settlement_time": "2025-10-13T00:00:00Z",
         "settlement_amount": money("-5.40")}]}}
    result = run(sc("/api/v1/pay/statement/list/detail", body, query="page=1&size=20"),
                 "tiktok.seller_center.statements")
    assert result.lines == [] and result.report_type == "statements"
    assert result.stated == {"total_record": 2, "has_more": False}
    first, second = result.totals
    assert (first.kind, first.ref, first.amount, first.currency, first.at) == (
        "statement", STATEMENT, D("17.41"), "USD", datetime(2025, 10, 6, tzinfo=UTC))
    assert first.scope == (("earning", "138.5"), ("fee", "-25.1"), ("adjustment", "-38.65"), ("shipping", "-21.34"),
                           ("reserve", "0"), ("payable", "17.41"), ("payment_id", "PAY0001"), ("payment_status", "2"))
    assert (second.ref, second.amount, second.at, second.scope) == (
        "7400000000000002", D("-5.40"), datetime(2025, 10, 13, tzinfo=UTC), ())


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.pop("statement_id"), r"statement_records\[0\] has no statement_id"),
    (lambda r: r.pop("settle_amount"), "has no settlement amount"),
    (lambda r: r.update(settle_amount={"amount": "5"}), "has no currency"),
    (lambda r: r.update(statement_id=7.4e15), "float"),
    (lambda r: r.update(statement_time="next week"), "not a Unix time"),
])
def test_bad_statement_records_are_one_clear_error(mutate, message):
    record = {"statement_id": STATEMENT, "statement_time": 1_759_708_800_000, "settle_amount": money("17.41")}
    mutate(record)
    src = sc("/api/v1/pay/statement/list/detail", {"code": 0, "data": {"statement_records": [record]}})
    with pytest.raises(SourceError, match=message):
        registry.detect(src).parse(src)


# --------------------------------------------------------------------------------------------------------
# transaction/detail: the fee split of one order or adjustment.

ORDER_AMOUNTS = {"sales": D("40.00"), "promo_discount": D("-3.00"), "buyer_shipping": D("5.99"),
                 "platform_logistics": D("-5.99"), "other_platform_fee": D("-1.17"), "promotion_fee": D("-2.88"),
                 "platform_fee": D("-3.60")}


def order_detail(out_sign: str = "-", settlement: str = "29.35") -> dict:
    """An order's fee split: revenue under in_come, expenses under out_come (with their sub-fees)."""
    def out(amount: str) -> str:
        return f"{out_sign}{amount}" if out_sign == "-" else amount

    record = {
        "statement_detail_id": f"SD{ORDER}", "statement_id": STATEMENT, "reference_id": ORDER,
        "trade_order_id": ORDER, "trade_type": "Order", "settlement_status": 2, "placed_time": 1_759_073_400_000,
        "settlement_amount": money(settlement), "earning_amount": money("37.00"), "fees": money("-7.65"),
        "payment_id": "PAY0001", "new_widget": {"shown": True},
        "in_come": {"amount": money("37.00"), "fee_list": [
            {"fee_type": "gross_sales", "fee_name": "Gross sales", "amount": money("40.00")},
            {"fee_type": "seller_discount", "fee_name": "Seller discount", "amount": money("-4.00")},
            {"fee_type": "shipping", "fee_name": "Shipping", "amount": money("1.00"), "sub_fees": [
                {"fee_name": "Customer-paid shipping fee", "amount": money("5.99")},
                {"fee_name": "TikTok Shop shipping fee", "amount": money("-5.99")},
                {"fee_name": "Shipping fee subsidy", "amount": money("1.00")},
                {"fee_name": "TikTok Shop shipping incentive", "amount": money("0")}]}]},
        "out_come": {"amount": money(out("7.65")), "fee_list": [
            {"fee_type": "fees", "fee_name": "Fees", "amount": money(out("7.65")), "sub_fees": [
                {"fee_type": 101, "fee_name": "Transaction fee", "amount": money(out("1.17"))},
                {"fee_name": "Referral fee", "amount": money(out("2.88"))},
                {"fee_name": "Affiliate commission", "amount": money(out("3.60"))}]}]},
    }
    return {"code": 0, "message": "success", "data": {"order_record": record}}


DETAIL_PATH = "/api/v1/pay/statement/transaction/detail"


def detail(body: dict, host: str = HOST, query: str = f"statement_detail_id=SD{ORDER}&page_type=8") -> SourceInput:
    return sc(DETAIL_PATH, body, host=host, query=query)


def test_fee_split_of_an_order():
    result = run(detail(order_detail()), "tiktok.seller_center.transaction_detail")
    assert result.report_type == "transaction_detail"
    [line] = result.lines
    assert (line.key, line.status, line.detail, line.reference, line.order_id, line.statement_id) == (
        ("split", STATEMENT, ORDER), SETTLED, SPLIT, ORDER, ORDER, STATEMENT)
    assert (line.settlement_amount, line.currency, line.txn_type) == (D("29.35"), "USD", "Order")
    assert line.amounts == ORDER_AMOUNTS
    assert line.order_time == datetime(2025, 9, 28, 15, 30, tzinfo=UTC)
    assert line.settled_time == CAPTURED and line.settled_time_approx
    assert (line.store.external_id, line.store.region) == (SELLER, "US")
    fields = {f.name: (f.amount, f.category) for f in line.fields}
    assert fields["Shipping"] == (D("1.00"), None) and fields["Fees"] == (D("-7.65"), None)  # parents: drill-down
    assert fields["earning_amount"] == (D("37.00"), None) and fields["fees"] == (D("-7.65"), None)
    assert fields["TikTok Shop shipping fee"] == (D("-5.99"), "platform_logistics")
    assert line.extra == {"statement_detail_id": f"SD{ORDER}", "payment_id": "PAY0001", "trade_type": "Order"}
    assert totals(result) == {**{k: v for k, v in ORDER_AMOUNTS.items()}, "settlement_amount": D("29.35")}


def test_fee_split_supersedes_the_order_list_line_of_the_same_reference():
    sale = {**order_row(101, "29.35"), "reference_id": ORDER, "trade_order_id": ORDER, "statement_id": STATEMENT}
    refund = {**sale, "settlement_amount": money("-5.40"), "trade_type": "Refund",
              "statement_id": "7400000000000002"}
    listed = order_list_capture([sale, refund])
    src = SourceInput("json", "tiktok", listed["url"], CAPTURED, listed["payload"])
    net, net_refund = registry.detect(src).parse(src).lines
    split = run(detail(order_detail()), "tiktok.seller_center.transaction_detail").lines[0]
    assert net.reference == net_refund.reference == split.reference == ORDER
    assert (net.statement_id, net_refund.statement_id) == (STATEMENT, "7400000000000002")
    assert net.store.external_id == split.store.external_id
    assert (net.detail, split.detail) == (NET, SPLIT)
    row = lambda line, n: (n, line.key[0], line.detail, line.status, line.statement_id)  # noqa: E731
    assert replaces(row(split, 3), row(net, 1)) and not replaces(row(net, 1), row(split, 3))
    # The refund was settled by another statement: the sale's fee split says nothing about it.
    assert not replaces(row(split, 3), row(net_refund, 2))


def test_expenses_as_positive_figures_and_revenue_in_a_sibling_section_give_the_same_split():
    body = order_detail(out_sign="+")
    record = body["data"]["order_record"]
    body["data"]["in_come"] = record.pop("in_come")  # revenue beside the record, not in it
    line = run(detail(body), "tiktok.seller_center.transaction_detail").lines[0]
    assert line.amounts == ORDER_AMOUNTS and line.settlement_amount == D("29.35")
    assert {f.name: f.amount for f in line.fields}["Referral fee"] == D("-2.88")


def test_unknown_fees_count_only_when_they_explain_the_settlement():
    body = order_detail(settlement="28.85")
    body["data"]["order_record"]["out_come"]["fee_list"].append(
        {"fee_name": "Eco packaging fee", "amount": money("-0.50")})
    line = run(detail(body), "tiktok.seller_center.transaction_detail").lines[0]
    assert line.amounts == {**ORDER_AMOUNTS, "other_platform_fee": D("-1.67")}
    assert ("Eco packaging fee", D("-0.50"), "other_platform_fee", True) in [tuple(f) for f in line.fields]
    assert "unexplained" not in line.extra

    body = order_detail(settlement="28.35")  # 1.00 short, and no fee says why
    body["data"]["order_record"]["out_come"]["fee_list"].append(
        {"fee_name": "Eco packaging fee", "amount": money("-0.50")})
    line = run(detail(body), "tiktok.seller_center.transaction_detail").lines[0]
    assert line.extra["unexplained"] == "-1.00"
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in line.fields}
    assert fields["Eco packaging fee"] == (D("-0.50"), None, True)  # kept, but it does not say why
    assert fields["unexplained"] == (D("-1.00"), "other_platform_fee", True)


def adjustment_detail(trade_type: str, reason: str, amount: str, ref: str) -> dict:
    record = {"statement_detail_id": f"SD{ref}", "statement_id": STATEMENT, "reference_id": ref,
              "trade_type": trade_type, "adjustment_reason": reason, "settlement_status": 2,
              "settlement_amount": money(amount),
              "out_come": {"amount": money(amount), "fee_list": [{"fee_name": "Adjustment amount",
                                                                  "amount": money(amount)}]}}
    return {"code": 0, "data": {"adjustment_record": record}}


@pytest.mark.parametrize("host, trade_type, reason, category", [
    (HOST, "FBT warehouse service fee using GMV payment", "FBT warehouse service fee", "storage_fee"),
    (HOST, "Chargeback", "Chargeback", "adjustment"),
    # The local table has no penalty row: a violation fee is an adjustment for a local shop…
    (HOST, "Violation fee （settlement fee）", "", "adjustment"),
    # …and a platform penalty (平台罚款) for a cross-border one.
    (CB_HOST, "Violation fee （settlement fee）", "", "penalty"),
    (CB_HOST, "FBT warehouse service fee", "", "storage_fee"),
    (CB_HOST, "Logistics reimbursement", "", "adjustment"),
])
def test_adjustments_by_the_local_or_cross_border_table(host, trade_type, reason, category):
    ref = "7123000000000000001"
    line = run(detail(adjustment_detail(trade_type, reason, "-12.40", ref), host=host),
               "tiktok.seller_center.transaction_detail").lines[0]
    assert (line.key, line.reference, line.order_id, line.txn_type) == (("split", STATEMENT, ref), ref, None,
                                                                        trade_type)
    assert line.amounts == {category: D("-12.40")}


def test_an_on_hold_record_is_an_estimate_replaced_once_settled():
    body = order_detail()
    record = body["data"]["order_record"]
    record["settlement_status"], record["to_settle_reason"] = 1, 3
    del record["statement_id"]
    line = run(detail(body), "tiktok.seller_center.transaction_detail").lines[0]
    assert (line.key, line.status, line.detail, line.statement_id, line.settled_time) == (
        ("unsettled_api", ORDER), IN_TRANSIT, SPLIT, None, None)
    assert line.amounts == ORDER_AMOUNTS and line.extra["to_settle_reason"] == "3"
    settled = run(detail(order_detail()), "tiktok.seller_center.transaction_detail").lines[0]
    row = lambda ln, n: (n, ln.key[0], ln.detail, ln.status, ln.statement_id)  # noqa: E731
    assert replaces(row(settled, 2), row(line, 1))


def test_statement_id_from_the_request_when_the_record_has_none():
    body = order_detail()
    del body["data"]["order_record"]["statement_id"]
    line = run(detail(body, query=f"statement_detail_id=SD{ORDER}&statement_id={STATEMENT}"),
               "tiktok.seller_center.transaction_detail").lines[0]
    assert line.key == ("split", STATEMENT, ORDER)
    body = copy.deepcopy(body)
    line = run(detail(body), "tiktok.seller_center.transaction_detail").lines[0]
    assert line.key == ("split", "", ORDER) and line.statement_id is None


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.pop("settlement_amount"), "no settlement_amount"),
    (lambda r: r.update(settlement_amount={"amount": "1.00"}), "no currency"),
    (lambda r: [r.pop(k) for k in ("reference_id", "trade_order_id", "statement_detail_id")], "names no order"),
    (lambda r: r.update(trade_order_id=5.769e17, reference_id=None), "float"),
    (lambda r: r["in_come"]["fee_list"][0].update(amount=money("4O.00")), "Gross sales"),
])
def test_bad_fee_split_is_one_clear_error(mutate, message):
    body = order_detail()
    mutate(body["data"]["order_record"])
    src = detail(body, query="page_type=8")
    with pytest.raises(SourceError, match=message):
        registry.detect(src).parse(src)


def test_seller_center_errors_and_store():
    body = order_detail()
    body["code"], body["message"] = 10001, "no permission"
    with pytest.raises(SourceError, match="10001.*no permission"):
        registry.detect(detail(body)).parse(detail(body))
    src = sc(DETAIL_PATH, order_detail(), seller=None)
    with pytest.raises(SourceError, match="oec_seller_id"):
        registry.detect(src).parse(src)


@pytest.mark.parametrize("path, body", [
    (DETAIL_PATH, {"code": 0, "data": {"something_else": {}}}),
    ("/api/v1/pay/statement/stat/info", {"code": 0, "data": {"amount": money("1.00")}}),
    ("/api/v1/pay/statement/list/detail", {"code": 0, "data": {"records": []}}),
    ("/api/v1/pay/statement/payment/list", {"code": 0, "data": {"statement_records": []}}),
    ("/api/v1/pay/statement/transaction/detail", {"code": 0, "data": None}),
])
def test_other_seller_center_json_is_not_recognised(path, body):
    assert registry.detect(sc(path, body)) is None

"""TikTok Seller Center order list adapter: pure, table-driven, exact."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources import registry
from companion.sources.model import SourceError, SourceInput
from companion.sources.urls import scrub_url
from tests.support.builders import order_list_capture, order_row

CAPTURED = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)


def src(msg: dict) -> SourceInput:
    return SourceInput("json", "tiktok", msg["url"], CAPTURED, msg["payload"])


def test_settled_and_on_hold_rows():
    settled = order_list_capture([order_row(1, "12.34"), order_row(2, "-3.10", trade_type="Refund")])
    adapter = registry.detect(src(settled))
    assert adapter is not None and adapter.name == "tiktok.seller_center.order_list"
    result = adapter.parse(src(settled))
    assert [(ln.key, ln.status, ln.settlement_amount, ln.amounts) for ln in result.lines] == [
        (("order_list", "5769000000000001", "Order"), "settled", Decimal("12.34"), {"sales": Decimal("12.34")}),
        (("order_list", "5769000000000002", "Refund"), "settled", Decimal("-3.10"), {"sales": Decimal("-3.10")}),
    ]
    line = result.lines[0]
    assert line.store.platform == "tiktok" and line.store.external_id == "7495100000000000001"
    assert (line.store.region, line.store.timezone, line.store.currency) == ("US", "America/Los_Angeles", "USD")
    assert line.order_id == "5769000000000001"
    assert line.order_time == datetime(2025, 11, 1, 0, 0, 1, tzinfo=UTC)
    assert line.settled_time == CAPTURED and line.settled_time_approx
    assert [(f.name, f.amount, f.category, f.unmapped) for f in line.fields] == [
        ("settlement_amount", Decimal("12.34"), "sales", True)]
    assert result.stated == {"total_record": 2, "has_more": False, "offset": "0"}

    on_hold = order_list_capture([{**order_row(3, "7.00", status=1), "to_settle_reason": 3,
                                   "estimate_settle_time": 1_762_000_000_000}], on_hold=True)
    hold = registry.detect(src(on_hold)).parse(src(on_hold)).lines[0]
    assert hold.status == "in_transit" and hold.settled_time is None and not hold.settled_time_approx
    assert hold.extra["to_settle_reason_text"] == "delivered, awaiting settlement"
    assert hold.extra["estimate_settle_time"] == "2025-11-01T12:26:40+00:00"


def test_other_json_is_not_recognised():
    msg = order_list_capture([order_row(1, "1.00")])
    msg["payload"]["request"]["url"] = "https://seller-us.tiktok.com/api/v1/pay/statement/stat/info"
    assert registry.detect(src(msg)) is None
    msg = order_list_capture([order_row(1, "1.00")])
    msg["payload"]["body"] = {"code": 0, "data": {"something": []}}
    assert registry.detect(src(msg)) is None


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.update(settlement_amount={"amount": "1,2x", "currency": "USD"}),
     r"order_records\[0\]: settlement_amount"),
    (lambda r: r.update(settlement_amount={"amount": "1.00"}), "has no currency"),
    (lambda r: r.pop("settlement_amount"), "no settlement_amount"),
    (lambda r: r.update(trade_order_id=5.769e15, reference_id=None), "float"),
    (lambda r: r.update(placed_time="yesterday"), "millisecond timestamp"),
])
def test_bad_rows_are_errors_naming_the_row(mutate, message):
    row = order_row(1, "1.00")
    mutate(row)
    msg = order_list_capture([row])
    with pytest.raises(SourceError, match=message):
        registry.detect(src(msg)).parse(src(msg))


def test_missing_seller_id_and_error_code():
    msg = order_list_capture([order_row(1, "1.00")])
    msg["payload"]["request"]["url"] = "https://seller-us.tiktok.com/api/v1/pay/statement/order/list?size=1"
    with pytest.raises(SourceError, match="oec_seller_id"):
        registry.detect(src(msg)).parse(src(msg))
    msg = order_list_capture([])
    msg["payload"]["body"]["code"] = 10001
    with pytest.raises(SourceError, match="10001"):
        registry.detect(src(msg)).parse(src(msg))


def test_region_from_host_and_cross_border():
    msg = order_list_capture([order_row(1, "1.00", currency="GBP")], host="seller-uk.tiktok.com")
    store = registry.detect(src(msg)).parse(src(msg)).lines[0].store
    assert (store.region, store.timezone, store.currency) == ("GB", "Europe/London", "GBP")
    msg = order_list_capture([order_row(1, "1.00")], host="seller.tiktokglobalshop.com")
    store = registry.detect(src(msg)).parse(src(msg)).lines[0].store
    assert (store.region, store.timezone) == ("CB", "Asia/Shanghai")


@pytest.mark.parametrize("code, region, zone, currency", [
    ("vn", "VN", "Asia/Ho_Chi_Minh", "VND"), ("th", "TH", "Asia/Bangkok", "THB"),
    ("id", "ID", "Asia/Jakarta", "IDR"), ("my", "MY", "Asia/Kuala_Lumpur", "MYR"),
    ("ph", "PH", "Asia/Manila", "PHP"), ("sg", "SG", "Asia/Singapore", "SGD")])
def test_a_local_sea_shops_seller_center_counts_its_own_days(code, region, zone, currency):
    msg = order_list_capture([order_row(1, "120000", currency=currency)], host=f"seller-{code}.tiktok.com")
    line = registry.detect(src(msg)).parse(src(msg)).lines[0]
    assert (line.store.region, line.store.timezone, line.store.currency, line.currency) == (
        region, zone, currency, currency)


def test_secrets_are_scrubbed_from_urls():
    assert scrub_url("https://h/api?oec_seller_id=1&token=abc&sign=s&msToken=m&X-Bogus=b&from=0#frag") == \
        "https://h/api?oec_seller_id=1&from=0"

"""1688 purchases: the buyer's order export and the open platform's trade JSON → Purchase records, to the cent.

Fixtures use only the columns and keys public material documents (docs/sources.md, "1688 purchases"): the
export's Chinese headers as public importers read them, the open platform's TradeInfo keys as its documents
list them."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from companion.pipeline import ingest
from companion.sources import registry
from companion.sources.alibaba1688.common import status_of_code, status_of_word
from companion.sources.alibaba1688.exports import OrderExport
from companion.sources.alibaba1688.links import sold_orders
from companion.sources.alibaba1688.trade_info import TradeInfoJson, doc_time
from companion.sources.model import Purchase, PurchaseItem, SourceError, SourceInput
from tests.support.alibaba1688 import HEADER, ORDER_COLS, ROWS
from tests.support.app import ext_ws, import_files, upload
from tests.support.tables import RECEIVED, csv_bytes, file_src, parse, xlsx

D = Decimal
PI = PurchaseItem
CN = timezone(timedelta(hours=8))
NAME = "1688_买家订单_2025-10.xlsx"
CSV = NAME.replace(".xlsx", ".csv")


EXPECTED = [
    Purchase("1688", "3312345678901234567", "义乌市好物工厂", "received", "CNY", D("198.00"), D("12.00"), D("-5.00"),
             D("205.00"), (PI("5012345678901", "陶瓷马克杯 白色 350ml", 20, D("6.50"), D("130.00"), "712345678901"),
                           PI("5012345678902", "陶瓷马克杯 蓝色 350ml", 10, D("6.80"), D("68.00"), "712345678901")),
             datetime(2025, 10, 3, 9, 15, tzinfo=CN), datetime(2025, 10, 3, 9, 20, 11, tzinfo=CN),
             ("576900000000000101", "576900000000000202")),
    Purchase("1688", "3312345678901234568", "临沂市纸品包装厂", "unpaid", "CNY", D("30.00"), D("0.00"), D("0.00"),
             D("30.00"), (PI("612345678902", "牛皮纸礼盒 20x20cm", 2, D("15.00"), D("30.00"), "612345678902"),),
             datetime(2025, 10, 5, 14, 2, 9, tzinfo=CN), None, ("PO-211-0001",)),
    Purchase("1688", "3312345678901234569", "汕头市玩具厂", "cancelled", "CNY", D("29.70"), D("6.00"), D("0.00"),
             D("35.70"), (PurchaseItem("4012345678903", "毛绒小熊 15cm", 3, D("9.90"), D("29.70"), "512345678903"),),
             datetime(2025, 10, 6, 8, 0, tzinfo=CN), datetime(2025, 10, 6, 8, 5, tzinfo=CN), ("GSUS24080100001",)),
    Purchase("1688", "3312345678901234570", "义乌市好物工厂", "shipped", "CNY", D("65.00"), D("8.50"), D("1.50"),
             D("75.00"), (PI("5012345678901", "陶瓷马克杯 白色 350ml", 10, D("6.50"), D("65.00"), "712345678901"),),
             datetime(2025, 10, 7, 20, 30, tzinfo=CN), datetime(2025, 10, 7, 20, 31, tzinfo=CN), ()),
]


def _zoned(purchases: list[Purchase]) -> list[tuple]:
    """Purchases with their times as instants (ZoneInfo and a fixed +08:00 compare equal as instants)."""
    return [(p.order_no, p.supplier, p.status, p.currency, p.goods, p.shipping, p.adjustment, p.total, p.items,
             p.placed_at, p.paid_at, p.sold_orders, p.source, p.self_delivery) for p in purchases]


# -------------------------------------------------------------------------------------------------- the export
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_order_export_gives_every_order_and_goods_line_to_the_cent(kind):
    content = xlsx({"订单列表": ROWS}) if kind == "xlsx" else csv_bytes(ROWS)
    result = parse(NAME.replace(".xlsx", f".{kind}"), content)
    assert (result.adapter, result.version, result.report_type) == ("alibaba1688.order_export", 1, "purchase_orders")
    assert result.lines == [] and result.totals == []  # purchases are no settlement lines
    assert _zoned(result.purchases) == _zoned(EXPECTED)
    assert result.stated == {"orders": 4}
    first = result.purchases[0]
    assert first.placed_at.utcoffset() == timedelta(hours=8)
    assert first.goods + first.shipping + first.adjustment == first.total == D("205.00")
    assert sum(i.amount for i in first.items) == first.goods
    assert sum(p.total for p in result.purchases) == D("345.70")


def test_an_export_that_repeats_the_order_columns_on_each_goods_row_reads_the_same():
    rows = copy.deepcopy(ROWS)
    rows[2][:ORDER_COLS] = rows[1][:ORDER_COLS]
    rows[2][-4:] = rows[1][-4:]
    result = parse(NAME, xlsx({"Sheet1": rows}))
    assert _zoned(result.purchases) == _zoned(EXPECTED)


def test_an_order_number_a_spreadsheet_turned_into_a_number_is_refused_naming_file_row_and_column():
    rows = copy.deepcopy(ROWS)
    rows[3][0] = 3.312345678901235e18  # what Excel keeps of a 19-digit number typed in
    with pytest.raises(SourceError) as refused:
        parse(NAME, xlsx({"订单列表": rows}))
    text = str(refused.value)
    assert text.startswith(f"{NAME}: sheet '订单列表', row 4: 订单编号 ") and "lost its digits" in text


def test_a_status_word_this_version_does_not_know_is_refused_by_order_and_row():
    rows = copy.deepcopy(ROWS)
    rows[3][9] = "等待卖家推进"  # a staged order's step: its payment state is not in the word
    with pytest.raises(SourceError) as refused:
        parse(NAME, xlsx({"订单列表": rows}))
    assert str(refused.value) == (f"{NAME}: sheet '订单列表', row 4: order 3312345678901234568: status '等待卖家推进' "
                                  "is not one this version of shoptally reads; keep the file and report the status "
                                  "so it can be added")
    assert refused.value.code == "src_at_row"
    assert refused.value.params["problem"]["code"] == "alibaba1688_status_unknown"


def test_a_goods_row_before_any_order_and_an_order_split_in_two_are_refused():
    rows = [HEADER, copy.deepcopy(ROWS[2]), *copy.deepcopy(ROWS[1:])]
    with pytest.raises(SourceError, match=r"row 2: this goods row has no 订单编号 and no order above it"):
        parse(NAME, xlsx({"订单列表": rows}))
    rows = [*copy.deepcopy(ROWS), copy.deepcopy(ROWS[1])]
    with pytest.raises(SourceError, match=r"row 7: order 3312345678901234567 appears again apart from its own rows"):
        parse(NAME, xlsx({"订单列表": rows}))


def test_a_quantity_that_is_not_whole_and_an_amount_that_is_not_one_are_refused_by_row():
    rows = copy.deepcopy(ROWS)
    rows[3][20] = "2.5"
    with pytest.raises(SourceError, match=r"row 4: .*2\.5"):
        parse(CSV, csv_bytes(rows))
    rows = copy.deepcopy(ROWS)
    rows[1][8] = "二百零五"
    with pytest.raises(SourceError, match=r"row 2: .*二百零五"):
        parse(CSV, csv_bytes(rows))


def test_a_file_with_only_the_header_is_refused_naming_the_file():
    with pytest.raises(SourceError) as refused:
        parse(NAME, xlsx({"订单列表": [HEADER]}))
    assert str(refused.value).startswith(NAME) and "no data rows" in str(refused.value)


def test_other_platforms_exports_are_not_taken_for_a_1688_export_nor_the_reverse():
    src = file_src(NAME, xlsx({"订单列表": ROWS}))
    assert [a.name for a in registry.ADAPTERS if a.recognizes(src)] == ["alibaba1688.order_export"]
    assert not OrderExport().recognizes(file_src("x.csv", csv_bytes([["订单编号", "实付款(元)"], ["1", "2"]])))


# ------------------------------------------------------------------------------------------------ the trade JSON
def trade_info(no: str, status: str, total, goods, shipping, items: list[dict], **base) -> dict:
    return {"baseInfo": {"id": int(no), "idOfStr": no, "status": status, "totalAmount": total,
                         "sumProductPayment": goods, "shippingFee": shipping, "createTime": "20251003091500000+0800",
                         "sellerLoginId": "haowu01", "sellerContact": {"companyName": "义乌市好物工厂"}, **base},
            "productItems": items}


def product(sku, spec, offer, name, price, quantity, amount) -> dict:
    return {"skuID": sku, "specId": spec, "productID": offer, "name": name, "price": price, "quantity": quantity,
            "itemAmount": amount, "cargoNumber": "MUG-W", "unit": "个", "status": "success"}


LIST_BODY = {
    "result": [
        trade_info("3312345678901234567", "waitbuyerreceive", 205.0, 198.0, 12.0, [
            product(5012345678901, "b7a5c3e1f2d4", 712345678901, "陶瓷马克杯 白色 350ml", 6.5, 20, 126.7),
            product(5012345678902, "c8b6d4f2e3a5", 712345678901, "陶瓷马克杯 蓝色 350ml", 6.8, 10, 66.3)],
            payTime="20251003092011000+0800", discount=-500, buyerFeedback="576900000000000101",
            remark="", buyerMemo="另见 576900000000000202"),
        trade_info("3312345678901234569", "cancel", 35.7, 29.7, 6.0, [
            product(None, "d9c7e5a3f4b6", 512345678903, "毛绒小熊 15cm", 9.9, 3, 29.7)],
            payTime="20251006080500000+0800", refund=35.7, buyerFeedback="GSUS24080100001"),
    ],
    "totalRecord": 2, "errorCode": "", "errorMessage": "",
}
DETAIL_BODY = {"result": trade_info("3312345678901234568", "waitbuyerpay", "30.00", "30.00", "0", [
    product(None, None, 612345678902, "牛皮纸礼盒 20x20cm", "15.00", "2", "30.00")], remark="PO-211-0001"),
    "success": "true", "errorCode": "", "errorMessage": ""}

LIST_URL = "https://gw.open.1688.com/openapi/param2/1/com.alibaba.trade/alibaba.trade.getBuyerOrderList/1234567"


def json_src(body: dict, url: str = LIST_URL) -> SourceInput:
    return SourceInput("json", "1688", "https://trade.1688.com/order/buyer_order_list.htm", RECEIVED,
                       {"request": {"method": "POST", "url": url, "body": None}, "status": 200, "body": body})


def test_the_buyer_order_list_gives_each_order_its_amounts_items_times_status_and_links():
    result = TradeInfoJson().parse(json_src(LIST_BODY))
    assert (result.adapter, result.lines, result.stated) == ("alibaba1688.trade_info", [], {"total_record": 2})
    first, closed = result.purchases
    assert first == Purchase(
        "1688", "3312345678901234567", "义乌市好物工厂", "shipped", "CNY", D("198.0"), D("12.0"), D("-5.0"), D("205.0"),
        (PI("5012345678901", "陶瓷马克杯 白色 350ml", 20, D("6.5"), D("126.7"), "712345678901"),
         PurchaseItem("5012345678902", "陶瓷马克杯 蓝色 350ml", 10, D("6.8"), D("66.3"), "712345678901")),
        datetime(2025, 10, 3, 9, 15, tzinfo=CN), datetime(2025, 10, 3, 9, 20, 11, tzinfo=CN),
        ("576900000000000101", "576900000000000202"))
    assert sum(i.amount for i in first.items) + first.shipping == first.total  # totalAmount = ∑itemAmount + shippingFee
    assert closed.status == "refunded" and closed.sold_orders == ("GSUS24080100001",)
    assert closed.items == (PurchaseItem("d9c7e5a3f4b6", "毛绒小熊 15cm", 3, D("9.9"), D("29.7"), "512345678903"),)
    assert (closed.goods, closed.shipping, closed.adjustment, closed.total) == (
        D("29.7"), D("6.0"), D("0.0"), D("35.7"))


def test_the_order_detail_answer_gives_its_one_order():
    detail_url = LIST_URL.replace("getBuyerOrderList", "get.buyerView")
    [only] = TradeInfoJson().parse(json_src(DETAIL_BODY, detail_url)).purchases
    assert only == Purchase("1688", "3312345678901234568", "义乌市好物工厂", "unpaid", "CNY", D("30.00"), D("0"),
                            D("0.00"), D("30.00"),
                            (PI("612345678902", "牛皮纸礼盒 20x20cm", 2, D("15.00"), D("30.00"), "612345678902"),),
                            datetime(2025, 10, 3, 9, 15, tzinfo=CN), None, ("PO-211-0001",))


def test_a_cancelled_order_nothing_was_paid_for_stays_cancelled():
    body = copy.deepcopy(LIST_BODY)
    del body["result"][1]["baseInfo"]["refund"]
    assert TradeInfoJson().parse(json_src(body)).purchases[1].status == "cancelled"


def test_an_order_id_as_a_rounded_number_without_its_text_is_refused():
    body = copy.deepcopy(LIST_BODY)
    del body["result"][0]["baseInfo"]["idOfStr"]
    body["result"][0]["baseInfo"]["id"] = 3.312345678901235e18  # a JSON tool that read it as a double
    with pytest.raises(SourceError, match="lost its digits"):
        TradeInfoJson().parse(json_src(body))


def test_bad_trade_json_is_refused_with_one_sentence_naming_the_key():
    body = copy.deepcopy(LIST_BODY)
    body["result"][1]["productItems"][0]["quantity"] = 1.5
    with pytest.raises(SourceError) as refused:
        TradeInfoJson().parse(json_src(body))
    assert str(refused.value) == ("result[1].productItems[0].quantity is 1.5, not a whole number of units; "
                                  "shoptally counts purchased goods in whole units")
    body = copy.deepcopy(LIST_BODY)
    body["result"][0]["baseInfo"]["status"] = "waitsellerpush"
    with pytest.raises(SourceError, match="order 3312345678901234567: status 'waitsellerpush' is not one"):
        TradeInfoJson().parse(json_src(body))
    body = copy.deepcopy(LIST_BODY)
    body["result"][0]["baseInfo"]["shippingFee"] = "twelve"
    with pytest.raises(SourceError, match=r"^result\[0\]\.baseInfo\.shippingFee: "):
        TradeInfoJson().parse(json_src(body))


def test_only_the_documented_envelopes_are_recognised():
    adapter = TradeInfoJson()
    assert adapter.recognizes(json_src(LIST_BODY)) and adapter.recognizes(json_src(DETAIL_BODY))
    assert adapter.recognizes(json_src({"result": [], "totalRecord": 0}))  # an empty page of the list
    assert not adapter.recognizes(json_src({"result": [], "success": True}))
    assert not adapter.recognizes(json_src({"success": "false", "errorCode": "gw.APP_NOT_EXIST"}))
    assert not adapter.recognizes(json_src({"result": [{"id": 1}], "totalRecord": 1}))


def test_open_platform_times_carry_their_offset_and_plain_ones_are_china_time():
    assert doc_time("20180614101942000+0800") == datetime(2018, 6, 14, 10, 19, 42, tzinfo=CN)
    assert doc_time("2025-10-03 09:15:00") == datetime(2025, 10, 3, 9, 15, tzinfo=CN)
    assert doc_time("") is None and doc_time(None) is None


# ------------------------------------------------------------------------------------- status words and links
@pytest.mark.parametrize(("word", "status"), [
    ("等待买家付款", "unpaid"), ("等待卖家发货", "paid"), ("等待买家确认收货", "shipped"), ("已收货", "received"),
    ("交易成功", "received"), ("交易关闭", "cancelled"), ("退款中", "refunded"), ("已支付，未到账", "paid"),
    ("waitbuyerpay", "unpaid"), ("WAIT_SELLER_SEND", "paid"), ("等待卖家推进", None), ("", None)])
def test_export_status_words_map_to_purchase_statuses(word, status):
    assert status_of_word(word) == status


@pytest.mark.parametrize(("code", "status"), [
    ("waitbuyerpay", "unpaid"), ("waitsellersend", "paid"), ("waitbuyerreceive", "shipped"),
    ("confirm_goods", "received"), ("success", "received"), ("cancel", "cancelled"), ("terminated", "cancelled"),
    ("WAIT_BUYER_RECEIVE", "shipped"), ("waitsellerpush", None), ("waitlogisticstakein", None)])
def test_open_platform_status_codes_map_to_purchase_statuses(code, status):
    assert status_of_code(code) == status


def test_a_remark_links_only_ids_of_the_marketplaces_shapes():
    assert sold_orders(["TK576900000000000101 / 576900000000000202", "PO-211-0001,PO-211-0002", "GSFR2409001"]) == (
        "576900000000000202", "PO-211-0001", "PO-211-0002", "GSFR2409001")  # TK576…: glued to letters, not taken
    assert sold_orders(["3312345678901234567 13800138000 78812345678901 5769000000000001011"]) == ()
    assert sold_orders(["576900000000000101 576900000000000101", None, 42]) == ("576900000000000101",)


# --------------------------------------------------------------------------------------- through the pipeline
def test_a_1688_capture_frame_and_an_imported_export_are_parsed_by_the_1688_adapters():
    msg = {"type": "capture", "id": "cap-1688-1", "site": "1688", "kind": "json",
           "url": "https://trade.1688.com/order/buyer_order_list.htm", "captured_at": "2025-10-08T02:00:00Z",
           "payload": {"request": {"method": "GET", "url": LIST_URL + "?access_token=SECRET&_aop_signature=SIG",
                                   "body": None}, "status": 200, "body": LIST_BODY}}
    prepared = ingest.prepare(ingest.prepare_capture(msg))
    assert (prepared.adapter, prepared.outcome, prepared.message) == ("alibaba1688.trade_info", "parsed", "")
    assert prepared.plan is not None and prepared.plan.stores == []  # no settlement lines planned
    kept = ingest.zlib.decompress(prepared.raw.compressed)
    assert b"SECRET" not in kept and b"SIG" not in kept and b"_aop_signature" not in kept
    imported = ingest.prepare(ingest.file_input(NAME, xlsx({"订单列表": ROWS})))
    assert (imported.adapter, imported.outcome, imported.stated) == ("alibaba1688.order_export", "parsed",
                                                                     {"orders": 4})


async def test_an_export_imported_through_the_api_is_the_1688_adapters_and_a_bad_one_is_refused_by_row(client):
    """The daemon's import (both databases): the file is read as 1688 purchases and its four orders stored (once:
    the same file again changes nothing), no settlement line is added; a file with a status this version does not
    read is refused in one sentence naming file, sheet and row."""
    from companion.store.models import PurchaseOrder, SettlementLine

    answer = await import_files(client, upload(NAME, xlsx({"订单列表": ROWS})))
    assert answer == {"files": [{"file": NAME, "platform": "alibaba1688", "report_type": "purchase_orders",
                                 "account": None, "added": 4, "updated": 0, "skipped": 0}], "errors": []}
    again = await import_files(client, upload(NAME, xlsx({"订单列表": ROWS})))
    assert [(f["added"], f["updated"], f["skipped"]) for f in again["files"]] == [(0, 0, 4)]
    stored = {p.order_no: (p.status, p.goods, p.shipping, p.adjustment, p.total) for p in PurchaseOrder.select()}
    assert stored["3312345678901234567"] == ("received", Decimal("198.00"), Decimal("12.00"), Decimal("-5.00"),
                                             Decimal("205.00"))
    assert len(stored) == 4 and SettlementLine.select().count() == 0
    rows = copy.deepcopy(ROWS)
    rows[3][9] = "等待卖家推进"
    answer = await import_files(client, upload(NAME, xlsx({"订单列表": rows})))
    [error] = answer["errors"]
    assert answer["files"] == [] and error["file"] == NAME and error["code"] == "src_at_row"
    assert error["message"].startswith(f"{NAME}: sheet '订单列表', row 4: order 3312345678901234568: status ")


async def test_a_saved_answer_of_the_open_platform_imports_as_a_json_file_read_by_the_1688_adapter(client):
    content = json.dumps(LIST_BODY, ensure_ascii=False).encode()
    answer = await import_files(client, upload("1688_getBuyerOrderList_2025-10.json", content))
    assert answer == {"files": [{"file": "1688_getBuyerOrderList_2025-10.json", "platform": "alibaba1688",
                                 "report_type": "purchase_orders", "account": None, "added": 2, "updated": 0,
                                 "skipped": 0}], "errors": []}  # its two orders, stored as purchases


async def test_a_1688_capture_sent_by_the_extension_is_acked_parsed_and_kept_under_the_1688_adapter(client, service):
    from companion.store.models import PurchaseOrder, RawCapture, SettlementLine

    msg = {"type": "capture", "id": "cap-1688-ws", "site": "1688", "kind": "json",
           "url": "https://trade.1688.com/order/buyer_order_list.htm", "captured_at": "2025-10-08T02:00:00Z",
           "payload": {"request": {"method": "GET", "url": LIST_URL + "?_aop_signature=SIG", "body": None},
                       "status": 200, "body": LIST_BODY}}
    ws = await ext_ws(client)
    await ws.send_json(msg)
    ack = await ws.receive_json(timeout=30)
    assert ack == {"type": "ack", "id": "cap-1688-ws", "added": 2, "updated": 0, "skipped": 0, "outcome": "parsed"}
    stored = await service.read(lambda: {p.order_no: p.status for p in PurchaseOrder.select()})
    assert stored == {"3312345678901234567": "shipped", "3312345678901234569": "refunded"}  # the list's two orders
    raw = await service.read(lambda: RawCapture.get(RawCapture.capture_id == "cap-1688-ws"))
    assert (raw.site, raw.adapter, raw.parser_version, raw.outcome) == ("1688", "alibaba1688.trade_info", 1, "parsed")
    assert await service.read(lambda: SettlementLine.select().count()) == 0

"""Temu exports: PO明细账单, po聚合账单, 待处理款项, 财务明细 (semi- and fully-managed), 账务明细. Every category to
the cent, each line adding up to what the platform says it paid, keys, statuses, stores and times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources.cells import MangledId
from companion.sources.model import IN_TRANSIT, NET, SETTLED, SKU_SPLIT, SPLIT, SourceError, StoreRef
from tests.support.tables import (
    PENDING_HEADER,
    PENDING_ROWS,
    categories_match_settlement,
    csv_bytes,
    file_src,
    parse,
    totals,
    us_workbook,
    xlsx,
)
from tests.support.tables import US_NAME as TIKTOK_NAME

D = Decimal
SEMI = StoreRef("temu", "我的店", "", "Temu 我的店", "USD", "Asia/Shanghai")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------- PO明细账单
PO_BANNER = [["结算数据-已到账款项-PO明细账单"], ["导出时间: 2025-10-02 09:00:00"]]
PO_HEADER = [
    ["结算流水ID", "批次号", "PO单号", "单据号", "交易类型", "结算金额 ", "商品信息 * 销售件数", "", "", "", "", "",
     "币种", "总申报价格", "单品优惠券金额", "店铺满减券优惠金额", "申报价格折扣金额", "活动运费主动减免金额",
     "到账时间（GMT+8）", "备注"],
    ["", "", "", "", "", "", "SKU ID", "SKU名称", "SKU货号", "件数", "申报价格", "是否活动价"],
]


def po_row(flow, batch, po, doc, kind, amount, sku="", name="", msku="", qty="", price="", promo="", total="",
           item="0", shop="0", declared="0", waiver="0", when="2025-09-05 10:00:00", remark="") -> list:
    return [flow, batch, po, doc, kind, amount, sku, name, msku, qty, price, promo, "USD", total, item, shop,
            declared, waiver, when, remark]


PO_ROWS = [
    po_row("F001", "B01", "PO-211-001", "D001", "销售回款", D("18.50"), "17290000000000001", "Mug", "MUG-RED", "2",
           D("11.00"), "是", D("22.00"), item=D("1.50"), shop=D("1.00"), declared=D("1.00")),
    po_row("F002", "B01", "PO-211-001", "D001", "运费回款", D("2.49"), total=D("2.99"), item="--", shop="/",
           declared="", waiver=D("0.50")),
    po_row("F003", "B02", "PO-211-002", "D002", "销售冲回", D("-9.00"), "17290000000000002", "Cup", "CUP-1", "1",
           D("10.00"), "否", D("-10.00"), item=D("1.00"), when="2025-09-20 08:30:00", remark="退款"),
    po_row("F004", "B02", "PO-211-002", "D002", "运费冲回", D("-2.99"), total=D("-2.99"), when="2025-09-20 08:30:00"),
    po_row("F005", "B02", "PO-211-003", "D003", "补贴回款", D("1.20"), when="2025-09-20 08:30:00"),
    po_row("F006", "B03", "PO-211-004", "D004", "销售回款", D("30.00"), "17290000000000003", "Bowl", "BOWL-9", "3",
           D("10.00"), "否", D("30.00"), when="2025-10-01 00:05:00"),
]
PO_TOTAL_ROW = ["合计", "", "", "", "", D("40.20")]
PO_EXPECTED = {
    "sales": D("52.00"), "buyer_shipping": D("2.99"), "income_refund": D("-10.00"), "fee_refund": D("-2.99"),
    "promo_discount": D("-3.00"), "other_income": D("1.20"), "settlement_amount": D("40.20"),
}
PO_NAME = "Temu半托管_我的店_PO明细账单_2025-09"


@pytest.mark.parametrize("name, content", [
    (f"{PO_NAME}.xlsx", xlsx({"Sheet1": [*PO_BANNER, *PO_HEADER, *PO_ROWS, PO_TOTAL_ROW]}, wrong_dimension=True)),
    (f"{PO_NAME}.csv", csv_bytes([*PO_HEADER, *PO_ROWS, PO_TOTAL_ROW])),
    (f"{PO_NAME}.csv", csv_bytes([*PO_BANNER, *PO_HEADER, *PO_ROWS], encoding="gb18030")),
    (f"{PO_NAME}.csv", csv_bytes([*PO_HEADER, *PO_ROWS, PO_ROWS[0]])),  # a repeated flow: one line
])
def test_po_detail_every_category_to_the_cent(name, content):
    result = parse(name, content)
    assert (result.adapter, result.report_type) == ("temu.po_detail", "po_detail")
    assert totals(result) == PO_EXPECTED
    categories_match_settlement(result)
    assert {line.key for line in result.lines} == {("po", f"F00{n}") for n in range(1, 7)}
    assert {line.store for line in result.lines} == {SEMI}
    sale = result.lines[0]
    assert (sale.status, sale.detail, sale.reference, sale.order_id, sale.statement_id) == (
        SETTLED, SKU_SPLIT, "PO-211-001", "PO-211-001", "B01")
    assert (sale.sku_id, sale.sku_name, sale.msku, sale.quantity) == ("17290000000000001", "Mug", "MUG-RED", 2)
    assert sale.settled_time == utc(2025, 9, 5, 2, 0)  # GMT+8
    assert sale.amounts == {"sales": D("22.00"), "promo_discount": D("-3.50")}
    fields = [(f.name, f.amount, f.category, f.unmapped) for f in sale.fields]
    assert ("结算金额", D("18.50"), "sales", False) in fields
    assert ("单品优惠券金额", D("1.50"), "sales", False) in fields
    assert ("单品优惠券金额", D("-1.50"), "promo_discount", False) in fields
    assert ("总申报价格", D("22.00"), None, False) in fields  # a subtotal of the parts: never counted again
    assert sale.extra["单据号"] == "D001" and sale.extra["是否活动价"] == "是"
    refund = next(line for line in result.lines if line.txn_type == "销售冲回")
    assert refund.amounts == {"income_refund": D("-10.00"), "promo_discount": D("1.00")}
    assert refund.extra["备注"] == "退款"
    unknown = next(line for line in result.lines if line.txn_type == "补贴回款")
    assert [(f.category, f.unmapped) for f in unknown.fields] == [("other_income", True)]


def test_ids_mangled_by_a_spreadsheet_are_refused_not_guessed():
    rows = [list(r) for r in PO_ROWS]
    rows[2][6] = "1.729E+16"
    with pytest.raises(MangledId, match=r"row 5: SKU ID '1.729E\+16' was turned into a number"):
        parse(f"{PO_NAME}.csv", csv_bytes([*PO_HEADER, *rows]))
    rows = [list(r) for r in PO_ROWS]
    rows[0][2] = 1.7290000000000001e18  # a PO number typed as a number
    with pytest.raises(MangledId, match="PO单号"):
        parse(f"{PO_NAME}.xlsx", xlsx({"Sheet1": [*PO_HEADER, *rows]}))


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.__setitem__(12, ""), r"row 3: the 币种 column is empty"),
    (lambda r: r.__setitem__(18, ""), r"row 3: a settled row needs its 到账时间"),
    (lambda r: r.__setitem__(5, "12,x"), r"row 3: '12,x' is not an amount"),
    (lambda r: r.__setitem__(18, "yesterday"), r"row 3: time 'yesterday' is not a date"),
])
def test_bad_rows_name_the_file_sheet_and_row(mutate, message):
    rows = [list(r) for r in PO_ROWS]
    mutate(rows[0])
    with pytest.raises(SourceError, match=rf"^{PO_NAME}\.csv: sheet '{PO_NAME}', {message}"):
        parse(f"{PO_NAME}.csv", csv_bytes([*PO_HEADER, *rows]))


def test_a_file_without_a_store_goes_to_the_one_store_it_can_belong_to():
    content = csv_bytes([*PO_HEADER, *PO_ROWS])
    assert parse("SettledFlow.csv", content).lines[0].store == \
        StoreRef("temu", "Temu", "", "Temu", "USD", "Asia/Shanghai")
    mine = StoreRef("temu", "我的店", "", "Temu 我的店", "USD", "Asia/Shanghai")
    assert parse("SettledFlow.csv", content, stores=(mine,)).lines[0].store == mine
    with pytest.raises(SourceError, match=r"there are 2 Temu stores \(Temu 我的店, Temu 旗舰店\)"):
        parse("SettledFlow.csv", content, stores=(mine, StoreRef("temu", "旗舰店", "", "Temu 旗舰店")))
    result = parse("SettledFlow.csv", content, account="Temu EU")
    assert result.lines[0].store == StoreRef("temu", "Temu EU", "", "Temu EU", "USD", "Asia/Shanghai")


# ---------------------------------------------------------------------------------------- po聚合账单 / 待处理款项
PARENT_HEADER = [
    ["PO单号", "商品信息 * 销售件数", "", "", "", "", "", "币种", "销售回款", "销售回款已减优惠", "销售冲回",
     "运费回款", "运费回款已减优惠", "运费冲回"],
    ["", "SKU ID", "SKU名称", "SKU货号", "件数", "申报价格", "是否活动价"],
]
PARENT_ROWS = [
    ["PO-211-001", "17290000000000001", "Mug", "MUG-RED", "2", "11.00", "是", "USD", "18.50", "3.50", "0", "2.49",
     "0.50", "0"],
    ["PO-211-002", "17290000000000002", "Cup", "CUP-1", "1", "10.00", "否", "USD", "0", "0", "9.00", "0", "0", "2.99"],
    ["", "17290000000000005", "Cup lid", "LID-1", "1", "2.00", "否"],
    ["PO-211-004", "17290000000000003", "Bowl", "BOWL-9", "3", "10.00", "否", "USD", "30.00", "--", "/", "0", "", ""],
    ["合计", "", "", "", "", "", "", "", "48.50", "3.50", "9.00", "2.49", "0.50", "2.99"],
]


@pytest.mark.parametrize("name", ["Temu半托管_我的店_po聚合账单_2025-09.xlsx", "Temu半托管_我的店_已到账_2025-09.xlsx"])
def test_po_aggregate_with_continuation_skus(name):
    result = parse(name, xlsx({"Sheet1": [*PARENT_HEADER, *PARENT_ROWS]}, wrong_dimension=True))
    assert (result.adapter, result.report_type) == ("temu.po_aggregate", "po_aggregate")
    assert totals(result) == {"sales": D("52.00"), "promo_discount": D("-4.00"), "buyer_shipping": D("2.99"),
                              "income_refund": D("-9.00"), "fee_refund": D("-2.99"), "settlement_amount": D("39.00")}
    categories_match_settlement(result)
    first, second, third = result.lines
    assert first.key == ("po_aggregate", "2025-09", "PO-211-001")
    assert (first.status, first.detail, first.reference) == (SETTLED, SPLIT, "PO-211-001")
    # No 到账时间 in this report: the month of the file, marked approximate.
    assert first.settled_time == utc(2025, 8, 31, 16, 0) and first.settled_time_approx
    assert (first.sku_id, first.msku, first.quantity) == ("17290000000000001", "MUG-RED", 2)
    assert second.amounts == {"income_refund": D("-9.00"), "fee_refund": D("-2.99")}  # written positive: money out
    assert (second.sku_id, second.quantity) == (None, 2)
    assert second.extra["SKUs"] == "17290000000000002 CUP-1 x1; 17290000000000005 LID-1 x1"
    assert third.amounts == {"sales": D("30.00")}


PENDING_TOTAL = ["合计", "", "", "", "", "", "36.00", "1.00", "-12.00", "3.99", "0", "0"]
PENDING_EXPECTED = {"sales": D("37.00"), "promo_discount": D("-1.00"), "buyer_shipping": D("3.99"),
                    "income_refund": D("-12.00"), "settlement_amount": D("27.99")}


@pytest.mark.parametrize("name, content", [
    ("Temu半托管_我的店_待处理款项_2025-10.xlsx", xlsx({"Sheet1": [*PENDING_HEADER, *PENDING_ROWS, PENDING_TOTAL]})),
    ("Temu半托管_我的店_UnsettleFlow_2025-10.csv", csv_bytes([*PENDING_HEADER, *PENDING_ROWS, PENDING_TOTAL])),
    # Named neither way: the pending layout has no 是否活动价 / SKU货号 under its header.
    ("Temu半托管_我的店_结算数据_2025-10.csv", csv_bytes([*PENDING_HEADER, *PENDING_ROWS, PENDING_TOTAL])),
])
def test_pending_is_in_transit_with_its_stated_total(name, content):
    result = parse(name, content)
    assert (result.adapter, result.report_type) == ("temu.pending", "pending")
    assert totals(result) == PENDING_EXPECTED
    categories_match_settlement(result)
    lamp, vase = result.lines
    assert lamp.key == ("pending", "PO-211-101") and vase.key == ("pending", "PO-211-102")
    assert (lamp.status, lamp.detail, lamp.reference, lamp.settled_time) == (IN_TRANSIT, SPLIT, "PO-211-101", None)
    assert lamp.quantity == 3 and lamp.amounts == {"sales": D("25.00"), "promo_discount": D("-1.00"),
                                                   "buyer_shipping": D("3.99")}
    assert vase.amounts == {"sales": D("12.00"), "income_refund": D("-12.00")}  # written negative: kept
    [stated] = result.totals
    assert (stated.kind, stated.amount, stated.currency, stated.store) == ("on_hold", D("27.99"), "USD", SEMI)


def test_aggregate_named_neither_way_is_told_by_its_header():
    result = parse("Temu半托管_我的店_结算数据_2025-09.csv", csv_bytes([*PARENT_HEADER, *PARENT_ROWS]))
    assert result.adapter == "temu.po_aggregate"


# --------------------------------------------------------------------------------------- 财务明细, semi-managed
def semi_fund_workbook(wrong_dimension: bool = False) -> bytes:
    return xlsx({
        "结算-交易收入": [
            ["财务明细 结算-交易收入"],
            ["订单编号", "SKU ID", "SKU货号", "销售数量", "交易收入", "单品券优惠金额", "店铺满减券优惠金额",
             "申报价格折扣金额", "币种", "账务时间 "],
            ["PO-211-001", "17290000000000001", "MUG-RED", 2, D("18.50"), D("1.50"), D("1.00"), D("1.00"), "USD",
             "2025-09-05 10:00:00"],
            ["PO-211-004", "17290000000000003", "BOWL-9", 3, D("30.00"), 0, "/", "--", "USD", "2025-10-01 00:05:00"],
            ["合计", "", "", 5, D("48.50"), D("1.50"), D("1.00"), D("1.00")],
        ],
        "结算-售后退款": [
            ["订单编号", "售后退款金额", "单品券售后退款金额", "店铺满减券售后退款金额", "申报价格折扣售后退款金额",
             "币种", "账务时间"],
            ["PO-211-002", D("9.00"), D("1.00"), 0, 0, "USD", "2025-09-20 08:30:00"],  # money out written positive
        ],
        "结算-运费收入": [
            ["订单编号", "运费收入", "订单运费-基础运费收入", "订单运费-签名服务费收入", "币种", "账务时间"],
            ["PO-211-001", D("2.99"), D("2.49"), D("0.50"), "USD", "2025-09-05 10:00:00"],
        ],
        "结算-运费退款": [
            ["订单编号", "运费退款", "订单运费-基础运费退款", "订单运费-签名服务费退款", "币种", "账务时间"],
            ["PO-211-002", D("-2.99"), D("-2.99"), 0, "USD", "2025-09-20 08:30:00"],  # written negative: kept
        ],
        "支出-履约违规-1": [
            ["违规编号", "订单编号", "违规类型", "支出金额", "币种", "账务时间"],
            ["V001", "PO-211-005", "延迟发货", D("5.00"), "USD", "2025-09-10 12:00:00"],
            ["V001", "PO-211-005", "延迟发货", D("5.00"), "USD", "2025-09-10 12:00:00"],  # an exact repeat: twice
            ["V002", "PO-211-006", "虚假发货", D("20.00"), "USD", "2025-09-11 12:00:00"],
            ["总计", "", "", D("30.00")],
        ],
        "支出-买家拒付": [["违规单号", "支出金额（元）", "币种", "账务时间"], ["C001", "15.00", "USD", "2025-09-12"]],
        "支出-欺诈发货": [["订单编号", "支出金额", "币种", "账务时间"], ["PO-211-007", "50.00", "USD", "2025-09-13"]],
        "支出-消费者和解": [["订单编号", "支出金额", "币种", "账务时间"], ["PO-211-008", "3.00", "USD", "2025-09-14"]],
        "支出-税金代扣": [
            ["订单编号", "代扣运费税", "代扣运费税退回", "币种", "账务时间"],
            ["PO-211-001", D("0.30"), D("0.10"), "USD", "2025-09-06 00:00:00"],
        ],
        "支出-神秘费用": [["订单编号", "支出金额", "币种", "账务时间"], ["PO-211-009", "1.11", "USD", "2025-09-15"]],
        "说明": [["本报表仅供参考"]],
    }, wrong_dimension=wrong_dimension)


SEMI_FUND_EXPECTED = {
    "sales": D("52.00"), "promo_discount": D("-2.50"), "income_refund": D("-10.00"), "buyer_shipping": D("2.99"),
    "fee_refund": D("-2.99"), "penalty": D("-98.00"), "platform_logistics": D("-0.20"),
    "other_platform_fee": D("-1.11"), "settlement_amount": D("-59.81"),
}


@pytest.mark.parametrize("wrong_dimension", [False, True])
def test_semi_managed_fund_detail_sheets(wrong_dimension):
    result = parse("Temu半托管_我的店_财务明细_2025-09.xlsx", semi_fund_workbook(wrong_dimension))
    assert (result.adapter, result.report_type) == ("temu.fund_detail", "fund_detail")
    assert totals(result) == SEMI_FUND_EXPECTED
    categories_match_settlement(result)
    assert result.stated == {"skipped_sheets": ["说明"]}
    assert len(result.lines) == 13 and len({line.key for line in result.lines}) == 13
    assert {line.store for line in result.lines} == {SEMI}
    sale = result.lines[0]
    assert sale.key == ("fund", "2025-09-05T02:00:00Z", "交易收入", "PO-211-001", "18.50", "0")
    assert (sale.status, sale.detail, sale.reference, sale.order_id) == (SETTLED, NET, "PO-211-001", "PO-211-001")
    assert (sale.sku_id, sale.msku, sale.quantity, sale.settled_time) == (
        "17290000000000001", "MUG-RED", 2, utc(2025, 9, 5, 2))
    assert sale.amounts == {"sales": D("22.00"), "promo_discount": D("-3.50")}
    refund = next(line for line in result.lines if line.txn_type == "结算-售后退款")
    assert refund.settlement_amount == D("-9.00")
    assert refund.amounts == {"income_refund": D("-10.00"), "promo_discount": D("1.00")}
    shipping = next(line for line in result.lines if line.txn_type == "结算-运费收入")
    assert [(f.name, f.category) for f in shipping.fields] == [
        ("订单运费-基础运费收入", "buyer_shipping"), ("订单运费-签名服务费收入", "buyer_shipping"), ("运费收入", None)]
    penalties = [line for line in result.lines if line.txn_type == "支出-履约违规-1"]
    assert [line.key[-1] for line in penalties] == ["0", "1", "0"]  # exact repeats are told apart, both counted
    assert penalties[0].key == ("fund", "2025-09-10T04:00:00Z", "履约违规", "PO-211-005", "-5.00", "0")
    assert (penalties[0].reference, penalties[0].order_id) == (None, "PO-211-005")  # never superseded by a PO
    assert penalties[0].extra == {"违规类型": "延迟发货", "违规编号": "V001"}
    mystery = next(line for line in result.lines if line.txn_type == "支出-神秘费用")
    assert [(f.amount, f.category, f.unmapped) for f in mystery.fields] == [(D("-1.11"), "other_platform_fee", True)]


ACCOUNT_HEADER = ["账务时间", "账务类型 ", "币种", "收支金额", "备注", "订单编号"]
ACCOUNT_ROWS = [
    ["2025-09-03 09:00:00", "发货面单费", "USD", "-3.50", "", "PO-211-001"],
    ["2025-09-03 09:00:00", "发货面单费调整", "USD", "0.50", "", "PO-211-001"],
    ["2025-09-04", "售后运费结算-上门取件费", "USD", "-2.00", "", ""],
    ["2025-09-04", "发货履约保障-未能发货", "USD", "-6.00", "", "PO-211-010"],
    ["2025-09-05", "广告服务费", "USD", "-10.00", "推广", ""],
    ["2025-09-05", "在线下单活动补贴", "USD", "1.50", "", ""],
    ["2025-09-06", "售后非商责赔付", "USD", "-4.00", "", ""],
    ["2025-09-06", "退货面单费", "USD", "-5.00", "", ""],
    ["2025-09-06", "退货面单费调整", "USD", "1.00", "", ""],
    ["2025-09-07", "发货履约保障-延迟到货", "USD", "-7.00", "", "PO-211-011"],
    ["2025-09-08", "提现", "USD", "-100.00", "提现到银行卡", ""],
    ["2025-09-09", "新奇费用", "USD", "-0.99", "", ""],
    ["2025-09-09", "奖励金", "USD", "0.80", "", ""],
    ["2025-09-09", "广告服务费", "USD", "--", "", ""],
]
ACCOUNT_EXPECTED = {"platform_logistics": D("-3.00"), "other_platform_fee": D("-25.49"), "penalty": D("-7.00"),
                    "other_income": D("0.80"), "settlement_amount": D("-34.69")}


@pytest.mark.parametrize("content", [
    xlsx({"账务明细": [ACCOUNT_HEADER, *ACCOUNT_ROWS, ["合计"]]}),
    csv_bytes([ACCOUNT_HEADER, *ACCOUNT_ROWS], encoding="gb18030"),
])
def test_semi_managed_account_detail_list(content):
    name = "Temu半托管_我的店_账务明细_2025-09." + ("xlsx" if content[:2] == b"PK" else "csv")
    result = parse(name, content)
    assert (result.adapter, result.report_type) == ("temu.fund_detail", "account_detail")
    assert totals(result) == ACCOUNT_EXPECTED
    categories_match_settlement(result)
    assert len(result.lines) == len(ACCOUNT_ROWS)
    by_type = {line.txn_type: line for line in result.lines}
    assert by_type["售后运费结算-上门取件费"].amounts == {"other_platform_fee": D("-2.00")}
    assert by_type["发货履约保障-延迟到货"].amounts == {"penalty": D("-7.00")}
    withdrawal = by_type["提现"]
    assert withdrawal.amounts == {} and withdrawal.settlement_amount == 0  # kept, never counted
    assert withdrawal.key == ("fund", "2025-09-07T16:00:00Z", "提现", "", "-100.00", "0")
    assert [(f.amount, f.category) for f in withdrawal.fields] == [(D("-100.00"), None)]
    assert [(f.category, f.unmapped) for f in by_type["新奇费用"].fields] == [("other_platform_fee", True)]
    assert [(f.category, f.unmapped) for f in by_type["奖励金"].fields] == [("other_income", True)]
    ads, zero = [line for line in result.lines if line.txn_type == "广告服务费"]
    assert ads.extra == {"备注": "推广"}
    assert (zero.amounts, zero.key[4]) == ({}, "0.00")  # "--" is zero: kept, counts nothing


# ---------------------------------------------------------------------------------------- 财务明细, fully-managed
def full_fund_workbook() -> bytes:
    def fee(amount, header="支出金额", when="2025-09-20 10:00:00"):
        return [["订单编号", header, "币种", "账务时间"], ["", amount, "CNY", when], ["合计", amount]]

    return xlsx({
        "结算-交易收入": [
            ["订单编号", "SKU ID", "SKU货号", "销售数量", "交易收入", "收入金额", "单品券优惠金额", "币种", "账务时间"],
            ["211-10001", "50000001", "FM-1", 10, D("95.00"), D("100.00"), D("5.00"), "CNY", "2025-09-02 10:00:00"],
            ["211-10002", "50000002", "FM-2", 4, D("40.00"), D("40.00"), 0, "CNY", "2025-09-02 11:00:00"],
        ],
        "结算-售后退款": [
            ["订单编号", "退款金额", "消费者退款金额", "非商责平台售后补贴金额", "币种", "账务时间"],
            ["211-10001", D("-8.00"), D("-10.00"), D("2.00"), "CNY", "2025-09-10 10:00:00"],
        ],
        "支出-技术服务费": [["订单编号", "支出金额", "币种", "账务时间"],
                       ["211-10001", D("2.50"), "CNY", "2025-09-02 10:00:00"]],
        "其他-售后运费结算": fee(D("-1.20"), "收支金额"),
        "账户-税金退回": fee(D("0.60"), "收支金额"),
        "支出-消费者及履约保障-售后问题": [
            ["违规ID", "货品名称", "SKU", "", "", "赔付金额", "币种", "账务时间"],
            ["", "", "SKU ID", "SKU货号", "SKU属性", "", "", ""],
            ["W001", "杯子", "50000001", "FM-1", "红色", D("12.00"), "CNY", "2025-09-15 10:00:00"],
        ],
        "支出-备货违规-延迟发货": [["备货单号", "支出金额", "币种", "账务时间"],
                           ["WB001", D("30.00"), "CNY", "2025-09-16"]],
        "支出-质量事故违规": fee(D("8.00")),
        "支出-仓储综合服务费": fee(D("20.00")),
        "支出-仓储增值服务-贴标费": [["SKU ID", "SKU货号", "支出金额", "币种", "账务时间"],
                            ["50000002", "FM-2", D("3.00"), "CNY", "2025-09-21"]],
        "其他-非商责平台售后补贴调整": fee(D("-1.50"), "收支金额"),
        "支出-商品环保费(已扣费)": fee(D("0.70")),
        "结算-商品环保费(已退费)": fee(D("0.20"), "收支金额"),
        "支出-物流包装环保费(已扣费)": fee(D("0.40")),
        "结算-物流包装环保费（已退费）": fee(D("0.10"), "收支金额"),
        "支出-代付服务费(已扣费)": fee(D("0.30")),
    })


def test_fully_managed_fund_detail_every_sheet_of_seed_two():
    result = parse("Temu全托管_旗舰店_财务明细_2025-09.xlsx", full_fund_workbook())
    assert (result.adapter, result.report_type) == ("temu.fund_detail", "fund_detail")
    assert totals(result) == {
        "sales": D("140.00"), "promo_discount": D("-5.00"), "income_refund": D("-10.00"), "subsidy": D("2.00"),
        "platform_fee": D("-2.50"), "other_platform_fee": D("-2.60"), "platform_logistics": D("0.60"),
        "penalty": D("-50.00"), "storage_fee": D("-23.00"), "adjustment": D("-1.50"), "fee_refund": D("0.30"),
        "settlement_amount": D("48.30"),
    }
    categories_match_settlement(result)
    store = result.lines[0].store
    assert store == StoreRef("temu", "旗舰店", "", "Temu 旗舰店", "CNY", "Asia/Shanghai")
    sale = result.lines[0]
    assert sale.amounts == {"sales": D("100.00"), "promo_discount": D("-5.00")}
    assert (sale.quantity, sale.sku_id, sale.msku) == (10, "50000001", "FM-1")
    assert ("交易收入", D("95.00"), None, False) in [tuple(f) for f in sale.fields]  # the stated total
    by_type = {line.txn_type: line for line in result.lines}
    refund = by_type["结算-售后退款"]
    assert refund.amounts == {"income_refund": D("-10.00"), "subsidy": D("2.00")}
    unmapped = {t: [f.unmapped for f in by_type[t].fields] for t in ("支出-技术服务费", "其他-售后运费结算",
                                                                      "账户-税金退回", "支出-仓储综合服务费")}
    assert unmapped == {"支出-技术服务费": [True], "其他-售后运费结算": [True], "账户-税金退回": [True],
                        "支出-仓储综合服务费": [False]}
    issue = by_type["支出-消费者及履约保障-售后问题"]
    assert (issue.sku_id, issue.msku, issue.amounts) == ("50000001", "FM-1", {"penalty": D("-12.00")})
    assert (issue.sku_name, issue.extra) == ("杯子", {"SKU属性": "红色", "违规ID": "W001"})
    assert by_type["结算-物流包装环保费（已退费）"].amounts == {"fee_refund": D("0.10")}


def test_a_list_sheet_leaves_kinds_with_their_own_sheet_to_it():
    book = xlsx({
        "账务明细列表": [["账务时间", "账务类型", "币种", "收支金额"],
                   ["2025-09-21 00:00:00", "仓储增值服务-贴标费", "CNY", "-3.00"],
                   ["2025-09-20 10:00:00", "仓储综合服务费", "CNY", "-20.00"]],
        "支出-仓储增值服务-贴标费": [["SKU ID", "SKU货号", "支出金额", "币种", "账务时间"],
                            ["50000002", "FM-2", D("1.00"), "CNY", "2025-09-21"],
                            ["50000003", "FM-3", D("2.00"), "CNY", "2025-09-21"]],
    })
    result = parse("Temu全托管_旗舰店_账务明细_2025-09.xlsx", book)
    assert totals(result) == {"storage_fee": D("-23.00"), "settlement_amount": D("-23.00")}
    assert result.stated == {"left_to_their_sheets": 1}
    assert sorted(line.sku_id or "" for line in result.lines) == ["", "50000002", "50000003"]


def test_fund_rows_without_time_or_currency_are_errors():
    book = xlsx({"支出-买家拒付": [["违规单号", "支出金额", "币种", "账务时间"], ["C001", "15.00", "USD", ""]]})
    with pytest.raises(SourceError, match=r"sheet '支出-买家拒付', row 2: the row has an amount but no 账务时间"):
        parse("Temu半托管_我的店_财务明细_2025-09.xlsx", book)
    book = xlsx({"支出-买家拒付": [["违规单号", "支出金额", "币种", "账务时间"], ["C001", "15.00", "", "2025-09-01"]]})
    with pytest.raises(SourceError, match=r"row 2: the 币种 column is empty"):
        parse("Temu半托管_我的店_财务明细_2025-09.xlsx", book)


# ------------------------------------------------------------------------------------------ who claims what
def test_each_layout_has_exactly_its_adapter():
    from companion.sources import registry

    cases = {
        f"{PO_NAME}.xlsx": (xlsx({"S": [*PO_HEADER, *PO_ROWS]}), "temu.po_detail"),
        "Temu半托管_我的店_po聚合账单_2025-09.xlsx": (xlsx({"S": [*PARENT_HEADER, *PARENT_ROWS]}), "temu.po_aggregate"),
        "Temu半托管_我的店_待处理款项_2025-09.xlsx": (xlsx({"S": [*PENDING_HEADER, *PENDING_ROWS]}), "temu.pending"),
        "Temu半托管_我的店_财务明细_2025-09.xlsx": (semi_fund_workbook(), "temu.fund_detail"),
        f"{TIKTOK_NAME}.xlsx": (us_workbook(), "tiktok.order_details"),
        "notes.csv": (csv_bytes([["账务时间", "说明"], ["2025-09-01", "hello"]]), None),
    }
    for name, (content, expected) in cases.items():
        adapter = registry.detect(file_src(name, content))
        assert (adapter.name if adapter else None) == expected, name
    # A file named as another platform's report is left to that platform's adapters.
    shein_named = csv_bytes([ACCOUNT_HEADER, *ACCOUNT_ROWS])
    adapter = registry.detect(file_src("SHEIN平台模式_S1_收支明细_2025-09.csv", shein_named))
    assert adapter is None or not adapter.name.startswith("temu.")


# ------------------------------------------------------------------------------------ seed 002, row by row
@pytest.mark.parametrize("kind, category, mapped", [
    # ① 半托管: 财务明细 sheets
    ("结算-交易收入", "sales", True), ("结算-售后退款", "income_refund", True),
    ("结算-运费收入", "buyer_shipping", True), ("结算-运费退款", "fee_refund", True),
    ("支出-履约违规", "penalty", True), ("支出-买家拒付", "penalty", True),
    ("支出-欺诈发货", "penalty", True), ("支出-消费者和解", "penalty", True),
    ("支出-税金代扣", "platform_logistics", True),
    # ① 半托管: 账务明细 types
    ("发货面单费", "platform_logistics", True), ("发货面单费调整", "platform_logistics", True),
    ("售后运费结算-上门取件费", "other_platform_fee", True), ("发货履约保障-未能发货", "other_platform_fee", True),
    ("广告服务费", "other_platform_fee", True), ("在线下单活动补贴", "other_platform_fee", True),
    ("售后非商责赔付", "other_platform_fee", True), ("退货面单费", "other_platform_fee", True),
    ("退货面单费调整", "other_platform_fee", True), ("发货履约保障-延迟到货", "penalty", True),
    ("发货履约保障-虚假发货", "penalty", True),
    # ② 全托管
    ("消费者及履约保障-售后问题", "penalty", True), ("备货违规-延迟发货", "penalty", True),
    ("备货违规-JIT质量问题", "penalty", True), ("质量事故违规", "penalty", True),
    ("仓储综合服务费", "storage_fee", True), ("仓储增值服务-贴标费", "storage_fee", True),
    ("非商责平台售后补贴调整", "adjustment", True), ("非商责平台售后补贴", "subsidy", True),
    ("商品环保费(已扣费)", "other_platform_fee", True), ("商品环保费-已退费", "fee_refund", True),
    ("物流包装环保费（已扣费）", "other_platform_fee", True), ("物流包装环保费(已退费)", "fee_refund", True),
    ("代付服务费(已扣费)", "other_platform_fee", True),
    # Not in the seed: the nearest category, flagged
    ("支出-技术服务费", "platform_fee", False), ("其他-售后运费结算", "other_platform_fee", False),
    ("账户-税金退回", "platform_logistics", False), ("消费者及履约保障-售后补寄", "penalty", False),
    ("其他-退货面单费平台承担", "other_platform_fee", False), ("支出-处置费", "other_platform_fee", False),
    ("支出-新费用", "", False), ("提现", None, True),
])
def test_every_kind_the_seed_names(kind, category, mapped):
    from companion.sources.temu.funds import kind_of

    found = kind_of(kind)
    assert (found.category, found.mapped) == (category, mapped)


def test_supersession_keeps_the_most_detailed_view_of_an_order():
    """The store's own rule (supersession.replaces) over the lines these reports give one PO."""
    from companion.store.supersession import replaces

    def view(result, ref):
        return [(line.key, line.key[0], line.detail, line.status, line.statement_id) for line in result.lines
                if line.reference == ref]

    detail = view(parse(f"{PO_NAME}.csv", csv_bytes([*PO_HEADER, *PO_ROWS])), "PO-211-001")
    aggregate = view(parse("Temu半托管_我的店_po聚合账单_2025-09.csv", csv_bytes([*PARENT_HEADER, *PARENT_ROWS])),
                     "PO-211-001")
    fund = view(parse("Temu半托管_我的店_财务明细_2025-09.xlsx", semi_fund_workbook()), "PO-211-001")
    pending = (("pending", "PO-211-001"), "pending", SPLIT, IN_TRANSIT, None)
    assert len(detail) == 2 and len(aggregate) == 1 and len(fund) == 2  # 交易收入 + 运费收入; 税金代扣 has none
    for weaker in (*aggregate, *fund, pending):
        assert any(replaces(b, weaker) for b in detail), weaker
    assert not any(replaces(weaker, b) for weaker in (*aggregate, *fund, pending) for b in detail)
    assert not any(replaces(a, b) for a in detail for b in detail)  # one family never supersedes itself
    assert replaces(aggregate[0], fund[0]) and replaces(fund[0], pending)


def test_an_account_workbook_with_a_settlement_sheet_reads_both():
    """The semi-managed 账务明细 download also carries a 结算 sheet in the PO明细账单 layout."""
    book = xlsx({
        "结算": [*PO_HEADER, *PO_ROWS[:2]],
        "支出-买家拒付": [["违规单号", "支出金额", "币种", "账务时间"], ["C001", D("15.00"), "USD", "2025-09-12"]],
    })
    result = parse("对账中心-账务明细FundDetail-65bf.xlsx", book, account="我的店")
    assert (result.adapter, result.report_type) == ("temu.fund_detail", "fund_detail")
    assert [line.key[0] for line in result.lines] == ["po", "po", "fund"]
    assert totals(result) == {"sales": D("22.00"), "promo_discount": D("-4.00"), "buyer_shipping": D("2.99"),
                              "penalty": D("-15.00"), "settlement_amount": D("5.99")}
    categories_match_settlement(result)

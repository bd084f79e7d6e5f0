"""Temu as real sellers' files have it (reference/real-layouts.md): the 对账中心 workbook whose rows list their SKUs
in one `sku明细` cell, the 发货面单费 and 退货面单费 label reports, and the export of a store with no bills. Every
category to the cent, each line adding up to what the platform pays for it, quantities, keys; re-import adds
nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources.model import NET, SETTLED, SPLIT, SourceError, StoreRef
from companion.sources.temu.funds import SkuPart, sku_parts
from tests.support.app import import_files, upload
from tests.support.daemon import cli
from tests.support.tables import US_NAME, categories_match_settlement, parse, totals, us_workbook, xlsx

D = Decimal
STORE = StoreRef("temu", "我的店", "", "我的店", "USD", "Asia/Shanghai")  # --account 我的店, a new store
SKU_HEADER = "sku明细（SKU ID_SKU货号_SKU名称_SKU属性_销售数量）"
TWO_SKUS = "1622133303_A12-BLK_Resin mold_Black_1\n1622139999_B7_Mold_set_of_2_Blue_L_2"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# ------------------------------------------------------------------------------------------- 对账中心 workbook
def reconciliation_workbook(trade_rows: list | None = None) -> bytes:
    """对账中心-美国.xlsx: one sheet per kind; refunds, freight refunds and penalties written positive."""
    trade = trade_rows if trade_rows is not None else TRADE_ROWS
    return xlsx({
        "结算-交易收入": [
            ["订单编号", SKU_HEADER, "交易收入", "单品券优惠金额", "店铺满减券优惠金额", "申报价格折扣金额", "币种",
             "账务时间"],
            *trade,
            ["合计", "", D("76.00"), D("2.50"), D("0.50"), 0],
        ],
        "结算-售后退款": [
            ["订单编号", "sku明细", "售后退款金额", "单品券售后退款金额", "店铺满减券售后退款金额",
             "申报价格折扣售后退款金额", "币种", "账务时间"],
            ["PO-211-0001", "1622133303_A12-BLK_Resin mold_Black_1", D("9.00"), D("0.50"), 0, 0, "USD",
             "2025-03-12 09:00:00"],
            ["PO-211-0003", "/", D("5.00"), 0, 0, 0, "USD", "2025-03-13 09:00:00"],
        ],
        "结算-运费收入": [
            ["订单编号", "运费收入", "订单运费-基础运费收入", "订单运费-签名服务费收入", "币种", "账务时间"],
            ["PO-211-0001", D("2.99"), D("2.99"), 0, "USD", "2025-03-02 10:00:00"],
        ],
        "结算-运费退款": [
            ["订单编号", "运费退款", "订单运费-基础运费退款", "订单运费-签名服务费退款", "币种", "账务时间"],
            ["PO-211-0001", D("2.99"), D("2.99"), 0, "USD", "2025-03-12 09:00:00"],
        ],
        "支出-履约违规-1": [["违规编号", "订单编号", "支出金额", "币种", "账务时间"],
                        ["V001", "PO-211-0002", D("5.00"), "USD", "2025-03-20 08:00:00"]],
        "支出-履约违规-2": [["违规编号", "订单编号", "支出金额", "币种", "账务时间"],
                        ["V002", "PO-211-0004", D("10.00"), "USD", "2025-03-21 08:00:00"]],
        "支出-买家拒付": [["订单编号", "支出金额", "币种", "账务时间"],
                      ["PO-211-0003", D("12.00"), "USD", "2025-03-22 08:00:00"]],
    })


TRADE_ROWS = [
    ["PO-211-0001", "1622133303_A12-BLK_Resin mold_Black_3", D("27.00"), D("1.50"), 0, 0, "USD",
     "2025-03-02 10:00:00"],
    ["PO-211-0002", TWO_SKUS, D("20.00"), D("1.00"), D("0.50"), 0, "USD", "2025-03-03 10:00:00"],
    ["PO-211-0003", "/", D("5.00"), 0, 0, 0, "USD", "2025-03-04 10:00:00"],
    ["PO-211-0004", "1622150000_/_Widget_Red_1", D("8.00"), 0, 0, 0, "USD", "2025-03-05 10:00:00"],
    # Two orders of the same second, kind and amount: the PO number tells them apart.
    ["PO-211-0005", "1622150000_/_Widget_Red_1", D("8.00"), 0, 0, 0, "USD", "2025-03-06 10:00:00"],
    ["PO-211-0006", "1622150000_/_Widget_Red_1", D("8.00"), 0, 0, 0, "USD", "2025-03-06 10:00:00"],
]
RECONCILIATION_EXPECTED = {
    "sales": D("79.00"), "promo_discount": D("-2.50"), "income_refund": D("-14.50"), "buyer_shipping": D("2.99"),
    "fee_refund": D("-2.99"), "penalty": D("-27.00"), "settlement_amount": D("35.00"),
}


def money_of(result) -> dict:
    return {line.key: (line.order_id, line.sku_id, line.settlement_amount, line.amounts, line.quantity)
            for line in result.lines}


def test_reconciliation_center_gives_every_line_its_sku_and_quantity():
    result = parse("对账中心-美国.xlsx", reconciliation_workbook(), account="我的店")
    assert (result.adapter, result.report_type) == ("temu.fund_detail", "fund_detail")
    assert totals(result) == RECONCILIATION_EXPECTED
    categories_match_settlement(result)
    assert len(result.lines) == 14 and len({line.key for line in result.lines}) == 14
    assert {line.store for line in result.lines} == {STORE}
    sales = [line for line in result.lines if line.txn_type == "结算-交易收入"]
    assert sum(line.quantity for line in result.lines) == 9 == sum(line.quantity for line in sales)
    one = sales[0]
    assert one.key == ("fund", "2025-03-02T02:00:00Z", "交易收入", "PO-211-0001", "27.00", "0")
    assert (one.sku_id, one.msku, one.sku_name, one.quantity) == ("1622133303", "A12-BLK", "Resin mold_Black", 3)
    assert (one.status, one.detail, one.reference, one.order_id) == (SETTLED, NET, "PO-211-0001", "PO-211-0001")
    assert one.amounts == {"sales": D("28.50"), "promo_discount": D("-1.50")}
    assert SKU_HEADER not in one.extra  # read, not kept as text

    # Two SKUs in one cell: a line each, the row's money shared by quantity (1 : 2), the PO exact to the cent.
    first, second = (line for line in sales if line.order_id == "PO-211-0002")
    base = ("fund", "2025-03-03T02:00:00Z", "交易收入", "PO-211-0002", "20.00", "0")
    assert (first.key, second.key) == ((*base, "1622133303"), (*base, "1622139999"))
    assert (first.sku_id, first.msku, first.quantity) == ("1622133303", "A12-BLK", 1)
    assert (second.sku_id, second.msku, second.sku_name, second.quantity) == (
        "1622139999", "B7", "Mold_set_of_2_Blue_L", 2)
    assert (first.settlement_amount, first.amounts) == (D("6.67"), {"sales": D("7.17"), "promo_discount": D("-0.50")})
    assert (second.settlement_amount, second.amounts) == (
        D("13.33"), {"sales": D("14.33"), "promo_discount": D("-1.00")})
    assert [(f.name, f.amount, f.category) for f in first.fields] == [
        ("交易收入", D("6.67"), "sales"), ("单品券优惠金额", D("0.33"), "sales"),
        ("单品券优惠金额", D("-0.33"), "promo_discount"), ("店铺满减券优惠金额", D("0.17"), "sales"),
        ("店铺满减券优惠金额", D("-0.17"), "promo_discount")]
    assert first.extra["split"] == ("SKU 1 of 2 in the row's sku明细: 1 of 3 units; the row's 20.00 shared by "
                                    "quantity")

    no_sku = next(line for line in sales if line.order_id == "PO-211-0003")
    assert (no_sku.sku_id, no_sku.msku, no_sku.quantity, no_sku.amounts) == (None, None, 0, {"sales": D("5.00")})
    widget = next(line for line in sales if line.order_id == "PO-211-0004")
    assert (widget.sku_id, widget.msku, widget.sku_name, widget.quantity) == ("1622150000", None, "Widget_Red", 1)
    twins = [line.key for line in sales if line.order_id in ("PO-211-0005", "PO-211-0006")]
    assert twins == [("fund", "2025-03-06T02:00:00Z", "交易收入", po, "8.00", "0") for po in ("PO-211-0005",
                                                                                            "PO-211-0006")]

    # A refund names the units it takes back; units sold stay those of the sales (as SHEIN's refund rows).
    refund, plain = (line for line in result.lines if line.txn_type == "结算-售后退款")
    assert refund.key == ("fund", "2025-03-12T01:00:00Z", "售后退款", "PO-211-0001", "-9.00", "0")
    assert (refund.sku_id, refund.msku, refund.quantity, refund.extra["refund_quantity"]) == (
        "1622133303", "A12-BLK", 0, "1")
    assert (refund.settlement_amount, refund.amounts) == (
        D("-9.00"), {"income_refund": D("-9.50"), "promo_discount": D("0.50")})
    assert (plain.sku_id, plain.amounts, "refund_quantity" in plain.extra) == (None, {"income_refund": D("-5.00")},
                                                                               False)
    penalties = [line for line in result.lines if line.txn_type.startswith("支出-")]
    assert [(line.key[3], line.amounts) for line in penalties] == [
        ("PO-211-0002", {"penalty": D("-5.00")}), ("PO-211-0004", {"penalty": D("-10.00")}),
        ("PO-211-0003", {"penalty": D("-12.00")})]


def test_an_overlapping_export_listing_rows_in_another_order_gives_the_same_lines():
    """结算数据-美国.xlsx can hold the same rows as 对账中心-美国.xlsx: every row keeps its key."""
    first = parse("对账中心-美国.xlsx", reconciliation_workbook(), account="我的店")
    again = parse("结算数据-美国.xlsx", reconciliation_workbook(TRADE_ROWS[::-1]), account="我的店")
    assert money_of(again) == money_of(first)
    # An export holding only the second of two look-alike movements: its line is that order's, not the first's.
    later = parse("结算数据-美国.xlsx", reconciliation_workbook(TRADE_ROWS[5:]), account="我的店")
    assert money_of(later).items() <= money_of(first).items()


def test_a_sku_cell_is_split_from_both_ends():
    assert sku_parts("1622133303_A12-BLK_Resin mold_Black_3") == [
        SkuPart("1622133303", "A12-BLK", "Resin mold_Black", 3)]
    assert sku_parts(" 11_X__ _1\r\n22_/_a_b_c_d_4\n/\n11_X_again_2") == [
        SkuPart("11", "X", None, 3), SkuPart("22", None, "a_b_c_d", 4)]  # one SKU twice: one part
    assert sku_parts("/") == sku_parts("") == sku_parts(None) == []
    assert sku_parts("33__5") == [SkuPart("33", None, None, 5)]  # no 货号, name or attribute
    with pytest.raises(SourceError, match=r"^sku明细 '1622133303_3' is not SKU ID_SKU货号_SKU名称_SKU属性_销售数量$"):
        sku_parts("1622133303_3")
    with pytest.raises(SourceError, match=r"^sku明细 '16_A_B_C_x': quantity 'x' is not a whole number$"):
        sku_parts("16_A_B_C_x")


def test_a_bad_sku_cell_names_the_file_sheet_and_row():
    rows = [list(r) for r in TRADE_ROWS]
    rows[1][1] = "1622133303_A12-BLK_Resin mold_Black_1\n1622139999_B7_Mold_two"
    where = r"^对账中心-美国.xlsx: sheet '结算-交易收入', row 3: "
    with pytest.raises(SourceError, match=where + rf"{SKU_HEADER} '1622139999_B7_Mold_two': quantity 'two' is not a"):
        parse("对账中心-美国.xlsx", reconciliation_workbook(rows), account="我的店")


# ----------------------------------------------------------------------------------------- label-fee reports
SHIPPING = [
    ["Package Number", "Waybill Number", "Service Provider Code", "Bill Type", "Shipping Fee (Unit: Yuan)", "Currency",
     "Reconciliation Bill Status", "Expense/Refund Time (Time Zone: GMT+8)"],
    ["PK2503010001", "1Z999AA10123456784", "UPS", "支出", D("4.20"), "USD", "已对账", "2025-03-03 10:00:00"],
    ["PK2503010001", "1Z999AA10123456784", "UPS", "调整(支出)", D("0.80"), "USD", "已对账", "2025-03-05 11:00:00"],
    ["PK2503010001", "1Z999AA10123456784", "UPS", "调整(退款)", D("-1.00"), "USD", "已对账", "2025-03-06 12:00:00"],
    ["PK2503310002", "9400111899223344556677", "USPS", "支出", D("3.10"), "USD", "未对账", "2025-03-31 23:30:00"],
    ["PK2504010003", "9400111899223344556688", "USPS", "支出", D("3.10"), "USD", "未对账", "2025-04-01 00:10:00"],
]
RETURNS = [
    ["reconciliationId", "waybill sn", "parent orderSn", "deduct type desc", "seller currency", "freight charge",
     "deduct time"],
    [1013579275726.0, "RT9400100000000001", "PO-211-0001", "支出", "USD", D("6.50"), "2025-03-10 09:00:00"],
    [1013579275727, "RT9400100000000002", "PO-211-0002", "支出", "USD", D("5.25"), "2025-03-11 09:00:00"],
]


def test_shipping_labels_are_the_stores_logistics_expense():
    result = parse("发货面单费.xlsx", xlsx({"Sheet1": SHIPPING}), account="我的店")
    assert (result.adapter, result.report_type) == ("temu.shipping_labels", "shipping_labels")
    assert totals(result) == {"platform_logistics": D("-10.20"), "settlement_amount": D("-10.20")}  # the column's sum
    categories_match_settlement(result)
    assert {line.store for line in result.lines} == {STORE}
    charge, extra_charge, refund, late, april = result.lines
    assert charge.key == ("ship_label", "PK2503010001", "1Z999AA10123456784", "支出", "2025-03-03T02:00:00Z")
    assert (charge.status, charge.detail, charge.reference, charge.txn_type) == (
        SETTLED, SPLIT, "发货面单费 2025-03", "发货面单费-支出")
    assert (charge.settled_time, charge.quantity, charge.sku_id) == (utc(2025, 3, 3, 2), 0, None)
    assert charge.extra == {"Package Number": "PK2503010001", "Waybill Number": "1Z999AA10123456784",
                            "Service Provider Code": "UPS", "Reconciliation Bill Status": "已对账"}
    assert extra_charge.amounts == {"platform_logistics": D("-0.80")}
    assert refund.amounts == {"platform_logistics": D("1.00")} and refund.txn_type == "发货面单费-调整(退款)"
    assert (late.reference, april.reference) == ("发货面单费 2025-03", "发货面单费 2025-04")  # months in GMT+8
    assert late.settled_time == utc(2025, 3, 31, 15, 30)


@pytest.mark.parametrize("name", ["退货面单费.xlsx", "退至商家仓-退货面单费.xlsx", "退至TEMU仓-退货面单费.xlsx"])
def test_return_labels_are_the_stores_other_platform_fee(name):
    result = parse(name, xlsx({"Sheet1": RETURNS}), account="我的店")
    assert (result.adapter, result.report_type) == ("temu.return_labels", "return_labels")
    assert totals(result) == {"other_platform_fee": D("-11.75"), "settlement_amount": D("-11.75")}
    categories_match_settlement(result)
    first, second = result.lines
    assert first.key == ("return_label", "1013579275726", "RT9400100000000001", "支出", "2025-03-10T01:00:00Z")
    assert second.key[1] == "1013579275727"
    assert (first.order_id, first.reference, first.detail, first.store) == (
        "PO-211-0001", "退货面单费 2025-03", SPLIT, STORE)
    assert [(f.name, f.amount, f.category) for f in first.fields] == [("freight charge", D("-6.50"),
                                                                       "other_platform_fee")]


def test_a_label_row_without_currency_or_time_is_refused():
    rows = [list(r) for r in SHIPPING]
    rows[2][5] = ""
    with pytest.raises(SourceError, match=r"^发货面单费.xlsx: sheet 'Sheet1', row 3: the Currency column is empty"):
        parse("发货面单费.xlsx", xlsx({"Sheet1": rows}), account="我的店")
    rows = [list(r) for r in RETURNS]
    rows[1][6] = ""
    with pytest.raises(SourceError, match=r"row 2: the row has no deduct time$"):
        parse("退货面单费.xlsx", xlsx({"Sheet1": rows}), account="我的店")


def test_an_export_without_bills_is_recognised_as_such():
    result = parse("对账中心-美国.xlsx", xlsx({"提示": [["当前店铺无账单可供导出明细"]]}))
    assert (result.adapter, result.report_type, result.lines) == ("temu.empty_export", "empty_export", [])
    assert result.stated == {"note": "no bills in this export: nothing imported"}


# ------------------------------------------------------------------------------------------------ end to end
def _file(name: str, content: bytes, account: str | None = "我的店") -> dict:
    return upload(name, content, account)


async def _store_report(client, period: str) -> dict:
    return await (await client.get(f"/api/report?period={period}&by=store")).json()


async def test_label_reports_count_once_and_replace_the_account_detail_label_movements(client):
    account_detail = xlsx({"账务明细": [
        ["账务时间", "账务类型", "币种", "收支金额", "订单编号"],
        ["2025-03-03 10:00:00", "发货面单费", "USD", "-7.30", ""],
        ["2025-03-06 12:00:00", "发货面单费调整", "USD", "0.20", ""],
        ["2025-03-10 09:00:00", "退货面单费", "USD", "-11.75", ""],
        ["2025-03-15 09:00:00", "广告服务费", "USD", "-2.00", ""],
    ]})
    files = [_file("对账中心-美国.xlsx", reconciliation_workbook()), _file("账务明细.xlsx", account_detail),
             _file("发货面单费.xlsx", xlsx({"Sheet1": SHIPPING[:5]})),
             _file("退至商家仓-退货面单费.xlsx", xlsx({"Sheet1": RETURNS[:2]})),
             _file("退至TEMU仓-退货面单费.xlsx", xlsx({"Sheet1": [RETURNS[0], RETURNS[2]]}))]
    first = await import_files(client, *files)
    assert first["errors"] == []
    assert [(f["report_type"], f["added"]) for f in first["files"]] == [
        ("fund_detail", 14), ("account_detail", 4), ("shipping_labels", 4), ("return_labels", 1),
        ("return_labels", 1)]
    march = await _store_report(client, "2025-03")
    [row] = march["rows"]
    categories = {k: D(v) for k, v in row["categories"].items() if D(v)}
    # 账务明细's label movements (−7.10 and −11.75) are replaced by the reports' own charges (−7.10, −11.75 here):
    # counted once. The 广告服务费 stays.
    assert categories == {"sales": D("79.00"), "promo_discount": D("-2.50"), "income_refund": D("-14.50"),
                          "buyer_shipping": D("2.99"), "fee_refund": D("-2.99"), "penalty": D("-27.00"),
                          "platform_logistics": D("-7.10"), "other_platform_fee": D("-13.75")}
    assert (D(row["settlement_amount"]), row["quantity"]) == (D("14.15"), 9)
    [complete] = [c for c in march["completeness"] if c["account"] == "我的店"]
    assert (complete["status"], complete["present"]) == (
        "complete", ["account_detail", "fund_detail", "return_labels", "shipping_labels"])

    # Again, and the overlapping 结算数据 export of the same rows, and the whole shipping report: only the April
    # label is new.
    again = await import_files(client, *files, _file("结算数据-美国.xlsx", reconciliation_workbook(TRADE_ROWS[::-1])),
                          _file("发货面单费 (2).xlsx", xlsx({"Sheet1": SHIPPING})))
    assert [f["added"] for f in again["files"]] == [0, 0, 0, 0, 0, 0, 1]
    assert (await _store_report(client, "2025-03"))["rows"] == march["rows"]

    no_bills = xlsx({"提示": [["当前店铺无账单可供导出明细"]]})
    empty = await import_files(client, _file("对账中心-欧区.xlsx", no_bills, None))
    assert empty == {"errors": [], "files": [{
        "file": "对账中心-欧区.xlsx", "platform": "temu", "report_type": "empty_export", "account": None, "added": 0,
        "updated": 0, "skipped": 0, "note": "no bills in this export: nothing imported"}]}


def test_the_cli_says_what_an_empty_export_and_a_file_for_another_platforms_store_are(db_url, tmp_path):
    data = tmp_path / "data"
    empty, temu, tiktok = tmp_path / "对账中心-美国.xlsx", tmp_path / "发货面单费.xlsx", tmp_path / f"{US_NAME}.xlsx"
    empty.write_bytes(xlsx({"提示": [["当前店铺无账单可供导出明细"]]}))
    temu.write_bytes(xlsx({"Sheet1": SHIPPING}))
    tiktok.write_bytes(us_workbook())
    said = cli(data, db_url, "import", str(empty))
    assert (said.code, said.out, said.err) == (0, f"{empty}: no bills in this export: nothing imported\n", "")
    assert cli(data, db_url, "import", str(tiktok)).code == 0  # makes the store TikTok US MugHouse
    refused = cli(data, db_url, "import", str(temu), "--account", "TikTok US MugHouse")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err_lines == [
        f"shoptally: {temu}: a Temu file cannot go into the TikTok Shop store 'TikTok US MugHouse': choose a Temu "
        "store or leave out --account"]

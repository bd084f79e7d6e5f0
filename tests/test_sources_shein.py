"""SHEIN exports: 已完成账单 (platform mode and semi-managed) and 收支明细. Category totals to the cent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from companion.sources import registry
from companion.sources.cells import MangledId
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, SourceError, StoreRef
from companion.sources.shein.bills import PLATFORM_RULES, SEMI_RULES
from companion.sources.shein.exports import CompletedBills, IncomeExpense
from tests.support.tables import (
    P_HEADER,
    P_ROWS,
    P_SUMMARY,
    PLATFORM_NAME,
    TOTAL_ROW,
    categories_match_settlement,
    csv_bytes,
    file_src,
    p_row,
    parse,
    platform_book,
    totals,
    xlsx,
)

D = Decimal
CN = ZoneInfo("Asia/Shanghai")
SEMI_NAME = "SHEIN半托管_SHEIN2号店_SHEIN结算报告_2024-09"

P_EXPECTED = {
    "sales": D("65.00"), "promo_discount": D("-4.50"), "platform_fee": D("-10.37"), "platform_logistics": D("-4.20"),
    "income_refund": D("-22.00"), "fee_refund": D("4.25"), "other_platform_fee": D("-22.73"), "penalty": D("0.80"),
    "other_income": D("10.50"), "storage_fee": D("-2.00"), "settlement_amount": D("14.75"),
}


@pytest.mark.parametrize("name, content", [
    (f"{PLATFORM_NAME}.xlsx", platform_book()),
    (f"{PLATFORM_NAME}.xlsx", platform_book(wrong_dimension=True)),
    (f"{PLATFORM_NAME}.csv", csv_bytes([P_SUMMARY, P_HEADER, *P_ROWS, TOTAL_ROW])),
    (f"{PLATFORM_NAME}.csv", csv_bytes([P_SUMMARY, P_HEADER, *P_ROWS, TOTAL_ROW], encoding="gb18030")),
    (f"{PLATFORM_NAME}.xlsx", platform_book([*P_ROWS, P_ROWS[1]])),  # an exact repeat of a row counts once
])
def test_platform_mode_every_category_to_the_cent(name, content):
    result = parse(name, content)
    assert (result.adapter, result.report_type) == ("shein.completed_bills", "completed_bills")
    assert totals(result) == P_EXPECTED
    categories_match_settlement(result)
    assert len({line.key for line in result.lines}) == len(P_ROWS)
    store = StoreRef("shein", "SHEIN1号店", "US", "SHEIN SHEIN1号店", "USD", "Asia/Shanghai")
    assert {line.store for line in result.lines} == {store}
    assert all(line.status == SETTLED and line.currency == "USD" for line in result.lines)
    assert sum(line.quantity for line in {ln.key: ln for ln in result.lines}.values()) == 5  # five 订单收入 rows
    # the summary row's total, a whole-file check (never reconciled row by row)
    [stated] = result.totals
    assert (stated.kind, stated.ref, stated.amount, stated.currency) == ("file_total", name, D("14.75"), "USD")
    assert result.stated["summary"]["应收金额合计"] == "14.75"

    first = result.lines[0]
    assert first.key == ("shein_bill", "GSUS24080100001", "I0SKU001", "订单收入", "13.6", "2024-08-15", "1")
    assert (first.status, first.detail, first.reference, first.statement_id) == (
        SETTLED, SKU_SPLIT, "GSUS24080100001", "B240815001")
    assert (first.order_id, first.sku_id, first.msku, first.sku_name, first.quantity) == (
        "GSUS24080100001", "I0SKU001", "M-I0SKU001", "Linen shirt", 1)
    assert first.txn_type == "订单销售收入-订单收入"
    assert first.settled_time == datetime(2024, 8, 15, tzinfo=CN) and not first.settled_time_approx
    assert first.order_time == datetime(2024, 8, 1, 9, 30, tzinfo=CN)
    assert first.amounts == {"sales": D("20.00"), "promo_discount": D("-3.00"), "platform_fee": D("-3.40")}
    assert first.extra["signs"] == "expenses negated"
    assert first.extra["mode"] == "platform" and first.extra["mode_basis"] == "columns"
    assert first.extra["settlement_group"] == "销售" and first.extra["SKC"] == "sw2408001"
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in first.fields}
    assert fields == {"商品价格汇总": (D("20.00"), "sales", False),
                      "店铺优惠券金额": (D("-2.00"), "promo_discount", False),
                      "活动优惠金额": (D("-1.00"), "promo_discount", False),
                      "佣金": (D("-3.40"), "platform_fee", False), "应收金额": (D("13.60"), None, False)}

    by_type = {line.txn_type.rsplit("-", 1)[-1]: line for line in result.lines}  # types that occur once
    refund = next(ln for ln in result.lines if ln.txn_type == "退货退款-订单退货")
    assert refund.amounts == {"income_refund": D("-17.00"), "fee_refund": D("3.40")}
    assert (refund.quantity, refund.extra["refund_quantity"], refund.extra["signs"]) == (0, "1", "income negated")
    assert by_type["退货履约服务费"].amounts == {"other_platform_fee": D("-1.50")}
    storage = by_type["标准仓储费"]
    assert (storage.order_id, storage.reference, storage.detail, storage.sku_id) == (None, "B240815001", SPLIT, None)
    assert storage.amounts == {"other_platform_fee": D("-12.00")}
    borrowed = by_type["仓储费扣款"]
    assert borrowed.amounts == {"storage_fee": D("-2.00")} and "semi-managed" in borrowed.extra["rule"]
    assert [f.unmapped for f in borrowed.fields] == [True]
    unknown = by_type["神秘调整"]
    assert unknown.amounts == {"other_platform_fee": D("-1.23")} and "not in seed 002" in unknown.extra["rule"]
    subsidy = next(ln for ln in result.lines if ln.sku_id == "I0SKU005")
    assert ("物流补贴", D("0.50"), "other_income", True) in subsidy.fields
    nearest = next(ln for ln in result.lines if ln.sku_id == "I0SKU006")
    assert ("履约服务费", D("-1.00"), "platform_logistics", True) in nearest.fields
    lost = next(ln for ln in result.lines if ln.sku_id == "I0SKU007")
    assert lost.amounts["other_platform_fee"] == D("-0.50") and lost.extra["unexplained"] == "-0.50"
    assert ("(unexplained)", D("-0.50"), "other_platform_fee", True) in lost.fields
    incentive = by_type["平台激励补款"]
    assert incentive.settled_time == datetime(2024, 8, 22, tzinfo=CN) and incentive.key[5] == "2024-08-22"


def test_every_bill_type_of_seed_002_is_mapped():
    """Both tables of seed 002 section 4, row by row: the rule each 账单类型 gets."""
    platform = {
        "订单收入": "sales promo_discount platform_fee sales_tax",
        "违规处罚扣款": "=penalty", "违规处罚补款": "=penalty",
        "订单履约服务费": "platform_logistics", "订单退货": "income_refund fee_refund",
        "订单调整": "income_refund fee_refund", "退货履约服务费": "income_refund fee_refund other_platform_fee",
        **dict.fromkeys("丢货补款 退货冻结差额补款 退货冻结差额扣款 退货丢货补款 仓库退货 订单状态修正".split(),
                        "=other_income"),
        **dict.fromkeys("备货作业费 退货处理费 标准仓储费 超库龄附加仓储费 库存盘亏 库存盘盈".split(),
                        "=other_platform_fee"),
        **dict.fromkeys("订单异常补款 订单异常扣款 履约服务费补款 履约服务费扣款 平台激励补款".split(), "=penalty"),
    }
    semi = {
        "订单收入": "sales promo_discount", "订单退货": "income_refund", "订单调整": "income_refund",
        "退货履约服务费": "income_refund other_platform_fee",
        **dict.fromkeys("交易申诉补款 违规处罚扣款 违规处罚补款".split(), "=penalty"),
        **dict.fromkeys("丢货补款 退货冻结差额补款 退货冻结差额扣款 退货丢货补款 仓库退货 订单状态修正".split(),
                        "=other_income"),
        **dict.fromkeys("订单履约服务费 备货作业费 退货处理费 库存盘亏 库存盘盈".split(), "=other_platform_fee"),
        **dict.fromkeys("订单异常补款 订单异常扣款 履约服务费补款 履约服务费扣款 平台激励补款 平台激励扣款 运费补贴 "
                        "运费补贴退回".split(), "=penalty"),
        **dict.fromkeys("仓储费补款 仓储费扣款 超库龄附加仓储费 标准仓储费".split(), "=storage_fee"),
        **dict.fromkeys("税费补款 税费扣款 取消订单补款 GNRE税费补款 GNRE税费扣款 商家融资单 EPR补款 EPR扣款".split(),
                        "vat"),
    }
    for table, expected in ((PLATFORM_RULES, platform), (SEMI_RULES, semi)):
        assert set(table) == set(expected)
        for name, want in expected.items():
            rule = table[name]
            got = f"={rule.whole}" if rule.whole else " ".join(rule.parts)
            assert got == want, name
    assert SEMI_RULES["税费扣款"].rest == "other_platform_fee"
    assert PLATFORM_RULES["订单收入"].parts["platform_fee"] == ("commission", "commission_tax")
    assert SEMI_RULES["订单退货"].parts["income_refund"] == ("supply_price", "activity_report")


# ------------------------------------------------------------------------------------------------ semi-managed
S_HEADER = ["订单号", "商家SKU", "账单类型", "站点", "商品供货价汇总", "活动提报金额", "欧洲增值税税金", "应收金额",
            "打款日期"]


def s_row(kind: str, total: str, order: str = "", msku: str = "", supply: str = "", report: str = "",
          vat: str = "") -> list:
    return [order, msku, kind, "FR", supply, report, vat, total, "2024/09/05"]


S_ROWS = [
    s_row("订单销售收入-订单收入", "10.80", "GSFR2409001", "M-1", supply="12.00", report="1.20"),
    s_row("订单销售收入-订单收入", "7.20", "GSFR2409001", "M-2", supply="8.00", report="-0.80"),
    s_row("奖惩及其他-交易申诉补款", "3.00", "GSFR2409002"),
    s_row("奖惩及其他-违规处罚扣款", "-4.00", "GSFR2409002"),
    s_row("奖惩及其他-违规处罚补款", "1.50", "GSFR2409002"),
    s_row("退货退款-订单退货", "-10.80", "GSFR2409001", "M-1", supply="12.00", report="1.20"),
    s_row("退货退款-订单调整", "-2.00", "GSFR2409003", "M-3", supply="-2.00"),
    s_row("平台服务费-退货履约服务费", "-1.10", "GSFR2409001"),
    s_row("订单销售收入-丢货补款", "6.00", "GSFR2409004", "M-4"),
    s_row("订单销售收入-退货冻结差额补款", "0.30", "GSFR2409004"),
    s_row("订单销售收入-退货冻结差额扣款", "-0.20", "GSFR2409004"),
    s_row("订单销售收入-退货丢货补款", "2.00", "GSFR2409005"),
    s_row("退货退款-仓库退货", "-1.00", "GSFR2409005"),
    s_row("退货退款-订单状态修正", "0.40", "GSFR2409005"),
    s_row("平台服务费-订单履约服务费", "-2.50", "GSFR2409001"),
    s_row("平台服务费-备货作业费", "-0.60", "GSFR2409006"),
    s_row("平台服务费-退货处理费", "-0.50", "GSFR2409006"),
    s_row("平台服务费-库存盘亏", "-3.00"),
    s_row("平台服务费-库存盘盈", "1.00"),
    s_row("奖惩及其他-订单异常补款", "0.70", "GSFR2409007"),
    s_row("奖惩及其他-订单异常扣款", "-0.90", "GSFR2409007"),
    s_row("奖惩及其他-履约服务费补款", "0.20", "GSFR2409007"),
    s_row("奖惩及其他-履约服务费扣款", "-0.30", "GSFR2409007"),
    s_row("奖惩及其他-平台激励补款", "1.00"),
    s_row("奖惩及其他-平台激励扣款", "-0.50"),
    s_row("奖惩及其他-仓储费补款", "0.80"),
    s_row("奖惩及其他-仓储费扣款", "-1.80"),
    s_row("平台服务费-超库龄附加仓储费", "-2.20"),
    s_row("平台服务费-标准仓储费", "-4.40"),
    s_row("奖惩及其他-税费补款", "0.40", "GSFR2409008", vat="0.40"),
    s_row("奖惩及其他-税费扣款", "-2.50", "GSFR2409008", vat="2.00"),
    s_row("奖惩及其他-取消订单补款", "1.20", "GSFR2409009"),
    s_row("奖惩及其他-GNRE税费补款", "0.30", "GSFR2409009"),
    s_row("奖惩及其他-GNRE税费扣款", "-0.30", "GSFR2409009"),
    s_row("奖惩及其他-商家融资单", "-50.00"),
    s_row("奖惩及其他-EPR补款", "0.15"),
    s_row("奖惩及其他-EPR扣款", "-0.45"),
    s_row("奖惩及其他-运费补贴", "1.60", "GSFR2409010"),
    s_row("奖惩及其他-运费补贴退回", "-0.60", "GSFR2409010"),
]
S_EXPECTED = {
    "sales": D("20.00"), "promo_discount": D("-2.00"), "penalty": D("1.70"), "income_refund": D("-12.80"),
    "other_platform_fee": D("-56.30"), "other_income": D("7.50"), "storage_fee": D("-7.60"), "vat": D("-1.60"),
    "settlement_amount": D("-51.10"),
}
# The summary as some exports write it: a label, then the total standing under the 应收金额 column.
S_SUMMARY = ["汇总", "", "", "", "", "", "", "-51.10", ""]


def test_semi_managed_every_category_to_the_cent():
    result = parse(f"{SEMI_NAME}.xlsx", xlsx({"Sheet1": [S_SUMMARY, S_HEADER, *S_ROWS]}, wrong_dimension=True))
    assert totals(result) == S_EXPECTED
    categories_match_settlement(result)
    assert len({line.key for line in result.lines}) == len(S_ROWS)
    assert {line.store for line in result.lines} == {
        StoreRef("shein", "SHEIN2号店", "FR", "SHEIN SHEIN2号店", "EUR", "Asia/Shanghai")}
    assert {(ln.extra["mode"], ln.extra["mode_basis"]) for ln in result.lines} == {("semi", "columns")}
    [stated] = result.totals
    assert (stated.kind, stated.amount, stated.currency, dict(stated.scope)["label"]) == (
        "file_total", D("-51.10"), "EUR", "应收金额")
    sale = result.lines[0]
    assert (sale.order_id, sale.sku_id, sale.msku, sale.quantity, sale.detail) == (
        "GSFR2409001", None, "M-1", 1, SKU_SPLIT)
    assert sale.key == ("shein_bill", "GSFR2409001", "M-1", "订单收入", "10.8", "2024-09-05", "1")
    assert sale.amounts == {"sales": D("12.00"), "promo_discount": D("-1.20")}
    assert sale.settled_time == datetime(2024, 9, 5, tzinfo=CN)
    by_type = {line.txn_type.rsplit("-", 1)[-1]: line for line in result.lines if line.msku != "M-2"}
    assert by_type["订单退货"].amounts == {"income_refund": D("-10.80")}
    assert by_type["退货履约服务费"].amounts == {"other_platform_fee": D("-1.10")}
    assert by_type["订单履约服务费"].amounts == {"other_platform_fee": D("-2.50")}  # semi: 应收金额, not 履约服务费
    assert by_type["标准仓储费"].amounts == {"storage_fee": D("-4.40")}  # semi: 平台仓储费
    tax = by_type["税费扣款"]
    assert tax.amounts == {"vat": D("-2.00"), "other_platform_fee": D("-0.50")}
    assert ("应收金额 (remainder)", D("-0.50"), "other_platform_fee", False) in tax.fields
    assert by_type["取消订单补款"].amounts == {"other_platform_fee": D("1.20")}
    assert by_type["运费补贴"].amounts == {"penalty": D("1.60")}


# ---------------------------------------------------------------------------------- variants, sites, bad input
def test_header_variants_and_seller_sku_only():
    """Trailing spaces, full-width brackets, 商家SKU without 平台SKU, the summary in the header's first row."""
    header = ["订单号 ", "商家SKU", "账单类型  ", "站点", "商品价格汇总", "店铺优惠券金额", "活动优惠金额", "佣金",
              "佣金消费税", "税费金额（欧洲）", "应收金额 ", "打款日期"]
    rows = [
        ["GSDE001", "SHIRT-RED", "订单销售收入-订单收入", "DE", "30.00", "0", "3.00", "4.05", "0.81", "4.50", "17.64",
         "2024-08-15 08:00:00"],
        ["GSDE002", "SHIRT-RED", "订单销售收入-订单收入", "德国站", "30.00", "0", "-3.00", "-4.05", "-0.81", "-4.50",
         "17.64", "2024-08-15 08:00:00"],
    ]
    content = xlsx({"Sheet1": [["应收金额：35.28"], header, *rows]})
    result = parse("已完成账单-账单商品维度-供货价-20240815.xlsx", content, account="SHEIN DE")
    assert totals(result) == {"sales": D("60.00"), "promo_discount": D("-6.00"), "platform_fee": D("-9.72"),
                              "sales_tax": D("-9.00"), "settlement_amount": D("35.28")}
    categories_match_settlement(result)
    line = result.lines[0]
    assert (line.currency, line.msku, line.sku_id, line.key[2]) == ("EUR", "SHIRT-RED", None, "SHIRT-RED")
    assert line.store == StoreRef("shein", "SHEIN DE", "DE", "SHEIN DE", "EUR", "Asia/Shanghai")
    assert ("税费金额（欧洲）", D("-4.50"), "sales_tax", False) in line.fields
    assert line.settled_time == datetime(2024, 8, 15, 8, 0, tzinfo=CN)
    assert result.totals[0].amount == D("35.28")


@pytest.mark.parametrize("site, currency", [
    ("US", "USD"), ("UK", "GBP"), ("GB", "GBP"), ("shein-mx", "MXN"), ("美国站", "USD"), ("BR", "BRL"),
    ("es", "EUR"), ("SHEIN-EUR", "EUR"), ("SA", "SAR"), ("AE", "AED"), ("AU", "AUD"), ("CA", "CAD"), ("JP", "JPY"),
])
def test_the_site_gives_the_currency(site, currency):
    rows = [["订单号", "账单类型", "站点", "应收金额", "打款日期"],
            ["O1", "奖惩及其他-违规处罚扣款", site, "-1.00", "2024-08-15"]]
    assert parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows)).lines[0].currency == currency


def test_a_currency_column_wins_and_a_blank_site_takes_the_files_currency():
    rows = [["订单号", "账单类型", "站点", "币种", "应收金额", "打款日期"],
            ["O1", "奖惩及其他-违规处罚扣款", "DE", "usd", "-1.00", "2024-08-15"],
            ["O2", "奖惩及其他-违规处罚扣款", "", "", "-2.00", "2024-08-15"]]
    assert [ln.currency for ln in parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows)).lines] == ["USD", "USD"]


def test_an_unknown_site_or_no_currency_at_all_is_an_error_naming_the_row():
    rows = [["订单号", "账单类型", "站点", "应收金额", "打款日期"],
            ["O1", "奖惩及其他-违规处罚扣款", "ZZ", "-1.00", "2024-08-15"]]
    with pytest.raises(SourceError, match=r"sheet .*, row 2: 站点 'ZZ' is not a SHEIN site this version knows"):
        parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows))
    rows[1][2] = ""
    with pytest.raises(SourceError, match=r"row 2: the row has no 站点 .* so its currency is unknown"):
        parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows))
    store = StoreRef("shein", "S1", "US", "SHEIN S1", "USD", "Asia/Shanghai")
    assert parse("bills.csv", csv_bytes(rows), account="S1", store=store).lines[0].currency == "USD"


def test_a_mangled_order_number_is_refused():
    rows = [P_SUMMARY, P_HEADER, *P_ROWS[:2]]
    rows[3] = list(rows[3])
    rows[3][P_HEADER.index("订单号")] = "6.66861E+14"
    with pytest.raises(MangledId, match=r"row 4: 订单号 '6.66861E\+14' was turned into a number"):
        parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows))


def test_a_bad_amount_names_file_sheet_row_and_column():
    rows = [P_HEADER, p_row("订单销售收入-订单收入", "1.00", "O1", "S1", goods="abc")]
    with pytest.raises(SourceError, match=r"^x_SHEIN.csv: sheet 'x_SHEIN', row 2: 商品价格汇总: 'abc' is not an "):
        parse("x_SHEIN.csv", csv_bytes(rows), account="S1")


@pytest.mark.parametrize("name, mode, basis, expected", [
    (f"{SEMI_NAME}.csv", "semi", "file name", {"other_platform_fee": D("-2.00"), "storage_fee": D("-4.00")}),
    (f"{PLATFORM_NAME}.csv", "platform", "file name",
     {"platform_logistics": D("-2.00"), "other_platform_fee": D("-4.00")}),
    ("已完成账单.csv", "platform", "default", {"platform_logistics": D("-2.00"), "other_platform_fee": D("-4.00")}),
])
def test_mode_from_the_file_name_when_the_columns_do_not_say(name, mode, basis, expected):
    rows = [["订单号", "商家SKU", "账单类型", "站点", "应收金额", "打款日期"],
            ["O1", "M1", "平台服务费-订单履约服务费", "US", "-2.00", "2024-08-15"],
            ["", "", "平台服务费-标准仓储费", "US", "-4.00", "2024-08-15"]]
    result = parse(name, csv_bytes(rows), account="S1")
    assert {(ln.extra["mode"], ln.extra["mode_basis"]) for ln in result.lines} == {(mode, basis)}
    assert {k: v for k, v in totals(result).items() if k != "settlement_amount"} == expected
    categories_match_settlement(result)


def test_rows_without_a_payout_date_are_pending_and_keyed_apart():
    rows = [["订单号", "平台SKU", "账单类型", "站点", "应收金额", "打款日期", "账单状态"],
            ["O1", "S1", "平台服务费-订单履约服务费", "US", "-2.00", "", ""],
            ["O2", "S2", "平台服务费-订单履约服务费", "US", "-3.00", "2024-08-15", "待打款"]]
    result = parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows))
    assert [(ln.status, ln.settled_time, ln.key[0]) for ln in result.lines] == [
        (IN_TRANSIT, None, "shein_pending"), (IN_TRANSIT, None, "shein_pending")]
    assert result.lines[0].key == ("shein_pending", "", "O1", "S1", "订单履约服务费", "1")
    assert totals(result, settled_only=True) == {}


def test_rows_with_the_same_ids_but_different_content_are_two_lines():
    """Two units of one SKU in one order, or two adjustments: occurrence numbers keep them apart, while an exact
    repeat of a row (a repeated export block) keeps its number and counts once."""
    row = ["O1", "S1", "退货退款-订单调整", "US", "-1.00", "2024-08-15", "note a"]
    other = [*row[:-1], "note b"]
    rows = [["订单号", "平台SKU", "账单类型", "站点", "应收金额", "打款日期", "备注"], row, other, row]
    result = parse(f"{PLATFORM_NAME}.csv", csv_bytes(rows))
    assert [ln.key[-1] for ln in result.lines] == ["1", "2", "1"]
    assert totals(result)["settlement_amount"] == D("-2.00")
    assert result.lines[1].extra["备注"] == "note b"


def test_the_same_file_twice_gives_the_same_keys():
    first = parse(f"{PLATFORM_NAME}.xlsx", platform_book())
    again = parse(f"{PLATFORM_NAME}.xlsx", platform_book())
    assert [ln.key for ln in first.lines] == [ln.key for ln in again.lines]


def test_a_file_without_a_store_asks_for_one():
    twins = (StoreRef("shein", "S1", "", "SHEIN S1"), StoreRef("shein", "S2", "", "SHEIN S2"))
    with pytest.raises(SourceError, match="does not say which store it belongs to and there are 2 SHEIN"):
        parse("已完成账单-账单商品维度-供货价-1.xlsx", platform_book(), stores=twins)
    tiktok = StoreRef("tiktok", "T1", name="TikTok T1")
    with pytest.raises(SourceError, match="is a shein report, but --account 'T1' is a tiktok store"):
        parse("已完成账单.xlsx", platform_book(), account="T1", store=tiktok)


def test_an_empty_sheet_is_an_error():
    with pytest.raises(SourceError, match="has no data rows"):
        parse(f"{PLATFORM_NAME}.xlsx", xlsx({"Sheet1": [P_SUMMARY, P_HEADER, TOTAL_ROW]}))


# ------------------------------------------------------------------------------------------------------ 收支明细
F_HEADER = ["交易时间", "流水号", "类型", "收支方向", "金额", "币种", "订单号", "账单号", "备注", "余额", "操作人"]
F_ROWS = [
    ["2024-08-15 10:00:00", "FL001", "账单结算", "收入", "14.75", "USD", "", "B240815001", "", "114.75", ""],
    ["2024-08-16 09:00:00", "FL002", "提现", "支出", "100.00", "USD", "", "", "to bank", "14.75", "ops"],
    ["2024-08-17 11:00:00", "FL003", "违规扣款", "支出", "5.00", "USD", "GSUS24080100004", "", "", "9.75", ""],
    ["2024-08-18 11:00:00", "FL004", "仓储费", "支出", "3.00", "USD", "", "", "", "6.75", ""],
    ["2024-08-19 11:00:00", "FL005", "物流补偿", "收入", "2.50", "USD", "GSUS24080100006", "", "lost parcel", "9.25",
     ""],
    ["2024-08-20 11:00:00", "FL006", "广告费", "支出", "-8.00", "USD", "", "", "", "1.25", ""],
    ["2024-08-21 11:00:00", "FL007", "其他费用", "支出", "1.20", "USD", "", "", "", "0.05", ""],
    ["2024-08-21 12:00:00", "FL008", "平台服务费", "支出", "0.05", "USD", "", "", "", "0", "", ],
]


def test_income_expense_movements():
    name = "SHEIN平台模式_SHEIN1号店_收支明细_2024-08.xlsx"
    result = parse(name, xlsx({"收支明细": [F_HEADER, *F_ROWS, F_ROWS[2], ["合计", "", "", "", "-99.95"]]}))
    assert (result.adapter, result.report_type) == ("shein.income_expense", "income_expense")
    assert totals(result) == {"penalty": D("-5.00"), "storage_fee": D("-3.00"), "other_income": D("2.50"),
                              "ad_fee": D("-8.00"), "other_platform_fee": D("-1.25"),
                              "settlement_amount": D("-14.75")}
    categories_match_settlement(result)
    assert len({ln.key for ln in result.lines}) == 6
    penalty = next(ln for ln in result.lines if ln.key == ("shein_fund", "FL003", "1"))
    assert (penalty.status, penalty.reference, penalty.order_id, penalty.txn_type) == (
        SETTLED, "GSUS24080100004", "GSUS24080100004", "违规扣款")
    assert penalty.settled_time == datetime(2024, 8, 17, 11, tzinfo=CN)
    assert penalty.fields[0] == ("金额", D("-5.00"), "penalty", True)  # no seed mapping: flagged
    assert ("余额", D("9.75"), None, False) in penalty.fields
    assert penalty.store == StoreRef("shein", "SHEIN1号店", "", "SHEIN SHEIN1号店", "USD", "Asia/Shanghai")
    # bill payouts and withdrawals move money the bills already count: stated, never lines
    assert [(s.kind, s.ref, s.amount, s.currency) for s in result.totals] == [
        ("payout", "FL001", D("14.75"), "USD"), ("payout", "FL002", D("-100.00"), "USD")]
    assert next(ln for ln in result.lines if ln.key[1] == "FL007").extra["收支方向"] == "支出"


def test_income_expense_with_two_amount_columns_and_no_serial():
    header = ["时间", "收支类型", "收入金额", "支出金额", "币种", "订单号"]
    rows = [["2024-08-15", "罚款", "", "2.00", "EUR", "O1"], ["2024-08-15", "补贴", "1.50", "", "EUR", "O2"],
            ["2024-08-15", "补贴", "1.50", "", "EUR", "O2"]]
    result = parse("SHEIN_S9_收支明细_2024-08.csv", csv_bytes([header, *rows]))
    assert totals(result) == {"penalty": D("-2.00"), "other_income": D("1.50"), "settlement_amount": D("-0.50")}
    assert result.lines[0].key == ("shein_fund", "2024-08-15T00:00:00+08:00", "罚款", "O1", "-2", "1")


def test_income_expense_needs_a_shein_file():
    content = xlsx({"Sheet1": [F_HEADER, *F_ROWS]})
    adapter = registry.detect(file_src("fund_flow.xlsx", content))
    assert adapter is None or not adapter.name.startswith("shein.")
    assert IncomeExpense().recognizes(file_src("希音收支明细.xlsx", content))


# -------------------------------------------------------------------------------------------- not other platforms
def test_tiktok_and_temu_files_are_not_claimed():
    tiktok = csv_bytes([["Statement date (UTC)", "Statement ID", "Type", "Order/adjustment ID", "Currency",
                         "Total settlement amount", "Gross sales"], ["2025/10/06", "1", "Order", "5", "USD", "1", "1"]])
    temu_po = xlsx({"PO明细账单": [["结算流水ID", "批次号", "PO单号", "交易类型", "结算金额", "币种", "到账时间"],
                                ["F1", "P1", "PO-1", "销售回款", "10.00", "USD", "2024-08-15"]]})
    temu_fund = xlsx({"结算-交易收入": [["账务时间", "订单编号", "币种", "交易收入"],
                                   ["2024-08-15", "PO-1", "USD", "10"]]})
    for name, content in (("TikTok本土_S_结算报告_2025-10.csv", tiktok), ("SHEIN_S_temu_2024-08.xlsx", temu_po),
                          ("SHEIN_S_收支明细_2024-08.xlsx", temu_fund)):
        src = file_src(name, content)
        assert not CompletedBills().recognizes(src), name
        assert not IncomeExpense().recognizes(src), name
    bills = file_src(f"{PLATFORM_NAME}.xlsx", platform_book())
    assert registry.detect(bills).name == "shein.completed_bills"

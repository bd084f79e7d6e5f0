"""Report files for tests: real CSV and XLSX bytes written here, read back through the real adapters; the
TikTok US "Order details" export the import, report and CLI tests share; the benchmark's bulk export."""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from companion.ledger.categories import PLATFORM
from companion.pipeline import ingest
from companion.sources import registry
from companion.sources.model import ParseResult, SourceInput, StoreRef
from companion.sources.tabular import Hints
from tests.support import REPO

RECEIVED = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)


def xlsx(sheets: dict[str, Sequence[Sequence[object]]], wrong_dimension: bool = False) -> bytes:
    """A workbook with these sheets (in order). Cells: str, int, float, Decimal (written as a number) or None.
    `wrong_dimension`: every sheet says <dimension ref="A1"/>, as some exporters write, so a naive reader sees
    only the first cell."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    data = buf.getvalue()
    return _break_dimension(data) if wrong_dimension else data


def _break_dimension(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', content)
            dst.writestr(info, content)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue().encode(encoding)


def file_src(name: str, content: bytes, account: str = "", store: StoreRef | None = None,
             stores: tuple[StoreRef, ...] = ()) -> SourceInput:
    hints = Hints(ingest.naming.parse(name), store, account, stores)
    return SourceInput("file", "import", "", RECEIVED, {"name": name, "content": content, "hints": hints})


def parse(name: str, content: bytes, account: str = "", store: StoreRef | None = None,
          stores: tuple[StoreRef, ...] = ()) -> ParseResult:
    """Detect and parse through the registry, as an import does (`stores`: those there are)."""
    src = file_src(name, content, account, store, stores)
    adapter = registry.detect(src)
    assert adapter is not None, f"no adapter recognises {name}: {src.payload.get('_workbook_error')}"
    return adapter.parse(src)


def totals(result: ParseResult, settled_only: bool = False) -> dict[str, Decimal]:
    """Every category's total over the lines, to the cent, plus settlement_amount; zero categories left out.
    A natural key seen twice counts once (the last one), as the store keeps it."""
    sums: dict[str, Decimal] = {}
    kept = {(line.store.platform, line.store.external_id, line.key): line for line in result.lines}
    for line in kept.values():
        if settled_only and line.status != "settled":
            continue
        for key, value in line.amounts.items():
            assert key in PLATFORM, key
            sums[key] = sums.get(key, Decimal(0)) + value
        sums["settlement_amount"] = sums.get("settlement_amount", Decimal(0)) + line.settlement_amount
    return {k: v.quantize(Decimal("0.01")) for k, v in sums.items() if v}


def categories_match_settlement(result: ParseResult) -> None:
    """Each line's categories add up to the amount the platform says it pays for it."""
    for line in result.lines:
        assert sum(line.amounts.values(), Decimal(0)) == line.settlement_amount, (line.key, line.amounts,
                                                                                   line.settlement_amount)


# TikTok US: the "Order details" sheet of a settlement export -------------------------------------------
US_HEADER = [
    "Statement date (UTC)", "Statement ID", "Payment ID", "Status", "Currency", "Type", "Order/adjustment ID  ",
    "SKU ID", "Quantity", "Product name", "SKU name", "Seller SKU", "Order created date", "Order delivery date",
    "Total settlement amount", "Net sales", "Gross sales", "Gross sales refund", "Seller discount",
    "Seller discount refund", "Shipping", "TikTok Shop shipping fee", "Fulfilled by TikTok Shop (FBT) shipping fee",
    "FBT fulfillment fee", "FBT fulfillment fee reimbursement", "Customer shipping fee offset",
    "Signature confirmation service fee", "Shipping insurance fee", "Customer-paid shipping fee",
    "Customer-paid shipping fee refund", "TikTok Shop shipping incentive", "TikTok Shop shipping incentive refund",
    "Shipping fee subsidy", "Return shipping fee", "Fees", "Transaction fee", "Referral fee",
    "Refund administration fee", "Affiliate commission", "Affiliate partner commission",
    "Affiliate Shop Ads commission", "Affiliate Partner shop ads commission", "Co-funded promotion (seller-funded)",
    "Campaign service fee", "Adjustment amount", "Adjustment reason", "Related order ID", "Customer payment",
    "Customer refund", "Platform discounts", "Platform discounts refund", "Sales tax payment", "Sales tax refund",
]


def us_row(**values) -> list:
    """A row of the US sheet: every money column present (0 when not given), as real exports write them."""
    names = {
        "date": "Statement date (UTC)", "statement": "Statement ID", "type": "Type", "id": "Order/adjustment ID  ",
        "sku": "SKU ID", "qty": "Quantity", "seller_sku": "Seller SKU", "created": "Order created date",
        "total": "Total settlement amount", "net": "Net sales", "gross": "Gross sales",
        "gross_refund": "Gross sales refund", "discount": "Seller discount",
        "discount_refund": "Seller discount refund",
        "shipping": "Shipping", "tts_ship": "TikTok Shop shipping fee",
        "fbt_ship": "Fulfilled by TikTok Shop (FBT) shipping fee", "fbt_fulfil": "FBT fulfillment fee",
        "fbt_reimb": "FBT fulfillment fee reimbursement", "offset": "Customer shipping fee offset",
        "cust_ship": "Customer-paid shipping fee", "cust_ship_refund": "Customer-paid shipping fee refund",
        "incentive": "TikTok Shop shipping incentive", "subsidy": "Shipping fee subsidy",
        "return_ship": "Return shipping fee", "fees": "Fees", "txn": "Transaction fee", "referral": "Referral fee",
        "refund_admin": "Refund administration fee", "affiliate": "Affiliate commission",
        "partner": "Affiliate partner commission", "shop_ads": "Affiliate Shop Ads commission",
        "cofunded": "Co-funded promotion (seller-funded)", "campaign": "Campaign service fee",
        "adj": "Adjustment amount", "reason": "Adjustment reason", "related": "Related order ID",
        "cust_pay": "Customer payment", "platform_disc": "Platform discounts", "tax": "Sales tax payment",
    }
    row = {h: "0" for h in US_HEADER}
    row.update({"Statement date (UTC)": "2025/10/06", "Statement ID": "7400000000000001",
                "Payment ID": "PAY0001", "Status": "Paid", "Currency": "USD", "Quantity": "", "SKU ID": "",
                "Product name": "", "SKU name": "", "Seller SKU": "", "Order created date": "",
                "Order delivery date": "", "Adjustment reason": "", "Related order ID": ""})
    for key, value in values.items():
        row[names[key]] = value
    return [row[h] for h in US_HEADER]


US_ROWS = [
    us_row(type="Order", id="576900000000000101", sku="1729000000000000001", qty="2", seller_sku="MUG-RED",
           created="2025/09/28", total="29.35", net="36.00", gross="40.00", discount="-4.00", shipping="1.00",
           cust_ship="5.99", tts_ship="-5.99", incentive="1.00", subsidy="1.00", fees="-7.65", txn="-1.17",
           referral="-2.88", affiliate="-3.60", cust_pay="40.99", platform_disc="2.00", tax="3.20"),
    us_row(type="Order", id="576900000000000101", sku="1729000000000000002", qty="1", seller_sku="MUG-BLUE",
           created="2025/09/28", total="12.10", net="15.50", gross="15.50", fees="-3.40", txn="-0.45",
           referral="-1.24", partner="-0.78", shop_ads="-0.93"),
    us_row(type="Order", id="576900000000000202", sku="1729000000000000003", qty="1", created="2025/09/20",
           total="-13.59", net="0.00", gross="25.00", gross_refund="-25.00", discount="-2.50", discount_refund="2.50",
           shipping="-11.19", cust_ship="4.99", cust_ship_refund="-4.99", tts_ship="-4.99", return_ship="-6.20",
           fees="-2.40", referral="-2.00", refund_admin="-0.40"),
    us_row(type="Order", id="576900000000000303", sku="1729000000000000004", qty="3", created="2025/10/01",
           total="42.51", net="60.00", gross="60.00", shipping="-9.15", fbt_ship="-7.50", fbt_fulfil="-3.25",
           fbt_reimb="1.10", offset="0.50", fees="-8.34", txn="-1.74", referral="-4.80", cofunded="-1.20",
           campaign="-0.60"),
    us_row(type="FBT warehouse service fee using GMV payment", id="7123000000000000001", total="-12.40",
           adj="-12.40", reason="FBT warehouse service fee"),
    us_row(type="Chargeback", id="7123000000000000002", total="-25.00", adj="-25.00", reason="Chargeback",
           related="576900000000000404"),
    us_row(type="Logistics reimbursement", id="7123000000000000003", total="8.00", adj="8.00",
           reason="Lost package", date="2025/10/13", statement="7400000000000002"),
]
US_NAME = "TikTok本土_MugHouse_结算报告_2025-10"


def us_workbook(rows=US_ROWS, wrong_dimension=True) -> bytes:
    summary = [["Settlement summary"], ["Total settlement amount", "40.97"]]
    return xlsx({"Summary": summary, "Order details": [US_HEADER, *rows], "Reserve Details": [["Reserve ID"]]},
                wrong_dimension=wrong_dimension)


def bench_export(folder: Path, rows: int, name: str = "TikTok_BenchShop_结算_2025-09.csv", seed: int = 7) -> Path:
    """A US Order details export of `rows` rows of September 2025, written by scripts/bench_import.py."""
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_import import export_rows, write_csv

    path = folder / name
    write_csv(path, export_rows(rows, seed=seed))
    return path


# SHEIN: the platform-mode 已完成账单 export -------------------------------------------------------------
PLATFORM_NAME = "SHEIN平台模式_SHEIN1号店_SHEIN结算报告_2024-08"

P_HEADER = ["账单号", "订单号", "平台SKU", "商家SKU", "商品名称", "账单类型", "站点", "商品价格汇总", "店铺优惠券金额",
            "活动优惠金额", "佣金", "佣金消费税", "税费金额(欧洲)", "履约服务费", "物流补贴", "应收金额", "打款日期",
            "下单时间", "SKC"]
_P_KEYS = {"bill": "账单号", "order": "订单号", "sku": "平台SKU", "msku": "商家SKU", "name": "商品名称",
           "type": "账单类型", "site": "站点", "goods": "商品价格汇总", "coupon": "店铺优惠券金额",
           "activity": "活动优惠金额", "commission": "佣金", "ctax": "佣金消费税", "eutax": "税费金额(欧洲)",
           "fulfil": "履约服务费", "subsidy": "物流补贴", "total": "应收金额", "paid": "打款日期",
           "ordered": "下单时间", "skc": "SKC"}


def p_row(kind: str, total: str, order: str = "", sku: str = "", header: list[str] = P_HEADER, **values) -> list:
    """A platform-mode row: every money column written (0 when not given), as the export writes them."""
    row = {h: "0.00" for h in header}
    row.update({"账单号": "B240815001", "订单号": order, "平台SKU": sku, "商家SKU": f"M-{sku}" if sku else "",
                "商品名称": "", "账单类型": kind, "站点": "US", "物流补贴": "", "应收金额": total,
                "打款日期": "2024-08-15", "下单时间": "", "SKC": ""})
    for key, value in values.items():
        row[_P_KEYS[key]] = value
    return [row.get(h, "") for h in header]


P_ROWS = [
    # 订单收入 with deductions written as positive numbers (应收金额 is net of them): the signs are negated
    p_row("订单销售收入-订单收入", "13.60", "GSUS24080100001", "I0SKU001", goods="20.00", coupon="2.00",
          activity="1.00", commission="3.40", name="Linen shirt", ordered="2024-08-01 09:30:00", skc="sw2408001"),
    # 订单收入 with the deductions signed; "/" is zero
    p_row("订单销售收入-订单收入", "10.53", "GSUS24080100001", "I0SKU002", goods="15.00", coupon="-1.50",
          activity="/", commission="-2.70", ctax="-0.27"),
    p_row("平台服务费-订单履约服务费", "-3.20", "GSUS24080100001", fulfil="3.20"),
    # a refund row written all positive while 应收金额 is negative
    p_row("退货退款-订单退货", "-13.60", "GSUS24080100001", "I0SKU001", goods="20.00", coupon="2.00",
          activity="1.00", commission="3.40"),
    p_row("退货退款-订单调整", "-4.15", "GSUS24080100003", "I0SKU003", goods="-5.00", commission="0.85"),
    p_row("平台服务费-退货履约服务费", "-1.50", "GSUS24080100001", "I0SKU001", fulfil="1.50"),
    p_row("奖惩及其他-违规处罚扣款", "-5.00", "GSUS24080100004"),
    p_row("奖惩及其他-违规处罚补款", "2.50", "GSUS24080100004"),
    p_row("订单销售收入-丢货补款", "8.00", "GSUS24080100005", "I0SKU004"),
    p_row("订单销售收入-退货冻结差额补款", "1.10", "GSUS24080100005"),
    p_row("订单销售收入-退货冻结差额扣款", "-0.60", "GSUS24080100005"),
    p_row("订单销售收入-退货丢货补款", "4.00", "GSUS24080100006"),
    p_row("退货退款-仓库退货", "-3.00", "GSUS24080100007"),
    p_row("退货退款-订单状态修正", "0.50", "GSUS24080100007"),
    p_row("平台服务费-备货作业费", "-0.80", "GSUS24080100008"),
    p_row("平台服务费-退货处理费", "-0.70", "GSUS24080100008"),
    p_row("平台服务费-标准仓储费", "-12.00"),
    p_row("平台服务费-超库龄附加仓储费", "-6.00"),
    p_row("平台服务费-库存盘亏", "-9.99"),
    p_row("平台服务费-库存盘盈", "9.99"),
    p_row("奖惩及其他-订单异常补款", "1.00", "GSUS24080100009"),
    p_row("奖惩及其他-订单异常扣款", "-1.00", "GSUS24080100009"),
    p_row("奖惩及其他-履约服务费补款", "0.40", "GSUS24080100009"),
    p_row("奖惩及其他-履约服务费扣款", "-0.40", "GSUS24080100009"),
    p_row("奖惩及其他-平台激励补款", "3.30", paid="2024-08-22"),
    # seed 002 maps 仓储费扣款 for semi-managed stores only: that rule, flagged
    p_row("奖惩及其他-仓储费扣款", "-2.00"),
    # a type seed 002 does not know: 应收金额 by its sign, flagged
    p_row("奖惩及其他-神秘调整", "-1.23", "GSUS24080100010"),
    # a column nobody knows (物流补贴) is exactly what makes the row add up: counted, flagged
    p_row("订单销售收入-订单收入", "9.00", "GSUS24080100011", "I0SKU005", goods="10.00", commission="-1.50",
          subsidy="0.50"),
    # a known column the 订单收入 rule does not map (履约服务费) makes it add up: its nearest category, flagged
    p_row("订单销售收入-订单收入", "7.50", "GSUS24080100012", "I0SKU006", goods="10.00", commission="-1.50",
          fulfil="-1.00"),
    # nothing explains the last 0.50: kept as "(unexplained)", so the line still adds up to 应收金额
    p_row("订单销售收入-订单收入", "8.50", "GSUS24080100013", "I0SKU007", goods="10.00", commission="-1.00"),
]


P_SUMMARY = ["已完成账单汇总", "", "账单数：1", "", "应收金额合计：14.75"]
TOTAL_ROW = ["合计", *[""] * 14, "14.75", "", "", ""]


def platform_book(rows=P_ROWS, wrong_dimension=False) -> bytes:
    return xlsx({"已完成账单": [P_SUMMARY, P_HEADER, *rows, TOTAL_ROW]}, wrong_dimension=wrong_dimension)


# Temu: the 待处理款项 (pending) export -------------------------------------------------------------------
PENDING_HEADER = [
    ["PO单号", "商品信息 * 销售件数", "", "", "", "币种", "销售回款", "销售回款已减优惠", "销售冲回", "运费回款",
     "运费冲回", "运费回款已减优惠"],
    ["", "SKU ID", "SKU名称", "件数", "申报价格"],
]
PENDING_ROWS = [
    ["PO-211-101", "17290000000000011", "Lamp", "1", "25.00", "USD", "24.00", "1.00", "0", "3.99", "0", "0"],
    ["", "17290000000000012", "Bulb", "2", "3.00"],
    ["PO-211-102", "17290000000000013", "Vase", "1", "12.00", "USD", "12.00", "0", "-12.00", "0", "0", "0"],
]

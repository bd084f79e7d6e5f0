"""Temu 财务明细 / 账务明细 export (FundDetail), semi- or fully-managed stores: every movement a `fund_line`.

Movements come as one sheet per kind (sheet 收支类型-子类, the amount column named after it) or as one list with
a type column; a workbook may also carry a PO明细账单 sheet (po_exports). Times are GMT+8.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from companion.sources import cells, tables
from companion.sources.headers import Columns, Located, norm
from companion.sources.mapping import books
from companion.sources.model import Line, ParseResult, SourceError
from companion.sources.tabular import Context, Hints, at_row, cell
from companion.sources.temu.funds import (
    PUNCT,
    TIMEZONE,
    FundKeys,
    FundRow,
    fund_lines,
    is_fund_sheet,
    kind_of,
    match_form,
    sku_parts,
    type_key,
)
from companion.sources.temu.po_exports import PO_DETAIL_COLUMNS, po_detail_lines
from companion.sources.temu.sheets import (
    TemuTable,
    another_platform,
    body,
    money,
    store_of,
    text,
    unknown_money,
    with_subheader,
    written,
    written_positive,
)

FUND_COLUMNS = Columns({
    "time": ("账务时间", "账务时间(GMT+8)", "账务日期"),
    "order": ("订单编号", "订单号", "销售订单", "关联订单号", "关联单号"),
    "after_sale": ("售后单号", "售后订单"),
    "stock_order": ("备货单号",),
    "violation": ("违规编号", "违规单号", "违规ID"),
    "currency": ("币种", "货币"),
    "remark": ("备注", "费用备注", "账单备注"),
    "type": ("账务类型", "费用类型", "交易类型", "类型", "资金类型", "业务类型"),
    "group": ("收支类型", "收支方向"),
    "subtype": ("子类", "账务子类", "费用子类"),
    "sku_id": ("SKU ID", "SKUID", "skuId"),
    "msku": ("SKU货号", "SKU 货号", "货号"),
    "sku_name": ("货品名称", "SKU名称", "商品名称"),
    "quantity": ("销售数量", "数量", "件数"),
    # 对账中心 exports list a row's SKUs in one cell (交易收入; a refund's as just "sku明细"): funds.sku_parts.
    "sku_detail": ("sku明细（SKU ID_SKU货号_SKU名称_SKU属性_销售数量）", "sku明细"),
    # The amount: its column is named after the sheet.
    "amount": ("收支金额", "金额", "支出金额", "交易收入", "退款金额", "售后退款金额", "运费收入", "运费退款",
               "赔付金额", "扣款金额", "费用金额", "收入金额(元)", "支出金额(元)"),
    "income_amount": ("收入金额",),
    "item_coupon": ("单品券优惠金额", "单品优惠券金额", "单品券金额"),
    "shop_coupon": ("店铺满减券优惠金额", "店铺满减券金额"),
    "declared_discount": ("申报价格折扣金额",),
    "item_coupon_refund": ("单品券售后退款金额",),
    "shop_coupon_refund": ("店铺满减券售后退款金额",),
    "declared_discount_refund": ("申报价格折扣售后退款金额",),
    "consumer_refund": ("消费者退款金额",),
    "after_sale_subsidy": ("非商责平台售后补贴金额",),
    "base_shipping_income": ("订单运费-基础运费收入", "基础运费收入"),
    "signature_income": ("订单运费-签名服务费收入", "签名服务费收入"),
    "base_shipping_refund": ("订单运费-基础运费退款", "基础运费退款"),
    "signature_refund": ("订单运费-签名服务费退款", "签名服务费退款"),
    "freight_tax": ("代扣运费税",),
    "freight_tax_return": ("代扣运费税退回",),
}, required=("time",))
_FUND_PARTS = ("income_amount", "item_coupon", "shop_coupon", "declared_discount", "item_coupon_refund",
               "shop_coupon_refund", "declared_discount_refund", "consumer_refund", "after_sale_subsidy",
               "base_shipping_income", "signature_income", "base_shipping_refund", "signature_refund",
               "freight_tax", "freight_tax_return")
_FUND_TEXT = ("after_sale", "stock_order", "violation")


@dataclass
class _FundSheet:
    name: str
    layout: str  # sheet (one kind per sheet) | list (a type column) | po (a PO明细账单 sheet in the workbook)
    start: int
    located: Located


class FundDetail(TemuTable):
    """财务明细 / 账务明细 (FundDetail), semi- or fully-managed: every movement becomes a `fund_line`."""

    name = "temu.fund_detail"
    version = 2  # 2: the key holds the order; sku明细 cells give SKUs and quantities
    columns = FUND_COLUMNS

    def recognizes(self, src) -> bool:
        if src.kind != "file" or not isinstance(src.payload, dict) or another_platform(src):
            return False
        book = tables.workbook_of(src.payload)
        return book is not None and any(s.layout != "po" for s in self._sheets(book)[0])

    def _sheets(self, book: tables.Workbook) -> tuple[list[_FundSheet], list[str]]:
        """The sheets this adapter reads, and the non-empty ones it does not understand."""
        found, skipped = [], []
        for sheet in book.sheet_names:
            try:
                top = book.first_rows(sheet, self.scan)
            except SourceError:
                skipped.append(sheet)
                continue
            hit = FUND_COLUMNS.find_header(top, self.scan)
            if hit is not None:
                start, located = with_subheader(FUND_COLUMNS, top, *hit)
                layout = _fund_layout(sheet, located)
                if layout:
                    found.append(_FundSheet(sheet, layout, start, located))
                    continue
            po = PO_DETAIL_COLUMNS.find_header(top, self.scan)
            if po is not None:
                found.append(_FundSheet(sheet, "po", po[0], po[1]))
            elif any(not cells.blank(c) for row in top for c in row):
                skipped.append(sheet)
        return found, skipped

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        ctx = Context(book.name, Hints.of(src.payload), src.captured_at)
        sheets, skipped = self._sheets(book)
        by_sheet = {type_key(s.name) for s in sheets if s.layout == "sheet"}
        keys, lines, covered = FundKeys(), [], 0
        for sheet in sheets:
            rows = book.rows(sheet.name)
            if sheet.layout == "po":
                lines += po_detail_lines(ctx, sheet.name, rows, sheet.start, sheet.located)
                continue
            got, left_out = _fund_sheet_lines(ctx, sheet, rows, keys, by_sheet if sheet.layout == "list" else set())
            lines += got
            covered += left_out
        if not lines:
            raise SourceError.of("temu_fund_no_rows", file=book.name)
        store = store_of(ctx, lines[0].currency)
        for line in lines:
            line.store = store
        stated = {}
        if skipped:
            stated["skipped_sheets"] = skipped
        if covered:
            stated["left_to_their_sheets"] = covered  # list rows of a kind that has its own sheet here
        report = "fund_detail" if any(s.layout == "sheet" for s in sheets) else "account_detail"
        return ParseResult(self.name, self.version, lines, stated, [], report)


def _fund_layout(sheet: str, located: Located) -> str:
    """"sheet": a sheet of one kind (named 收支类型-子类) with its amount; "list": movements with a type column."""
    if is_fund_sheet(sheet) and _amount_column(located, sheet) is not None:
        return "sheet"
    if "amount" in located.index and any(n in located.index for n in ("type", "group", "subtype")):
        return "list"
    return ""


def _amount_column(located: Located, sheet: str) -> str | None:
    """The canonical "amount", or the one unknown column named after the sheet (税金退回 → 税金退回金额)."""
    if "amount" in located.index:
        return "amount"
    sub = match_form(sheet)
    for i, header in located.unknown:
        form = PUNCT.sub("", norm(header))
        if form in (sub, sub + "金额") or (form.endswith("金额") and form[:-2] and form[:-2] in sub):
            located.index["amount"] = i
            return "amount"
    return "parts" if any(p in located.index for p in _FUND_PARTS) else None  # the seed's parts, no total


def _fund_type(row: Sequence[object], located: Located, sheet: str, layout: str) -> tuple[str, int]:
    """(the movement's type as written, the direction its group states: -1 支出, 1 收入, 0 none)."""
    if layout == "sheet":
        return sheet, 0
    group, kind, sub = (text(row, located, n) for n in ("group", "type", "subtype"))
    direction = {"支出": -1, "收入": 1}.get(group, 0)
    name = sub or kind
    if group and not direction:
        name = f"{group}-{name}" if name else group
    return name or sheet, direction


def _fund_sheet_lines(ctx: Context, sheet: _FundSheet, rows: list, keys: FundKeys, by_sheet: set[str]
                      ) -> tuple[list[Line], int]:
    located, layout = sheet.located, sheet.layout
    if layout == "sheet":
        _amount_column(located, sheet.name)
    money_columns = [n for n in ("amount", *_FUND_PARTS) if n in located.index]
    skip = set(located.index.values())  # an unknown header taken as the amount is not loose money too

    # Money out written as positive numbers is negated, decided per column and kind (a sheet is one kind).
    positive: dict[tuple[str, str], bool] = {}

    def is_positive(kind_key: str, column: str, kind_rows) -> bool:
        if (kind_key, column) not in positive:
            positive[(kind_key, column)] = written_positive(rows, sheet.start, located, column, kind_rows)
        return positive[(kind_key, column)]

    lines, covered = [], 0
    for number, row, total in body(rows, sheet.start):
        if total:
            continue
        try:
            type_text, direction = _fund_type(row, located, sheet.name, layout)
            if type_key(type_text) in by_sheet:
                covered += 1
                continue
            row_key = type_key(type_text)

            def same_kind(other, key=row_key):
                return type_key(_fund_type(other, located, sheet.name, layout)[0]) == key

            fund = _fund_row(row, located, type_text, direction, money_columns, skip,
                             lambda column, key=row_key, f=same_kind: is_positive(key, column, f))
            if fund is not None:
                lines += fund_lines(fund, keys)
        except SourceError as exc:
            raise at_row(exc, ctx.file, sheet.name, number) from exc
    return lines, covered


def _fund_row(row: Sequence[object], located: Located, type_text: str, direction: int, money_columns: list[str],
              skip: set[int], positive: Callable[[str], bool]) -> FundRow | None:
    kind = kind_of(type_text, text(row, located, "remark"))
    signs = {column: book.sign for column, book in books(kind.parts)}

    def signed(column: str) -> Decimal:
        value = money(row, located, column)
        sign = kind.sign if column == "amount" else signs.get(column, 0)
        if column == "amount" and direction:
            return -abs(value) if direction < 0 else value
        return -value if sign < 0 and value > 0 and positive(column) else value

    values = {c: signed(c) for c in money_columns}
    when = cells.when(cell(row, located, "time"), TIMEZONE)
    if when is None:
        if not any(values.values()):
            return None
        raise SourceError.of("temu_fund_amount_without_time")
    currency = text(row, located, "currency").upper()
    if not currency:
        raise SourceError.of("temu_fund_currency_empty")
    loose, extra = unknown_money(row, located, skip)
    for name in (*_FUND_TEXT, "remark"):
        if text(row, located, name):
            extra[written(located, name)] = text(row, located, name)
    return FundRow(
        when=when,
        type=type_text,
        remark=text(row, located, "remark"),
        currency=currency,
        total=values.get("amount"),
        total_name=written(located, "amount") if "amount" in located.index else "",
        parts=[(c, written(located, c), values[c]) for c in money_columns if c != "amount" and values[c]],
        loose=loose,
        order_id=text(row, located, "order") or None,
        sku_id=text(row, located, "sku_id") or None,
        sku_name=text(row, located, "sku_name") or None,
        msku=text(row, located, "msku") or None,
        quantity=cells.quantity(cell(row, located, "quantity")),
        extra=extra,
        skus=sku_parts(cell(row, located, "sku_detail"), written(located, "sku_detail"))
        if "sku_detail" in located.index else [],
    )


ADAPTERS = (FundDetail(),)

"""SHEIN settlement reports (XLSX or CSV), mapped to the profit model as seed 002 says.

- 已完成账单 (我的收入 → 已完成结算收入, new version, exported with 含订单及详细商品导出): one row per bill
  line and product. Row 1 is a summary, the header is row 2. Each row is a bill row (bills.py).
- 收支明细: the money movements of the seller's SHEIN account (no seed mapping: see IncomeExpense).

Exports do not name their store: it comes from --account or the file name (平台_店铺_报告名_时间).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns, Located
from companion.sources.mapping import by_sign
from companion.sources.model import IN_TRANSIT, SETTLED, Line, ParseResult, SourceError, SourceField, Stated
from companion.sources.shein.bills import (
    BILL_COLUMNS,
    DEFAULT_NAMES,
    FUND_FAMILY,
    LABEL,
    MONEY,
    NO_STORE,
    PLATFORM,
    TZ,
    BillRow,
    Keyer,
    RowAt,
    amount_key,
    amount_of,
    bill_line,
    is_expense,
    is_pending,
    looks_like_temu,
    mode_of,
    row_currency,
    text_of,
)
from companion.sources.shein.sites import currency_of_site, currency_text, site_code
from companion.sources.tabular import Hints, TableAdapter, at_row, data_rows, store_for_file

# --------------------------------------------------------------------------------------------- the summary row
_PAIR = re.compile(r"([^:：,，;；|\s][^:：,，;；|]*?)\s*[:：]\s*([-+]?[\d,]*\.?\d+)")


def summary_figures(rows: Sequence[Sequence[object]], header: Sequence[object]) -> dict[str, Decimal]:
    """The figures the rows above the header state, by label: 'label: amount' in one cell, a label cell followed
    by an amount; then amounts that stand under a column of the header, by that column's name."""
    labelled: dict[str, Decimal] = {}
    aligned: dict[str, Decimal] = {}
    for row in rows:
        row = list(row)
        for i, value in enumerate(row):
            if cells.blank(value):
                continue
            amount = cells.loose_amount(value)
            if amount is None and isinstance(value, str):
                pairs = _PAIR.findall(value)
                for label, number in pairs:
                    labelled.setdefault(label.strip(), cells.money(number))
                following = next((c for c in row[i + 1:] if not cells.blank(c)), None)
                if not pairs and following is not None and (number := cells.loose_amount(following)) is not None:
                    labelled.setdefault(value.strip().rstrip(":："), number)
            elif amount is not None and i < len(header) and not cells.blank(header[i]):
                aligned.setdefault(str(header[i]).strip(), amount)
    return {**labelled, **{k: v for k, v in aligned.items() if k not in labelled}}


def stated_total(figures: dict[str, Decimal]) -> tuple[str, Decimal] | None:
    """The file's 应收金额 total among the summary figures (应收金额合计, 应收总额, or the amount under 应收金额)."""
    for label, amount in figures.items():
        if "应收" in label or "receivable" in label.lower():
            return label, amount
    return None


# -------------------------------------------------------------------------------------------------- 已完成账单
class CompletedBills(TableAdapter):
    """已完成账单 (账单商品维度): settled bill rows per product, platform-mode or semi-managed stores."""

    name = "shein.completed_bills"
    version = 1
    report_type = "completed_bills"
    columns = BILL_COLUMNS

    def accepts(self, sheet: str, located: Located) -> bool:
        return not looks_like_temu(located)

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        keyer = Keyer()
        lines: list[Line] = []
        sites: set[str] = set()
        figures: dict[str, Decimal] = {}
        for sheet, header_at, located in self.matching(book):
            rows = book.rows(sheet)
            lines += self._sheet(book.name, hints, src.captured_at, sheet, rows, header_at, located, keyer, sites)
            for label, amount in summary_figures(rows[:header_at], rows[header_at]).items():
                figures.setdefault(label, amount)
        if not lines:
            raise SourceError.of("shein_no_data_rows", file=book.name, report=self.report_type)
        currencies = {ln.currency for ln in lines}
        region = sites.pop() if len(sites) == 1 else ""
        store = store_for_file(hints, PLATFORM, book.name, region, lines[0].currency, TZ, LABEL)
        for line in lines:
            line.store = store
        totals = []
        stated: dict = {"summary": {k: str(v) for k, v in figures.items()}} if figures else {}
        total = stated_total(figures)
        if total is not None and len(currencies) == 1:
            totals.append(Stated(store, "file_total", book.name, total[1], lines[0].currency, scope=(
                ("report", self.report_type), ("label", total[0]))))
        return ParseResult(self.name, self.version, lines, stated, totals, self.report_type)

    def _sheet(self, file: str, hints: Hints, captured_at: datetime, sheet: str, rows: list, header_at: int,
               located: Located, keyer: Keyer, sites: set[str]) -> list[Line]:
        hint = hints.name.mode if hints.name is not None else ""
        if not hint:
            hint = "semi" if "半托管" in file else "platform" if "平台模式" in file else ""
        mode, basis = mode_of(set(located.index), hint)
        parsed: list[tuple[BillRow, str | None]] = []
        for number, raw in data_rows(rows, header_at + 1):
            row = file_row(raw, located, RowAt(file, sheet, number))
            parsed.append((row, row_currency(row)))
        known = {c for _, c in parsed if c}
        fallback = known.pop() if len(known) == 1 else (hints.store.currency if hints.store else "")
        lines = []
        for row, currency in parsed:
            if not (currency or fallback):
                raise row.where.wrap(SourceError.of("shein_no_site_or_currency_column", site_header=row.name("site"),
                                                    currency_header=DEFAULT_NAMES["currency"]))
            row_mode, row_basis = (mode, basis) if mode else _row_mode(row)
            line = bill_line(row, row_mode, row_basis, keyer, currency or fallback, captured_at)
            if line is not None:
                sites.add(site_code(row.text("site")))
                lines.append(line)
        return lines


def _row_mode(row: BillRow) -> tuple[str, str]:
    """A file with both or neither mode's columns: the mode of the columns this row fills, else platform."""
    filled = {c for c in MONEY if c in row.values and row.amount(c)}
    mode, _ = mode_of(filled)
    return (mode, "row values") if mode else ("platform", "default")


def file_row(raw: Sequence[object], located: Located, where: RowAt) -> BillRow:
    values: dict[str, object] = {}
    names: dict[str, str] = {}
    for canonical, i in located.index.items():
        if i < len(raw):
            values[canonical] = raw[i]
            names[canonical] = located.headers[i].strip()
    loose = [(header.strip(), raw[i]) for i, header in located.unknown if i < len(raw) and not cells.blank(raw[i])]
    signature = "\x1f".join("" if c is None else str(c) for c in raw).rstrip("\x1f")
    return BillRow(where, values, names, loose, signature)


# ---------------------------------------------------------------------------------------------------- 收支明细
FUND_COLUMNS = Columns({
    "time": ("时间", "交易时间", "收支时间", "发生时间", "入账时间", "变动时间", "创建时间", "日期", "Time"),
    "type": ("类型", "收支类型", "交易类型", "业务类型", "资金类型", "费用类型", "款项类型", "流水类型", "明细类型",
             "Type"),
    "subtype": ("子类型", "费用名称", "收支项目", "费用项目", "项目"),
    "direction": ("收支方向", "方向", "出入账方向", "收入/支出", "资金方向"),
    "amount": ("金额", "收支金额", "交易金额", "变动金额", "发生金额", "入账金额", "Amount"),
    "income_amount": ("收入金额", "收入"),
    "expense_amount": ("支出金额", "支出"),
    "currency": ("币种", "币别", "结算币种", "货币", "Currency"),
    "order_no": ("订单号", "关联订单号", "业务单号", "关联单号", "订单编号"),
    "bill_no": ("账单号", "报账单号", "关联账单号", "账单编号"),
    "serial": ("流水号", "交易流水号", "资金流水号", "流水单号", "单据号", "交易单号", "交易号"),
    "remark": ("备注", "说明", "描述", "摘要"),
    "balance": ("余额", "账户余额", "可用余额", "变动后余额"),
    "status": ("状态", "交易状态", "处理状态"),
    "site": ("站点",),
    "sku_id": ("平台SKU", "SKU"),
    "msku": ("商家SKU",),
}, required=("time", "type"))

# Movements that move settled money around (a bill's payout into the account, a withdrawal to the bank, a deposit):
# the bills themselves carry that money, so these are kept as stated payouts, never counted again as lines.
_PAYOUT_WORDS = ("提现", "转账", "充值", "保证金", "打款", "回款", "货款", "结算", "账单", "汇款", "划转", "付款")
# [guess] No seed mapping exists for 收支明细: the nearest category by the words of the movement's type.
_FUND_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("罚", "违规"), "penalty"),
    (("补贴", "补偿", "赔付", "赔偿", "激励", "补款", "返还", "返现"), "other_income"),
    (("仓储", "仓租", "库龄"), "storage_fee"),
    (("运费", "物流", "快递", "面单", "履约"), "platform_logistics"),
    (("广告", "推广", "营销"), "ad_fee"),
    (("增值税", "vat"), "vat"),
    (("税",), "other_tax"),
    (("佣金",), "platform_fee"),
    (("调整",), "adjustment"),
    (("退款", "退货"), "income_refund"),
)


def fund_category(what: str, amount: Decimal) -> str:
    text = what.lower()
    for words, category in _FUND_WORDS:
        if any(w in text for w in words):
            return category
    return by_sign(amount)


class IncomeExpense(TableAdapter):
    """收支明细: movements of the seller's SHEIN account. Fees and compensation become lines (family shein_fund,
    NET detail, referenced by order so a bill line of the same order supersedes them); payouts, withdrawals and
    deposits are stated payouts, since the bills already count that money."""

    name = "shein.income_expense"
    version = 1
    report_type = "income_expense"
    columns = FUND_COLUMNS

    def recognizes(self, src) -> bool:
        if src.kind != "file" or not isinstance(src.payload, dict):
            return False
        hints = Hints.of(src.payload)
        name = str(src.payload.get("name") or "")
        shein = ((hints.name is not None and hints.name.platform == PLATFORM)
                 or (hints.store is not None and hints.store.platform == PLATFORM)
                 or any(w in name.lower() for w in ("shein", "希音", "收支明细")))
        return shein and super().recognizes(src)

    def accepts(self, sheet: str, located: Located) -> bool:
        has_amount = bool({"amount", "income_amount", "expense_amount"} & set(located.index))
        return has_amount and not looks_like_temu(located) and not BILL_COLUMNS.matches(located.headers)

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        keyer = Keyer()
        lines: list[Line] = []
        payouts: list[tuple[str, Decimal, str, datetime | None]] = []
        for sheet, header_at, located in self.matching(book):
            for number, raw in data_rows(book.rows(sheet), header_at + 1):
                try:
                    self._row(raw, located, hints, keyer, lines, payouts)
                except SourceError as exc:
                    raise at_row(exc, book.name, sheet, number) from exc
        if not lines and not payouts:
            raise SourceError.of("shein_no_data_rows", file=book.name, report=self.report_type)
        currency = lines[0].currency if lines else payouts[0][2]
        store = store_for_file(hints, PLATFORM, book.name, "", currency, TZ, LABEL)
        for line in lines:
            line.store = store
        totals = [Stated(store, "payout", ref, amount, cur, at) for ref, amount, cur, at in payouts]
        return ParseResult(self.name, self.version, lines, {}, totals, self.report_type)

    def _row(self, raw: Sequence[object], located: Located, hints: Hints, keyer: Keyer,
             lines: list[Line], payouts: list) -> None:
        def get(name: str) -> object:
            i = located.index.get(name)
            return raw[i] if i is not None and i < len(raw) else ""

        def header(name: str) -> str:
            return located.headers[located.index[name]].strip()

        kind, sub = text_of(get("type")), text_of(get("subtype"))
        what = f"{kind}-{sub}" if kind and sub else kind or sub
        direction = text_of(get("direction")) or (kind if kind in ("收入", "支出") else "")
        if "amount" in located.index:
            amount = amount_of(get("amount"), header("amount"))
        else:
            income = amount_of(get("income_amount"), "收入金额") if "income_amount" in located.index else ZERO
            expense = amount_of(get("expense_amount"), "支出金额") if "expense_amount" in located.index else ZERO
            amount = income - abs(expense)
        if amount > 0 and is_expense(direction):
            amount = -amount
        at = cells.when(get("time"), TZ)
        if at is None:
            raise SourceError.of("shein_column_empty", header=header("time"))
        currency = currency_text(get("currency")) or currency_of_site(get("site")) or (
            hints.store.currency if hints.store else "")
        if not currency:
            raise SourceError.of("shein_fund_no_currency")
        serial = cells.text_id(get("serial"), "流水号")
        bill_no = cells.text_id(get("bill_no"), "账单号")
        order_no = cells.text_id(get("order_no"), "订单号")
        remark = text_of(get("remark"))
        if any(w in what for w in _PAYOUT_WORDS) and not order_no:
            payouts.append((serial or bill_no or f"{at.isoformat()}|{what}|{amount_key(amount)}", amount, currency, at))
            return
        category = fund_category(f"{what} {remark}", amount)
        extra = {header(c): text_of(get(c)) for c in ("direction", "remark", "status", "site", "bill_no", "serial")
                 if c in located.index and text_of(get(c))}
        balance = cells.loose_amount(get("balance")) if "balance" in located.index else None
        extra.update({h.strip(): text_of(raw[i]) for i, h in located.unknown
                      if i < len(raw) and not cells.blank(raw[i])})
        pending = is_pending(text_of(get("status")))
        signature = "\x1f".join("" if c is None else str(c) for c in raw)
        base = (FUND_FAMILY, serial) if serial else (FUND_FAMILY, at.isoformat(), what, order_no, amount_key(amount))
        sku_id = cells.text_id(get("sku_id"), "平台SKU")
        fields = [SourceField(header("amount") if "amount" in located.index else "收入金额/支出金额", amount, category,
                              True)]
        if balance:
            fields.append(SourceField(header("balance"), balance, None))
        lines.append(Line(
            store=NO_STORE, key=keyer.key(base, signature), status=IN_TRANSIT if pending else SETTLED,
            txn_type=what, currency=currency, settlement_amount=amount, amounts={category: amount} if amount else {},
            fields=fields, order_id=order_no or None, sku_id=sku_id or None,
            settled_time=None if pending else at, extra=extra,
            msku=cells.text_id(get("msku"), "商家SKU") or None, reference=order_no or None,
            statement_id=bill_no or None,
        ))


ADAPTERS = (CompletedBills(), IncomeExpense())

"""Temu settlement exports (XLSX or CSV), mapped to the profit model as seed 002 section 4 says.

Semi-managed (半托管) stores:
- 结算数据-已到账款项-PO明细账单 (SettledFlow): one row per settlement flow (交易类型 销售回款 / 运费回款 /
  销售冲回 / 运费冲回), at SKU level.
- 结算数据-已到账款项-po聚合账单 (SettledParentFlow): one row per PO, its further SKUs on continuation rows.
- 结算数据-待处理款项 (UnsettleFlow): the same shape, for money not settled yet.
Semi- and fully-managed (全托管) stores:
- 财务明细 / 账务明细 (FundDetail): fund movements, as one sheet per kind (sheet 收支类型-子类, the amount column
  named after it) or as one list with a type column. The captured `fund/detail/pageSearch` JSON holds the
  same movements: both build their lines with `fund_line`, so one movement gets one key whichever way it came.

Exports name no store: it comes from --account or the file name (平台_店铺_报告名_时间). Times are GMT+8.
Some headers span two rows (a group label such as "商品信息 * 销售件数" above SKU ID, SKU名称 …).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.sources import cells, tables
from companion.sources.headers import Columns, Located, norm
from companion.sources.model import (
    IN_TRANSIT,
    NET,
    SETTLED,
    SKU_SPLIT,
    SPLIT,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    Stated,
    StoreRef,
)
from companion.sources.tabular import Context, Hints, TableAdapter, cell, is_total_row, store_for_file

PLATFORM = "temu"
TIMEZONE = "Asia/Shanghai"  # Temu writes GMT+8 times without a zone
LABEL = "Temu"
FUND = "fund"  # the key family of fund movements, from an export or a capture alike
ZERO = Decimal(0)
CENT = Decimal("0.01")
_NO_STORE = StoreRef(PLATFORM, "")  # replaced once the file's store is known

# ---------------------------------------------------------------------------------------------------------------
# Fund movements: what each kind is (seed 002 ① and ②) and the one way a movement becomes a line.


@dataclass(frozen=True)
class Part:
    """A column the seed sums into a category instead of the row's amount."""

    column: str  # canonical column (FUND_COLUMNS)
    category: str
    sign: int  # +1 money in, -1 money out, 0 as written


@dataclass(frozen=True)
class Kind:
    """One kind of fund movement (a 财务明细 sheet, an 账务类型) and where its money goes."""

    category: str | None  # the amount's category; "" by its sign (not in the seed); None: not settlement money
    sign: int = 0  # +1 money in, -1 money out, 0 as written (decides how a positive export value is read)
    mapped: bool = True  # False: the seed does not name it; counted under the nearest category, flagged
    parts: tuple[Part, ...] = ()
    discounts: tuple[str, ...] = ()  # seller-funded discounts (see fund_line)
    order_money: bool = False  # the order's own money, which the PO reports also split (supersession)


_PENALTY = Kind("penalty", -1)
_OTHER_FEE = Kind("other_platform_fee", -1)
_STORAGE = Kind("storage_fee", -1)
_NOT_MONEY = Kind(None)
_BY_SIGN = Kind("", 0, mapped=False)
_BY_SIGN_OUT = Kind("", -1, mapped=False)

# Seed 002 ① (半托管, 财务明细 sheets and 账务明细 types) and ② (全托管). Patterns are in `_match_form`; exact
# matches win, then the first pattern contained in the type, so specific patterns come before general ones.
_KINDS: tuple[tuple[str, Kind], ...] = (
    # ① 销售额 = 交易收入 + 单品券优惠金额 + 店铺满减券优惠金额 + 申报价格折扣金额; ② 收入金额 → 销售额,
    # 单品券优惠金额 → 促销折扣.
    ("交易收入", Kind("sales", 1, parts=(Part("income_amount", "sales", 1),),
                     discounts=("item_coupon", "shop_coupon", "declared_discount"), order_money=True)),
    # ① 收入退款额 = 售后退款金额 + 单品券/店铺满减券/申报价格折扣 售后退款金额; ② 消费者退款金额 → 收入退款额,
    # 非商责平台售后补贴金额 → 补贴金额.
    ("售后退款", Kind("income_refund", -1, parts=(Part("consumer_refund", "income_refund", -1),
                                                  Part("after_sale_subsidy", "subsidy", 1)),
                     discounts=("item_coupon_refund", "shop_coupon_refund", "declared_discount_refund"),
                     order_money=True)),
    # ① 买家运费 = 订单运费-基础运费收入 + 订单运费-签名服务费收入; 费用退款额 = the same two refunds.
    ("运费收入", Kind("buyer_shipping", 1, parts=(Part("base_shipping_income", "buyer_shipping", 1),
                                                  Part("signature_income", "buyer_shipping", 1)), order_money=True)),
    ("运费退款", Kind("fee_refund", -1, parts=(Part("base_shipping_refund", "fee_refund", -1),
                                              Part("signature_refund", "fee_refund", -1)), order_money=True)),
    # ① 平台罚款: 支出-履约违规 / 买家拒付 / 欺诈发货 / 消费者和解 (and 账务明细 发货履约保障-延迟到货 / 虚假发货).
    ("履约违规", _PENALTY), ("买家拒付", _PENALTY), ("欺诈发货", _PENALTY), ("消费者和解", _PENALTY),
    ("延迟到货", _PENALTY), ("虚假发货", _PENALTY),
    # ① 平台物流费 = 代扣运费税 + 代扣运费税退回; 账务明细 发货面单费 + 发货面单费调整.
    ("税金代扣", Kind("platform_logistics", -1, parts=(Part("freight_tax", "platform_logistics", -1),
                                                      Part("freight_tax_return", "platform_logistics", 1)))),
    ("发货面单费调整", Kind("platform_logistics", 0)),
    ("发货面单费", Kind("platform_logistics", -1)),
    # ① 平台其他费 from 账务明细 (退货面单费 when no 退货面单费 report is imported).
    ("退货面单费平台承担", Kind("other_platform_fee", 0, mapped=False)),  # the platform's share of a label fee
    ("退货面单费调整", Kind("other_platform_fee", 0)),
    ("退货面单费", _OTHER_FEE),
    ("上门取件费", _OTHER_FEE), ("未能发货", _OTHER_FEE), ("广告服务费", _OTHER_FEE),
    ("在线下单活动补贴", Kind("other_platform_fee", 0)), ("售后非商责赔付", Kind("other_platform_fee", 0)),
    # ② 全托管.
    ("消费者及履约保障售后问题", _PENALTY), ("售后问题", _PENALTY), ("备货违规", _PENALTY), ("质量事故违规", _PENALTY),
    ("仓储综合服务费", _STORAGE), ("仓储增值服务贴标费", _STORAGE), ("贴标费", _STORAGE),
    ("非商责平台售后补贴调整", Kind("adjustment", 0)),
    ("非商责平台售后补贴", Kind("subsidy", 1)),
    ("商品环保费已扣费", _OTHER_FEE), ("商品环保费已退费", Kind("fee_refund", 1)),
    ("物流包装环保费已扣费", _OTHER_FEE), ("物流包装环保费已退费", Kind("fee_refund", 1)),
    ("代付服务费已扣费", _OTHER_FEE),
    # Not in the seed: the nearest category, flagged unmapped.
    ("技术服务费", Kind("platform_fee", -1, mapped=False)),  # a commission in all but name
    ("售后运费结算", Kind("other_platform_fee", 0, mapped=False)),  # the seed names its 上门取件费 part
    ("税金退回", Kind("platform_logistics", 1, mapped=False)),  # like 代扣运费税退回
    ("消费者及履约保障", Kind("penalty", -1, mapped=False)),  # siblings of 售后问题 (售后补寄 …)
    ("处置费", Kind("other_platform_fee", -1, mapped=False)),
    ("环保费", Kind("other_platform_fee", 0, mapped=False)),
    # Moves of the seller's own balance, not settlement money: kept, never counted.
    ("提现", _NOT_MONEY), ("充值", _NOT_MONEY), ("解冻", _NOT_MONEY), ("冻结", _NOT_MONEY), ("余额转", _NOT_MONEY),
)
_EXACT = {pattern: kind for pattern, kind in _KINDS}
# 收支类型: the part of a sheet name (结算-交易收入) or of a type before its 子类.
_GROUPS = ("结算", "支出", "其他", "账户", "收入", "退费", "赔付", "代付")
_CONTINUATION = re.compile(r"-\d+$")  # 支出-履约违规-1, -2: one kind split over sheets
_PUNCT = re.compile(r"[\s()\[\]【】\-_/·:]")


def type_key(text: object) -> str:
    """A movement's type as keys hold it: the 子类 of 收支类型-子类, without continuation numbers or spaces."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    key = _CONTINUATION.sub("", key)
    for group in _GROUPS:
        if key.startswith(group + "-"):
            return key[len(group) + 1:]
    return key


def _match_form(text: object) -> str:
    return _PUNCT.sub("", type_key(text))


def _lookup(text: object) -> Kind | None:
    form = _match_form(text)
    if not form:
        return None
    if form in _EXACT:
        return _EXACT[form]
    return next((kind for pattern, kind in _KINDS if pattern in form), None)


def kind_of(type_text: object, remark: object = "") -> Kind:
    """The kind of a movement from its type (sheet name, 账务类型, fundTypeDesc), else its remark."""
    kind = _lookup(type_text) or _lookup(remark)
    if kind is not None:
        return kind
    group = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(type_text or ""))).split("-", 1)[0]
    return _BY_SIGN_OUT if group == "支出" else _BY_SIGN


def is_fund_sheet(name: str) -> bool:
    """A 财务明细 sheet: 收支类型-子类, or a kind the seed names."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return any(text.startswith(g + "-") for g in _GROUPS) or _lookup(name) is not None


def instant(when: datetime) -> str:
    """An absolute time to the second, as keys hold it (exports have no milliseconds)."""
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def amount_text(value: Decimal) -> str:
    """An amount as keys hold it: 5, 5.0 and 5.00 are one amount."""
    if not value:
        return "0.00"
    cents = value.quantize(CENT)
    return str(cents) if cents == value else format(value.normalize(), "f")


@dataclass
class FundRow:
    """One fund movement as a source gives it, amounts already signed from the seller's side."""

    when: datetime
    type: str  # as written: the sheet name, the type column or fundTypeDesc
    remark: str
    currency: str
    total: Decimal | None  # the movement's amount; None when the source has only its parts
    total_name: str
    parts: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (canonical, as written, amount)
    loose: list[tuple[str, Decimal]] = field(default_factory=list)  # money columns nobody maps
    order_id: str | None = None
    sku_id: str | None = None
    sku_name: str | None = None
    msku: str | None = None
    quantity: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class FundKeys:
    """Natural keys of fund movements: ("fund", time, type, amount, n). Movements carry no id both sources
    share, so exact repeats (same second, type and amount) are told apart by their order of appearance."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], int] = {}

    def key(self, row: FundRow, amount: Decimal) -> tuple[str, ...]:
        base = (instant(row.when), type_key(row.type), amount_text(amount))
        n = self._seen.get(base, 0)
        self._seen[base] = n + 1
        return (FUND, *base, str(n))


def fund_line(row: FundRow, keys: FundKeys, store: StoreRef = _NO_STORE) -> Line:
    """A fund movement → one settled line. Seller-funded discounts (单品券优惠金额 …) are counted where the
    seed says (in 销售额 / 收入退款额, as its formulas add them to 交易收入 / 售后退款金额) and taken back as
    promo_discount, so the line still adds up to the money that moved."""
    kind = kind_of(row.type, row.remark)
    amounts: dict[str, Decimal] = {}
    fields: list[SourceField] = []
    extra = dict(row.extra)
    flagged = not kind.mapped

    def add(name: str, value: Decimal, category: str, unmapped: bool) -> None:
        if value:
            amounts[category] = amounts.get(category, ZERO) + value
            fields.append(SourceField(name, value, category, unmapped))

    moved = row.total if row.total is not None else _parts_total(kind, row.parts)
    if kind.category is None:
        fields.append(SourceField(row.total_name, moved, None, True))
        extra["not_settlement"] = "a move of the seller's own balance (withdrawal, top-up, freeze), not counted"
        settlement = ZERO
    else:
        category = kind.category or ("other_income" if moved >= 0 else "other_platform_fee")
        named = {p.column: p for p in kind.parts}
        found = [(c, n, v) for c, n, v in row.parts if c in named]
        for column, name, value in found:
            add(name, value, named[column].category, flagged)
        if found:
            if row.total is not None:
                fields.append(SourceField(row.total_name, row.total, None))  # the stated total of its parts
        elif row.total is not None:
            add(row.total_name, row.total, category, flagged)
        direction = -1 if moved < 0 or (not moved and kind.sign < 0) else 1
        for column, name, value in row.parts:
            if column in kind.discounts:
                share = abs(value) * direction
                if not found:
                    add(name, share, category, flagged)
                add(name, -share, "promo_discount", flagged)
            elif column not in named:
                fields.append(SourceField(name, value, None, True))  # a column of another kind's sheet
        settlement = moved
        explain(settlement, amounts, fields, row.loose, extra)
    return Line(
        store=store,
        key=keys.key(row, moved),
        status=SETTLED,
        txn_type=row.type,
        currency=row.currency,
        settlement_amount=settlement,
        amounts={k: v for k, v in amounts.items() if v},
        fields=fields,
        order_id=row.order_id,
        sku_id=row.sku_id,
        sku_name=row.sku_name,
        msku=row.msku,
        quantity=row.quantity,
        settled_time=row.when,
        extra=extra,
        reference=row.order_id if kind.order_money else None,
        detail=NET,  # the PO reports split the same orders further and supersede these lines
    )


def _parts_total(kind: Kind, parts: list[tuple[str, str, Decimal]]) -> Decimal:
    """What moved when a row states only its parts: the seed's columns less the discounts taken off them."""
    named = {p.column for p in kind.parts}
    gross = sum((v for c, _, v in parts if c in named), ZERO)
    off = sum((abs(v) for c, _, v in parts if c in kind.discounts), ZERO)
    return gross - off if gross >= 0 else gross + off


def explain(total: Decimal, amounts: dict[str, Decimal], fields: list[SourceField],
             loose: list[tuple[str, Decimal]], extra: dict[str, str]) -> None:
    """Money columns nobody maps are counted (flagged) only when they are exactly what makes the line add up
    to its stated total; otherwise kept for drill-down and the difference noted."""
    missing = total - sum(amounts.values(), ZERO)
    if loose and missing and sum(v for _, v in loose) == missing:
        for name, value in loose:
            category = "other_income" if value > 0 else "other_platform_fee"
            amounts[category] = amounts.get(category, ZERO) + value
            fields.append(SourceField(name, value, category, True))
        return
    fields.extend(SourceField(name, value, None, True) for name, value in loose)
    if missing:
        extra["unexplained"] = str(missing)


# ---------------------------------------------------------------------------------------------------------------
# Reading sheets: two-row headers, signs, cells.

_ID_WHAT = {"order": "订单编号", "po": "PO单号", "flow_id": "结算流水ID", "sku_id": "SKU ID", "batch": "批次号",
            "document": "单据号", "after_sale": "售后单号", "stock_order": "备货单号", "violation": "违规编号"}


def with_subheader(columns: Columns, rows: Sequence[Sequence[object]], header_at: int, located: Located
                   ) -> tuple[int, Located]:
    """(index of the first data row, header). When the row under the header holds only column names, one of
    them known and new (SKU ID under "商品信息 * 销售件数"), the two rows are one header."""
    if header_at + 1 >= len(rows):
        return header_at + 1, located
    below = rows[header_at + 1]
    names = [c for c in below if not cells.blank(c)]
    if not names or not all(isinstance(c, str) and _maybe_amount(c) is None for c in names):
        return header_at + 1, located
    if not any(columns.canonical(c) not in (None, *located.index) for c in names):
        return header_at + 1, located
    top = rows[header_at]
    merged = [b if not cells.blank(b) else a for a, b in itertools.zip_longest(top, below, fillvalue="")]
    return header_at + 2, columns.locate(merged)


def _maybe_amount(text: str) -> Decimal | None:
    try:
        return cells.money(text.strip()) if any(ch.isdigit() for ch in text) else None
    except SourceError:
        return None


def body(rows: Sequence[Sequence[object]], start: int) -> Iterator[tuple[int, Sequence[object], bool]]:
    """(row number from 1, row, is a 合计/总计 row) for the non-blank rows from `start`."""
    for i in range(start, len(rows)):
        row = rows[i]
        if all(cells.blank(c) for c in row):
            continue
        yield i + 1, row, is_total_row(row)


def text(row: Sequence[object], located: Located, name: str) -> str:
    value = cell(row, located, name)
    if cells.blank(value):
        return ""
    if name in _ID_WHAT:
        return cells.text_id(value, _ID_WHAT[name])
    return value.isoformat() if hasattr(value, "isoformat") else str(value).strip()


def money(row: Sequence[object], located: Located, name: str) -> Decimal:
    return cells.money(cell(row, located, name))


def written(located: Located, name: str) -> str:
    """A column's header as the file writes it (for drill-down)."""
    return located.headers[located.index[name]].strip()


def written_positive(rows: Sequence[Sequence[object]], start: int, located: Located, name: str,
                     keep: Callable[[Sequence[object]], bool] | None = None) -> bool:
    """Whether a money-out column is written as positive numbers (every non-zero value above 0), in which case
    its values are negated; a column that already holds negatives is signed from the seller's side."""
    i = located.index.get(name)
    if i is None:
        return False
    seen = False
    for _, row, total in body(rows, start):
        if total or i >= len(row) or (keep is not None and not keep(row)):
            continue
        try:
            value = cells.money(row[i])
        except SourceError:
            continue  # reported with its row when the row is read
        if value < 0:
            return False
        seen = seen or value > 0
    return seen


def unknown_money(row: Sequence[object], located: Located, skip: set[int] = frozenset()
                  ) -> tuple[list[tuple[str, Decimal]], dict[str, str]]:
    """Columns no spec names: amounts (for drill-down) and text (the line's extra)."""
    loose: list[tuple[str, Decimal]] = []
    extra: dict[str, str] = {}
    for i, header in located.unknown:
        if i in skip or i >= len(row) or cells.blank(row[i]):
            continue
        value = row[i]
        amount = _loose_amount(value)
        if amount is None:
            extra[header.strip()] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        elif amount:
            loose.append((header.strip(), amount))
    return loose, extra


def _loose_amount(value: object) -> Decimal | None:
    """An amount if the cell reads as one; long digit runs without a point are IDs (tracking numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, (int, float)):
        return cells.money(value) if abs(value) < 1e9 else None
    stripped = value.strip()
    digits = sum(ch.isdigit() for ch in stripped)
    if not digits or len(stripped) > 32 or (digits > 9 and "." not in stripped):
        return None
    return _maybe_amount(stripped)


def _where(ctx: Context, sheet: str, number: int) -> str:
    return f"{ctx.file}, sheet {sheet!r}, row {number}: "


def _named(exc: SourceError, where: str) -> SourceError:
    message = str(exc)
    return type(exc)(message if message.startswith(where.split(",")[0]) else where + message)


def _store(ctx: Context, currency: str) -> StoreRef:
    return store_for_file(ctx.hints, PLATFORM, ctx.file, "", currency, TIMEZONE, LABEL)


def _another_platform(src) -> bool:
    """The file is named or imported as another platform's report (tie-break with look-alike layouts)."""
    hints = Hints.of(src.payload) if isinstance(src.payload, dict) else Hints()
    said = {hints.name.platform if hints.name else "", hints.store.platform if hints.store else ""}
    return bool(said - {"", PLATFORM})


class _TemuTable(TableAdapter):
    def recognizes(self, src) -> bool:
        return src.kind == "file" and isinstance(src.payload, dict) and not _another_platform(src) and (
            super().recognizes(src))


# ---------------------------------------------------------------------------------------------------------------
# 结算数据-已到账款项-PO明细账单 (SettledFlow): one settlement flow per row, SKU level.

_SKU = {
    "sku_id": ("SKU ID", "SKUID", "SKU id", "skuId"),
    "sku_name": ("SKU名称", "SKU 名称", "商品名称"),
    "msku": ("SKU货号", "SKU 货号", "货号"),
    "quantity": ("件数", "数量", "销售件数"),
    "price": ("申报价格", "申报价格(单价)"),
    "activity": ("是否活动价",),
    "currency": ("币种", "货币", "币种 "),
}

PO_DETAIL_COLUMNS = Columns({
    "flow_id": ("结算流水ID", "结算流水号", "结算流水 ID"),
    "batch": ("批次号", "结算批次号"),
    "po": ("PO单号", "PO 单号", "PO号"),
    "document": ("单据号",),
    "txn_type": ("交易类型",),
    "settlement": ("结算金额",),
    **_SKU,
    "total_declared": ("总申报价格",),
    "item_coupon": ("单品优惠券金额", "单品券优惠金额"),
    "shop_coupon": ("店铺满减券优惠金额", "店铺满减券金额"),
    "declared_discount": ("申报价格折扣金额",),
    "freight_waiver": ("活动运费主动减免金额",),
    "received": ("到账时间", "到账时间(GMT+8)"),
    "remark": ("备注",),
}, required=("flow_id", "po", "txn_type", "settlement"))

# 交易类型 → (category of 结算金额, the discounts seed 002 ① adds to it). Shipping reversals go to fee_refund as
# the seed's 运费退款 does; 活动运费主动减免金额 is the seller-funded shipping discount.
_PO_TYPES = {
    "销售回款": ("sales", ("item_coupon", "shop_coupon", "declared_discount")),
    "销售冲回": ("income_refund", ("item_coupon", "shop_coupon", "declared_discount")),
    "运费回款": ("buyer_shipping", ("freight_waiver",)),
    "运费冲回": ("fee_refund", ("freight_waiver",)),
}


def po_detail_lines(ctx: Context, sheet: str, rows: list, header_at: int, located: Located) -> list[Line]:
    start, located = with_subheader(PO_DETAIL_COLUMNS, rows, header_at, located)
    lines = []
    for number, row, total in body(rows, start):
        if total:
            continue
        where = _where(ctx, sheet, number)
        try:
            line = _po_detail_line(row, located)
        except SourceError as exc:
            raise _named(exc, where) from exc
        if line is not None:
            lines.append(line)
    return lines


def _po_detail_line(row: Sequence[object], located: Located) -> Line | None:
    flow_id, po = text(row, located, "flow_id"), text(row, located, "po")
    stated = money(row, located, "settlement")
    if not flow_id and not po:
        if stated:
            raise SourceError("the row has an amount but neither 结算流水ID nor PO单号")
        return None
    txn_type = text(row, located, "txn_type")
    category, discounts = _PO_TYPES.get(txn_type, ("", ()))
    mapped = bool(category)
    category = category or ("other_income" if stated >= 0 else "other_platform_fee")
    amounts = {category: stated}
    fields = [SourceField(written(located, "settlement"), stated, category, not mapped)]
    direction = -1 if stated < 0 else 1
    for name in discounts:
        if name in located.index:
            share = abs(money(row, located, name)) * direction
            if share:
                amounts[category] += share
                amounts["promo_discount"] = amounts.get("promo_discount", ZERO) - share
                fields += [SourceField(written(located, name), share, category),
                           SourceField(written(located, name), -share, "promo_discount")]
    others = dict.fromkeys(d for _, ds in _PO_TYPES.values() for d in ds if d not in discounts)
    for name in ("total_declared", "price", *others):
        if name in located.index and money(row, located, name):
            fields.append(SourceField(written(located, name), money(row, located, name), None))
    loose, extra = unknown_money(row, located)
    fields += [SourceField(name, value, None, True) for name, value in loose]
    for name in ("document", "remark", "activity", "flow_id"):
        if text(row, located, name):
            extra[written(located, name)] = text(row, located, name)
    currency = text(row, located, "currency").upper()
    if not currency:
        raise SourceError("the 币种 column is empty")
    received = cells.when(cell(row, located, "received"), TIMEZONE)
    if received is None:
        raise SourceError("a settled row needs its 到账时间")
    batch, sku_id = text(row, located, "batch"), text(row, located, "sku_id")
    return Line(
        store=_NO_STORE,
        key=("po", flow_id) if flow_id else ("po", batch, po, txn_type, sku_id),
        status=SETTLED,
        txn_type=txn_type or "结算",
        currency=currency,
        settlement_amount=stated,
        amounts={k: v for k, v in amounts.items() if v},
        fields=fields,
        order_id=po or None,
        sku_id=sku_id or None,
        sku_name=text(row, located, "sku_name") or None,
        msku=text(row, located, "msku") or None,
        quantity=cells.quantity(cell(row, located, "quantity")),
        settled_time=received,
        extra=extra,
        reference=po or None,
        detail=SKU_SPLIT,
        statement_id=batch or None,
    )


class PoDetail(_TemuTable):
    """结算数据-已到账款项-PO明细账单 (SettledFlow): settled money per flow and SKU."""

    name = "temu.po_detail"
    report_type = "po_detail"
    columns = PO_DETAIL_COLUMNS

    def read(self, ctx: Context, sheet: str, rows: list, header_at: int, located: Located):
        lines = po_detail_lines(ctx, sheet, rows, header_at, located)
        if lines:
            store = _store(ctx, lines[0].currency)
            for line in lines:
                line.store = store
        return lines, []


# ---------------------------------------------------------------------------------------------------------------
# po聚合账单 (SettledParentFlow) and 待处理款项 (UnsettleFlow): one PO per row, further SKUs below it.

PARENT_COLUMNS = Columns({
    "po": ("PO单号", "PO 单号", "PO号"),
    **_SKU,
    "sales": ("销售回款",),
    "sales_discount": ("销售回款已减优惠", "销售回款(已减优惠)"),
    "sales_reversal": ("销售冲回",),
    "freight": ("运费回款",),
    "freight_discount": ("运费回款已减优惠", "运费回款(已减优惠)"),
    "freight_reversal": ("运费冲回",),
    "order_time": ("下单时间", "订单创建时间", "创建时间"),
}, required=("po", "sales", "freight"))

# column → (category, money out). 销售回款 / 运费回款 are what was paid; "已减优惠" is the discount already taken
# off them, which seed 002 ① counts in 销售额 / 买家运费 and the line takes back as promo_discount.
_PARENT_MONEY = {
    "sales": ("sales", False), "sales_reversal": ("income_refund", True),
    "freight": ("buyer_shipping", False), "freight_reversal": ("fee_refund", True),
}
_PARENT_DISCOUNTS = {"sales_discount": "sales", "freight_discount": "buyer_shipping"}
_PENDING_WORDS = ("待处理", "unsettle", "待结算", "未结算", "未到账")
_PARENT_WORDS = ("聚合", "parentflow", "settledparent")


@dataclass
class _Po:
    number: int
    row: Sequence[object]
    skus: list[tuple[str, str, str, int]] = field(default_factory=list)  # (sku id, name, 货号, quantity)


class _ParentFlow(_TemuTable):
    columns = PARENT_COLUMNS
    pending = False

    def matching(self, book: tables.Workbook) -> list[tuple[str, int, Located]]:
        return [hit for hit in super().matching(book) if self._is_mine(book, *hit)]

    def _is_mine(self, book: tables.Workbook, sheet: str, header_at: int, located: Located) -> bool:
        said = f"{book.name} {sheet}".lower()
        if any(w.lower() in said for w in _PENDING_WORDS):
            return self.pending
        if any(w in said for w in _PARENT_WORDS):
            return not self.pending
        # Neither name says: the settled export lists 是否活动价 / SKU货号 (under the header), the pending one not.
        _, merged = with_subheader(PARENT_COLUMNS, book.first_rows(sheet, self.scan), header_at, located)
        return self.pending != ("activity" in merged.index or "msku" in merged.index)

    def read(self, ctx: Context, sheet: str, rows: list, header_at: int, located: Located):
        start, located = with_subheader(PARENT_COLUMNS, rows, header_at, located)
        out_positive = {name: written_positive(rows, start, located, name)
                        for name, (_, out) in _PARENT_MONEY.items() if out}
        pos: list[_Po] = []
        stated_rows: list[tuple[int, Sequence[object]]] = []
        for number, row, total in body(rows, start):
            where = _where(ctx, sheet, number)
            try:
                if total:
                    stated_rows.append((number, row))
                elif text(row, located, "po"):
                    pos.append(_Po(number, row))
                    self._sku(row, located, pos[-1])
                elif not pos:
                    raise SourceError("a SKU row comes before any PO单号")
                else:
                    self._sku(row, located, pos[-1])
            except SourceError as exc:
                raise _named(exc, where) from exc
        lines = []
        for po in pos:
            try:
                lines.append(self._line(ctx, po, located, out_positive))
            except SourceError as exc:
                raise _named(exc, _where(ctx, sheet, po.number)) from exc
        if not lines:
            return [], []
        store = _store(ctx, lines[0].currency)
        for line in lines:
            line.store = store
        totals = []
        if self.pending:
            for _number, row in stated_rows:
                amount = sum((self._signed(row, located, n, out_positive) for n in _PARENT_MONEY), ZERO)
                totals.append(Stated(store, "on_hold", "", amount, lines[0].currency, ctx.captured_at))
        return lines, totals

    @staticmethod
    def _sku(row: Sequence[object], located: Located, po: _Po) -> None:
        sku_id = text(row, located, "sku_id")
        if sku_id:
            po.skus.append((sku_id, text(row, located, "sku_name"), text(row, located, "msku"),
                            cells.quantity(cell(row, located, "quantity"))))
        elif any(money(row, located, n) for n in _PARENT_MONEY) and not text(row, located, "po"):
            raise SourceError("the row has amounts but no PO单号")

    @staticmethod
    def _signed(row: Sequence[object], located: Located, name: str, out_positive: dict[str, bool]) -> Decimal:
        value = money(row, located, name) if name in located.index else ZERO
        return -value if out_positive.get(name) else value

    def _line(self, ctx: Context, po: _Po, located: Located, out_positive: dict[str, bool]) -> Line:
        row = po.row
        amounts: dict[str, Decimal] = {}
        fields: list[SourceField] = []
        for name, (category, _) in _PARENT_MONEY.items():
            value = self._signed(row, located, name, out_positive)
            if value:
                amounts[category] = amounts.get(category, ZERO) + value
                fields.append(SourceField(written(located, name), value, category))
        paid = sum(amounts.values(), ZERO)
        for name, category in _PARENT_DISCOUNTS.items():
            share = abs(money(row, located, name)) if name in located.index else ZERO
            if share:
                amounts[category] = amounts.get(category, ZERO) + share
                amounts["promo_discount"] = amounts.get("promo_discount", ZERO) - share
                fields += [SourceField(written(located, name), share, category),
                           SourceField(written(located, name), -share, "promo_discount")]
        skip = {located.index[n] for n in ("sku_id", "sku_name", "msku", "quantity", "price") if n in located.index}
        loose, extra = unknown_money(row, located, skip)
        fields += [SourceField(name, value, None, True) for name, value in loose]
        currency = text(row, located, "currency").upper()
        if not currency:
            raise SourceError("the 币种 column is empty")
        number = text(row, located, "po")
        if len(po.skus) > 1:
            extra["SKUs"] = "; ".join(f"{s[0]} {s[2]} x{s[3]}".replace("  ", " ") for s in po.skus)
        only = po.skus[0] if len(po.skus) == 1 else None
        month = ctx.hints.name.month if ctx.hints.name is not None else ""
        settled_at = None
        if not self.pending:
            # The aggregate has no 到账时间: the file's month (its name), else the import time, marked approximate.
            settled_at = (datetime.strptime(month, "%Y-%m").replace(tzinfo=ZoneInfo(TIMEZONE)) if month
                          else ctx.captured_at)
        return Line(
            store=_NO_STORE,
            key=("pending", number) if self.pending else ("po_aggregate", month, number),
            status=IN_TRANSIT if self.pending else SETTLED,
            txn_type="待处理款项" if self.pending else "po聚合",
            currency=currency,
            settlement_amount=paid,
            amounts={k: v for k, v in amounts.items() if v},
            fields=fields,
            order_id=number,
            sku_id=only[0] if only else None,
            sku_name=(only[1] or None) if only else None,
            msku=(only[2] or None) if only else None,
            quantity=sum(s[3] for s in po.skus),
            order_time=cells.when(cell(row, located, "order_time"), TIMEZONE),
            settled_time=settled_at,
            settled_time_approx=settled_at is not None,
            extra=extra,
            reference=number,
            detail=SPLIT,
        )


class PoAggregate(_ParentFlow):
    """结算数据-已到账款项-po聚合账单 (SettledParentFlow): settled money per PO."""

    name = "temu.po_aggregate"
    report_type = "po_aggregate"


class Pending(_ParentFlow):
    """结算数据-待处理款项 (UnsettleFlow): money per PO that is not settled yet."""

    name = "temu.pending"
    report_type = "pending"
    pending = True


# ---------------------------------------------------------------------------------------------------------------
# 财务明细 / 账务明细 (FundDetail): fund movements, one sheet per kind or one list with a type column.

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


class FundDetail(_TemuTable):
    """财务明细 / 账务明细 (FundDetail), semi- or fully-managed: every movement becomes a `fund_line`."""

    name = "temu.fund_detail"
    columns = FUND_COLUMNS

    def recognizes(self, src) -> bool:
        if src.kind != "file" or not isinstance(src.payload, dict) or _another_platform(src):
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
        book = tables.workbook_of(src.payload)
        if book is None:
            raise SourceError(src.payload.get("_workbook_error") or "not a table")
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
            raise SourceError(f"{book.name}: the 财务明细 sheets have no data rows")
        store = _store(ctx, lines[0].currency)
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
    sub = _match_form(sheet)
    for i, header in located.unknown:
        form = _PUNCT.sub("", norm(header))
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
        where = _where(ctx, sheet.name, number)
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
                lines.append(fund_line(fund, keys))
        except SourceError as exc:
            raise _named(exc, where) from exc
    return lines, covered


def _fund_row(row: Sequence[object], located: Located, type_text: str, direction: int, money_columns: list[str],
              skip: set[int], positive: Callable[[str], bool]) -> FundRow | None:
    kind = kind_of(type_text, text(row, located, "remark"))
    signs = {p.column: p.sign for p in kind.parts}

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
        raise SourceError("the row has an amount but no 账务时间")
    currency = text(row, located, "currency").upper()
    if not currency:
        raise SourceError("the 币种 column is empty (a movement needs its currency)")
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
    )


ADAPTERS = (FundDetail(), PoDetail(), PoAggregate(), Pending())

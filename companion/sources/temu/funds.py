"""Temu fund movements: what each kind is (seed 002 ① and ②) and the one way a movement becomes a line.

Movements come from the 财务明细 / 账务明细 export (fund_exports.py) and from the captured
`fund/detail/pageSearch` JSON (seller_center.py): both build their lines with `fund_line`, so one movement gets
one natural key whichever way it came. Times are GMT+8.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.mapping import (
    AS_WRITTEN,
    BY_SIGN,
    IN,
    OUT,
    Book,
    Table,
    book_of,
    by_sign,
    fills_gap,
    seed,
    table,
)
from companion.sources.model import NET, SETTLED, Line, SourceError, SourceField, StoreRef

PLATFORM = "temu"
TIMEZONE = "Asia/Shanghai"  # Temu writes GMT+8 times without a zone
LABEL = "Temu"
FUND = "fund"  # the key family of fund movements, from an export or a capture alike
CENT = Decimal("0.01")
NO_STORE = StoreRef(PLATFORM, "")  # replaced once the file's store is known


@dataclass(frozen=True)
class Kind:
    """One kind of movement (a 财务明细 sheet, an 账务类型, a PO明细 交易类型) and where its money goes.

    `amount` books the movement's amount; its `sign` decides how a positive export value is read. `parts`: the
    columns the seed sums into categories instead of the amount (a Book's sign: how each is written)."""

    amount: Book | None  # None: not settlement money (a move of the seller's own balance)
    parts: Table = field(default_factory=dict)
    discounts: tuple[str, ...] = ()  # seller-funded discounts (see fund_line)
    order_money: bool = False  # the order's own money, which the PO reports also split (supersession)
    units: str = ""  # what a sku明细 quantity is on this kind: "sale" (units sold) or "refund" (units taken back)
    label: str = ""  # a label fee that the 发货面单费 / 退货面单费 report itemises (it supersedes the movement)

    @property
    def category(self) -> str | None:
        """The amount's category; "" when its sign decides (not in the seed); None: not settlement money."""
        if self.amount is None:
            return None
        return "" if self.amount.sign_decides else self.amount.category_for(ZERO)

    def category_for(self, amount: Decimal) -> str:
        """Where the amount goes (its sign decides for a kind the seed does not name)."""
        if self.amount is None:
            raise ValueError("a move of the seller's own balance books nothing")
        return self.amount.category_for(amount)

    @property
    def mapped(self) -> bool:
        """False: the seed does not name it; counted under the nearest category, flagged."""
        return self.amount is None or self.amount.mapped

    @property
    def sign(self) -> int:
        return AS_WRITTEN if self.amount is None else self.amount.sign


def _kind(category: str, sign: int = AS_WRITTEN, mapped: bool = True, label: str = "") -> Kind:
    return Kind(Book(category, mapped, sign), label=label)


SHIPPING_LABELS, RETURN_LABELS = "发货面单费", "退货面单费"  # the label reports, as references name them


_PENALTY = _kind("penalty", OUT)
_OTHER_FEE = _kind("other_platform_fee", OUT)
_STORAGE = _kind("storage_fee", OUT)
_NOT_MONEY = Kind(None)
BY_SIGN_KIND = Kind(Book(BY_SIGN, mapped=False))
_BY_SIGN_OUT = Kind(Book(BY_SIGN, mapped=False, sign=OUT))

# Seed 002 ① (半托管, 财务明细 sheets and 账务明细 types) and ② (全托管). Patterns are in `match_form`; exact
# matches win, then the first pattern contained in the type, so specific patterns come before general ones.
_KINDS: tuple[tuple[str, Kind], ...] = (
    # ① 销售额 = 交易收入 + 单品券优惠金额 + 店铺满减券优惠金额 + 申报价格折扣金额; ② 收入金额 → 销售额,
    # 单品券优惠金额 → 促销折扣.
    ("交易收入", Kind(Book("sales", sign=IN), seed({"sales": ("income_amount",)}, sign=IN),
                     discounts=("item_coupon", "shop_coupon", "declared_discount"), order_money=True,
                     units="sale")),
    # ① 收入退款额 = 售后退款金额 + 单品券/店铺满减券/申报价格折扣 售后退款金额; ② 消费者退款金额 → 收入退款额,
    # 非商责平台售后补贴金额 → 补贴金额.
    ("售后退款", Kind(Book("income_refund", sign=OUT),
                     table(seed({"income_refund": ("consumer_refund",)}, sign=OUT),
                           seed({"subsidy": ("after_sale_subsidy",)}, sign=IN)),
                     discounts=("item_coupon_refund", "shop_coupon_refund", "declared_discount_refund"),
                     order_money=True, units="refund")),
    # ① 买家运费 = 订单运费-基础运费收入 + 订单运费-签名服务费收入; 费用退款额 = the same two refunds.
    ("运费收入", Kind(Book("buyer_shipping", sign=IN),
                     seed({"buyer_shipping": ("base_shipping_income", "signature_income")}, sign=IN),
                     order_money=True)),
    ("运费退款", Kind(Book("fee_refund", sign=OUT),
                     seed({"fee_refund": ("base_shipping_refund", "signature_refund")}, sign=OUT),
                     order_money=True)),
    # ① 平台罚款: 支出-履约违规 / 买家拒付 / 欺诈发货 / 消费者和解 (and 账务明细 发货履约保障-延迟到货 / 虚假发货).
    ("履约违规", _PENALTY), ("买家拒付", _PENALTY), ("欺诈发货", _PENALTY), ("消费者和解", _PENALTY),
    ("延迟到货", _PENALTY), ("虚假发货", _PENALTY),
    # ① 平台物流费 = 代扣运费税 + 代扣运费税退回; 账务明细 发货面单费 + 发货面单费调整.
    ("税金代扣", Kind(Book("platform_logistics", sign=OUT),
                     table(seed({"platform_logistics": ("freight_tax",)}, sign=OUT),
                           seed({"platform_logistics": ("freight_tax_return",)}, sign=IN)))),
    ("发货面单费调整", _kind("platform_logistics", label=SHIPPING_LABELS)),
    ("发货面单费", _kind("platform_logistics", OUT, label=SHIPPING_LABELS)),
    # ① 平台其他费 from 账务明细 (退货面单费 when no 退货面单费 report is imported).
    ("退货面单费平台承担", _kind("other_platform_fee", mapped=False)),  # the platform's share of a label fee
    ("退货面单费调整", _kind("other_platform_fee", label=RETURN_LABELS)),
    ("退货面单费", _kind("other_platform_fee", OUT, label=RETURN_LABELS)),
    ("上门取件费", _OTHER_FEE), ("未能发货", _OTHER_FEE), ("广告服务费", _OTHER_FEE),
    ("在线下单活动补贴", _kind("other_platform_fee")), ("售后非商责赔付", _kind("other_platform_fee")),
    # ② 全托管.
    ("消费者及履约保障售后问题", _PENALTY), ("售后问题", _PENALTY), ("备货违规", _PENALTY), ("质量事故违规", _PENALTY),
    ("仓储综合服务费", _STORAGE), ("仓储增值服务贴标费", _STORAGE), ("贴标费", _STORAGE),
    ("非商责平台售后补贴调整", _kind("adjustment")),
    ("非商责平台售后补贴", _kind("subsidy", IN)),
    ("商品环保费已扣费", _OTHER_FEE), ("商品环保费已退费", _kind("fee_refund", IN)),
    ("物流包装环保费已扣费", _OTHER_FEE), ("物流包装环保费已退费", _kind("fee_refund", IN)),
    ("代付服务费已扣费", _OTHER_FEE),
    # Not in the seed: the nearest category, flagged unmapped.
    ("技术服务费", _kind("platform_fee", OUT, mapped=False)),  # a commission in all but name
    ("售后运费结算", _kind("other_platform_fee", mapped=False)),  # the seed names its 上门取件费 part
    ("税金退回", _kind("platform_logistics", IN, mapped=False)),  # like 代扣运费税退回
    ("消费者及履约保障", _kind("penalty", OUT, mapped=False)),  # siblings of 售后问题 (售后补寄 …)
    ("处置费", _kind("other_platform_fee", OUT, mapped=False)),
    ("环保费", _kind("other_platform_fee", mapped=False)),
    # Moves of the seller's own balance, not settlement money: kept, never counted.
    ("提现", _NOT_MONEY), ("充值", _NOT_MONEY), ("解冻", _NOT_MONEY), ("冻结", _NOT_MONEY), ("余额转", _NOT_MONEY),
)
_EXACT = {pattern: kind for pattern, kind in _KINDS}
# 收支类型: the part of a sheet name (结算-交易收入) or of a type before its 子类.
_GROUPS = ("结算", "支出", "其他", "账户", "收入", "退费", "赔付", "代付")
_CONTINUATION = re.compile(r"-\d+$")  # 支出-履约违规-1, -2: one kind split over sheets
PUNCT = re.compile(r"[\s()\[\]【】\-_/·:]")


def type_key(text: object) -> str:
    """A movement's type as keys hold it: the 子类 of 收支类型-子类, without continuation numbers or spaces."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    key = _CONTINUATION.sub("", key)
    for group in _GROUPS:
        if key.startswith(group + "-"):
            return key[len(group) + 1:]
    return key


def match_form(text: object) -> str:
    return PUNCT.sub("", type_key(text))


def _lookup(text: object) -> Kind | None:
    form = match_form(text)
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
    return _BY_SIGN_OUT if group == "支出" else BY_SIGN_KIND


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


@dataclass(frozen=True)
class SkuPart:
    """One SKU of a sku明细 cell."""

    sku_id: str
    msku: str | None  # SKU货号, the seller's own code
    name: str | None  # SKU名称 and SKU属性 as written (either may hold "_", so they are not told apart)
    quantity: int


_NONE = ("", "/", "-", "--", "—")
_SKU_FORMAT = "SKU ID_SKU货号_SKU名称_SKU属性_销售数量"


def sku_parts(cell: object, column: str = "sku明细") -> list[SkuPart]:
    """A `sku明细（SKU ID_SKU货号_SKU名称_SKU属性_销售数量）` cell: one SKU per line, e.g.
    `1622133303_A12-BLK_Resin mold_Black_3`. The ID is split off the left and the quantity off the right (the
    name and attribute between may hold "_"); 货号 is the second field. `/` means none. A SKU listed twice in
    one cell is one SKU with both quantities."""
    if cells.blank(cell):
        return []
    found: dict[str, SkuPart] = {}
    for entry in str(cell).splitlines():
        entry = entry.strip()
        if entry in _NONE:
            continue
        head, _, rest = entry.partition("_")
        middle, sep, count = rest.rpartition("_")
        if not sep:
            raise SourceError.of("temu_sku_cell_format", header=column, entry=entry, layout=_SKU_FORMAT)
        try:
            sku_id = cells.text_id(head.strip(), "SKU ID")
            quantity = cells.quantity(count.strip())
        except cells.MangledId:
            raise
        except SourceError as exc:
            raise SourceError.of("temu_sku_cell_problem", header=column, entry=entry, problem=exc.said()) from exc
        msku, _, name = middle.partition("_")
        msku, name = msku.strip(), name.strip(" _")  # an empty name or attribute leaves a bare "_"
        part = SkuPart("" if sku_id in _NONE else sku_id, None if msku in _NONE else msku, name or None, quantity)
        key = part.sku_id or f"#{len(found)}"
        if key in found:
            part = replace(found[key], quantity=found[key].quantity + part.quantity)
        found[key] = part
    return list(found.values())


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
    skus: list[SkuPart] = field(default_factory=list)  # from a sku明细 cell: one line per SKU (fund_lines)


class FundKeys:
    """Natural keys of fund movements: ("fund", time, type, order, amount, n). Movements carry no id both
    sources share, so exact repeats (same second, type, order and amount) are told apart by their order of
    appearance. The order (PO) is part of the key: two orders' movements of one second and amount stay two
    lines whatever order an overlapping export lists them in."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str, str], int] = {}

    def key(self, row: FundRow, amount: Decimal) -> tuple[str, ...]:
        base = (instant(row.when), type_key(row.type), row.order_id or "", amount_text(amount))
        n = self._seen.get(base, 0)
        self._seen[base] = n + 1
        return (FUND, *base, str(n))


def fund_line(row: FundRow, keys: FundKeys, store: StoreRef = NO_STORE) -> Line:
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
    if kind.amount is None:
        fields.append(SourceField(row.total_name, moved, None, True))
        extra["not_settlement"] = "a move of the seller's own balance (withdrawal, top-up, freeze), not counted"
        settlement = ZERO
    else:
        category = kind.category_for(moved)
        named = kind.parts
        found = [(c, n, v) for c, n, v in row.parts if c in named]
        for column, name, value in found:
            add(name, value, book_of(named, column).category_for(value), flagged)
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
        reference=row.order_id if kind.order_money else (label_reference(kind.label, row.when) if kind.label
                                                          else None),
        detail=NET,  # the PO reports split the same orders further and supersede these lines
    )


def label_reference(report: str, when: datetime) -> str:
    """The reference a label fee is settled by: the label report and the month (China time), e.g.
    "发货面单费 2025-09". The 账务明细 movements of a month and the label report's charges of that month share
    it, so the itemised report supersedes the movements (seed 002: with the report, 账务明细's figure is not
    used) and the month's label fees count once."""
    return f"{report} {when.astimezone(_CHINA):%Y-%m}"


_CHINA = ZoneInfo(TIMEZONE)


def fund_lines(row: FundRow, keys: FundKeys, store: StoreRef = NO_STORE) -> list[Line]:
    """A fund movement → its lines: one, or one per SKU of its sku明细 cell (split_by_quantity)."""
    line = fund_line(row, keys, store)
    if not row.skus:
        return [line]
    units = kind_of(row.type, row.remark).units
    if len(row.skus) == 1:
        _with_sku(line, row.skus[0], units)
        return [line]
    return split_by_quantity(line, row.skus, units)


def _with_sku(line: Line, part: SkuPart, units: str) -> None:
    line.sku_id, line.msku, line.sku_name = part.sku_id or None, part.msku, part.name
    if units == "sale":
        line.quantity = part.quantity
    elif part.quantity:  # a refund's units (kept, as SHEIN's refund rows keep theirs), or units of another kind
        line.extra["refund_quantity" if units == "refund" else "quantity"] = str(part.quantity)


def split_by_quantity(line: Line, skus: list[SkuPart], units: str) -> list[Line]:
    """One movement of several SKUs → one line per SKU, its money shared by quantity: every drill-down field is
    shared to the cent (half to even), the last SKU taking what is left, so each category and the settlement of
    the lines add up exactly to the movement's, and each line's categories add up to its own settlement. A
    difference the movement cannot explain stays whole on the last line. Keys: the movement's key and the SKU."""
    weights = [max(p.quantity, 0) for p in skus]
    if not sum(weights):
        weights = [1] + [0] * (len(skus) - 1)  # no units to share by: the money stays on the first SKU
    whole = sum(weights)
    taken = [ZERO] * len(line.fields)
    settled = ZERO
    lines = []
    for i, (part, weight) in enumerate(zip(skus, weights, strict=True)):
        last = i == len(skus) - 1
        fields: list[SourceField] = []
        for j, f in enumerate(line.fields):
            share = f.amount - taken[j] if last else (f.amount * weight / whole).quantize(CENT, ROUND_HALF_EVEN)
            taken[j] += share
            if share:
                fields.append(SourceField(f.name, share, f.category, f.unmapped))
        amounts: dict[str, Decimal] = {}
        for f in fields:
            if f.category is not None:
                amounts[f.category] = amounts.get(f.category, ZERO) + f.amount
        settlement = line.settlement_amount - settled if last else sum(amounts.values(), ZERO)
        settled += settlement
        extra = dict(line.extra)
        if not last:
            extra.pop("unexplained", None)
        extra["split"] = (f"SKU {i + 1} of {len(skus)} in the row's sku明细: {part.quantity} of "
                          f"{sum(p.quantity for p in skus)} units; the row's {amount_text(line.settlement_amount)} "
                          "shared by quantity")
        one = replace(line, key=(*line.key, part.sku_id or f"#{i + 1}"), fields=fields,
                      amounts={k: v for k, v in amounts.items() if v}, settlement_amount=settlement, extra=extra)
        _with_sku(one, part, units)
        lines.append(one)
    return lines


def _parts_total(kind: Kind, parts: list[tuple[str, str, Decimal]]) -> Decimal:
    """What moved when a row states only its parts: the seed's columns less the discounts taken off them."""
    gross = sum((v for c, _, v in parts if c in kind.parts), ZERO)
    off = sum((abs(v) for c, _, v in parts if c in kind.discounts), ZERO)
    return gross - off if gross >= 0 else gross + off


def explain(total: Decimal, amounts: dict[str, Decimal], fields: list[SourceField],
             loose: list[tuple[str, Decimal]], extra: dict[str, str]) -> None:
    """Money columns nobody maps are counted (flagged) only when they are exactly what makes the line add up
    to its stated total; otherwise kept for drill-down and the difference noted."""
    missing = total - sum(amounts.values(), ZERO)
    if fills_gap((v for _, v in loose), missing):
        for name, value in loose:
            category = by_sign(value)
            amounts[category] = amounts.get(category, ZERO) + value
            fields.append(SourceField(name, value, category, True))
        return
    fields.extend(SourceField(name, value, None, True) for name, value in loose)
    if missing:
        extra["unexplained"] = str(missing)

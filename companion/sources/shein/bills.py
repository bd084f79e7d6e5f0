"""SHEIN bill rows (账单), mapped to the profit model as seed 002 says: one rule per 账单类型, signs, keys.

Shared by the 已完成账单 export (exports.py) and the Seller Center JSON (seller_center.py), so a bill row gives
the same line whichever way it arrives. Platform-mode (平台模式) and semi-managed (半托管) stores export different
amount columns, and seed 002 maps their 账单类型 differently. Times are China time.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.headers import Columns, Located, norm
from companion.sources.keys import amount_key
from companion.sources.mapping import Table, book_of, books, by_sign, nearest, seed
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, Line, SourceError, SourceField, StoreRef
from companion.sources.shein.sites import currency_of_site, currency_text
from companion.sources.tabular import at_row

PLATFORM = "shein"
TZ = "Asia/Shanghai"  # SHEIN's seller center shows China time
LABEL = "SHEIN"
BILL_FAMILY = "shein_bill"  # settled bill rows: the export and the JSON captures share this family and key
PENDING_FAMILY = "shein_pending"  # bill rows not paid yet: superseded by the settled line of the same order
FUND_FAMILY = "shein_fund"  # 收支明细 movements
_CHINA = ZoneInfo(TZ)

# ------------------------------------------------------------------------------------- the bill columns
# Money columns seed 002 names, and where each one goes when a 账单类型's rule does not map it (drill-down,
# flagged unmapped, counted only when it is exactly what makes the row add up to its 应收金额).
NEAREST: Table = nearest({
    "sales": ("goods_price", "supply_price"),
    "promo_discount": ("store_coupon", "activity_discount", "activity_report"),
    "platform_fee": ("commission", "commission_tax"),
    "sales_tax": ("eu_tax",),
    "platform_logistics": ("fulfilment_fee",),
    "vat": ("eu_vat",),
})
MONEY = tuple(NEAREST)
INCOME = frozenset({"goods_price", "supply_price"})  # what the buyer pays for the goods; the rest are deductions
PLATFORM_MARKS = frozenset({"goods_price", "commission"})  # columns only platform-mode exports have
SEMI_MARKS = frozenset({"supply_price", "activity_report"})  # columns only semi-managed exports have

BILL_SPEC: dict[str, tuple[str, ...]] = {
    "order_no": ("订单号", "订单编号", "平台订单号", "订单号码", "业务单号", "Order No.", "Order number"),
    "bill_type": ("账单类型", "账单类型名称", "账单子类型", "二级账单类型", "Bill type"),
    "receivable": ("应收金额", "应收总额", "应收款", "应收金额(结算币种)", "Receivable amount", "Amount receivable"),
    "sku_id": ("平台SKU", "平台SKU编码", "SKU", "SKU编码", "SKU ID", "Platform SKU"),
    "msku": ("商家SKU", "商家SKU编码", "卖家SKU", "供应商SKU", "商家货号", "Seller SKU", "Merchant SKU",
             "Supplier SKU"),
    "bill_category": ("账单大类", "一级账单类型", "账单一级类型"),
    "pay_date": ("打款日期", "打款时间", "打款完成时间", "实际打款日期", "付款日期", "Payment date", "Paid date"),
    "site": ("站点", "销售站点", "站点名称", "Site"),
    "currency": ("币种", "结算币种", "币别", "货币", "Currency"),
    "bill_no": ("账单号", "账单编号", "报账单号", "报账单编号", "Bill No.", "Bill number"),
    "check_no": ("对账单号", "对账单编号", "明细单号", "账单明细号"),
    "quantity": ("数量", "商品数量", "件数", "销量", "Quantity"),
    "sku_name": ("商品名称", "商品标题", "商品名", "Product name"),
    "order_time": ("下单时间", "订单创建时间", "下单日期", "Order time"),
    "bill_time": ("账单生成时间", "账单创建时间", "账单时间", "生成时间"),
    "status": ("账单状态", "结算状态", "打款状态", "状态"),
    "direction": ("收支类型", "收支方向"),
    # Text and ID columns: kept as text, never read as amounts.
    "exchange_rate": ("汇率",), "skc": ("SKC", "SKC编码"), "spu": ("SPU",), "goods_id": ("商品ID", "商品编号"),
    "item_no": ("货号", "SKC货号"), "sub_order_no": ("子订单号", "订单商品行号"), "package_no": ("包裹号",),
    "waybill_no": ("运单号", "物流单号"),
    # Money.
    "goods_price": ("商品价格汇总", "商品价格", "商品价格合计", "商品售价汇总", "Product price total"),
    "supply_price": ("商品供货价汇总", "商品供货价", "供货价汇总", "供货价合计", "供货价", "Supply price total"),
    "store_coupon": ("店铺优惠券金额", "店铺优惠券", "店铺券金额", "Store coupon amount"),
    "activity_discount": ("活动优惠金额", "活动优惠", "Promotion discount amount"),
    "activity_report": ("活动提报金额", "活动提报", "活动提报差额"),
    "commission": ("佣金", "佣金金额", "平台佣金", "Commission"),
    "commission_tax": ("佣金消费税", "佣金税", "佣金税费", "Commission tax"),
    "eu_tax": ("税费金额(欧洲)", "税费金额(欧洲站)", "欧洲税费金额", "税费金额", "Tax amount (Europe)"),
    "fulfilment_fee": ("履约服务费", "履约服务费金额", "Fulfillment service fee"),
    "eu_vat": ("欧洲增值税税金", "欧洲增值税", "增值税税金", "EU VAT"),
}
BILL_COLUMNS = Columns(BILL_SPEC, required=("order_no", "bill_type", "receivable"))
DEFAULT_NAMES = {canonical: variants[0] for canonical, variants in BILL_SPEC.items()}
_EXTRA_TEXT = ("site", "currency", "bill_category", "status", "direction", "check_no", "exchange_rate", "skc", "spu",
               "goods_id", "item_no", "sub_order_no", "package_no", "waybill_no")
_TEMU_MARKS = frozenset(norm(h) for h in (
    "备货单号", "PO单号", "结算流水ID", "SKU货号", "申报价格", "账务时间", "交易收入"))


def looks_like_temu(located: Located) -> bool:
    return any(norm(h) in _TEMU_MARKS for h in located.headers)


# ------------------------------------------------------------------------------------------ seed 002 rules
@dataclass(frozen=True)
class Rule:
    """How one 账单类型 maps (seed 002 section 4). `parts` is the seed's formula, category → the money columns
    summed into it (as `mapping.seed` takes it); `table` is the same in the shared vocabulary."""

    group: str  # 销售 / 退款 / 其他: what the seed records the row as
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # category → money columns summed into it
    whole: str | None = None  # the row's 应收金额 goes to this category
    rest: str | None = None  # what the parts leave of 应收金额 goes here
    units: str = ""  # "sale": each row is units sold; "refund": units refunded
    table: Table = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", seed(self.parts))


def _each(names: str, rule: Rule) -> dict[str, Rule]:
    return dict.fromkeys(names.split(), rule)


_P_REFUND = {"income_refund": ("goods_price", "store_coupon", "activity_discount"),
             "fee_refund": ("commission", "commission_tax")}
# SHEIN平台模式店
PLATFORM_RULES: dict[str, Rule] = {
    **_each("订单收入", Rule("销售", {
        "sales": ("goods_price",), "promo_discount": ("store_coupon", "activity_discount"),
        "platform_fee": ("commission", "commission_tax"), "sales_tax": ("eu_tax",)}, units="sale")),
    **_each("违规处罚扣款 违规处罚补款", Rule("其他", whole="penalty")),
    **_each("订单履约服务费", Rule("销售", {"platform_logistics": ("fulfilment_fee",)}, rest="platform_logistics")),
    **_each("订单退货 订单调整", Rule("退款", _P_REFUND, units="refund")),
    **_each("退货履约服务费", Rule("退款", {**_P_REFUND, "other_platform_fee": ("fulfilment_fee",)},
                               rest="other_platform_fee")),
    **_each("丢货补款 退货冻结差额补款 退货冻结差额扣款 退货丢货补款", Rule("销售", whole="other_income")),
    **_each("仓库退货 订单状态修正", Rule("退款", whole="other_income")),
    **_each("备货作业费 退货处理费 标准仓储费 超库龄附加仓储费 库存盘亏 库存盘盈",
            Rule("销售", whole="other_platform_fee")),
    **_each("订单异常补款 订单异常扣款 履约服务费补款 履约服务费扣款 平台激励补款", Rule("其他", whole="penalty")),
}
_S_REFUND = {"income_refund": ("supply_price", "activity_report")}
# ⑤SHEIN半托管
SEMI_RULES: dict[str, Rule] = {
    **_each("订单收入", Rule("销售", {"sales": ("supply_price",), "promo_discount": ("activity_report",)},
                          units="sale")),
    **_each("交易申诉补款 违规处罚扣款 违规处罚补款", Rule("其他", whole="penalty")),
    **_each("订单退货 订单调整", Rule("退款", _S_REFUND, units="refund")),
    **_each("退货履约服务费", Rule("退款", {**_S_REFUND, "other_platform_fee": ("fulfilment_fee",)},
                               rest="other_platform_fee")),
    **_each("丢货补款 退货冻结差额补款 退货冻结差额扣款 退货丢货补款", Rule("销售", whole="other_income")),
    **_each("仓库退货 订单状态修正", Rule("退款", whole="other_income")),
    **_each("订单履约服务费 备货作业费 退货处理费 库存盘亏 库存盘盈", Rule("销售", whole="other_platform_fee")),
    **_each("订单异常补款 订单异常扣款 履约服务费补款 履约服务费扣款 平台激励补款 平台激励扣款",
            Rule("其他", whole="penalty")),
    **_each("仓储费补款 仓储费扣款 超库龄附加仓储费 标准仓储费", Rule("其他", whole="storage_fee")),
    **_each("税费补款 税费扣款 取消订单补款 GNRE税费补款 GNRE税费扣款 商家融资单 EPR补款 EPR扣款",
            Rule("其他", {"vat": ("eu_vat",)}, rest="other_platform_fee")),
    **_each("运费补贴 运费补贴退回", Rule("其他", whole="penalty")),
}
MODES = {"platform": PLATFORM_RULES, "semi": SEMI_RULES}


def type_name(bill_type: str) -> str:
    """The 账单类型's own name: '订单销售收入-订单收入' → '订单收入' (the part after the group; unique in the seed)."""
    text = unicodedata.normalize("NFKC", bill_type).strip()
    for sep in ("/", "—", "_"):
        text = text.replace(sep, "-")
    return text.rsplit("-", 1)[-1].strip().replace(" ", "")


def rule_for(bill_type: str, mode: str) -> tuple[Rule | None, bool]:
    """(rule, borrowed): a type the seed lists only for the other mode uses that mode's rule, flagged."""
    name = type_name(bill_type)
    own = MODES[mode]
    if name in own:
        return own[name], False
    other = MODES["semi" if mode == "platform" else "platform"]
    return other.get(name), name in other


def mode_of(present: set[str], hint: str = "") -> tuple[str, str]:
    """(mode, how it was decided) from the money columns a file or row has, else the hint ('platform'/'semi')."""
    semi, platform = bool(present & SEMI_MARKS), bool(present & PLATFORM_MARKS)
    if semi != platform:
        return ("semi" if semi else "platform"), "columns"
    if hint in MODES:
        return hint, "file name"
    return "", ""


# ------------------------------------------------------------------------------------------- one bill row
_LOCATED = frozenset({"src_at_row", "shein_at_data_row", "shein_at_data_item"})


@dataclass(frozen=True)
class RowAt:
    """Where a bill row is: a file's sheet and row, or a capture's data[index] (and item). A refusal says it as a
    code of its own with the row's problem nested (a param), so the view says both in its language."""

    file: str = ""
    sheet: str = ""
    number: int = 0
    path: str = ""  # a capture's endpoint
    index: int = 0
    item: int | None = None

    def wrap(self, exc: SourceError) -> SourceError:
        """The refusal said with where it happened (once: a refusal already located is kept)."""
        if exc.code in _LOCATED or exc.file:
            return exc
        if self.file:
            return at_row(exc, self.file, self.sheet, self.number)
        if self.item is None:
            return type(exc).of("shein_at_data_row", path=self.path, index=self.index, problem=exc.said())
        return type(exc).of("shein_at_data_item", path=self.path, index=self.index, item=self.item,
                            problem=exc.said())


@dataclass
class BillRow:
    """One bill row, from a file row or a JSON object: canonical fields with the names they were found under."""

    where: RowAt  # for messages
    values: dict[str, object]  # canonical → raw value
    names: dict[str, str]  # canonical → the header or key as written
    loose: list[tuple[str, object]]  # columns or keys nobody named: (name, raw)
    signature: str  # the whole row, to tell an exact repeat from a different row
    count_loose: bool = True  # file columns nobody knows may explain the total; JSON keys never do
    texts: list[tuple[str, str]] = field(default_factory=list)  # keys that are text or codes: extra only

    def name(self, canonical: str) -> str:
        return self.names.get(canonical) or DEFAULT_NAMES.get(canonical, canonical)

    def text(self, canonical: str) -> str:
        return text_of(self.values.get(canonical))

    def amount(self, canonical: str) -> Decimal:
        return amount_of(self.values.get(canonical), self.name(canonical))


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def amount_of(value: object, name: str) -> Decimal:
    """An amount, exactly (cells.money); a {amount|value, currency} object is read by its amount."""
    if isinstance(value, dict):
        value = value.get("amount", value.get("value"))
    try:
        return cells.money(value)
    except SourceError as exc:
        raise SourceError.of("shein_at_field", header=name, problem=exc.said()) from exc


class Keyer:
    """Occurrence numbers for rows that share a natural key. An exact repeat of a row keeps its number (it is
    the same line, counted once); a different row with the same key gets the next number."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, ...], dict[str, int]] = {}

    def key(self, base: tuple[str, ...], signature: str) -> tuple[str, ...]:
        rows = self._seen.setdefault(base, {})
        return (*base, str(rows.setdefault(signature, len(rows) + 1)))


_PENDING_WORDS = ("待", "未", "中", "异常", "pending", "to be", "unsettled", "processing")
_SETTLED_WORDS = ("已打款", "已结算", "已完成", "打款完成", "已付款", "已支付", "settled", "paid", "completed")


def is_pending(status: str) -> bool:
    text = status.lower()
    return bool(text) and not any(w in text for w in _SETTLED_WORDS) and any(w in text for w in _PENDING_WORDS)


def is_expense(direction: str) -> bool:
    """A 收支类型 / inAndOut value that says money out (支出, expenditure, code 2)."""
    text = direction.strip().lower()
    return "支出" in text or text in ("2", "out", "expense", "expenditure")


_SIGN_RULES = (
    ("as written", 1, "same"), ("expenses negated", 1, "negate"), ("expenses against income", 1, "against"),
    ("income negated", -1, "same"), ("all negated", -1, "negate"), ("income negated, expenses against", -1, "against"),
    ("expenses with income", 1, "with"), ("income negated, expenses with income", -1, "with"),
)
_Part = tuple[str, Decimal, str]  # (column, amount, category)


def _signed(parts: list[_Part], income_sign: int, how: str) -> list[_Part]:
    income = sum((a for c, a, _ in parts if c in INCOME), ZERO) * income_sign
    against = -1 if income >= 0 else 1  # a deduction goes against the goods' money (out, when there is none)
    out = []
    for column, amount, category in parts:
        if column in INCOME:
            value = amount * income_sign
        elif how == "same":
            value = amount
        elif how == "negate":
            value = -amount
        else:
            value = (against if how == "against" else -against) * abs(amount)
        out.append((column, value, category))
    return out


def solve_signs(parts: list[_Part], total: Decimal | None) -> tuple[list[_Part], str]:
    """The signs that make a row's parts add up to its 应收金额, decided per row from the data.

    SHEIN may write commission, coupons and taxes as positive numbers while 应收金额 is net of them, and refund
    rows with everything positive while 应收金额 is negative: each candidate below is one such convention, the
    first that adds up exactly wins. With no 应收金额, deductions count as money out. With none adding up, the
    closest one is used and the caller says what is left."""
    if total is None:
        return _signed(parts, 1, "against"), "expenses against income"
    best: tuple[Decimal, list[_Part], str] | None = None
    for label, income_sign, how in _SIGN_RULES:
        signed = _signed(parts, income_sign, how)
        gap = abs(total - sum((a for _, a, _ in signed), ZERO))
        if not gap:
            return signed, label
        if best is None or gap < best[0]:
            best = (gap, signed, label)
    assert best is not None
    return best[1], best[2]


def _explain(candidates: list[tuple[str, Decimal, str | None]], gap: Decimal) -> list[tuple[str, Decimal, str]] | None:
    """Unmapped money that is exactly the gap (as written, or negated): (name, amount, category)."""
    for sign in (1, -1):
        signed = [(name, amount * sign, category) for name, amount, category in candidates]
        if candidates and sum(a for _, a, _ in signed) == gap:
            return [(n, a, c or by_sign(a)) for n, a, c in signed]
    return None


@dataclass
class _Split:
    amounts: dict[str, Decimal]
    fields: list[SourceField]
    notes: dict[str, str]
    settlement: Decimal


def split_bill(row: BillRow, rule: Rule | None, borrowed: bool, total: Decimal | None) -> _Split:
    """A bill row → category amounts that add up exactly to its 应收金额, and every money field for drill-down."""
    amounts: dict[str, Decimal] = {}
    fields: list[SourceField] = []
    notes: dict[str, str] = {}
    receivable = row.name("receivable")

    def count(category: str, name: str, amount: Decimal, unmapped: bool) -> None:
        amounts[category] = amounts.get(category, ZERO) + amount
        fields.append(SourceField(name, amount, category, unmapped))

    known = {c: row.amount(c) for c in MONEY if c in row.values}
    known = {c: a for c, a in known.items() if a}
    loose = [(n, a) for n, raw in row.loose if (a := cells.loose_amount(raw))]
    used: set[str] = set()
    if rule is None or rule.whole:
        settlement = total or ZERO
        if settlement:
            category = rule.whole if rule else by_sign(settlement)
            count(category, receivable, settlement, rule is None or borrowed)
        if rule is None:
            notes["rule"] = "账单类型 not in seed 002: 应收金额 counted by its sign"
    else:
        parts = [(c, known[c], book.category_for(known[c])) for c, book in books(rule.table) if c in known]
        signed, how = solve_signs(parts, total)
        for column, amount, category in signed:
            count(category, row.name(column), amount, borrowed)
            used.add(column)
        if how != "as written":
            notes["signs"] = how
        counted = sum((a for _, a, _ in signed), ZERO)
        settlement = counted if total is None else total
        gap = settlement - counted
        if gap and not parts:  # none of the seed's columns is filled: the row's 应收金额 is what they would say
            count(rule.rest or next(iter(rule.parts)), receivable, gap, borrowed if rule.rest else True)
            gap = ZERO
        if gap:
            candidates: list[tuple[str, Decimal, str | None]] = [
                (row.name(c), a, book_of(NEAREST, c).category_for(a)) for c, a in known.items() if c not in used]
            if row.count_loose:
                candidates += [(n, a, None) for n, a in loose]
            explained = _explain(candidates, gap)
            if explained:
                for name, amount, category in explained:
                    count(category, name, amount, True)
                used.update(c for c in known if c not in used)
                loose = [] if row.count_loose else loose
                gap = ZERO
        if gap and rule.rest:
            count(rule.rest, f"{receivable} (remainder)", gap, borrowed)
            gap = ZERO
        if gap:
            count(by_sign(gap), "(unexplained)", gap, True)
            notes["unexplained"] = str(gap)
        if total is not None:
            fields.append(SourceField(receivable, total, None))
    fields += [SourceField(row.name(c), a, None, True) for c, a in known.items() if c not in used]
    fields += [SourceField(n, a, None, True) for n, a in loose]
    return _Split({k: v for k, v in amounts.items() if v}, fields, notes, settlement)


NO_STORE = StoreRef(PLATFORM, "")  # replaced once the file's or capture's store is known


def row_currency(row: BillRow) -> str | None:
    """币种 if the row has one, else its 站点's currency; None with neither. An unknown site is an error."""
    explicit = currency_text(row.values.get("currency"))
    if explicit:
        return explicit
    site = row.text("site")
    if not site:
        return None
    currency = currency_of_site(site)
    if currency is None:
        raise row.where.wrap(SourceError.of("shein_site_unknown", site_header=row.name("site"), site=site,
                                            currency_header=DEFAULT_NAMES["currency"]))
    return currency


def bill_line(row: BillRow, mode: str, basis: str, keyer: Keyer, currency: str, captured_at: datetime,
              settled: bool | None = None) -> Line | None:
    """One bill row → one line (None for a row that is not a bill line). `settled`: None decides by the payout
    date (and a status column); the JSON adapter says it for its own endpoints."""
    try:
        return _bill_line(row, mode, basis, keyer, currency, captured_at, settled)
    except SourceError as exc:
        raise row.where.wrap(exc) from exc


def _bill_line(row: BillRow, mode: str, basis: str, keyer: Keyer, currency: str, captured_at: datetime,
               settled: bool | None) -> Line | None:
    values = row.values
    order_no = cells.text_id(values.get("order_no"), row.name("order_no"))
    sku_id = cells.text_id(values.get("sku_id"), row.name("sku_id"))
    msku = cells.text_id(values.get("msku"), row.name("msku"))
    bill_no = cells.text_id(values.get("bill_no"), row.name("bill_no"))
    kind, top = row.text("bill_type"), row.text("bill_category")
    txn_type = f"{top}-{kind}" if top and kind and "-" not in unicodedata.normalize("NFKC", kind) else kind or top
    raw_total = values.get("receivable")
    total = None if cells.blank(raw_total) else row.amount("receivable")
    if not txn_type:
        if not total and not order_no:
            return None  # a note or an empty row
        raise SourceError.of("shein_column_empty", header=row.name("bill_type"))
    if total is not None and total > 0 and is_expense(row.text("direction")):
        total = -total
    rule, borrowed = rule_for(txn_type, mode)
    parts = split_bill(row, rule, borrowed, total)
    extra = {row.name(c): row.text(c) for c in _EXTRA_TEXT if row.text(c)}
    for name, raw in row.loose:
        if cells.loose_amount(raw) is None and not cells.blank(raw) and not isinstance(raw, (dict, list)):
            extra[name] = raw.isoformat() if hasattr(raw, "isoformat") else text_of(raw)
        elif isinstance(raw, (dict, list)):
            extra[name] = json.dumps(raw, ensure_ascii=False, default=str)[:500]
    extra.update(row.texts)
    extra.update(mode=mode, mode_basis=basis)
    if rule is not None:
        extra["settlement_group"] = rule.group
        if borrowed:
            other = "semi-managed" if mode == "platform" else "platform-mode"
            extra["rule"] = f"seed 002 maps this 账单类型 for {other} stores only; that rule is used"
    extra.update(parts.notes)
    bill_time = cells.when(values.get("bill_time"), TZ)
    if bill_time is not None:
        extra[row.name("bill_time")] = bill_time.isoformat()
    paid_at = cells.when(values.get("pay_date"), TZ)
    if settled is None:
        settled = paid_at is not None and not is_pending(row.text("status"))
    raw_units = values.get("quantity")
    units = None if cells.blank(raw_units) or text_of(raw_units) in ("/", "-", "--") else cells.quantity(raw_units)
    quantity = 0
    if rule is not None and rule.units == "sale":
        quantity = units if units else 1  # seed 002: each 订单收入 row is one unit sold
    elif rule is not None and rule.units == "refund":
        extra["refund_quantity"] = str(units or 1)  # each 订单退货 / 订单调整 row is one unit refunded
    elif units:
        extra[row.name("quantity")] = str(units)
    sku_part = sku_id or msku
    if settled:
        day = paid_at.astimezone(_CHINA).date().isoformat() if paid_at else ""
        base = (BILL_FAMILY, order_no, sku_part, type_name(txn_type), amount_key(parts.settlement), day)
    else:
        base = (PENDING_FAMILY, bill_no, order_no, sku_part, type_name(txn_type))
    return Line(
        store=NO_STORE,
        key=keyer.key(base, row.signature),
        status=SETTLED if settled else IN_TRANSIT,
        txn_type=txn_type,
        currency=currency,
        settlement_amount=parts.settlement,
        amounts=parts.amounts,
        fields=parts.fields,
        order_id=order_no or None,
        sku_id=sku_id or None,
        sku_name=row.text("sku_name") or None,
        quantity=quantity,
        order_time=cells.when(values.get("order_time"), TZ),
        settled_time=(paid_at or captured_at) if settled else None,
        settled_time_approx=bool(settled and paid_at is None),
        extra=extra,
        msku=msku or None,
        reference=order_no or bill_no or None,
        detail=SKU_SPLIT if sku_part else SPLIT,
        statement_id=bill_no or None,
    )

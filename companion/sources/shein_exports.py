"""SHEIN settlement reports (XLSX or CSV), mapped to the profit model as seed 002 says.

- 已完成账单 (我的收入 → 已完成结算收入, new version, exported with 含订单及详细商品导出): one row per bill
  line and product. Row 1 is a summary, the header is row 2. Platform-mode (平台模式) and semi-managed (半托管)
  stores export different amount columns, and seed 002 maps their 账单类型 differently.
- 收支明细: the money movements of the seller's SHEIN account (no seed mapping: see IncomeExpense).

The bill-row logic (one rule per 账单类型, signs, natural keys) is shared with the Seller Center JSON adapter
(shein_seller_center), so a bill row gives the same line whichever way it arrives. Exports do not name their
store: it comes from --account or the file name (平台_店铺_报告名_时间). Times are China time.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.sources import cells, tables
from companion.sources.headers import Columns, Located, norm
from companion.sources.model import (
    IN_TRANSIT,
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
from companion.sources.tabular import Hints, TableAdapter, data_rows, store_for_file

PLATFORM = "shein"
TZ = "Asia/Shanghai"  # SHEIN's seller center shows China time
LABEL = "SHEIN"
BILL_FAMILY = "shein_bill"  # settled bill rows: the export and the JSON captures share this family and key
PENDING_FAMILY = "shein_pending"  # bill rows not paid yet: superseded by the settled line of the same order
FUND_FAMILY = "shein_fund"  # 收支明细 movements
ZERO = Decimal(0)
_CHINA = ZoneInfo(TZ)

# ---------------------------------------------------------------------------------------------- sites → currency
# [guess] formats.md: the export has no currency column, 站点 gives it. Euro-area sites settle in EUR.
_EURO_AREA = ("DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "IE", "FI", "GR", "LU", "SK", "SI", "EE", "LV", "LT",
              "CY", "MT", "HR")
SITE_CURRENCY: dict[str, str] = {
    **dict.fromkeys(_EURO_AREA, "EUR"), "EU": "EUR", "US": "USD", "GB": "GBP", "MX": "MXN", "BR": "BRL",
    "AU": "AUD", "NZ": "NZD", "CA": "CAD", "JP": "JPY", "SA": "SAR", "AE": "AED", "KW": "KWD", "QA": "QAR",
    "OM": "OMR", "BH": "BHD", "IL": "ILS", "ZA": "ZAR", "PL": "PLN", "SE": "SEK", "CZ": "CZK", "DK": "DKK",
    "HU": "HUF", "RO": "RON", "CH": "CHF", "NO": "NOK", "SG": "SGD", "MY": "MYR", "PH": "PHP", "TH": "THB",
    "VN": "VND", "ID": "IDR", "CL": "CLP", "CO": "COP", "PE": "PEN", "AR": "ARS", "TW": "TWD", "HK": "HKD",
    "KR": "KRW", "IN": "INR", "TR": "TRY",
}
_CURRENCIES = frozenset(SITE_CURRENCY.values()) | {"CNY"}
_SITE_NAMES = {
    "UK": "GB", "美国": "US", "英国": "GB", "德国": "DE", "法国": "FR", "意大利": "IT", "西班牙": "ES", "荷兰": "NL",
    "比利时": "BE", "奥地利": "AT", "葡萄牙": "PT", "爱尔兰": "IE", "希腊": "GR", "芬兰": "FI", "波兰": "PL",
    "瑞典": "SE", "捷克": "CZ", "丹麦": "DK", "瑞士": "CH", "挪威": "NO", "欧洲": "EU", "欧盟": "EU", "欧区": "EU",
    "墨西哥": "MX", "巴西": "BR", "澳大利亚": "AU", "澳洲": "AU", "新西兰": "NZ", "加拿大": "CA", "日本": "JP",
    "沙特": "SA", "沙特阿拉伯": "SA", "阿联酋": "AE", "科威特": "KW", "卡塔尔": "QA", "阿曼": "OM", "巴林": "BH",
    "以色列": "IL", "南非": "ZA", "新加坡": "SG", "马来西亚": "MY", "菲律宾": "PH", "泰国": "TH", "越南": "VN",
    "智利": "CL", "哥伦比亚": "CO", "秘鲁": "PE", "土耳其": "TR", "韩国": "KR", "香港": "HK", "台湾": "TW",
}
_SITE_NOISE = re.compile(r"^(SHEIN|希音)[\s\-_]*|[\s\-_]*(站点|站)$")


def site_code(site: object) -> str:
    """'US', 'shein-us', '美国站', 'SHEIN美国' → 'US'; 'UK' → 'GB'. Empty when there is no site."""
    text = unicodedata.normalize("NFKC", str(site or "")).strip().upper()
    text = _SITE_NOISE.sub("", text).strip(" -_")
    return _SITE_NAMES.get(text, text)


def currency_of_site(site: object) -> str | None:
    """The currency a SHEIN site settles in, or None when the site is not one this version knows."""
    code = site_code(site)
    if code in SITE_CURRENCY:
        return SITE_CURRENCY[code]
    return code if code in _CURRENCIES else None


def currency_text(value: object) -> str:
    """A 币种 cell as an ISO code ('usd ' → 'USD'); empty when it is not one."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    return text if re.fullmatch(r"[A-Z]{3}", text) else ""


# ------------------------------------------------------------------------------------- the bill columns
# Money columns seed 002 names, and where each one goes when a 账单类型's rule does not map it (drill-down,
# flagged unmapped, counted only when it is exactly what makes the row add up to its 应收金额).
NEAREST: dict[str, str] = {
    "goods_price": "sales", "supply_price": "sales", "store_coupon": "promo_discount",
    "activity_discount": "promo_discount", "activity_report": "promo_discount", "commission": "platform_fee",
    "commission_tax": "platform_fee", "eu_tax": "sales_tax", "fulfilment_fee": "platform_logistics", "eu_vat": "vat",
}
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
    """How one 账单类型 maps (seed 002 section 4)."""

    group: str  # 销售 / 退款 / 其他: what the seed records the row as
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # category → money columns summed into it
    whole: str | None = None  # the row's 应收金额 goes to this category
    rest: str | None = None  # what the parts leave of 应收金额 goes here
    units: str = ""  # "sale": each row is units sold; "refund": units refunded


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
@dataclass
class BillRow:
    """One bill row, from a file row or a JSON object: canonical fields with the names they were found under."""

    where: str  # "file, sheet 'x', row 5: ", for messages
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
        raise SourceError(f"{name}: {exc}") from exc


def loose_amount(value: object) -> Decimal | None:
    """An amount if a cell nobody named is one, else None. Long digit strings without a point are IDs."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return cells.money(value) if abs(value) < 1e9 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    digits = sum(ch.isdigit() for ch in text)
    if not digits or len(text) > 32 or (digits > 9 and "." not in text):
        return None
    try:
        return cells.money(text)
    except SourceError:
        return None


class Keyer:
    """Occurrence numbers for rows that share a natural key. An exact repeat of a row keeps its number (it is
    the same line, counted once); a different row with the same key gets the next number."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, ...], dict[str, int]] = {}

    def key(self, base: tuple[str, ...], signature: str) -> tuple[str, ...]:
        rows = self._seen.setdefault(base, {})
        return (*base, str(rows.setdefault(signature, len(rows) + 1)))


def amount_key(amount: Decimal) -> str:
    """An amount as key text: 7.50 and 7.5 are the same key."""
    return format(amount.normalize(), "f") if amount else "0"


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
            return [(n, a, c or ("other_income" if a > 0 else "other_platform_fee")) for n, a, c in signed]
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
    loose = [(n, a) for n, raw in row.loose if (a := loose_amount(raw))]
    used: set[str] = set()
    if rule is None or rule.whole:
        settlement = total or ZERO
        if settlement:
            category = rule.whole if rule else ("other_income" if settlement > 0 else "other_platform_fee")
            count(category, receivable, settlement, rule is None or borrowed)
        if rule is None:
            notes["rule"] = "账单类型 not in seed 002: 应收金额 counted by its sign"
    else:
        parts = [(c, known[c], cat) for cat, cols in rule.parts.items() for c in cols if c in known]
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
                (row.name(c), a, NEAREST[c]) for c, a in known.items() if c not in used]
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
            count("other_income" if gap > 0 else "other_platform_fee", "(unexplained)", gap, True)
            notes["unexplained"] = str(gap)
        if total is not None:
            fields.append(SourceField(receivable, total, None))
    fields += [SourceField(row.name(c), a, None, True) for c, a in known.items() if c not in used]
    fields += [SourceField(n, a, None, True) for n, a in loose]
    return _Split({k: v for k, v in amounts.items() if v}, fields, notes, settlement)


_NO_STORE = StoreRef(PLATFORM, "")  # replaced once the file's or capture's store is known


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
        raise SourceError(f"{row.where}{row.name('site')} {site!r} is not a SHEIN site this version knows, and the "
                          f"row has no {DEFAULT_NAMES['currency']} column to say its currency")
    return currency


def bill_line(row: BillRow, mode: str, basis: str, keyer: Keyer, currency: str, captured_at: datetime,
              settled: bool | None = None) -> Line | None:
    """One bill row → one line (None for a row that is not a bill line). `settled`: None decides by the payout
    date (and a status column); the JSON adapter says it for its own endpoints."""
    try:
        return _bill_line(row, mode, basis, keyer, currency, captured_at, settled)
    except SourceError as exc:
        message = str(exc)
        raise type(exc)(message if message.startswith(row.where) else row.where + message) from exc


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
        raise SourceError(f"the {row.name('bill_type')} is empty")
    if total is not None and total > 0 and is_expense(row.text("direction")):
        total = -total
    rule, borrowed = rule_for(txn_type, mode)
    parts = split_bill(row, rule, borrowed, total)
    extra = {row.name(c): row.text(c) for c in _EXTRA_TEXT if row.text(c)}
    for name, raw in row.loose:
        if loose_amount(raw) is None and not cells.blank(raw) and not isinstance(raw, (dict, list)):
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
        store=_NO_STORE,
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
            amount = loose_amount(value)
            if amount is None and isinstance(value, str):
                pairs = _PAIR.findall(value)
                for label, number in pairs:
                    labelled.setdefault(label.strip(), cells.money(number))
                following = next((c for c in row[i + 1:] if not cells.blank(c)), None)
                if not pairs and following is not None and (number := loose_amount(following)) is not None:
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
        book = tables.workbook_of(src.payload)
        if book is None:
            raise SourceError(src.payload.get("_workbook_error") or "not a table")
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
            raise SourceError(f"{book.name}: the {self.report_type} sheet has no data rows")
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
            row = file_row(raw, located, f"{file}, sheet {sheet!r}, row {number}: ")
            parsed.append((row, row_currency(row)))
        known = {c for _, c in parsed if c}
        fallback = known.pop() if len(known) == 1 else (hints.store.currency if hints.store else "")
        lines = []
        for row, currency in parsed:
            if not (currency or fallback):
                raise SourceError(f"{row.where}the row has no {row.name('site')} and the file no "
                                  f"{DEFAULT_NAMES['currency']} column, so its currency is unknown")
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


def file_row(raw: Sequence[object], located: Located, where: str) -> BillRow:
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
    return "other_income" if amount > 0 else "other_platform_fee"


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
        book = tables.workbook_of(src.payload)
        if book is None:
            raise SourceError(src.payload.get("_workbook_error") or "not a table")
        hints = Hints.of(src.payload)
        keyer = Keyer()
        lines: list[Line] = []
        payouts: list[tuple[str, Decimal, str, datetime | None]] = []
        for sheet, header_at, located in self.matching(book):
            for number, raw in data_rows(book.rows(sheet), header_at + 1):
                where = f"{book.name}, sheet {sheet!r}, row {number}: "
                try:
                    self._row(raw, located, where, hints, keyer, lines, payouts)
                except SourceError as exc:
                    raise type(exc)(str(exc) if str(exc).startswith(where) else where + str(exc)) from exc
        if not lines and not payouts:
            raise SourceError(f"{book.name}: the {self.report_type} sheet has no data rows")
        currency = lines[0].currency if lines else payouts[0][2]
        store = store_for_file(hints, PLATFORM, book.name, "", currency, TZ, LABEL)
        for line in lines:
            line.store = store
        totals = [Stated(store, "payout", ref, amount, cur, at) for ref, amount, cur, at in payouts]
        return ParseResult(self.name, self.version, lines, {}, totals, self.report_type)

    def _row(self, raw: Sequence[object], located: Located, where: str, hints: Hints, keyer: Keyer,
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
            raise SourceError(f"the {header('time')} is empty")
        currency = currency_text(get("currency")) or currency_of_site(get("site")) or (
            hints.store.currency if hints.store else "")
        if not currency:
            raise SourceError("the row names no currency (币种) or known site (站点)")
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
        balance = loose_amount(get("balance")) if "balance" in located.index else None
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
            store=_NO_STORE, key=keyer.key(base, signature), status=IN_TRANSIT if pending else SETTLED,
            txn_type=what, currency=currency, settlement_amount=amount, amounts={category: amount} if amount else {},
            fields=fields, order_id=order_no or None, sku_id=sku_id or None,
            settled_time=None if pending else at, extra=extra,
            msku=cells.text_id(get("msku"), "商家SKU") or None, reference=order_no or None,
            statement_id=bill_no or None,
        ))


ADAPTERS = (CompletedBills(), IncomeExpense())

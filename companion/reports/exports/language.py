"""The exports' words in the seller's language: CSV and XLSX headers, the settlement types, the PDF's labels.

An export is read by the seller (or their bookkeeper) in the language the Finance view shows, so the view
sends `lang` (en or zh) with every export link. English is the default and keeps the headers the exports
always had, so scripts that read an English CSV by its header go on working. Only words change with the
language: figures, IDs and dates are written the same in both, so a zh file sums and sorts like an en one.
"""

from __future__ import annotations

from companion.errors import BadInput
from companion.ledger.categories import LABELS_ZH

LANGS = ("en", "zh")


def lang_of(value: str | None) -> str:
    """The `lang` query parameter: en when absent, refused when it is neither en nor zh."""
    lang = (value or "en").strip().lower()
    if lang not in LANGS:
        raise BadInput.of("report_lang_unknown", value=value)
    return lang


# the income and expense tables: English as the exports have always written it (finance_view's headers)
INCOME = {
    "Date": "日期", "Order ID": "订单号", "Item No": "商品编号", "SKU ID": "SKU ID", "SKU name": "SKU 名称",
    "Quantity": "数量", "Unit price": "单价", "Settlement amount": "结算金额", "Currency": "币种",
    "Settlement type": "结算类型", "Store": "店铺",
}
EXPENSE = {
    **INCOME, "1688 order ID": "1688 订单号", "Settlement price": "结算价", "Purchase price": "采购价",
    "Purchase currency": "采购币种", "Other fees": "其他费用", "Row profit": "行利润",
}
TYPES_ZH = {"settled": "已结算", "in transit": "在途", "estimated": "预估"}  # finance_view.TYPE_TEXT's words

# the profit table's columns: the report's own field names in English (what the CSV has always carried)
PROFIT_ZH = {
    "account": "店铺", "sku_id": "SKU ID", "msku": "MSKU", "order_id": "订单号", "currency": "币种",
    "quantity": "数量", "settlement_amount": "结算金额", **LABELS_ZH,
    "platform_income": "平台收入", "platform_expense": "平台支出", "tax": "税费", "custom_fees": "自定义费用",
    "cost": "成本", "gross_profit": "毛利润",
}


def header(names, lang: str, words: dict[str, str] | None = None) -> list[str]:
    """A table's header in `lang`: English names as given, Chinese from `words` (INCOME's by default);
    a name with no Chinese word stays as it is rather than being dropped."""
    if lang == "en":
        return list(names)
    table = INCOME if words is None else words
    return [table.get(n, n) for n in names]


def type_text(text: str, lang: str) -> str:
    """A settlement type's word ("settled", "in transit", "estimated") in `lang`."""
    return TYPES_ZH.get(text, text) if lang == "zh" else text


def category(key: str, lang: str) -> str:
    """A category or group key as the PDF names it: "Platform fee" or 平台费."""
    if lang == "zh":
        return PROFIT_ZH.get(key, key)
    return key.replace("_", " ").capitalize()


# the summary PDF's words; {placeholders} are filled by summary_pdf
PDF = {
    "en": {
        "title": "Profit summary \u00b7 {store}", "all_stores": "all stores",
        "basis": {"settlement": "Settlement basis", "order": "Order basis"},
        "span": "{start} to {end}", "first_line": "first line", "last_line": "last line", "all_dates": "all dates",
        "converted": "converted to {currency}",
        "no_lines": "No settlement lines in this period.",
        "income": "Total income", "expense": "Total expense", "profit": "Net profit",
        "more_currencies": "and {n} more currencies in the tables below: {names}",
        "by_store": "Profit by store", "store": "Store", "cur": "Cur.",
        "settlement_amount": "Settlement", "platform_income": "Income", "platform_expense": "Expense",
        "tax": "Tax", "custom_fees": "Custom fees", "cost": "Cost", "gross_profit": "Gross profit",
        "no_store": "No store has lines in this period.", "more_stores": "and {n} more stores",
        "categories": "Category totals", "all_zero": "Every category is zero.",
        "more_categories": "and {n} more category totals",
        "incomplete": "Incomplete data (required statements missing): {months}",
        "formula": "ShopTally \u00b7 costs shown as positive amounts \u00b7 net profit = income - platform expense"
                   " - tax - custom fees - cost \u00b7 made {made}",
    },
    "zh": {
        "title": "利润汇总 \u00b7 {store}", "all_stores": "全部店铺",
        "basis": {"settlement": "按结算时间", "order": "按下单时间"},
        "span": "{start} 至 {end}", "first_line": "最早一笔", "last_line": "最近一笔", "all_dates": "全部日期",
        "converted": "已换算为 {currency}",
        "no_lines": "该期间没有结算记录。",
        "income": "总收入", "expense": "总支出", "profit": "净利润",
        "more_currencies": "另有 {n} 种币种见下表：{names}",
        "by_store": "各店铺利润", "store": "店铺", "cur": "币种",
        "settlement_amount": "结算金额", "platform_income": "收入", "platform_expense": "支出",
        "tax": "税费", "custom_fees": "自定义费用", "cost": "成本", "gross_profit": "毛利润",
        "no_store": "该期间没有店铺有记录。", "more_stores": "另有 {n} 个店铺",
        "categories": "各类别合计", "all_zero": "所有类别均为零。",
        "more_categories": "另有 {n} 项类别合计",
        "incomplete": "数据不完整（缺少必需的账单）：{months}",
        "formula": "ShopTally \u00b7 费用以正数显示 \u00b7 净利润 = 收入 - 平台支出 - 税费 - 自定义费用 - 成本"
                   " \u00b7 生成于 {made}",
    },
}

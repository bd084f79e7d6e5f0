"""The Finance view's tables as XLSX workbooks, for sellers who open exports in Excel rather than import a CSV.

Same header, rows and order as the CSV export of the same tab, the header and settlement types in the
seller's language (language.py). The cells are typed so the sheet sums and sorts at once: amounts are
numbers shown grouped with two decimals ("#,##0.00": 62,743.19, still the number 62743.19 to a formula),
dates are dates, but IDs stay text because a 19-digit order or SKU ID would lose its last digits as a number.
xlsxwriter's constant-memory mode writes each row to disk as it comes, so a
million rows cost no more memory than ten.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from companion.reports import finance_view
from companion.reports.exports import language
from companion.store import line_table

# (column, width in characters, kind); the order is INCOME_HEADER's
COLUMNS = (("date", 17, "date"), ("order_id", 22, "text"), ("item_no", 18, "text"), ("sku_id", 22, "text"),
           ("sku_name", 40, "text"), ("quantity", 9, "int"), ("unit_price", 11, "money"),
           ("settlement_amount", 18, "money"), ("currency", 9, "text"), ("type", 15, "type"), ("store", 26, "text"))


EXPENSE_COLUMNS = (("date", 17, "date"), ("order_id", 22, "text"), ("purchase_order", 20, "text"),
                   ("sku_id", 22, "text"), ("sku_name", 40, "text"), ("quantity", 9, "int"),
                   ("settlement_price", 16, "money"), ("purchase_price", 15, "money"), ("purchase_currency", 9, "text"),
                   ("other_fees", 12, "money"), ("row_profit", 12, "money"), ("currency", 9, "text"),
                   ("store", 26, "text"))


MONEY_FORMAT = "#,##0.00"  # Excel's grouping and decimal marks follow the reader's locale; the value is exact


def income_xlsx(f: finance_view.Filters, out_path: Path, now: datetime | None = None, lang: str = "en") -> int:
    """Write the filtered income table to `out_path`; returns how many lines it holds (header not counted)."""
    q = finance_view.every_query(f, now)
    return write_table(out_path, "收入" if lang == "zh" else "Income",
                       language.header(finance_view.INCOME_HEADER, lang), COLUMNS,
                       line_table.every_row(q, finance_view.EXPORT_LIMIT), lang)


def expense_xlsx(f: finance_view.Filters, out_path: Path, now: datetime | None = None, lang: str = "en") -> int:
    """The expense tab with the seller's figures and row profit, worked out 500 rows at a time."""
    q = finance_view.every_query(f, now)

    def rows():
        batch: list[dict] = []
        for row in line_table.every_row(q, finance_view.EXPORT_LIMIT):
            batch.append(row)
            if len(batch) == 500:
                yield from finance_view.expense_rows(batch)
                batch = []
        if batch:
            yield from finance_view.expense_rows(batch)

    return write_table(out_path, "支出" if lang == "zh" else "Expense",
                       language.header(finance_view.EXPENSE_HEADER, lang, language.EXPENSE), EXPENSE_COLUMNS, rows(),
                       lang)


def profit_xlsx(report: dict, out_path: Path, lang: str = "en") -> int:
    """The profit tab: the report's rows, keys as text, every category and group as a number."""
    header, rows = finance_view.profit_table(report)
    key_count = header.index("currency")
    columns = tuple([(k, 26, "text") for k in header[:key_count]] + [("currency", 9, "text"), ("quantity", 9, "int"),
                                                                      ("settlement_amount", 14, "money")]
                    + [(c, 12, "money") for c in header[key_count + 3:]])
    return write_table(out_path, "利润" if lang == "zh" else "Profit",
                       language.header(header, lang, language.PROFIT_ZH), columns, rows)


def write_table(out_path: Path, title: str, header, columns, rows, lang: str = "en") -> int:
    """One sheet: a bold frozen header with a filter, typed cells; returns the rows written."""
    book = xlsxwriter.Workbook(str(out_path), {"constant_memory": True})
    try:
        sheet = book.add_worksheet(title)
        bold = book.add_format({"bold": True})
        formats = {"money": book.add_format({"num_format": MONEY_FORMAT}),
                   "date": book.add_format({"num_format": "yyyy-mm-dd hh:mm"})}
        for col, (_, width, _) in enumerate(columns):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        for col, name in enumerate(header):
            sheet.write_string(0, col, name, bold)
        n = 0
        for row in rows:
            n += 1
            for col, (key, _, kind) in enumerate(columns):
                _write(sheet, n, col, kind, row[key], formats, lang)
        sheet.autofilter(0, 0, max(n, 1), len(columns) - 1)
    finally:
        book.close()
    return n


def _write(sheet, r: int, c: int, kind: str, value, formats: dict, lang: str) -> None:
    if value in (None, ""):
        return  # an empty cell, as the CSV's empty field
    if kind == "money":
        # the stored amount has two decimals; a double holds it to the cent and MONEY_FORMAT shows it so
        sheet.write_number(r, c, float(Decimal(value)), formats["money"])
    elif kind == "int":
        sheet.write_number(r, c, int(value))
    elif kind == "date":
        sheet.write_datetime(r, c, datetime.fromisoformat(value), formats["date"])  # "YYYY-MM-DD HH:MM", store time
    elif kind == "type":
        sheet.write_string(r, c, language.type_text(finance_view.TYPE_TEXT.get(value, value), lang))
    else:
        sheet.write_string(r, c, str(value))  # IDs too: text keeps every digit and leading zero

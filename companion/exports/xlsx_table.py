"""The income table as an XLSX workbook, for sellers who open exports in Excel rather than import a CSV.

Same header, rows and order as the CSV export. The cells are typed so the sheet sums and sorts at once:
amounts are numbers, dates are dates, but IDs stay text because a 19-digit order or SKU ID would lose
its last digits as a number. xlsxwriter's constant-memory mode writes each row to disk as it comes, so a
million rows cost no more memory than ten.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from companion import finance_view
from companion.store import line_table

# (column, width in characters, kind); the order is CSV_HEADER's
COLUMNS = (("date", 17, "date"), ("order_id", 22, "text"), ("item_no", 18, "text"), ("sku_id", 22, "text"),
           ("sku_name", 40, "text"), ("quantity", 9, "int"), ("unit_price", 11, "money"),
           ("settlement_amount", 18, "money"), ("currency", 9, "text"), ("type", 15, "type"), ("store", 26, "text"))


def income_xlsx(f: finance_view.Filters, out_path: Path, now: datetime | None = None) -> int:
    """Write the filtered income table to `out_path`; returns how many lines it holds (header not counted)."""
    q = finance_view._query(f, now)
    q.page, q.size = 1, line_table.MAX_PAGE_SIZE
    try:
        q.check()
    except line_table.TableError as exc:
        raise finance_view.ViewError(str(exc)) from exc
    header = finance_view.CSV_HEADER["income"]
    book = xlsxwriter.Workbook(str(out_path), {"constant_memory": True})
    try:
        sheet = book.add_worksheet("Income")
        bold = book.add_format({"bold": True})
        formats = {"money": book.add_format({"num_format": "0.00"}),
                   "date": book.add_format({"num_format": "yyyy-mm-dd hh:mm"})}
        for col, (_, width, _) in enumerate(COLUMNS):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        for col, title in enumerate(header):
            sheet.write_string(0, col, title, bold)
        n = 0
        for row in line_table.every_row(q, finance_view.EXPORT_LIMIT):
            n += 1
            for col, (key, _, kind) in enumerate(COLUMNS):
                _write(sheet, n, col, kind, row[key], formats)
        sheet.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)
    finally:
        book.close()
    return n


def _write(sheet, r: int, c: int, kind: str, value, formats: dict) -> None:
    if value in (None, ""):
        return  # an empty cell, as the CSV's empty field
    if kind == "money":
        # the stored amount has two decimals; a double holds it to the cent and '0.00' shows it as stored
        sheet.write_number(r, c, float(Decimal(value)), formats["money"])
    elif kind == "int":
        sheet.write_number(r, c, int(value))
    elif kind == "date":
        sheet.write_datetime(r, c, datetime.fromisoformat(value), formats["date"])  # "YYYY-MM-DD HH:MM", store time
    elif kind == "type":
        sheet.write_string(r, c, finance_view.TYPE_TEXT.get(value, value))
    else:
        sheet.write_string(r, c, str(value))  # IDs too: text keeps every digit and leading zero

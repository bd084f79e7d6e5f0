"""The Finance view's CSV exports in the seller's language: the header (and the settlement type's word) in zh.

finance_view writes the CSVs (streamed, formula text neutralised, amounts as stored); this module only
changes their words, so the en file is finance_view's, byte for byte, and a zh file differs from it in its
header line and the income table's "Settlement type" column alone. Figures stay plain machine-readable
decimals in both languages (-12.30, never "-12.30 USD" or "1,234.50"): a CSV is for other programs, and
grouping commas would split or turn a figure into text there. The XLSX shows grouped figures instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from companion.reports import finance_view
from companion.reports.exports import language

BOM = "\ufeff"
TYPE_COLUMN = finance_view.INCOME_HEADER.index("Settlement type")


def income_csv(f: finance_view.Filters, now: datetime | None = None, lang: str = "en") -> Iterator[str]:
    chunks = finance_view.income_csv(f, now)
    if lang == "en":
        return chunks
    return _translated(chunks, language.header(finance_view.INCOME_HEADER, lang), TYPE_COLUMN, lang)


def expense_csv(f: finance_view.Filters, now: datetime | None = None, lang: str = "en") -> Iterator[str]:
    chunks = finance_view.expense_csv(f, now)
    if lang == "en":
        return chunks
    return _translated(chunks, language.header(finance_view.EXPENSE_HEADER, lang, language.EXPENSE), None, lang)


def profit_csv(report: dict, lang: str = "en") -> str:
    text = finance_view.profit_csv(report)
    if lang == "en":
        return text
    names, _ = finance_view.profit_table(report)
    return "".join(_translated([text], language.header(names, lang, language.PROFIT_ZH), None, lang))


def _translated(chunks: Iterable[str], header: list[str], type_column: int | None, lang: str) -> Iterator[str]:
    """finance_view's chunks with the first line (its header, which holds no quoted line break) replaced by
    `header`, and the settlement type of each row in `lang` when the table has one. Chunks end at row ends
    (finance_view writes whole rows), so each can be read and written again on its own; the csv module
    quotes as it did the first time, so every other cell keeps its bytes."""
    first = True
    for chunk in chunks:
        if first:
            first = False
            _, _, rest = chunk.partition("\r\n")
            yield BOM + _line(header)
            chunk = rest
        if not chunk:
            continue
        if type_column is None:
            yield chunk
            continue
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in csv.reader(io.StringIO(chunk, newline="")):
            if len(row) > type_column:
                row[type_column] = language.type_text(row[type_column], lang)
            writer.writerow(row)
        yield out.getvalue()


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()

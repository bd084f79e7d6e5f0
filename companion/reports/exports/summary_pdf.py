"""The period's profit summary on one A4 page: something a seller can print or mail to a bookkeeper.

It draws only what the profit report says (the report JSON of the contract), so the page and the view
never disagree: cards per currency, profit by store, and every category with money in it. fpdf2 writes
the PDF: it measures text in the standard fonts, so columns line up and long names are cut to fit
without font metrics of our own.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

PAGE_H, MARGIN = 297.0, 15.0
WIDTH = 210.0 - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN - 9  # the tables end here; the footer's lines go below
ROW = 5.2  # one table line, mm
HEADING = 10.0  # a section's title and the space above it
MAX_CARD_ROWS = 4  # currencies with cards; more are named in one line
MONEY = (("settlement_amount", "Settlement"), ("platform_income", "Income"), ("platform_expense", "Expense"),
         ("tax", "Tax"), ("custom_fees", "Custom fees"), ("cost", "Cost"), ("gross_profit", "Gross profit"))
STORE_W, CUR_W = 38.0, 11.0
MONEY_W = (WIDTH - STORE_W - CUR_W) / len(MONEY)
CAT_COLUMNS = 3
GREY, INK, RED, RULE, FILL = (110, 110, 110), (20, 20, 20), (170, 30, 30), (200, 200, 200), (238, 238, 238)


def summary_pdf(report: dict, title: str) -> bytes:
    """One page, always: tables that would run over it end with "and N more"."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = "cp1252"  # the standard fonts' WinAnsi encoding: € and curly quotes too
    pdf.set_compression(False)  # a page of text is a few KB anyway; plain streams can be searched for figures
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(title)
    pdf.set_creator("ShopTally")
    pdf.add_page()
    _header(pdf, report, title)
    _cards(pdf, report["totals_by_currency"])
    _tables(pdf, report)
    _footer(pdf, report)
    return bytes(pdf.output())


def latin(text: str) -> str:
    """Text the standard PDF fonts can draw. They hold only the WinAnsi (cp1252) characters and embedding a
    Unicode font would mean shipping one, so any other character (a Chinese store name, say) becomes '?'
    instead of failing the export."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def money(value: str | Decimal) -> str:
    """Contract money text for print: two decimals, thousands grouped, never "-0.00"."""
    amount = Decimal(value)
    return f"{amount if amount else Decimal(0):,.2f}"


def _header(pdf: FPDF, report: dict, title: str) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(WIDTH, 8, _fit(pdf, title, WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    period = report.get("period") or {}
    if period.get("from") or period.get("to"):
        span = f"{period.get('from') or 'first line'} to {period.get('to') or 'last line'}"
    else:
        span = "all dates"
    parts = [f"{report.get('basis', 'settlement').capitalize()} basis", span]
    if report.get("currency"):
        parts.append(f"converted to {report['currency']}")
    pdf.set_font("helvetica", "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(WIDTH, 5, _fit(pdf, " \u00b7 ".join(parts), WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _cards(pdf: FPDF, totals: dict[str, dict]) -> None:
    """Per currency: total income, total expense (every cost and fee group) and net profit."""
    if not totals:
        pdf.set_font("helvetica", "", 10)
        pdf.set_text_color(*INK)
        pdf.cell(WIDTH, 8, "No settlement lines in this period.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    gap, height = 4.0, 17.0
    width = (WIDTH - 2 * gap) / 3
    currencies = sorted(totals)
    for cur in currencies[:MAX_CARD_ROWS]:
        t = totals[cur]
        expense = sum(Decimal(t[k]) for k in ("platform_expense", "tax", "custom_fees", "cost"))
        y = pdf.get_y()
        cards = (("Total income", Decimal(t["platform_income"])), ("Total expense", expense),
                 ("Net profit", Decimal(t["gross_profit"])))
        for i, (label, amount) in enumerate(cards):
            x = MARGIN + i * (width + gap)
            pdf.set_draw_color(*RULE)
            pdf.set_fill_color(*FILL if label == "Net profit" else (255, 255, 255))
            pdf.rect(x, y, width, height, style="DF")
            pdf.set_xy(x + 1, y + 2)
            pdf.set_font("helvetica", "", 8)
            pdf.set_text_color(*GREY)
            pdf.cell(width - 2, 4, f"{label} ({cur})")
            pdf.set_xy(x + 1, y + 7.5)
            pdf.set_font("helvetica", "B", 14)
            pdf.set_text_color(*(RED if amount < 0 else INK))
            _number(pdf, width - 2, 8, money(amount), align="L")
        pdf.set_xy(MARGIN, y + height + 3)
    if len(currencies) > MAX_CARD_ROWS:
        rest = currencies[MAX_CARD_ROWS:]
        pdf.set_font("helvetica", "", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(WIDTH, ROW, f"and {len(rest)} more currencies in the tables below: {', '.join(rest)}",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _tables(pdf: FPDF, report: dict) -> None:
    """Profit by store, then category totals, sharing what is left of the page."""
    rows = report["rows"]
    items = [(key, cur, value) for cur, t in sorted(report["totals_by_currency"].items())
             for key, value in t["categories"].items() if Decimal(value)]
    lines = int((BOTTOM - pdf.get_y() - 2 * HEADING - ROW) // ROW)  # ROW: the store table's header
    store_need, cat_need = max(len(rows), 1), max(math.ceil(len(items) / CAT_COLUMNS), 1)
    if store_need + cat_need <= lines:
        store_lines, cat_lines = store_need, cat_need
    else:  # categories get what the stores leave, but at least a third of the space
        cat_lines = min(cat_need, max(lines - store_need, lines // 3))
        store_lines = lines - cat_lines
    _store_table(pdf, rows, store_lines)
    _category_table(pdf, items, cat_lines)


def _store_table(pdf: FPDF, rows: list[dict], lines: int) -> None:
    _heading(pdf, "Profit by store")
    pdf.set_font("helvetica", "B", 8)
    pdf.set_fill_color(*FILL)
    pdf.set_draw_color(*RULE)
    pdf.cell(STORE_W, ROW, "Store", border="B", fill=True)
    pdf.cell(CUR_W, ROW, "Cur.", border="B", fill=True)
    for _, label in MONEY:
        pdf.cell(MONEY_W, ROW, label, border="B", fill=True, align="R")
    pdf.ln(ROW)
    pdf.set_font("helvetica", "", 8)
    if not rows:
        pdf.cell(WIDTH, ROW, "No store has lines in this period.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    shown = rows if len(rows) <= lines else rows[: max(lines - 1, 0)]
    for row in shown:
        name = " / ".join(str(v) for v in row["key"].values())
        pdf.cell(STORE_W, ROW, _fit(pdf, name, STORE_W), border="B")
        pdf.cell(CUR_W, ROW, latin(row["currency"]), border="B")
        for key, _ in MONEY:
            pdf.set_text_color(*(RED if Decimal(row[key]) < 0 else INK))
            _number(pdf, MONEY_W, ROW, money(row[key]), border="B")
            pdf.set_text_color(*INK)
        pdf.ln(ROW)
    _more(pdf, len(rows) - len(shown), "stores")


def _category_table(pdf: FPDF, items: list[tuple[str, str, str]], lines: int) -> None:
    _heading(pdf, "Category totals")
    pdf.set_font("helvetica", "", 8)
    if not items:
        pdf.cell(WIDTH, ROW, "Every category is zero.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    capacity = lines * CAT_COLUMNS
    shown = items if len(items) <= capacity else items[: max(lines - 1, 0) * CAT_COLUMNS]
    column = WIDTH / CAT_COLUMNS
    label_w = column * 0.52
    for start in range(0, len(shown), CAT_COLUMNS):
        for key, cur, value in shown[start:start + CAT_COLUMNS]:
            pdf.set_text_color(*INK)
            pdf.cell(label_w, ROW, _fit(pdf, key.replace("_", " ").capitalize(), label_w), border="B")
            pdf.set_text_color(*(RED if Decimal(value) < 0 else INK))
            _number(pdf, column - label_w - 3, ROW, f"{latin(cur)} {money(value)}", border="B")
            pdf.cell(3, ROW, "")
        pdf.set_text_color(*INK)
        pdf.ln(ROW)
    _more(pdf, len(items) - len(shown), "category totals")


def _footer(pdf: FPDF, report: dict) -> None:
    pdf.set_xy(MARGIN, PAGE_H - MARGIN - 7)
    pdf.set_font("helvetica", "", 7)
    pdf.set_text_color(*GREY)
    missing = [c for c in report.get("completeness", []) if c.get("status") == "required_missing"]
    if missing:
        months = ", ".join(f"{c['account']} {c['month']}" for c in missing)
        text = f"Incomplete data (required statements missing): {months}"
        pdf.cell(WIDTH, 3.5, _fit(pdf, text, WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.ln(3.5)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pdf.cell(WIDTH, 3.5, "ShopTally \u00b7 net profit = income + platform expense + tax + custom fees + cost"
             f" \u00b7 made {made}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(HEADING - 6)
    pdf.set_font("helvetica", "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(WIDTH, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _more(pdf: FPDF, hidden: int, what: str) -> None:
    if hidden > 0:
        pdf.set_font("helvetica", "I", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(WIDTH, ROW, f"and {hidden} more {what}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("helvetica", "", 8)
        pdf.set_text_color(*INK)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` in the current font, cut with an ellipsis so it fits a cell `width` wide."""
    text = latin(text)
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "\u2026") > room:
        text = text[:-1]
    return text + "\u2026"


def _number(pdf: FPDF, width: float, height: float, text: str, border: str | int = 0, align: str = "R") -> None:
    """A figure is never cut: a smaller font size makes a long one fit its cell."""
    size = original = pdf.font_size_pt
    while size > 4 and pdf.get_string_width(text) > width - 2 * pdf.c_margin:
        size -= 0.5
        pdf.set_font_size(size)
    pdf.cell(width, height, text, border=border, align=align)
    pdf.set_font_size(original)

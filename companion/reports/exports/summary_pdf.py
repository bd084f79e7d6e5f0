"""The period's profit summary on one A4 page: something a seller can print or mail to a bookkeeper.

It draws only what the profit report says (the report JSON of the contract), so the page and the view
never disagree: cards per currency, profit by store, and every category with money in it. Its words are
in the seller's language (en or zh, language.PDF); figures are grouped with two decimals and carry their
currency code in both. Signs follow the view's convention: income and profit keep their sign and are red
below zero; costs (total expense, the expense, tax, custom fee and cost groups and their categories) are
shown as what they cost, a positive amount in ink, a minus only for a net credit.

fpdf2 writes the PDF in the Noto Sans SC shipped with the package (fonts/), embedded subset to the glyphs
the page uses, so a Chinese store name prints as itself; fpdf2 measures text in it, so columns line up and
long names are cut to fit. The font has one weight: bold is drawn as the glyphs' outline stroked over
their fill.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from companion.ledger.categories import GROUP_OF, GROUPS
from companion.reports.exports.language import PDF, category
from companion.reports.fonts import CJK_FONT

PAGE_H, MARGIN = 297.0, 15.0
WIDTH = 210.0 - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN - 9  # the tables end here; the footer's lines go below
ROW = 5.2  # one table line, mm
HEADING = 10.0  # a section's title and the space above it
MAX_CARD_ROWS = 4  # currencies with cards; more are named in one line
MONEY = ("settlement_amount", "platform_income", "platform_expense", "tax", "custom_fees", "cost", "gross_profit")
COSTS = frozenset(GROUPS) - {"platform_income"}  # the report keeps them negative; printed as what they cost
FONT = "notosanssc"
BOLD_STROKE = 0.12  # mm of outline that makes the one weight read as bold
STORE_W, CUR_W = 38.0, 11.0
MONEY_W = (WIDTH - STORE_W - CUR_W) / len(MONEY)
CAT_COLUMNS = 3
GREY, INK, RED, RULE, FILL = (110, 110, 110), (20, 20, 20), (170, 30, 30), (200, 200, 200), (238, 238, 238)


def summary_pdf(report: dict, title: str | None = None, lang: str = "en") -> bytes:
    """One page, always: tables that would run over it end with "and N more". `title` defaults to the
    summary of all stores in `lang` (see title_for)."""
    words = PDF[lang]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", CJK_FONT)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    title = title or title_for(None, lang)
    pdf.set_title(title)
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    pdf.set_creator("ShopTally")
    pdf.add_page()
    _header(pdf, report, title, words)
    _cards(pdf, report["totals_by_currency"], words)
    _tables(pdf, report, words, lang)
    _footer(pdf, report, words)
    return bytes(pdf.output())


def title_for(account: str | None, lang: str = "en") -> str:
    """"Profit summary · TikTok US Mugs", or of all stores, in `lang`."""
    return PDF[lang]["title"].format(store=account or PDF[lang]["all_stores"])


def money(value: str | Decimal) -> str:
    """Contract money text for print: two decimals, thousands grouped, never "-0.00"."""
    amount = Decimal(value)
    return f"{amount if amount else Decimal(0):,.2f}"


def _font(pdf: FPDF, size: float, bold: bool = False) -> None:
    """The one font at `size` pt; bold strokes the glyphs' outline in the text's colour (see _color)."""
    pdf.set_font(FONT, "", size)
    pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
    pdf.set_line_width(BOLD_STROKE if bold else 0.2)


def _color(pdf: FPDF, rgb: tuple[int, int, int]) -> None:
    pdf.set_text_color(*rgb)
    pdf.set_draw_color(*(rgb if pdf.text_mode == TextMode.FILL_STROKE else RULE))


def printable(pdf: FPDF, text: str) -> str:
    """`text` with every character the shipped font has no glyph for (an emoji, a rare hanzi beyond GB2312)
    as '?', so such a name prints legibly in part and never fails the export."""
    glyphs = pdf.current_font.cmap
    return "".join(c if ord(c) in glyphs or c in "\n" else "?" for c in text)


def _header(pdf: FPDF, report: dict, title: str, words: dict) -> None:
    _font(pdf, 16, bold=True)
    _color(pdf, INK)
    pdf.cell(WIDTH, 8, _fit(pdf, title, WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    period = report.get("period") or {}
    if period.get("from") or period.get("to"):
        span = words["span"].format(start=period.get("from") or words["first_line"],
                                    end=period.get("to") or words["last_line"])
    else:
        span = words["all_dates"]
    basis = report.get("basis", "settlement")
    parts = [words["basis"].get(basis, basis), span]
    if report.get("currency"):
        parts.append(words["converted"].format(currency=report["currency"]))
    _font(pdf, 9)
    _color(pdf, GREY)
    pdf.cell(WIDTH, 5, _fit(pdf, " \u00b7 ".join(parts), WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _cards(pdf: FPDF, totals: dict[str, dict], words: dict) -> None:
    """Per currency: total income, total expense (every cost and fee group) and net profit."""
    if not totals:
        _font(pdf, 10)
        _color(pdf, INK)
        pdf.cell(WIDTH, 8, words["no_lines"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    gap, height = 4.0, 17.0
    width = (WIDTH - 2 * gap) / 3
    currencies = sorted(totals)
    for cur in currencies[:MAX_CARD_ROWS]:
        t = totals[cur]
        expense = -sum(Decimal(t[k]) for k in COSTS)  # what the period cost
        y = pdf.get_y()
        cards = (("income", Decimal(t["platform_income"])), ("expense", expense),
                 ("profit", Decimal(t["gross_profit"])))
        for i, (label, amount) in enumerate(cards):
            x = MARGIN + i * (width + gap)
            _font(pdf, 8)
            pdf.set_draw_color(*RULE)
            pdf.set_fill_color(*FILL if label == "profit" else (255, 255, 255))
            pdf.rect(x, y, width, height, style="DF")
            pdf.set_xy(x + 1, y + 2)
            _color(pdf, GREY)
            pdf.cell(width - 2, 4, words[label])
            pdf.set_xy(x + 1, y + 7.5)
            _font(pdf, 14, bold=True)
            _color(pdf, RED if amount < 0 and label != "expense" else INK)
            _number(pdf, width - 2, 8, f"{cur} {money(amount)}", align="L")
        pdf.set_xy(MARGIN, y + height + 3)
    if len(currencies) > MAX_CARD_ROWS:
        rest = currencies[MAX_CARD_ROWS:]
        _font(pdf, 8)
        _color(pdf, GREY)
        pdf.cell(WIDTH, ROW, words["more_currencies"].format(n=len(rest), names=", ".join(rest)),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _tables(pdf: FPDF, report: dict, words: dict, lang: str) -> None:
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
    _store_table(pdf, rows, store_lines, words)
    _category_table(pdf, items, cat_lines, words, lang)


def _store_table(pdf: FPDF, rows: list[dict], lines: int, words: dict) -> None:
    _heading(pdf, words["by_store"])
    _font(pdf, 8, bold=True)
    _color(pdf, INK)
    pdf.set_fill_color(*FILL)
    pdf.cell(STORE_W, ROW, words["store"], fill=True)
    pdf.cell(CUR_W, ROW, words["cur"], fill=True)
    for key in MONEY:
        pdf.cell(MONEY_W, ROW, _fit(pdf, words[key], MONEY_W), fill=True, align="R")
    _rule(pdf)
    pdf.ln(ROW)
    _font(pdf, 8)
    _color(pdf, INK)
    if not rows:
        pdf.cell(WIDTH, ROW, words["no_store"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    shown = rows if len(rows) <= lines else rows[: max(lines - 1, 0)]
    for row in shown:
        name = " / ".join(str(v) for v in row["key"].values())
        pdf.cell(STORE_W, ROW, _fit(pdf, name, STORE_W), border="B")
        pdf.cell(CUR_W, ROW, printable(pdf, row["currency"]), border="B")
        for key in MONEY:
            amount = -Decimal(row[key]) if key in COSTS else Decimal(row[key])
            _color(pdf, RED if amount < 0 and key not in COSTS else INK)
            _number(pdf, MONEY_W, ROW, money(amount), border="B")
            _color(pdf, INK)
        pdf.ln(ROW)
    _more(pdf, words["more_stores"], len(rows) - len(shown))


def _rule(pdf: FPDF) -> None:
    """The line under a table's header, drawn apart from the bold text's stroke colour."""
    y = pdf.get_y() + ROW
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y, MARGIN + WIDTH, y)


def _category_table(pdf: FPDF, items: list[tuple[str, str, str]], lines: int, words: dict, lang: str) -> None:
    _heading(pdf, words["categories"])
    _font(pdf, 8)
    _color(pdf, INK)
    if not items:
        pdf.cell(WIDTH, ROW, words["all_zero"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    capacity = lines * CAT_COLUMNS
    shown = items if len(items) <= capacity else items[: max(lines - 1, 0) * CAT_COLUMNS]
    column = WIDTH / CAT_COLUMNS
    label_w = column * 0.52
    for start in range(0, len(shown), CAT_COLUMNS):
        for key, cur, value in shown[start:start + CAT_COLUMNS]:
            _color(pdf, INK)
            pdf.cell(label_w, ROW, _fit(pdf, category(key, lang), label_w), border="B")
            cost = GROUP_OF.get(key) in COSTS
            amount = -Decimal(value) if cost else Decimal(value)
            _color(pdf, RED if amount < 0 and not cost else INK)
            _number(pdf, column - label_w - 3, ROW, f"{printable(pdf, cur)} {money(amount)}", border="B")
            pdf.cell(3, ROW, "")
        _color(pdf, INK)
        pdf.ln(ROW)
    _more(pdf, words["more_categories"], len(items) - len(shown))


def _footer(pdf: FPDF, report: dict, words: dict) -> None:
    pdf.set_xy(MARGIN, PAGE_H - MARGIN - 7)
    _font(pdf, 7)
    _color(pdf, GREY)
    missing = [c for c in report.get("completeness", []) if c.get("status") == "required_missing"]
    if missing:
        months = ", ".join(f"{c['account']} {c['month']}" for c in missing)
        text = words["incomplete"].format(months=months)
        pdf.cell(WIDTH, 3.5, _fit(pdf, text, WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.ln(3.5)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pdf.cell(WIDTH, 3.5, words["formula"].format(made=made), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(HEADING - 6)
    _font(pdf, 11, bold=True)
    _color(pdf, INK)
    pdf.cell(WIDTH, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _more(pdf: FPDF, text: str, hidden: int) -> None:
    if hidden > 0:
        _font(pdf, 8)
        _color(pdf, GREY)
        pdf.cell(WIDTH, ROW, text.format(n=hidden), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _color(pdf, INK)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` in the current font, cut with an ellipsis so it fits a cell `width` wide."""
    text = printable(pdf, text)
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

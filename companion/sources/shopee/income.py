"""Shopee's income report: Seller Centre > My Income (我的收入) > Released (已完成拨款) > export (XLSX).

The workbook has a Summary sheet (the period, "3. Total Released Amount") and an Income sheet: a few rows of
report details or column groups above the header, then one row per released order (View By "Order") and, in
newer exports, rows per product under it (View By "Sku") that repeat the order's money and are not counted
again. Each order row's money columns add up to its Total Released Amount: that is the line's settlement
amount, split into categories by seed 002 ⑨ (columns.py).

The export names neither its store nor, in every layout, its currency: the store comes from --account or the
file name (平台_店铺_报告名_时间); the currency from the Total Released Amount header ("(RM)"), the Summary
sheet, the site in the file name (Income.released.my…) or the --account store, else the file is refused.
Dates are calendar days of the site. The report has no quantities: lines carry quantity 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Located, norm
from companion.sources.mapping import INFO
from companion.sources.model import SETTLED, SPLIT, Line, ParseResult, SourceError, SourceField, Stated, StoreRef
from companion.sources.shopee.columns import (
    ADJUSTMENT_COLUMNS,
    COLUMNS,
    LABEL,
    MONEY,
    PLATFORM,
    SITES,
    SYMBOLS,
    TEXT,
    ZONES,
    header_currency,
    site_of_file,
)
from companion.sources.tabular import Hints, Mapping, Splitter, TableAdapter, at_row, data_rows, store_for_file

FAMILY = "shopee_income"
ADJUSTMENT_FAMILY = "shopee_adjustment"
NO_STORE = StoreRef(PLATFORM, "")  # replaced once the file's store is known
_SKU_ROWS = frozenset({"sku", "product", "sản phẩm"})  # View By values of the rows under an order
_NO_ID = frozenset({"", "-", "/", "--"})


def file_currency(name: str, located: Located, summary: Sequence[Sequence[object]], hints: Hints) -> tuple[str, str]:
    """(currency, what said it): the Total Released Amount header, the Summary sheet, the file name's site, the
    --account store. Empty when nothing says it."""
    found = header_currency(located.headers[located.index["total_released"]])
    if found:
        return found, "header"
    for row in summary:
        texts = [norm(c) for c in row if not cells.blank(c)]
        if texts and texts[0].startswith("income summary"):
            for text in texts[1:]:
                if text in SYMBOLS:
                    return SYMBOLS[text], "summary"
    site = site_of_file(name)
    if site:
        return SITES[site][0], "file name"
    if hints.store is not None and hints.store.currency:
        return hints.store.currency, "store"
    return "", ""


def summary_total(rows: Sequence[Sequence[object]]) -> Decimal | None:
    """The Summary sheet's "3. Total Released Amount": the last amount to the right of its label."""
    for row in rows:
        for i, cell in enumerate(row):
            label = norm(cell).lstrip("0123456789. ")
            if label in ("total released amount", "拨款金额", "tổng tiền đã thanh toán") or label.startswith(
                    "total released amount("):
                amounts = [a for c in row[i + 1:] if (a := cells.loose_amount(c)) is not None]
                if amounts:
                    return amounts[-1]
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value).strip()


class IncomeReport(TableAdapter):
    """已完成拨款 income report, one line per released order."""

    name = "shopee.income"
    version = 1
    report_type = "income"
    columns = COLUMNS
    scan = 15

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        found = self.matching(book)
        summary_sheet = next((s for s in book.sheet_names if norm(s) == "summary"), None)
        summary = book.rows(summary_sheet) if summary_sheet is not None else []
        lines: list[Line] = []
        currency, said_by = "", ""
        for sheet, header_at, located in found:
            currency, said_by = file_currency(book.name, located, summary, hints)
            if not currency:
                raise SourceError.of("shopee_no_currency", file=book.name,
                                     header=located.headers[located.index["total_released"]].strip())
            lines += self._sheet(book.name, sheet, book.rows(sheet), header_at, located, currency, src.captured_at)
        if not lines:
            raise SourceError.of("src_no_data_rows", file=book.name, report=self.report_type)
        adjustments, adjustment_total = self._adjustments(book, {s for s, _, _ in found}, currency,
                                                          src.captured_at)
        lines += adjustments
        region = next((code.upper() for code, (cur, _) in SITES.items() if cur == currency), "")
        store = store_for_file(hints, PLATFORM, book.name, region, currency, ZONES.get(currency, "UTC"), LABEL)
        for line in lines:
            line.store = store
        stated_total = summary_total(summary)
        label = "Summary: Total Released Amount"
        if stated_total is None:  # no Summary sheet: the rows' own total, so a lost line still shows
            stated_total = sum((ln.settlement_amount for ln in lines if ln.key[0] == FAMILY), ZERO)
            label = "sum of Total Released Amount"
        if adjustments:  # the Summary's total is the orders'; the Adjustment sheet states its own
            if adjustment_total is None:
                adjustment_total = sum((ln.settlement_amount for ln in adjustments), ZERO)
                label += " + sum of Adjustment Amount"
            else:
                label += " + Adjustment: its stated total"
            stated_total += adjustment_total
        totals = [Stated(store, "file_total", book.name, stated_total, currency,
                         scope=(("report", self.report_type), ("label", label)))]
        return ParseResult(self.name, self.version, lines, {"currency_from": said_by}, totals, self.report_type)

    def _adjustments(self, book: tables.Workbook, income_sheets: set[str], currency: str,
                     captured_at: datetime) -> tuple[list[Line], Decimal | None]:
        """The Adjustment sheet's rows as lines (category adjustment, which seed 002 ⑨ does not map: flagged),
        and the sheet's own "Total Adjustment Amount" when it states one."""
        zone = ZONES.get(currency, "UTC")
        lines: list[Line] = []
        stated: Decimal | None = None
        for sheet in book.sheet_names:
            if sheet in income_sheets:
                continue
            rows = book.rows(sheet)
            hit = ADJUSTMENT_COLUMNS.find_header(rows, self.scan)
            if hit is None:
                continue
            header_at, located = hit
            for row in rows[:header_at]:
                stated = _labelled(row, stated)
            seen: dict[tuple[str, ...], int] = {}
            for number, row in data_rows(rows, header_at + 1):
                if _first_text(row).startswith("total"):  # the footer ("Total Amount", "Total Adjustment Amount")
                    stated = _labelled(row, stated)
                    continue
                try:
                    line = _adjustment(row, located, currency, zone, captured_at, seen)
                except SourceError as exc:
                    raise at_row(exc, book.name, sheet, number) from exc
                if line is not None:
                    lines.append(line)
        return lines, stated

    def _sheet(self, file: str, sheet: str, rows: list, header_at: int, located: Located, currency: str,
               captured_at: datetime) -> list[Line]:
        mapping = Mapping(MONEY)
        if "original_price" in located.index:  # both: Product Price is the price after the seller's promotion
            mapping = Mapping({**MONEY, "product_price": INFO})
        splitter = Splitter(located, mapping)
        zone = ZONES.get(currency, "UTC")
        lines: list[Line] = []
        seen: dict[tuple[str, ...], int] = {}
        last: Line | None = None
        for number, row in data_rows(rows, header_at + 1):
            try:
                values = {name: row[i] for name, i in located.index.items() if name in TEXT and i < len(row)}
                if norm(values.get("view_by")) in _SKU_ROWS:
                    if last is not None:
                        _add_product(last, values, located)
                    continue
                line = self._line(row, values, located, splitter, currency, zone, captured_at, seen)
            except SourceError as exc:
                raise at_row(exc, file, sheet, number) from exc
            if line is not None:
                lines.append(line)
                last = line
        return lines

    def _line(self, row: Sequence[object], values: dict[str, object], located: Located, splitter: Splitter,
              currency: str, zone: str, captured_at: datetime, seen: dict[tuple[str, ...], int]) -> Line | None:
        def header(name: str) -> str:
            return located.headers[located.index[name]].strip()

        order_id = cells.text_id(values.get("order_id"), header("order_id"))
        try:
            split = splitter.split(row)
        except SourceError as exc:  # said with the column it is in
            raise SourceError.of("src_row_labelled", label=f"column {_bad_column(row, located)!r}: ",
                                 problem=exc.said()) from exc
        if split.total is None:
            if not order_id and not split.amounts:
                return None  # a note under the table
            raise SourceError.of("shopee_no_total", header=header("total_released"))
        if order_id in _NO_ID:
            raise SourceError.of("shopee_no_order_id", header=header("order_id"))
        refund_id = cells.text_id(values.get("refund_id"), header("refund_id")) if "refund_id" in values else ""
        refund_id = "" if refund_id in _NO_ID else refund_id
        paid = cells.when(values.get("payout_date"), zone, zone)
        created = cells.when(values.get("order_created"), zone, zone)
        base = (FAMILY, order_id, refund_id, paid.date().isoformat() if paid else "")
        seen[base] = seen.get(base, 0) + 1
        extra = {header(name): _text(values[name]) for name in TEXT
                 if name in values and name not in ("order_id", "refund_id", "order_created", "payout_date")
                 and not cells.blank(values[name])}
        extra.update(split.extra)
        if split.unexplained:
            extra["unexplained"] = str(split.unexplained)
        return Line(
            store=NO_STORE, key=(*base, str(seen[base])), status=SETTLED, txn_type="Refund" if refund_id else "Order",
            currency=currency, settlement_amount=split.total, amounts=split.amounts, fields=split.fields,
            order_id=order_id, quantity=0, order_time=created, settled_time=paid or captured_at,
            settled_time_approx=paid is None, extra=extra, reference=order_id, detail=SPLIT)


def _first_text(row: Sequence[object]) -> str:
    return next((norm(c) for c in row if not cells.blank(c)), "")


def _labelled(row: Sequence[object], found: Decimal | None) -> Decimal | None:
    """The amount to the right of the Adjustment sheet's "Total Adjustment Amount" (or its footer's "Total
    Amount") in a row, else what was found before."""
    for i, cell in enumerate(row):
        if norm(cell) in ("total adjustment amount", "total amount"):
            amounts = [a for c in row[i + 1:] if (a := cells.loose_amount(c)) is not None]
            if amounts:
                return amounts[-1]
    return found


def _adjustment(row: Sequence[object], located: Located, currency: str, zone: str, captured_at: datetime,
                seen: dict[tuple[str, ...], int]) -> Line | None:
    def get(name: str) -> object:
        i = located.index.get(name)
        return row[i] if i is not None and i < len(row) else ""

    def header(name: str) -> str:
        return located.headers[located.index[name]].strip()

    try:
        amount = cells.money(get("amount"))
    except SourceError as exc:
        raise SourceError.of("src_row_labelled", label=f"column {header('amount')!r}: ", problem=exc.said()) from exc
    kind = _text(get("type"))
    if not amount and not kind:
        return None
    order_id = cells.text_id(get("order_id"), header("order_id")) if "order_id" in located.index else ""
    order_id = "" if order_id in _NO_ID else order_id
    done = cells.when(get("completed"), zone, zone)
    paid = cells.when(get("payout_date"), zone, zone)
    settled = paid or done
    base = (ADJUSTMENT_FAMILY, done.date().isoformat() if done else "", kind, order_id, format(amount.normalize(), "f"))
    seen[base] = seen.get(base, 0) + 1
    extra = {header(n): _text(get(n)) for n in ("sequence", "reason") if n in located.index and _text(get(n))}
    return Line(
        store=NO_STORE, key=(*base, str(seen[base])), status=SETTLED, txn_type=kind or "Adjustment",
        currency=currency, settlement_amount=amount, amounts={"adjustment": amount} if amount else {},
        fields=[SourceField(header("amount"), amount, "adjustment", True)], order_id=order_id or None,
        order_time=None, settled_time=settled or captured_at, settled_time_approx=settled is None, extra=extra,
        reference=None, detail=SPLIT)


def _bad_column(row: Sequence[object], located: Located) -> str:
    """The header of the first money cell that is not an amount."""
    for name, i in located.index.items():
        if name not in TEXT and i < len(row):
            try:
                cells.money(row[i])
            except SourceError:
                return located.headers[i].strip()
    return "?"


def _add_product(line: Line, values: dict[str, object], located: Located) -> None:
    """A product row under an order (View By "Sku"): its product id and name, kept on the order's line (the
    report has no quantity). One product: the line's sku; more: listed in extra."""
    product = cells.text_id(values.get("product_id"), "Product ID") if "product_id" in values else ""
    name = _text(values.get("product_name"))
    products = [p for p in line.extra.get("products", "").split(" | ") if p]
    products.append(f"{product} {name}".strip())
    line.extra["products"] = " | ".join(products)
    if len(products) == 1:
        line.sku_id, line.sku_name = product or None, name or None
    else:
        line.sku_id = line.sku_name = None

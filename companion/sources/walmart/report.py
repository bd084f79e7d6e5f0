"""Walmart Payment Report (New): the reconciliation report of a US Seller Center payment cycle (CSV).

Seller Center > Payments > Payment Report (New), or Reports > Payments and fees; the API's recon report
(reportVersion=v1) has the same columns. One header row, one `PaymentSummary` row with the cycle's Total Payable
(the sum of every Amount in the file), then one row per Amount: a sale of one order line is several rows (its
Product Price, Commission on Product, Product tax, …) that share a Transaction Key.

A line is one transaction of one purchase-order line: the rows sharing Transaction Key, Transaction Type,
Transaction Description and Purchase Order # / line #. Its settlement amount is the sum of their Amounts (what
Walmart pays for it), each Amount booked by rules.category_of. A row without a Transaction Key is a line of its
own. The report names no store: it comes from --account or the file name (平台_店铺_报告名_时间).

Dates are written MM/DD/YYYY with no time and no zone; Walmart documents none, so a date is read as that
calendar day in US Pacific time (TZ).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns, Located
from companion.sources.model import (
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
from companion.sources.tabular import Hints, TableAdapter, at_row, data_rows, store_for_file
from companion.sources.walmart.rules import ORDER_TABLES, category_of, squeeze

PLATFORM = "walmart"
LABEL = "Walmart"
TZ = "America/Los_Angeles"
CURRENCY = "USD"  # the report is US-only; its Currency column says so on the summary row
FAMILY = "walmart_recon"
NO_STORE = StoreRef(PLATFORM, "")

# The report's columns, as Walmart's help page ("Marketplace and WFS payment report") and the recon report
# JSON sample name them. No other language exists (US only); headers compare without case (headers.norm).
SPEC: dict[str, tuple[str, ...]] = {
    "period_start": ("Period Start Date",),
    "period_end": ("Period End Date",),
    "total_payable": ("Total Payable",),
    "currency": ("Currency",),
    "txn_key": ("Transaction Key",),
    "posted": ("Transaction Posted Timestamp",),
    "txn_type": ("Transaction Type",),
    "description": ("Transaction Description",),
    "customer_order": ("Customer Order #",),
    "customer_line": ("Customer Order line #",),
    "po": ("Purchase Order #",),
    "po_line": ("Purchase Order line #",),
    "amount": ("Amount",),
    "amount_type": ("Amount Type",),
    "ship_qty": ("Ship Qty",),
    "item_id": ("Partner Item Id",),
    "gtin": ("Partner GTIN",),
    "item_name": ("Partner Item Name",),
}
COLUMNS = Columns(SPEC, required=("posted", "txn_type", "description", "amount", "amount_type"))
# Canonical names are the keys; the first variant is the header as Walmart writes it.
HEADER = {k: v[0] for k, v in SPEC.items()}
# Every other column (Commission Rate, Ship to State, Fulfillment Type, Original Commission, Commission Saving,
# Total Walmart Funded Savings Program, …) is text about the row: kept in the line's extra fields.

_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
SUMMARY = "paymentsummary"
# Columns whose text names the transaction, not one of its amounts: the line takes them from its rows.
_LINE_TEXT = ("customer_order", "customer_line", "gtin")


def when(cell: object, header: str) -> datetime | None:
    """A report date (MM/DD/YYYY, maybe with a time) in US Pacific time; None when empty."""
    if cells.blank(cell):
        return None
    if isinstance(cell, datetime):  # a spreadsheet program read the date
        return cell if cell.tzinfo else cell.replace(tzinfo=ZoneInfo(TZ))
    if isinstance(cell, date):
        return datetime.combine(cell, time.min, ZoneInfo(TZ))
    text = str(cell).strip()
    match = _MDY.match(text)
    if match is None:
        try:
            return cells.when(cell, TZ, TZ)
        except SourceError as exc:
            raise SourceError.of("walmart_date_unreadable", header=header, value=text) from exc
    month, day, year, hour, minute, second, half = match.groups()
    h = int(hour or 0)
    if half:
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return datetime(int(year), int(month), int(day), h, int(minute or 0), int(second or 0), tzinfo=ZoneInfo(TZ))
    except ValueError as exc:
        raise SourceError.of("walmart_date_unreadable", header=header, value=text) from exc


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value).strip()


@dataclass
class Row:
    """One data row: canonical fields, the other columns as text, its number in the file."""

    number: int
    values: dict[str, object]
    others: dict[str, str]

    def text(self, name: str) -> str:
        return text(self.values.get(name))


@dataclass
class Group:
    """The rows of one line (see the module's docstring)."""

    key: tuple[str, ...]
    rows: list[tuple[Row, Decimal, datetime]] = field(default_factory=list)


def _cell(located: Located, raw: Sequence[object], name: str) -> object:
    i = located.index.get(name)
    return raw[i] if i is not None and i < len(raw) else ""


def _row(number: int, raw: Sequence[object], located: Located) -> Row:
    values = {name: _cell(located, raw, name) for name in located.index}
    others = {h.strip(): text(raw[i]) for i, h in located.unknown if i < len(raw) and not cells.blank(raw[i])}
    return Row(number, values, others)


def _money(row: Row, name: str, located: Located) -> Decimal:
    try:
        return cells.money(row.values.get(name))
    except SourceError as exc:
        raise SourceError.of("src_row_labelled", label=f"{_header(located, name)}: ", problem=exc.said()) from exc


def _id(row: Row, name: str, located: Located) -> str:
    return cells.text_id(row.values.get(name), _header(located, name))


def _header(located: Located, name: str) -> str:
    i = located.index.get(name)
    return located.headers[i].strip() if i is not None else HEADER[name]


class PaymentReport(TableAdapter):
    """Payment Report (New) / recon report: one line per transaction and purchase-order line."""

    name = "walmart.payment_report"
    version = 1
    report_type = "payment_report"
    columns = COLUMNS

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        groups: dict[tuple[str, ...], Group] = {}
        summaries: list[tuple[Row, Located, str]] = []
        currencies: set[str] = set()
        for sheet, header_at, located in self.matching(book):
            seen: dict[tuple[str, ...], int] = {}
            for number, raw in data_rows(book.rows(sheet), header_at + 1):
                try:
                    self._take(_row(number, raw, located), located, sheet, groups, summaries, currencies, seen)
                except SourceError as exc:
                    raise at_row(exc, book.name, sheet, number) from exc
        if not groups and not summaries:
            raise SourceError.of("src_no_data_rows", file=book.name, report=self.report_type)
        currency = currencies.pop() if len(currencies) == 1 else (
            hints.store.currency if hints.store is not None and hints.store.currency else CURRENCY)
        store = store_for_file(hints, PLATFORM, book.name, "US", currency, TZ, LABEL)
        totals = [self._stated(row, located, sheet, store, currency, book.name) for row, located, sheet in summaries]
        statement = totals[0].ref if len(totals) == 1 else None
        if len(totals) > 1:  # several cycles in one file (files joined): their sum is the file's total
            stated = [t.amount for t in totals]
            amount = None if None in stated else sum((a for a in stated if a is not None), ZERO)
            at = max((t.at for t in totals if t.at), default=None)
            cycles = ", ".join(t.ref for t in totals)
            totals = [Stated(store, "file_total", book.name, amount, currency, at,
                             scope=(("report", self.report_type), ("cycles", cycles)))]
        lines = [self._line(group, store, currency, statement) for group in groups.values()]
        return ParseResult(self.name, self.version, lines, {"rows": sum(len(g.rows) for g in groups.values())},
                           totals, self.report_type)

    def _take(self, row: Row, located: Located, sheet: str, groups: dict, summaries: list, currencies: set[str],
              seen: dict) -> None:
        kind = row.text("txn_type")
        cur = row.text("currency").upper()
        if cur:
            currencies.add(cur)
        if squeeze(kind) == SUMMARY:
            summaries.append((row, located, sheet))
            return
        if cells.blank(row.values.get("amount")):
            return  # a note row ("Number of Lines in file …") or an empty one
        amount = _money(row, "amount", located)
        posted = when(row.values.get("posted"), _header(located, "posted"))
        if posted is None:
            raise SourceError.of("walmart_column_empty", header=_header(located, "posted"))
        txn_key = _id(row, "txn_key", located)
        po, po_line = _id(row, "po", located), _id(row, "po_line", located)
        base = (FAMILY, txn_key, kind, row.text("description"), po, po_line)
        if not txn_key:  # nothing ties this row to others: a line of its own, numbered among its look-alikes
            base = (FAMILY, "", posted.date().isoformat(), kind, row.text("description"), row.text("amount_type"),
                    po, po_line, format(amount.normalize(), "f"))
            seen[base] = seen.get(base, 0) + 1
            base = (*base, str(seen[base]))
        groups.setdefault(base, Group(base)).rows.append((row, amount, posted))

    def _stated(self, row: Row, located: Located, sheet: str, store: StoreRef, currency: str, file: str) -> Stated:
        try:
            payable = None if cells.blank(row.values.get("total_payable")) else _money(row, "total_payable", located)
            start = when(row.values.get("period_start"), _header(located, "period_start"))
            end = when(row.values.get("period_end"), _header(located, "period_end"))
            posted = when(row.values.get("posted"), _header(located, "posted"))
        except SourceError as exc:
            raise at_row(exc, file, sheet, row.number) from exc
        if start is not None and end is not None:
            ref = f"{start.date().isoformat()}..{end.date().isoformat()}"
        else:
            ref = f"posted {posted.date().isoformat()}" if posted is not None else file
        scope = (("report", self.report_type), ("description", row.text("description")))
        return Stated(store, "statement", ref, payable, row.text("currency").upper() or currency, posted or end,
                      scope=scope)

    def _line(self, group: Group, store: StoreRef, currency: str, statement: str | None) -> Line:
        amounts: dict[str, Decimal] = {}
        fields: list[SourceField] = []
        extra: dict[str, str] = {}
        rules: list[str] = []
        sold = refunded = 0
        first = group.rows[0][0]
        kind = first.text("txn_type")
        for row, amount, _ in group.rows:
            atype = row.text("amount_type")
            booking = category_of(kind, row.text("description"), atype, amount)
            if amount:
                amounts[booking.category] = amounts.get(booking.category, ZERO) + amount
            name = atype if squeeze(kind) in ORDER_TABLES else row.text("description") or atype
            fields.append(SourceField(name or "Amount", amount, booking.category, booking.unmapped))
            if booking.rule not in rules:
                rules.append(booking.rule)
            if squeeze(atype) == "productprice":
                qty = cells.quantity(row.values.get("ship_qty"))
                if squeeze(kind) == "sale":
                    sold += qty
                elif squeeze(kind) == "refund":
                    refunded += qty
            for name in _LINE_TEXT:
                if row.text(name):
                    extra.setdefault(HEADER[name], row.text(name))
            for header, value in row.others.items():
                extra.setdefault(header, value)
        for name in ("txn_key", "period_start", "period_end"):
            if first.text(name):
                extra[HEADER[name]] = first.text(name)
        if refunded:
            extra["refund_quantity"] = str(refunded)
        extra["rows"] = str(len(group.rows))
        extra["rules"] = "; ".join(rules)
        description = first.text("description")
        po = cells.text_id(first.values.get("po"))
        item = cells.text_id(first.values.get("item_id"))
        posted = max(p for _, _, p in group.rows)
        return Line(
            store=store, key=group.key, status=SETTLED,
            txn_type=f"{kind} / {description}" if kind and description else kind or description,
            currency=first.text("currency").upper() or currency,
            settlement_amount=sum((a for _, a, _ in group.rows), ZERO),
            amounts={k: v for k, v in amounts.items() if v}, fields=fields,
            order_id=po or None, sku_id=item or None, sku_name=first.text("item_name") or None, quantity=sold,
            settled_time=posted, extra=extra, msku=item or None, reference=po or None,
            detail=SKU_SPLIT if item else SPLIT, statement_id=statement,
        )


ADAPTERS = (PaymentReport(),)

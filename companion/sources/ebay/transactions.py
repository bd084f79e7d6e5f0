"""eBay's Transaction report (Seller Hub → Payments → Reports → Transaction report), CSV.

A few preamble lines (the report's name, the seller, its start and end dates) come before the header row; then
one row per money movement: Order (one row per order line), Refund, Claim, Payment dispute, Shipping label,
Other fee, Adjustment, and the balance movements (Payout, Transfer, Hold). eBay writes `--` for an empty cell.
The file names no store: it comes from --account or the file name (平台_店铺_报告名_时间).

Each row becomes one line whose categories add up to its Net amount (rules.py says which money goes where, and
why the seed's tax rule is booked in and out). The Net amount is in the payout currency; the other amounts are in
the transaction currency: when the two differ, they are converted by the row's Exchange rate (the direction
that makes the row add up), and the line is kept in the payout currency. Payout rows are the totals the rows of
each payout must add up to (`Stated` of kind statement, by Payout ID), so `shoptally reconcile` checks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.ebay import columns as col
from companion.sources.ebay.rules import TAX_REMITTED, Rule, fee_rule, rule_for
from companion.sources.headers import Located
from companion.sources.keys import Occurrences, amount_key
from companion.sources.mapping import INFO, book_of, by_sign
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
from companion.sources.tabular import Hints, Mapping, Splitter, TableAdapter, at_row, data_rows, store_for_file

PLATFORM = "ebay"
LABEL = "eBay"
FAMILY = "ebay_txn"
REPORT = "transaction_report"
NO_STORE = StoreRef(PLATFORM, "")  # replaced once the file's store is known
CENT = Decimal("0.01")


class _File:
    """What one file's rows gather: lines, payouts stated, balance movements kept as information."""

    def __init__(self, located: Located, hints: Hints) -> None:
        self.located = located
        self.variant = col.variant(located)
        self.tz = hints.store.timezone if hints.store is not None and hints.store.timezone != "UTC" else (
            col.ZONES[self.variant])
        self.fallback_currency = hints.store.currency if hints.store is not None else ""
        self.keyer = Occurrences()  # two rows alike in every cell are two charges
        self.lines: list[Line] = []
        self.payouts: dict[str, tuple[Decimal, str, datetime | None]] = {}
        self.moves: list[dict[str, str]] = []
        self._splitters: dict[int, Splitter] = {}

    def splitter(self, rule: Rule) -> Splitter:
        assert rule.table is not None
        found = self._splitters.get(id(rule.table))
        if found is None:
            # the tax is added by _split_row: the Splitter checks the rest against the Net amount, as eBay adds up
            found = self._splitters[id(rule.table)] = Splitter(self.located, Mapping({**rule.table,
                                                                                     TAX_REMITTED: INFO}))
        return found

    def header(self, name: str) -> str:
        i = self.located.index.get(name)
        return self.located.headers[i].strip() if i is not None else col.DEFAULT_NAMES[name]


def _cell(row: Sequence[object], located: Located, name: str) -> object:
    i = located.index.get(name)
    return row[i] if i is not None and i < len(row) else ""


def _money(f: _File, row: list, name: str) -> Decimal:
    """A money cell, or a refusal naming its column."""
    try:
        return col.amount(_cell(row, f.located, name))
    except SourceError as exc:
        raise SourceError.of("src_row_labelled", label=f"{f.header(name)}: ", problem=exc.said()) from exc


def _id(f: _File, row: list, name: str) -> str:
    value = _cell(row, f.located, name)
    return "" if col.blank(value) else cells.text_id(value, f.header(name))


def read_row(f: _File, raw: Sequence[object]) -> None:
    """One data row → a line, a payout total, or a balance movement kept as information."""
    row = list(raw)
    if f.variant == "de":  # decimal commas: read as the amounts they are
        for name in (*col.MONEY, "exchange_rate"):
            i = f.located.index.get(name)
            if i is not None and i < len(row):
                row[i] = col.german_amount(row[i])
    kind = col.text(_cell(row, f.located, "type"))
    if not kind:
        if all(col.blank(c) for c in row):
            return
        raise SourceError.of("ebay_cell_empty", header=f.header("type"))
    rule = rule_for(kind)
    values = {name: _money(f, row, name) for name in col.MONEY if name in f.located.index}
    net = values.get("net", ZERO)
    created = col.day(_cell(row, f.located, "created"), f.tz, f.header("created"))
    payout_id = _id(f, row, "payout_id")
    payout_date = col.day(_cell(row, f.located, "payout_date"), f.tz, f.header("payout_date"))
    currency = (col.text(_cell(row, f.located, "payout_currency")) or col.text(
        _cell(row, f.located, "transaction_currency")) or f.fallback_currency).upper()
    if not currency:
        raise SourceError.of("ebay_cell_empty", header=f.header("payout_currency"))
    if rule.moves_balance:
        _balance_move(f, row, rule, kind, net, currency, payout_id, payout_date or created)
        return
    if col.blank(_cell(row, f.located, "net")):
        raise SourceError.of("ebay_cell_empty", header=f.header("net"))
    extra: dict[str, str] = {"group": rule.group}
    if rule.table is not None:
        amounts, fields = _split_row(f, row, rule, values, currency, extra)
    else:
        amounts, fields = _whole_row(f, rule, values, col.text(_cell(row, f.located, "description")), extra)
    gap = net - sum(amounts.values(), ZERO)
    if gap:
        name = ("(exchange rounding)" if "exchange_rate_used" in extra
                else f"{f.header('net')} (no exchange rate)" if "exchange" in extra else "(unexplained)")
        category = by_sign(gap)
        amounts[category] = amounts.get(category, ZERO) + gap
        fields.append(SourceField(name, gap, category, True))
        if name == "(unexplained)":
            extra["unexplained"] = str(gap)
    for name in col.TEXT:
        value = col.text(_cell(row, f.located, name))
        if value and name not in ("payout_currency",):
            extra.setdefault(f.header(name), value)
    if rule.table is None:  # columns no variant names (split rows: the Splitter shows or counts them)
        for i, header in f.located.unknown:
            if i < len(row) and not col.blank(row[i]):
                loose = cells.loose_amount(row[i])
                if loose is None:
                    extra.setdefault(header.strip(), str(row[i]).strip())
                elif loose:
                    fields.append(SourceField(header.strip(), loose, None, True))  # shown, not counted
    _line(f, row, rule, kind, net, amounts, fields, extra, currency, created, payout_id, payout_date)


def _split_row(f: _File, row: list, rule: Rule, values: dict[str, Decimal], currency: str,
               extra: dict[str, str]) -> tuple[dict[str, Decimal], list[SourceField]]:
    """Order and refund rows: each fee column under its category; eBay collected tax in and out."""
    split = f.splitter(rule).split(row)
    extra.update(split.extra)  # text of columns no variant names
    amounts = dict(split.amounts)
    fields = [fld for fld in split.fields if fld.name != f.header("net")]
    tax = values.get(TAX_REMITTED, ZERO)
    assert rule.table is not None
    income = book_of(rule.table, TAX_REMITTED).category_for(tax)  # sales, or income_refund
    if tax:
        taxed = f.header(TAX_REMITTED)
        amounts[income] = amounts.get(income, ZERO) + tax
        amounts["sales_tax"] = amounts.get("sales_tax", ZERO) - tax
        fields = [SourceField(fld.name, fld.amount, income) if fld.name == taxed and fld.category is None else fld
                  for fld in fields]
        fields.append(SourceField(f"{taxed} (remitted by eBay)", -tax, "sales_tax"))
    txn_currency = col.text(_cell(row, f.located, "transaction_currency")).upper()
    if txn_currency and txn_currency != currency:
        amounts, fields = _converted(f, row, amounts, fields, values.get("net", ZERO), txn_currency, extra)
    net = values.get("net", ZERO)
    if tax and net - sum(amounts.values(), ZERO) == -tax and "exchange" not in extra:
        # this row's Gross transaction amount already holds the tax: sales is the gross alone
        amounts[income] = amounts.get(income, ZERO) - tax
        fields = [SourceField(fld.name, fld.amount, None) if fld.name == f.header(TAX_REMITTED) else fld
                  for fld in fields]
        extra["ebay_collected_tax"] = f"inside {f.header('gross')}"
    return {k: v for k, v in amounts.items() if v}, fields


def _converted(f: _File, row: list, amounts: dict[str, Decimal], fields: list[SourceField], net: Decimal,
               txn_currency: str, extra: dict[str, str]) -> tuple[dict[str, Decimal], list[SourceField]]:
    """Amounts in the transaction currency → the payout currency, by the Exchange rate in the direction that
    makes the row add up to its Net amount (cents rounded half up; what rounding leaves is named by the caller)."""
    rate_text = col.text(_cell(row, f.located, "exchange_rate"))
    extra["exchange"] = f"{txn_currency} → payout currency"
    try:
        rate = cells.money(rate_text) if rate_text else ZERO
    except SourceError as exc:
        raise SourceError.of("src_row_labelled", label=f"{f.header('exchange_rate')}: ", problem=exc.said()) from exc
    if not rate:
        extra["exchange"] = f"{txn_currency} amounts, no exchange rate: the Net amount is booked by its sign"
        return {}, [SourceField(fld.name + f" ({txn_currency})", fld.amount, None, fld.unmapped) for fld in fields]
    total = sum(amounts.values(), ZERO)
    factor = min((rate, Decimal(1) / rate), key=lambda x: abs(total * x - net))
    extra["exchange_rate_used"] = str(rate if factor == rate else f"1/{rate}")
    out = {k: (v * factor).quantize(CENT, ROUND_HALF_UP) for k, v in amounts.items()}
    shown = [SourceField(fld.name + f" ({txn_currency})", fld.amount, None, fld.unmapped) for fld in fields]
    counted = [SourceField(fld.name, (fld.amount * factor).quantize(CENT, ROUND_HALF_UP), fld.category,
                           fld.unmapped) for fld in fields if fld.category is not None]
    return out, [*counted, *shown]


def _whole_row(f: _File, rule: Rule, values: dict[str, Decimal], description: str,
               extra: dict[str, str]) -> tuple[dict[str, Decimal], list[SourceField]]:
    """Shipping label, Other fee, Adjustment and unnamed types: the Net amount under one category."""
    net = values.get("net", ZERO)
    category, mapped = rule.whole, rule.mapped
    if rule.group == "fee":
        fee = fee_rule(description)
        category, mapped = fee.category, fee.mapped
        extra["fee_kind"] = fee.kind
    if category is None:
        category = by_sign(net)
        extra["rule"] = "Type not in seed 002: the Net amount counted by its sign"
    fields = [SourceField(f.header("net"), net, category, not mapped)] if net else []
    fields += [SourceField(f.header(name), amount, None) for name, amount in values.items()
               if name != "net" and amount]
    return ({category: net} if net else {}), fields


def _balance_move(f: _File, row: list, rule: Rule, kind: str, net: Decimal, currency: str, payout_id: str,
                  at: datetime | None) -> None:
    """Payout: the total of its rows (stated, reconciled). Transfer, Hold: not income; kept as information."""
    if rule.group == "payout" and payout_id:
        amount, _, _ = f.payouts.get(payout_id, (ZERO, currency, at))
        f.payouts[payout_id] = (amount + abs(net), currency, at)
        return
    f.moves.append({"type": kind, "net": str(net), "currency": currency, "payout_id": payout_id,
                    "at": at.isoformat() if at else "",
                    "reference": _id(f, row, "reference_id"), "reason": col.text(_cell(row, f.located, "hold_reason"))})


def _line(f: _File, row: list, rule: Rule, kind: str, net: Decimal, amounts: dict[str, Decimal],
          fields: list[SourceField], extra: dict[str, str], currency: str, created: datetime | None,
          payout_id: str, payout_date: datetime | None) -> None:
    order_no = _id(f, row, "order_no")
    transaction_id = _id(f, row, "transaction_id")
    item_id = _id(f, row, "item_id")
    reference_id = _id(f, row, "reference_id")
    raw_quantity = _cell(row, f.located, "quantity")
    units = 0 if col.blank(raw_quantity) else cells.quantity(raw_quantity)
    quantity = units if rule.units == "sale" else 0
    if rule.units == "refund" and units:
        extra["refund_quantity"] = str(units)
    settled = bool(payout_id)
    day = created.date().isoformat() if created else ""
    base = (FAMILY, kind.lower(), order_no, transaction_id or item_id, reference_id, day, amount_key(net))
    label = col.text(_cell(row, f.located, "custom_label"))
    f.lines.append(Line(
        store=NO_STORE,
        key=f.keyer.key(base),
        status=SETTLED if settled else IN_TRANSIT,
        txn_type=kind,
        currency=currency,
        settlement_amount=net,
        amounts={k: v for k, v in amounts.items() if v},
        fields=fields,
        order_id=order_no or None,
        sku_id=item_id or None,
        sku_name=col.text(_cell(row, f.located, "item_title")) or None,
        quantity=quantity,
        order_time=created if order_no else None,
        settled_time=(payout_date or created) if settled else None,
        settled_time_approx=settled and payout_date is None,
        extra=extra,
        msku=label or None,
        reference=order_no or reference_id or None,
        detail=SKU_SPLIT if (transaction_id or item_id) and rule.units else SPLIT,
        statement_id=payout_id or None,
    ))


class TransactionReport(TableAdapter):
    """The Transaction report, found by its header row (Transaction creation date, Type, Net amount, Gross
    transaction amount, or their German names) below the preamble lines."""

    name = f"{PLATFORM}.{REPORT}"
    version = 1
    report_type = REPORT
    columns = col.COLUMNS
    scan = 20  # the preamble is about a dozen lines

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        files: list[_File] = []
        for sheet, header_at, located in self.matching(book):
            f = _File(located, hints)
            for number, raw in data_rows(book.rows(sheet), header_at + 1):
                try:
                    read_row(f, raw)
                except SourceError as exc:
                    raise at_row(exc, book.name, sheet, number) from exc
            files.append(f)
        lines = [line for f in files for line in f.lines]
        payouts = {pid: p for f in files for pid, p in f.payouts.items()}
        moves = [m for f in files for m in f.moves]
        if not lines and not payouts and not moves:
            raise SourceError.of("src_no_data_rows", file=book.name, report=self.report_type)
        currency = lines[0].currency if lines else next(iter(payouts.values()), (ZERO, "", None))[1]
        tz = files[0].tz if files else "UTC"
        store = store_for_file(hints, PLATFORM, book.name, "", currency, tz, LABEL)
        placed = {ln.order_id: ln.order_time for ln in lines if ln.extra["group"] == "sale" and ln.order_id}
        for line in lines:
            line.store = store
            if line.order_id in placed and line.extra["group"] != "sale":  # a label, ad fee, refund of the order
                line.order_time = placed[line.order_id]
        totals = [Stated(store, "statement", pid, amount, cur, at, scope=(("report", REPORT), ("type", "Payout")))
                  for pid, (amount, cur, at) in sorted(payouts.items())]
        stated: dict = {"balance_moves": moves} if moves else {}
        return ParseResult(self.name, self.version, lines, stated, totals, self.report_type)


ADAPTERS = (TransactionReport(),)

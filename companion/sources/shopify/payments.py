"""Shopify Payments' transactions export (Finance → Payouts → Export transactions, CSV): one row per balance
transaction (charge, refund, dispute, adjustment, reserve …) with its Amount, Fee and Net (Net = Amount − Fee)
and the payout that paid it (Payout ID, Payout Date, Payout Status).

Both Shopify exports describe the same orders, so each books only its own part and the two together are the
truth, never twice:
- the orders export (orders.py) books what the buyer paid and got back: sales, discount, shipping, tax, tips,
  refunds. A charge's or a refund's Amount here is that same money, so it is kept as INFO, never booked;
- this export books what only it knows: the Fee of every row (平台费, seed 002: 平台费 comes from Shopify's
  transaction rate), and the whole Amount of the rows the orders export never sees: disputes and chargebacks
  (income_refund), adjustments and other credits or debits (adjustment), both flagged unmapped (the seed names
  no such column).
So a row's line pays Net − Amount for a charge or refund (−Fee), Net for any other row, and its categories
add up to that. Its lines carry no `reference`: an order's lines from the two exports hold different money
and must not supersede each other. Rows that only move the balance (a payout, money held in reserve) become
no line; their Net is part of the payout's stated total. Each Payout ID is a stated payout (the Net of its
rows, or the export's own payout row when it has one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import tables
from companion.sources.headers import Columns
from companion.sources.keys import Occurrences, amount_key
from companion.sources.mapping import INFO, OUT, PER_ROW, TOTAL, Book, SignSplit, marked, nearest, table
from companion.sources.model import IN_TRANSIT, SETTLED, Line, ParseResult, SourceError, SourceField, Stated, StoreRef
from companion.sources.shopify.common import LABEL, PLATFORM, Row, zone_of
from companion.sources.tabular import Hints, TableAdapter, at_row, data_rows, store_for_file

FAMILY = "shopify_payment"

TXN_COLUMNS = Columns({
    "transaction_date": ("Transaction Date",),
    "type": ("Type",),
    "order": ("Order",),
    "card_brand": ("Card Brand",),
    "card_source": ("Card Source",),
    "payout_status": ("Payout Status",),
    "payout_date": ("Payout Date",),
    "payout_id": ("Payout ID",),
    "available_on": ("Available On",),
    "amount": ("Amount",),
    "fee": ("Fee",),
    "net": ("Net",),
    "checkout": ("Checkout",),
    "payment_method_name": ("Payment Method Name",),
    "presentment_amount": ("Presentment Amount",),
    "presentment_currency": ("Presentment Currency",),
    "currency": ("Currency",),
    "vat": ("VAT",),
    "business_entity_name": ("Business Entity Name",),
    "business_entity_id": ("Business Entity ID",),
}, required=("transaction_date", "type", "order", "amount", "fee", "net"))

# Fee is written as a positive cost (Net = Amount − Fee); a fee given back is negative, so it books as fee_refund.
TXN_MONEY = table(
    {"fee": Book(SignSplit("fee_refund", "platform_fee"), sign=OUT)},
    nearest({"vat": ("vat",)}, sign=OUT),  # VAT on Shopify's fees where the export has it: counted only when
    # Net = Amount − Fee − VAT says it was taken
    marked(PER_ROW, "amount"),  # by the row's Type: see AMOUNT_BY_TYPE
    marked(INFO, "presentment_amount"),
    marked(TOTAL, "net"),
)
ORDERS_BOOK = ("charge", "refund")  # their Amount is the orders export's money: INFO here
BALANCE = ("payout", "reserve", "hold", "transfer")  # words of Types that only move the balance: no line
# Type words → where the Amount goes (nearest category, unmapped), in this order; anything else: adjustment.
AMOUNT_BY_TYPE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("fee",), "platform_fee"),
    (("dispute", "chargeback"), "income_refund"),
)
SETTLED_WORDS = ("paid",)


def kind_of(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def amount_category(kind: str) -> str | None:
    """Where a row's Amount is booked: None when the orders export books it (a charge, a refund)."""
    if kind in ORDERS_BOOK:
        return None
    for words, category in AMOUNT_BY_TYPE:
        if any(w in kind for w in words):
            return category
    return "adjustment"


def is_balance_move(kind: str) -> bool:
    return any(w in kind for w in BALANCE) and "fee" not in kind


class PaymentTransactions(TableAdapter):
    """The payout transactions export: fees, disputes and adjustments, each row's line settled by its payout."""

    name = "shopify.payment_transactions"
    version = 2  # 2: a line names its payout in extra, not as its statement
    report_type = "payment_transactions"
    columns = TXN_COLUMNS

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        fallback = hints.store.currency if hints.store is not None else ""
        keys = Occurrences()
        lines: list[Line] = []
        payouts: dict[tuple[str, str], dict] = {}
        for sheet, header_at, located in self.matching(book):
            for number, raw in data_rows(book.rows(sheet), header_at + 1):
                row = Row(raw, located)
                try:
                    line = _row(row, fallback, keys, payouts)
                except SourceError as exc:
                    raise at_row(exc, book.name, sheet, number) from exc
                if line is not None:
                    lines.append(line)
        if not lines and not payouts:
            raise SourceError.of("src_no_data_rows", file=book.name, report=self.report_type)
        currency = lines[0].currency if lines else next(iter(payouts))[1]
        store = store_for_file(hints, PLATFORM, book.name, "", currency, "UTC", LABEL)
        for line in lines:
            line.store = store
        totals = [_payout(store, ref, cur, p) for (ref, cur), p in payouts.items()]
        return ParseResult(self.name, self.version, lines, {}, totals, self.report_type)


_NO_STORE = StoreRef(PLATFORM, "")


def _row(row: Row, fallback: str, keys: Occurrences, payouts: dict) -> Line | None:
    kind_text = row.text("type")
    if not kind_text:
        raise SourceError.of("shopify_column_empty", header=row.header("type"))
    kind = kind_of(kind_text)
    at = row.when("transaction_date")
    if at is None:
        raise SourceError.of("shopify_column_empty", header=row.header("transaction_date"))
    currency = (row.text("currency") or fallback).upper()
    if not currency:
        raise SourceError.of("shopify_column_empty", header=row.header("currency"))
    amount, fee, net, vat = row.money("amount"), row.money("fee"), row.money("net"), row.money("vat")
    payout_id = row.id("payout_id")
    payout_status = row.text("payout_status")
    payout_at = row.when("payout_date", zone_of(at))
    if payout_id:
        p = payouts.setdefault((payout_id, currency), {"net": ZERO, "own": None, "rows": 0, "status": payout_status,
                                                       "at": payout_at})
        p["rows"] += 1
        if kind == "payout":
            p["own"] = (p["own"] or ZERO) - net  # the transfer to the bank, as the export writes it (negative)
        else:
            p["net"] += net
    if is_balance_move(kind):
        return None

    category = amount_category(kind)
    fee_category = TXN_MONEY["fee"].category_for(-fee)  # type: ignore[union-attr]
    amounts: dict[str, Decimal] = {}
    fields = [SourceField(row.header("amount"), amount, category, category is not None)]
    if category is not None and amount:
        amounts[category] = amount
    if fee:
        amounts[fee_category] = amounts.get(fee_category, ZERO) - fee
        fields.append(SourceField(row.header("fee"), -fee, fee_category))
    vat_taken = bool(vat) and net == amount - fee - vat
    if vat_taken:
        amounts["vat"] = amounts.get("vat", ZERO) - vat
        fields.append(SourceField(row.header("vat"), -vat, "vat", True))
    elif vat:
        fields.append(SourceField(row.header("vat"), vat, None, True))
    fields.append(SourceField(row.header("net"), net, None))
    if row.text("presentment_amount"):
        presented = row.money("presentment_amount")
        if presented:
            fields.append(SourceField(row.header("presentment_amount"), presented, None))
    settled = any(w == payout_status.lower() for w in SETTLED_WORDS)
    order = row.text("order")
    checkout = row.text("checkout")
    extra = {row.header(c): row.text(c) for c in ("type", "payout_status", "card_brand", "card_source",
                                                  "payment_method_name", "available_on", "checkout",
                                                  "presentment_currency", "business_entity_name")
             if row.text(c)}
    if payout_id:
        extra[row.header("payout_id")] = payout_id
    if category is None:
        extra["booked_by"] = "the orders export books this Amount (sales, shipping, tax, refunds); here only the fee"
    return Line(
        store=_NO_STORE,
        key=keys.key((FAMILY, at.isoformat(), kind, order, checkout, amount_key(amount), amount_key(fee))),
        status=SETTLED if settled else IN_TRANSIT, txn_type=kind_text, currency=currency,
        settlement_amount=net - (amount if category is None else ZERO),
        amounts={k: v for k, v in amounts.items() if v}, fields=fields, order_id=order or None,
        order_time=at if kind in ORDERS_BOOK else None, settled_time=payout_at if settled else None,
        settled_time_approx=False, extra=extra)  # no statement_id: see _payout


# A payout pays the Net of its charges, but the orders export books a charge's Amount (its lines name no
# payout): lines of one payout never add up to it, so a payout is stated as money paid out (`payout`, as SHEIN's
# 收支明细), shown once on the Payments tab with its status, and lines carry its id only in extra, never as a
# statement a payout row would sum and find short.


def _payout(store: StoreRef, ref: str, currency: str, p: dict) -> Stated:
    at: datetime | None = p["at"]
    amount = p["own"] if p["own"] is not None else p["net"]
    scope = (("payment_status", p["status"]), ("rows", str(p["rows"])))
    return Stated(store, "payout", ref, amount, currency, at, scope=scope)


ADAPTERS: Sequence[TableAdapter] = (PaymentTransactions(),)

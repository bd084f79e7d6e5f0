"""Shopify's orders export (Orders → Export, CSV): one row per line item, mapped as seed 002 ⑥ says.

The order's own columns (Subtotal, Shipping, Taxes, Total, Discount Amount, Refunded Amount, Fulfilled at, Id,
Currency …) are written on the order's first row only; every row repeats the order's Name. So the rows are
grouped by Name, the order's money is worked out once, and it is split over the order's line items by their
Lineitem price × Lineitem quantity (cent by cent, the shares adding up to the order exactly), one line per
line item with its SKU and quantity. A row whose Lineitem name is "Tip" is the buyer's tip: its own line,
other_income. The export names no store and states no total but each order's Total: the store comes from
--account or the file name, and the file's total is the sum of Total − Refunded Amount.

What this export books and the payment transactions export does not (and the other way round): payments.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns
from companion.sources.mapping import INFO, OUT, TOTAL, book_of, marked, nearest, seed, table
from companion.sources.model import (
    IN_TRANSIT,
    SETTLED,
    SKU_SPLIT,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    Stated,
    StoreRef,
)
from companion.sources.shopify.common import LABEL, PLATFORM, Row, allocate
from companion.sources.tabular import Hints, TableAdapter, at_row, data_rows, store_for_file

FAMILY = "shopify_order"
TIP = "tip"  # Lineitem name of the buyer's tip (seed 002: 当 Lineitem name 为 Tip 时, 取对应的 Lineitem price)

# The export's header as Shopify writes it (English in every admin language). The columns this adapter reads;
# the others (addresses, phone, notes, tags …) are the buyer's details, not money, and are left out.
ORDER_COLUMNS = Columns({
    "name": ("Name",),
    "financial_status": ("Financial Status",),
    "paid_at": ("Paid at",),
    "fulfillment_status": ("Fulfillment Status",),
    "fulfilled_at": ("Fulfilled at",),
    "currency": ("Currency",),
    "subtotal": ("Subtotal",),
    "shipping": ("Shipping",),
    "taxes": ("Taxes",),
    "total": ("Total",),
    "discount_code": ("Discount Code",),
    "discount_amount": ("Discount Amount",),
    "shipping_method": ("Shipping Method",),
    "created_at": ("Created at",),
    "lineitem_quantity": ("Lineitem quantity",),
    "lineitem_name": ("Lineitem name",),
    "lineitem_price": ("Lineitem price",),
    "lineitem_sku": ("Lineitem sku",),
    "lineitem_discount": ("Lineitem discount",),
    "lineitem_fulfillment_status": ("Lineitem fulfillment status",),
    "cancelled_at": ("Cancelled at",),
    "payment_method": ("Payment Method",),
    "refunded_amount": ("Refunded Amount",),
    "outstanding_balance": ("Outstanding Balance",),
    "id": ("Id",),
    "source": ("Source",),
    "duties": ("Duties",),
}, required=("name", "financial_status", "currency", "subtotal", "shipping", "taxes", "total", "discount_amount",
             "lineitem_quantity", "lineitem_name", "lineitem_price", "id"))

# Seed 002 ⑥, category first. Two rules are written in code, not in the table (a column counts under one
# category here): 销售额 = Subtotal + Discount Amount (Subtotal is after discounts, so the discount is added
# back and booked again as 促销折扣), and Shipping is taken off the sales when the discount made shipping free.
ORDER_MONEY = table(
    seed({"sales": ("subtotal",), "buyer_shipping": ("shipping",), "sales_tax": ("taxes",)}),
    seed({"promo_discount": ("discount_amount",), "income_refund": ("refunded_amount",)}, sign=OUT),
    nearest({"other_tax": ("duties",)}),  # import duties the buyer paid: in Total, not named by the seed
    marked(TOTAL, "total"),
    marked(INFO, "lineitem_price", "lineitem_discount", "outstanding_balance"),
)
TIP_BOOK = "other_income"  # 其他收入: the Tip row's Lineitem price × quantity


@dataclass
class Order:
    """The rows of one order, in file order: the first carries the order's own columns."""

    sheet: str
    rows: list[tuple[int, Row]] = field(default_factory=list)

    @property
    def first(self) -> Row:
        return self.rows[0][1]


@dataclass(frozen=True)
class Reading:
    """How the order's columns add up to its Total: shipping made free by the discount, taxes included in the
    prices. Found from Shopify's own arithmetic, never assumed."""

    free_shipping: bool = False
    taxes_included: bool = False


def reading(subtotal: Decimal, shipping: Decimal, taxes: Decimal, extra: Decimal, total: Decimal) -> Reading | None:
    """The reading under which Subtotal (+ Shipping unless free) (+ Taxes unless included) + tips and duties is
    the Total; None when no reading is (the difference stays unexplained on the lines, for reconcile)."""
    for free in (False, True):
        for included in (False, True):
            if (free and not shipping) or (included and not taxes):
                continue
            if subtotal + (ZERO if free else shipping) + (ZERO if included else taxes) + extra == total:
                return Reading(free, included)
    return None


def _is_tip(row: Row) -> bool:
    return row.text("lineitem_name").lower() == TIP


def _category(column: str) -> str:
    return book_of(ORDER_MONEY, column).category_for(ZERO)


class Orders(TableAdapter):
    """The orders export: one line per line item (SKU_SPLIT), its order ID the order's Name as the payouts export
    writes it (#1001), referenced by the order's Id; settled when the order was fulfilled (seed 002: 结算时间 =
    Fulfilled at). Version 2: the order ID was the Id, which no payout transaction names."""

    name = "shopify.orders"
    version = 2
    report_type = "orders"
    columns = ORDER_COLUMNS

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        orders: dict[tuple[str, str], Order] = {}
        for sheet, header_at, located in self.matching(book):
            for number, raw in data_rows(book.rows(sheet), header_at + 1):
                row = Row(raw, located)
                name = row.text("name")
                if not name:
                    raise at_row(SourceError.of("shopify_column_empty", header=row.header("name")), book.name, sheet,
                                 number)
                orders.setdefault((sheet, name), Order(sheet)).rows.append((number, row))
        lines: list[Line] = []
        stated: dict[str, Decimal] = {}
        for order in orders.values():
            number = order.rows[0][0]
            try:
                got, currency, paid = _order_lines(order)
            except SourceError as exc:
                raise at_row(exc, book.name, order.sheet, number) from exc
            lines += got
            if got:
                stated[currency] = stated.get(currency, ZERO) + paid
        if not lines:
            raise SourceError.of("src_no_data_rows", file=book.name, report=self.report_type)
        store = _store(hints, book.name, lines[0].currency)
        for line in lines:
            line.store = store
        totals = [Stated(store, "file_total", book.name, amount, currency, scope=(
            ("report", self.report_type), ("label", "Total - Refunded Amount"))) for currency, amount in stated.items()
            if len(stated) == 1]
        return ParseResult(self.name, self.version, lines, {}, totals, self.report_type)


def _store(hints: Hints, file: str, currency: str) -> StoreRef:
    return store_for_file(hints, PLATFORM, file, "", currency, "UTC", LABEL)


_NO_STORE = StoreRef(PLATFORM, "")


def _order_lines(order: Order) -> tuple[list[Line], str, Decimal]:
    """The order's lines, its currency and what the platform says the order brings (Total − Refunded Amount)."""
    first = order.first
    if first.text("financial_status").lower() == "voided":
        return [], "", ZERO  # the payment was voided: no money moved, nothing to book
    currency = first.text("currency").upper()
    if not currency:
        raise SourceError.of("shopify_column_empty", header=first.header("currency"))
    # the order's Name (#1001) is its order ID: the payouts export knows no other, so an order's fees meet its
    # sales; the Id (seed 002's 平台单号) stays the lines' reference and their key (what a reparse updates)
    order_id = first.text("name")
    platform_id = first.id("id") or order_id
    money = {c: first.money(c) for c in ("subtotal", "shipping", "taxes", "total", "discount_amount",
                                         "refunded_amount", "duties")}
    tips = [(n, row) for n, row in order.rows if _is_tip(row)]
    items = [(n, row) for n, row in order.rows if not _is_tip(row)]
    tip_amounts = [row.money("lineitem_price") * max(cells.quantity(row.get("lineitem_quantity")), 1)
                   for _, row in tips]
    tips_total = sum(tip_amounts, ZERO)
    found = reading(money["subtotal"], money["shipping"], money["taxes"], tips_total + money["duties"], money["total"])
    how = found or Reading()
    pieces = _pieces(first, money, how)
    paid = money["total"] - money["refunded_amount"]
    residual = paid - tips_total - sum((amount for _, amount, _, _ in pieces), ZERO)

    created = first.when("created_at")
    fulfilled = first.when("fulfilled_at")
    cancelled = first.when("cancelled_at")
    settled_at = fulfilled or cancelled
    common = dict(
        store=_NO_STORE, status=SETTLED if settled_at else IN_TRANSIT, currency=currency, order_id=order_id,
        order_time=created, settled_time=settled_at, settled_time_approx=fulfilled is None and cancelled is not None,
        reference=platform_id, detail=SKU_SPLIT)
    extra = {first.header(c): first.text(c) for c in ("name", "id", "financial_status", "fulfillment_status",
                                                      "discount_code", "payment_method", "source")
             if first.text(c)}
    if how.free_shipping:
        extra["reading"] = "the discount made shipping free: Shipping taken off the sales (seed 002)"
    if how.taxes_included:
        extra["reading"] = (extra.get("reading", "") + "; " if "reading" in extra else "") + (
            "taxes are included in the prices: Taxes taken off the sales (sales without tax)")
    if found is None:
        extra["unexplained"] = "Subtotal, Shipping, Taxes, tips and Duties do not add up to Total"

    lines: list[Line] = []
    positions = {n: i + 1 for i, (n, _) in enumerate(order.rows)}
    goods = items or [(order.rows[0][0], None)]
    weights = [row.money("lineitem_price") * cells.quantity(row.get("lineitem_quantity")) if row is not None
               else ZERO for _, row in goods]
    shares = [allocate(amount, weights) for _, amount, _, _ in pieces]
    rest = allocate(residual, weights)
    for j, (n, row) in enumerate(goods):
        amounts: dict[str, Decimal] = {}
        fields: list[SourceField] = []
        for (header, _, category, flagged), split in zip(pieces, shares, strict=True):
            if split[j]:
                amounts[category] = amounts.get(category, ZERO) + split[j]
                fields.append(SourceField(header, split[j], category, flagged))
        line_extra = dict(extra)
        if row is not None:
            fields.append(SourceField(row.header("lineitem_price"), row.money("lineitem_price"), None))
            if row.text("lineitem_fulfillment_status"):
                line_extra[row.header("lineitem_fulfillment_status")] = row.text("lineitem_fulfillment_status")
        sku = row.text("lineitem_sku") if row is not None else ""
        lines.append(Line(
            key=(FAMILY, platform_id, str(positions[n])), txn_type="order", settlement_amount=sum(
                amounts.values(), ZERO) + rest[j], amounts={k: v for k, v in amounts.items() if v}, fields=fields,
            sku_id=sku or None, msku=sku or None, sku_name=(row.text("lineitem_name") or None) if row else None,
            quantity=cells.quantity(row.get("lineitem_quantity")) if row is not None else 0, extra=line_extra,
            **common))
    for (n, row), amount in zip(tips, tip_amounts, strict=True):
        lines.append(Line(
            key=(FAMILY, platform_id, str(positions[n])), txn_type="tip", settlement_amount=amount,
            amounts={TIP_BOOK: amount} if amount else {},
            fields=[SourceField(row.header("lineitem_price"), amount, TIP_BOOK)], sku_name=row.text("lineitem_name"),
            quantity=0, extra=dict(extra), **common))
    return lines, currency, paid


def _pieces(first: Row, money: dict[str, Decimal], how: Reading) -> list[tuple[str, Decimal, str, bool]]:
    """The order's money as (column header, amount, category, unmapped), seed 002's formulas in order."""
    sales = _category("subtotal")
    discount, refunded = money["discount_amount"], money["refunded_amount"]
    out: list[tuple[str, Decimal, str, bool]] = [
        (first.header("subtotal"), money["subtotal"], sales, False),
        (first.header("discount_amount"), discount, sales, False),  # 销售额 = Subtotal + Discount Amount
        (first.header("discount_amount"), -discount, _category("discount_amount"), False),
    ]
    if how.free_shipping:  # Discount Code 涉及 freeShipping: 销售额减去 Shipping
        out.append((first.header("shipping"), -money["shipping"], sales, False))
    out.append((first.header("shipping"), money["shipping"], _category("shipping"), False))
    if how.taxes_included:  # sales without tax (the seed's default): the tax inside the prices comes off
        out.append((first.header("taxes"), -money["taxes"], sales, False))
    out.append((first.header("taxes"), money["taxes"], _category("taxes"), False))
    if money["duties"]:
        out.append((first.header("duties"), money["duties"], _category("duties"), True))
    out.append((first.header("refunded_amount"), -refunded, _category("refunded_amount"), False))
    return [p for p in out if p[1]]


ADAPTERS: Sequence[TableAdapter] = (Orders(),)

"""What the Finance view's tables ask for: a page of lines, all lines as CSV, one line's original fields.

Periods are resolved per store in its own time zone, exactly as the profit report does, so the lines a
table lists are the lines the report's figures add up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from companion.errors import BadInput
from companion.ledger import engine
from companion.ledger.categories import GROUPS
from companion.ledger.fx import RateBook, RateMissing
from companion.ledger.money import fmt, from_storage
from companion.ledger.profit import row_profit, units_sold
from companion.ledger.report import BASES
from companion.reports import reporting
from companion.store import costing, edits, line_table, purchases, seller_inputs
from companion.store.models import SettlementLine, Store

EXPORT_LIMIT = 1_000_000
INCOME_HEADER = ("Date", "Order ID", "Item No", "SKU ID", "SKU name", "Quantity", "Unit price", "Settlement amount",
                 "Currency", "Settlement type", "Store")
TYPE_TEXT = {"settled": "settled", "in_transit": "in transit", "estimated": "estimated"}


# a cell that starts with one of these is a formula to Excel, LibreOffice and Sheets (OWASP's CSV injection list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value) -> str:
    """A CSV text cell (a name, an ID, a store, anything not a figure we formatted) that a spreadsheet shows as
    text and never runs: one that would start a formula gets a leading apostrophe. Amounts and quantities
    are written as they are, so a refund stays the number -12.30."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class ViewError(BadInput):
    """A request the view's tables refuse; the text says which parameter and why."""


@dataclass
class Filters:
    period: str = "this-month"
    basis: str = "settlement"
    account: str | None = None
    sort: str = "date"
    descending: bool = True
    search: str = ""
    page: int = 1
    size: int = 50

    @classmethod
    def from_query(cls, q) -> Filters:
        def number(name: str, default: int) -> int:
            text = q.get(name)
            if text in (None, ""):
                return default
            try:
                value = int(text)
            except ValueError as exc:
                raise ViewError.of("query_not_whole", name=name) from exc
            if abs(value) > 1_000_000:  # an offset the database can hold; no table has a millionth page
                raise ViewError.of("query_too_large", name=name)
            return value

        direction = q.get("dir", "desc")
        if direction not in ("asc", "desc"):
            raise ViewError.of("dir_unknown")
        basis = q.get("basis", "settlement")
        if basis not in BASES:
            raise ViewError.of("basis_unknown")
        return cls(period=q.get("period") or "this-month", basis=basis, account=q.get("account") or None,
                   sort=q.get("sort") or "date", descending=direction == "desc", search=q.get("q", ""),
                   page=number("page", 1), size=number("size", 50))


def _query(f: Filters, now: datetime | None) -> line_table.Query:
    """The table's query over the lines the report of the same filters counts (reporting's periods)."""

    targets = reporting.stores_of(f.account)  # an unknown store: NotFound; a bad period: BadInput
    periods = reporting.store_periods(f.period, targets, now or datetime.now(UTC))
    zones = {s.id: s.timezone for s in targets}
    return line_table.Query(reporting.store_bounds(targets, periods), f.basis, f.sort, f.descending, f.search,
                            f.page, f.size, zones)


def income_page(f: Filters, now: datetime | None = None) -> dict:
    return line_table.page(_query(f, now))


def every_query(f: Filters, now: datetime | None = None) -> line_table.Query:
    """The query of every row of a table with these filters (checked), for the exports."""
    q = _query(f, now)
    q.page, q.size = 1, line_table.MAX_PAGE_SIZE
    q.check()
    return q


def _export_start(f: Filters, now: datetime | None):
    """The query of every row and a CSV writer over a text buffer with CRLF line ends."""
    buf = io.StringIO()
    return every_query(f, now), buf, csv.writer(buf, lineterminator="\r\n")


def income_csv(f: Filters, now: datetime | None = None) -> Iterator[str]:
    """The income table with its filters as CSV text chunks: a byte-order mark first (so Excel reads
    UTF-8, Chinese names included), amounts exactly as stored, rows in the table's order."""
    q, buf, writer = _export_start(f, now)
    writer.writerow(INCOME_HEADER)
    yield "\ufeff" + buf.getvalue()
    buf.seek(0)
    buf.truncate()
    n = 0
    for row in line_table.every_row(q, EXPORT_LIMIT):
        t = text_cell
        writer.writerow((t(row["date"]), t(row["order_id"]), t(row["item_no"]), t(row["sku_id"]), t(row["sku_name"]),
                         row["quantity"], row["unit_price"], row["settlement_amount"], t(row["currency"]),
                         t(TYPE_TEXT.get(row["type"], row["type"])), t(row["store"])))
        n += 1
        if n % 1000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue()


EXPENSE_COLUMNS = ("date", "order_id", "purchase_order", "sku_id", "sku_name", "quantity", "settlement_price",
                   "purchase_price", "other_fees", "row_profit", "currency", "store")


def expense_page(f: Filters, now: datetime | None = None) -> dict:
    """The expense tab: the same lines as the income tab, each with its settlement price, purchase price
    and other fees (the seller's edits where there are any, else the platform's amount and the SKU's unit
    cost of that day) and the row's profit. The 1688 order column shows what the seller typed, else the order
    numbers of the purchases linked to the row's order (`purchase_order_linked`). A purchase price in another
    currency than the line's is shown in its own currency and converted for the row's profit at the rate of the
    line's day, as the report converts (see expense_rows)."""
    page = income_page(f, now)
    return {**page, "columns": list(EXPENSE_COLUMNS), "rows": expense_rows(page["rows"])}


def expense_rows(income_rows: list[dict]) -> list[dict]:
    """Income-table rows → expense-tab rows (see expense_page).

    A SKU cost in another currency than the line's is converted for the row's profit at the rate in force on
    the line's day in its store's time (the day the report converts it at), rounded to 1/10000 as the report
    rounds: the row then carries `purchase_converted` and `rate` (the rate used, and whether inverted). With
    no such rate the row's profit stays empty and `row_profit_missing` says which rate is missing (code
    `no_rate`), never a figure that mixes two currencies."""

    ids = [r["id"] for r in income_rows]
    edited = edits.for_lines(ids)
    facts = {r.id: r for r in SettlementLine.select(
        SettlementLine.id, SettlementLine.settlement_amount, SettlementLine.sales, SettlementLine.promo_discount,
        SettlementLine.income_refund, SettlementLine.quantity).where(SettlementLine.id.in_(ids))} if ids else {}
    linked = purchases.linked_to(r["order_id"] for r in income_rows
                                 if r["order_id"] and not (edited.get(r["id"]) and edited[r["id"]].purchase_order))
    versions, _ = seller_inputs.cost_versions()
    index = engine.cost_index(versions)
    averages = _moving_averages({r["store"] for r in income_rows})  # stores whose costing is moving_average
    book: list[RateBook] = []  # read once, when a row first needs a rate
    rows = []
    for r in income_rows:
        line = facts[r["id"]]
        e = edited.get(r["id"])
        sold = units_sold(line.quantity, line.sales, line.promo_discount, line.income_refund)
        price = e.settlement_price if e is not None and e.settlement_price is not None else line.settlement_amount
        purchase, purchase_currency, purchase_source, cost_units = None, r["currency"], "", 0
        day = datetime.strptime(r["date"][:10], "%Y-%m-%d").date() if r["date"] else None
        if e is not None and e.purchase_price is not None:
            purchase, purchase_source = e.purchase_price, "edited"
        elif r["sku_id"] and day is not None:
            version, source = None, "unit cost"
            if r["store"] in averages:
                version, source = engine.cost_on(averages[r["store"]], r["sku_id"], day), "moving average"
            if version is None:
                version, source = engine.cost_on(index, r["sku_id"], day), "unit cost"
            if version is not None:
                cost_units = version.unit_cost * sold
                purchase = from_storage(cost_units)
                purchase_currency, purchase_source = version.currency, source
        fees = e.other_fees if e is not None and e.other_fees is not None else Decimal(0)
        extra: dict = {}
        if purchase_currency == r["currency"]:
            profit = row_profit(price, purchase, fees)
        else:
            if not book:
                book.append(RateBook(seller_inputs.rates()))
            try:
                units, used = book[0].convert_units(cost_units, purchase_currency, r["currency"], day)
            except RateMissing:
                profit = None
                extra["row_profit_missing"] = {
                    "code": "no_rate", "from": purchase_currency, "to": r["currency"], "date": day.isoformat(),
                    "message": f"no {purchase_currency}→{r['currency']} exchange rate on or before {day.isoformat()}; "
                               "add one in Settings"}
            else:
                converted = from_storage(units)
                profit = row_profit(price, converted, fees)
                extra["purchase_converted"] = fmt(converted)
                if used is not None:
                    extra["rate"] = {**used.rate.json(), "inverted": used.inverted}
        typed = (e.purchase_order if e is not None else None) or ""
        if not typed and linked.get(r["order_id"]):  # the seller's own entry wins; else the linked purchases
            extra["purchase_order_linked"] = True
        rows.append({
            "id": r["id"], "date": r["date"], "order_id": r["order_id"],
            "purchase_order": typed or ", ".join(p.order_no for p in linked.get(r["order_id"], ())),
            "sku_id": r["sku_id"],
            "sku_name": r["sku_name"], "quantity": r["quantity"], "settlement_price": fmt(price),
            "purchase_price": fmt(purchase) if purchase is not None else "",
            "purchase_currency": purchase_currency if purchase is not None else "",
            "purchase_source": purchase_source, "other_fees": fmt(fees),
            "row_profit": fmt(profit) if profit is not None else "", "currency": r["currency"], "store": r["store"],
            "edited": sorted(k for k in edits.FIELDS if e is not None and getattr(e, k) is not None), **extra,
        })
    return rows


def _moving_averages(names: set[str]) -> dict[str, dict]:
    """Store name → its moving-average cost index, for the named stores whose costing is moving_average: the
    expense tab's purchase price is then the average in force on the line's day, as in the report."""
    chosen = costing.methods()
    targets = [s for s in Store.select().where(Store.name.in_(sorted(names)))
               if chosen.get(s.id) == costing.MOVING_AVERAGE] if names else []
    if not targets:
        return {}
    by_id = reporting.moving_averages(targets)
    return {s.name: engine.cost_index(by_id[s.id]) for s in targets}


EXPENSE_HEADER = ("Date", "Order ID", "1688 order ID", "SKU ID", "SKU name", "Quantity", "Settlement price",
                  "Purchase price", "Purchase currency", "Other fees", "Row profit", "Currency", "Store")


def expense_csv(f: Filters, now: datetime | None = None) -> Iterator[str]:
    """The expense tab with its filters as CSV, like income_csv; rows worked out 500 at a time."""
    q, buf, writer = _export_start(f, now)
    writer.writerow(EXPENSE_HEADER)
    yield "\ufeff" + buf.getvalue()
    batch: list[dict] = []

    def flush() -> str:
        buf.seek(0)
        buf.truncate()
        t = text_cell
        for r in expense_rows(batch):
            writer.writerow((t(r["date"]), t(r["order_id"]), t(r["purchase_order"]), t(r["sku_id"]), t(r["sku_name"]),
                             r["quantity"], r["settlement_price"], r["purchase_price"], t(r["purchase_currency"]),
                             r["other_fees"], r["row_profit"], t(r["currency"]), t(r["store"])))
        batch.clear()
        return buf.getvalue()

    for row in line_table.every_row(q, EXPORT_LIMIT):
        batch.append(row)
        if len(batch) == 500:
            yield flush()
    if batch:
        yield flush()


def profit_table(report: dict) -> tuple[list[str], list[dict]]:
    """The profit tab as the exports lay it out: the key fields, currency, quantity, settlement amount, every
    category, the group totals and gross profit; each row flat under those names."""

    rows = report["rows"]
    categories = list(rows[0]["categories"]) if rows else []
    keys = list(rows[0]["key"]) if rows else ["account"]
    totals = [*GROUPS, "gross_profit"]
    header = [*keys, "currency", "quantity", "settlement_amount", *categories, *totals]
    flat = [{**{k: r["key"].get(k) or "" for k in keys}, **r["categories"],
             **{k: r[k] for k in ("currency", "quantity", "settlement_amount", *totals)}} for r in rows]
    return header, flat


def profit_csv(report: dict) -> str:
    """The profit tab (the report by store, SKU, MSKU or order) as CSV text, every category a column."""
    header, rows = profit_table(report)
    text = set(header[:header.index("currency") + 1])  # the keys (store, SKU, MSKU, order) and the currency
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([text_cell(r[name]) if name in text else r[name] for name in header] for r in rows)
    return "\ufeff" + buf.getvalue()

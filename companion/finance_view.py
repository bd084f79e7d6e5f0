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
from zoneinfo import ZoneInfo

from companion.ledger.periods import PeriodError, parse_period
from companion.ledger.report import BASES
from companion.store import line_table, reports, stores

EXPORT_LIMIT = 1_000_000
CSV_HEADER = {
    "income": ("Date", "Order ID", "Item No", "SKU ID", "SKU name", "Quantity", "Unit price", "Settlement amount",
               "Currency", "Settlement type", "Store"),
}
TYPE_TEXT = {"settled": "settled", "in_transit": "in transit", "estimated": "estimated"}


class ViewError(ValueError):
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
                return int(text)
            except ValueError as exc:
                raise ViewError(f"{name} must be a whole number") from exc

        direction = q.get("dir", "desc")
        if direction not in ("asc", "desc"):
            raise ViewError("dir must be asc or desc")
        basis = q.get("basis", "settlement")
        if basis not in BASES:
            raise ViewError("basis must be settlement or order")
        return cls(period=q.get("period") or "this-month", basis=basis, account=q.get("account") or None,
                   sort=q.get("sort") or "date", descending=direction == "desc", search=q.get("q", ""),
                   page=number("page", 1), size=number("size", 50))


def _query(f: Filters, now: datetime | None) -> line_table.Query:
    now = now or datetime.now(UTC)
    try:
        targets = [stores.by_name(f.account)] if f.account else stores.all_stores()
    except stores.UnknownAccount as exc:
        raise ViewError(str(exc)) from exc
    bounds, zones = {}, {}
    for store in targets:
        try:
            period = parse_period(f.period, now.astimezone(ZoneInfo(store.timezone)).date())
        except PeriodError as exc:
            raise ViewError(str(exc)) from exc
        start, end = period.utc_bounds(store.timezone)
        bounds[store.id] = (reports.ms(start), reports.ms(end))
        zones[store.id] = store.timezone
    return line_table.Query(bounds, f.basis, f.sort, f.descending, f.search, f.page, f.size, zones)


def income_page(f: Filters, now: datetime | None = None) -> dict:
    try:
        return line_table.page(_query(f, now))
    except line_table.TableError as exc:
        raise ViewError(str(exc)) from exc


def income_csv(f: Filters, now: datetime | None = None) -> Iterator[str]:
    """The income table with its filters as CSV text chunks: a byte-order mark first (so Excel reads
    UTF-8, Chinese names included), amounts exactly as stored, rows in the table's order."""
    q = _query(f, now)
    q.page, q.size = 1, line_table.MAX_PAGE_SIZE
    try:
        q.check()
    except line_table.TableError as exc:
        raise ViewError(str(exc)) from exc
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER["income"])
    yield "\ufeff" + buf.getvalue()
    buf.seek(0)
    buf.truncate()
    n = 0
    for row in line_table.every_row(q, EXPORT_LIMIT):
        writer.writerow((row["date"], row["order_id"], row["item_no"], row["sku_id"], row["sku_name"],
                         row["quantity"], row["unit_price"], row["settlement_amount"], row["currency"],
                         TYPE_TEXT.get(row["type"], row["type"]), row["store"]))
        n += 1
        if n % 1000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue()

"""AliExpress 放款 (fund release) detail: one row per sub-order, its release, fees and refund, as a file.

Seed 002 says of AliExpress only "目前速卖通利润报表暂不支持核对。正在优化中!": its profit cannot be reconciled
yet, and the seed maps no AliExpress field. No public column list of the seller backend's fund export was found,
so the columns are the documented fields of the open platform's 放款 query (aliexpress.trade.redefining.
findloanlistquery, its older name api.findLoanListQuery): the API's field names (snake_case and the older
camelCase) and the Chinese descriptions the API documents for them. docs/sources.md (aliexpress) says where.

The money a row books (the table below) is what the query defines clearly: the released amount (放款金额) is
sales, the escrow fee (手续费, AliExpress's transaction commission) and the affiliate commission (联盟佣金) are
platform fees, as seed 002 books the same fees of other platforms (Shopee's 佣金 and 联盟营销佣金, TikTok's
affiliate commission: 平台费). What the seller is paid for the row (实际放款出账金额) is the row's total; money the
columns do not explain is booked by its sign, flagged unmapped. Every line says the seed's caveat in its extra.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns, Located
from companion.sources.mapping import INFO, OUT, TOTAL, Table, book_of, books, by_sign, fills_gap, marked, seed, table
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
from companion.sources.tabular import TOTAL_WORDS, Hints, TableAdapter, at_row, data_rows, store_for_file

PLATFORM = "aliexpress"
LABEL = "AliExpress"
# [unverified] The seller backend shows US Pacific time; no found source states the zone of the 放款 times.
TZ = "America/Los_Angeles"
FAMILY = "aliexpress_loan"
REPORT = "fund_detail"
NOTE_KEY = "seed_002_note"  # a key no export column has: the file's own columns keep theirs
NOTE = ("seed 002: AliExpress profit cannot be reconciled yet (目前速卖通利润报表暂不支持核对); "
        "booked from the fund release's own fields")

# canonical (the API's field name) → the names it is documented under: the older camelCase field, the Chinese
# description of the field in the API's documentation.
SPEC: dict[str, tuple[str, ...]] = {
    "order_id": ("orderId", "订单ID"),
    "child_order_id": ("childOrderId", "子订单ID"),
    "order_status": ("orderStatus", "订单状态"),
    "loan_status": ("loanStatus", "放款状态"),
    "released_datetime": ("releasedDatetime", "放款时间"),
    "wait_loan_reson": ("waitLoanReson", "待放款原因"),
    "currency_code": ("currencyCode", "币种"),
    # money
    "loan_amount": ("loanAmount", "放款金额"),
    "escrow_fee": ("escrowFee", "手续费"),
    "affiliate_commission": ("affiliateCommission", "联盟佣金"),
    "refund_amount": ("refundAmount", "退款金额"),
    "real_loan_amount": ("realLoanAmount", "实际放款出账金额"),
    "real_refund_amount": ("realRefundAmount", "实际退款出账金额"),
    "amount_total": ("amountTotal", "总金额"),
}
COLUMNS = Columns(SPEC, required=("order_id", "child_order_id", "loan_amount", "real_loan_amount"))
TEXT = ("order_status", "loan_status", "wait_loan_reson")

# The mapping, category first. refund_amount is booked by hand (see _refund): the buyer's money for the refunded
# part is sales the refund takes back, so it appears twice, once each way.
TABLE: Table = table(
    seed({"sales": ("loan_amount",)}),
    seed({"platform_fee": ("escrow_fee", "affiliate_commission")}, sign=OUT),
    marked(INFO, "real_refund_amount", "amount_total"),  # the buyer's money / the order's total, not the seller's
    marked(TOTAL, "real_loan_amount"),
)
REFUND = "refund_amount"

# loan_status values documented by the query: wait_loan 未放款, loan_ok 已放款.
_SETTLED_WORDS = ("loan_ok", "已放款")
_PENDING_WORDS = ("wait_loan", "未放款", "待放款")
# [guess] A money column this version does not know, counted only when it is exactly what the row's paid amount
# misses (mapping.fills_gap): the nearest category by the words of its header, flagged; else by its sign.
_NEAREST_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("物流", "运费", "logistics", "shipping", "freight"), "platform_logistics"),
    (("佣金", "手续费", "commission"), "platform_fee"),
    (("退款", "refund"), "income_refund"),
)
_US_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def release_time(cell: object) -> datetime | None:
    """A 放款时间: the query's own format (mm/dd/yyyy hh:mm:ss, US Pacific) or any date cells.when reads."""
    if isinstance(cell, str) and (found := _US_TIME.match(cell.strip())):
        mo, d, y, h, mi, s = (int(g) if g else 0 for g in found.groups())
        try:
            return datetime(y, mo, d, h, mi, s, tzinfo=ZoneInfo(TZ))
        except ValueError as exc:
            raise SourceError.of("src_time_invalid", value=cell, reason=str(exc)) from exc
    return cells.when(cell, TZ)


def currency_of(cell: object, header: str) -> str:
    text = "" if cells.blank(cell) else str(cell).strip().upper()
    if text and not re.fullmatch(r"[A-Z]{3}", text):
        raise SourceError.of("currency_unknown", field=header, value=str(cell).strip())
    return text


class FundDetail(TableAdapter):
    """放款 detail rows (one per sub-order) → one line each, keyed by order and sub-order."""

    name = f"{PLATFORM}.{REPORT}"
    version = 1
    report_type = REPORT
    columns = COLUMNS

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        hints = Hints.of(src.payload)
        fallback = hints.store.currency if hints.store is not None else ""
        lines: list[Line] = []
        stated: list[tuple[Decimal, str]] = []
        seen: dict[tuple[str, ...], int] = {}
        for sheet, header_at, located in self.matching(book):
            rows = book.rows(sheet)
            for number, raw in data_rows(rows, header_at + 1):
                try:
                    lines.append(self._line(raw, located, fallback, src.captured_at, seen))
                except SourceError as exc:
                    raise at_row(exc, book.name, sheet, number) from exc
            stated += _stated_totals(book.name, sheet, rows, header_at, located)
        if not lines:
            raise SourceError.of("src_no_data_rows", file=book.name, report=REPORT)
        currencies = {line.currency for line in lines}
        store = store_for_file(hints, PLATFORM, book.name, "", lines[0].currency, TZ, LABEL)
        for line in lines:
            line.store = store
        # The totals row sums what was paid out; a row not released yet is a line at its estimate, which the row
        # does not hold: the figure is then kept (stated), not checked.
        checkable = len(currencies) == 1 and all(line.status == SETTLED for line in lines)
        totals = [Stated(store, "file_total", book.name, amount, lines[0].currency,
                         scope=(("report", REPORT), ("label", label)))
                  for amount, label in stated[:1] if checkable]
        said: dict = {"note": NOTE}
        if stated:
            said["totals_row"] = {label: str(amount) for amount, label in stated}
        return ParseResult(self.name, self.version, lines, said, totals, REPORT)

    def _line(self, raw: Sequence[object], located: Located, fallback: str, captured_at: datetime,
              seen: dict[tuple[str, ...], int]) -> Line:
        def get(name: str) -> object:
            i = located.index.get(name)
            return raw[i] if i is not None and i < len(raw) else None

        def header(name: str) -> str:
            i = located.index.get(name)
            return located.headers[i].strip() if i is not None else SPEC[name][-1]  # absent: its Chinese name

        order_id = cells.text_id(get("order_id"), header("order_id"))
        child = cells.text_id(get("child_order_id"), header("child_order_id"))
        for name, value in (("order_id", order_id), ("child_order_id", child)):
            if not value:
                raise SourceError.of("aliexpress_column_empty", header=header(name))
        currency = currency_of(get("currency_code"), header("currency_code")) or fallback
        if not currency:
            raise SourceError.of("aliexpress_no_currency", header=header("currency_code"))

        amounts: dict[str, Decimal] = {}
        fields: list[SourceField] = []

        def add(category: str | None, name: str, value: Decimal, unmapped: bool = False) -> None:
            if category is not None:
                amounts[category] = amounts.get(category, ZERO) + value
            fields.append(SourceField(name, value, category, unmapped))

        for column, entry in books(TABLE):
            value = self._money(get(column), header(column))
            if value:
                value = -abs(value) if entry.sign == OUT else value
                add(entry.category_for(value), header(column), value, not entry.mapped)
        refund = self._money(get(REFUND), header(REFUND))
        if refund:  # the refunded part: paid by the buyer (sales, our reading) and given back (income_refund)
            add("sales", header(REFUND), abs(refund), True)
            add("income_refund", header(REFUND), -abs(refund))
        for column in (c for c, e in TABLE.items() if e is INFO):
            value = self._money(get(column), header(column))
            if value:
                add(None, header(column), value)

        booked = sum(amounts.values(), ZERO)
        total_cell = get("real_loan_amount")
        total = None if cells.blank(total_cell) else self._money(total_cell, header("real_loan_amount"))
        status = _status(str(get("loan_status") or ""), get("released_datetime"), total)
        extra = {header(c): str(get(c)).strip() for c in TEXT if not cells.blank(get(c))}
        loose: list[tuple[str, Decimal]] = []
        for i, name in located.unknown:
            value = raw[i] if i < len(raw) else None
            if cells.blank(value):
                continue
            amount = cells.loose_amount(value)
            if amount is None:
                extra[name.strip()] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
            elif amount:
                loose.append((name.strip(), amount))
        if status == SETTLED and total is not None:
            gap = total - booked
            if fills_gap((a for _, a in loose), gap):  # columns nobody names that are exactly what is missing
                for name, amount in loose:
                    add(nearest(name, amount), name, amount, True)
                loose, gap = [], ZERO
            if gap:  # what the columns do not explain: by its sign, flagged
                add(by_sign(gap), f"{header('real_loan_amount')} (unexplained)", gap, True)
            settlement = total
        else:  # not released yet: the release's own figures are the estimate
            settlement = booked
        fields.extend(SourceField(name, amount, None, True) for name, amount in loose)
        extra[NOTE_KEY] = NOTE
        when = release_time(get("released_datetime"))
        base = (FAMILY, order_id, child)
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else (*base, str(seen[base]))
        return Line(
            store=StoreRef(PLATFORM, ""), key=key, status=status, txn_type=str(get("loan_status") or "").strip()
            or "放款", currency=currency, settlement_amount=settlement,
            amounts={k: v for k, v in amounts.items() if v}, fields=fields, order_id=order_id,
            settled_time=(when or captured_at) if status == SETTLED else None,
            settled_time_approx=status == SETTLED and when is None, extra=extra, reference=order_id,
            detail=SKU_SPLIT,
        )

    @staticmethod
    def _money(cell: object, header: str) -> Decimal:
        try:
            return cells.money(cell)
        except SourceError as exc:
            raise SourceError.of("src_row_labelled", label=f"{header}: ", problem=exc.said()) from exc


def nearest(header: str, amount: Decimal) -> str:
    """The category of a money column nobody maps: by the words of its header, else by the amount's sign."""
    text = header.lower()
    return next((category for words, category in _NEAREST_WORDS if any(w in text for w in words)), by_sign(amount))


def _status(loan_status: str, released: object, total: Decimal | None) -> str:
    text = loan_status.strip().lower()
    if any(w in text for w in _SETTLED_WORDS):
        return SETTLED
    if any(w in text for w in _PENDING_WORDS):
        return IN_TRANSIT
    return SETTLED if not cells.blank(released) or total else IN_TRANSIT


def _stated_totals(file: str, sheet: str, rows: list, header_at: int, located: Located) -> list[tuple[Decimal, str]]:
    """A totals row (合计 / Total) under the data: its 实际放款出账金额 cell is the file's stated total."""
    i = located.index["real_loan_amount"]
    found = []
    for number in range(header_at + 1, len(rows)):
        row = rows[number]
        first = next((str(c).strip().lower().rstrip(":：") for c in row if not cells.blank(c)), "")
        if first in TOTAL_WORDS or first.startswith(("合计", "总计")):
            if i < len(row) and not cells.blank(row[i]):
                try:
                    found.append((cells.money(row[i]), f"{first} {located.headers[i].strip()}"))
                except SourceError as exc:
                    raise at_row(exc, file, sheet, number + 1) from exc
    return found


def booked_columns() -> dict[str, str]:
    """column → category of the columns the table books (for the docs and the tests)."""
    return {column: book_of(TABLE, column).category_for(ZERO) for column, _ in books(TABLE)}


ADAPTERS = (FundDetail(),)

"""The seller's own figures, read from CSV: SKU unit costs, custom fees and exchange rates.

Each reader checks every row and refuses the whole file with one sentence naming the file, the row and
the column when anything is wrong, so a half-read file is never stored.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from companion.errors import Unprocessable
from companion.ledger import currencies
from companion.ledger.fx import Rate
from companion.ledger.money import MAX_UNITS, MoneyError, parse_amount, to_storage

MAX_ROWS = 200_000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LEVELS = ("store", "product", "order")

MIN_RATE, MAX_RATE = Decimal("0.000001"), Decimal("1000000")  # any two currencies of the world


class InputError(Unprocessable):
    """A seller file that cannot be used; the message names the file, row and column.

    Each refusal has its code (companion/server/static/messages.json): a row's refusal is `row_...` with the
    row number in `row`; those a value typed in the view can meet have a twin `cell_...`, the same sentence
    without the row (settings_api says a typed rate or fee's refusal through it)."""


@dataclass(frozen=True)
class CostRow:
    sku_id: str
    unit_cost: Decimal
    currency: str
    effective_from: date | None
    msku: str | None


@dataclass(frozen=True)
class FeeRow:
    level: str  # store | product | order
    account: str
    target: str  # product: SKU ID or MSKU; order: order id; store: ""
    month: str  # YYYY-MM
    name: str
    amount: Decimal  # as the ledger signs it: a cost is negative
    currency: str


def _rows(name: str, text: str, required: tuple[str, ...], aliases: dict[str, tuple[str, ...]]
          ) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InputError.of("csv_empty", columns=", ".join(required), file=name) from exc
    lookup = {alias.strip().lower(): canonical for canonical, names in aliases.items()
              for alias in (canonical, *names)}
    columns = [lookup.get(h.strip().lower().replace(" ", "_")) or lookup.get(h.strip().lower()) for h in header]
    missing = [r for r in required if r not in columns]
    if missing:
        raise InputError.of("csv_missing_column", missing=", ".join(missing), columns=", ".join(required),
                            file=name)
    out = []
    try:
        for number, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue
            if len(out) >= MAX_ROWS:
                raise InputError.of("csv_too_many_rows", most=f"{MAX_ROWS:,}", file=name)
            out.append((number, {col: (row[i].strip() if i < len(row) else "")
                                 for i, col in enumerate(columns) if col}))
    except csv.Error as exc:
        raise InputError.of("csv_unreadable", detail=str(exc), file=name) from exc
    return out


def _amount(name: str, number: int, column: str, text: str) -> Decimal:
    where = {"row": number, "column": column, "file": name}
    try:
        value = parse_amount(text)
    except MoneyError:
        raise InputError.of("row_not_amount", value=text, **where) from None
    scaled = value.scaleb(4)
    if scaled != scaled.to_integral_value():
        raise InputError.of("row_too_many_decimals", value=str(value), **where)
    if not -MAX_UNITS <= int(scaled) <= MAX_UNITS:
        raise InputError.of("row_amount_too_large", value=str(value), most=f"{MAX_UNITS // 10_000:,}", **where)
    to_storage(value)  # cannot refuse now: the checks above are its own
    return value


def _currency(name: str, number: int, text: str, column: str = "currency") -> str:
    code = currencies.code(text)
    if code is None:
        raise InputError.of("row_currency_unknown", row=number, column=column, value=text, file=name)
    return code


def _date(name: str, number: int, column: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError.of("row_not_date", row=number, column=column, value=text, file=name) from exc


def read_costs(name: str, text: str) -> list[CostRow]:
    """Columns sku_id, unit_cost, currency, optional effective_from (YYYY-MM-DD) and msku."""
    rows = _rows(name, text, ("sku_id", "unit_cost", "currency"), {
        "sku_id": ("sku", "sku id"), "unit_cost": ("cost", "unit cost", "purchase_price"),
        "currency": ("cur",), "effective_from": ("from", "effective from", "date"), "msku": ("seller_sku",)})
    out, seen = [], {}
    for number, row in rows:
        sku = row.get("sku_id", "")
        if not sku:
            raise InputError.of("row_sku_empty", row=number, file=name)
        if re.match(r"^\d(\.\d+)?[eE]\+\d+$", sku):
            raise InputError.of("row_sku_number", row=number, value=sku, file=name)
        cost = _amount(name, number, "unit_cost", row.get("unit_cost", ""))
        if cost < 0:
            raise InputError.of("row_cost_negative", row=number, value=str(cost), file=name)
        since = _date(name, number, "effective_from", row["effective_from"]) if row.get("effective_from") else None
        key = (sku, since)
        if key in seen:
            raise (InputError.of("row_cost_twice", row=number, sku=sku, since=since.isoformat(), first=seen[key],
                                 file=name) if since else
                   InputError.of("row_cost_twice_start", row=number, sku=sku, first=seen[key], file=name))
        seen[key] = number
        out.append(CostRow(sku, cost, _currency(name, number, row.get("currency", "")), since,
                           row.get("msku") or None))
    return out


def read_fees(name: str, text: str) -> list[FeeRow]:
    """Columns level (store | product | order), account, target (SKU ID or MSKU for product, order id for
    order, empty for store), month (YYYY-MM), amount (what the fee costs; a credit is negative), currency,
    optional name."""
    rows = _rows(name, text, ("level", "account", "month", "amount", "currency"), {
        "level": (), "account": ("store",), "target": ("sku_id", "msku", "order_id"), "month": (),
        "amount": ("fee",), "currency": ("cur",), "name": ("fee_name", "note")})
    out, seen = [], {}
    for number, row in rows:
        level = row.get("level", "").lower()
        if level not in LEVELS:
            raise InputError.of("row_level_unknown", row=number, value=row.get("level"), file=name)  # lists LEVELS
        account = row.get("account", "")
        if not account:
            raise InputError.of("row_account_empty", row=number, file=name)
        target = row.get("target", "")
        if level != "store" and not target:
            raise InputError.of(f"row_target_{level}", row=number, file=name)  # row_target_product, _order
        if level == "store" and target:
            raise InputError.of("row_target_store", row=number, file=name)
        month = row.get("month", "")
        m = _MONTH.match(month)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise InputError.of("row_month_bad", row=number, value=month, file=name)
        amount = _amount(name, number, "amount", row.get("amount", ""))
        fee_name = row.get("name", "")
        key = (level, account, target, month, fee_name)
        if key in seen:
            raise InputError.of("row_fee_twice", row=number, first=seen[key], file=name)
        seen[key] = number
        out.append(FeeRow(level, account, target, month, fee_name, -amount,
                          _currency(name, number, row.get("currency", ""))))
    return out


def read_rates(name: str, text: str) -> list[Rate]:
    """Columns date, from, to, rate: 1 `from` = `rate` `to` from that date on."""
    rows = _rows(name, text, ("date", "from", "to", "rate"), {"date": ("day",), "from": ("base",),
                                                                 "to": ("quote",), "rate": ()})
    out, seen = [], {}
    for number, row in rows:
        day = _date(name, number, "date", row.get("date", ""))
        base = _currency(name, number, row.get("from", ""), "from")
        quote = _currency(name, number, row.get("to", ""), "to")
        if base == quote:
            raise InputError.of("row_rate_same_currency", row=number, currency=base, file=name)
        try:
            rate = Decimal(row.get("rate", "").replace(",", ""))
        except InvalidOperation as exc:
            raise InputError.of("row_rate_not_number", row=number, value=row.get("rate"), file=name) from exc
        if not rate.is_finite() or rate <= 0 or len(rate.as_tuple().digits) > 30 or not MIN_RATE <= rate <= MAX_RATE:
            raise InputError.of("row_rate_not_positive", row=number, value=row.get("rate"), file=name)
        key = (day, base, quote)
        if key in seen:
            raise InputError.of("row_rate_twice", row=number, base=base, quote=quote, day=day.isoformat(),
                                first=seen[key], file=name)
        seen[key] = number
        out.append(Rate(day, base, quote, rate))
    return out


# The SKU map (issue #18 point 4); the purchase CSV's reader is companion/sources/purchase_csv.py ------------


@dataclass(frozen=True)
class SkuMapRow:
    supplier_sku: str
    sku_id: str
    account: str  # "" for every store


MAX_SKUMAP_ROWS = 20_000  # entries one SKU map file may hold: each is looked up and written on its own


def read_sku_map(name: str, text: str) -> list[SkuMapRow]:
    """Columns supplier_sku, sku_id (the shop SKU), optional store (its name; empty: every store); at most
    MAX_SKUMAP_ROWS entries."""
    rows = _rows(name, text, ("supplier_sku", "sku_id"), {
        "supplier_sku": ("1688_sku", "spec_id", "sku_1688"), "sku_id": ("shop_sku", "sku"),
        "store": ("account",)})
    if len(rows) > MAX_SKUMAP_ROWS:
        raise InputError.of("skumap_too_many_rows", rows=f"{len(rows):,}", most=f"{MAX_SKUMAP_ROWS:,}", file=name)
    out, seen = [], {}
    for number, row in rows:
        supplier_sku, sku_id, account = row.get("supplier_sku", ""), row.get("sku_id", ""), row.get("store", "")
        if not supplier_sku:
            raise InputError.of("row_supplier_sku_empty", row=number, file=name)
        if not sku_id:
            raise InputError.of("row_shop_sku_empty", row=number, file=name)
        for column, value in (("supplier_sku", supplier_sku), ("sku_id", sku_id)):
            if len(value) > 128:
                raise InputError.of("row_text_too_long", row=number, column=column, most=128, file=name)
        key = (supplier_sku, account)
        if key in seen:
            raise InputError.of("row_skumap_twice", row=number, sku=supplier_sku, first=seen[key], file=name)
        seen[key] = number
        out.append(SkuMapRow(supplier_sku, sku_id, account))
    return out

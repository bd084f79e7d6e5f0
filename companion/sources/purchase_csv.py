"""The seller's purchase records, read from CSV (`shoptally purchases import`): one row per goods line, the
rows of one purchase sharing its order_no, each turned into a `Purchase` like the 1688 adapters produce.

The reader checks every row and refuses the whole file with one sentence naming the file, the row and the
column (the same refusals as the other seller CSVs, companion/ledger/inputs.py), so a half-read file is never
stored. Pure: no database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from companion.ledger.inputs import InputError, _amount, _currency, _rows
from companion.ledger.money import MAX_UNITS
from companion.sources.model import Purchase, PurchaseItem

PURCHASE_STATUSES = ("unpaid", "paid", "shipped", "received", "cancelled", "refunded")
_ORDER_LEVEL = ("supplier", "currency", "status", "shipping", "adjustment", "placed_at", "paid_at", "self_delivery")
_YES, _NO = ("yes", "y", "true", "1", "是"), ("no", "n", "false", "0", "否", "")


def _when(name: str, number: int, column: str, text: str) -> datetime:
    """YYYY-MM-DD (that day, 00:00 UTC) or an ISO time with its zone."""
    try:
        if len(text) == 10:
            when = datetime.combine(date.fromisoformat(text), time(0), UTC)
        else:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None or not 2000 <= when.year < 2100:
        raise InputError.of("row_time_bad", row=number, column=column, value=text, file=name)
    return when.astimezone(UTC)


def _flag(name: str, number: int, column: str, text: str) -> bool:
    low = text.strip().lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise InputError.of("row_flag_bad", row=number, column=column, value=text, file=name)


def _not_negative(name: str, number: int, column: str, text: str) -> Decimal:
    value = _amount(name, number, column, text) if text else Decimal(0)
    if value < 0:
        raise InputError.of("row_price_negative", row=number, column=column, value=str(value), file=name)
    return value


# the longest text each column may hold: ids as the store's columns take them, names bounded too
_LONGEST = {"order_no": 128, "sku": 128, "sold_order": 128, "supplier": 200, "name": 500}


def read_purchases(name: str, text: str) -> list[Purchase]:
    """The seller's purchase records: one row per goods line, rows of one purchase sharing its order_no.

    Columns order_no, sku, quantity, unit_price, currency; optional supplier, name, shipping and adjustment
    (the order's, on any one of its rows or the same on each), status (default paid), placed_at, paid_at
    (YYYY-MM-DD or an ISO time with its zone; one of them required), sold_order (a platform order this purchase
    serves; several rows may name several), self_delivery (yes / no)."""
    rows = _rows(name, text, ("order_no", "sku", "quantity", "unit_price", "currency"), {
        "order_no": ("purchase_order", "1688_order", "order"), "supplier": ("seller", "vendor"),
        "sku": ("supplier_sku", "sku_id"), "name": ("product", "item"), "quantity": ("qty", "units"),
        "unit_price": ("price",), "shipping": ("freight",), "adjustment": ("discount_adjustment",),
        "currency": ("cur",), "status": (), "placed_at": ("placed", "order_time"), "paid_at": ("paid",),
        "sold_order": ("sold_order_id", "platform_order"), "self_delivery": ()})
    orders: dict[str, dict] = {}
    for number, row in rows:
        for column, most in _LONGEST.items():  # what the columns of migration 0010 hold, on both databases
            if len(row.get(column, "")) > most:
                raise InputError.of("row_text_too_long", row=number, column=column, most=most, file=name)
        order_no = row.get("order_no", "")
        if not order_no:
            raise InputError.of("row_purchase_order_empty", row=number, file=name)
        sku = row.get("sku", "")
        if not sku:
            raise InputError.of("row_purchase_sku_empty", row=number, file=name)
        qty_text = row.get("quantity", "")
        if not qty_text.isdigit() or not 0 < int(qty_text) <= 10_000_000:
            raise InputError.of("row_quantity_bad", row=number, value=qty_text, file=name)
        price = _not_negative(name, number, "unit_price", row.get("unit_price", ""))
        status = (row.get("status") or "paid").lower()
        if status not in PURCHASE_STATUSES:
            raise InputError.of("row_status_unknown", row=number, value=row.get("status"),
                                choices=", ".join(PURCHASE_STATUSES), file=name)
        said = {
            "supplier": row.get("supplier", ""),
            "currency": _currency(name, number, row.get("currency", "")),
            "status": status if row.get("status") else "",
            "shipping": _not_negative(name, number, "shipping", row.get("shipping", "")) if row.get("shipping")
            else None,
            "adjustment": _amount(name, number, "adjustment", row["adjustment"]) if row.get("adjustment") else None,
            "placed_at": _when(name, number, "placed_at", row["placed_at"]) if row.get("placed_at") else None,
            "paid_at": _when(name, number, "paid_at", row["paid_at"]) if row.get("paid_at") else None,
            "self_delivery": _flag(name, number, "self_delivery", row["self_delivery"]) if row.get("self_delivery")
            else None,
        }
        order = orders.setdefault(order_no, {"first": number, "items": [], "sold": [], "said": {}, "where": {}})
        for column in _ORDER_LEVEL:
            value = said[column]
            if value in (None, ""):
                continue
            if column in order["said"] and order["said"][column] != value:
                raise InputError.of("row_purchase_differs", row=number, column=column, value=row.get(column, ""),
                                    first=order["where"][column], order=order_no, file=name)
            order["said"][column], order["where"][column] = value, number
        amount = price * int(qty_text)
        order["items"].append(PurchaseItem(sku, row.get("name", ""), int(qty_text), price, amount))
        if row.get("sold_order") and row["sold_order"] not in order["sold"]:
            order["sold"].append(row["sold_order"])
    out = []
    for order_no, order in orders.items():
        said = order["said"]
        if said.get("placed_at") is None and said.get("paid_at") is None:
            raise InputError.of("row_purchase_no_date", row=order["first"], order=order_no, file=name)
        goods = sum((i.amount for i in order["items"]), Decimal(0))
        shipping, adjustment = said.get("shipping") or Decimal(0), said.get("adjustment") or Decimal(0)
        total = goods + shipping + adjustment
        if not -MAX_UNITS <= to_storage_units(total) <= MAX_UNITS:
            raise InputError.of("row_amount_too_large", row=order["first"], column="unit_price", value=str(total),
                                most=f"{MAX_UNITS // 10_000:,}", file=name)
        out.append(Purchase("csv", order_no, said.get("supplier", ""), said.get("status") or "paid",
                            said["currency"], goods, shipping, adjustment, total, tuple(order["items"]),
                            said.get("placed_at"), said.get("paid_at"), tuple(order["sold"]),
                            bool(said.get("self_delivery"))))
    return out


def to_storage_units(value: Decimal) -> int:
    return int(value.scaleb(4).to_integral_value())



"""The seller's inline edits of settlement lines: saved, logged (old value, new value, when), undoable,
and turned into corrections the profit report adds to its buckets.

An edit is kept by the line's store and natural key, not its row id, so it stays with the line when the
line is captured again, re-imported or reparsed, and comes back to it after a reset and a fresh sync.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from companion.errors import Unprocessable
from companion.ledger.categories import PLATFORM
from companion.ledger.engine import Bucket
from companion.ledger.money import MoneyError, fmt, parse_amount, to_storage
from companion.ledger.profit import units_sold
from companion.sources.model import SETTLED
from companion.store import changes
from companion.store.changes import Change
from companion.store.fields import now_utc
from companion.store.models import EditLog, LineEdit, SettlementLine
from companion.store.reports import counted, time_expr

MONEY_FIELDS = ("settlement_price", "purchase_price", "other_fees")
TEXT_FIELDS = ("purchase_order",)
FIELDS = MONEY_FIELDS + TEXT_FIELDS
MAX_AMOUNT = Decimal("1000000000")
_OTHER_INCOME = PLATFORM.index("other_income")


class EditError(Unprocessable):
    """An edit refused: the text names the field and what is wrong with the value."""


class UndoRefused(EditError):
    """Nothing to undo, or a later edit stands in the way: the state, not the request, is the obstacle."""

    status, exit_code, kind = 409, 1, "conflict"


@dataclass
class Saved:
    line_id: int
    field: str
    old: str | None
    new: str | None
    log_id: int
    change: Change

    @property
    def events(self) -> list[dict]:
        return [self.change.event()]

    def json(self) -> dict:
        return {"line_id": self.line_id, "field": self.field, "old": self.old, "new": self.new, "edit": self.log_id,
                "rev": self.change.rev}


def _value(field: str, text: object) -> tuple[object, str | None]:
    """(value to store, its text for the log) for what the seller typed; blank clears the edit."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, None
    if not isinstance(text, str | int | float):
        raise EditError.of("edit_value_not_text", field=field)
    if field in TEXT_FIELDS:
        value = str(text).strip()
        if len(value) > 128:
            raise EditError.of("edit_too_long", field=field, most=128)
        return value, value
    try:
        amount = parse_amount(str(text))
    except MoneyError:
        raise EditError.of("edit_not_amount", field=field, value=str(text)) from None
    if abs(amount) >= MAX_AMOUNT:  # before storage's own (far larger) limit: one sentence for every too large
        raise EditError.of("edit_too_large", field=field, value=str(text))
    if amount.scaleb(4) != amount.scaleb(4).to_integral_value():
        raise EditError.of("edit_too_many_decimals", field=field, value=str(amount))
    to_storage(amount)  # cannot refuse now: finite, at most 4 decimals, well inside the range
    if field != "settlement_price" and amount < 0:
        raise EditError.of("edit_cost_negative", field=field, value=str(text))
    return amount, fmt(amount) if amount == amount.quantize(Decimal("0.01")) else str(amount)


def _text(field: str, edit: LineEdit | None) -> str | None:
    if edit is None:
        return None
    value = getattr(edit, field)
    if value is None:
        return None
    return value if field in TEXT_FIELDS else (fmt(value) if value == value.quantize(Decimal("0.01")) else str(value))


def save(line_id: int, field: str, text: object) -> Saved:
    """In the writer's transaction: set (or with blank text, clear) one edited figure of a line."""
    if field not in FIELDS:
        raise EditError.of("edit_field_unknown", field=field, editable=", ".join(FIELDS))
    line = SettlementLine.get_or_none(SettlementLine.id == line_id)
    if line is None:
        raise EditError.of("edit_line_unknown", line=line_id)
    value, new_text = _value(field, text)
    return _apply(line.store_id, line.natural_key, field, value, new_text, line_id, None)


def _apply(store_id: int, key: str, field: str, value, new_text: str | None, line_id: int,
           undo_of: int | None) -> Saved:
    edit = LineEdit.get_or_none((LineEdit.store == store_id) & (LineEdit.natural_key == key))
    old_text = _text(field, edit)
    if edit is None:
        edit = LineEdit(store=store_id, natural_key=key)
    setattr(edit, field, value)
    edit.updated_at = now_utc()
    if all(getattr(edit, f) is None for f in FIELDS):
        if edit.id is not None:
            edit.delete_instance()
    else:
        edit.save()
    log = EditLog.create(store=store_id, natural_key=key, field=field, old=old_text, new=new_text, undo_of=undo_of)
    change = changes.record(Change("edit", edit.store.name if edit.store_id else None, updated=1))
    return Saved(line_id, field, old_text, new_text, log.id, change)


def undo(log_id: int | None = None) -> Saved:
    """Takes back one edit (by default the latest that was not taken back): its old value returns, and the
    undo is logged like any edit. Undos go back as a stack: two edits of one cell, two undos, the start."""
    query = EditLog.select().where((EditLog.undone == False) & (EditLog.undo_of.is_null()))  # noqa: E712
    entry = (query.where(EditLog.id == log_id) if log_id else query).order_by(EditLog.id.desc()).first()
    if entry is None:
        raise UndoRefused.of("undo_unknown", edit=log_id) if log_id else UndoRefused.of("undo_nothing")
    # A later edit of the same figure that still stands blocks this one. The entries that record undos do not:
    # an undo of a later edit put back the value this edit made, so undos unwind edits as a stack.
    later = (EditLog.select().where((EditLog.store == entry.store_id) & (EditLog.natural_key == entry.natural_key)
                                    & (EditLog.field == entry.field) & (EditLog.id > entry.id)
                                    & EditLog.undo_of.is_null()
                                    & (EditLog.undone == False)).exists())  # noqa: E712
    if later:
        raise UndoRefused.of("undo_later_edit_first", field=entry.field, edit=entry.id)
    value = None
    if entry.old is not None:
        value = entry.old if entry.field in TEXT_FIELDS else Decimal(entry.old)
    line = SettlementLine.get_or_none((SettlementLine.store == entry.store_id)
                                      & (SettlementLine.natural_key == entry.natural_key))
    entry.undone = True
    entry.save()
    return _apply(entry.store_id, entry.natural_key, entry.field, value, entry.old, line.id if line else 0, entry.id)


def history(limit: int = 50) -> list[dict]:
    """The log, newest first, each entry with the line it is about now (none after a reset), in one query."""
    line = SettlementLine.alias("line")
    rows = (EditLog.select(EditLog, line.id.alias("line_id"), line.order_id.alias("line_order"))
            .join(line, JOIN.LEFT_OUTER, on=((line.store == EditLog.store) & (line.natural_key == EditLog.natural_key)))
            .order_by(EditLog.id.desc()).limit(limit).objects())
    return [{"edit": r.id, "line_id": r.line_id, "order_id": r.line_order, "field": r.field, "old": r.old,
             "new": r.new, "at": r.at.isoformat(), "undo_of": r.undo_of, "undone": r.undone} for r in rows]


def for_lines(line_ids: list[int]) -> dict[int, LineEdit]:
    """line id → its edits, for a page of the expense tab."""
    if not line_ids:
        return {}
    rows = (LineEdit.select(LineEdit, SettlementLine.id.alias("line_id"))
            .join(SettlementLine, on=((LineEdit.store == SettlementLine.store)
                                      & (LineEdit.natural_key == SettlementLine.natural_key)))
            .where(SettlementLine.id.in_(line_ids)).objects())
    return {r.line_id: r for r in rows}


def any_edits() -> bool:
    return LineEdit.select().exists()


def corrections(basis: str, by: str, bounds: dict[int, tuple[int | None, int | None]],
                cuts: dict[int, list[int]]) -> list[Bucket]:
    """Buckets that turn the report's figures for edited lines into the edited ones, one per edited line in
    the report's range: an edited settlement price adds its difference to the settlement amount and to
    other income; an edited purchase price replaces the unit-cost purchase cost of the line (its units
    sold are taken back, the price is added); other fees add to the order's other fees."""
    if not bounds:
        return []
    t = _qualified(time_expr(basis))
    db = SettlementLine._meta.database
    cond, params = counted(basis, bounds, db.param, alias="l")
    sql = (f'SELECT "l"."store_id", "l"."currency", "l"."sku_id", "l"."msku", "l"."order_id", {t}, '
           f'"l"."status", "l"."quantity", "l"."settlement_amount", "l"."sales", "l"."promo_discount", '
           f'"l"."income_refund", "e"."settlement_price", "e"."purchase_price", "e"."other_fees" '
           f'FROM "{LineEdit._meta.table_name}" AS "e" JOIN "{SettlementLine._meta.table_name}" AS "l" '
           f'ON "l"."store_id" = "e"."store_id" AND "l"."natural_key" = "e"."natural_key" WHERE {cond}')
    out = []
    for (store_id, currency, sku, msku, order, when, status, qty, settlement, sales, promo, refund, price, cost,
         fees) in db.execute_sql(sql, params).fetchall():
        if price is None and cost is None and fees is None:
            continue
        sold = units_sold(qty, sales or 0, promo or 0, refund or 0)
        delta = (price - settlement) if price is not None else 0
        cats = [0] * len(PLATFORM)
        cats[_OTHER_INCOME] = delta
        # an unsettled line the platform shows no amount for is estimated from its SKU (order basis); an
        # edited price replaces that estimate: the correction takes the line's units back out of it
        unestimate = -qty if price is not None and status != SETTLED and settlement == 0 and sku else 0
        out.append(Bucket(store_id, currency, sku or None, (msku or None) if by == "msku" else None,
                          (order or None) if by == "order" else None,
                          bisect_right(cuts.get(store_id, []), when) if when is not None else 0,
                          status == SETTLED, 0, -sold if cost is not None and sku else 0, delta, tuple(cats),
                          zero_unsettled=unestimate, extra_cost=-cost if cost is not None else 0,
                          extra_fee=-fees if fees is not None else 0))
    return out


def _qualified(expr: str) -> str:
    return expr.replace('"settled_time"', '"l"."settled_time"').replace('"order_time"', '"l"."order_time"')

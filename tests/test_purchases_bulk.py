"""A purchase of many goods lines is stored whole: 10,000 items in one import pass SQLite's limit of variables
in one statement (32,766 by default since SQLite 3.32; Debian builds it higher, so the test sets the default),
8 columns a line, because they are inserted through bulk.insert_rows."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from peewee import SqliteDatabase, fn

from companion.ledger.money import to_storage
from companion.sources.model import Purchase, PurchaseItem
from companion.store import purchases
from companion.store.models import PurchaseItem as ItemRow
from companion.store.models import PurchaseLink
from companion.store.writer import run_inline

N = 10_000


def many(n: int, price: str) -> Purchase:
    items = tuple(PurchaseItem(f"SKU-{k:05d}", f"line {k}", k % 7 + 1, Decimal(price),
                               Decimal(price) * (k % 7 + 1), "") for k in range(n))
    goods = sum((i.amount for i in items), Decimal(0))
    sold = tuple(f"5769{k:014d}" for k in range(n))
    return Purchase("csv", "PO-BIG", "Yiwu Cups", "paid", "USD", goods, Decimal("0"), Decimal("0"), goods, items,
                    None, None, sold)


def stored() -> tuple:
    return ItemRow.select(fn.COUNT(ItemRow.id), fn.SUM(ItemRow.quantity), fn.SUM(ItemRow.amount),
                          fn.MAX(ItemRow.position)).tuples().get()


def test_ten_thousand_goods_lines_of_one_purchase_are_stored_and_replaced(db):
    if isinstance(db, SqliteDatabase):
        db.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)  # SQLite's own default
    p = many(N, "1.25")
    units = sum(k % 7 + 1 for k in range(N))  # 39,994
    assert run_inline(db, purchases.save, [p]).added == 1
    assert stored() == (N, units, to_storage(Decimal("1.25") * units), N - 1)
    assert PurchaseLink.select().count() == N
    first = ItemRow.select().where(ItemRow.position == 3).get()
    assert (first.sku, first.quantity, first.unit_price, first.amount) == ("SKU-00003", 4, Decimal("1.25"),
                                                                          Decimal("5.00"))
    assert run_inline(db, purchases.save, [many(N, "1.50")]).updated == 1  # captured again: replaced, not added
    assert stored() == (N, units, to_storage(Decimal("1.50") * units), N - 1)
    assert PurchaseLink.select().count() == N
    assert run_inline(db, purchases.save, [many(N, "1.50")]).skipped == 1

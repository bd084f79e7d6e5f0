"""The demo dataset a newcomer sees: several stores, months of settled and in-transit lines, real figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from peewee import fn

from companion.pipeline import demo
from companion.reports import reporting
from companion.store.models import SettlementLine, Store


def test_demo_populates_through_the_real_pipeline(db):
    today = date(2026, 11, 22)
    added = demo.populate_if_empty(db, today)
    assert added == SettlementLine.select().count() > 2000
    assert Store.select().count() == 3
    statuses = dict(SettlementLine.select(SettlementLine.status, fn.COUNT(SettlementLine.id))
                    .group_by(SettlementLine.status).tuples())
    assert set(statuses) == {"settled", "in_transit"} and statuses["in_transit"] > 50
    months = {ln.settled_time.strftime("%Y-%m") for ln in SettlementLine.select().where(
        SettlementLine.status == "settled")}
    assert len(months) >= 6
    assert demo.populate_if_empty(db, today) == 0  # only into an empty database

    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    rep = reporting.profit_report("this-month", now=now)
    assert len(rep["rows"]) == 3 and sorted(rep["totals_by_currency"]) == ["GBP", "USD"]
    total = sum((Decimal(r["settlement_amount"]) for r in rep["rows"] if r["currency"] == "USD"), Decimal(0))
    assert Decimal(rep["totals_by_currency"]["USD"]["settlement_amount"]) == total > 0
    order = reporting.profit_report("this-month", basis="order", now=now)
    assert Decimal(order["totals_by_currency"]["USD"]["settlement_amount"]) != total


def test_demo_is_deterministic():
    a = demo.captures(date(2026, 1, 31))
    b = demo.captures(date(2026, 1, 31))
    strip = [[(m["payload"]["request"]["url"], m["payload"]["body"]) for m in x] for x in (a, b)]
    assert strip[0] == strip[1]

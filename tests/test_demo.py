"""The demo dataset a newcomer sees: a named store, months of settled and in-transit orders with their fee
splits, SKU costs, and a default view with income, expenses, units, purchase cost and a margin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from peewee import fn

from companion.ledger.categories import PLATFORM
from companion.pipeline import demo
from companion.reports import reporting
from companion.store.models import SettlementLine, SkuCost, Store


def test_demo_populates_through_the_real_pipeline(db):
    today = date(2026, 11, 22)
    added = demo.populate_if_empty(db, today)
    assert added == SettlementLine.select().count() > 800
    assert sorted((s.platform, s.name) for s in Store.select()) == [
        ("shein", "SHEIN Trendy Shop"), ("temu", "Temu 家居旗舰店"), ("tiktok", "MugHouse US")]
    statuses = dict(SettlementLine.select(SettlementLine.status, fn.COUNT(SettlementLine.id))
                    .where(~SettlementLine.superseded).group_by(SettlementLine.status).tuples())
    assert set(statuses) == {"settled", "in_transit"} and statuses["in_transit"] > 20
    months = {ln.settled_time.strftime("%Y-%m") for ln in SettlementLine.select().where(
        SettlementLine.status == "settled")}
    assert len(months) >= 6
    assert demo.populate_if_empty(db, today) == 0  # only into an empty database

    # Every order's fee split replaces its order-list line, carries SKU and quantity, and adds up.
    tiktok = SettlementLine.select().join(Store).where(Store.platform == "tiktok")
    kept = [ln for ln in tiktok if not ln.superseded]
    assert kept and all(ln.detail == 2 and ln.sku_id and ln.quantity > 0 for ln in kept)
    assert all(sum((getattr(ln, c) for c in PLATFORM), Decimal(0)) == ln.settlement_amount for ln in kept)
    assert sum(ln.detail == 1 for ln in tiktok) == len(kept)  # the order-list lines, superseded
    products = [*demo.DEMO_STORES[0].products, *demo.TEMU_PRODUCTS, *demo.SHEIN_PRODUCTS]
    assert SkuCost.select().count() == sum(p.cost is not None for p in products) == len(products) - 2

    rep = reporting.profit_report("this-month", now=datetime(2026, 11, 22, 12, tzinfo=UTC))
    assert sorted(r["key"]["account"] for r in rep["rows"]) == ["MugHouse US", "SHEIN Trendy Shop", "Temu 家居旗舰店"]
    assert list(rep["totals_by_currency"]) == ["USD"]
    usd = rep["totals_by_currency"]["USD"]
    income, expense, cost, profit = (Decimal(usd[k]) for k in ("platform_income", "platform_expense", "cost",
                                                                "gross_profit"))
    assert usd["quantity"] > 0 and income > 0 and expense < 0 and cost < 0
    assert 0 < profit < income and Decimal("0.10") < profit / income < Decimal("0.35")
    assert profit == income + expense + cost
    assert sorted(rep["skus_without_cost"]) == sorted(p.sku_id for p in products if p.cost is None)
    for r in rep["rows"]:  # every store sells units at a margin
        assert r["quantity"] > 0 and 0 < Decimal(r["gross_profit"]) < Decimal(r["platform_income"]), r["key"]


def test_demo_is_deterministic():
    a = demo.captures(date(2026, 1, 31))
    b = demo.captures(date(2026, 1, 31))
    strip = [[(m["payload"]["request"]["url"], m["payload"]["body"]) for m in x] for x in (a, b)]
    assert strip[0] == strip[1]

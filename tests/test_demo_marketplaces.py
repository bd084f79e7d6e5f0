"""Issue #19 point 4 in the demo: a store on each of the five marketplaces read from files (Shopify, eBay,
Walmart, Shopee, AliExpress) comes in through the real import path, shows in the profit report's store rows and
completeness grid, and every one of its lines and stated totals reconciles (both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from companion.ledger.categories import PLATFORM
from companion.pipeline import demo
from companion.reports import reconcile, reporting
from companion.store.models import SettlementLine, Store

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
STORES = {"shopify": "Shopify Harbor Goods", "ebay": "eBay Mug Corner", "walmart": "Walmart Home Basics",
          "shopee": "Shopee Rattan Room", "aliexpress": "AliExpress Outdoor Gear"}
# what each export holds of a month: every report type completeness asks of the platform
REPORTS = {"shopify": ["orders", "payment_transactions"], "ebay": ["transaction_report"],
           "walmart": ["payment_report"], "shopee": ["income"], "aliexpress": ["fund_detail"]}


def test_each_marketplace_store_is_in_the_demo_and_reconciles(db):
    demo.populate_if_empty(db, TODAY)
    found = {s.platform: s for s in Store.select() if s.platform in STORES}
    assert {p: s.name for p, s in found.items()} == STORES
    assert found["shopee"].currency == "MYR" and found["shopee"].timezone == "Asia/Kuala_Lumpur"

    for platform, store in found.items():
        lines = list(SettlementLine.select().where(SettlementLine.store == store))
        assert len(lines) >= 10, platform
        for ln in lines:  # each line's categories add up to what the platform pays for it
            assert sum((getattr(ln, c) for c in PLATFORM), Decimal(0)) == ln.settlement_amount, (platform, ln.id)

    checks = [c for c in reconcile.run()["checks"] if c["account"] in STORES.values()]
    # every export states a total to check, but AliExpress's: its fund detail states one only once every row is
    # released, and the demo's last rows are still waiting
    assert {c["account"] for c in checks} == set(STORES.values()) - {"AliExpress Outdoor Gear"}
    assert [c["message"] for c in checks if not c["ok"]] == []

    rep = reporting.profit_report("2026-10", now=NOW)  # a whole month inside every export's 60 days
    by_store = {r["key"]["account"]: r for r in rep["rows"]}
    assert set(STORES.values()) <= set(by_store)
    assert all(Decimal(by_store[name]["platform_income"]) > 0 for name in STORES.values())
    grid = {c["account"]: c for c in rep["completeness"] if c["month"] == "2026-10"}
    for platform, name in STORES.items():
        assert (grid[name]["status"], grid[name]["present"]) == ("complete", REPORTS[platform]), name

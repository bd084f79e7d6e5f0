"""The demo dataset a newcomer sees: named stores, months of settled and in-transit orders with their fee
splits, SKU costs, and a default view with income, expenses, units, purchase cost and a margin; and every part
of issue #18 filled: the Sales, Payments and Taxes tabs, purchase records (a 1688 order export, some unpaid),
a SKU map, a moving-average store, first-leg and last-leg costs. The exact figures are what the generator
makes for 2026-11-22 (both databases)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

from peewee import fn

from companion.ledger.categories import PLATFORM
from companion.pipeline import demo
from companion.reports import purchase_notice, reporting
from companion.reports.payments import payments_report
from companion.reports.sales_report import sales_report
from companion.reports.taxes import tax_report
from companion.store import app_settings, costing
from companion.store.models import PurchaseLink, PurchaseOrder, SettlementLine, SkuCost, SkuMap, Store, UnitCharge
from companion.store.writer import run_inline

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def test_demo_populates_through_the_real_pipeline(db):
    today = TODAY
    added = demo.populate_if_empty(db, today)
    assert added == SettlementLine.select().count() > 800
    assert sorted((s.platform, s.name) for s in Store.select()) == [
        ("aliexpress", "AliExpress Outdoor Gear"), ("ebay", "eBay Mug Corner"), ("shein", "SHEIN Trendy Shop"),
        ("shopee", "Shopee Rattan Room"), ("shopify", "Shopify Harbor Goods"), ("temu", "Temu 家居旗舰店"),
        ("tiktok", "MugHouse US"), ("tiktok", "Tazas MX"), ("walmart", "Walmart Home Basics")]
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
    products = [*demo.DEMO_STORES[0].products, *demo.DEMO_STORES[1].products, *demo.TEMU_PRODUCTS,
                *demo.SHEIN_PRODUCTS]
    marketplace_skus = len(demo.demo_shopify.PRODUCTS) + len(demo.demo_ebay.PRODUCTS) + len(demo.demo_walmart.ITEMS)
    assert sum(p.cost is not None for p in products) == len(products) - 2
    assert SkuCost.select().count() == len(products) - 2 + marketplace_skus

    rep = reporting.profit_report("this-month", now=datetime(2026, 11, 22, 12, tzinfo=UTC))
    assert sorted(r["key"]["account"] for r in rep["rows"]) == [
        "AliExpress Outdoor Gear", "MugHouse US", "SHEIN Trendy Shop", "Shopee Rattan Room", "Shopify Harbor Goods",
        "Tazas MX", "Temu 家居旗舰店", "Walmart Home Basics", "eBay Mug Corner"]
    assert sorted(rep["totals_by_currency"]) == ["MXN", "MYR", "USD"]  # Tazas MX sells in pesos, Shopee in ringgit
    usd = rep["totals_by_currency"]["USD"]
    income, expense, cost, profit = (Decimal(usd[k]) for k in ("platform_income", "platform_expense", "cost",
                                                                "gross_profit"))
    assert usd["quantity"] > 0 and income > 0 and expense < 0 and cost < 0
    assert 0 < profit < income and Decimal("0.10") < profit / income < Decimal("0.35")
    assert profit == income + expense + Decimal(usd["tax"]) + cost  # Shopify's sales tax is the one tax in USD
    assert sorted(rep["skus_without_cost"]) == sorted(p.sku_id for p in products if p.cost is None)
    for r in rep["rows"]:  # every store sells at a margin, in units where its data counts them
        assert 0 < Decimal(r["gross_profit"]) < Decimal(r["platform_income"]), r["key"]
        no_units = r["key"]["account"].startswith(("Shopee", "AliExpress"))  # their exports hold no quantity
        assert (r["quantity"] == 0) if no_units else (r["quantity"] > 0), r["key"]


def test_demo_is_deterministic():
    a = demo.captures(date(2026, 1, 31))
    b = demo.captures(date(2026, 1, 31))
    strip = [[(m["payload"]["request"]["url"], m["payload"]["body"]) for m in x] for x in (a, b)]
    assert strip[0] == strip[1]


def test_the_demo_fills_sales_payments_taxes_purchases_and_logistics(db):
    demo.populate_if_empty(db, TODAY)

    # Sales tab: every store's lines, settlement basis, all time
    sales = sales_report("all", now=NOW)["totals_by_currency"]
    assert {c: (t["orders"], t["units"], t["net_sales"], t["taxes"], t["total_sales"]) for c, t in sales.items()} == {
        "MXN": (145, 185, "51176.85", "-4632.69", "46544.16"), "MYR": (52, 0, "3808.20", "0.00", "4025.00"),
        "USD": (1136, 1386, "19976.21", "36.61", "21245.35")}

    # Payments tab: a statement a settlement day for each TikTok store, each reconciled with its lines; the last
    # two processing, the fifth from last failed (on hold), and each store's unsettled lines on hold
    pay = payments_report("all", now=NOW)
    statements = [r for r in pay["rows"] if r["kind"] == "statement" and r["platform"] == "tiktok"]
    assert len(statements) == 152 + 92 and all(r["check"] == "ok" and r["difference"] == "0.00" for r in statements)
    assert sorted((r["account"], r["ref"], r["amount"]) for r in statements if r["source_status"] == "FAILED"
                  and r["status"] == "on_hold") == [("MugHouse US", "ST000120261117", "37.31"),
                                                    ("Tazas MX", "ST000220261116", "159.10")]
    held = {r["account"]: (r["lines"], r["lines_amount"]) for r in pay["rows"] if r["kind"] == "on_hold"}
    assert held == {"MugHouse US": (32, "540.03"), "Tazas MX": (11, "2364.02"), "AliExpress Outdoor Gear": (3, "70.64"),
                    "Shopify Harbor Goods": (10, "144.97"), "eBay Mug Corner": (17, "61.07")}
    assert [(t["currency"], t["status"], t["payouts"], t["amount"], t["lines_amount"]) for t in pay["totals"]] == [
        ("MXN", "paid", 89, "37869.02", "37869.02"), ("MXN", "processing", 2, "579.60", "579.60"),
        ("MXN", "on_hold", 2, "159.10", "2523.12"), ("USD", "paid", 509, "7484.20", "13682.14"),
        ("USD", "processing", 2, "181.04", "181.04"), ("USD", "on_hold", 5, "37.31", "854.02")]
    assert pay["unreconciled"] == 0

    # Taxes tab: the IVA and ISR TikTok Shop Mexico withholds, as withheld taxes
    tax = tax_report("all", now=NOW)
    # (and the file-only stores' sales tax: Shopify's the seller collects, eBay's and Walmart's the marketplace
    # collects and remits, so they net to nothing or less)
    assert [(r["account"], r["region"], r["currency"], r["total"], r["taxed_lines"]) for r in tax["rows"]] == [
        ("Shopify Harbor Goods", "", "USD", "50.98", 23), ("Tazas MX", "MX", "MXN", "-4632.69", 151),
        ("Walmart Home Basics", "US", "USD", "0.00", 9), ("eBay Mug Corner", "", "USD", "-14.37", 5)]
    assert [(f["type"], f["name"], f["amount"], f["lines"]) for f in tax["rows"][1]["fields"]] == [
        ("withheld", "ISR withheld", "-1103.22", 151), ("withheld", "IVA withheld", "-3529.47", 151)]

    # Purchases: the Temu store's 1688 export (one purchase per PO, linked by the buyer's remark; the latest three
    # unpaid), the SHEIN store's restocks; the SKU map; SHEIN on moving-average costing
    by_source = Counter((p.source, p.status) for p in PurchaseOrder.select())
    assert by_source == {("1688", "received"): 62, ("1688", "shipped"): 4, ("1688", "unpaid"): 3, ("csv", "paid"): 7}
    assert PurchaseLink.select().count() == 69
    assert sorted(SkuMap.select(SkuMap.supplier_sku, SkuMap.sku_id).tuples()) == [
        (i.supplier_sku, i.sku_id) for i in demo.SUPPLIER_ITEMS]
    methods = {c["account"]: c["method"] for c in costing.listing()}
    assert {a for a, m in methods.items() if m != "fixed"} == {"SHEIN Trendy Shop"} and len(methods) == 9
    assert methods["SHEIN Trendy Shop"] == "moving_average"
    assert purchase_notice.unpaid("all", now=NOW)["message"] is None  # the notice is off by default
    run_inline(db, app_settings.save, {"payment_notice_1688": "manual"})
    notice = purchase_notice.unpaid("this-month", now=NOW)
    assert (notice["count"], notice["orders"]) == (3, 3)
    assert all(p["source"] == "1688" and p["sold_orders"][0].startswith("PO-211-2611") for p in notice["purchases"])

    # Logistics: MugHouse US's two head-haul shipments, Tazas MX's last mile; the profit tab's columns
    assert UnitCharge.select().count() == 2 * 10 + 4
    rep = reporting.profit_report("all", now=NOW)
    legs = {r["key"]["account"]: (r["categories"]["purchase_cost"], r["categories"]["first_leg_cost"],
                                  r["categories"]["last_leg_cost"], r["gross_profit"]) for r in rep["rows"]}
    legs = {a: v for a, v in legs.items() if a in ("MugHouse US", "SHEIN Trendy Shop", "Tazas MX", "Temu 家居旗舰店")}
    assert legs == {"MugHouse US": ("-4369.14", "-445.70", "0.00", "1921.92"),
                    "SHEIN Trendy Shop": ("-2067.92", "0.00", "0.00", "892.29"),
                    "Tazas MX": ("-23902.00", "0.00", "-8064.00", "6641.72"),
                    "Temu 家居旗舰店": ("-2355.50", "0.00", "0.00", "1547.10")}
    assert Decimal(legs["Tazas MX"][2]) == -192 * demo.LAST_LEG_MX  # 192 units sold at 42.00 MXN

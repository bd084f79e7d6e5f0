"""A Shopify store with taxed orders beside a TikTok store with a taxed line, for the sales-tax choice's tests
(tests/test_sales_tax.py, tests/browser/test_sales_tax_view.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from companion.sources.model import SETTLED, SKU_SPLIT, Line, SourceField, StoreRef
from tests.support.shopify import orders_table, txn_table
from tests.support.tables import csv_bytes

SHOPIFY = "Shopify DemoShop"
TIKTOK = StoreRef("tiktok", "7495", "US", "TikTok US Mugs", "USD", "America/Los_Angeles")
ORDERS_NAME = "Shopify_DemoShop_Orders_2026-10.csv"
TXNS_NAME = "Shopify_DemoShop_Payouts_2026-10.csv"


def shopify_files() -> list[tuple[str, bytes]]:
    """The orders export (sales 134.00, sales_tax 8.04 over four orders) and the payouts export (fees, a
    dispute and an adjustment with no order, which the report by order spreads by sales)."""
    return [(ORDERS_NAME, csv_bytes(orders_table())), (TXNS_NAME, csv_bytes(txn_table()))]


def tiktok_line() -> Line:
    """A TikTok line with a sales tax of its own: 20.00 of sales, 1.60 of tax."""
    return Line(store=TIKTOK, key=("t", "1"), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=Decimal("21.60"), amounts={"sales": Decimal("20.00"), "sales_tax": Decimal("1.60")},
                fields=[SourceField("Gross sales", Decimal("20.00"), "sales"),
                        SourceField("Sales tax", Decimal("1.60"), "sales_tax")],
                order_id="576900001", sku_id="MUG-1", sku_name="Mug", quantity=1,
                order_time=datetime(2026, 10, 2, 12, tzinfo=UTC), settled_time=datetime(2026, 10, 6, tzinfo=UTC),
                reference="576900001", detail=SKU_SPLIT, statement_id="ST1")

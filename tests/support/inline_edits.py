"""Inline edits over a real database, as the API tests make them: two October lines of a Los Angeles store
(SKU-A costing 4.00 a unit, SKU-B 3.00), the expense page, and an edit through POST /api/edits."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from companion.pipeline import seller_figures
from companion.sources.model import SETTLED, SKU_SPLIT, Line, StoreRef
from companion.store import settlements

US = StoreRef("tiktok", "7495", "US", "TikTok US Mugs", "USD", "America/Los_Angeles")


def line(n, amount, sales, qty, sku):
    return Line(store=US, key=("t", str(n)), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=Decimal(amount), amounts={"sales": Decimal(sales),
                                                            "platform_fee": Decimal(amount) - Decimal(sales)},
                order_id=f"O{n}", sku_id=sku, sku_name=f"Mug {sku}", quantity=qty,
                order_time=datetime(2025, 10, 2, 12, tzinfo=UTC), settled_time=datetime(2025, 10, 9, 12, tzinfo=UTC),
                reference=f"O{n}", detail=SKU_SPLIT, statement_id="S1")


async def seed(service) -> None:
    lines = [line(1, "20.00", "25.00", 2, "SKU-A"), line(2, "9.00", "10.00", 1, "SKU-B")]
    await service.writer.run(settlements.apply_lines, lines, "seed", "import")
    costs = b"sku_id,unit_cost,currency\r\nSKU-A,4.00,USD\r\nSKU-B,3.00,USD\r\n"
    await service.writer.run(seller_figures.save, "costs", seller_figures.read("costs", "costs.csv", costs))


def H(client):
    return {"Host": f"127.0.0.1:{client.port}", "Origin": f"http://127.0.0.1:{client.port}"}


async def page(client):
    resp = await client.get("/api/expenses?period=2025-10&sort=order_id&dir=asc", headers=H(client))
    assert resp.status == 200, await resp.text()
    return (await resp.json())["rows"]


async def edit(client, line_id, field, value, status=200):
    resp = await client.post("/api/edits", json={"line_id": line_id, "field": field, "value": value}, headers=H(client))
    body = await resp.json()
    assert resp.status == status, body
    return body

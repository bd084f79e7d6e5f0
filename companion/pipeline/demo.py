"""A generated demo dataset: several stores, months of settled and in-transit lines, through the real pipeline.

Each simulated day becomes the captures the extension would have sent that day (the seller center's
order list, settled and on-hold tabs), so the demo exercises the same adapter and store code as real use.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from peewee import Database

from companion.pipeline import ingest
from companion.store.models import SettlementLine
from companion.store.writer import run_inline

DEMO_STORES = (
    # host, oec_seller_id, currency, orders per day (low, high), price range
    ("seller-us.tiktok.com", "7495100000000000001", "USD", (6, 18), (8, 60)),
    ("seller-uk.tiktok.com", "7495200000000000002", "GBP", (2, 9), (6, 45)),
    ("seller.tiktokglobalshop.com", "7495300000000000003", "USD", (4, 12), (5, 30)),
)
DAYS = 180
SETTLE_AFTER_DAYS = 12  # orders settle about this long after they are placed


def _order_list_capture(host: str, seller_id: str, rows: list[dict], on_hold: bool, when: datetime) -> dict:
    status = "1" if on_hold else "2"
    url = (f"https://{host}/api/v1/pay/statement/order/list?oec_seller_id={seller_id}&pagination_type=1"
           f"&from=0&size={len(rows)}&settlement_status={status}")
    return {
        "type": "capture", "id": str(uuid.uuid4()), "site": "tiktok",
        "url": f"https://{host}/finance/bills?tab=overview", "captured_at": when.isoformat(), "kind": "json",
        "payload": {"request": {"method": "GET", "url": url, "body": None}, "status": 200,
                    "body": {"code": 0, "message": "success", "data": {
                        "total_record": len(rows), "search_next_has_more": False, "order_records": rows}}},
    }


def _row(rng: random.Random, n: int, seller_id: str, placed: datetime, currency: str, price: tuple[int, int],
         on_hold: bool) -> dict:
    cents = rng.randint(price[0] * 100, price[1] * 100)
    refund = not on_hold and rng.random() < 0.06
    amount = Decimal(cents).scaleb(-2) * (Decimal("-0.9") if refund else Decimal("0.82"))
    amount = amount.quantize(Decimal("0.01"))
    order_id = f"{seller_id[-4:]}{placed:%y%m%d}{n:05d}"
    row = {
        "statement_detail_id": f"SD{order_id}", "reference_id": order_id, "trade_order_id": order_id,
        "placed_time": int(placed.timestamp() * 1000), "trade_type": "Refund" if refund else "Order",
        "settlement_amount": {"amount": str(amount), "currency": currency},
        "settlement_status": 1 if on_hold else 2,
    }
    if on_hold:
        row["to_settle_reason"] = rng.choice([1, 3])
        row["estimate_settle_time"] = int((placed + timedelta(days=SETTLE_AFTER_DAYS)).timestamp() * 1000)
    else:
        row["statement_id"] = f"ST{seller_id[-4:]}{(placed + timedelta(days=SETTLE_AFTER_DAYS)):%Y%m%d}"
    return row


def captures(today: date, seed: int = 20251) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for host, seller_id, currency, per_day, price in DEMO_STORES:
        by_settle_day: dict[date, list[dict]] = {}
        on_hold: list[dict] = []
        for back in range(DAYS, -1, -1):
            day = today - timedelta(days=back)
            for n in range(rng.randint(*per_day)):
                placed = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59)), UTC)
                settle_day = day + timedelta(days=SETTLE_AFTER_DAYS + rng.randint(-3, 3))
                if settle_day < today:
                    by_settle_day.setdefault(settle_day, []).append(
                        _row(rng, n, seller_id, placed, currency, price, False))
                else:
                    on_hold.append(_row(rng, n, seller_id, placed, currency, price, True))
        for day, rows in sorted(by_settle_day.items()):
            when = datetime.combine(day, time(20, 0), UTC)
            out.append(_order_list_capture(host, seller_id, rows, False, when))
        if on_hold:
            out.append(_order_list_capture(host, seller_id, on_hold, True, datetime.now(UTC)))
    return out


def populate_if_empty(db: Database, today: date | None = None) -> int:
    """Fill an empty database with the demo dataset; returns the number of lines added."""
    if SettlementLine.select().exists():
        return 0
    added = 0
    for msg in captures(today or datetime.now(UTC).date()):
        prepared = ingest.prepare(ingest.prepare_capture(msg))
        added += run_inline(db, ingest.commit, prepared).added
    return added

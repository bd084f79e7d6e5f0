"""Builders for protocol messages and seller-center responses used across tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.conftest import EXT_ORIGIN, TOKEN

HOST = "seller-us.tiktok.com"
SELLER = "7495100000000000001"


def order_row(n: int, amount: str, status: int = 2, currency: str = "USD", trade_type: str = "Order",
              placed_ms: int = 1_761_955_200_000) -> dict:
    oid = f"5769{n:012d}"
    return {
        "statement_detail_id": f"SD{oid}", "reference_id": oid, "trade_order_id": oid,
        "placed_time": placed_ms + n * 1000, "trade_type": trade_type,
        "settlement_amount": {"amount": amount, "currency": currency}, "settlement_status": status,
    }


def order_list_capture(rows: list[dict], *, seller: str = SELLER, host: str = HOST, on_hold: bool = False,
                       capture_id: str | None = None, captured_at: str | None = None) -> dict:
    url = (f"https://{host}/api/v1/pay/statement/order/list?oec_seller_id={seller}&pagination_type=1"
           f"&from=0&size={len(rows)}&settlement_status={'1' if on_hold else '2'}&token=SECRET&sign=SIG")
    return {
        "type": "capture", "id": capture_id or str(uuid.uuid4()), "site": "tiktok",
        "url": f"https://{host}/finance/bills?tab=overview&subTab=on-hold",
        "captured_at": captured_at or datetime.now(UTC).isoformat(), "kind": "json",
        "payload": {"request": {"method": "GET", "url": url, "body": None}, "status": 200,
                    "body": {"code": 0, "message": "success", "data": {
                        "total_record": len(rows), "search_next_has_more": False, "order_records": rows}}},
    }


def hello(token: str = TOKEN) -> dict:
    return {"type": "hello", "protocol": 1, "token": token, "extension_version": "0.1.0"}


def ext_headers(port: int) -> dict:
    return {"Origin": EXT_ORIGIN, "Host": f"127.0.0.1:{port}"}


def view_headers(port: int) -> dict:
    return {"Origin": f"http://127.0.0.1:{port}", "Host": f"127.0.0.1:{port}"}

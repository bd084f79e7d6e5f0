"""Builders of what the extension sends and what seller centers answer: protocol messages, the request
headers of the extension and of the Finance view, TikTok order-list and Temu fund-detail captures; the two
stores the Finance view tests share."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from companion.sources.model import StoreRef
from tests.support import EXT_ORIGIN, TOKEN

HOST = "seller-us.tiktok.com"
SELLER = "7495100000000000001"
LA = StoreRef("tiktok", "7495", "US", "TikTok US Mugs", "USD", "America/Los_Angeles")
SH = StoreRef("temu", "6344", "US", "Temu 磁带店", "USD", "Asia/Shanghai")


# protocol messages and headers ---------------------------------------------------------------------------
def hello(token: str = TOKEN) -> dict:
    return {"type": "hello", "protocol": 1, "token": token, "extension_version": "0.1.0"}


def ext_headers(port: int) -> dict:
    return {"Origin": EXT_ORIGIN, "Host": f"127.0.0.1:{port}"}


def view_headers(port: int) -> dict:
    return {"Origin": f"http://127.0.0.1:{port}", "Host": f"127.0.0.1:{port}"}


# TikTok: the order list of the finance bills page ------------------------------------------------------
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


# Temu: the fund-detail calls of Seller Center -----------------------------------------------------------
TEMU_CAPTURED = datetime(2025, 10, 6, 12, 0, tzinfo=UTC)
TEMU_MALL = "634418216263713"
TEMU_FUND = "/api/merchant/fund/detail/pageSearch"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_ms(text: str) -> int:
    """A GMT+8 wall time as epoch milliseconds, as the page sends it."""
    when = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    return int(when.timestamp()) * 1000


def temu_capture(path: str, result: dict | None, *, body: dict | None = None, host: str = "agentseller-us.temu.com",
                 mall: str | None = TEMU_MALL, envelope: dict | None = None) -> dict:
    """A capture message as the extension sends it (order_list_capture is TikTok's)."""
    headers = {"content-type": "application/json", **({"mallid": mall} if mall else {})}
    response = envelope or {"success": True, "errorCode": 1000000, "errorMsg": None, "result": result}
    return {
        "type": "capture", "id": str(uuid.uuid4()), "site": "temu", "url": f"https://{host}/labor/bill",
        "captured_at": TEMU_CAPTURED.isoformat(), "kind": "json",
        "payload": {"request": {"method": "POST", "url": f"https://{host}{path}", "headers": headers,
                                "body": body or {}}, "status": 200, "body": response},
    }


def temu_fund_row(when: str, kind: str, amount, change: int, currency: str = "USD", **more) -> dict:
    return {"transactionTime": shanghai_ms(when), "fundTypeDesc": kind, "currencyType": currency, "amount": amount,
            "moneyChangeType": change, "remark": "", **more}


def tiktok_capture(path: str, data: dict, *, at: datetime | None = None, query: str = "") -> dict:
    """A capture of one TikTok seller-center finance answer (`{code, message, data}`) fetched from `path`."""
    url = f"https://{HOST}{path}?oec_seller_id={SELLER}{'&' + query if query else ''}"
    when = at or datetime(2025, 11, 2, 8, 0, tzinfo=UTC)
    return {"type": "capture", "id": str(uuid.uuid4()), "site": "tiktok", "url": f"https://{HOST}/finance/bills",
            "captured_at": when.isoformat(), "kind": "json",
            "payload": {"request": {"method": "GET", "url": url, "body": None}, "status": 200,
                        "body": {"code": 0, "message": "success", "data": data}}}


def usd(amount: str) -> dict:
    """TikTok's money object."""
    return {"amount": amount, "currency": "USD"}

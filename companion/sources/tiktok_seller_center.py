"""TikTok Seller Center internal JSON, as the finance pages fetch it.

`/api/v1/pay/statement/order/list`: one row per order (or adjustment) and statement, settled or on
hold. Rows carry only the net settlement amount; the fee split arrives with `transaction/detail`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from companion.ledger.money import MoneyError, parse_amount
from companion.sources.model import (
    IN_TRANSIT,
    SETTLED,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    SourceInput,
    StoreRef,
)
from companion.sources.urls import query_params

PLATFORM = "tiktok"
ORDER_LIST_PATH = "/api/v1/pay/statement/order/list"

# Seller Center host → (region, default time zone for counting the store's days).
_HOSTS: dict[str, tuple[str, str]] = {
    "seller-us.tiktok.com": ("US", "America/Los_Angeles"),
    "seller-uk.tiktok.com": ("GB", "Europe/London"),
    "seller.us.tiktokshopglobalselling.com": ("US-CB", "America/Los_Angeles"),
    "seller.tiktokglobalshop.com": ("CB", "Asia/Shanghai"),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ON_HOLD = "1"  # settlement_status 1 = on hold / to settle
_TO_SETTLE_REASONS = {"1": "waiting for delivery", "3": "delivered, awaiting settlement"}
# Money objects in a row that are other views of the same money: kept for drill-down, never summed.
_KEPT_MONEY = ("earning_amount", "fees")


def region_of(host: str) -> tuple[str, str]:
    host = host.lower()
    if host in _HOSTS:
        return _HOSTS[host]
    if host.startswith("seller-") and host.endswith(".tiktok.com"):
        code = host[len("seller-") : -len(".tiktok.com")].upper()
        return ("GB" if code == "UK" else code), "UTC"
    return "", "UTC"


def _ms(value: object) -> datetime | None:
    if value is None or value == "" or value == 0 or value == "0":
        return None
    try:
        return _EPOCH + timedelta(0, 0, int(value if isinstance(value, int) else str(value)) * 1000)
    except (TypeError, ValueError, OverflowError) as exc:
        raise SourceError(f"time {value!r} is not a millisecond timestamp") from exc


def _money(row: dict, key: str) -> tuple[Decimal, str] | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SourceError(f"{key} is not an {{amount, currency}} object")
    try:
        return parse_amount(value.get("amount")), str(value.get("currency") or "")
    except MoneyError as exc:
        raise SourceError(f"{key}: {exc}") from exc


def _text(value: object) -> str:
    """IDs stay text; a JSON number ID is rendered without float formatting."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, float):
        raise SourceError(f"ID {value!r} arrived as a float and may have lost digits")
    return str(value)


class OrderList:
    name = "tiktok.seller_center.order_list"
    version = 1

    def recognizes(self, src: SourceInput) -> bool:
        if src.kind != "json" or not isinstance(src.payload, dict):
            return False
        request = src.payload.get("request") or {}
        path = urlsplit(str(request.get("url") or "")).path
        body = src.payload.get("body")
        return (
            path.endswith(ORDER_LIST_PATH)
            and isinstance(body, dict)
            and isinstance(body.get("data"), dict)
            and "order_records" in body["data"]
        )

    def parse(self, src: SourceInput) -> ParseResult:
        request_url = str(src.payload["request"].get("url") or "")
        body = src.payload["body"]
        if body.get("code") not in (0, "0"):
            raise SourceError(f"order list answered code {body.get('code')!r}: {body.get('message', '')}".strip())
        params = query_params(request_url)
        seller_id = params.get("oec_seller_id") or query_params(src.url).get("oec_seller_id")
        if not seller_id:
            raise SourceError("order list request has no oec_seller_id, so the store is unknown")
        host = urlsplit(request_url).netloc or urlsplit(src.url).netloc
        region, tz = region_of(host)
        records = body["data"].get("order_records") or []
        if not isinstance(records, list):
            raise SourceError("data.order_records is not a list")
        lines: list[Line] = []
        store: StoreRef | None = None  # one per capture; its currency is the first row's
        default_status = _text(params.get("settlement_status"))
        for index, row in enumerate(records):
            if not isinstance(row, dict):
                raise SourceError(f"order_records[{index}] is not an object")
            try:
                line = _line(row, default_status, src.captured_at)
            except SourceError as exc:
                raise SourceError(f"order_records[{index}]: {exc}") from exc
            if store is None:
                store = StoreRef(PLATFORM, seller_id, region, f"TikTok {region or 'Shop'} {seller_id}",
                                 line.currency, tz)
            line.store = store
            lines.append(line)
        stated = {
            "total_record": body["data"].get("total_record"),
            "has_more": body["data"].get("search_next_has_more"),
            "offset": params.get("from"),
        }
        return ParseResult(self.name, self.version, lines, stated)


_EXTRA_KEYS = ("statement_detail_id", "statement_id", "payment_id", "payment_status", "to_settle_reason")
_NO_STORE = StoreRef(PLATFORM, "")  # replaced by the capture's store once the first row is read


def _line(row: dict, default_status: str, captured_at: datetime) -> Line:
    order_id = _text(row.get("trade_order_id"))
    reference = _text(row.get("reference_id")) or order_id or _text(row.get("statement_detail_id"))
    if not reference:
        raise SourceError("row has neither reference_id, trade_order_id nor statement_detail_id")
    money = _money(row, "settlement_amount")
    if money is None:
        raise SourceError("row has no settlement_amount")
    amount, currency = money
    if not currency:
        raise SourceError("settlement_amount has no currency")
    status = row.get("settlement_status")
    status_raw = _text(status) if status else default_status
    settled = status_raw != ON_HOLD
    txn_type = _text(row.get("trade_type")) or "order"
    fields = [SourceField("settlement_amount", amount, "sales", True)]
    for key in _KEPT_MONEY:
        if key in row:
            other = _money(row, key)
            if other is not None:
                fields.append(SourceField(key, other[0], None, True))
    extra = {}
    for key in _EXTRA_KEYS:
        value = row.get(key)
        if value is not None and value != "":
            extra[key] = _text(value)
    if "to_settle_reason" in extra:
        extra["to_settle_reason_text"] = _TO_SETTLE_REASONS.get(extra["to_settle_reason"], "")
    if "estimate_settle_time" in row:
        estimate = _ms(row["estimate_settle_time"])
        if estimate:
            extra["estimate_settle_time"] = estimate.isoformat()
    if "delivery_time" in row:
        delivered = _ms(row["delivery_time"])
        if delivered:
            extra["delivery_time"] = delivered.isoformat()
    return Line(
        store=_NO_STORE,
        key=("order_list", reference, txn_type),
        status=SETTLED if settled else IN_TRANSIT,
        txn_type=txn_type,
        currency=currency,
        settlement_amount=amount,
        amounts={"sales": amount},
        fields=fields,
        order_id=order_id or None,
        order_time=_ms(row.get("placed_time")),
        # Rows carry no settlement time: the capture time stands in until the statement arrives.
        settled_time=captured_at if settled else None,
        settled_time_approx=settled,
        extra=extra,
    )


ADAPTERS = (OrderList(),)

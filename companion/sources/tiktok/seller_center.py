"""TikTok Seller Center internal JSON, as the finance pages fetch it.

- `/api/v1/pay/statement/order/list`: one row per order (or adjustment) and statement, settled or on hold.
  Rows carry only the net settlement amount (NET lines); the list's total_record is stated so an incomplete
  sync shows.
- `/api/v1/pay/statement/transaction/detail`: the fee split of one order or adjustment (a SPLIT line that
  supersedes the order list's NET line of the same reference).
- `/api/v1/pay/statement/stat/info`: the on-hold total and its reasons (stated totals only).
- `/api/v1/pay/statement/list/detail`: the statements, with their settlement amounts (stated totals only).

The store is the request's `oec_seller_id`; region and time zone come from the host.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from companion.errors import coded
from companion.ledger.money import MoneyError, parse_amount
from companion.sources.mapping import INFO, Book, Table, marked, table, with_mark
from companion.sources.model import (
    IN_TRANSIT,
    SETTLED,
    SPLIT,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    SourceInput,
    Stated,
    StoreRef,
)
from companion.sources.tiktok.exports import LOCAL_SHOPS
from companion.sources.tiktok.fields import PLATFORM, UNSETTLED_FAMILY, adjustment_category, canonical, known
from companion.sources.tiktok.money import EPOCH, Money, answered, instant, money_of, split, statement_scope
from companion.sources.urls import query_params

ORDER_LIST_PATH = "/api/v1/pay/statement/order/list"
STAT_INFO_PATH = "/api/v1/pay/statement/stat/info"
TRANSACTION_DETAIL_PATH = "/api/v1/pay/statement/transaction/detail"
STATEMENT_LIST_PATH = "/api/v1/pay/statement/list/detail"

# Seller Center host → (region, default time zone for counting the store's days).
_HOSTS: dict[str, tuple[str, str]] = {
    "seller-us.tiktok.com": ("US", "America/Los_Angeles"),
    "seller-uk.tiktok.com": ("GB", "Europe/London"),
    "seller.us.tiktokshopglobalselling.com": ("US-CB", "America/Los_Angeles"),
    "seller.tiktokglobalshop.com": ("CB", "Asia/Shanghai"),
}
ON_HOLD = "1"  # settlement_status 1 = on hold / to settle
_TO_SETTLE_REASONS = {"1": "waiting for delivery", "3": "delivered, awaiting settlement"}
# An order list row: its net settlement amount stands for the order (under sales, flagged: it is net of every
# fee) until a fee split of the same order supersedes it; its other money objects are other views of the same
# money: kept for drill-down, never summed.
_NET = Book("sales", mapped=False)
ORDER_LIST: Table = table({"settlement_amount": _NET}, marked(INFO, "earning_amount", "fees"))


_LOCAL_ZONES = {region: zone for region, zone, _ in LOCAL_SHOPS.values()}  # seller-vn.tiktok.com: Vietnam's days


def region_of(host: str) -> tuple[str, str]:
    host = host.lower()
    if host in _HOSTS:
        return _HOSTS[host]
    if host.startswith("seller-") and host.endswith(".tiktok.com"):  # a local shop's own seller center
        code = host[len("seller-") : -len(".tiktok.com")].upper()
        region = "GB" if code == "UK" else code
        return region, _LOCAL_ZONES.get(region, "UTC")
    return "", "UTC"


def _ms(value: object) -> datetime | None:
    if value is None or value == "" or value == 0 or value == "0":
        return None
    try:
        return EPOCH + timedelta(0, 0, int(value if isinstance(value, int) else str(value)) * 1000)
    except (TypeError, ValueError, OverflowError) as exc:
        raise SourceError.of("tiktok_not_ms_time", value=value) from exc


def _money(row: dict, key: str) -> tuple[Decimal, str] | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SourceError.of("tiktok_not_money_object", name=key)
    try:
        return parse_amount(value.get("amount")), str(value.get("currency") or "")
    except MoneyError as exc:
        raise SourceError.of("tiktok_at", where=key, problem=coded(exc.code, exc.params, exc.message)) from exc


def _text(value: object) -> str:
    """IDs stay text; a JSON number ID is rendered without float formatting."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, float):
        raise SourceError.of("tiktok_id_lost_digits", what="ID", value=value, type="float")
    return str(value)


class OrderList:
    name = "tiktok.seller_center.order_list"
    version = 2  # 2: states the list's total_record (a "listing" total); lines name their reference and statement

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
            raise answered("order list", body)
        params = query_params(request_url)
        seller_id = params.get("oec_seller_id") or query_params(src.url).get("oec_seller_id")
        if not seller_id:
            raise SourceError.of("tiktok_no_seller_id", what="order list")
        host = urlsplit(request_url).netloc or urlsplit(src.url).netloc
        region, tz = region_of(host)
        records = body["data"].get("order_records") or []
        if not isinstance(records, list):
            raise SourceError.of("tiktok_not_a_list", where="data.order_records")
        lines: list[Line] = []
        store: StoreRef | None = None  # one per capture; its currency is the first row's
        default_status = _text(params.get("settlement_status"))
        for index, row in enumerate(records):
            if not isinstance(row, dict):
                raise SourceError.of("tiktok_not_an_object", where=f"order_records[{index}]")
            try:
                line = _line(row, default_status, src.captured_at)
            except SourceError as exc:
                raise SourceError.of("tiktok_at", where=f"order_records[{index}]", problem=exc.said()) from exc
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
        if store is None:
            store = StoreRef(PLATFORM, seller_id, region, f"TikTok {region or 'Shop'} {seller_id}", "", tz)
        totals = []
        count = _count(body["data"].get("total_record"))
        if count is not None:  # how many records the whole list has: fewer stored means pages were missed
            scope = (("settlement_status", default_status),) if default_status else ()
            totals.append(Stated(store, "listing", "", None, store.currency, src.captured_at, count, scope))
        return ParseResult(self.name, self.version, lines, stated, totals, "order_list")


_EXTRA_KEYS = ("statement_detail_id", "statement_id", "payment_id", "payment_status", "to_settle_reason")
_NO_STORE = StoreRef(PLATFORM, "")  # replaced by the capture's store once the first row is read


def _line(row: dict, default_status: str, captured_at: datetime) -> Line:
    order_id = _text(row.get("trade_order_id"))
    reference = _text(row.get("reference_id")) or order_id or _text(row.get("statement_detail_id"))
    if not reference:
        raise SourceError.of("tiktok_row_no_reference")
    money = _money(row, "settlement_amount")
    if money is None:
        raise SourceError.of("tiktok_row_no_settlement_amount")
    amount, currency = money
    if not currency:
        raise SourceError.of("tiktok_no_currency", where="settlement_amount")
    status = row.get("settlement_status")
    status_raw = _text(status) if status else default_status
    settled = status_raw != ON_HOLD
    txn_type = _text(row.get("trade_type")) or "order"
    category = _NET.category_for(amount)
    fields = [SourceField("settlement_amount", amount, category, not _NET.mapped)]
    for key in with_mark(ORDER_LIST, INFO):
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
        amounts={category: amount},
        fields=fields,
        order_id=order_id or None,
        order_time=_ms(row.get("placed_time")),
        # Rows carry no settlement time: the capture time stands in until the statement arrives.
        settled_time=captured_at if settled else None,
        settled_time_approx=settled,
        extra=extra,
        # What a fee split of the same order (transaction detail, API, export) supersedes this line by.
        reference=reference,
        statement_id=(extra.get("statement_id") or None) if settled else None,
    )


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


class _SellerCenterJson:
    """A finance endpoint of the Seller Center, recognised by its path and the shape of its data."""

    name = ""
    version = 1
    report_type = ""
    path = ""
    what = ""

    def recognizes(self, src: SourceInput) -> bool:
        if src.kind != "json" or not isinstance(src.payload, dict):
            return False
        request = src.payload.get("request")
        if not isinstance(request, dict):
            return False
        body = src.payload.get("body")
        return (urlsplit(str(request.get("url") or "")).path.endswith(self.path) and isinstance(body, dict)
                and isinstance(body.get("data"), dict) and self.shaped(body["data"]))

    def shaped(self, data: dict) -> bool:
        raise NotImplementedError

    def body(self, src: SourceInput) -> dict:
        body = src.payload["body"]
        if body.get("code") not in (0, "0"):
            raise answered(self.what, body)
        return body

    def seller(self, src: SourceInput) -> tuple[str, str, str]:
        """(oec_seller_id, region, time zone) of the request."""
        request_url = str(src.payload["request"].get("url") or "")
        seller_id = query_params(request_url).get("oec_seller_id") or query_params(src.url).get("oec_seller_id")
        if not seller_id:
            raise SourceError.of("tiktok_no_seller_id", what=self.what)
        region, tz = region_of(urlsplit(request_url).netloc or urlsplit(src.url).netloc)
        return seller_id, region, tz

    def store(self, src: SourceInput, currency: str) -> StoreRef:
        seller_id, region, tz = self.seller(src)
        return StoreRef(PLATFORM, seller_id, region, f"TikTok {region or 'Shop'} {seller_id}", currency, tz)


def _amount(value: object, currency: object, what: str) -> tuple[Decimal, str] | None:
    """An {amount, currency} object (or a plain amount with the currency beside it)."""
    if value is None or value == "":
        return None
    amount = money_of(value, what)
    if amount is None:
        return None
    own = value.get("currency") if isinstance(value, dict) else None
    return amount, str(own or currency or "")


class OnHoldStat(_SellerCenterJson):
    """`stat/info`: the on-hold (to settle) total the page shows, overall and per reason."""

    name = "tiktok.seller_center.on_hold_stat"
    report_type = "on_hold_stat"
    path = STAT_INFO_PATH
    what = "on-hold stat"

    def shaped(self, data: dict) -> bool:
        return isinstance(data.get("to_settle_amount_stat"), dict)

    def parse(self, src: SourceInput) -> ParseResult:
        data = self.body(src)["data"]
        stat = data["to_settle_amount_stat"]
        total = _amount(stat.get("amount"), stat.get("currency"), "to_settle_amount_stat.amount")
        if total is None:
            raise SourceError.of("tiktok_lacks", where="to_settle_amount_stat", name="amount")
        amount, currency = total
        if not currency:
            raise SourceError.of("tiktok_no_currency", where="to_settle_amount_stat.amount")
        store = self.store(src, currency)
        at = src.captured_at
        totals = [Stated(store, "on_hold", "", amount, currency, at, _count(stat.get("count")))]
        reasons = stat.get("reasons_detail", data.get("reasons_detail")) or []
        if not isinstance(reasons, list):
            raise SourceError.of("tiktok_not_a_list", where="reasons_detail")
        for index, reason in enumerate(reasons):
            if not isinstance(reason, dict):
                raise SourceError.of("tiktok_not_an_object", where=f"reasons_detail[{index}]")
            code = next((_text(reason[k]) for k in ("reason", "to_settle_reason", "reason_type", "reason_code",
                                                    "type", "reason_text", "desc", "name") if reason.get(k)), "")
            money = _amount(reason.get("amount", reason.get("to_settle_amount")), currency,
                            f"reasons_detail[{index}] amount")
            count = next((_count(reason[k]) for k in ("count", "order_count", "record_count", "num")
                          if k in reason), None)
            if not code or (money is None and count is None):
                continue
            totals.append(Stated(store, "on_hold", "", money[0] if money else None, money[1] if money else currency,
                                 at, count, (("reason", code),)))
        return ParseResult(self.name, self.version, [], {}, totals, self.report_type)


class StatementList(_SellerCenterJson):
    """`list/detail`: the statements (bills) and what each settles, to reconcile the lines against."""

    name = "tiktok.seller_center.statements"
    report_type = "statements"
    path = STATEMENT_LIST_PATH
    what = "statement list"

    def shaped(self, data: dict) -> bool:
        return isinstance(data.get("statement_records"), list)

    def parse(self, src: SourceInput) -> ParseResult:
        data = self.body(src)["data"]
        totals: list[Stated] = []
        store: StoreRef | None = None
        for index, record in enumerate(data["statement_records"]):
            where = f"statement_records[{index}]"
            if not isinstance(record, dict):
                raise SourceError.of("tiktok_not_an_object", where=where)
            ref = _text(record.get("statement_id") or record.get("id"))
            if not ref:
                raise SourceError.of("tiktok_lacks", where=where, name="statement_id")
            value = next((record[k] for k in ("settlement_amount", "settle_amount", "statement_amount")
                          if record.get(k) not in (None, "")), None)
            money = _amount(value, record.get("currency"), f"{where} settlement amount")
            if money is None:
                raise SourceError.of("tiktok_no_settlement_amount", where=where)
            if not money[1]:
                raise SourceError.of("tiktok_settlement_no_currency", where=where)
            if store is None:
                store = self.store(src, money[1])
            when = next((record[k] for k in ("statement_time", "settlement_time", "statement_date", "create_time")
                         if record.get(k)), None)
            totals.append(Stated(store, "statement", ref, money[0], money[1], instant(when, f"{where} time"),
                                 scope=statement_scope(record)))
        stated = {"total_record": data.get("total_record", data.get("total")),
                  "has_more": data.get("has_more", data.get("search_next_has_more"))}
        return ParseResult(self.name, self.version, [], stated, totals, self.report_type)


_RECORD_KEYS = ("order_record", "adjustment_record", "sku_record", "record")
_LIST_KEYS = ("fee_list", "sub_fees", "sub_fee_list", "fee_items", "items", "details", "list")
_NAME_KEYS = ("fee_key", "key", "fee_type", "type", "name", "fee_name", "display_name", "title")
_DISPLAY_KEYS = ("fee_name", "display_name", "name", "title")
_OUT_SECTIONS = frozenset({"out_come", "outcome", "expense", "expenses"})
_CROSS_BORDER = frozenset({"", "CB", "US-CB"})  # hosts of cross-border shops (or unknown ones)
_DETAIL_EXTRA = ("statement_detail_id", "payment_id", "payment_status", "trade_type", "adjustment_reason",
                 "to_settle_reason", "sku_id", "product_name", "sku_name")


class TransactionDetail(_SellerCenterJson):
    """`transaction/detail`: the fee split of one order or adjustment → one SPLIT line.

    Fee names (keys or display names) are read through the TikTok field table (fields.FIELDS); a fee whose
    sub-fees add up to it is replaced by them (the parent kept for drill-down). Whether expenses arrive negative
    or as positive figures under `out_come` is decided by which of the two reaches the stated settlement amount.
    The local and cross-border tables of seed 002 differ on adjustments: shops of a local host (seller-us,
    seller-uk, …) take the local rule (storage_fee by the FBT warehouse reason, else adjustment), others the
    cross-border one (by type: storage_fee, penalty, adjustment)."""

    name = "tiktok.seller_center.transaction_detail"
    report_type = "transaction_detail"
    path = TRANSACTION_DETAIL_PATH
    what = "transaction detail"

    def shaped(self, data: dict) -> bool:
        return _record_of(data) is not None

    def parse(self, src: SourceInput) -> ParseResult:
        data = self.body(src)["data"]
        record = _record_of(data)
        assert record is not None
        params = query_params(str(src.payload["request"].get("url") or ""))
        order_id = _text(record.get("trade_order_id"))
        reference = (_text(record.get("reference_id")) or order_id or _text(record.get("statement_detail_id"))
                     or params.get("statement_detail_id", ""))
        if not reference:
            raise SourceError.of("tiktok_detail_no_order")
        money = _money(record, "settlement_amount")
        if money is None:
            raise SourceError.of("tiktok_detail_no_settlement_amount")
        settlement, currency = money
        if not currency:
            raise SourceError.of("tiktok_detail_no_currency")
        store = self.store(src, currency)
        settled = (_text(record.get("settlement_status")) or params.get("settlement_status", "")) != ON_HOLD
        statement_id = (_text(record.get("statement_id")) or _text(data.get("statement_id"))
                        or params.get("statement_id", ""))
        txn_type = _text(record.get("trade_type")) or "order"
        is_order = canonical(txn_type) == "order" or (bool(order_id) and reference == order_id)
        reason = str(record.get("adjustment_reason") or "")
        adjustment_to = adjustment_category(txn_type, reason, by_reason=store.region not in _CROSS_BORDER)
        parts = split(_detail_money(record, data, settlement), settlement, adjustment_to, is_order)
        extra = {k: _text(record[k]) for k in _DETAIL_EXTRA if record.get(k) not in (None, "")}
        when = next((record[k] for k in ("statement_time", "settlement_time", "settled_time") if record.get(k)), None)
        settled_time = instant(when, "settlement time") if settled else None
        line = Line(
            store=store,
            key=("split", statement_id, reference) if settled else (UNSETTLED_FAMILY, reference),
            status=SETTLED if settled else IN_TRANSIT,
            txn_type=txn_type,
            currency=currency,
            settlement_amount=settlement,
            amounts=parts.amounts,
            fields=parts.fields,
            order_id=order_id or None,
            sku_id=_text(record.get("sku_id")) or None,
            quantity=_count(record.get("quantity")) or 0,
            order_time=instant(record.get("placed_time"), "placed_time"),
            # Without a time of its own, a settled record is dated by the capture until its statement arrives.
            settled_time=(settled_time or src.captured_at) if settled else None,
            settled_time_approx=settled and settled_time is None,
            extra={**extra, **parts.extra},
            reference=reference,
            detail=SPLIT,
            statement_id=(statement_id or None) if settled else None,
        )
        return ParseResult(self.name, self.version, [line], {}, [], self.report_type)


def _record_of(data: dict) -> dict | None:
    return next((data[k] for k in _RECORD_KEYS if isinstance(data.get(k), dict)), None)


def _fee_list(obj: dict) -> list[dict] | None:
    for key in _LIST_KEYS:
        value = obj.get(key)
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return value
    return None


def _fee_name(entry: dict) -> tuple[str, str]:
    """(label, table key) of a fee entry: its display name for the drill-down; the first of its names the
    table knows for the key, else its first name."""
    names = [entry[k].strip() for k in _NAME_KEYS if isinstance(entry.get(k), str) and entry[k].strip()]
    shown = [entry[k].strip() for k in _DISPLAY_KEYS if isinstance(entry.get(k), str) and entry[k].strip()]
    label = (shown or names or ["unnamed fee"])[0]
    key = next((canonical(n) for n in names if known(canonical(n))), canonical(label))
    return label, key


def _fee_money(entries: list[dict], where: str) -> list[Money]:
    found: list[Money] = []
    for index, entry in enumerate(entries):
        label, key = _fee_name(entry)
        value = next((entry[k] for k in ("amount", "value", "fee_amount") if k in entry), None)
        amount = money_of(value, f"{where}[{index}] {label}")
        subs = _fee_list(entry)
        if subs:
            inner = _fee_money(subs, f"{where}[{index}] {label}")
            if amount is None or sum((m.amount for m in inner if not m.info), Decimal(0)) == amount:
                if amount:  # the parent is the subtotal of its sub-fees: kept for drill-down
                    found.append(Money(label, key, amount, info=True))
                found.extend(inner)
                continue
            found.extend(Money(m.name, m.key, m.amount, info=True) for m in inner)
        if amount is not None:
            found.append(Money(label, key, amount))
    return found


def _detail_money(record: dict, data: dict, settlement: Decimal) -> list[Money]:
    """Every fee of the record's sections (in_come, out_come, sibling lists), signed from the seller's side."""
    sections: list[tuple[bool, list[Money]]] = []
    for owner in (record, data):
        for key, value in owner.items():
            if value is record:
                continue
            entries = _fee_list(value) if isinstance(value, dict) else None
            if entries is None and isinstance(value, list) and value and all(
                    isinstance(v, dict) and ("amount" in v or _fee_list(v)) for v in value):
                entries = value
            if entries is not None:
                sections.append((key.lower() in _OUT_SECTIONS, _fee_money(entries, key)))
    incoming = sum((m.amount for out, ms in sections if not out for m in ms if not m.info), Decimal(0))
    outgoing = sum((m.amount for out, ms in sections if out for m in ms if not m.info), Decimal(0))
    negate = incoming + outgoing != settlement and incoming - outgoing == settlement
    items = [Money(m.name, m.key, -m.amount if negate and out else m.amount, m.info)
             for out, ms in sections for m in ms]
    for key, value in record.items():  # the record's other money objects (earning_amount, fees): other views
        if key != "settlement_amount" and isinstance(value, dict) and "amount" in value and _fee_list(value) is None:
            amount = money_of(value, key)
            if amount:
                items.append(Money(key, canonical(key), amount, info=True))
    return items


ADAPTERS = (OrderList(), TransactionDetail(), OnHoldStat(), StatementList())

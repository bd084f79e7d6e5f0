"""Temu Seller Center internal JSON (agentseller*.temu.com, seller.kuajingmaihuo.com), as its pages fetch it.

- `fund/detail/pageSearch` (财务明细): fund movements, each made a line by `funds.fund_line`, so a
  movement captured here and the same movement imported from the export share one natural key.
- `settle-flow/sm/unsettle/page-query` (半托管 待处理款项): pending money per PO, and the totals the page states.
- `settle/detail/full/wait-settlement` (全托管 预估待结算): the pending total only.
- `seller/auth/userInfo`: the seller's stores (malls) and how each is managed; no lines.

Success is `{success: true, errorCode: 1000000, result: {...}}`; money often `{value: <cents>, currencyCode}`.
The store is the `mallid` request header (the page sends it), else the mallId of the request or the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from companion.errors import coded
from companion.ledger.money import ZERO, MoneyError, parse_amount
from companion.sources import cells
from companion.sources.captures import request_body, request_path
from companion.sources.mapping import OUT, Table, books, seed, table
from companion.sources.model import (
    IN_TRANSIT,
    SPLIT,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    SourceInput,
    Stated,
    StoreRef,
)
from companion.sources.temu.funds import FUND, PLATFORM, TIMEZONE, FundKeys, FundRow, explain, fund_line
from companion.sources.urls import query_params

OK = 1000000
FUND_PATH = "/api/merchant/fund/detail/pageSearch"
UNSETTLE_PATH = "/api/xiaowenhou/settle-flow/sm/unsettle/page-query"
WAIT_PATH = "/api/merchant/settle/detail/full/wait-settlement"
USER_PATH = "/api/seller/auth/userInfo"
_HOSTS = {"agentseller-us.temu.com": "US", "agentseller-eu.temu.com": "EU", "agentseller.temu.com": "GLOBAL"}
_LISTS = ("resultList", "list", "pageItems", "dataList", "data", "records")
_ORDER_KEYS = ("orderSn", "orderNo", "parentOrderSn", "poSn", "poNo", "subOrderSn", "orderId")
_PO_KEYS = ("poSn", "parentOrderSn", "poNo", "parentOrderNo", "orderSn", "po")
# Pending rows: the money keys and where each goes. Refunds are money out that arrives as positive amounts.
_PENDING_MONEY: Table = table(
    seed({"sales": ("productPaymentAmount", "salesPaymentAmount")}),
    seed({"income_refund": ("productRefundAmount", "salesRefundAmount")}, sign=OUT),
    seed({"buyer_shipping": ("shippingPaymentAmount", "freightPaymentAmount")}),
    seed({"fee_refund": ("shippingRefundAmount", "freightRefundAmount")}, sign=OUT),
)
_PENDING_TOTAL = ("totalAmount", "amount", "unsettleAmount", "settleAmount")


# ---------------------------------------------------------------------------------------------------------------
# What every capture shares: the envelope, the store, money and time.


def _result(src: SourceInput, what: str) -> dict:
    body = src.payload.get("body")
    code = body.get("errorCode")
    if body.get("success") is False or code not in (None, OK, str(OK)):
        message = str(body.get("errorMsg") or body.get("error_msg") or "").strip().rstrip(":")
        if message:
            raise SourceError.of("temu_error_code", what=what, error_code=code, message=message)
        raise SourceError.of("temu_error_code_bare", what=what, error_code=code)
    result = body.get("result")
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise SourceError.of("temu_result_not_object", what=what)
    return result


def _header(request: dict, name: str) -> str:
    headers = request.get("headers")
    pairs: Iterable = ()
    if isinstance(headers, dict):
        pairs = headers.items()
    elif isinstance(headers, list):
        pairs = [(h.get("name"), h.get("value")) if isinstance(h, dict) else tuple(h)[:2] for h in headers
                 if isinstance(h, (dict, list, tuple))]
    return next((str(v) for k, v in pairs if str(k).lower() == name and v not in (None, "")), "")


def _mall_id(src: SourceInput, result: dict) -> str:
    request = src.payload.get("request") or {}
    body = request_body(request)
    for value in (_header(request, "mallid"), body.get("mallId"), body.get("mallid"),
                  query_params(str(request.get("url") or "")).get("mallId"), result.get("mallId")):
        if value not in (None, ""):
            return _id(value)
    raise SourceError.of("temu_no_mallid")


def _store(src: SourceInput, mall_id: str, currency: str, mall_name: str = "") -> StoreRef:
    host = urlsplit(str((src.payload.get("request") or {}).get("url") or src.url)).netloc.lower()
    return StoreRef(PLATFORM, mall_id, _HOSTS.get(host, ""), f"Temu {mall_name or mall_id}", currency, TIMEZONE)


def _id(value: object) -> str:
    """IDs stay text; a JSON number ID is rendered without float formatting."""
    if isinstance(value, float):
        raise SourceError.of("temu_id_float", value=value)
    return "" if value is None else str(value).strip()


def cents(value: dict, what: str) -> tuple[Decimal, str]:
    """A money object: `value` in integer cents (exactly /100), else its digitalText; and its currency."""
    currency = str(value.get("currencyCode") or value.get("currency") or "").upper()
    raw = value.get("value")
    try:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return Decimal(raw).scaleb(-2), currency
        if isinstance(raw, str) and raw.lstrip("-").isdigit():
            return Decimal(raw).scaleb(-2), currency
        if raw is None and value.get("digitalText") is not None:
            return parse_amount(str(value["digitalText"])), currency
    except MoneyError as exc:
        raise SourceError.of("temu_at_key", what=what, problem=coded(exc.code, exc.params, exc.message)) from exc
    except ArithmeticError as exc:  # the Decimal of what was written failed: say what was written
        written = raw if raw is not None else value.get("digitalText")
        raise SourceError.of("temu_not_cents", what=what, value=written) from exc
    raise SourceError.of("temu_not_cents", what=what, value=raw)


def _amount(value: object, what: str) -> tuple[Decimal, str] | None:
    """An amount from a money object (cents) or a plain number or text (in units); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return cents(value, what)
    try:
        return parse_amount(value if isinstance(value, (str, int, float)) else str(value)), ""
    except MoneyError as exc:
        raise SourceError.of("temu_at_key", what=what, problem=coded(exc.code, exc.params, exc.message)) from exc


def _time(value: object, what: str) -> datetime | None:
    """Milliseconds since the epoch, or a GMT+8 time as text."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    try:
        return cells.when(value, TIMEZONE)
    except SourceError as exc:
        raise SourceError.of("temu_at_key", what=what, problem=exc.said()) from exc


def _rows(result: dict, what: str) -> list:
    for key in _LISTS:
        if key in result and result[key] is not None:
            rows = result[key]
            if not isinstance(rows, list):
                raise SourceError.of("temu_result_not_list", what=what, list_key=key)
            return rows
    return []


def _extra(row: dict, used: set[str]) -> dict[str, str]:
    """Keys nobody maps, kept as text."""
    extra = {}
    for key, value in row.items():
        if key in used or value is None or value == "":
            continue
        extra[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return extra


def _window(body: dict, *names: str) -> tuple[tuple[str, str], ...]:
    """The request's filters (time window, types) as a Stated scope."""
    scope = []
    for name in names:
        value = body.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value > 1e11:
            value = _time(value, name).isoformat()  # type: ignore[union-attr]
        scope.append((name, value if isinstance(value, str) else json.dumps(value, sort_keys=True)))
    return tuple(scope)


class _Endpoint:
    path = ""
    version = 1

    def recognizes(self, src: SourceInput) -> bool:
        return (src.kind == "json" and isinstance(src.payload, dict) and isinstance(src.payload.get("body"), dict)
                and request_path(src).endswith(self.path))


# ---------------------------------------------------------------------------------------------------------------
# 财务明细: fund movements.


class FundDetailPage(_Endpoint):
    """`POST /api/merchant/fund/detail/pageSearch`: one page of fund movements and the list's total."""

    name = "temu.seller_center.fund_detail"
    version = 2  # 2: the fund key holds the order (funds.FundKeys)
    path = FUND_PATH

    def parse(self, src: SourceInput) -> ParseResult:
        result = _result(src, "fund/detail/pageSearch")
        mall = _mall_id(src, result)
        rows = _rows(result, "fund/detail/pageSearch")
        keys, lines = FundKeys(), []
        store: StoreRef | None = None
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise SourceError.of("temu_fund_row_not_object", index=index)
            try:
                fund = _fund_row(row)
            except SourceError as exc:
                raise SourceError.of("temu_at_fund_row", index=index, problem=exc.said()) from exc
            store = store or _store(src, mall, fund.currency)
            lines.append(fund_line(fund, keys, store))
        store = store or _store(src, mall, "")
        body = request_body(src.payload.get("request") or {})
        total = result.get("total")
        totals = []
        if isinstance(total, int) and not isinstance(total, bool):
            filters = ("beginTime", "endTime", "fundTypeList", "moneyChangeTypeList", "fundChangeTypeList")
            scope = (("list", "fund/detail/pageSearch"), ("family", FUND), *_window(body, *filters))
            totals.append(Stated(store, "listing", "fund_detail", None, "", src.captured_at, total, scope))
        stated = {"total": total, "page": body.get("pageNum"), "page_size": body.get("pageSize"), "rows": len(rows)}
        return ParseResult(self.name, self.version, lines, stated, totals, "fund_detail")


_FUND_USED = {"transactionTime", "createTime", "fundTypeDesc", "remark", "currencyType", "currency", "amount",
              "amountFormat", "moneyChangeType"}


def _fund_row(row: dict) -> FundRow:
    when = _time(row.get("transactionTime"), "transactionTime") or _time(row.get("createTime"), "createTime")
    if when is None:
        raise SourceError.of("temu_no_transaction_time")
    money = _amount(row.get("amountFormat"), "amountFormat") or _amount(row.get("amount"), "amount")
    if money is None:
        raise SourceError.of("temu_no_amount")
    amount, money_currency = money
    # moneyChangeType 2 is money out; the page writes its amount as a positive number.
    if str(row.get("moneyChangeType")) == "2" and amount > 0:
        amount = -amount
    currency = str(row.get("currencyType") or row.get("currency") or money_currency).upper()
    if not currency:
        raise SourceError.of("temu_no_currency_type")
    order = next((_id(row[k]) for k in _ORDER_KEYS if row.get(k) not in (None, "")), "")
    kind_text = str(row.get("fundTypeDesc") or row.get("fundType") or "").strip()
    extra = _extra(row, _FUND_USED)
    if row.get("remark"):
        extra["remark"] = str(row["remark"])
    return FundRow(when=when, type=kind_text, remark=str(row.get("remark") or ""), currency=currency,
                   total=amount, total_name="amount", order_id=order or None, extra=extra)


# ---------------------------------------------------------------------------------------------------------------
# 待处理款项 (semi-managed) and 预估待结算 (fully-managed).


class UnsettlePage(_Endpoint):
    """`POST /api/xiaowenhou/settle-flow/sm/unsettle/page-query`: pending money per PO and its totals."""

    name = "temu.seller_center.pending"
    path = UNSETTLE_PATH

    def parse(self, src: SourceInput) -> ParseResult:
        what = "settle-flow/sm/unsettle/page-query"
        result = _result(src, what)
        mall = _mall_id(src, result)
        body = request_body(src.payload.get("request") or {})
        lines = []
        for index, row in enumerate(_rows(result, what)):
            if not isinstance(row, dict):
                raise SourceError.of("temu_row_not_object", what=what, index=index)
            try:
                lines.append(_pending_line(row))
            except SourceError as exc:
                raise SourceError.of("temu_at_list_row", what=what, index=index, problem=exc.said()) from exc
        total = _amount(result.get("totalAmount"), "totalAmount")
        currency = (total[1] if total else "") or (lines[0].currency if lines else "")
        store = _store(src, mall, currency)
        for line in lines:
            line.store = store
        scope = _window(body, "orderCreateTimeStart", "orderCreateTimeEnd", "beginTime", "endTime")
        at = _time(result.get("dataUpdateTime"), "dataUpdateTime") or src.captured_at
        totals = []
        if total is not None:
            totals.append(Stated(store, "on_hold", "", total[0], currency, at, None, scope))
        if isinstance(result.get("total"), int):
            totals.append(Stated(store, "listing", "pending", None, "", src.captured_at, result["total"],
                                 (("list", what), ("family", "pending"), *scope)))
        stated = {key: str(_amount(value, key)[0]) for key, value in result.items()  # type: ignore[index]
                  if key.endswith("TotalAmount") and isinstance(value, dict) and _has_amount(value)}
        stated["total"] = result.get("total")
        return ParseResult(self.name, self.version, lines, stated, totals, "pending")


def _has_amount(value: dict) -> bool:
    return value.get("value") is not None or value.get("digitalText") is not None


_PENDING_USED = {*_PO_KEYS, *_PENDING_MONEY, *_PENDING_TOTAL, "currency", "currencyType", "skuList",
                 "skuInfoList", "orderCreateTime", "createTime"}


def _pending_line(row: dict) -> Line:
    po = next((_id(row[k]) for k in _PO_KEYS if row.get(k) not in (None, "")), "")
    if not po:
        raise SourceError.of("temu_pending_no_po")
    amounts: dict[str, Decimal] = {}
    fields: list[SourceField] = []
    currency = str(row.get("currency") or row.get("currencyType") or "").upper()
    for key, book in books(_PENDING_MONEY):
        money = _amount(row.get(key), key)
        if money is None:
            continue
        value = -money[0] if book.sign == OUT and money[0] > 0 else money[0]
        currency = currency or money[1]
        if value:
            category = book.category_for(value)
            amounts[category] = amounts.get(category, ZERO) + value
            fields.append(SourceField(key, value, category))
    stated = next((_amount(row[k], k) for k in _PENDING_TOTAL if row.get(k) not in (None, "")), None)
    loose = []
    for key, value in row.items():
        if key not in _PENDING_USED and isinstance(value, dict) and _has_amount(value):
            amount, money_currency = cents(value, key)
            currency = currency or money_currency
            if amount:
                loose.append((key, amount))
    extra = _extra(row, _PENDING_USED | {k for k, _ in loose})
    total = stated[0] if stated else sum(amounts.values(), ZERO) + sum((v for _, v in loose), ZERO)
    explain(total, amounts, fields, loose, extra)
    if not currency:
        currency = stated[1] if stated else ""
    if not currency:
        raise SourceError.of("temu_pending_no_currency")
    skus = row.get("skuList") or row.get("skuInfoList") or []
    skus = [s for s in skus if isinstance(s, dict)] if isinstance(skus, list) else []
    quantity = sum(cells.quantity(s.get("quantity") or s.get("skuNum") or s.get("num")) for s in skus)
    only = skus[0] if len(skus) == 1 else {}
    return Line(
        store=StoreRef(PLATFORM, ""),  # set once the capture's store is known
        key=("pending", po),  # the 待处理款项 export's key: the same PO from either source is one line
        status=IN_TRANSIT,
        txn_type="待处理款项",
        currency=currency,
        settlement_amount=total,
        amounts={k: v for k, v in amounts.items() if v},
        fields=fields,
        order_id=po,
        sku_id=_id(only.get("skuId")) or None,
        sku_name=str(only.get("skuName") or only.get("productName") or "") or None,
        msku=str(only.get("skuExtCode") or only.get("extCode") or "") or None,
        quantity=quantity,
        order_time=_time(row.get("orderCreateTime") or row.get("createTime"), "orderCreateTime"),
        extra=extra,
        reference=po,
        detail=SPLIT,
    )


class WaitSettlement(_Endpoint):
    """`POST /api/merchant/settle/detail/full/wait-settlement`: the fully-managed store's pending total."""

    name = "temu.seller_center.wait_settlement"
    path = WAIT_PATH

    def parse(self, src: SourceInput) -> ParseResult:
        result = _result(src, "settle/detail/full/wait-settlement")
        mall = _mall_id(src, result)
        res = result.get("res") if isinstance(result.get("res"), dict) else {}
        money = _amount(res.get("waitSettleAmount"), "waitSettleAmount")
        totals, stated = [], {}
        if money is not None:
            store = _store(src, mall, money[1])
            totals.append(Stated(store, "on_hold", "", money[0], money[1], src.captured_at))
            stated["waitSettleAmount"] = str(money[0])
        return ParseResult(self.name, self.version, [], stated, totals, "wait_settlement")


# ---------------------------------------------------------------------------------------------------------------
# The seller's stores.


class UserInfo(_Endpoint):
    """`POST /api/seller/auth/userInfo`: the malls this login manages (names, managed type). No money."""

    name = "temu.seller_center.user_info"
    path = USER_PATH

    def parse(self, src: SourceInput) -> ParseResult:
        result = _result(src, "seller/auth/userInfo")
        malls = result.get("mallList") if isinstance(result.get("mallList"), list) else []
        listed = []
        for mall in malls:
            if isinstance(mall, dict) and mall.get("mallId") not in (None, ""):
                listed.append({"mall_id": _id(mall["mallId"]), "name": str(mall.get("mallName") or ""),
                               "managed_type": mall.get("managedType"),
                               "semi_managed": mall.get("isSemiManagedMall")})
        return ParseResult(self.name, self.version, [], {"malls": listed}, [], "user_info")


ADAPTERS = (FundDetailPage(), UnsettlePage(), WaitSettlement(), UserInfo())

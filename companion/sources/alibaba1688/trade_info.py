"""The 1688 open platform's trade JSON → purchase records.

`alibaba.trade.getBuyerOrderList` (订单列表查看(买家视角)) answers `{"result": [TradeInfo…], "totalRecord": n}`;
`alibaba.trade.get.buyerView` (订单详情查看(买家视角)) answers `{"result": TradeInfo, "success": "true"}`. A
TradeInfo is `{"baseInfo": {…}, "productItems": [{…}]}`; the keys read are those the open platform documents
(docs/sources.md, "1688 purchases"). Recognised by that shape, whatever address it came from: a saved answer
of the API imported as a .json file, or a capture on a 1688 page.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.alibaba1688.common import (
    CANCELLED,
    CURRENCY,
    CURRENCY_NAMES,
    REFUNDED,
    SOURCE,
    TZ,
    bounded_amount,
    bounded_quantity,
    status_of_code,
)
from companion.sources.alibaba1688.links import sold_orders
from companion.sources.model import ParseResult, Purchase, PurchaseItem, SourceError, SourceInput

MAX_ORDERS = 10_000  # one answer (the list pages by 20 to 100)
# java.util.Date as the open platform writes it: yyyyMMddHHmmssSSS and the offset (20180614101942000+0800).
_DOC_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?([+-])(\d{2})(\d{2})$")


def _body(src: SourceInput) -> object:
    return src.payload.get("body") if isinstance(src.payload, dict) else None


def _trade_infos(body: object) -> list | None:
    """The TradeInfo objects of a list or a detail answer, or None when the body is neither."""
    if not isinstance(body, dict):
        return None
    result = body.get("result")
    if isinstance(result, dict) and isinstance(result.get("baseInfo"), dict):
        return [result]
    if isinstance(result, list) and ("totalRecord" in body or result) and all(
            isinstance(r, dict) and isinstance(r.get("baseInfo"), dict) for r in result):
        return result
    return None


def doc_time(value: object) -> datetime | None:
    """A time as the open platform writes it, or as a plain text / epoch number (China time without offset)."""
    if cells.blank(value):
        return None
    if isinstance(value, str):
        found = _DOC_TIME.match(value.strip())
        if found:
            y, mo, d, h, mi, s, ms, sign, oh, om = found.groups()
            offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
            try:
                return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), int(ms or 0) * 1000,
                                tzinfo=timezone(offset))
            except ValueError as exc:
                raise SourceError.of("src_time_invalid", value=value, reason=str(exc)) from exc
    return cells.when(value, TZ)


def _number(info: dict, key: str, where: str) -> Decimal:
    value = info.get(key)
    try:
        return ZERO if value is None else cells.money(value)
    except SourceError as exc:
        raise SourceError.of("alibaba1688_key_not_amount", key=f"{where}.{key}", problem=exc.said()) from exc


def _amount(info: dict, key: str, where: str) -> Decimal:
    return bounded_amount(_number(info, key, where), f"{where}.{key}", info.get(key))


def _quantity(item: dict, where: str) -> int:
    value = item.get("quantity")
    amount = _number(item, "quantity", where)
    if amount != amount.to_integral_value():
        raise SourceError.of("alibaba1688_quantity_not_whole", key=f"{where}.quantity", value=str(value))
    return bounded_quantity(amount, f"{where}.quantity", value)


def _id(value: object, what: str) -> str:
    return "" if value is None else cells.text_id(value, what)


def _item(item: object, where: str) -> PurchaseItem:
    if not isinstance(item, dict):
        raise SourceError.of("alibaba1688_not_an_object", key=where)
    product = _id(item.get("productID"), "productID")
    sku = _id(item.get("skuID"), "skuID") or _id(item.get("specId"), "specId") or product
    return PurchaseItem(sku, str(item.get("name") or "").strip(), _quantity(item, where), _amount(item, "price", where),
                        _amount(item, "itemAmount", where), product)


def purchase_of(info: dict, where: str) -> Purchase:
    """One TradeInfo → a Purchase; `where` names it in a refusal (result[3])."""
    base = info["baseInfo"]
    at = f"{where}.baseInfo"
    order_no = _id(base.get("idOfStr"), "idOfStr") or _id(base.get("id"), "id")
    if not order_no:
        raise SourceError.of("alibaba1688_no_order_id", key=at)
    code = str(base.get("status") or "")
    status = status_of_code(code)
    if status is None:
        raise SourceError.of("alibaba1688_status_unknown", value=code or "(empty)", order=order_no)
    if status == CANCELLED and (_amount(base, "refund", at) > 0 or _amount(base, "refundPayment", at) > 0):
        status = REFUNDED  # closed after the money was paid and given back
    seller = base.get("sellerContact") if isinstance(base.get("sellerContact"), dict) else {}
    supplier = str(seller.get("companyName") or seller.get("shopName") or base.get("sellerLoginId") or "").strip()
    currency = CURRENCY_NAMES.get(str(base.get("currency") or CURRENCY).strip().upper())
    if currency is None:
        raise SourceError.of("alibaba1688_currency_unknown", value=str(base.get("currency")), order=order_no)
    goods, shipping = _amount(base, "sumProductPayment", at), _amount(base, "shippingFee", at)
    total = _amount(base, "totalAmount", at)
    items = info.get("productItems") or []
    if not isinstance(items, list):
        raise SourceError.of("alibaba1688_not_an_object", key=f"{where}.productItems")
    return Purchase(SOURCE, order_no, supplier, status, currency, goods, shipping, total - goods - shipping, total,
                    tuple(_item(item, f"{where}.productItems[{i}]") for i, item in enumerate(items)),
                    doc_time(base.get("createTime")), doc_time(base.get("payTime")),
                    sold_orders((base.get("buyerFeedback"), base.get("remark"), base.get("buyerMemo"))))


class TradeInfoJson:
    """订单列表查看 / 订单详情查看 (买家视角) answers: one purchase per TradeInfo."""

    name = "alibaba1688.trade_info"
    version = 1
    report_type = "purchase_orders"

    def recognizes(self, src: SourceInput) -> bool:
        return src.kind == "json" and _trade_infos(_body(src)) is not None

    def parse(self, src: SourceInput) -> ParseResult:
        body = _body(src)
        infos = _trade_infos(body) or []
        if len(infos) > MAX_ORDERS:
            raise SourceError.of("alibaba1688_too_many_orders", count=len(infos), limit=MAX_ORDERS)
        single = isinstance(body.get("result"), dict)  # type: ignore[union-attr]
        purchases = [purchase_of(info, "result" if single else f"result[{i}]") for i, info in enumerate(infos)]
        stated = {} if single else {"total_record": body.get("totalRecord")}  # type: ignore[union-attr]
        return ParseResult(self.name, self.version, [], stated=stated, report_type=self.report_type,
                           purchases=purchases)


ADAPTERS = (TradeInfoJson(),)

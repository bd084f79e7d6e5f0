"""SHEIN Seller Center internal JSON (sso.geiwohuo.com), as the finance pages fetch it.

- `/gsfs/finance/reportOrder/dualMode/reportOrderList` (报账单): rows that name an order or a 账单类型 are bill
  lines, settled when paid and pending otherwise; a row that is a whole bill (账单号 with its totals and no
  order) becomes a stated bill total, never a line (its order rows carry the same money).
- `/gsfs/finance/platform/payedList` (paid bills, platform mode): bill rows already paid. Its export is the
  已完成账单 file, so its rows map exactly as that file's do (bills.py) and get the same natural keys.

Responses are `{code: "0", msg, info: {data: [...], meta: {count}}}`. [guess] Nobody on the team has a real
capture: the key names below come from SHEIN's Open API finance documents (reportOrderNo, bzOrderNo, skuCode,
supplierSku, commissionAmount, commissionSaleTax, performanceCost, incomeAmount, completedPayTime,
currencyCode, site…) and camelCase renderings of the export's columns; snake_case spellings match too. A row's
`itemList` (or items, skuList…) is read as one row per item under the row's order and bill. Keys nobody named
are kept: amounts as drill-down fields (never counted), the rest as extra text.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from companion.sources import cells
from companion.sources.captures import request_body
from companion.sources.model import Line, ParseResult, SourceError, SourceInput, Stated, StoreRef
from companion.sources.shein.bills import (
    LABEL,
    MONEY,
    PLATFORM,
    TZ,
    BillRow,
    Keyer,
    RowAt,
    bill_line,
    is_pending,
    mode_of,
    row_currency,
    text_of,
)
from companion.sources.shein.sites import site_code
from companion.sources.tabular import Hints
from companion.sources.urls import query_params

REPORT_ORDERS_PATH = "/gsfs/finance/reportOrder/dualMode/reportOrderList"
PAYED_LIST_PATH = "/gsfs/finance/platform/payedList"
_HOSTS = ("geiwohuo.com", "shein.com", "sheincorp.cn", "sheincorp.com")

# canonical field (as in bills.BILL_SPEC) → JSON keys, the preferred first.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "order_no": ("orderNo", "bzOrderNo", "orderNumber", "businessOrderNo", "bizOrderNo", "relatedOrderNo", "orderSn"),
    "bill_type": ("billTypeName", "secondOrderTypeName", "secondBillTypeName", "billTypeDesc", "typeName", "billType",
                  "secondOrderType"),
    "bill_category": ("firstOrderTypeName", "firstBillTypeName", "billCategoryName", "orderTypeName"),
    "receivable": ("receivableAmount", "incomeAmount", "estimateIncomeMoneyTotal", "incomeMoney", "receivable",
                   "shouldReceiveAmount", "settleAmount", "amount", "income"),
    "sku_id": ("skuCode", "platformSku", "platformSkuCode", "skuId", "sku"),
    "msku": ("supplierSku", "sellerSku", "merchantSku", "supplierSkuCode", "sellerSkuCode"),
    "sku_name": ("goodsName", "goodsTitle", "productName", "skuName"),
    "pay_date": ("completedPayTime", "completePayTime", "payTime", "paymentTime", "paidTime", "payDate",
                 "actualPayTime", "payFinishTime"),
    "site": ("site", "siteCode", "siteName", "saleSite", "siteAbbr"),
    "currency": ("currencyCode", "settleCurrencyCode", "currency", "settleCurrency", "currencyType"),
    "bill_no": ("reportOrderNo", "billNo", "reportNo", "reportOrderNumber"),
    "check_no": ("checkOrderNo", "checkNo", "detailNo"),
    "quantity": ("goodsCount", "quantity", "goodsNum", "goodsQuantity", "skuNum"),
    "order_time": ("orderTime", "orderCreateTime", "placeOrderTime", "orderAddTime"),
    "bill_time": ("addTime", "createTime", "billTime", "businessCompletedTime"),
    "status": ("settlementStatusName", "reportStatusName", "checkStatusName", "payStatusName", "statusName",
               "settlementStatus", "reportStatus", "checkStatus", "payStatus", "status"),
    "direction": ("inAndOutName", "incomeExpenditureTypeName", "inAndOut", "incomeExpenditureType"),
    "goods_price": ("goodsPriceTotal", "productPriceTotal", "goodsPrice", "productPrice", "sellerCurrencyPrice",
                    "salePriceTotal"),
    "supply_price": ("supplyPriceTotal", "goodsSupplyPriceTotal", "supplyPrice", "costPriceTotal", "costPrice"),
    "store_coupon": ("storeCouponAmount", "shopCouponAmount", "couponAmount", "storeCoupon"),
    "activity_discount": ("activityDiscountAmount", "promotionDiscountAmount", "activityDiscount",
                          "promotionAmount", "sellerCurrencyPromotionPrice"),
    "activity_report": ("activityReportAmount", "activitySubmitAmount", "activityDeclareAmount",
                        "settleCurrencyPromotionPrice"),
    "commission": ("commissionAmount", "commission", "commissionMoney"),
    "commission_tax": ("commissionSaleTax", "commissionTax", "commissionConsumptionTax"),
    "eu_tax": ("euTaxAmount", "taxAmount", "sellerRealTax", "taxFee", "taxMoney"),
    "fulfilment_fee": ("performanceCost", "showPerformanceCost", "fulfillmentFee", "fulfilmentFee",
                       "performanceServiceFee"),
    "eu_vat": ("euVatAmount", "vatAmount", "vatTax", "vat"),
    "supplier_id": ("supplierId", "supplierCode", "supplierNo", "merchantId", "shopId", "storeId", "sellerId"),
    "supplier_name": ("supplierName", "shopName", "storeName", "merchantName", "sellerName"),
    "mode": ("businessMode", "supplierMode", "cooperationMode", "modeName", "mode"),
}
ITEM_KEYS = ("itemList", "items", "skuList", "goodsList", "detailList", "skuInfoList", "goodsInfoList")
# What an item inherits from its row: who and when, never money.
_INHERITED = ("order_no", "bill_type", "bill_category", "pay_date", "site", "currency", "bill_no", "check_no",
              "status", "direction", "order_time", "bill_time", "supplier_id", "supplier_name", "mode")
_PAGING = {"page", "perpage", "pagesize", "pagenum", "pageno", "size", "from", "offset", "limit", "current"}
_MONEY_WORDS = ("amount", "price", "fee", "money", "tax", "cost", "commission", "income", "expense", "subsidy",
                "deduct", "refund", "total")
_NOT_MONEY = ("count", "num", "status", "type", "id", "no", "time", "date", "rate", "code", "ratio", "flag")
# Status codes that mean paid, by the key they come in (SHEIN Open API finance docs).
_PAID_CODES = {"settlementstatus": "3", "reportstatus": "2", "checkstatus": "3", "paystatus": "2"}


def _nk(key: str) -> str:
    """Keys compared without case, underscores or dashes: supplier_id, supplierId and SupplierID are one key."""
    return key.replace("_", "").replace("-", "").lower()


_LOOKUP = {_nk(k): canonical for canonical, keys in JSON_KEYS.items() for k in keys}
_ITEM_LOOKUP = {_nk(k) for k in ITEM_KEYS}


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _money_like(key: str) -> bool:
    low = key.lower()
    return any(w in low for w in _MONEY_WORDS) and not low.endswith(_NOT_MONEY)


def json_row(obj: dict, where: RowAt, inherited: BillRow | None = None) -> BillRow:
    """A response row (or an item of one) → a BillRow with the export's canonical fields."""
    values: dict[str, object] = {}
    names: dict[str, str] = {}
    rank: dict[str, int] = {}
    loose: list[tuple[str, object]] = []
    texts: list[tuple[str, str]] = []
    for key, value in obj.items():
        nk = _nk(key)
        if nk in _ITEM_LOOKUP:
            continue
        canonical = _LOOKUP.get(nk)
        if canonical is not None and not _empty(value) and not isinstance(value, (dict, list)):
            order = [_nk(k) for k in JSON_KEYS[canonical]].index(nk)
            if canonical not in values or order < rank[canonical]:
                if canonical in values:  # a less preferred key for the same field: kept beside it
                    _keep(names[canonical], values[canonical], loose, texts)
                values[canonical], names[canonical], rank[canonical] = value, key, order
                continue
        if not _empty(value):
            _keep(key, value, loose, texts)
    if inherited is not None:
        for canonical in _INHERITED:
            if canonical not in values and canonical in inherited.values:
                values[canonical] = inherited.values[canonical]
                names[canonical] = inherited.names[canonical]
    merged = {**({names[c]: values[c] for c in _INHERITED if c in values} if inherited else {}), **obj}
    signature = json.dumps(merged, sort_keys=True, ensure_ascii=False, default=str)
    return BillRow(where, values, names, loose, signature, count_loose=False, texts=texts)


def _keep(key: str, value: object, loose: list, texts: list) -> None:
    if isinstance(value, (int, float, str)) and not isinstance(value, bool) and _money_like(key):
        loose.append((key, value))
    elif isinstance(value, (dict, list)):
        texts.append((key, json.dumps(value, ensure_ascii=False, default=str)[:500]))
    else:
        texts.append((key, text_of(value)))


def _items(obj: dict) -> list[dict] | None:
    for key, value in obj.items():
        if _nk(key) in _ITEM_LOOKUP and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return None


def _count(info: dict) -> int | None:
    """The number of records the whole list has: info.meta.count, info.count, info.total…"""
    for holder in (info.get("meta"), info):
        if isinstance(holder, dict):
            for key in ("count", "total", "totalCount", "totalRecord"):
                value = holder.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
                if isinstance(value, str) and value.isdigit():
                    return int(value)
    return None


class _SellerCenterList:
    """One finance list endpoint of the SHEIN Seller Center."""

    name = ""
    version = 1
    report_type = ""
    path = ""
    mode_hint = ""  # the mode the endpoint's own name says, if any
    paid = False  # every row of the list is paid (unless its status says otherwise)

    def recognizes(self, src: SourceInput) -> bool:
        if src.kind != "json" or not isinstance(src.payload, dict):
            return False
        request = src.payload.get("request")
        body = src.payload.get("body")
        if not isinstance(request, dict) or not isinstance(body, dict) or "code" not in body:
            return False
        parts = urlsplit(str(request.get("url") or ""))
        host = parts.netloc.lower().split(":")[0]
        return parts.path.rstrip("/").endswith(self.path) and (not host or host.endswith(_HOSTS))

    def parse(self, src: SourceInput) -> ParseResult:
        body = src.payload["body"]
        code = body.get("code")
        if str(code) != "0":
            message = str(body.get("msg") or "").rstrip(": ")
            if message:
                raise SourceError.of("shein_error_code", path=self.path, error_code=code, message=message)
            raise SourceError.of("shein_error_code_bare", path=self.path, error_code=code)
        info = body.get("info")
        info = info if isinstance(info, dict) else {}
        data = info.get("data", info.get("list")) or []
        if not isinstance(data, list):
            raise SourceError.of("shein_data_not_list", path=self.path)
        request = src.payload["request"]
        params = {**query_params(str(request.get("url") or "")), **request_body(request)}
        keyer = Keyer()
        rows: list[tuple[BillRow, bool]] = []  # (row, is a bill line)
        for i, obj in enumerate(data):
            if not isinstance(obj, dict):
                raise SourceError.of("shein_data_row_not_object", path=self.path, index=i)
            parent = json_row(obj, RowAt(path=self.path, index=i))
            items = _items(obj)
            if items:
                rows += [(json_row(item, RowAt(path=self.path, index=i, item=j), parent), True)
                         for j, item in enumerate(items)]
            else:
                rows.append((parent, bool({"order_no", "bill_type"} & set(parent.values))))
        currencies = {c for row, _ in rows if (c := row_currency(row))}
        hints = Hints.of(src.payload)
        fallback = currencies.pop() if len(currencies) == 1 else (hints.store.currency if hints.store else "")
        lines: list[Line] = []
        bills: list[tuple[BillRow, str]] = []
        skipped = 0
        for row, is_line in rows:
            currency = row_currency(row) or fallback
            if not is_line:
                if "bill_no" in row.values and "receivable" in row.values:
                    bills.append((row, currency))
                else:
                    skipped += 1
                continue
            if not currency:
                raise row.where.wrap(SourceError.of("shein_json_no_currency"))
            mode, basis = self._mode(row)
            line = bill_line(row, mode, basis, keyer, currency, src.captured_at, self._settled(row))
            if line is not None:
                lines.append(line)
        total = _count(info)
        stated = {"count": total, "rows": len(data), "page": params.get("page") or params.get("pageNum"),
                  "per_page": params.get("perPage") or params.get("pageSize")}
        if skipped:
            stated["skipped_rows"] = skipped
        if not lines and not bills and not total:
            return ParseResult(self.name, self.version, [], stated, [], self.report_type)
        store = self._store(src, params, [row for row, _ in rows], lines, hints)
        for line in lines:
            line.store = store
        totals = [self._bill_total(store, row, currency) for row, currency in bills]
        if total is not None:
            scope = tuple(sorted((k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str))
                                 for k, v in params.items() if _nk(k) not in _PAGING))
            families = sorted({line.key[0] for line in lines})
            if families and not bills:  # the key families the list's records become: what reconcile counts
                scope = (*scope, ("family", ",".join(families)))
            totals.append(Stated(store, "listing", self.report_type, None, store.currency, src.captured_at, total,
                                 scope))
        return ParseResult(self.name, self.version, lines, stated, totals, self.report_type)

    def _mode(self, row: BillRow) -> tuple[str, str]:
        present = {c for c in MONEY if c in row.values}
        mode, basis = mode_of(present, self.mode_hint)
        if mode:
            return mode, ("endpoint" if basis == "file name" else "keys")
        said = row.text("mode").lower()
        if "半托管" in said or "semi" in said:
            return "semi", "mode key"
        if "平台" in said or "platform" in said:
            return "platform", "mode key"
        return "platform", "default"

    def _settled(self, row: BillRow) -> bool:
        status = row.text("status")
        if is_pending(status):
            return False
        if any(w in status.lower() for w in ("已打款", "已结算", "已完成", "打款完成", "已付款", "settled", "paid")):
            return True
        if self.paid:  # a status code's meaning is a guess: it does not overrule the list being the paid one
            return True
        code_key = _nk(row.names.get("status", ""))
        if code_key in _PAID_CODES and status:
            return status == _PAID_CODES[code_key]
        return not _empty(row.values.get("pay_date"))

    def _store(self, src: SourceInput, params: dict, rows: list[BillRow], lines: list[Line], hints: Hints) -> StoreRef:
        """The supplier the capture is about: from the request, else the rows, else --account / the file name."""
        wanted = {_nk(k) for k in JSON_KEYS["supplier_id"]}
        supplier = next((text_of(v) for k, v in params.items() if _nk(k) in wanted and not _empty(v)), "")
        if not supplier:
            supplier = next((cells.text_id(r.values["supplier_id"], "supplierId") for r in rows
                             if "supplier_id" in r.values), "")
        name = next((r.text("supplier_name") for r in rows if r.text("supplier_name")), "")
        sites = {site_code(r.text("site")) for r in rows if r.text("site")}
        region = sites.pop() if len(sites) == 1 else ""
        currency = lines[0].currency if lines else next((c for r in rows if (c := row_currency(r))), "")
        if supplier:
            if hints.store is not None and hints.store.platform == PLATFORM and hints.store.external_id == supplier:
                return hints.store
            return StoreRef(PLATFORM, supplier, region, f"{LABEL} {name or supplier}", currency, TZ)
        if hints.store is not None or hints.account:
            if hints.store is not None and hints.store.platform != PLATFORM:
                raise SourceError.of("shein_account_other_platform", account=hints.account,
                                     platform=hints.store.platform)
            return hints.store or StoreRef(PLATFORM, hints.account, region, hints.account, currency, TZ)
        raise SourceError.of("shein_no_supplier", path=self.path)

    def _bill_total(self, store: StoreRef, row: BillRow, currency: str) -> Stated:
        """A whole bill (报账单) row: its amount, kept to reconcile the bill's lines against."""
        try:
            ref = cells.text_id(row.values["bill_no"], row.name("bill_no"))
            amount = row.amount("receivable")
            at = cells.when(row.values.get("pay_date"), TZ)
        except SourceError as exc:
            raise row.where.wrap(exc) from exc
        return Stated(store, "statement", ref, amount, currency or store.currency, at)


class ReportOrders(_SellerCenterList):
    """报账单 list: bills and, where the page lists them, their order rows."""

    name = "shein.seller_center.report_orders"
    report_type = "report_orders"
    path = REPORT_ORDERS_PATH


class PayedList(_SellerCenterList):
    """Paid bill rows of a platform-mode store (the 已完成账单 export's rows)."""

    name = "shein.seller_center.payed_list"
    report_type = "payed_list"
    path = PAYED_LIST_PATH
    mode_hint = "platform"
    paid = True


ADAPTERS = (ReportOrders(), PayedList())

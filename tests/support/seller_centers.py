"""Fixture seller centers served over HTTPS under their real host names (Chromium reaches them through
--host-resolver-rules), built from ../shared/reference/formats.md:
- TikTok's finance bills page: Arco tabs and pager over the order-list endpoint; each order's fee split, SKU
  and quantity only in its "View details" drawer (the transaction-detail call); an export download.
- Temu's fund-detail page: its own date-range picker (a default window of the last 30 days, no buttons to walk
  windows by), its pager, the pending tab.
- SHEIN's finance page (shineout tabs): paid bills and report orders, paged by the page's request.
The pages sign their own calls the way the real ones do (TikTok: a script that wraps fetch and XMLHttpRequest
and adds `token` and a `sign` over the other query parameters, as the seller center's security SDK does; Temu:
the Anti-Content header; SHEIN: a header of its own), so the tests can check the extension makes calls only
through the page and none of the secrets reaches the daemon.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from aiohttp import web

TIKTOK_HOST = "seller-us.tiktok.com"
TEMU_HOST = "agentseller.temu.com"
SHEIN_HOST = "sso.geiwohuo.com"
OTHER_HOST = "www.example-shop.com"  # a site without a descriptor: nothing may be captured there
ALI1688_HOST = "trade.1688.com"  # the 1688 buyer's order list (已买到的货品)
MTOP_HOST = "h5api.m.1688.com"  # 1688's MTOP gateway, where that page fetches its orders from
HOSTS = [TIKTOK_HOST, TEMU_HOST, SHEIN_HOST, OTHER_HOST, ALI1688_HOST, MTOP_HOST]
SELLER = "7495000000000000001"
MALL = "634418216263713"
SECRET = "PAGE-SECRET-TOKEN-42"  # the page's own token and sign values: never to reach the daemon
SIGN = "PAGE-SIGNATURE-99"
SHANGHAI_OFFSET_MS = 8 * 3600 * 1000
DAY_MS = 86_400_000


def tiktok_sign(params: dict[str, str]) -> str:
    """The fixture's request signature: over every query parameter but `sign` (the page's script and the
    server compute it alike), so a call whose parameters changed needs a fresh one from the page."""
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    return f"S{sum(map(ord, text)) % 1_000_003}"


def tiktok_row(n: int, status: int) -> dict:
    oid = f"5769{status}{n:011d}"
    cents = 1000 + n * 137 + status
    return {"statement_detail_id": f"SD{oid}", "reference_id": oid, "trade_order_id": oid,
            "placed_time": 1_761_955_200_000 + n * 60_000, "trade_type": "Order",
            "settlement_amount": {"amount": f"{cents // 100}.{cents % 100:02d}", "currency": "USD"},
            "earning_amount": {"amount": f"{cents // 100}.{cents % 100:02d}", "currency": "USD"},
            "settlement_status": status, "statement_id": f"ST{status}{n // 10:04d}"}


def tiktok_detail(row: dict) -> dict:
    """The drawer's fee split of an order-list row: gross sales less a seller discount, shipping (two
    sub-fees), transaction and referral fees (under out_come), adding up to the row's settlement amount."""
    n = int(row["reference_id"][-4:])
    settlement = Decimal(row["settlement_amount"]["amount"])
    referral = (settlement * Decimal("0.08")).quantize(Decimal("0.01"))
    transaction = (settlement * Decimal("0.03")).quantize(Decimal("0.01"))
    discount = Decimal(n % 3)
    label, paid = Decimal("4.20"), Decimal("1.99")
    gross = settlement + referral + transaction + discount + (label - paid)

    def money(value: Decimal) -> dict:
        return {"amount": str(value), "currency": "USD"}

    income = [{"fee_type": "gross_sales", "fee_name": "Gross sales", "amount": money(gross)},
              {"fee_type": "seller_discount", "fee_name": "Seller discount", "amount": money(-discount)},
              {"fee_type": "shipping", "fee_name": "Shipping", "amount": money(paid - label), "sub_fees": [
                  {"fee_name": "Customer-paid shipping fee", "amount": money(paid)},
                  {"fee_name": "TikTok Shop shipping fee", "amount": money(-label)}]}]
    outgo = [{"fee_type": "transaction_fee", "fee_name": "Transaction fee", "amount": money(-transaction)},
             {"fee_type": "referral_fee", "fee_name": "Referral fee", "amount": money(-referral)}]
    return {**row, "sku_id": f"17290000000{n % 4:06d}", "product_name": f"Mug {n % 4}", "quantity": 1 + n % 3,
            "in_come": {"amount": money(gross - discount + paid - label), "fee_list": income},
            "out_come": {"amount": money(-transaction - referral), "fee_list": outgo}}


def temu_row(n: int, at_ms: int) -> dict:
    cents = 500 + n * 41
    return {"transactionTime": at_ms, "fundTypeDesc": "交易收入", "currencyType": "USD",
            "amount": {"value": cents, "currencyCode": "USD", "digitalText": f"{cents / 100:.2f}"},
            "moneyChangeType": 1, "remark": "", "orderSn": f"PO-211-{n:06d}", "transSn": f"TS{n}"}


def temu_rows(now_ms: int) -> list[dict]:
    """12 fund rows of the last 30 days (the page's default window) and 5 of 35 to 40 days ago."""
    recent = [temu_row(n, now_ms - (n + 1) * 3_600_000) for n in range(12)]
    older = [temu_row(100 + n, now_ms - (35 + n) * DAY_MS) for n in range(5)]
    return recent + older


def shein_row(n: int, paid: bool) -> dict:
    gross = Decimal(20 + n)
    commission = (gross * Decimal("0.17")).quantize(Decimal("0.01"))
    row = {"reportOrderNo": f"B2510{n // 10:02d}", "bzOrderNo": f"GSUS25100{n:05d}", "skuCode": f"I0SKU{n % 5:03d}",
           "supplierSku": f"M-I0SKU{n % 5:03d}", "goodsName": "Linen shirt", "goodsCount": 1,
           "billTypeName": "订单销售收入-订单收入", "goodsPriceTotal": str(gross), "commissionAmount": str(commission),
           "incomeAmount": str(gross - commission), "site": "shein-us", "currencyCode": "USD",
           "supplierId": 100200, "supplierName": "Linen House", "orderTime": "2025-10-01 09:30:00"}
    if paid:
        row["completedPayTime"] = "2025-10-15 10:23:11"
    else:
        row["settlementStatus"] = 2
    return row


def amount_of(row: dict) -> Decimal:
    return Decimal(row["settlement_amount"]["amount"])


@dataclass
class SellerCenters:
    """What the fixture serves and what it saw. Tests change the lists and flags between steps."""

    settled: list[dict] = field(default_factory=lambda: [tiktok_row(n, 2) for n in range(23)])
    on_hold: list[dict] = field(default_factory=lambda: [tiktok_row(n, 1) for n in range(7)])
    page_size: int = 10
    now_ms: int = field(default_factory=lambda: int(datetime.now(UTC).timestamp() * 1000))
    temu_fund: list[dict] = field(default_factory=list)
    temu_page_size: int = 5
    shein_paid: list[dict] = field(default_factory=lambda: [shein_row(n, True) for n in range(23)])
    shein_pending: list[dict] = field(default_factory=lambda: [shein_row(100 + n, False) for n in range(4)])
    logged_out: bool = False
    relabelled: bool = False  # the seller center renamed its settled tab to words the extension does not know
    redesigned: bool = False  # the settled tab is gone: a layout the extension cannot find its way in
    delay_s: float = 0.0  # per list answer: a slow seller center
    detail_delay_s: float = 0.0  # per transaction-detail answer
    refuse_details: bool = False  # the seller center answers the drawer's call with an error
    export: bytes = b""
    export_name: str = "TikTok_FixtureShop_结算_2025-09.csv"
    ali1688_export: bytes = b""  # the 1688 buyer's order export its page's link downloads
    ali1688_export_name: str = "1688_买家订单_2025-10.xlsx"
    requests: list[str] = field(default_factory=list)
    detail_times: list[float] = field(default_factory=list)  # when each transaction-detail call arrived
    temu_calls: list[dict] = field(default_factory=list)  # the fund-detail calls' bodies, in order
    shein_calls: list[tuple[str, int]] = field(default_factory=list)  # (list, page) in order
    port: int = 0

    def __post_init__(self) -> None:
        if not self.temu_fund:
            self.temu_fund = temu_rows(self.now_ms)

    def details(self) -> list[str]:
        """The transaction-detail calls the TikTok fixture answered (their statement_detail_id)."""
        return [r.split("statement_detail_id=")[1].split("&")[0] for r in self.requests if "/transaction/detail?" in r]

    # lifecycle ----------------------------------------------------------------------------------------
    def start(self, cert: Path, key: Path) -> SellerCenters:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            self._runner = web.AppRunner(self.app())
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="fixture-seller-centers", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fixture seller centers did not start")
        return self

    def stop(self) -> None:
        async def down() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(down(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    # the app ------------------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.route)
        return app

    async def route(self, request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        self.requests.append(f"{request.method} {host}{request.path_qs}")
        if host == TIKTOK_HOST:
            return await self.tiktok(request)
        if host == TEMU_HOST:
            return await self.temu(request)
        if host == SHEIN_HOST:
            return await self.shein(request)
        if host == OTHER_HOST:
            return web.Response(text=OTHER_PAGE, content_type="text/html")
        if host == ALI1688_HOST and request.path == "/order/buyer_order_list.htm":
            return web.Response(text=ALI1688_PAGE, content_type="text/html")
        if host == ALI1688_HOST and request.path == "/fixture/export":  # the real download address is not known
            return web.Response(body=self.ali1688_export, headers={
                "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(self.ali1688_export_name)}"})
        if host == MTOP_HOST:
            return self.mtop(request)
        return web.Response(status=404)

    async def tiktok(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/finance/bills":
            if self.logged_out:
                raise web.HTTPFound("/account/login?redirect=%2Ffinance%2Fbills")
            page = TIKTOK_PAGE.replace("SELLER", SELLER).replace("SIGNER", TIKTOK_SIGNER)
            if self.relabelled:
                page = page.replace("<span>已结算 Settled</span>", "<span>Paid out</span>")
            if self.redesigned:
                page = page.replace(SETTLED_TAB, "")
            return web.Response(text=page, content_type="text/html")
        if path == "/account/login":
            return web.Response(text="<!doctype html><title>Log in</title><h1>Log in to TikTok Shop</h1>",
                                content_type="text/html")
        if path == "/finance/forge":
            return web.Response(text=FORGE_PAGE.replace("SELLER", SELLER).replace("SIGNER", TIKTOK_SIGNER),
                                content_type="text/html")
        if path == "/finance/tables":
            rows = "".join(f"<tr><td>{r['reference_id']}</td><td>{r['settlement_amount']['amount']}</td></tr>"
                           for r in self.settled[:3])
            return web.Response(text=TABLE_PAGE.replace("ROWS", rows), content_type="text/html")
        if path.startswith("/api/v1/pay/statement/"):
            q = request.query
            if q.get("token") != SECRET or q.get("sign") != tiktok_sign(dict(q)):
                return web.json_response({"code": 10001, "message": "sign check failed"})
        if path == "/api/v1/pay/statement/transaction/detail":
            self.detail_times.append(time.monotonic())
            if self.detail_delay_s:
                await asyncio.sleep(self.detail_delay_s)
            wanted = request.query.get("statement_detail_id")
            row = next((r for r in self.settled + self.on_hold if r["statement_detail_id"] == wanted), None)
            if self.refuse_details or row is None:
                return web.json_response({"code": 98001, "message": "no permission"})
            return web.json_response({"code": 0, "message": "success", "data": {"order_record": tiktok_detail(row)}})
        if path == "/api/v1/pay/statement/order/list":
            q = request.query
            if self.logged_out:
                return web.json_response({"code": 10000, "message": "not logged in"})
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            rows = self.on_hold if q.get("settlement_status") == "1" else self.settled
            start, size = int(q.get("from", 0)), int(q.get("size", self.page_size))
            page = rows[start:start + size]
            return web.json_response({"code": 0, "message": "success", "data": {
                "total_record": len(rows), "search_next_has_more": start + size < len(rows), "order_records": page}})
        if path == "/api/v1/pay/settlement/file/download":
            if request.query.get("token") != SECRET:
                return web.Response(status=403)
            return web.Response(body=self.export, headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(self.export_name)}"})
        return web.Response(status=404)

    async def temu(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/labor/bill":
            return web.Response(text=TEMU_PAGE.replace("PAGE_SIZE", str(self.temu_page_size)).replace(
                "NOW_MS", str(self.now_ms)), content_type="text/html")
        if request.method != "POST":
            return web.Response(status=404)
        if request.headers.get("Anti-Content") != SECRET or request.headers.get("mallid") != MALL:
            return web.json_response({"success": False, "errorCode": 40001, "errorMsg": "anti-content check failed"})
        body = await request.json()
        if path == "/api/merchant/fund/detail/pageSearch":
            self.temu_calls.append(body)
            begin, end = int(body["beginTime"]), int(body["endTime"])
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            rows = [r for r in self.temu_fund if begin <= r["transactionTime"] <= end]
            rows.sort(key=lambda r: -r["transactionTime"])
            size, num = int(body["pageSize"]), int(body["pageNum"])
            page = rows[(num - 1) * size: num * size]
            return web.json_response({"success": True, "errorCode": 1000000, "errorMsg": None,
                                      "result": {"total": len(rows), "resultList": page}})
        if path == "/api/xiaowenhou/settle-flow/sm/unsettle/page-query":
            return web.json_response({"success": True, "errorCode": 1000000, "result": {
                "total": 1, "totalAmount": _temu_money(2799), "dataUpdateTime": "2025-10-05 17:00:00",
                "resultList": [{"poSn": "PO-211-PEND-1", "productPaymentAmount": _temu_money(2400),
                                "shippingPaymentAmount": _temu_money(399), "totalAmount": _temu_money(2799),
                                "skuList": [{"skuId": "17290000000000011", "quantity": 1}]}]}})
        return web.json_response({"success": False, "errorCode": 404, "errorMsg": "no such call"})


    def mtop(self, request: web.Request) -> web.StreamResponse:
        """1688's MTOP gateway answering the buyer order list's call, as public code that captures it describes
        the envelope (`api`, `data.model`, `ret`): `data.model.data` holds the page's components. The fixture
        answers an empty list: no order keys of this call are documented (docs/sources.md, "1688 purchases")."""
        cors = {"Access-Control-Allow-Origin": f"https://{ALI1688_HOST}"}
        if request.query.get("sign") != SIGN:
            return web.json_response({"api": request.query.get("api", ""), "ret": ["FAIL_SYS_ILLEGAL_ACCESS::非法请求"],
                                      "data": {}, "v": "1.0"}, headers=cors)
        return web.json_response({"api": "mtop.1688.trade.faas.gateway", "v": "1.0", "ret": ["SUCCESS::调用成功"],
                                  "data": {"model": {"data": [], "success": True}}}, headers=cors)

    async def shein(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/":
            return web.Response(text=SHEIN_PAGE, content_type="text/html")
        if request.method != "POST":
            return web.Response(status=404)
        if request.headers.get("x-gw-auth") != SECRET:
            return web.json_response({"code": "401", "msg": "子系统登录重定向", "info": None})
        body = await request.json()
        lists = {"/gsfs/finance/platform/payedList": self.shein_paid,
                 "/gsfs/finance/reportOrder/dualMode/reportOrderList": self.shein_pending}
        if path not in lists:
            return web.json_response({"code": "404", "msg": "no such call", "info": None})
        rows, size, num = lists[path], int(body["perPage"]), int(body["page"])
        self.shein_calls.append((path.rsplit("/", 1)[1], num))
        return web.json_response({"code": "0", "msg": "OK", "info": {
            "data": rows[(num - 1) * size: num * size], "meta": {"count": len(rows)}}})


def _temu_money(cents: int) -> dict:
    return {"value": cents, "currencyCode": "USD", "digitalText": f"{cents / 100:.2f}"}


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


TIKTOK_SIGNER = """<script>
// The seller center's security script: wraps fetch and XMLHttpRequest and adds token and sign to every /api/
// call (sign over the other parameters), as TikTok's own SDK adds its signatures. Loaded before the app.
(function () {
  function signed(raw) {
    const u = new URL(raw, location.href);
    if (!u.pathname.startsWith("/api/")) return raw;
    u.searchParams.set("token", "PAGE-SECRET-TOKEN-42");
    u.searchParams.delete("sign");
    const params = {};
    u.searchParams.forEach((v, k) => { params[k] = v; });
    const text = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join("&");
    let sum = 0;
    for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
    u.searchParams.set("sign", "S" + (sum % 1000003));
    return u.href;
  }
  const pageFetch = window.fetch;
  window.fetch = function (input, init) {
    return pageFetch.call(this, typeof input === "string" ? signed(input) : input, init);
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    const args = Array.from(arguments);
    args[1] = signed(String(url));
    return open.apply(this, args);
  };
})();
</script>"""

SETTLED_TAB = """<div class="arco-tabs-header-title arco-tabs-header-title-active" data-status="2"><span>已结算 Settled</span> <span class="badge">(23)</span></div>"""

TIKTOK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Bills - TikTok Shop Seller Center</title>
<style>.arco-pagination-item-disabled{opacity:.4} .arco-tabs-header-title{display:inline-block;padding:6px;cursor:pointer}
.arco-tabs-header-title-active{font-weight:bold}</style></head>
SIGNER
<body>
<div class="arco-tabs"><div class="arco-tabs-header">
  <div class="arco-tabs-header-title" data-status="0"><span>Overview</span></div>
  <div class="arco-tabs-header-title" data-status="1"><span>Unsettled</span> <sup>7</sup></div>
  """ + SETTLED_TAB + """
  <div class="arco-tabs-header-title" data-status="1"><span>待结算&nbsp;On hold</span>
    <span class="badge">7</span></div>
</div></div>
<div class="arco-table"><table><thead><tr><th>Order ID</th><th>Settlement amount</th><th>Action</th></tr></thead>
<tbody id="rows"></tbody></table></div>
<div class="arco-drawer" id="drawer" hidden><div class="arco-drawer-title">Order details</div><div id="split"></div></div>
<ul class="arco-pagination-list">
  <li class="arco-pagination-item arco-pagination-item-prev">&lsaquo;</li>
  <li class="arco-pagination-item arco-pagination-item-active" id="page">1</li>
  <li class="arco-pagination-item arco-pagination-item-next">&rsaquo;</li>
</ul>
<a id="export" href="/api/v1/pay/settlement/file/download?file_id=F1&token=PAGE-SECRET-TOKEN-42&sign=PAGE-SIGNATURE-99">Export</a>
<div id="state"></div>
<script>
let status = "2", offset = 0;
const size = 10;
const next = document.querySelector(".arco-pagination-item-next");
function url() {
  return `/api/v1/pay/statement/order/list?oec_seller_id=SELLER&pagination_type=1&from=${offset}&size=${size}` +
    `&page_type=1&settlement_status=${status}&statement_version=0`;
}
function details(id) {  // the "View details" drawer: the only place an order's fee split is shown
  fetch(`/api/v1/pay/statement/transaction/detail?oec_seller_id=SELLER&statement_detail_id=${id}` +
    `&settlement_status=${status}&statement_version=0`).then((r) => r.json()).then((j) => {
    const rec = j.data.order_record;
    document.getElementById("split").textContent = rec.out_come.fee_list.map((f) => `${f.fee_name} ${f.amount.amount}`).join("; ");
    document.getElementById("drawer").hidden = false;
  });
}
function render(j) {
  const rows = (j.data && j.data.order_records) || [];
  document.getElementById("rows").innerHTML = rows.map((r) =>
    `<tr><td>${r.reference_id}</td><td>${r.settlement_amount.amount}</td>` +
    `<td><a class="view-details" data-id="${r.statement_detail_id}">View details</a></td></tr>`).join("");
  for (const a of document.querySelectorAll(".view-details")) a.addEventListener("click", () => details(a.dataset.id));
  next.classList.toggle("arco-pagination-item-disabled", !(j.data && j.data.search_next_has_more));
  document.getElementById("page").textContent = String(offset / size + 1);
  document.getElementById("state").textContent = `${status}:${offset}`;
}
function load() {
  if (status === "1") {  // the on-hold tab uses XMLHttpRequest, the settled tab fetch: both are captured
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url());
    xhr.onload = () => render(JSON.parse(xhr.responseText));
    xhr.send();
  } else {
    fetch(url()).then((r) => r.json()).then(render);
  }
}
for (const tab of document.querySelectorAll(".arco-tabs-header-title")) {
  tab.addEventListener("click", () => {
    if (tab.dataset.status === "0") {  // the overview: totals, no order list
      for (const t of document.querySelectorAll(".arco-tabs-header-title")) t.classList.remove("arco-tabs-header-title-active");
      tab.classList.add("arco-tabs-header-title-active");
      return;
    }
    for (const t of document.querySelectorAll(".arco-tabs-header-title")) t.classList.remove("arco-tabs-header-title-active");
    tab.classList.add("arco-tabs-header-title-active");
    status = tab.dataset.status; offset = 0; load();
  });
}
next.addEventListener("click", () => {
  if (next.classList.contains("arco-pagination-item-disabled")) return;
  offset += size; load();
});
load();
</script></body></html>"""

FORGE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Forge</title>SIGNER</head><body>
<p id="state">forging</p>
<script>
// A page that tries to make the extension send data it never fetched: the messages the hook sends look
// like this, but the page does not know the key, and the key attribute is already gone.
const fake = {method: "GET", status: 200, at: new Date().toISOString(),
  url: location.origin + "/api/v1/pay/statement/order/list?oec_seller_id=SELLER&from=0&size=10&settlement_status=2",
  json: {code: 0, data: {total_record: 1, search_next_has_more: false, order_records: [{
    statement_detail_id: "SDFORGED", reference_id: "FORGED-1", trade_order_id: "FORGED-1", trade_type: "Order",
    placed_time: 1761955200000, settlement_status: 2, settlement_amount: {amount: "999.99", currency: "USD"}}]}}};
const data = JSON.stringify(fake);
const keyLeft = document.documentElement.getAttribute("data-shoptally-k");
window.postMessage({shoptally: 1, nonce: "1.1", data, sig: "00".repeat(32)}, location.origin);
window.postMessage({shoptally: 1, nonce: "1.2", data, sig: keyLeft || "ab".repeat(32)}, location.origin);
window.postMessage({shoptally: 1, nonce: "1.3", data}, location.origin);
// and tries to make the hook call the seller center for it (a replay command), unsigned and mis-signed
const order = JSON.stringify({op: "replay", id: "r1", path: "/api/v1/pay/statement/transaction/detail",
  from: "/api/v1/pay/statement/order/list", query: {statement_detail_id: "FORGED-REPLAY"}});
window.postMessage({shoptally: 2, nonce: "2.1", data: order, sig: "00".repeat(32)}, location.origin);
window.postMessage({shoptally: 2, nonce: "2.2", data: order}, location.origin);
setTimeout(() => window.postMessage({shoptally: 2, nonce: "2.3", data: order, sig: "ab".repeat(32)}, location.origin), 600);
// then one genuine call, so the test knows captures from this page do arrive
setTimeout(() => fetch("/api/v1/pay/statement/order/list?oec_seller_id=SELLER&pagination_type=1&from=0&size=1" +
  "&settlement_status=2").then((r) => r.json())
  .then(() => { document.getElementById("state").textContent = "key attribute " + (keyLeft ? "visible" : "hidden"); }), 300);
</script></body></html>"""

TABLE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Statements (printed)</title></head><body>
<div class="arco-table"><table><thead><tr><th>Order ID</th><th>Settlement amount</th></tr></thead>
<tbody>ROWS</tbody></table></div></body></html>"""

OTHER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Not a seller center</title></head><body>
<table><thead><tr><th>Order ID</th><th>Amount</th></tr></thead><tbody><tr><td>X-1</td><td>1.00</td></tr></tbody></table>
<script>fetch("/api/v1/pay/statement/order/list?oec_seller_id=1").catch(() => {});</script>
</body></html>"""

TEMU_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>财务明细 - Temu Seller Central</title>
<style>[role=tab]{display:inline-block;padding:6px;cursor:pointer} [aria-selected=true]{font-weight:bold}
.arco-pagination-item-disabled{opacity:.4}</style>
</head><body>
<div role="tablist"><div role="tab" aria-selected="true" data-view="fund">财务明细</div>
<div role="tab" aria-selected="false" data-view="pending">待处理款项</div></div>
<div class="arco-picker arco-picker-range" id="range"><input readonly id="range-start"> → <input readonly id="range-end"></div>
<table><thead><tr><th>时间</th><th>类型</th><th>金额</th></tr></thead><tbody id="rows"></tbody></table>
<ul class="arco-pagination"><li class="arco-pagination-item-prev">上一页</li>
<li class="arco-pagination-item arco-pagination-item-active" id="page">1</li>
<li class="arco-pagination-item-next">下一页</li></ul>
<div id="state"></div>
<script>
// The page's default window: the last 30 days, from the start of a day in GMT+8 to now.
const NOW = NOW_MS, DAY = 86400000, CN = 8 * 3600000;
const endTime = NOW, beginTime = Math.floor((NOW + CN) / DAY) * DAY - CN - 29 * DAY;
document.getElementById("range-start").value = new Date(beginTime + CN).toISOString().slice(0, 10);
document.getElementById("range-end").value = new Date(endTime + CN).toISOString().slice(0, 10);
let view = "fund", page = 1;
const size = PAGE_SIZE;
const next = document.querySelector(".arco-pagination-item-next");
function call(path, body) {
  return fetch(path, {method: "POST", credentials: "include",
    headers: {"content-type": "application/json", "mallid": "MALL", "Anti-Content": "PAGE-SECRET-TOKEN-42"},
    body: JSON.stringify(body)}).then((r) => r.json());
}
function load() {
  if (view === "pending") {
    call("/api/xiaowenhou/settle-flow/sm/unsettle/page-query", {pageSize: 50, pageNum: 1}).then((j) => {
      document.getElementById("rows").innerHTML = j.result.resultList.map((r) => `<tr><td>${r.poSn}</td></tr>`).join("");
      next.classList.add("arco-pagination-item-disabled");
    });
    return;
  }
  call("/api/merchant/fund/detail/pageSearch", {beginTime, endTime, pageSize: size, pageNum: page}).then((j) => {
    const rows = j.result.resultList;
    document.getElementById("rows").innerHTML = rows.map((r) => `<tr><td>${r.transactionTime}</td><td>${r.fundTypeDesc}</td><td>${r.amount.digitalText}</td></tr>`).join("");
    next.classList.toggle("arco-pagination-item-disabled", page * size >= j.result.total);
    document.getElementById("page").textContent = String(page);
    document.getElementById("state").textContent = `fund:${page}`;
  });
}
for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => {
  for (const t of document.querySelectorAll("[role=tab]")) t.setAttribute("aria-selected", "false");
  tab.setAttribute("aria-selected", "true"); view = tab.dataset.view; page = 1; load();
});
next.addEventListener("click", () => { if (!next.classList.contains("arco-pagination-item-disabled")) { page += 1; load(); } });
load();
</script></body></html>""".replace("MALL", MALL)

SHEIN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>账单管理 - SHEIN</title>
<style>.so-tabs-tab{display:inline-block;padding:6px;cursor:pointer} .so-tabs-tab.so-tabs-active{font-weight:bold}</style>
</head><body>
<div class="so-tabs"><div class="so-tabs-header">
  <div class="so-tabs-tab so-tabs-active" data-view="paid">已完成账单</div>
  <div class="so-tabs-tab" data-view="report">报账单 <span class="so-badge">4</span></div>
</div></div>
<table><thead><tr><th>账单号</th><th>订单号</th><th>应收金额</th></tr></thead><tbody id="rows"></tbody></table>
<div class="so-pagination"><a class="so-pagination-item" id="page">1</a><a class="so-pagination-item" id="next">›</a></div>
<div id="state"></div>
<script>
let view = "paid", page = 1;
const perPage = 10;
const paths = {paid: "/gsfs/finance/platform/payedList", report: "/gsfs/finance/reportOrder/dualMode/reportOrderList"};
function load() {
  fetch(paths[view], {method: "POST", credentials: "include",
    headers: {"content-type": "application/json", "x-gw-auth": "PAGE-SECRET-TOKEN-42"},
    body: JSON.stringify({page, perPage})}).then((r) => r.json()).then((j) => {
    document.getElementById("rows").innerHTML = j.info.data.map((r) =>
      `<tr><td>${r.reportOrderNo}</td><td>${r.bzOrderNo}</td><td>${r.incomeAmount}</td></tr>`).join("");
    document.getElementById("page").textContent = String(page);
    document.getElementById("state").textContent = `${view}:${page}`;
  });
}
for (const tab of document.querySelectorAll(".so-tabs-tab")) tab.addEventListener("click", () => {
  for (const t of document.querySelectorAll(".so-tabs-tab")) t.classList.remove("so-tabs-active");
  tab.classList.add("so-tabs-active"); view = tab.dataset.view; page = 1; load();
});
document.getElementById("next").addEventListener("click", () => { page += 1; load(); });
load();
</script></body></html>"""

ALI1688_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>已买到的货品 - 阿里巴巴</title></head><body>
<a id="export" href="/fixture/export">批量导出</a>
<div id="state"></div>
<script>
const query = new URLSearchParams({jsv: "2.7.2", appKey: "12574478", t: String(Date.now()), sign: "SIGN",
  api: "mtop.1688.trade.faas.gateway", v: "1.0", type: "originaljson", dataType: "json",
  data: JSON.stringify({pageNum: 1, pageSize: 10})});
fetch("https://MTOP/h5/mtop.1688.trade.faas.gateway/1.0/?" + query).then((r) => r.json()).then((j) => {
  document.getElementById("state").textContent = "list:" + j.ret[0];
});
</script></body></html>""".replace("SIGN", SIGN).replace("MTOP", MTOP_HOST)

"""Fixture seller centers served over HTTPS under their real host names (Chromium reaches them through
--host-resolver-rules): TikTok's finance bills page (Arco tabs and pager over the order-list endpoint, an
export download) and Temu's fund-detail page (date windows, the pending tab), built from
../shared/reference/formats.md. The pages sign their own calls (`token`/`sign` query parameters,
Temu's Anti-Content header) the way the real ones do, so the tests can check none of it reaches the daemon.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from aiohttp import web

TIKTOK_HOST = "seller-us.tiktok.com"
TEMU_HOST = "agentseller.temu.com"
OTHER_HOST = "www.example-shop.com"  # a site without a descriptor: nothing may be captured there
HOSTS = [TIKTOK_HOST, TEMU_HOST, OTHER_HOST]
SELLER = "7495000000000000001"
MALL = "634418216263713"
SECRET = "PAGE-SECRET-TOKEN-42"  # the page's own token and sign values: never to reach the daemon
SIGN = "PAGE-SIGNATURE-99"
SHANGHAI_OFFSET_MS = 8 * 3600 * 1000


def tiktok_row(n: int, status: int) -> dict:
    oid = f"5769{status}{n:011d}"
    cents = 1000 + n * 137 + status
    return {"statement_detail_id": f"SD{oid}", "reference_id": oid, "trade_order_id": oid,
            "placed_time": 1_761_955_200_000 + n * 60_000, "trade_type": "Order",
            "settlement_amount": {"amount": f"{cents // 100}.{cents % 100:02d}", "currency": "USD"},
            "earning_amount": {"amount": f"{cents // 100}.{cents % 100:02d}", "currency": "USD"},
            "settlement_status": status, "statement_id": f"ST{status}{n // 10:04d}"}


def temu_row(n: int, month: int) -> dict:
    day = 1 + n % 27
    ms = int(datetime(2025, month, day, 4, n % 60, tzinfo=UTC).timestamp()) * 1000
    cents = 500 + n * 41
    return {"transactionTime": ms, "fundTypeDesc": "交易收入", "currencyType": "USD",
            "amount": {"value": cents, "currencyCode": "USD", "digitalText": f"{cents / 100:.2f}"},
            "moneyChangeType": 1, "remark": "", "orderSn": f"PO-211-{month:02d}{n:04d}", "transSn": f"TS{month}{n}"}


def amount_of(row: dict) -> Decimal:
    return Decimal(row["settlement_amount"]["amount"])


@dataclass
class SellerCenters:
    """What the fixture serves and what it saw. Tests change the lists and flags between steps."""

    settled: list[dict] = field(default_factory=lambda: [tiktok_row(n, 2) for n in range(23)])
    on_hold: list[dict] = field(default_factory=lambda: [tiktok_row(n, 1) for n in range(7)])
    page_size: int = 10
    temu_windows: dict[int, list[dict]] = field(default_factory=lambda: {
        9: [temu_row(n, 9) for n in range(12)], 8: [temu_row(n, 8) for n in range(5)]})
    temu_page_size: int = 5
    logged_out: bool = False
    relabelled: bool = False  # the seller center renamed its tabs: a layout the extension does not know
    delay_s: float = 0.0  # per list answer: a slow seller center
    export: bytes = b""
    export_name: str = "TikTok_FixtureShop_结算_2025-09.csv"
    requests: list[str] = field(default_factory=list)
    port: int = 0

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
        if host == OTHER_HOST:
            return web.Response(text=OTHER_PAGE, content_type="text/html")
        return web.Response(status=404)

    async def tiktok(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/finance/bills":
            if self.logged_out:
                raise web.HTTPFound("/account/login?redirect=%2Ffinance%2Fbills")
            page = TIKTOK_PAGE.replace("SELLER", SELLER)
            if self.relabelled:
                page = page.replace("<span>已结算 Settled</span>", "<span>Paid out</span>")
            return web.Response(text=page, content_type="text/html")
        if path == "/account/login":
            return web.Response(text="<!doctype html><title>Log in</title><h1>Log in to TikTok Shop</h1>",
                                content_type="text/html")
        if path == "/finance/forge":
            return web.Response(text=FORGE_PAGE.replace("SELLER", SELLER), content_type="text/html")
        if path == "/finance/tables":
            rows = "".join(f"<tr><td>{r['reference_id']}</td><td>{r['settlement_amount']['amount']}</td></tr>"
                           for r in self.settled[:3])
            return web.Response(text=TABLE_PAGE.replace("ROWS", rows), content_type="text/html")
        if path == "/api/v1/pay/statement/order/list":
            q = request.query
            if q.get("token") != SECRET or q.get("sign") != SIGN:
                return web.json_response({"code": 10001, "message": "sign check failed"})
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
            return web.Response(text=TEMU_PAGE.replace("PAGE_SIZE", str(self.temu_page_size)), content_type="text/html")
        if request.method != "POST":
            return web.Response(status=404)
        if request.headers.get("Anti-Content") != SECRET or request.headers.get("mallid") != MALL:
            return web.json_response({"success": False, "errorCode": 40001, "errorMsg": "anti-content check failed"})
        body = await request.json()
        if path == "/api/merchant/fund/detail/pageSearch":
            begin, end = int(body["beginTime"]), int(body["endTime"])
            rows = [r for rows in self.temu_windows.values() for r in rows if begin <= r["transactionTime"] <= end]
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


def _temu_money(cents: int) -> dict:
    return {"value": cents, "currencyCode": "USD", "digitalText": f"{cents / 100:.2f}"}


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def temu_window_ms(month: int) -> tuple[int, int]:
    """The window the Temu page asks for: a calendar month of 2025 in GMT+8, as epoch milliseconds."""
    begin = int(datetime(2025, month, 1, tzinfo=UTC).timestamp()) * 1000 - SHANGHAI_OFFSET_MS
    end = int(datetime(2025, month + 1, 1, tzinfo=UTC).timestamp()) * 1000 - SHANGHAI_OFFSET_MS - 1
    return begin, end


_WINDOWS = {m: temu_window_ms(m) for m in (8, 9)}

TIKTOK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Bills - TikTok Shop Seller Center</title>
<style>.arco-pagination-item-disabled{opacity:.4} .arco-tabs-header-title{display:inline-block;padding:6px;cursor:pointer}
.arco-tabs-header-title-active{font-weight:bold}</style></head>
<body>
<div class="arco-tabs"><div class="arco-tabs-header">
  <div class="arco-tabs-header-title" data-status="0"><span>Overview</span></div>
  <div class="arco-tabs-header-title" data-status="1"><span>Unsettled</span> <sup>7</sup></div>
  <div class="arco-tabs-header-title arco-tabs-header-title-active" data-status="2"><span>已结算 Settled</span> <span class="badge">(23)</span></div>
  <div class="arco-tabs-header-title" data-status="1"><span>待结算&nbsp;On hold</span>
    <span class="badge">7</span></div>
</div></div>
<div class="arco-table"><table><thead><tr><th>Order ID</th><th>Settlement amount</th></tr></thead>
<tbody id="rows"></tbody></table></div>
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
    `&page_type=1&settlement_status=${status}&statement_version=0&token=PAGE-SECRET-TOKEN-42&sign=PAGE-SIGNATURE-99`;
}
function render(j) {
  const rows = (j.data && j.data.order_records) || [];
  document.getElementById("rows").innerHTML = rows.map((r) =>
    `<tr><td>${r.reference_id}</td><td>${r.settlement_amount.amount}</td></tr>`).join("");
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
<html><head><meta charset="utf-8"><title>Forge</title></head><body>
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
// then one genuine call, so the test knows captures from this page do arrive
setTimeout(() => fetch("/api/v1/pay/statement/order/list?oec_seller_id=SELLER&pagination_type=1&from=0&size=1" +
  "&settlement_status=2&token=PAGE-SECRET-TOKEN-42&sign=PAGE-SIGNATURE-99").then((r) => r.json())
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

TEMU_PAGE = ("""<!doctype html>
<html><head><meta charset="utf-8"><title>财务明细 - Temu Seller Central</title>
<style>[role=tab]{display:inline-block;padding:6px;cursor:pointer} [aria-selected=true]{font-weight:bold}
.date-window{margin:4px} .date-window.active{font-weight:bold} .arco-pagination-item-disabled{opacity:.4}</style>
</head><body>
<div role="tablist"><div role="tab" aria-selected="true" data-view="fund">财务明细</div>
<div role="tab" aria-selected="false" data-view="pending">待处理款项</div></div>
<div id="windows"><button class="date-window active" data-month="9">2025-09</button>
<button class="date-window" data-month="8">2025-08</button></div>
<table><thead><tr><th>时间</th><th>类型</th><th>金额</th></tr></thead><tbody id="rows"></tbody></table>
<ul><li class="arco-pagination-item-next">下一页</li></ul>
<div id="state"></div>
<script>
const WINDOWS = WINDOWS_JSON;
let view = "fund", month = "9", page = 1;
const size = PAGE_SIZE;
const next = document.querySelector(".arco-pagination-item-next");
function call(path, body) {
  return fetch(path, {method: "POST", credentials: "include",
    headers: {"content-type": "application/json", "mallid": "MALL", "Anti-Content": "PAGE-SECRET-TOKEN-42"},
    body: JSON.stringify(body)}).then((r) => r.json());
}
function load() {
  if (view === "pending") {
    document.getElementById("windows").style.display = "none";
    call("/api/xiaowenhou/settle-flow/sm/unsettle/page-query", {pageSize: 50, pageNum: 1}).then((j) => {
      document.getElementById("rows").innerHTML = j.result.resultList.map((r) => `<tr><td>${r.poSn}</td></tr>`).join("");
      next.classList.add("arco-pagination-item-disabled");
    });
    return;
  }
  document.getElementById("windows").style.display = "";
  const [beginTime, endTime] = WINDOWS[month];
  call("/api/merchant/fund/detail/pageSearch", {beginTime, endTime, pageSize: size, pageNum: page}).then((j) => {
    const rows = j.result.resultList;
    document.getElementById("rows").innerHTML = rows.map((r) => `<tr><td>${r.transactionTime}</td><td>${r.fundTypeDesc}</td><td>${r.amount.digitalText}</td></tr>`).join("");
    next.classList.toggle("arco-pagination-item-disabled", page * size >= j.result.total);
    document.getElementById("state").textContent = `${month}:${page}`;
  });
}
for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => {
  for (const t of document.querySelectorAll("[role=tab]")) t.setAttribute("aria-selected", "false");
  tab.setAttribute("aria-selected", "true"); view = tab.dataset.view; page = 1; load();
});
for (const w of document.querySelectorAll(".date-window")) w.addEventListener("click", () => {
  for (const x of document.querySelectorAll(".date-window")) x.classList.remove("active");
  w.classList.add("active"); month = w.dataset.month; page = 1; load();
});
next.addEventListener("click", () => { if (!next.classList.contains("arco-pagination-item-disabled")) { page += 1; load(); } });
load();
</script></body></html>"""
             .replace("WINDOWS_JSON", json.dumps({str(m): list(w) for m, w in _WINDOWS.items()}))
             .replace("MALL", MALL))

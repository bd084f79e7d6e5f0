// node --test: site descriptors (extension/sites/sites.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { siteFor, byId, isApi, listPage, SITES } = require("../../extension/sites/sites.js");

test("each seller center host has its descriptor, and nothing else has one", () => {
  const id = (url) => (siteFor(url) || {}).id || null;
  for (const host of ["seller-us.tiktok.com", "seller-uk.tiktok.com", "seller-mx.tiktok.com",
    "seller.us.tiktokshopglobalselling.com", "seller.tiktokglobalshop.com"]) {
    assert.equal(id(`https://${host}/finance/bills`), "tiktok", host);
  }
  for (const host of ["agentseller.temu.com", "agentseller-us.temu.com", "agentseller-eu.temu.com", "seller.kuajingmaihuo.com"]) {
    assert.equal(id(`https://${host}/labor/bill`), "temu", host);
  }
  assert.equal(id("https://sso.geiwohuo.com/#/gsfs/finance"), "shein");
  for (const url of ["https://www.tiktok.com/", "http://seller-us.tiktok.com/", "https://seller-us.tiktok.com.evil.example/",
    "https://evil.example/seller-us.tiktok.com", "https://www.temu.com/", "chrome://extensions"]) {
    assert.equal(id(url), null, url);
  }
});

test("only the settlement calls of a site are kept", () => {
  const tiktok = byId("tiktok");
  assert.ok(isApi(tiktok, "https://seller-us.tiktok.com/api/v1/pay/statement/order/list?x=1"));
  assert.ok(isApi(tiktok, "https://seller-us.tiktok.com/api/v1/pay/statement/stat/info"));
  assert.ok(!isApi(tiktok, "https://seller-us.tiktok.com/api/v1/product/list"));
  assert.ok(isApi(byId("temu"), "https://agentseller.temu.com/api/merchant/fund/detail/pageSearch"));
  assert.ok(isApi(byId("shein"), "https://sso.geiwohuo.com/gsfs/finance/platform/payedList"));
  assert.deepEqual(SITES.map((s) => s.id), ["tiktok", "temu", "shein", "1688"]);
});

test("1688's buyer pages are a site whose order calls come from its MTOP gateway, and it has no sync", () => {
  const { fromSite } = require("../../extension/sites/sites.js");
  const site = siteFor("https://trade.1688.com/order/buyer_order_list.htm");
  assert.equal(site && site.id, "1688");
  assert.equal(siteFor("https://air.1688.com/app/ctf-page/trade-order-list/buyer-order-list.html").id, "1688");
  assert.equal(siteFor("https://www.1688.com/"), null); // the market itself: nothing captured
  const list = "https://h5api.m.1688.com/h5/mtop.1688.trade.faas.gateway/1.0/?api=mtop.1688.trade.faas.gateway";
  const detail = "https://h5api.m.1688.com/h5/mtop.1688.mtoporderservice.queryorder/1.0/";
  assert.ok(isApi(site, list) && isApi(site, detail));
  assert.ok(!isApi(site, "https://h5api.m.1688.com/h5/mtop.1688.offer.search/1.0/"));
  assert.ok(fromSite(site, list, "https://trade.1688.com"));
  assert.ok(!fromSite(site, "https://evil.example/h5/mtop.1688.trade.x/1.0/", "https://trade.1688.com"));
  assert.ok(!fromSite(byId("tiktok"), list, "https://seller-us.tiktok.com"));
  assert.equal(site.sync, undefined);
});

test("a list page says its rows, keys, total and whether more follow", () => {
  const list = byId("tiktok").sync.list;
  const body = { code: 0, data: { total_record: 23, search_next_has_more: true, order_records: [
    { statement_detail_id: "SD1", reference_id: "R1" }, { reference_id: "R2" }, {}] } };
  assert.deepEqual(listPage(list, body), { ok: true, rows: 3, keys: ["SD1", "R2", null], total: 23, hasMore: true });
  assert.equal(listPage(list, { code: 10000, message: "not logged in" }).ok, false);
  const temu = byId("temu").sync.list;
  assert.deepEqual(listPage(temu, { success: true, result: { total: "12", resultList: [{}, {}] } }),
    { ok: true, rows: 2, keys: [], total: 12, hasMore: null });
});

test("an order-list answer belongs to the settled or the on-hold view by its settlement_status", () => {
  const { forView } = require("../../extension/sites/sites.js");
  const [settled, onHold] = byId("tiktok").sync.views;
  const url = (status) => `https://seller-us.tiktok.com/api/v1/pay/statement/order/list?from=0&settlement_status=${status}`;
  assert.ok(forView(settled, url(2)) && !forView(settled, url(1)));
  assert.ok(forView(onHold, url(1)) && !forView(onHold, url(2)));
  assert.ok(forView(byId("temu").sync.views[0], "https://agentseller.temu.com/api/merchant/fund/detail/pageSearch"));
});

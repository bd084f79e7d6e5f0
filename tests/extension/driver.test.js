// node --test: the sync driver's list of answers (extension/capture/driver.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { ResponseLog } = require("../../extension/capture/driver.js");

const list = { api: /^\/api\/list/ };

test("a wait returns the first matching answer after the given number, or null on timeout", async () => {
  const log = new ResponseLog();
  log.add("https://h.example/api/list?page=1", { page: 1 });
  log.add("https://h.example/api/other", { other: true });
  assert.equal((await log.next(list, 0, 10)).body.page, 1);
  const since = log.seq;
  const waiting = log.next(list, since, 1000);
  setTimeout(() => log.add("https://h.example/api/list?page=2", { page: 2 }), 20);
  assert.equal((await waiting).body.page, 2);
  assert.equal(await log.next(list, log.seq, 30), null);
  assert.equal(log.latest(list).body.page, 2);
});

const { labelWords, viewOfLabel, bestTab, meansNext, shownUrl } = require("../../extension/capture/driver.js");
const { byId } = require("../../extension/sites/sites.js");

test("a label is reduced to its words: NFKC, lowercase, no counts, badges, digits or punctuation", () => {
  assert.equal(labelWords("已结算 Settled (23)"), "已结算 settled");
  assert.equal(labelWords("Ｓｅｔｔｌｅｄ（２５）"), "settled");
  assert.equal(labelWords("  On\u00a0 hold\n 7 [new] "), "on hold");
  assert.equal(labelWords("Settled・"), "settled");
});

test("a TikTok tab is found by meaning, whatever counts, languages and spacing its label carries", () => {
  const views = byId("tiktok").sync.views; // 0 settled, 1 in transit / on hold
  for (const label of ["Settled", "已结算 Settled", "Settled (25)", "Settled\n25", "  settled  ", "已结算（25）",
    "Statements (3)", "SETTLED · 12"]) {
    assert.equal(viewOfLabel(label, views), 0, label);
  }
  for (const label of ["待结算 On hold (3)", "On   hold", "Unsettled", "Unsettled (4)", "未结算", "To settle"]) {
    assert.equal(viewOfLabel(label, views), 1, label);
  }
  for (const label of ["Overview", "Not settled", "Settlement", "Paid out", ""]) {
    assert.equal(viewOfLabel(label, views), -1, label);
  }
});

test("of several tabs the one that means the view best is chosen, never the other view's", () => {
  const views = byId("tiktok").sync.views;
  const labels = ["Overview", "Unsettled (4)", "已结算 Settled (23)", "待结算 On hold (7)"];
  assert.equal(bestTab(labels, views, 0), 2);
  assert.equal(bestTab(labels, views, 1), 1); // "Unsettled" and "On hold" both mean it: the shorter label
  assert.equal(bestTab(["Overview", "Unsettled"], views, 0), -1);
  const shein = byId("shein").sync.views;
  assert.equal(bestTab(["已完成账单 Completed bills 12", "报账单 Report orders 3"], shein, 0), 0);
  assert.equal(bestTab(["已完成账单 Completed bills 12", "报账单 Report orders 3"], shein, 1), 1);
});

test("a pager's next control is recognised by its name, not by a previous or other button", () => {
  for (const name of ["Next", "Next page", "next  page", "下一页", "Go to next page"]) assert.ok(meansNext(name), name);
  for (const name of ["Previous", "Previous page", "上一页", "Export", "Settled", "", "›"]) assert.ok(!meansNext(name), name);
});

test("the URL an error shows keeps the path and hash route, never a secret query value", () => {
  require("../../extension/lib/scrub.js");
  const loc = new URL("https://seller-us.tiktok.com/finance/bills?tab=statements&token=SECRET&sign=S");
  assert.equal(shownUrl(loc), "https://seller-us.tiktok.com/finance/bills?tab=statements");
  const shein = new URL("https://sso.geiwohuo.com/#/gsfs/finance/bill?token=SECRET");
  assert.equal(shownUrl(shein), "https://sso.geiwohuo.com/#/gsfs/finance/bill");
});

/** A page as the driver reads it: elements with text, attributes and a size, found by the selectors asked. */
function fakePage(items) {
  const els = items.map(({ sel, text, attrs = {}, hidden = false }) => ({
    sel, textContent: text, classList: { contains: (c) => (attrs.class || "").split(" ").includes(c) },
    getAttribute: (name) => (name in attrs ? attrs[name] : null), hasAttribute: (name) => name in attrs,
    getBoundingClientRect: () => ({ width: hidden ? 0 : 10, height: hidden ? 0 : 10 }),
    contains(other) { return other === this; }, closest: () => null,
  }));
  return { querySelectorAll: (query) => els.filter((el) => query.split(",").some((q) => q.trim() === el.sel)) };
}

test("the driver picks the tab that means the view, and says what it saw when none does", () => {
  require("../../extension/lib/scrub.js");
  const { Driver } = require("../../extension/capture/driver.js");
  const site = byId("tiktok");
  const loc = new URL("https://seller-us.tiktok.com/finance/bills?tab=statements&token=SECRET");
  const page = fakePage([
    { sel: ".arco-tabs-header-title", text: "Overview" },
    { sel: ".arco-tabs-header-title", text: "Unsettled\n 7" },
    { sel: ".arco-tabs-header-title", text: "已结算 Settled (23)" },
    { sel: ".arco-tabs-header-title", text: "Hidden settled", hidden: true },
    { sel: "[role=tab]", text: "待结算 On hold (7)" },
    { sel: "button", text: "Export" },
    { sel: "button", text: "  Export " },
    { sel: ".arco-pagination-item-next", text: "›", attrs: { class: "arco-pagination-item-disabled" } },
  ]);
  const driver = new Driver(site, null, async () => {}, page, loc);
  assert.equal(driver.findTab(0).textContent, "已结算 Settled (23)");
  assert.equal(driver.findTab(1).textContent, "Unsettled\n 7");
  assert.equal(driver.nextButton(), null); // the pager is there but disabled
  assert.equal(driver.seen(), 'tabs seen: "Overview", "Unsettled 7", "已结算 Settled (23)", "待结算 On hold (7)"; '
    + 'buttons seen: "Export"; pager: a next button');
  const bare = new Driver(site, null, async () => {}, fakePage([
    { sel: "[role=tab]", text: "Paid out" }, { sel: "[aria-label]", text: "", attrs: { "aria-label": "Next page" } },
  ]), loc);
  assert.equal(bare.findTab(0), null);
  assert.equal(bare.seen(), 'tabs seen: "Paid out"; buttons seen: none; pager: a next button');
  assert.equal(bare.nextButton().getAttribute("aria-label"), "Next page"); // found by its name alone
});

// The driver walking a list by making the page's own call again (fake page: a list of dated rows).
require("../../extension/sites/sites.js");
const { Driver, requestValues, findKey } = require("../../extension/capture/driver.js");

test("a list call's page number, size and date window are found in its body or query", () => {
  const entry = { url: "https://h.example/api/list?pageNo=2&limit=20", request: { body: '{"beginTime":100,"endTime":"200"}' } };
  const values = requestValues(entry);
  assert.deepEqual(findKey(values, ["pageNum", "pageNo"]), { key: "pageNo", where: "query", value: 2 });
  assert.deepEqual(findKey(values, ["beginTime"]), { key: "beginTime", where: "body", value: 100 });
  assert.deepEqual(findKey(values, ["endTime"]), { key: "endTime", where: "body", value: 200 });
  assert.equal(findKey(values, ["pageSize"]), null);
  assert.equal(findKey(requestValues({ url: "https://h.example/x", request: { body: "not json" } }), ["page"]), null);
});

const DAY = 86400000;
const NOW = Date.UTC(2026, 11, 3);

/** A Temu-like fund list: rows at the given times, pages of `size`, windows by beginTime/endTime. */
function fakeTemu(times, size, options = {}) {
  const calls = [];
  const answer = (body) => {
    const inWindow = times.filter((t) => t >= body.beginTime && t <= body.endTime);
    const rows = inWindow.slice((body.pageNum - 1) * body.pageSize, body.pageNum * body.pageSize).map((t) => ({ t }));
    return { success: true, result: { total: inWindow.length, resultList: rows } };
  };
  const first = { pageNum: 1, pageSize: size, beginTime: NOW - 30 * DAY, endTime: NOW - 1 };
  const entryOf = (body) => ({ url: "https://agentseller.temu.com/api/merchant/fund/detail/pageSearch",
    path: "/api/merchant/fund/detail/pageSearch", body: answer(body), request: { body: JSON.stringify(body) },
    captureId: null });
  const replay = async (cmd) => {
    const body = { ...first, ...cmd.body };
    calls.push(body);
    if (options.failAt === calls.length) return { failed: "no answer within 30 s" };
    return entryOf(body);
  };
  return { calls, first: entryOf(first), replay };
}

function temuDriver(replay, settings = {}) {
  const site = globalThis.ShoptallySites.byId("temu");
  const reports = [];
  const ask = async (m) => (m.type === "app-settings" ? { detail_rate: "10", ...settings } : { added: 0, updated: 0 });
  const driver = new Driver(site, null, async (p) => reports.push(p), {}, { hash: "", pathname: "/labor/bill" }, ask, replay);
  driver.rate = 1000; // no pacing in unit tests
  return { driver, reports, site };
}

test("a dated list is walked page by page, then window by window back a year, windows adjoining", async () => {
  const times = [NOW - 2 * DAY, NOW - 3 * DAY, NOW - 4 * DAY, NOW - 40 * DAY, NOW - 200 * DAY];
  const page = fakeTemu(times, 2);
  const { driver, site } = temuDriver(page.replay);
  const view = site.sync.views[0];
  await driver.requestedPages(view, site.sync.list, page.first, 0);
  assert.equal(driver.records, 5);
  // window 1: pages 2 (pageNum 2 asked again); earlier windows each from page 1
  assert.deepEqual(page.calls[0], { pageNum: 2, pageSize: 2, beginTime: NOW - 30 * DAY, endTime: NOW - 1 });
  const windows = [[NOW - 30 * DAY, NOW - 1], ...page.calls.slice(1).map((c) => [c.beginTime, c.endTime])];
  for (let i = 1; i < windows.length; i++) assert.equal(windows[i][1], windows[i - 1][0] - 1);
  assert.equal(windows[windows.length - 1][0], NOW - 1 - 365 * DAY);
  assert.ok(page.calls.slice(1).every((c) => c.pageNum === 1));
  assert.equal(driver.pages, 1 + page.calls.length);
});

test("a window that fails to answer ends the sync naming the window", async () => {
  const page = fakeTemu([NOW - DAY], 5, { failAt: 1 });
  const { driver, site } = temuDriver(page.replay);
  await assert.rejects(driver.requestedPages(site.sync.views[0], site.sync.list, page.first, 0), (err) => {
    assert.match(err.message,
      /did not answer the Fund detail list \(the window from \d{4}-\d{2}-\d{2}\): no answer within 30 s/);
    // the code and params the Finance view says in the seller's language
    assert.equal(err.code, "ext_window_no_answer");
    assert.deepEqual(Object.keys(err.params).sort(), ["from", "tab", "tab_zh", "why"]);
    assert.equal(err.params.tab_zh, "财务明细");
    assert.equal(err.params.why, "no answer within 30 s");
    return true;
  });
});

test("fee splits: stored ones are skipped, each other asked once, paced at the rate", async () => {
  const site = globalThis.ShoptallySites.byId("tiktok");
  const asked = [];
  const replay = async (cmd) => { asked.push([Date.now(), cmd.query.statement_detail_id]); return { body: { code: 0 } }; };
  const ask = async (m) => (m.type === "known-splits" ? { references: ["R2"] } : {});
  const driver = new Driver(site, null, async () => {}, {}, { hash: "", pathname: "/" }, ask, replay);
  driver.rate = 20;
  const rows = [1, 2, 3, 4].map((n) => ({ statement_detail_id: `SD${n}`, reference_id: `R${n}` }));
  const entry = { path: "/api/v1/pay/statement/order/list", body: { code: 0, data: { order_records: [...rows, rows[0]] } } };
  await driver.fetchSplits(site.sync.views[0], site.sync.list, entry, 0);
  assert.deepEqual(asked.map((a) => a[1]), ["SD1", "SD3", "SD4"]);
  assert.ok(asked.slice(1).every((a, i) => a[0] - asked[i][0] >= 45), "paced at 20 a second");
  await driver.fetchSplits(site.sync.views[0], site.sync.list, entry, 0); // the same page again: nothing asked
  assert.equal(asked.length, 3);
  assert.equal(driver.splits, 3);
});

test("fee splits: a refused one is counted; three in a row end the sync", async () => {
  const site = globalThis.ShoptallySites.byId("tiktok");
  let n = 0;
  const replay = async () => (++n === 1 ? { body: { code: 98001 } } : n <= 2 ? { body: { code: 0 } } : { failed: "no answer within 30 s" });
  const driver = new Driver(site, null, async () => {}, {}, { hash: "", pathname: "/" }, async () => ({ unknown: true }), replay);
  driver.rate = 1000;
  const rows = [1, 2, 3, 4, 5, 6].map((k) => ({ statement_detail_id: `SD${k}`, reference_id: `R${k}` }));
  const entry = { path: "/p", body: { code: 0, data: { order_records: rows } } };
  await assert.rejects(driver.fetchSplits(site.sync.views[0], site.sync.list, entry, 0),
    /did not give the fee split of 3 orders in a row \(the last, R5: no answer within 30 s\)/);
  assert.equal(driver.splits, 1);
  assert.equal(driver.missing, 4);
});

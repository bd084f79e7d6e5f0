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

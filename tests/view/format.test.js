// node --test: how the Finance view writes money, dates and rates (companion/server/static/format.js).
// Exact outputs: money arrives as decimal text and must never pass through a float on its way to the screen.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const SOURCE = fs.readFileSync(path.join(__dirname, "../../companion/server/static/format.js"), "utf8");
const load = () => import("data:text/javascript;base64," + Buffer.from(SOURCE).toString("base64"));

test("money in English: grouping, the currency's symbol, two decimals", async () => {
  const { formatMoney } = await load();
  assert.equal(formatMoney("62743.19", "USD", "en"), "$62,743.19");
  assert.equal(formatMoney("-1234.50", "CNY", "en"), "-CN¥1,234.50");
  assert.equal(formatMoney("0.00", "GBP", "en"), "£0.00");
  assert.equal(formatMoney("12.5", "EUR", "en"), "€12.50");
});

test("money in Chinese: ¥ for yuan, US$ for dollars", async () => {
  const { formatMoney } = await load();
  assert.equal(formatMoney("-1234.50", "CNY", "zh"), "-¥1,234.50");
  assert.equal(formatMoney("62743.19", "USD", "zh"), "US$62,743.19");
  assert.equal(formatMoney("1000000.00", "GBP", "zh"), "£1,000,000.00");
});

test("exact beyond a float: large amounts, a negative below one, more than two decimals", async () => {
  const { formatMoney } = await load();
  // 2^53 + 1 dollars and 3 cents: a float would print ...992.00 or lose the cents
  assert.equal(formatMoney("9007199254740993.03", "USD", "en"), "$9,007,199,254,740,993.03");
  assert.equal(formatMoney("-0.50", "GBP", "en"), "-£0.50");
  assert.equal(formatMoney("-0.00", "USD", "en"), "$0.00");
  assert.equal(formatMoney("0.10", "USD", "en"), "$0.10");
  assert.equal(formatMoney("3.3333", "USD", "en"), "$3.3333");
  assert.equal(formatMoney("5.00", "JPY", "en"), "¥5.00");
});

test("a cost kept negative in the ledger is shown as what it costs", async () => {
  const { formatMoney } = await load();
  assert.equal(formatMoney("-120.40", "USD", "en", { negate: true }), "$120.40");
  assert.equal(formatMoney("7.00", "USD", "en", { negate: true }), "-$7.00");
  assert.equal(formatMoney("0.00", "USD", "en", { negate: true }), "$0.00");
});

test("no currency or not a number: grouping only, or the text as it came", async () => {
  const { formatMoney, isNegative } = await load();
  assert.equal(formatMoney("1234.5", "", "en"), "1,234.50");
  assert.equal(formatMoney("", "USD", "en"), "");
  assert.equal(formatMoney("n/a", "USD", "en"), "n/a");
  assert.equal(formatMoney("10.00", "US Dollar", "en"), "10.00 US Dollar");
  assert.equal(isNegative("-0.00"), false);
  assert.equal(isNegative("-0.01"), true);
  assert.equal(isNegative("3.00"), false);
});

test("one date format per language; the store's local time kept as written", async () => {
  const { formatDate, formatPeriod } = await load();
  assert.equal(formatDate("2026-11-03", "en"), "Nov 3, 2026");
  assert.equal(formatDate("2026-11-03", "zh"), "2026年11月3日");
  assert.equal(formatDate("2025-09-30 23:59", "en"), "Sep 30, 2025 23:59");
  assert.equal(formatDate("2025-01-01 00:05", "zh"), "2025年1月1日 00:05");
  assert.equal(formatPeriod({ from: "2025-09-01", to: "2025-09-30" }, "en"), "Sep 1, 2025 – Sep 30, 2025");
  assert.equal(formatPeriod({ from: null, to: null }, "en"), "");
});

test("a month in each language's format", async () => {
  const { formatMonth } = await load();
  assert.equal(formatMonth("2025-09", "en"), "Sep 2025");
  assert.equal(formatMonth("2025-09", "zh"), "2025年9月");
  assert.equal(formatMonth("Total", "en"), "Total");
});

test("the rates a converted report used, as words", async () => {
  const { formatRates } = await load();
  const rates = [{ from: "GBP", to: "USD", rate: "1.27", date: "2025-10-03" },
    { from: "CNY", to: "USD", rate: "0.1408", date: "2025-10-01" }];
  assert.equal(formatRates(rates, "en"), "GBP→USD 1.27 (Oct 3, 2025), CNY→USD 0.1408 (Oct 1, 2025)");
  assert.equal(formatRates(rates, "zh"), "GBP→USD 1.27 (2025年10月3日)，CNY→USD 0.1408 (2025年10月1日)");
  assert.equal(formatRates([], "en"), "");
});

test("an instant is shown on this computer's clock in the language's one date format", async () => {
  const { formatInstant } = await load();
  process.env.TZ = "UTC";
  assert.equal(formatInstant("2026-12-03T14:05:09+00:00", "en"), "Dec 3, 2026 14:05");
  assert.equal(formatInstant("2026-12-03T14:05:09+00:00", "zh"), "2026年12月3日 14:05");
  assert.equal(formatInstant(null, "en"), "–");
  assert.equal(formatInstant("not a time", "zh"), "–");
});

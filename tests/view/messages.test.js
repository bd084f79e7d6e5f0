// node --test: the view says a server refusal in the page's language (companion/server/static/messages.js),
// from the same catalog the server renders its English from (companion/server/static/messages.json), a
// refusal nested in another (a file's problem at its row) included.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const STATIC = path.join(__dirname, "../../companion/server/static");
const CATALOG = JSON.parse(fs.readFileSync(path.join(STATIC, "messages.json"), "utf8"));
// i18n.js reads localStorage and the DOM: the page's language is given here instead
const SOURCE = fs.readFileSync(path.join(STATIC, "messages.js"), "utf8")
  .replace('import { language } from "./i18n.js";', "const language = () => globalThis.pageLanguage;");
assert.notEqual(SOURCE.indexOf("globalThis.pageLanguage"), -1, "messages.js no longer imports language as expected");

async function load(lang) {
  globalThis.pageLanguage = lang;
  globalThis.fetch = async (url) => {
    assert.equal(url, "/static/messages.json");
    return { ok: true, json: async () => CATALOG };
  };
  const mod = await import("data:text/javascript;base64," + Buffer.from(SOURCE).toString("base64"));
  await mod.loadMessages();
  return mod;
}

const AT_ROW = {
  code: "src_at_row", file: "orders.xlsx",
  params: { sheet: "Orders", row: 7, problem: { code: "src_not_table", params: {}, message: "not a table" } },
  message: "orders.xlsx: sheet 'Orders', row 7: not a table",
};

test("a refusal nested in a row's place is said in Chinese, the file in front", async () => {
  const { say } = await load("zh");
  assert.equal(say(AT_ROW), "orders.xlsx: 工作表“Orders”第 7 行：不是表格文件");
});

test("a nested refusal the catalog does not know keeps its English inside the Chinese", async () => {
  const { say } = await load("zh");
  const odd = { ...AT_ROW, params: { ...AT_ROW.params, problem: { code: "", params: {}, message: "a cell is odd" } } };
  assert.equal(say(odd), "orders.xlsx: 工作表“Orders”第 7 行：a cell is odd");
});

test("in English the server's own sentence is shown as sent", async () => {
  const { say } = await load("en");
  assert.equal(say(AT_ROW), AT_ROW.message);
});

test("a stored sync run's error is said from its code; one stored without a code stays English", async () => {
  const { say } = await load("zh");
  assert.equal(say({ code: "sync_already_queued", params: {}, error: "x" }), CATALOG.sync_already_queued.zh);
  assert.equal(say({ error: "not logged in: log in to the seller center" }), "not logged in: log in to the seller center");
});

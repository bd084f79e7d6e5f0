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

// node --test: the durable outbox (extension/lib/outbox.js) over an in-memory storage.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { Outbox } = require("../../extension/lib/outbox.js");

function memoryStorage() {
  const data = {};
  return {
    data,
    async get(keys) {
      const list = Array.isArray(keys) ? keys : [keys];
      const out = {};
      for (const k of list) if (k in data) out[k] = JSON.parse(JSON.stringify(data[k]));
      return out;
    },
    async set(obj) { for (const [k, v] of Object.entries(obj)) data[k] = JSON.parse(JSON.stringify(v)); },
    async remove(keys) { for (const k of Array.isArray(keys) ? keys : [keys]) delete data[k]; },
  };
}

test("entries come back in order and leave only when removed", async () => {
  const storage = memoryStorage();
  const box = new Outbox(storage);
  await Promise.all(["a", "b", "c"].map((id) => box.add({ id, kind: "capture", frame: `{"id":"${id}"}`, site: "tiktok" })));
  assert.deepEqual((await box.entries()).map((e) => e.id), ["a", "b", "c"]);
  assert.equal(await box.remove("b", "capture"), true);
  assert.equal(await box.remove("b", "capture"), false);
  // a new Outbox over the same storage (a restarted service worker) sees the same queue
  const again = new Outbox(storage);
  assert.deepEqual((await again.entries()).map((e) => [e.id, e.frame]), [["a", '{"id":"a"}'], ["c", '{"id":"c"}']]);
  assert.deepEqual((await again.add({ id: "a", kind: "capture", frame: "x" })), { queued: true, duplicate: true });
  assert.equal((await again.summary()).length, 2);
});

test("a full queue refuses new captures openly, counts them, and recovers when it drains", async () => {
  const box = new Outbox(memoryStorage(), { maxItems: 2, maxBytes: 1000 });
  assert.equal((await box.add({ id: "1", kind: "capture", frame: "x" })).queued, true);
  assert.equal((await box.add({ id: "2", kind: "capture", frame: "y" })).queued, true);
  const refused = await box.add({ id: "3", kind: "capture", frame: "z" });
  assert.equal(refused.queued, false);
  assert.match(refused.reason, /^queue full \(2 captures/);
  let summary = await box.summary();
  assert.equal(summary.full, true);
  assert.equal(summary.refused, 1);
  assert.equal((await box.add({ id: "p", kind: "progress", frame: "{}" })).queued, true); // progress always fits
  await box.remove("1", "capture");
  summary = await box.summary();
  assert.equal(summary.full, false);
  assert.equal(summary.length, 1);
  assert.equal((await box.add({ id: "big", kind: "capture", frame: "b".repeat(2000) })).queued, false); // over maxBytes
});

// node --test: what may leave the browser (extension/lib/scrub.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { scrubUrl, keptHeaders, scrubBody, requestBody } = require("../../extension/lib/scrub.js");

test("secret query parameters are removed, the rest kept in order", () => {
  const url = "https://seller-us.tiktok.com/api/v1/pay/statement/order/list?oec_seller_id=7495&from=0&token=T&sign=S"
    + "&msToken=M&X-Bogus=B&a_bogus=A&_signature=G&access_token=X&size=10#frag";
  assert.equal(scrubUrl(url),
    "https://seller-us.tiktok.com/api/v1/pay/statement/order/list?oec_seller_id=7495&from=0&size=10");
});

test("credentials in the URL and non-web schemes are dropped", () => {
  assert.equal(scrubUrl("https://user:pw@seller-us.tiktok.com/x?a=1"), "https://seller-us.tiktok.com/x?a=1");
  assert.equal(scrubUrl("javascript:alert(1)"), "");
  assert.equal(scrubUrl("blob:https://seller-us.tiktok.com/uuid"), "");
  assert.equal(scrubUrl("not a url"), "");
  assert.equal(scrubUrl("/api/x?sign=1&b=2", "https://agentseller.temu.com/labor/bill"), "https://agentseller.temu.com/api/x?b=2");
});

test("only the store header and the content type are kept from request headers", () => {
  const headers = { Cookie: "sid=1", Authorization: "Bearer x", "Anti-Content": "0aq", mallid: "6344", "Content-Type": "application/json", "x-csrf-token": "c" };
  assert.deepEqual(keptHeaders(headers), { mallid: "6344", "content-type": "application/json" });
  assert.deepEqual(keptHeaders([["MallId", "1"], ["cookie", "a"]]), { mallid: "1" });
  assert.deepEqual(keptHeaders(null), {});
});

test("secret keys are removed from bodies at any depth", () => {
  const body = { pageNum: 1, token: "t", filter: { sign: "s", beginTime: 5, nested: [{ csrf_token: 1, keep: 2 }] } };
  assert.deepEqual(scrubBody(body), { pageNum: 1, filter: { beginTime: 5, nested: [{ keep: 2 }] } });
  assert.deepEqual(requestBody('{"pageSize":50,"accessToken":"x"}'), { pageSize: 50 });
  assert.deepEqual(requestBody("a=1&sign=2"), { a: "1" });
  assert.equal(requestBody(""), null);
  assert.equal(requestBody("x".repeat(70000)), null);
});

// Runs in the page's own world at document_start, before any script of the page (only on the seller
// centers the manifest names): wraps fetch and XMLHttpRequest and copies the JSON answers of the page's
// own data calls to the extension's content script. Each message is signed with a key only this script and the content script know (it is
// handed over before the page runs), so a page cannot make the extension send captures it did not see.
"use strict";
(function () {
  const KEY_ATTR = "data-shoptally-k";
  const root = document.documentElement;
  // Seller centers' data calls live under these paths; the content script keeps only the calls its site
  // descriptor names (sites/sites.js) and drops the rest. Same origin only: other hosts are not read.
  const API_PATHS = [/^\/api\//, /^\/gsfs\//];
  if (!root || location.protocol !== "https:") return;

  // Everything used later is taken now, before the page could replace it.
  const apply = Reflect.apply;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const post = window.postMessage;
  const subtle = crypto.subtle;
  const sign = SubtleCrypto.prototype.sign;
  const importKey = SubtleCrypto.prototype.importKey;
  const getRandomValues = Crypto.prototype.getRandomValues;
  const encode = TextEncoder.prototype.encode;
  const encoder = new TextEncoder();
  const origFetch = window.fetch;
  const XHR = XMLHttpRequest.prototype;
  const xhrOpen = XHR.open;
  const xhrSend = XHR.send;
  const xhrSetHeader = XHR.setRequestHeader;
  const addListener = EventTarget.prototype.addEventListener;
  const getAttr = Element.prototype.getAttribute;
  const setAttr = Element.prototype.setAttribute;
  const removeAttr = Element.prototype.removeAttribute;
  const origin = location.origin;
  function isApi(url) {
    try {
      const u = new URL(url);
      return u.origin === origin && API_PATHS.some((re) => re.test(u.pathname));
    } catch (_) {
      return false;
    }
  }
  const MAX_TEXT = 48 * 1024 * 1024;
  const KEPT = ["mallid", "content-type"];
  const metas = new WeakMap(); // XMLHttpRequest → what its open() and setRequestHeader() said

  // The key: whichever of the two scripts runs first makes it and leaves it on <html>; the second takes it
  // away. Both run before the page's first script, so the page never sees it.
  let hex = apply(getAttr, root, [KEY_ATTR]);
  if (hex) {
    apply(removeAttr, root, [KEY_ATTR]);
  } else {
    const bytes = new Uint8Array(32);
    apply(getRandomValues, crypto, [bytes]);
    hex = Array.from(bytes, (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
    apply(setAttr, root, [KEY_ATTR, hex]);
  }
  const raw = new Uint8Array(32);
  for (let i = 0; i < 32; i++) raw[i] = parseInt(hex.substr(i * 2, 2), 16);
  const keyPromise = apply(importKey, subtle, ["raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]]);
  let counter = 0;

  async function send(capture) {
    const data = apply(stringify, JSON, [capture]);
    const nonce = `${Date.now()}.${++counter}`;
    const key = await keyPromise;
    const mac = await apply(sign, subtle, ["HMAC", key, apply(encode, encoder, [`${nonce}.${data}`])]);
    const sig = Array.from(new Uint8Array(mac), (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
    apply(post, window, [{ shoptally: 1, nonce, data, sig }, location.origin]);
  }

  function headersOf(init) {
    const out = {};
    const h = init && init.headers;
    if (!h) return out;
    const add = (name, value) => {
      const low = String(name).toLowerCase();
      if (KEPT.includes(low)) out[low] = String(value).slice(0, 200);
    };
    if (h instanceof Headers) h.forEach((v, k) => add(k, v));
    else if (Array.isArray(h)) h.forEach((p) => Array.isArray(p) && add(p[0], p[1]));
    else if (typeof h === "object") Object.keys(h).forEach((k) => add(k, h[k]));
    return out;
  }

  function bodyText(body) {
    return typeof body === "string" && body.length <= 65536 ? body : null;
  }

  function deliver(method, url, headers, body, status, text) {
    if (typeof text !== "string" || text.length > MAX_TEXT) return;
    const first = text.trimStart()[0];
    if (first !== "{" && first !== "[") return;
    let json;
    try {
      json = apply(parse, JSON, [text]);
    } catch (_) {
      return;
    }
    send({ method, url, headers, body, status, json, at: new Date().toISOString() }).catch(() => {});
  }

  window.fetch = async function (input, init) {
    const response = await apply(origFetch, this, arguments);
    try {
      const url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url,
        location.href).href;
      if (isApi(url)) {
        const method = String((init && init.method) || (input && input.method) || "GET").toUpperCase();
        const headers = headersOf(init && init.headers ? init : input instanceof Request ? { headers: input.headers } : null);
        const body = bodyText(init && init.body);
        response.clone().text().then((text) => deliver(method, url, headers, body, response.status, text),
          () => {});
      }
    } catch (_) { /* capture must never break the page */ }
    return response;
  };

  XHR.open = function (method, url) {
    try {
      metas.set(this, { method: String(method || "GET").toUpperCase(), url: new URL(String(url), location.href).href,
        headers: {} });
    } catch (_) {
      metas.delete(this);
    }
    return apply(xhrOpen, this, arguments);
  };
  XHR.setRequestHeader = function (name, value) {
    const meta = metas.get(this);
    if (meta && KEPT.includes(String(name).toLowerCase())) meta.headers[String(name).toLowerCase()] = String(value).slice(0, 200);
    return apply(xhrSetHeader, this, arguments);
  };
  XHR.send = function (body) {
    const meta = metas.get(this);
    if (meta && isApi(meta.url)) {
      meta.body = bodyText(body);
      const xhr = this;
      apply(addListener, xhr, ["loadend", function () {
        try {
          let text = null;
          if (xhr.responseType === "" || xhr.responseType === "text") text = xhr.responseText;
          else if (xhr.responseType === "json" && xhr.response !== null) text = apply(stringify, JSON, [xhr.response]);
          if (xhr.status) deliver(meta.method, xhr.responseURL || meta.url, meta.headers, meta.body, xhr.status, text);
        } catch (_) { /* never break the page */ }
      }]);
    }
    return apply(xhrSend, this, arguments);
  };
})();

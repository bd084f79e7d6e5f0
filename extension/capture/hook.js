// Runs in the page's own world at document_start, before any script of the page (only on the seller
// centers the manifest names): wraps fetch and XMLHttpRequest and copies the JSON answers of the page's
// own data calls to the extension's content script. Each message is signed with a key only this script and the
// content script know (it is handed over before the page runs), so a page cannot make the extension send
// captures it did not see.
// Sync Settlement also asks, by a message signed with the same key, for one of the page's own calls to be made
// again with another page number, date window or order id ("replay"): the call goes through the page's own
// fetch / XMLHttpRequest as they are now (so the page's request signing applies) with the cookies and headers
// the page itself sent. Those headers stay in the page's world; only the answer is copied out, as any other.
"use strict";
(function () {
  const KEY_ATTR = "data-shoptally-k";
  const root = document.documentElement;
  // Seller centers' data calls live under these paths; the content script keeps only the calls its site
  // descriptor names (sites/sites.js) and drops the rest. Same origin only: other hosts are not read.
  const API_PATHS = [/^\/api\//, /^\/gsfs\//];
  // Data calls some seller centers' pages make to another origin of the same company: 1688's buyer pages
  // fetch their orders from its MTOP gateway. Read only from that site's pages, only at those paths.
  const OTHER_ORIGINS = [
    { origin: "https://h5api.m.1688.com", pages: /(^|\.)1688\.com$/, paths: [/^\/h5\/mtop\.1688\./i] },
  ];
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
      if (u.origin === origin) return API_PATHS.some((re) => re.test(u.pathname));
      return OTHER_ORIGINS.some((o) => o.origin === u.origin && o.pages.test(location.hostname) &&
        o.paths.some((re) => re.test(u.pathname)));
    } catch (_) {
      return false;
    }
  }
  const MAX_TEXT = 48 * 1024 * 1024;
  const KEPT = ["mallid", "content-type"];
  const metas = new WeakMap(); // XMLHttpRequest → what its open() and setRequestHeader() said
  // The page's latest call of each API path, as it was sent (all headers): the templates a replay follows.
  // Never posted anywhere: the content script learns only the answers.
  const templates = new Map();
  const replayed = new WeakSet(); // our own replay requests (fetch init objects, XMLHttpRequests)
  const MAX_TEMPLATES = 64;
  const remember = (url, template) => {
    try {
      const path = new URL(url).pathname;
      templates.delete(path);
      templates.set(path, { ...template, url });
      if (templates.size > MAX_TEMPLATES) templates.delete(templates.keys().next().value);
    } catch (_) { /* not a URL: nothing to follow later */ }
  };

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
  const keyPromise = apply(importKey, subtle, ["raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]]);
  const verify = SubtleCrypto.prototype.verify;
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

  /** Every header the page set on a call, for a template (never sent out of the page). */
  function allHeaders(h) {
    const out = {};
    if (!h) return out;
    if (h instanceof Headers) h.forEach((v, k) => { out[k] = v; });
    else if (Array.isArray(h)) h.forEach((p) => { if (Array.isArray(p)) out[String(p[0])] = String(p[1]); });
    else if (typeof h === "object") Object.keys(h).forEach((k) => { out[k] = String(h[k]); });
    return out;
  }

  function bodyText(body) {
    return typeof body === "string" && body.length <= 65536 ? body : null;
  }

  /** Copies a JSON answer to the content script; `replay` names the replay it answers (a failure is said too). */
  function deliver(method, url, headers, body, status, text, replay) {
    const failed = (why) => { if (replay) send({ replay, failed: why }).catch(() => {}); };
    if (typeof text !== "string" || text.length > MAX_TEXT) return failed(`no readable answer (HTTP ${status})`);
    const first = text.trimStart()[0];
    if (first !== "{" && first !== "[") return failed(`the answer was not JSON (HTTP ${status})`);
    let json;
    try {
      json = apply(parse, JSON, [text]);
    } catch (_) {
      return failed(`the answer was not JSON (HTTP ${status})`);
    }
    send({ method, url, headers, body, status, json, at: new Date().toISOString(), replay }).catch(() => {});
  }

  window.fetch = async function (input, init) {
    const response = await apply(origFetch, this, arguments);
    try {
      const url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url,
        location.href).href;
      if (isApi(url) && !(init && replayed.has(init))) {
        const method = String((init && init.method) || (input && input.method) || "GET").toUpperCase();
        const given = init && init.headers ? init : input instanceof Request ? { headers: input.headers } : null;
        const headers = headersOf(given);
        const body = bodyText(init && init.body);
        remember(url, { via: "fetch", method, headers: allHeaders(given && given.headers), body });
        response.clone().text().then((text) => deliver(method, url, headers, body, response.status, text),
          () => {});
      }
    } catch (_) { /* capture must never break the page */ }
    return response;
  };

  XHR.open = function (method, url) {
    try {
      metas.set(this, { method: String(method || "GET").toUpperCase(), url: new URL(String(url), location.href).href,
        headers: {}, all: {} });
    } catch (_) {
      metas.delete(this);
    }
    return apply(xhrOpen, this, arguments);
  };
  XHR.setRequestHeader = function (name, value) {
    const meta = metas.get(this);
    if (meta && KEPT.includes(String(name).toLowerCase())) meta.headers[String(name).toLowerCase()] = String(value).slice(0, 200);
    if (meta) meta.all[String(name)] = String(value);
    return apply(xhrSetHeader, this, arguments);
  };
  XHR.send = function (body) {
    const meta = metas.get(this);
    if (meta && isApi(meta.url) && !replayed.has(this)) {
      meta.body = bodyText(body);
      remember(meta.url, { via: "xhr", method: meta.method, headers: meta.all, body: meta.body });
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

  // Replays ---------------------------------------------------------------------------------------------
  const fromHex = (text) => {
    if (typeof text !== "string" || !/^[0-9a-f]{64}$/.test(text)) return null;
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  };
  const seenNonces = new Set();

  /** The command inside a message from the content script, or null (a page cannot sign one). */
  async function command(msg) {
    if (!msg || msg.shoptally !== 2 || typeof msg.nonce !== "string" || typeof msg.data !== "string") return null;
    if (msg.nonce.length > 64 || msg.data.length > 65536 || seenNonces.has(msg.nonce)) return null;
    const sig = fromHex(msg.sig);
    if (!sig) return null;
    const ok = await apply(verify, subtle, ["HMAC", await keyPromise, sig, apply(encode, encoder, [`${msg.nonce}.${msg.data}`])]);
    if (!ok || seenNonces.has(msg.nonce)) return null;
    seenNonces.add(msg.nonce);
    try {
      return apply(parse, JSON, [msg.data]);
    } catch (_) {
      return null;
    }
  }

  /** The page's call to `cmd.from` (or `cmd.path`) made again at `cmd.path` with the query and JSON body
   * values changed as asked, through the page's current fetch or XMLHttpRequest. */
  function replay(cmd) {
    const id = String(cmd.id || "");
    const failed = (why) => send({ replay: id, failed: why }).catch(() => {});
    const base = templates.get(String(cmd.from || cmd.path));
    if (!id || !base) return failed("the page has not made that call yet");
    let url;
    let body = base.body;
    try {
      const u = new URL(base.url);
      if (cmd.path) u.pathname = String(cmd.path);
      for (const name of cmd.drop || []) u.searchParams.delete(String(name));
      for (const [name, value] of Object.entries(cmd.query || {})) u.searchParams.set(name, String(value));
      url = u.href;
      if (!isApi(url)) return failed("not a data call of this seller center");
      if (cmd.body && Object.keys(cmd.body).length) {
        const obj = body ? apply(parse, JSON, [body]) : {};
        if (!obj || typeof obj !== "object" || Array.isArray(obj)) return failed("the page's call has no JSON body to change");
        for (const [name, value] of Object.entries(cmd.body)) obj[name] = value;
        body = apply(stringify, JSON, [obj]);
      }
    } catch (_) {
      return failed("the page's call could not be changed as asked");
    }
    const kept = headersOf({ headers: base.headers });
    if (base.via === "xhr") {
      const xhr = new window.XMLHttpRequest();
      replayed.add(xhr);
      apply(addListener, xhr, ["loadend", function () {
        if (!xhr.status) return failed("the call did not reach the seller center");
        const text = xhr.responseType === "" || xhr.responseType === "text" ? xhr.responseText : null;
        deliver(base.method, xhr.responseURL || url, kept, body, xhr.status, text, id);
      }]);
      xhr.open(base.method, url);
      for (const [name, value] of Object.entries(base.headers)) xhr.setRequestHeader(name, value);
      xhr.send(base.method === "GET" || base.method === "HEAD" ? null : body);
      return undefined;
    }
    const init = { method: base.method, headers: { ...base.headers }, credentials: "include" };
    if (base.method !== "GET" && base.method !== "HEAD" && body !== null) init.body = body;
    replayed.add(init);
    window.fetch(url, init).then(
      (response) => response.text().then((text) => deliver(base.method, response.url || url, kept, body, response.status, text, id)),
      () => failed("the call did not reach the seller center"));
    return undefined;
  }

  apply(addListener, window, ["message", function (event) {
    if (event.source !== window || event.origin !== origin) return;
    command(event.data).then((cmd) => {
      if (cmd && cmd.op === "replay") replay(cmd);
    }, () => {});
  }]);
})();

// What may leave the browser: URLs without secrets, request headers from an allow-list, bodies without
// secret keys. Loaded by the service worker, the content scripts and node:test (no browser API here).
"use strict";
(function (root) {
  // Query parameters and body keys that carry a session, a signature or a credential (compared lowercase).
  const SECRET_NAMES = new Set([
    "token", "sign", "signature", "x-bogus", "x_bogus", "_signature", "msToken".toLowerCase(), "a_bogus",
    "access_token", "accesstoken", "refresh_token", "auth", "authorization", "cookie", "session", "sessionid",
    "session_id", "sid", "csrf", "csrftoken", "csrf_token", "x-csrf-token", "verifyfp", "fp", "anti-content",
    "anticontent", "password", "passwd", "app_secret", "secret", "ticket",
    "_aop_signature", // the 1688 open platform's request signature
  ]);
  // Request headers worth keeping: they say which store a request is for. Everything else is dropped.
  const KEPT_HEADERS = new Set(["mallid", "content-type"]);

  function isSecret(name) {
    const low = String(name).toLowerCase();
    return SECRET_NAMES.has(low) || low.endsWith("token") || low.endsWith("_sign") || low.endsWith("secret");
  }

  /** The URL without secret query parameters or fragment credentials; "" for what is not http(s). */
  function scrubUrl(text, base) {
    let url;
    try {
      url = new URL(String(text || ""), base || undefined);
    } catch (_) {
      return "";
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return "";
    url.username = "";
    url.password = "";
    for (const name of [...url.searchParams.keys()]) {
      if (isSecret(name)) url.searchParams.delete(name);
    }
    url.hash = "";
    return url.toString();
  }

  /** Only the allow-listed headers, lowercase names, from a Headers object, array of pairs or plain object. */
  function keptHeaders(headers) {
    const out = {};
    if (!headers) return out;
    const add = (name, value) => {
      const low = String(name).toLowerCase();
      if (KEPT_HEADERS.has(low)) out[low] = String(value).slice(0, 200);
    };
    if (typeof headers.forEach === "function" && !Array.isArray(headers)) {
      headers.forEach((value, name) => add(name, value));
    } else if (Array.isArray(headers)) {
      for (const pair of headers) if (Array.isArray(pair) && pair.length >= 2) add(pair[0], pair[1]);
    } else if (typeof headers === "object") {
      for (const name of Object.keys(headers)) add(name, headers[name]);
    }
    return out;
  }

  /** A copy of a decoded JSON value without secret keys at any depth (depth and size bounded). */
  function scrubBody(value, depth) {
    depth = depth || 0;
    if (depth > 20 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => scrubBody(v, depth + 1));
    const out = {};
    for (const key of Object.keys(value)) {
      if (!isSecret(key)) out[key] = scrubBody(value[key], depth + 1);
    }
    return out;
  }

  /** A request body as it may be sent: parsed JSON or form fields without secrets, else null. */
  function requestBody(body) {
    if (body === undefined || body === null || body === "") return null;
    if (typeof body !== "string") return null; // FormData, Blob, streams: not settlement queries
    if (body.length > 65536) return null;
    try {
      return scrubBody(JSON.parse(body));
    } catch (_) {
      const params = new URLSearchParams(body);
      const out = {};
      for (const [k, v] of params) if (!isSecret(k)) out[k] = v;
      return Object.keys(out).length ? out : null;
    }
  }

  const api = { scrubUrl, keptHeaders, scrubBody, requestBody, isSecret };
  root.ShoptallyScrub = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

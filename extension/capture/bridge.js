// The content script of a seller-center page (the extension's isolated world): checks and forwards what
// the page hook copied, reads tables where the page's data comes some other way, runs Sync Settlement when
// the service worker asks, and fetches a download's blob for the service worker. Talks only to the
// service worker; the daemon's socket is the service worker's alone.
"use strict";
(function () {
  const Sites = globalThis.ShoptallySites;
  const Scrub = globalThis.ShoptallyScrub;
  const site = Sites.siteFor(location.href);
  const root = document.documentElement;
  if (!site || !root) return;
  const KEY_ATTR = "data-shoptally-k";
  const TABLE_QUIET_MS = 1500;

  // The key shared with the page hook (see hook.js): made by whichever runs first, taken by the other.
  let hex = root.getAttribute(KEY_ATTR);
  if (hex) {
    root.removeAttribute(KEY_ATTR);
  } else {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    root.setAttribute(KEY_ATTR, hex);
  }
  const raw = new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
  const keyPromise = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify", "sign"]);
  const nonces = new Set();
  const log = new globalThis.ShoptallyDriver.ResponseLog();
  let jsonSeen = 0;
  let enabled = true;

  // Nothing is sent before the seller's setting for this site is known.
  const settingsRead = chrome.storage.local.get("settings").then((got) => {
    const capture = (got.settings && got.settings.capture) || {};
    enabled = capture[site.id] !== false;
  }, () => {});
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.settings) {
      const capture = (changes.settings.newValue && changes.settings.newValue.capture) || {};
      enabled = capture[site.id] !== false;
    }
  });

  function fromHex(text) {
    if (typeof text !== "string" || !/^[0-9a-f]{64}$/.test(text)) return null;
    return new Uint8Array(text.match(/../g).map((h) => parseInt(h, 16)));
  }

  async function verified(msg) {
    if (!msg || msg.shoptally !== 1 || typeof msg.nonce !== "string" || typeof msg.data !== "string") return null;
    if (msg.nonce.length > 64 || nonces.has(msg.nonce)) return null;
    const sig = fromHex(msg.sig);
    if (!sig) return null;
    const ok = await crypto.subtle.verify("HMAC", await keyPromise, sig, new TextEncoder().encode(`${msg.nonce}.${msg.data}`));
    if (!ok || nonces.has(msg.nonce)) return null;
    nonces.add(msg.nonce);
    try {
      return JSON.parse(msg.data);
    } catch (_) {
      return null;
    }
  }

  function send(message) {
    return chrome.runtime.sendMessage(message).catch(() => null);
  }

  // Replays (see hook.js): the driver asks for one of the page's own calls again; the answer comes back as a
  // capture carrying the replay's id, or as a failure.
  const replays = new Map(); // id → resolve
  let commands = 0;
  const REPLAY_WAIT_MS = 30000;

  async function signedCommand(cmd) {
    const data = JSON.stringify(cmd);
    const nonce = `c${Date.now()}.${++commands}`;
    const mac = await crypto.subtle.sign("HMAC", await keyPromise, new TextEncoder().encode(`${nonce}.${data}`));
    const sig = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
    window.postMessage({ shoptally: 2, nonce, data, sig }, location.origin);
  }

  /** Resolves with the answer's log entry, or {failed: why}. */
  function replay(cmd) {
    const id = `r${Date.now().toString(36)}.${++commands}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        replays.delete(id);
        resolve({ failed: `no answer within ${REPLAY_WAIT_MS / 1000} s` });
      }, REPLAY_WAIT_MS);
      replays.set(id, (value) => { clearTimeout(timer); replays.delete(id); resolve(value); });
      signedCommand({ op: "replay", id, ...cmd }).catch((err) => replays.get(id) && replays.get(id)({ failed: String(err) }));
    });
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window || event.origin !== location.origin) return;
    verified(event.data).then(async (copy) => {
      if (!copy) return; // not from the hook: ignored, whatever it claims
      if (copy.failed) {
        const waiting = replays.get(String(copy.replay || ""));
        if (waiting) waiting({ failed: String(copy.failed).slice(0, 200) });
        return;
      }
      await settingsRead;
      const url = Scrub.scrubUrl(copy.url, location.href);
      const waiting = copy.replay ? replays.get(String(copy.replay)) : null;
      if (!url || !Sites.isApi(site, url) || !Sites.fromSite(site, url, location.origin)) {
        if (waiting) waiting({ failed: "the answer came from another address" });
        return;
      }
      jsonSeen += 1;
      const entry = log.add(url, copy.json, { method: copy.method, body: copy.body });
      if (entry) entry.replay = copy.replay || null;
      if (waiting) waiting(entry);
      if (!enabled) return;
      const queued = await send({
        type: "capture",
        capture: {
          site: site.id,
          url: Scrub.scrubUrl(location.href),
          captured_at: copy.at || new Date().toISOString(),
          kind: "json",
          payload: {
            request: { method: copy.method, url, body: Scrub.requestBody(copy.body), headers: Scrub.keptHeaders(copy.headers) },
            status: copy.status,
            body: copy.json,
          },
        },
      });
      if (entry && queued && queued.id) entry.captureId = queued.id; // the sync driver may ask for its ack
    }, () => {});
  });

  // Tables: on finance pages that fetched none of the known JSON calls, once the table stops changing.
  const tableSent = new Set();
  let tableTimer = null;
  function onTablePage() {
    const path = location.pathname + (location.hash.startsWith("#/") ? location.hash.slice(1) : "");
    return site.tablePages.some((re) => re.test(location.pathname) || re.test(path));
  }
  async function sendTables() {
    tableTimer = null;
    await settingsRead;
    if (!enabled || jsonSeen || !onTablePage()) return;
    const active = document.querySelector(".arco-tabs-header-title-active, [role=tab][aria-selected=true]");
    for (const table of globalThis.ShoptallyTables.readTables(document)) {
      const sig = JSON.stringify(table);
      if (tableSent.has(sig)) continue;
      tableSent.add(sig);
      send({
        type: "capture",
        capture: {
          site: site.id,
          url: Scrub.scrubUrl(location.href),
          captured_at: new Date().toISOString(),
          kind: "table",
          payload: { headers: table.headers, rows: table.rows,
            context: { title: document.title.slice(0, 200), tab: active ? active.textContent.trim().slice(0, 100) : "" } },
        },
      });
    }
  }
  function watchTables() {
    new MutationObserver(() => {
      clearTimeout(tableTimer);
      tableTimer = setTimeout(sendTables, TABLE_QUIET_MS);
    }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    tableTimer = setTimeout(sendTables, TABLE_QUIET_MS);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watchTables);
  else watchTables();

  // Sync Settlement: the service worker hands this tab a task; the driver reports every page to it.
  let running = null;
  function runTask(task) {
    if (!task || running === task.commandId) return;
    running = task.commandId;
    const report = (p) => send({ type: "sync-progress", commandId: task.commandId, ...p });
    const ask = (message) => send(message);
    const driver = new globalThis.ShoptallyDriver.Driver(site, log, report, document, location, ask, replay);
    driver.run(task).then(
      (counts) => report({ stage: "done", pages: counts.pages, records: counts.records,
        message: `${counts.records} records on ${counts.pages} pages`
          + (counts.splits ? `, ${counts.splits} fee splits` : "")
          + (counts.missing ? `; ${counts.missing} fee splits not given by the seller center: sync again to fetch them` : "") }),
      (err) => {
        const why = err instanceof globalThis.ShoptallyDriver.SyncError ? err
          : globalThis.ShoptallySyncErrors.said("ext_sync_failed", { error: String(err) });
        report({ stage: "error", pages: driver.pages, records: driver.records,
          message: why.message, code: why.code, params: why.params });
      },
    ).finally(() => { running = null; });
  }

  chrome.runtime.onMessage.addListener((message, sender, reply) => {
    if (sender.id !== chrome.runtime.id || !message) return false;
    if (message.type === "fetch-blob" && typeof message.url === "string" && message.url.startsWith("blob:" + location.origin)) {
      fetch(message.url).then((r) => r.arrayBuffer()).then((buf) => {
        const bytes = new Uint8Array(buf);
        let bin = "";
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        reply({ content_base64: btoa(bin) });
      }, (err) => reply({ error: String(err) }));
      return true;
    }
    return false;
  });

  send({ type: "page", site: site.id, host: location.host }).then((answer) => {
    if (answer && answer.task) runTask(answer.task);
  });
})();

// shoptally's service worker: the one socket to the daemon on this computer, the durable outbox every
// capture goes through, Sync Settlement commands, and settlement exports the seller downloads.
// Chrome stops an idle service worker: every piece of state lives in chrome.storage, and an alarm
// brings the worker back to reconnect.
"use strict";
importScripts("lib/scrub.js", "lib/sync_errors.js", "sites/sites.js", "lib/outbox.js");

const Sites = self.ShoptallySites;
const Scrub = self.ShoptallyScrub;
const SyncErrors = self.ShoptallySyncErrors;
const DEFAULT_PORT = 47810;
const PROTOCOL = 1;
const IN_FLIGHT = 8;
const KEEPALIVE_MS = 20000;
const MAX_BACKOFF_MS = 30000;
const MAX_FILE_BYTES = 40 * 1024 * 1024; // base64 makes it 4/3 larger; the daemon takes frames up to 64 MiB
const SYNC_QUIET_MS = 90000; // a sync whose page has said nothing for this long has timed out
const EXPORT_NAME = /\.(xlsx|xls|csv)$/i;
const VERSION = chrome.runtime.getManifest().version;

const outbox = new self.ShoptallyOutbox(chrome.storage.local);
let ws = null;
let welcomed = false;
let attempts = 0;
let retryTimer = null;
let keepalive = null;
const inflight = new Set();

// settings and status ---------------------------------------------------------------------------------
async function settings() {
  const got = await chrome.storage.local.get("settings");
  const s = got.settings || {};
  return { port: Number.isInteger(s.port) ? s.port : DEFAULT_PORT, capture: s.capture || {} };
}

async function captureOn(siteId) {
  return (await settings()).capture[siteId] !== false;
}

/** Status the popup shows: kept in session storage (it is about this browser run). */
async function setStatus(patch) {
  const got = await chrome.storage.session.get("status");
  const status = { ...(got.status || {}), ...patch };
  await chrome.storage.session.set({ status });
  return status;
}

async function noteSite(kind, siteId, value) {
  const key = kind; // "lastCapture" | "lastSync" (per site, kept across browser runs)
  const got = await chrome.storage.local.get(key);
  const all = got[key] || {};
  all[siteId] = value;
  await chrome.storage.local.set({ [key]: all });
}

async function noteRejected(entry) {
  const got = await chrome.storage.local.get("rejected");
  const list = [entry, ...(got.rejected || [])].slice(0, 20);
  await chrome.storage.local.set({ rejected: list });
}

// the socket ----------------------------------------------------------------------------------------
async function connect() {
  if (ws && (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN)) return;
  clearTimeout(retryTimer);
  const { port } = await settings();
  if (ws && (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN)) return;
  let socket;
  try {
    socket = new WebSocket(`ws://127.0.0.1:${port}/ws/extension`);
  } catch (err) {
    await setStatus({ connected: false, error: `cannot open a socket to port ${port}: ${err}` });
    scheduleReconnect();
    return;
  }
  ws = socket;
  socket.onopen = async () => {
    attempts = 0;
    await setStatus({ connected: true, error: "" });
    const { token } = await chrome.storage.local.get("token");
    if (token) sendNow({ type: "hello", protocol: PROTOCOL, token, extension_version: VERSION });
    else requestPairing();
    clearInterval(keepalive);
    keepalive = setInterval(() => {
      if (welcomed) sendNow({ type: "ping" });
      else requestPairingAgain();
    }, KEEPALIVE_MS);
  };
  socket.onmessage = (event) => onMessage(event.data).catch((err) => console.warn("shoptally:", err));
  socket.onclose = async (event) => {
    if (ws === socket) ws = null;
    welcomed = false;
    inflight.clear();
    clearInterval(keepalive);
    const patch = { connected: false, welcomed: false };
    if (event.code === 4401) {
      await chrome.storage.local.remove("token");
      patch.error = "the app no longer accepts this browser's pairing: approve the new pairing code";
    } else if (event.code === 4400) {
      patch.error = `incompatible versions: ${event.reason || "update shoptally or the extension"}`;
    } else if (event.code !== 1000) {
      patch.error = `shoptally is not reachable on port ${(await settings()).port}: start it, or set its port in the options`;
    }
    await setStatus(patch);
    scheduleReconnect(event.code === 4401 ? 0 : undefined);
  };
  socket.onerror = () => {};
}

function scheduleReconnect(delay) {
  clearTimeout(retryTimer);
  attempts += 1;
  const wait = delay !== undefined ? delay : Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts, 6)) * (0.75 + Math.random() / 2);
  retryTimer = setTimeout(() => connect(), wait);
}

function sendNow(obj) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(typeof obj === "string" ? obj : JSON.stringify(obj));
  return true;
}

async function browserName() {
  const brand = (navigator.userAgentData && navigator.userAgentData.brands || [])
    .map((b) => b.brand).find((b) => !/Not.?A.?Brand|Chromium/i.test(b)) || "Chromium";
  const os = navigator.userAgentData ? navigator.userAgentData.platform : "";
  return `${brand}${os ? " on " + os : ""}`;
}

async function requestPairing() {
  sendNow({ type: "pair_request", name: await browserName() });
}

async function requestPairingAgain() {
  const { token } = await chrome.storage.local.get("token");
  if (!token) requestPairing(); // the same pending request: the daemon answers with the same code
}

async function onMessage(data) {
  let msg;
  try {
    msg = JSON.parse(data);
  } catch (_) {
    return;
  }
  switch (msg.type) {
    case "welcome":
      welcomed = true;
      if (msg.settings) await chrome.storage.local.set({ appSettings: msg.settings });
      await chrome.storage.session.remove("pairing");
      await setStatus({ welcomed: true, paired: true, error: "", app_version: msg.app_version || "" });
      flush();
      break;
    case "pair_pending":
      await chrome.storage.session.set({ pairing: { code: msg.code, at: new Date().toISOString() } });
      await setStatus({ paired: false });
      break;
    case "paired":
      if (typeof msg.token === "string" && msg.token) {
        await chrome.storage.local.set({ token: msg.token });
        await chrome.storage.session.remove("pairing");
        sendNow({ type: "hello", protocol: PROTOCOL, token: msg.token, extension_version: VERSION });
      }
      break;
    case "ack":
      inflight.delete(msg.id);
      await acked(msg);
      flush();
      break;
    case "rejected":
      inflight.delete(msg.id);
      await outbox.remove(msg.id, "capture");
      noteAck(msg.id, { rejected: true });
      await noteRejected({ id: msg.id, error: String(msg.error || ""), at: new Date().toISOString() });
      flush();
      break;
    case "known_splits":
      answerKnown(msg.id, Array.isArray(msg.references) ? msg.references : null);
      break;
    case "error":
      if (msg.id && knownWaiters.has(msg.id)) {
        answerKnown(msg.id, null);
      } else if (msg.id) {
        inflight.delete(msg.id); // the daemon could not store it now: it stays queued for a later try
        setTimeout(flush, 5000);
      }
      break;
    case "command":
      await onCommand(msg);
      break;
    case "settings": // the seller changed Settings → Data Management in the app
      if (msg.settings && typeof msg.settings === "object") await chrome.storage.local.set({ appSettings: msg.settings });
      break;
    default:
      break;
  }
}

// Acks of recent captures, for a sync in "new only" mode that asks whether a page brought anything new.
const recentAcks = new Map();
const ackWaiters = new Map();

function noteAck(id, result) {
  recentAcks.set(id, result);
  if (recentAcks.size > 500) recentAcks.delete(recentAcks.keys().next().value);
  for (const resolve of ackWaiters.get(id) || []) resolve(result);
  ackWaiters.delete(id);
}

function ackOf(id, ms) {
  if (recentAcks.has(id)) return Promise.resolve(recentAcks.get(id));
  return new Promise((resolve) => {
    const list = ackWaiters.get(id) || [];
    list.push(resolve);
    ackWaiters.set(id, list);
    setTimeout(() => resolve({ timeout: true }), ms);
  });
}

// Which orders already have their fee split stored (the daemon knows): a sync fetches only the others.
const knownWaiters = new Map();
const KNOWN_WAIT_MS = 10000;

function answerKnown(id, references) {
  const resolve = knownWaiters.get(id);
  if (resolve) resolve(references);
}

/** The subset of `references` whose split is stored, or null when the daemon cannot say (fetch them all). */
function knownSplits(site, status, references) {
  const id = crypto.randomUUID();
  return new Promise((resolve) => {
    const timer = setTimeout(() => answerKnown(id, null), KNOWN_WAIT_MS);
    knownWaiters.set(id, (value) => { clearTimeout(timer); knownWaiters.delete(id); resolve(value); });
    if (!welcomed || !sendNow({ type: "known_splits", id, site, status, references })) answerKnown(id, null);
  });
}

async function acked(msg) {
  noteAck(msg.id, { added: msg.added || 0, updated: msg.updated || 0, skipped: msg.skipped || 0 });
  const entries = await outbox.entries();
  const entry = entries.find((e) => e.id === msg.id && e.kind === "capture");
  await outbox.remove(msg.id, "capture");
  if (entry && entry.site) {
    await noteSite("lastCapture", entry.site, { at: new Date().toISOString(), added: msg.added || 0,
      updated: msg.updated || 0, skipped: msg.skipped || 0, outcome: msg.outcome || "parsed" });
  }
}

let flushing = false;
/** Sends queued messages in order: captures up to IN_FLIGHT unacknowledged at a time; a progress message
 * only once every capture queued before it was acknowledged (so `done` means the data is stored). */
async function flush() {
  if (flushing || !welcomed) return;
  flushing = true;
  try {
    for (const entry of await outbox.entries()) {
      if (!welcomed) break;
      if (entry.kind === "progress") {
        if (inflight.size) break;
        if (sendNow(entry.frame)) await outbox.remove(entry.id, "progress");
        continue;
      }
      if (inflight.has(entry.id)) continue;
      if (inflight.size >= IN_FLIGHT) break;
      if (!sendNow(entry.frame)) break;
      inflight.add(entry.id);
    }
  } finally {
    flushing = false;
  }
}

async function enqueueCapture(capture) {
  const message = { type: "capture", id: crypto.randomUUID(), site: capture.site, url: Scrub.scrubUrl(capture.url),
    captured_at: capture.captured_at, kind: capture.kind, payload: capture.payload };
  if (message.kind === "json") {
    const request = message.payload.request || {};
    message.payload = { ...message.payload, request: { ...request, url: Scrub.scrubUrl(request.url),
      body: request.body === undefined ? null : Scrub.scrubBody(request.body), headers: Scrub.keptHeaders(request.headers) } };
  }
  const result = await outbox.add({ id: message.id, kind: "capture", site: capture.site, frame: JSON.stringify(message) });
  if (!result.queued) {
    await setStatus({ error: `${result.reason}: a capture from ${capture.site} was not kept; start shoptally so the queue drains` });
  }
  connect();
  flush();
  return { ...result, id: message.id };
}

async function enqueueProgress(progress) {
  const id = crypto.randomUUID();
  await outbox.add({ id, kind: "progress", frame: JSON.stringify({ type: "progress", ...progress }) });
  flush();
}

// Sync Settlement -----------------------------------------------------------------------------------
async function syncs() {
  return (await chrome.storage.session.get("syncs")).syncs || {};
}

async function saveSync(siteId, value) {
  const all = await syncs();
  if (value) all[siteId] = value;
  else delete all[siteId];
  await chrome.storage.session.set({ syncs: all });
}

const commandsNow = new Set(); // this worker's: checked before any await, so two copies never both pass

async function onCommand(msg) {
  // the daemon sends a command again when the socket it went down closed before any answer: once is enough
  // (the worker's own set, and session storage for a worker that was stopped and started since)
  if (msg.id) {
    if (commandsNow.has(msg.id)) return;
    commandsNow.add(msg.id);
    const { commandsSeen = [] } = await chrome.storage.session.get("commandsSeen");
    if (commandsSeen.includes(msg.id)) return;
    await chrome.storage.session.set({ commandsSeen: [...commandsSeen, msg.id].slice(-50) });
  }
  if (msg.command !== "sync") {
    await enqueueProgress({ command_id: msg.id, stage: "error", pages: 0, records: 0,
      ...SyncErrors.said("ext_unknown_command", { command: String(msg.command).slice(0, 64) }) });
    return;
  }
  await startSync(String(msg.site || "tiktok"), msg.id);
}

async function startSync(siteId, commandId) {
  const site = Sites.byId(siteId);
  const fail = (code, params) => enqueueProgress({ command_id: commandId, stage: "error", pages: 0, records: 0,
    ...SyncErrors.said(code, params) });
  if (!site) return fail("ext_unknown_site", { site: siteId, known: Sites.SITES.map((s) => s.id).join(", ") });
  if (!site.sync) return fail("ext_nothing_to_sync", { site: site.label });
  if (!(await captureOn(siteId))) return fail("ext_capture_off", { site: site.label });
  const running = (await syncs())[siteId];
  if (running) {
    const alive = await chrome.tabs.get(running.tabId).then(() => true, () => false);
    if (alive) return fail("ext_already_running", { site: site.label });
  }
  const { lastHosts } = await chrome.storage.local.get("lastHosts");
  const host = (lastHosts && lastHosts[siteId]) || site.defaultHost;
  const target = `https://${host}${site.sync.path}`;
  const targetPath = new URL(target).pathname;
  const tabs = await chrome.tabs.query({});
  const reuse = tabs.find((t) => t.url && Sites.siteFor(t.url) === site && new URL(t.url).pathname === targetPath);
  const task = { commandId, site: siteId, viewIndex: 0, pages: 0, records: 0 };
  let tabId;
  let opened = false;
  if (reuse) {
    tabId = reuse.id;
  } else {
    const tab = await chrome.tabs.create({ url: target, active: false });
    tabId = tab.id;
    opened = true;
  }
  const now = Date.now();
  await saveSync(siteId, { ...task, tabId, opened, startedAt: now, heardAt: now });
  await noteSite("lastSync", siteId, { at: new Date(now).toISOString(), outcome: "running", pages: 0, records: 0, message: "" });
  // a reused tab is reloaded: its page may show any page of any list, loaded any time ago, and the sync
  // starts from the first page the seller center answers now (the content script asks for the task on load)
  if (reuse) await chrome.tabs.reload(tabId);
  await enqueueProgress({ command_id: commandId, stage: site.sync.views[0].stage, pages: 0, records: 0, message: `opening ${target}` });
  return undefined;
}

async function onSyncProgress(tabId, p) {
  const all = await syncs();
  const siteId = Object.keys(all).find((k) => all[k].commandId === p.commandId && all[k].tabId === tabId);
  if (!siteId) return;
  const sync = all[siteId];
  const final = p.stage === "done" || p.stage === "error";
  const said = { command_id: sync.commandId, stage: p.stage, pages: p.pages || 0, records: p.records || 0, message: p.message || "",
    ...(p.code ? { code: p.code, params: p.params || {} } : {}) };
  if (final) {
    // the sync's own tab is gone before the daemon hears the end: a sync started next never reuses it
    await finishSync(siteId, sync, p.stage, p.pages || 0, p.records || 0, p.message || "", p.code ? p : null);
    await enqueueProgress(said);
  } else {
    await enqueueProgress(said);
    await saveSync(siteId, { ...sync, viewIndex: p.viewIndex ?? sync.viewIndex, pages: p.pages || 0, records: p.records || 0, heardAt: Date.now() });
    await noteSite("lastSync", siteId, { at: new Date(sync.startedAt).toISOString(), outcome: "running", pages: p.pages || 0, records: p.records || 0, message: p.message || "" });
  }
}

async function finishSync(siteId, sync, outcome, pages, records, message, said) {
  await saveSync(siteId, null);
  await noteSite("lastSync", siteId, { at: new Date(sync.startedAt).toISOString(), finished: new Date().toISOString(),
    outcome, pages, records, message, ...(said ? { code: said.code, params: said.params || {} } : {}) });
  if (sync.opened) await chrome.tabs.remove(sync.tabId).catch(() => {});
}

/** Syncs whose page went quiet or whose tab was closed end with an error the daemon hears about. */
async function watchSyncs() {
  const all = await syncs();
  for (const [siteId, sync] of Object.entries(all)) {
    const alive = await chrome.tabs.get(sync.tabId).then(() => true, () => false);
    let reason = null;
    if (!alive) reason = SyncErrors.said("ext_tab_closed");
    else if (Date.now() - sync.heardAt > SYNC_QUIET_MS) reason = SyncErrors.said("ext_page_quiet", { seconds: SYNC_QUIET_MS / 1000 });
    if (reason) {
      await finishSync(siteId, sync, "error", sync.pages, sync.records, reason.message, reason);
      await enqueueProgress({ command_id: sync.commandId, stage: "error", pages: sync.pages, records: sync.records, ...reason });
    }
  }
}

// downloads: settlement exports from a seller center ---------------------------------------------------
function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

async function onDownloadDone(id) {
  const [item] = await chrome.downloads.search({ id });
  if (!item) return;
  const url = item.finalUrl || item.url;
  const site = Sites.siteFor(url) || Sites.siteFor(item.referrer || "");
  const name = (item.filename || "").split(/[\\/]/).pop();
  if (!site || !EXPORT_NAME.test(name) || !(await captureOn(site.id))) return;
  if (item.fileSize > MAX_FILE_BYTES || item.totalBytes > MAX_FILE_BYTES) {
    await noteRejected({ id: String(id), error: `${name}: over ${MAX_FILE_BYTES / 1048576} MiB; import it with "shoptally import" instead`, at: new Date().toISOString() });
    return;
  }
  let content;
  if (url.startsWith("blob:")) {
    const origin = url.slice(5).split("/").slice(0, 3).join("/");
    const tabs = await chrome.tabs.query({ url: origin + "/*" });
    for (const tab of tabs) {
      const answer = await chrome.tabs.sendMessage(tab.id, { type: "fetch-blob", url }).catch(() => null);
      if (answer && answer.content_base64) { content = answer.content_base64; break; }
    }
  } else if (url.startsWith("data:")) {
    content = url.slice(url.indexOf(",") + 1);
    if (!/;base64,/.test(url.slice(0, url.indexOf(",") + 1))) content = btoa(unescape(decodeURIComponent(content)));
  } else if (url.startsWith("https:")) {
    const response = await fetch(url, { credentials: "include" }).catch(() => null);
    if (response && response.ok) {
      const buf = await response.arrayBuffer();
      if (buf.byteLength <= MAX_FILE_BYTES) content = base64(buf);
    }
  }
  if (!content) {
    await noteRejected({ id: String(id), error: `${name}: the download could not be read again; import it with "shoptally import"`, at: new Date().toISOString() });
    return;
  }
  await enqueueCapture({ site: site.id, url, captured_at: new Date().toISOString(), kind: "file",
    payload: { name, content_base64: content } });
}

// messages from pages, the popup and the options page --------------------------------------------------
chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id || !message) return false;
  const fromTab = sender.tab && sender.tab.id;
  const handle = async () => {
    switch (message.type) {
      case "capture": {
        const site = fromTab && Sites.siteFor(sender.tab.url || sender.url || "");
        if (!site || !message.capture || message.capture.site !== site.id) return { queued: false };
        if (!(await captureOn(site.id))) return { queued: false, reason: "capture is off for this site" };
        return enqueueCapture(message.capture);
      }
      case "page": {
        if (!fromTab) return {};
        const { lastHosts } = await chrome.storage.local.get("lastHosts");
        await chrome.storage.local.set({ lastHosts: { ...(lastHosts || {}), [message.site]: message.host } });
        const sync = (await syncs())[message.site];
        if (sync && sync.tabId === fromTab) {
          return { task: { commandId: sync.commandId, site: message.site, viewIndex: sync.viewIndex, pages: sync.pages, records: sync.records } };
        }
        return {};
      }
      case "ack-of":
        return ackOf(String(message.id), 30000);
      case "known-splits": {
        const site = fromTab && Sites.siteFor(sender.tab.url || sender.url || "");
        const refs = Array.isArray(message.references) ? message.references.map(String).slice(0, 500) : [];
        if (!site || !refs.length) return { references: [] };
        const known = await knownSplits(site.id, String(message.status), refs);
        return known ? { references: known } : { unknown: true };
      }
      case "app-settings":
        return (await chrome.storage.local.get("appSettings")).appSettings || {};
      case "sync-progress":
        if (fromTab) await onSyncProgress(fromTab, message);
        return {};
      case "status":
        return statusForPopup();
      case "sync-now": {
        const commandId = crypto.randomUUID();
        await startSync(String(message.site), commandId);
        return { commandId };
      }
      case "repair":
        await chrome.storage.local.remove("token");
        if (ws) ws.close(1000, "re-pairing");
        else connect();
        return {};
      case "reconnect":
        if (ws) ws.close(1000, "settings changed");
        else connect();
        return {};
      default:
        return {};
    }
  };
  handle().then(reply, (err) => reply({ error: String(err) }));
  return true;
});

async function statusForPopup() {
  const session = await chrome.storage.session.get(["status", "pairing", "syncs"]);
  const local = await chrome.storage.local.get(["lastCapture", "lastSync", "rejected", "token"]);
  const s = await settings();
  return {
    port: s.port,
    capture: s.capture,
    connected: Boolean(ws && ws.readyState === WebSocket.OPEN),
    welcomed,
    paired: Boolean(local.token),
    pairing: session.pairing || null,
    error: (session.status && session.status.error) || "",
    app_version: (session.status && session.status.app_version) || "",
    outbox: await outbox.summary(),
    lastCapture: local.lastCapture || {},
    lastSync: local.lastSync || {},
    running: session.syncs || {},
    rejected: local.rejected || [],
    sites: Sites.SITES.map((site) => ({ id: site.id, label: site.label, sync: Boolean(site.sync) })),
  };
}

chrome.downloads.onChanged.addListener((delta) => {
  if (delta.state && delta.state.current === "complete") onDownloadDone(delta.id).catch((e) => console.warn("shoptally:", e));
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && changes.settings) {
    const before = (changes.settings.oldValue || {}).port;
    const after = (changes.settings.newValue || {}).port;
    if (before !== after) {
      if (ws) ws.close(1000, "port changed");
      else connect();
    }
  }
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === "shoptally-reconnect") {
    connect();
    flush();
    watchSyncs().catch(() => {});
  }
});

chrome.runtime.onInstalled.addListener(() => {
  chrome.alarms.create("shoptally-reconnect", { periodInMinutes: 0.5 });
});
chrome.runtime.onStartup.addListener(() => {
  chrome.alarms.create("shoptally-reconnect", { periodInMinutes: 0.5 });
});

// Every time the worker starts (install, browser start, woken by an event or the alarm): reconnect.
chrome.alarms.get("shoptally-reconnect").then((a) => { if (!a) chrome.alarms.create("shoptally-reconnect", { periodInMinutes: 0.5 }); });
connect();

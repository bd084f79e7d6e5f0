// The progress bar of a long operation the view starts (a dropped file's import, a restore): the daemon
// publishes `progress` events for it on /ws/events, named by the progress_id the view sends (docs/protocol.md,
// "progress"). The bar listens on a socket of its own for the operation's length, so it needs nothing of the
// view's live socket, and a socket that cannot open only leaves the bar at its start.
import { t } from "./i18n.js";

function operationId() {
  return (globalThis.crypto && crypto.randomUUID) ? crypto.randomUUID().replaceAll("-", "")
    : `${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
}

function amount(n, unit) {
  return unit === "bytes" ? `${(n / 1e6).toFixed(1)} MB` : n.toLocaleString();
}

/** The bar's words for one event: stage, done of total, and the share. */
export function progressText(ev) {
  const stage = t(`progress_${ev.stage}`) || ev.stage;
  const of = ev.total != null ? t("progressOf", { done: amount(ev.done, ev.unit), total: amount(ev.total, ev.unit) })
    : amount(ev.done, ev.unit);
  const share = ev.total ? ` · ${Math.floor(Math.min(1, ev.done / ev.total) * 100)}%` : "";
  return `${ev.name ? ev.name + " · " : ""}${stage} ${of}${ev.unit === "rows" ? " " + t("progressRows") : ""}${share}`;
}

function bar(where) {
  const box = document.createElement("div");
  box.className = "progress";
  box.setAttribute("role", "progressbar");
  box.setAttribute("aria-valuemin", "0");
  box.setAttribute("aria-valuemax", "100");
  const track = document.createElement("div");
  track.className = "progress-track";
  const fill = document.createElement("div");
  fill.className = "progress-fill";
  track.append(fill);
  const text = document.createElement("div");
  text.className = "progress-text";
  text.textContent = t("progressStarting");
  box.append(track, text);
  where.after(box);
  return {
    box,
    show(ev) {
      const share = ev.total ? Math.min(1, ev.done / ev.total) : null;
      box.classList.toggle("unknown", share === null);
      fill.style.width = share === null ? "" : `${(share * 100).toFixed(1)}%`;
      if (share !== null) box.setAttribute("aria-valuenow", String(Math.floor(share * 100)));
      text.textContent = progressText(ev);
    },
  };
}

function listening(op, onEvent) {
  return new Promise((resolve) => {
    let ws;
    try {
      ws = new WebSocket(`ws://${location.host}/ws/events`);
    } catch {
      resolve(null);
      return;
    }
    const giveUp = setTimeout(() => resolve(ws), 3000); // the operation starts anyway
    ws.onmessage = (m) => {
      const ev = JSON.parse(m.data);
      if (ev.event === "hello") { clearTimeout(giveUp); resolve(ws); }
      else if (ev.event === "progress" && ev.op === op && !ev.end) onEvent(ev);
    };
    ws.onerror = () => { clearTimeout(giveUp); resolve(null); };
  });
}

/** Runs `start(progressId)` (a promise: the request) with a bar after the element `where` until it settles. */
export async function withProgress(where, start) {
  const op = operationId();
  const shown = bar(where);
  const ws = await listening(op, shown.show);
  try {
    return await start(op);
  } finally {
    if (ws) ws.close();
    shown.box.remove();
  }
}

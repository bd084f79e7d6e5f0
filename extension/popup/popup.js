// The toolbar popup: is the app reachable, is this browser paired (or its code), how much waits to be
// sent, the last capture and sync per seller center, Sync now and Open Finance.
"use strict";

function when(iso) {
  if (!iso) return t("never");
  const d = new Date(iso);
  return d.toLocaleString();
}

function siteRow(site, state) {
  const tr = document.createElement("tr");
  tr.dataset.site = site.id;
  const cap = state.lastCapture[site.id];
  const sync = state.lastSync[site.id];
  const name = document.createElement("td");
  name.textContent = site.label;
  const capCell = document.createElement("td");
  capCell.className = "last-capture";
  capCell.textContent = cap ? when(cap.at) : t("never");
  if (cap) {
    const small = document.createElement("small");
    small.textContent = `+${cap.added} / ~${cap.updated} / =${cap.skipped}`;
    capCell.append(small);
  }
  const syncCell = document.createElement("td");
  syncCell.className = "last-sync";
  syncCell.dataset.outcome = sync ? sync.outcome : "";
  syncCell.textContent = sync ? `${when(sync.at)}: ${sync.outcome}` : t("never");
  if (sync) {
    const small = document.createElement("small");
    const why = self.ShoptallySyncErrors.say(sync.code, sync.params, sync.message, chrome.i18n.getUILanguage());
    small.textContent = `${sync.pages} p, ${sync.records} rec${why ? " · " + why : ""}`;
    syncCell.append(small);
  }
  const act = document.createElement("td");
  const button = document.createElement("button");
  button.className = "sync-now";
  button.textContent = t("syncNow");
  button.disabled = state.capture[site.id] === false || Boolean(state.running[site.id]);
  button.addEventListener("click", async () => {
    button.disabled = true;
    await chrome.runtime.sendMessage({ type: "sync-now", site: site.id });
    refresh();
  });
  if (site.sync) act.append(button); // a site without Sync (1688) is captured while browsing only
  tr.append(name, capCell, syncCell, act);
  return tr;
}

async function refresh() {
  const state = await chrome.runtime.sendMessage({ type: "status" });
  if (!state || state.error === undefined) return;
  const daemon = document.getElementById("daemon");
  daemon.textContent = state.connected ? `${t("daemonUp")} (127.0.0.1:${state.port})` : t("daemonDown");
  daemon.className = state.connected ? "ok" : "bad";
  daemon.dataset.state = state.connected ? "up" : "down";
  const paired = document.getElementById("paired");
  paired.textContent = state.paired && state.welcomed ? t("pairedYes") : t("pairedNo");
  paired.dataset.state = state.paired && state.welcomed ? "yes" : "no";
  const pairing = document.getElementById("pairing");
  pairing.hidden = !state.pairing;
  document.getElementById("pair-code").textContent = state.pairing ? state.pairing.code : "";
  document.getElementById("outbox-length").textContent = String(state.outbox.length);
  document.getElementById("outbox-full").hidden = !state.outbox.full;
  const error = document.getElementById("error");
  error.hidden = !state.error || state.connected && state.welcomed;
  error.textContent = state.error;
  const body = document.querySelector("#sites tbody");
  body.replaceChildren(...state.sites.map((site) => siteRow(site, state)));
  const rejected = document.getElementById("rejected");
  rejected.replaceChildren(...state.rejected.slice(0, 5).map((r) => {
    const li = document.createElement("li");
    li.textContent = `${when(r.at)}: ${r.error}`;
    return li;
  }));
  document.getElementById("rejected-box").hidden = !state.rejected.length;
  document.getElementById("open-finance").onclick = () => chrome.tabs.create({ url: `http://127.0.0.1:${state.port}/` });
}

localize();
refresh();
setInterval(refresh, 1000);

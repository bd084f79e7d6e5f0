// Finance view (first cut): overview cards and profit by store, live over /ws/events.
const $ = (sel) => document.querySelector(sel);
const form = $("#filters");
let lastRev = 0;

function money(text) {
  const span = document.createElement("span");
  span.textContent = text;
  if (text.startsWith("-")) span.className = "neg";
  return span;
}

function expense(t) {
  // Expense: everything that is not platform income (all negative numbers in the profit model).
  const parts = [t.platform_expense, t.tax, t.custom_fees, t.cost].map(Number);
  const cents = parts.reduce((a, b) => a + Math.round(b * 100), 0);
  return (cents / 100).toFixed(2);
}

function params() {
  const data = new FormData(form);
  const q = new URLSearchParams();
  for (const [k, v] of data) if (v) q.set(k, v);
  return q;
}

async function loadStores() {
  const res = await fetch("/api/stores");
  const { stores } = await res.json();
  const sel = form.elements.account;
  const current = sel.value;
  sel.length = 1;
  for (const s of stores) sel.add(new Option(s.name, s.name));
  sel.value = current;
}

async function refresh() {
  const q = params();
  history.replaceState(null, "", "?" + q.toString());
  const res = await fetch("/api/report?" + q.toString());
  const report = await res.json();
  if (!res.ok) { $("#notice").textContent = report.message; return; }
  const cards = $("#cards");
  cards.replaceChildren();
  for (const [cur, t] of Object.entries(report.totals_by_currency)) {
    for (const [metric, label, value] of [
      ["total-income", "Total income", t.platform_income],
      ["total-expense", "Total expense", expense(t)],
      ["net-profit", "Net profit", t.gross_profit],
    ]) {
      const card = document.createElement("div");
      card.className = "card";
      card.dataset.metric = metric;
      card.dataset.currency = cur;
      const h = document.createElement("h2");
      h.textContent = `${label} (${cur})`;
      const v = document.createElement("div");
      v.className = "value";
      v.append(money(value));
      card.append(h, v);
      cards.append(card);
    }
  }
  const body = $("#stores tbody");
  body.replaceChildren();
  for (const row of report.rows) {
    const tr = document.createElement("tr");
    const cells = [row.key.account, row.currency, row.settlement_amount, row.platform_income, expense(row), row.gross_profit];
    cells.forEach((c, i) => {
      const td = document.createElement("td");
      if (i >= 2) { td.className = "num"; td.append(money(c)); } else td.textContent = c;
      tr.append(td);
    });
    body.append(tr);
  }
}

function renderPairing(pending) {
  const box = $("#pairing");
  box.replaceChildren();
  box.hidden = pending.length === 0;
  for (const p of pending) {
    const line = document.createElement("div");
    line.textContent = `Browser "${p.name}" asks to pair with code ${p.code}. `;
    const ok = document.createElement("button");
    ok.textContent = "Approve";
    ok.onclick = () => post("/api/pairing/approve", { code: p.code }).then(loadStatus);
    const no = document.createElement("button");
    no.textContent = "Deny";
    no.onclick = () => post("/api/pairing/deny", { code: p.code }).then(loadStatus);
    line.append(ok, " ", no);
    box.append(line);
  }
}

async function post(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok) $("#notice").textContent = out.message;
  return out;
}

async function loadStatus() {
  const s = await (await fetch("/api/status")).json();
  const pill = $("#conn");
  pill.textContent = s.extensions.length ? `extension connected (${s.extensions.length})` : "no extension connected";
  pill.className = "pill " + (s.extensions.length ? "ok" : "bad");
  renderPairing(s.pending_pairs);
}

function listen() {
  const ws = new WebSocket(`ws://${location.host}/ws/events`);
  ws.onmessage = async (m) => {
    const ev = JSON.parse(m.data);
    if (ev.event === "hello") {
      if (lastRev && ev.rev !== lastRev) { await loadStores(); await refresh(); $("#notice").textContent = "Caught up with changes made while disconnected."; }
      lastRev = ev.rev;
    } else if (ev.event === "tk-settlement.updated") {
      lastRev = ev.rev;
      await loadStores();
      await refresh();
      $("#notice").textContent = `Updated: ${ev.added} added, ${ev.updated} updated, ${ev.removed} removed` + (ev.account ? ` (${ev.account})` : "");
    } else if (ev.event.startsWith("pairing.") || ev.event.startsWith("extension.")) {
      loadStatus();
    } else if (ev.event === "sync.progress") {
      $("#notice").textContent = `Sync: ${ev.stage}, ${ev.pages ?? 0} pages, ${ev.records ?? 0} records`;
    }
  };
  ws.onclose = () => setTimeout(listen, 2000);
}

$("#sync").onclick = async () => {
  const account = form.elements.account.value || null;
  const out = await post("/api/sync", { account });
  if (out.command_id) $("#notice").textContent = "Sync started…";
};
form.onchange = refresh;
for (const [k, v] of new URLSearchParams(location.search)) if (form.elements[k]) form.elements[k].value = v;
await loadStores();
for (const [k, v] of new URLSearchParams(location.search)) if (form.elements[k]) form.elements[k].value = v;
await refresh();
await loadStatus();
listen();

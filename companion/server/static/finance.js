// The Finance view: cards, filters (kept in the URL), the income and profit tabs, drill-down, export,
// Sync Settlement and Reset, live over /ws/events. Plain modules, no build step, no CDN.
import { drawChart } from "./chart.js";
import { categoryName, language, localize, setLanguage, t } from "./i18n.js";
import { formatDate, formatMoney, formatPeriod, formatRates, isNegative, localeOf } from "./format.js";
import { automationSection } from "./automation.js";
import { backupSection } from "./backup.js";
import { cloudDialog } from "./cloud.js";
import { settingsTab } from "./settings.js";
import { rowProfitNote } from "./costs.js";
import { say } from "./messages.js";
import { salesTab } from "./sales.js";
import { loadPayments, loadTaxes } from "./payments.js";
import { isReadOnly, showRole } from "./readonly.js";

const $ = (sel) => document.querySelector(sel);
const form = $("#filters");
// No form here is ever sent (the content security policy allows no inline onsubmit): Enter in a field stays.
for (const f of document.querySelectorAll("form:not([method=dialog])")) f.addEventListener("submit", (e) => e.preventDefault());
// The browser focuses the element a URL's #part names (#reset, #%72eset, ...): a page that opened this one
// could leave the Reset button one Enter away. That element loses the focus until the user touches the page.
const linked = ((raw) => { try { return [raw, decodeURIComponent(raw)]; } catch { return [raw]; } })(location.hash.slice(1));
const unfocusLinked = () => {
  const el = document.activeElement;
  if (linked[0] && !navigator.userActivation?.hasBeenActive && el && el !== document.body
      && (linked.includes(el.id) || linked.includes(el.getAttribute("name")))) el.blur();
};
document.addEventListener("focusin", unfocusLinked, true);
unfocusLinked();
const GROUPS = ["platform_income", "platform_expense", "tax", "custom_fees", "cost"];
const INCOME_COLUMNS = [
  ["date", "date", "date"], ["order_id", "orderId", "order_id"], ["item_no", "itemNo", "item_no"],
  ["sku_id", "skuId", "sku_id"], ["sku_name", "skuName", null], ["quantity", "quantity", "quantity", "num"],
  ["unit_price", "unitPrice", null, "num"], ["settlement_amount", "settlementAmount", "settlement_amount", "num"],
  ["currency", "currency", null], ["type", "type", "type"], ["store", "store", "store"],
];
let state = readState();
let storeCount = null; // stores the daemon knows (an empty database has none: the view says how to start)
let lastRev = null;
let refreshTimer = null;
// How often and how fast the figures were fetched and drawn again (tests and scripts/bench_view.py read it).
window.shoptallyView = { refreshes: 0, busy: false, lastRefreshMs: 0 };

function readState() {
  const q = new URLSearchParams(location.search);
  return {
    period: q.get("period") || "this-month", basis: q.get("basis") || "settlement", account: q.get("account") || "",
    currency: q.get("currency") || "", tab: ["profit", "expense", "settings", "sales", "payments", "taxes"].includes(q.get("tab")) ? q.get("tab") : "income",
    sort: q.get("sort") || "date", dir: q.get("dir") === "asc" ? "asc" : "desc", q: q.get("q") || "",
    page: Math.max(1, Number(q.get("page")) || 1), by: q.get("by") || "store", step: q.get("step") || "",
    group: ["week", "month"].includes(q.get("group")) ? q.get("group") : "day", sby: q.get("sby") === "sku" ? "sku" : "store",
  };
}

function writeState() {
  const q = new URLSearchParams();
  const defaults = readStateDefaults();
  for (const [k, v] of Object.entries(state)) if (String(v) !== String(defaults[k])) q.set(k, v);
  const text = q.toString();
  history.replaceState(null, "", text ? "?" + text : location.pathname);
}

function readStateDefaults() {
  return { period: "this-month", basis: "settlement", account: "", currency: "", tab: "income", sort: "date",
    dir: "desc", q: "", page: 1, by: "store", step: "", group: "day", sby: "store" };
}

function query(extra) {
  const q = new URLSearchParams({ period: state.period, basis: state.basis });
  if (state.account) q.set("account", state.account);
  for (const [k, v] of Object.entries(extra || {})) if (v !== "" && v !== null && v !== undefined) q.set(k, v);
  return q.toString();
}

// A session that ended (the token was replaced, the cookie expired): the page itself then says how to sign in.
function signedOut(res) {
  if (res.status === 401) location.reload();
  return res;
}

async function getJSON(path) {
  const res = signedOut(await fetch(path));
  const body = await res.json();
  if (!res.ok) throw new Error(say(body) || res.statusText);
  return body;
}

async function post(path, body) {
  const res = signedOut(await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }));
  const out = await res.json();
  return { ok: res.ok, status: res.status, body: out };
}

// A message at the bottom: it fades after `ms` (0: stays until the next one). A sticky one (a sync that
// failed) stays until the seller dismisses it with its close button; messages that fade do not replace it.
function notice(text, ms = 4000, sticky = false) {
  if (notice.sticky && !sticky && text) return;
  const el = $("#notice"), close = $("#notice-close");
  $("#notice-text").textContent = text;
  el.hidden = !text;
  close.hidden = !sticky;
  close.setAttribute("aria-label", t("dismiss"));
  notice.sticky = sticky && Boolean(text);
  clearTimeout(notice.timer);
  if (ms && !sticky) notice.timer = setTimeout(() => notice(""), ms);
}
const syncsShown = new Set();  // command ids of syncs whose end a progress message showed
$("#notice-close").onclick = () => { notice.sticky = false; notice(""); };

// Money arrives as exact decimal text; sums are done in integer cents, never in floats.
function cents(text) {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (!m) return 0;
  const v = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -v : v;
}
function fromCents(c) {
  const sign = c < 0 ? "-" : "";
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}
/** A table cell's text that is not money: dates in the language's one format (the store's local time, as the
 * daemon wrote it), counts with grouping. */
function cellText(key, value) {
  if (key === "date") return formatDate(value, language());
  if (key === "quantity") return count(value);
  return String(value ?? "");
}
function expenseOf(totals) {
  return fromCents(["platform_expense", "tax", "custom_fees", "cost"].reduce((s, k) => s + cents(totals[k]), 0));
}
// One sign convention everywhere (docs/finance-view.md): income, refunds, settlement amounts and profit keep
// their sign and are red below zero (a refund, a loss); costs (platform expense, tax, custom fees, cost and
// their categories, the Total expense card) are shown as what they cost, a positive amount in the ordinary
// colour, so a credit in a cost column (fees refunded beyond fees charged) is the one shown with a minus.
const COST_GROUPS = new Set(["platform_expense", "tax", "custom_fees", "cost"]);
const COST_CATEGORIES = new Set(["platform_fee", "platform_logistics", "promotion_fee", "ad_fee", "adjustment",
  "storage_fee", "penalty", "other_platform_fee", "sales_tax", "market_tax", "vat", "other_tax", "product_other_fee",
  "store_other_fee", "order_other_fee", "purchase_cost", "first_leg_cost", "last_leg_cost", "other_cost"]);

/** Exact decimal text → the figure in the UI language and the currency ("$62,743.19", "US$62,743.19"). */
function money(text, currency, cost = false) {
  return formatMoney(text, currency, language(), { negate: cost });
}
function count(n) {
  return typeof n === "number" ? n.toLocaleString(localeOf(language())) : String(n ?? "");
}

/** A money cell: the formatted figure shown, the exact text in data-value; red inside its own span (so a
 * link cell's colour does not turn a refund green). */
function moneyCell(text, currency, { cls = "num", cost = false } = {}) {
  const td = document.createElement("td");
  td.className = cls;
  td.dataset.value = text ?? "";
  const shown = money(text ?? "", currency, cost);
  if (!cost && isNegative(text)) {
    const span = document.createElement("span");
    span.className = "neg";
    span.textContent = shown;
    td.append(span);
    td.classList.add("neg");
  } else {
    td.textContent = shown;
  }
  if (cost) td.classList.add("cost");
  return td;
}

// the 1688 payment notice (setting payment_notice_1688, manual or auto): sold orders of the period whose linked
// purchase is unpaid, named in a banner over the cards; nothing when the setting is off or none waits
async function loadPaymentBanner() {
  const q = new URLSearchParams({ period: state.period });
  if (state.account) q.set("account", state.account);
  const notice = await getJSON("/api/purchases/unpaid?" + q);
  const box = $("#payment-banner");
  box.hidden = !notice.message;
  box.textContent = notice.message ? say(notice.message) : "";
  box.dataset.count = String(notice.count || 0);
}

// cards --------------------------------------------------------------------------------------------
async function loadCards() {
  let report;
  let noRate = "";
  try {
    report = await getJSON("/api/report?" + query({ by: "store", currency: state.currency }));
  } catch (err) {
    if (!state.currency) throw err;
    // no rate for some day: the figures per currency, saying why they are not converted
    noRate = String(err.message || err);
    report = await getJSON("/api/report?" + query({ by: "store" }));
  }
  const cards = $("#cards");
  const old = Object.fromEntries([...cards.querySelectorAll(".card")].map((c) => [c.dataset.metric + c.dataset.currency, c.querySelector(".value").dataset.value]));
  cards.replaceChildren();
  const per = report.currency ? { [report.currency]: report.totals } : report.totals_by_currency;
  for (const [cur, totals] of Object.entries(per)) {
    for (const [metric, label, value, cost = false] of [
      ["total-income", "totalIncome", totals.platform_income],
      ["total-expense", "totalExpense", expenseOf(totals), true],
      ["net-profit", "netProfit", totals.gross_profit],
    ]) {
      const card = document.createElement("div");
      card.className = "card";
      card.dataset.metric = metric;
      card.dataset.currency = cur;
      const h = document.createElement("h2");
      h.textContent = `${t(label)} (${cur})`;
      const v = document.createElement("div");
      v.className = "value" + (!cost && isNegative(value) ? " neg" : "");
      v.dataset.value = value; // the exact figure (signed as the ledger keeps it); the text is formatted
      v.textContent = money(value, cur, cost);
      card.append(h, v);
      if (old[metric + cur] !== undefined && old[metric + cur] !== value) card.classList.add("flash");
      cards.append(card);
    }
  }
  const p = report.period;
  $("#period-shown").textContent = formatPeriod(p, language());
  lastPeriod = p;
  showEmpty(Object.keys(per).length === 0, p);
  const rates = report.currency ? formatRates(report.rates || [], language()) : "";
  $("#rates").textContent = noRate ? t("noRate", { reason: noRate })
    : rates ? t("rates", { currency: report.currency, rates }) : (Object.keys(per).length > 1 ? t("mixed") : "");
}

// expense tab: the seller's own figures, edited in place ------------------------------------------------
const EXPENSE_COLUMNS = [
  ["date", "date", "date"], ["order_id", "orderId", "order_id"], ["purchase_order", "purchaseOrder", null, "", "text"],
  ["sku_id", "skuId", "sku_id"], ["sku_name", "skuName", null], ["quantity", "quantity", "quantity", "num"],
  ["settlement_price", "settlementPrice", "settlement_amount", "num", "money"],
  ["purchase_price", "purchasePrice", null, "num", "money"], ["other_fees", "otherFees", null, "num", "money"],
  ["row_profit", "rowProfit", null, "num"], ["currency", "currency", null], ["store", "store", "store"],
];

async function loadExpense() {
  sortableHead(EXPENSE_COLUMNS, "#expense thead");
  const body = await getJSON("/api/expenses?" + query({ sort: state.sort, dir: state.dir, q: state.q, page: state.page, size: 50 }));
  $("#expense tbody").replaceChildren(...body.rows.map((r) => {
    const row = document.createElement("tr");
    row.dataset.id = r.id;
    for (const [key, , , cls, kind] of EXPENSE_COLUMNS) {
      const isMoney = kind === "money" || key === "row_profit";
      // the seller's purchase price may be kept in another currency than the line's
      const cur = key === "purchase_price" && r.purchase_currency ? r.purchase_currency : r.currency;
      const td = isMoney ? moneyCell(r[key], cur) : document.createElement("td");
      if (!isMoney) td.textContent = cellText(key, r[key]);
      if (cls) td.classList.add(cls);
      td.dataset.col = key;
      if (key === "row_profit") {
        // why a row profit is missing (no rate for the day) or which rate converted its cost, in words
        const note = rowProfitNote(r);
        if (note) td.title = note;
        if (note && !r.row_profit) {
          td.classList.add("muted");
          td.textContent = note;
        }
      }
      if (kind) {
        td.classList.add("editable");
        if (r.edited.includes(key)) td.classList.add("edited");
        if (key === "purchase_order" && r.purchase_order_linked) td.classList.add("linked"); // from a linked purchase
        td.onclick = () => startEdit(td, r, key, kind);
      }
      row.append(td);
    }
    return row;
  }));
  if (!body.rows.length) emptyRow("#expense tbody", EXPENSE_COLUMNS.length);
  const expenseQuery = query({ tab: "expense", sort: state.sort, dir: state.dir, q: state.q, lang: language() });
  $("#export-expense").href = "/api/lines/export.csv?" + expenseQuery;
  $("#export-expense-xlsx").href = "/api/lines/export.xlsx?" + expenseQuery;
  const pages = Math.max(1, Math.ceil(body.total / body.size));
  $("#page-info-expense").textContent = t("pageOf", { page: body.page, pages, total: body.total });
  $("#page-info-expense").dataset.total = body.total;
  $("#prev-expense").disabled = body.page <= 1;
  $("#next-expense").disabled = body.page >= pages;
}

function startEdit(td, row, field, kind) {
  if (td.querySelector("input") || isReadOnly()) return;  // a team's viewer edits nothing
  const input = document.createElement("input");
  input.className = "edit";
  input.value = kind === "money" ? (row[field] || "") : (row[field] || "");
  input.inputMode = kind === "money" ? "decimal" : "text";
  td.replaceChildren(input);
  input.focus();
  input.select();
  let done = false;
  let busy = false; // Enter saves, and the blur that follows must not save again
  const finish = async (save) => {
    if (done || busy) return;
    if (!save || input.value.trim() === String(row[field] || "")) { done = true; await refresh(); return; }
    busy = true;
    const out = await post("/api/edits", { line_id: row.id, field, value: input.value.trim() });
    busy = false;
    if (out.ok) {
      done = true;
      notice(t("saved"), 2000);
      await refresh(); // the row's profit and the cards at once; other views hear the change as an event
    } else {
      input.classList.add("bad");
      input.title = say(out.body);
      notice(say(out.body), 8000);
      input.focus();
    }
  };
  input.onkeydown = (e) => {
    if (e.key === "Enter") finish(true);
    else if (e.key === "Escape") finish(false);
  };
  input.onblur = () => { if (!input.classList.contains("bad")) finish(true); };
}

const FIELD_WORDS = { purchase_price: "purchasePrice", settlement_price: "settlementPrice", other_fees: "otherFees",
  purchase_order: "purchaseOrder" };
$("#undo").onclick = async () => {
  const out = await post("/api/edits/undo", {});
  const field = t(FIELD_WORDS[out.body.field] || out.body.field);
  notice(out.ok ? t("undone", { field, value: out.body.new ?? t("noEdit") }) : say(out.body), 5000);
  if (out.ok) refresh();
};

// chart ------------------------------------------------------------------------------------------------
/** Day for a month or less, week up to four months, month beyond (each point is a report of its own). */
function autoStep(from, to) {
  if (!from || !to) return "month";
  const days = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
  return days <= 31 ? "day" : days <= 120 ? "week" : "month";
}

let chartTicket = 0;
let chartTimer = null;
const CHART_DELAY_MS = 400;
let lastPeriod = null; // the period the cards show, for the chart's automatic step
async function loadChart(period) {
  const ticket = ++chartTicket; // a newer filter wins over a chart still loading
  const step = state.step || autoStep(period && period.from, period && period.to);
  const res = signedOut(await fetch("/api/chart?" + query({ step, currency: state.currency })));
  const data = await res.json();
  if (ticket !== chartTicket) return;
  $("#chart-note").textContent = res.ok ? "" : say(data);
  if (res.ok) await drawChart($("#chart"), data, { width: 960, height: 240, lang: language(), say });
  if (ticket !== chartTicket) return;
  $("#chart-loading")?.remove();
  $("#chart-box").classList.remove("pending");
}

// income tab -----------------------------------------------------------------------------------------
/** A table head whose sortable columns sort on the server when clicked (again: the other direction). */
function sortableHead(columns, thead) {
  const tr = document.createElement("tr");
  for (const [, label, sort, cls] of columns) {
    const th = document.createElement("th");
    th.textContent = t(label);
    if (cls) th.className = cls;
    if (sort) {
      th.dataset.sort = sort;
      if (state.sort === sort) th.setAttribute("aria-sort", state.dir === "asc" ? "ascending" : "descending");
      th.onclick = () => change({ dir: state.sort === sort && state.dir === "desc" ? "asc" : "desc", sort });
    }
    tr.append(th);
  }
  $(thead).replaceChildren(tr);
}

async function loadIncome() {
  sortableHead(INCOME_COLUMNS, "#income thead");
  const body = await getJSON("/api/lines?" + query({ sort: state.sort, dir: state.dir, q: state.q, page: state.page, size: 50 }));
  const rows = body.rows.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    for (const [key, , , cls] of INCOME_COLUMNS) {
      let td;
      if (key === "settlement_amount") {
        td = moneyCell(r[key], r.currency, { cls: "num link" });
        td.title = t("fieldsTitle");
        td.onclick = () => showFields(r.id);
      } else if (key === "unit_price") {
        td = moneyCell(r[key], r.currency);
      } else {
        td = document.createElement("td");
        td.textContent = key === "type" ? t(r[key]) : cellText(key, r[key]);
        if (cls) td.className = cls;
      }
      td.dataset.col = key;
      tr.append(td);
    }
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = INCOME_COLUMNS.length;
    td.className = "muted";
    td.textContent = t("noLines");
    tr.append(td);
    rows.push(tr);
  }
  $("#income tbody").replaceChildren(...rows);
  const pages = Math.max(1, Math.ceil(body.total / body.size));
  $("#page-info").textContent = t("pageOf", { page: body.page, pages, total: body.total });
  $("#page-info").dataset.total = body.total;
  $("#prev").disabled = body.page <= 1;
  $("#next").disabled = body.page >= pages;
  const exportQuery = query({ sort: state.sort, dir: state.dir, q: state.q, lang: language() });
  $("#export").href = "/api/lines/export.csv?" + exportQuery;
  $("#export-xlsx").href = "/api/lines/export.xlsx?" + exportQuery;
  $("#summary-pdf").href = "/api/summary.pdf?" + query({ currency: state.currency, lang: language() });
}

async function showFields(id) {
  const line = await getJSON(`/api/lines/${id}`);
  const table = document.createElement("table");
  const head = document.createElement("tr");
  for (const label of ["field", "amount", "category"]) {
    const th = document.createElement("th");
    th.textContent = t(label);
    head.append(th);
  }
  table.append(head);
  for (const f of line.fields) {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    name.textContent = f.name;
    const cat = document.createElement("td");
    cat.textContent = f.category ? categoryName(f.category) : t("notCounted");
    if (f.unmapped) cat.textContent += ` (${t("unmapped")})`;
    tr.append(name, moneyCell(f.amount, line.currency), cat);
    table.append(tr);
  }
  const title = document.createElement("p");
  title.textContent = `${line.store} · ${line.order_id || ""} · ${line.sku_id || ""} · ${money(line.settlement_amount, line.currency)}`;
  $("#fields-body").replaceChildren(title, table);
  $("#fields").showModal();
}

// profit tab -----------------------------------------------------------------------------------------
async function loadProfit() {
  const report = await getJSON("/api/report?" + query({ by: state.by, currency: state.currency }));
  const exportQuery = query({ by: state.by, currency: state.currency, lang: language() });
  $("#export-profit").href = "/api/report.csv?" + exportQuery;
  $("#export-profit-xlsx").href = "/api/report.xlsx?" + exportQuery;
  const categories = report.rows.length ? Object.keys(report.rows[0].categories) : [];
  const head = document.createElement("tr");
  const labels = [t("key"), t("currency"), t("quantity"), t("settlementAmount"), ...categories.map(categoryName),
    t("platformIncome"), t("platformExpense"), t("tax"), t("customFees"), t("cost"), t("grossProfit")];
  labels.forEach((label, i) => {
    const th = document.createElement("th");
    th.textContent = label;
    if (i >= 2) th.className = "num";
    head.append(th);
  });
  $("#profit thead").replaceChildren(head);
  const rows = report.rows.map((row) => {
    const tr = document.createElement("tr");
    const keyText = Object.values(row.key).filter(Boolean).join(" · ");
    const key = document.createElement("td");
    key.textContent = keyText;
    key.className = "link";
    key.onclick = () => drill(row.key);
    const cur = document.createElement("td");
    cur.textContent = row.currency;
    const qty = document.createElement("td");
    qty.className = "num";
    qty.textContent = count(row.quantity);
    tr.append(key, cur, qty, moneyCell(row.settlement_amount, row.currency));
    for (const c of categories) {
      const td = moneyCell(row.categories[c], row.currency, { cls: "num link", cost: COST_CATEGORIES.has(c) });
      td.dataset.category = c;
      td.onclick = () => drill(row.key);
      tr.append(td);
    }
    for (const g of [...GROUPS, "gross_profit"]) {
      const td = moneyCell(row[g], row.currency, { cost: COST_GROUPS.has(g) });
      td.dataset.group = g;
      tr.append(td);
    }
    return tr;
  });
  $("#profit tbody").replaceChildren(...rows);
  if (!rows.length) emptyRow("#profit tbody", labels.length);
}

/** From a profit figure to the lines behind it: the income tab, filtered to that store, SKU or order. */
function drill(key) {
  if (key.account) state.account = key.account;
  const value = key.order_id || key.msku || key.sku_id || "";
  state.q = value.startsWith("(") ? "" : value; // "(unallocated)" and the like name no line
  state.tab = "income";
  state.page = 1;
  syncForm();
  writeState();
  refresh();
}

// filters, tabs, buttons ----------------------------------------------------------------------------
async function loadStores() {
  const { stores } = await getJSON("/api/stores");
  storeCount = stores.length;
  const sel = form.elements.account;
  sel.length = 1;
  for (const s of stores) sel.add(new Option(s.name, s.name));
  const currencies = new Set(stores.map((s) => s.currency).filter(Boolean));
  const cur = form.elements.currency;
  cur.length = 1;
  for (const c of ["USD", "CNY", "EUR", "GBP", ...currencies, ...(state.currency ? [state.currency] : [])]) if (![...cur.options].some((o) => o.value === c)) cur.add(new Option(c, c));
  syncForm();
}

function syncForm() {
  form.elements.basis.value = state.basis;
  form.elements.account.value = state.account;
  form.elements.currency.value = state.currency;
  for (const b of form.querySelectorAll("[data-period]")) b.classList.toggle("active", b.dataset.period === state.period);
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(state.period);
  form.elements.from.value = range ? range[1] : "";
  form.elements.to.value = range ? range[2] : "";
  $("#search").value = state.q;
  $("#search-expense").value = state.q;
  $("#by").value = state.by;
  $("#step").value = state.step;
  for (const tab of document.querySelectorAll("[role=tab]")) tab.setAttribute("aria-selected", String(tab.dataset.tab === state.tab));
  $("#tab-income").hidden = state.tab !== "income";
  $("#tab-expense").hidden = state.tab !== "expense";
  $("#tab-settings").hidden = state.tab !== "settings";
  $("#tab-profit").hidden = state.tab !== "profit";
  $("#tab-sales").hidden = state.tab !== "sales";
  $("#tab-payments").hidden = state.tab !== "payments";
  $("#tab-taxes").hidden = state.tab !== "taxes";
}

async function refresh() {
  const view = window.shoptallyView;
  const t0 = performance.now();
  view.refreshes += 1;
  view.busy = true;
  pending(+1);
  try {
    const table = { income: loadIncome, expense: loadExpense, profit: loadProfit, settings: loadSettingsTab, sales: loadSales,
      payments: () => loadPayments(getJSON, query()), taxes: () => loadTaxes(getJSON, query()) }[state.tab];
    await Promise.all([loadCards(), table()]);
    loadPaymentBanner().catch(() => {}); // a courtesy beside the figures: never holds them up
    // The chart asks for one report per point: it starts once the figures are on screen and the filters
    // have rested for a moment (clicking through presets does not queue a chart for each), not awaited.
    clearTimeout(chartTimer);
    chartTicket += 1;
    chartTimer = setTimeout(() => {
      loadChart(lastPeriod).catch((err) => {
        $("#chart-note").textContent = String(err.message || err);
        $("#chart-box").classList.remove("pending");
      });
    }, CHART_DELAY_MS);
  } catch (err) {
    notice(String(err.message || err), 8000);
    loadStatus().catch(() => {}); // a 503 may mean the database went away: the status says so
  } finally {
    await new Promise((r) => requestAnimationFrame(() => r())); // drawn, not only in the DOM
    view.lastRefreshMs = Math.round(performance.now() - t0);
    view.busy = false;
    pending(-1);
  }
}

// loading, pending and empty states ----------------------------------------------------------------------
// The page arrives with skeleton cards and "Loading…" rows (index.html). From a filter click until the new
// figures are drawn, the figures on screen are the old ones: they are dimmed and marked pending (class
// "pending", aria-busy, body[data-pending]) so they never read as the new period's. The chart keeps its
// mark until its own, later, request has drawn.
let inFlight = 0;
const FIGURES = ["#cards", "#rates", "#income", "#expense", "#profit", "#sales", "#payments", "#taxes"];
function pending(delta) {
  inFlight = Math.max(0, inFlight + delta);
  const on = inFlight > 0;
  for (const sel of FIGURES) $(sel).classList.toggle("pending", on);
  if (on) $("#chart-box").classList.add("pending");
  $("#cards").setAttribute("aria-busy", String(on));
  $("#cards").dataset.pendingText = t("updating");
  if (on) document.body.dataset.pending = "true";
  else delete document.body.dataset.pending;
}

/** A table's one row saying it has nothing to show. */
function emptyRow(tbody, columns) {
  const tr = document.createElement("tr");
  tr.className = "empty";
  const td = document.createElement("td");
  td.colSpan = columns;
  td.className = "muted";
  td.textContent = t("noLines");
  tr.append(td);
  $(tbody).replaceChildren(tr);
}

/** What to do next when there is nothing to show: with no data at all (no store, or nothing even in All
 * time), the three ways to get figures in; with a period that has none, another period to look at.
 * body[data-empty] is "none", "period" or absent. */
function showEmpty(nothing, period) {
  const box = $("#empty");
  const kind = !nothing ? "" : (storeCount === 0 || state.period === "all") ? "none" : "period";
  box.hidden = !kind;
  if (kind) document.body.dataset.empty = kind;
  else delete document.body.dataset.empty;
  box.dataset.kind = kind;
  if (!kind) return box.replaceChildren();
  const el = (tag, text, cls) => Object.assign(document.createElement(tag), { textContent: text ?? "", className: cls || "" });
  const go = (label, patch, then) => {
    const b = el("button", label);
    b.type = "button";
    b.onclick = () => { change(patch); if (then) setTimeout(then, 50); };
    return b;
  };
  if (kind === "period") {
    const choices = el("div", "", "choices");
    for (const [p, word] of [["all", "all"], ["last-month", "lastMonth"], ["this-year", "thisYear"]]) {
      if (p !== state.period) choices.append(go(t(word), { period: p }));
    }
    if (state.basis === "settlement") choices.append(go(t("orderBasis"), { basis: "order" }));
    box.replaceChildren(el("h2", t("periodEmptyTitle", { period: formatPeriod(period, language()) })),
      el("p", t("periodEmptyHow")), choices);
    return;
  }
  const reveal = (sel) => () => $(sel)?.scrollIntoView({ block: "center" });
  const step = (title, how, action) => {
    const li = el("li");
    li.append(el("b", title), how, ...(action ? [action] : []));
    return li;
  };
  const demo = el("span");
  const [before, after] = t("emptyDemoHow").split("{cmd}");
  demo.append(before, el("code", "shoptally serve --demo"), after ?? "");
  const list = el("ol");
  list.append(
    step(t("emptyExtTitle"), el("span", t("emptyExtHow")), go(t("openPairing"), { tab: "settings" }, reveal("#pairing-settings"))),
    step(t("emptyImportTitle"), el("span", t("emptyImportHow")), go(t("openImport"), { tab: "settings" }, reveal("#drop"))),
    step(t("emptyDemoTitle"), demo));
  box.replaceChildren(el("h2", t("emptyTitle")), el("p", t("emptyLead")), list);
}

function change(patch) {
  Object.assign(state, patch, { page: patch.page || 1 });
  syncForm();
  writeState();
  refresh();
}

for (const b of form.querySelectorAll("[data-period]")) b.onclick = () => change({ period: b.dataset.period });
$("#apply-range").onclick = () => {
  const from = form.elements.from.value;
  const to = form.elements.to.value;
  if (from && to) change({ period: from <= to ? `${from}..${to}` : `${to}..${from}` });
};
form.elements.basis.onchange = () => change({ basis: form.elements.basis.value });
form.elements.account.onchange = () => change({ account: form.elements.account.value });
form.elements.currency.onchange = () => change({ currency: form.elements.currency.value });
for (const tab of document.querySelectorAll("[role=tab]")) tab.onclick = () => change({ tab: tab.dataset.tab });
$("#by").onchange = () => change({ by: $("#by").value });
$("#step").onchange = () => change({ step: $("#step").value });
let searchTimer = null;
$("#search").oninput = () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => change({ q: $("#search").value.trim() }), 250);
};
$("#search-expense").oninput = () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => change({ q: $("#search-expense").value.trim() }), 250);
};
$("#prev").onclick = $("#prev-expense").onclick = () => change({ page: Math.max(1, state.page - 1) });
$("#next").onclick = $("#next-expense").onclick = () => change({ page: state.page + 1 });
$("#lang").onclick = () => {
  setLanguage(language() === "zh" ? "en" : "zh");
  applyLanguage();
  refresh();
  loadStatus();
};

function applyLanguage() {
  localize();
  $("#lang").textContent = t("language");
}

$("#sync").onclick = async () => {
  notice.sticky = false;  // a new sync replaces the last one's message
  const out = await post("/api/sync", { account: state.account || null, trigger: "view" });
  if (out.ok) notice(t("syncStarted"), 0);
  else if (out.status === 409 && out.body.code === "no_extension") notice(t("noExtension"), 0, true);
  else notice(say(out.body), 0, true);
};

$("#reset").onclick = async () => {
  const preview = await getJSON("/api/reset/preview?" + new URLSearchParams(state.account ? { account: state.account } : {}));
  $("#reset-text").textContent = t("resetAsk", { n: preview.records, what: state.account || t("resetAll") });
  const dialog = $("#confirm-reset");
  dialog.returnValue = "";
  dialog.showModal();
  dialog.onclose = async () => {
    if (dialog.returnValue !== "ok") return;
    const out = await post("/api/reset", state.account ? { account: state.account } : { all: true });
    notice(out.ok ? t("resetDone", { n: out.body.removed }) : say(out.body), 6000);
  };
};

// pairing and connection state -------------------------------------------------------------------------
async function loadStatus() {
  const s = await getJSON("/api/status");
  // The database went away (PostgreSQL restarted): a notice that stays, and the status asked again until
  // the database answers; then the figures are read again.
  const db = s.database || { ok: true };
  clearTimeout(loadStatus.retry);
  if (!db.ok) {
    notice(db.error, 0);
    loadStatus.retry = setTimeout(() => loadStatus().catch(() => {}), 5000);
  } else if (loadStatus.down) {
    notice("", 0);
    soon();
  }
  loadStatus.down = !db.ok;
  showRole(s.role);
  const pill = $("#conn");
  pill.textContent = s.extensions.length ? t("extOn", { n: s.extensions.length }) : t("extOff");
  pill.className = "pill " + (s.extensions.length ? "ok" : "bad");
  const box = $("#pairing");
  box.replaceChildren();
  box.hidden = s.pending_pairs.length === 0;
  for (const p of s.pending_pairs) {
    const line = document.createElement("div");
    line.textContent = t("pairAsk", { name: p.name, code: p.code }) + " ";
    const ok = document.createElement("button");
    ok.textContent = t("approve");
    ok.onclick = () => post("/api/pairing/approve", { code: p.code }).then(loadStatus);
    const no = document.createElement("button");
    no.textContent = t("deny");
    no.onclick = () => post("/api/pairing/deny", { code: p.code }).then(loadStatus);
    line.append(ok, " ", no);
    box.append(line);
  }
}

// live -------------------------------------------------------------------------------------------------
function soon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => { await loadStores(); await refresh(); }, 150);
}

function listen() {
  const ws = new WebSocket(`ws://${location.host}/ws/events`);
  ws.onmessage = (m) => {
    const ev = JSON.parse(m.data);
    if (ev.event === "hello") {
      if (lastRev !== null && ev.rev !== lastRev) { soon(); notice(t("caughtUp")); }
      lastRev = ev.rev;
    } else if (ev.event === "tk-settlement.updated") {
      lastRev = ev.rev;
      soon();
      notice(t("updated", { added: ev.added, updated: ev.updated, removed: ev.removed }) + (ev.account ? ` · ${ev.account}` : ""));
    } else if (ev.event.startsWith("pairing.") || ev.event.startsWith("extension.")) {
      loadStatus();
      if (state.tab === "settings") loadSettingsTab();
    } else if (ev.event === "stores.updated" || ev.event === "settings.updated") {
      soon();
    } else if (ev.event === "sync.progress") {
      if (ev.stage === "done" || ev.stage === "error") syncsShown.add(ev.command_id);
      if (ev.stage === "done") notice(t("syncDone", ev));
      else if (ev.stage === "error") notice(t("syncError", { message: say(ev) }), 0, true);
      else notice(t("syncProgress", { stage: t(ev.stage) || ev.stage, pages: ev.pages ?? 0, records: ev.records ?? 0 }), 0);
    } else if (ev.event === "sync.run" || ev.event === "schedules.updated" || ev.event === "autosync.updated") {
      // a run whose end its progress already showed says nothing more
      if (ev.event === "sync.run" && ev.run.status !== "running" && ev.run.status !== "skipped"
          && !syncsShown.has(ev.run.command_id)) {
        const r = ev.run;
        if (r.error) notice(`${r.account || t("allStores")}: ${r.status} · ${say({ code: r.code, params: r.params, message: r.error })}`, 0, true);
        else notice(`${r.account || t("allStores")}: ${r.status} · ${r.records}`, 5000);
      }
      if (state.tab === "settings") loadAutomation();
    } else if (ev.event === "app.reload") {
      location.reload();
    }
  };
  ws.onclose = () => {
    fetch("/api/status").then(signedOut, () => null);  // a refused upgrade says nothing; the API says why
    setTimeout(listen, 2000);
  };
}

const loadDataManagement = settingsTab({ getJSON, post, notice, query, reloadStores: () => loadStores().then(refresh) });
const loadAutomation = automationSection({ getJSON, post, notice });
const loadBackups = backupSection({ getJSON, post, notice });
cloudDialog({ getJSON, post, notice });
const loadSettingsTab = () => Promise.all([loadDataManagement(), loadBackups(), loadAutomation()]);
const loadSales = salesTab({ getJSON, query, state: () => state, change, moneyCell, count, emptyRow });

applyLanguage();
// The reporting currency (Settings → Data Management) is the default when the URL names none.
if (!new URLSearchParams(location.search).has("currency")) {
  const { settings } = await getJSON("/api/settings");
  state.currency = settings.reporting_currency || "";
}
syncForm();
await loadStores();
await refresh();
await loadStatus();
document.body.dataset.ready = "true";
listen();
// The tray's "Pair extension…" opens the Settings tab (#settings). A URL never opens or runs anything that
// deletes or replaces data (reset, restore, cloud merge): any page can link here, so the tray's
// "Reset settlements…" (#reset) only says where the Reset button is; its confirmation opens on a click.
if (location.hash === "#settings") change({ tab: "settings" });
else if (location.hash === "#reset") notice(t("resetWhere"), 10000);
unfocusLinked();
if (location.hash) history.replaceState(null, "", location.pathname + location.search);

// The Finance view's Payments and Taxes tabs: GET /api/reports/payments and /api/reports/tax drawn as tables
// (money as exact text, formatted by format.js; words from i18n.js). finance.js calls these on refresh with
// its own getJSON and the filters' query string.
import { categoryName, language, t } from "./i18n.js";
import { formatDate, formatMoney, isNegative } from "./format.js";

const $ = (sel) => document.querySelector(sel);

function cell(text, cls = "") {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (cls) td.className = cls;
  return td;
}

/** Money as exact text beside its formatted form. `cost`: a tax, shown as the profit tab shows its tax group:
 * what it costs, a positive amount in the ordinary colour (a tax refunded or passed to the seller has the
 * minus); anything else keeps its sign and is red below zero. */
function money(text, currency, cost = false) {
  if (text === null || text === undefined) return cell("–", "num muted");
  const td = cell(formatMoney(text, currency, language(), { negate: cost }), "num");
  td.dataset.value = text;
  if (cost) td.classList.add("cost");
  else if (isNegative(text)) td.classList.add("neg");
  return td;
}

function head(table, labels, firstNumeric) {
  const tr = document.createElement("tr");
  labels.forEach((label, i) => {
    const th = document.createElement("th");
    th.textContent = label;
    if (i >= firstNumeric) th.className = "num";
    tr.append(th);
  });
  $(`#${table} thead`).replaceChildren(tr);
}

function nothing(table, columns, word) {
  const tr = document.createElement("tr");
  tr.className = "empty";
  const td = cell(t(word), "muted");
  td.colSpan = columns;
  tr.append(td);
  $(`#${table} tbody`).replaceChildren(tr);
}

const CHECKS = { ok: "payReconciled", difference: "payDifference", currency_mismatch: "payCurrencyMismatch",
  not_stated: "payNotStated", not_linked: "payNotLinked" };

const FIRST_ROWS = 50;  // as a page of the Income tab
let showAll = false;
let lastQuery = "";

/** One row per payout (and each store's on-hold row), newest first, as the report gives them; the first 50
 * until the seller asks for all (a new filter shows the first 50 again). */
export async function loadPayments(getJSON, query) {
  if (query !== lastQuery) showAll = false;
  lastQuery = query;
  const report = await getJSON("/api/reports/payments?" + query);
  const labels = [t("store"), t("payPayout"), t("payPaymentId"), t("date"), t("payStatus"), t("currency"),
    t("payStated"), t("payReserve"), t("payLinesSum"), t("payLines"), t("payDiff"), t("payCheck")];
  head("payments", labels, 6);
  if (!report.rows.length) return nothing("payments", labels.length, "noPayouts");
  const shown = showAll ? report.rows : report.rows.slice(0, FIRST_ROWS);
  const rows = shown.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.kind = r.kind;
    tr.dataset.ref = r.ref;
    const status = cell(t("pay_" + r.status), "status-" + r.status);
    if (r.source_status) status.title = r.source_status;
    const check = cell(t(CHECKS[r.check] || r.check), r.reconciled === false ? "neg" : r.reconciled ? "" : "muted");
    check.dataset.check = r.check;
    tr.append(cell(r.account), cell(r.kind === "on_hold" ? t("payOnHoldRow") : r.ref), cell(r.payment_id || "–"),
      cell(r.date ? formatDate(r.date.slice(0, 10), language()) : "–"), status, cell(r.currency),
      money(r.amount, r.currency), money(r.reserve, r.currency), money(r.lines_amount, r.currency),
      cell(String(r.lines), "num"), money(r.difference ?? null, r.currency), check);
    return tr;
  });
  if (shown.length < report.rows.length) {  // a year of daily statements: drawn on request, filters stay quick
    const tr = document.createElement("tr");
    tr.className = "more";
    const td = cell("", "");
    td.colSpan = labels.length;
    const more = document.createElement("button");
    more.type = "button";
    more.id = "payments-more";
    more.textContent = t("payShowAll", { n: report.rows.length });
    more.onclick = () => { showAll = true; loadPayments(getJSON, query); };
    td.append(more);
    tr.append(td);
    rows.push(tr);
  }
  $("#payments tbody").replaceChildren(...rows);
  const note = report.unreconciled ? t("payUnreconciledNote", { n: report.unreconciled }) : "";
  $("#payments-note").textContent = report.truncated ? `${note} ${t("payTruncated", { n: report.truncated })}` : note;
}

/** Per store and currency: each tax type's amount and its line count, the total, and the fields that
 * told a withheld tax or a duty apart. */
export async function loadTaxes(getJSON, query) {
  const report = await getJSON("/api/reports/tax?" + query);
  const types = report.types;
  const labels = [t("store"), t("taxRegion"), t("currency"), ...types.map((k) => t("tax_" + k)), t("taxTotal"),
    t("taxLines")];
  head("taxes", labels, 3);
  const notes = [];
  if (!report.rows.length) {
    nothing("taxes", labels.length, "noTaxes");
  } else {
    const rows = report.rows.map((r) => {
      const tr = document.createElement("tr");
      tr.append(cell(r.account), cell(r.region || "–"), cell(r.currency));
      for (const k of types) {
        const td = money(r.types[k].amount, r.currency, true);
        td.dataset.type = k;
        const n = document.createElement("small");
        n.className = "muted";
        n.textContent = ` (${r.types[k].lines})`;
        td.append(n);
        tr.append(td);
      }
      tr.append(money(r.total, r.currency, true), cell(String(r.taxed_lines), "num"));
      for (const f of r.fields) {
        notes.push(t("taxFieldNote", { store: r.account, type: t("tax_" + f.type), name: f.name,
          amount: formatMoney(f.amount, r.currency, language(), { negate: true }), n: f.lines }));
      }
      return tr;
    });
    $("#taxes tbody").replaceChildren(...rows);
  }
  const cats = report.categories.map(categoryName).join(", ");
  $("#taxes-note").textContent = [t("taxCategoriesNote", { categories: cats }), ...notes].join(" · ");
}

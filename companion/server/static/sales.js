// The Sales tab (issue #18.1): orders, units and seed 001's sales figures per day, week or month and per store
// or SKU, from GET /api/reports/sales with the view's period, basis and store. docs/reports.md defines each
// figure. Money arrives as exact decimal text and is shown as the other tabs show it (format.js via
// `moneyCell`); each currency is its own row and its own total, never added to another.
import { language, t } from "./i18n.js";
import { formatDate, formatMonth } from "./format.js";

const $ = (sel) => document.querySelector(sel);
// rows drawn (the totals always are): 500 took the browser about 200 ms more than 200 rows on the 2-core
// machine (docs/benchmarks.md), and a table of 200 rows is already more than anyone reads
const MAX_SHOWN = 200;
const MONEY = ["gross_sales", "seller_discounts", "platform_discounts", "refunds", "net_sales", "shipping", "taxes",
  "total_sales", "average_order_value"];
const WORD = { gross_sales: "salesGross", seller_discounts: "salesSellerDiscounts",
  platform_discounts: "salesPlatformDiscounts", refunds: "salesRefunds", net_sales: "salesNet",
  shipping: "salesShipping", taxes: "salesTaxes", total_sales: "salesTotal", average_order_value: "salesAov" };

/** A refund rate (a fraction, four decimals) as a percentage with two, in integer arithmetic. */
export function percent(rate) {
  if (rate === null || rate === undefined) return "–";
  const m = /^(-?)(\d+)\.(\d{4})$/.exec(rate);
  if (!m) return String(rate);
  const basis = Number(m[2]) * 10000 + Number(m[3]);
  return `${m[1]}${Math.floor(basis / 100)}.${String(basis % 100).padStart(2, "0")}%`;
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

/** The step a row starts, in the language's date format: a day, its week's Monday to Sunday (as far as the
 * period goes) or a month; the ISO text stays in data-value for whoever reads the table. */
function stepCell(r, group) {
  const lang = language();
  const text = group === "month" ? formatMonth(r.step, lang)
    : group === "week" ? `${formatDate(r.from, lang)} – ${formatDate(r.to, lang)}` : formatDate(r.step, lang);
  const td = cell(text);
  td.dataset.value = r.step;
  return td;
}

/** `api`: {getJSON, query, state, change, moneyCell, count, emptyRow}. Returns the function that (re)loads
 * the tab; its two selects (group, by) change the view's state like every other filter. */
export function salesTab(api) {
  const { getJSON, query, state, change, moneyCell, count, emptyRow } = api;
  $("#sales-group").onchange = () => change({ group: $("#sales-group").value });
  $("#sales-by").onchange = () => change({ sby: $("#sales-by").value });

  return async function loadSales() {
    $("#sales-group").value = state().group;
    $("#sales-by").value = state().sby;
    let report;
    try {
      // only the rows it draws: the totals cover every row, row_count says how many there are
      report = await getJSON("/api/reports/sales?" + query({ group: state().group, by: state().sby, limit: MAX_SHOWN }));
    } catch (err) {
      // a refusal of this choice (more days than a table shows, too many rows): its sentence in the table
      // itself, which says what to choose instead, and no figures of the previous filters left behind
      const tr = document.createElement("tr");
      const td = cell(err.message, "muted");
      td.colSpan = 15;
      tr.className = "empty refused";
      tr.append(td);
      $("#sales thead").replaceChildren();
      $("#sales tbody").replaceChildren(tr);
      return;
    }
    const labels = [t(report.group === "week" ? "salesWeek" : report.group === "month" ? "salesMonth" : "date"),
      t("key"), t("currency"), t("salesOrders"), t("salesUnits"), ...MONEY.map((k) => t(WORD[k])), t("salesRefundRate")];
    const head = document.createElement("tr");
    labels.forEach((label, i) => head.append(cell(label, i >= 3 ? "num" : "")));
    $("#sales thead").replaceChildren(head);
    const line = (first, key, currency, f, cls) => {
      const tr = document.createElement("tr");
      if (cls) tr.className = cls;
      tr.append(first, cell(key), cell(currency), cell(count(f.orders), "num"), cell(count(f.units), "num"));
      for (const k of MONEY) {
        const td = f[k] === null ? cell("–", "num") : moneyCell(f[k], currency);
        td.dataset.metric = k;
        tr.append(td);
      }
      tr.append(cell(percent(f.refund_rate), "num"));
      return tr;
    };
    // thousands of rows (a month by SKU and day) take the browser seconds to draw and no one reads them
    const rows = report.rows.slice(0, MAX_SHOWN)
      .map((r) => line(stepCell(r, report.group), Object.values(r.key).filter(Boolean).join(" · "), r.currency, r));
    if (report.row_count > MAX_SHOWN) {
      const tr = document.createElement("tr");
      tr.className = "more";
      const td = cell(t("salesMoreRows", { shown: count(MAX_SHOWN), total: count(report.row_count) }), "muted");
      td.colSpan = labels.length;
      tr.append(td);
      rows.push(tr);
    }
    for (const [currency, totals] of Object.entries(report.totals_by_currency)) {
      rows.push(line(cell(t("total")), "", currency, totals, "total"));
    }
    $("#sales tbody").replaceChildren(...rows);
    if (!report.rows.length) emptyRow("#sales tbody", labels.length);
  };
}

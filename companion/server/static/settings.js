// Settings → Data Management: the seller's modes, store settings, exchange rates, SKU costs and custom fees
// (costs.js), pairing, file import by drag and drop, and report completeness per store and month.
import { costsSection, feesSection, w } from "./costs.js";
import { formatDate } from "./format.js";
import { logisticsSection } from "./logistics.js";
import { purchasesSection } from "./purchases.js";
import { language, t } from "./i18n.js";
import { say, sayStatus } from "./messages.js";
import { withProgress } from "./progress.js";

const $ = (sel) => document.querySelector(sel);

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function button(label, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.onclick = onclick;
  return b;
}

/** `api`: {getJSON, post, notice, query, reloadStores}. Returns a function that (re)loads the tab. */
export function settingsTab(api) {
  const { getJSON, post, notice } = api;

  async function loadModes() {
    const { settings } = await getJSON("/api/settings");
    const form = $("#modes");
    for (const [k, v] of Object.entries(settings)) if (form.elements[k]) form.elements[k].value = v;
  }

  $("#save-modes").onclick = async () => {
    const form = $("#modes");
    const patch = {};
    for (const name of ["order_sync_mode", "payment_notice_1688", "self_delivery_payment", "reporting_currency",
      "detail_rate"]) {
      patch[name] = form.elements[name].value;
    }
    const out = await post("/api/settings", patch);
    notice(out.ok ? t("settingsSaved") : say(out.body), out.ok ? 3000 : 8000);
  };

  async function loadStores() {
    if ($("#store-settings").contains(document.activeElement)) return; // never under the seller's typing
    const [{ stores }, costing, taxed] = await Promise.all([getJSON("/api/stores"), getJSON("/api/costing"),
      getJSON("/api/sales-tax")]);
    const methodOf = Object.fromEntries(costing.stores.map((c) => [c.account, c.method]));
    const salesTaxOf = Object.fromEntries(taxed.stores.map((c) => [c.account, c.sales_tax]));
    $("#store-settings tbody").replaceChildren(...stores.map((s) => {
      const tr = document.createElement("tr");
      tr.dataset.account = s.name;
      const inputs = {};
      for (const [key, size] of [["name", 32], ["timezone", 22], ["currency", 4]]) {
        const input = document.createElement("input");
        input.name = key;
        input.value = s[key] || "";
        input.size = size;
        inputs[key] = input;
        const td = document.createElement("td");
        td.append(input);
        tr.append(td);
      }
      // the store's costing (fixed | moving_average), saved as soon as it is chosen
      const method = document.createElement("select");
      method.name = "costing";
      for (const [value, label] of [["fixed", "costingFixed"], ["moving_average", "costingMovingAverage"]]) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = t(label);
        method.append(option);
      }
      method.value = methodOf[s.name] || "fixed";
      method.onchange = async () => {
        const out = await post("/api/costing", { account: s.name, method: method.value });
        notice(out.ok ? t("settingsSaved") : say(out.body), out.ok ? 3000 : 8000);
      };
      const methodCell = document.createElement("td");
      methodCell.append(method);
      tr.append(methodCell);
      // a Shopify store's sales with or without tax (seed 002; default without), saved as soon as it is chosen
      const taxCell = document.createElement("td");
      if (s.name in salesTaxOf) {
        const choice = document.createElement("select");
        choice.name = "sales_tax";
        choice.title = t("salesTaxHelp");
        for (const [value, label] of [["excluded", "salesTaxExcluded"], ["included", "salesTaxIncluded"]]) {
          const option = document.createElement("option");
          option.value = value;
          option.textContent = t(label);
          choice.append(option);
        }
        choice.value = salesTaxOf[s.name];
        choice.onchange = async () => {
          const out = await post("/api/sales-tax", { account: s.name, sales_tax: choice.value });
          notice(out.ok ? t("settingsSaved") : say(out.body), out.ok ? 3000 : 8000);
        };
        taxCell.append(choice);
      }
      tr.append(taxCell);
      const td = document.createElement("td");
      td.append(button(t("save"), async () => {
        const patch = { account: s.name };
        for (const [key, input] of Object.entries(inputs)) if (input.value.trim() !== (s[key] || "")) patch[key] = input.value.trim();
        if (Object.keys(patch).length === 1) return;
        const out = await post("/api/stores/update", patch);
        notice(out.ok ? t("settingsSaved") : say(out.body), out.ok ? 3000 : 8000);
        if (out.ok) api.reloadStores();
      }));
      tr.append(td);
      return tr;
    }));
  }

  async function loadRates() {
    const { rates } = await getJSON("/api/fx");
    $("#rates-table tbody").replaceChildren(...rates.map((r) => {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      const del = button(w("delete"), async () => {
        const out = await post("/api/fx/delete", { date: r.date, from: r.from, to: r.to });
        notice(out.ok ? w("deleted") : say(out.body), out.ok ? 3000 : 8000);
        if (out.ok) loadRates();
      });
      del.className = "danger";
      td.append(del);
      tr.append(cell(formatDate(r.date, language())), cell(`1 ${r.from} = ${r.rate} ${r.to}`), td);
      return tr;
    }));
  }
  const loadCosts = costsSection(api, $("#rates-table"));
  const loadFees = feesSection(api, $("#costs-settings"));
  const loadLogistics = logisticsSection(api, $("#fees-settings"));
  const loadPurchases = purchasesSection(api, $("#logistics-settings"));

  $("#add-rate").onclick = async () => {
    const f = $("#rate-form");
    const out = await post("/api/fx", { date: f.elements.date.value, from: f.elements.from.value.toUpperCase(),
      to: f.elements.to.value.toUpperCase(), rate: f.elements.rate.value });
    notice(out.ok ? t("settingsSaved") : say(out.body), out.ok ? 3000 : 8000);
    if (out.ok) loadRates();
  };

  async function loadPairing() {
    const { pending, paired } = await getJSON("/api/pairing");
    const box = $("#pairing-settings");
    const items = [];
    if (!pending.length) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = t("noPending");
      items.push(p);
    }
    for (const p of pending) {
      const line = document.createElement("div");
      line.textContent = t("pairAsk", { name: p.name, code: p.code }) + " ";
      line.append(button(t("approve"), () => post("/api/pairing/approve", { code: p.code }).then(loadPairing)), " ",
        button(t("deny"), () => post("/api/pairing/deny", { code: p.code }).then(loadPairing)));
      items.push(line);
    }
    const table = document.createElement("table");
    table.id = "paired";
    for (const b of paired) {
      const tr = document.createElement("tr");
      tr.append(cell(`#${b.id}`), cell(b.name), cell(b.created_at || ""));
      const td = document.createElement("td");
      td.append(button(t("revoke"), () => post("/api/pairing/revoke", { id: b.id }).then(loadPairing)));
      tr.append(td);
      table.append(tr);
    }
    if (paired.length) {
      const h = document.createElement("h4");
      h.textContent = t("pairedBrowsers");
      items.push(h, table);
    }
    box.replaceChildren(...items);
  }

  async function importFiles(files) {
    const list = [];
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let bin = "";
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      list.push({ name: file.name, content_base64: btoa(bin) });
    }
    if (!list.length) return;
    $("#import-result tbody").replaceChildren(...(await importRows(list)));
  }

  // The answer's rows: each file imported, or why not; a file that could go to several stores asks which.
  async function importRows(list) {
    const out = await withProgress($("#drop"), (progress_id) => post("/api/import", { files: list, progress_id }));
    const rows = [];
    for (const f of out.body.files || []) {
      const tr = document.createElement("tr");
      tr.className = "ok";
      tr.append(cell(t("imported", f)), cell(`${f.platform} · ${f.report_type} · ${f.account}` + (f.note ? ` · ${f.note}` : "")));
      rows.push(tr);
    }
    for (const e of out.body.errors || []) {
      const tr = document.createElement("tr");
      tr.append(cell(say(e), "neg"));
      const item = list.find((x) => x.name === e.file);
      if (e.choices && item) tr.append(storePicker(item, e.choices, tr));
      rows.push(tr);
    }
    if (!out.ok) rows.push(Object.assign(document.createElement("tr"), { textContent: say(out.body) }));
    return rows;
  }

  function storePicker(item, choices, row) {
    const td = document.createElement("td");
    td.className = "store-picker";
    const select = document.createElement("select");
    select.setAttribute("aria-label", t("chooseStore"));
    for (const name of choices) select.append(new Option(name, name));
    td.append(select, " ", button(t("importInto"), async () => row.replaceWith(...(await importRows([{ ...item, account: select.value }])))));
    return td;
  }

  const drop = $("#drop");
  drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
  drop.ondragleave = () => drop.classList.remove("over");
  drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); importFiles([...e.dataTransfer.files]); };
  $("#file-input").onchange = (e) => importFiles([...e.target.files]).then(() => { e.target.value = ""; });

  async function loadCompleteness() {
    const report = await getJSON("/api/report?" + api.query({ by: "store" }));
    const rows = report.completeness || [];
    const months = [...new Set(rows.map((r) => r.month))].sort();
    const accounts = [...new Set(rows.map((r) => r.account))].sort();
    const head = document.createElement("tr");
    head.append(cell(t("store")), ...months.map((m) => cell(m)));
    $("#completeness thead").replaceChildren(head);
    $("#completeness tbody").replaceChildren(...accounts.map((a) => {
      const tr = document.createElement("tr");
      tr.append(cell(a));
      for (const m of months) {
        const r = rows.find((x) => x.account === a && x.month === m);
        const td = cell(r ? sayStatus(r.status) : "", r ? `c-${r.colour}` : "");
        if (r) {
          td.dataset.colour = r.colour;
          const missing = [...r.missing_required, ...r.missing_optional];
          td.title = missing.length ? t("missing", { what: missing.join(", ") }) : r.present.join(", ");
        }
        tr.append(td);
      }
      return tr;
    }));
  }

  return async function load() {
    await Promise.all([loadModes(), loadStores(), loadRates(), loadCosts(), loadFees(), loadLogistics(), loadPurchases(), loadPairing(),
      loadCompleteness()]);
  };
}

// Settings → SKU costs: each SKU's unit cost in force and its dated versions (a version counts from its
// date until the next one; no date: from the start), added, changed and deleted in place, and a costs CSV
// dropped on the section (the file `shoptally costs import` reads). Built here, inside the Settings tab,
// with its own words in both languages; the language is the one the page shows (i18n.js's language()).
import { formatDate, formatMoney } from "./format.js";
import { language } from "./i18n.js";
import { say } from "./messages.js";
import { el, figuresDrop } from "./settings_parts.js";

const WORDS = {
  en: {
    title: "SKU costs", help: "What one unit costs you. A cost counts from its date until the next version of the SKU; leave the date empty for from the start.",
    sku: "SKU ID", msku: "MSKU", cost: "Unit cost", currency: "Currency", from: "From", current: "Cost now",
    versions: "Versions", add: "Add cost", save: "Save", cancel: "Cancel", edit: "Edit", delete: "Delete",
    deleteAll: "Delete SKU", history: "History ({n})", start: "from the start", search: "Search SKU or MSKU",
    drop: "Drop a costs CSV here (sku_id, msku, unit_cost, currency, effective_from), or",
    saved: "Cost saved", deleted: "Cost deleted", imported: "{file}: {added} added, {updated} changed, {skipped} unchanged",
    none: "No SKU costs yet: add one above or drop a CSV.", confirmAll: "Delete every cost version of {sku}?",
    more: "Showing the first SKUs only: search to narrow the table.",
    noRate: "no {from}→{to} rate on {date}: add one in Settings", converted: "{cost} at {from}→{to} {rate} ({date})",
    fees: "Custom fees", feesHelp: "Costs the platforms do not show (ads, warehouse, tools), by month: for a whole store, one product (SKU ID or MSKU) or one order.",
    level: "Level", store: "Store", product: "Product", order: "Order", account: "Store", target: "SKU / order",
    month: "Month", name: "Name", amount: "Amount", addFee: "Add fee", feeSaved: "Fee saved", noFees: "No custom fees yet.",
  },
  zh: {
    title: "SKU 成本", help: "每件商品的进货成本。成本自生效日期起计，直到该 SKU 的下一个版本；日期留空表示从最早开始。",
    sku: "SKU ID", msku: "MSKU", cost: "单件成本", currency: "币种", from: "生效日期", current: "当前成本",
    versions: "版本", add: "添加成本", save: "保存", cancel: "取消", edit: "编辑", delete: "删除",
    deleteAll: "删除 SKU", history: "历史（{n}）", start: "从最早开始", search: "搜索 SKU 或 MSKU",
    drop: "将成本 CSV 拖放到此处（sku_id、msku、unit_cost、currency、effective_from），或",
    saved: "成本已保存", deleted: "成本已删除", imported: "{file}：新增 {added}，修改 {updated}，未变 {skipped}",
    none: "还没有 SKU 成本：在上方添加，或拖入 CSV。", confirmAll: "删除 {sku} 的所有成本版本？",
    more: "仅显示前面的 SKU：请搜索以缩小范围。",
    noRate: "缺少 {date} 的 {from}→{to} 汇率：请在设置中添加", converted: "{cost}，按 {from}→{to} {rate}（{date}）换算",
    fees: "自定义费用", feesHelp: "平台未显示的费用（广告、仓储、工具等），按月记录：整个店铺、单个商品（SKU ID 或 MSKU）或单个订单。",
    level: "层级", store: "店铺", product: "商品", order: "订单", account: "店铺", target: "SKU / 订单",
    month: "月份", name: "名称", amount: "金额", addFee: "添加费用", feeSaved: "费用已保存", noFees: "还没有自定义费用。",
  },
};

export function lang() {
  return language() === "zh" ? "zh" : "en";
}

export function w(key, vars) {
  let text = WORDS[lang()][key] ?? WORDS.en[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

/** An expense row's row-profit words when the figure is missing or converted (for the expense tab to show):
 * `row.row_profit_missing` → "no CNY→USD rate on Oct 2, 2025: add one in Settings"; a converted purchase
 * price → "$3.00 at USD→CNY 7.0 (Oct 1, 2025)"; otherwise "". */
export function rowProfitNote(row) {
  const m = row.row_profit_missing;
  if (m) return w("noRate", { from: m.from, to: m.to, date: formatDate(m.date, lang()) });
  const r = row.rate;
  if (r && row.purchase_converted) {
    return w("converted", { cost: formatMoney(row.purchase_converted, row.currency, lang()), from: r.from, to: r.to,
      rate: r.rate, date: formatDate(r.date, lang()) });
  }
  return "";
}

function input(name, { ariaLabel, ...props } = {}) {
  const node = el("input", { name, ...props });
  if (ariaLabel) node.setAttribute("aria-label", ariaLabel);
  return node;
}

/** A form laid out as a wrapping row (set through the CSSOM: the page's CSP allows no inline style text). */
function row(form) {
  Object.assign(form.style, { display: "flex", flexWrap: "wrap", gap: "6px", alignItems: "center", margin: "6px 0" });
  return form;
}

function button(label, onclick, cls = "") {
  return el("button", { type: "button", textContent: label, onclick, className: cls });
}

const since = (d) => (d ? formatDate(d, lang()) : w("start"));
const money = (v) => formatMoney(v.unit_cost, v.currency, lang());

/** `api`: {getJSON, post, notice}. Puts the section after `after` and returns its (re)load function. */
export function costsSection(api, after) {
  const { getJSON, post, notice } = api;
  const box = el("section", { id: "costs-settings" });
  after.after(box);
  const open = new Set(); // SKUs whose history is shown
  let search = "";

  const answer = (out, ok) => notice(out.ok ? ok : say(out.body), out.ok ? 3000 : 8000);

  function form() {
    const f = el("form", { id: "cost-form", className: "cost-form" },
      input("sku_id", { placeholder: w("sku"), size: 16, ariaLabel: w("sku") }),
      input("msku", { placeholder: w("msku"), size: 12, ariaLabel: w("msku") }),
      input("unit_cost", { placeholder: "4.20", size: 8, inputMode: "decimal", ariaLabel: w("cost") }),
      input("currency", { placeholder: "USD", size: 4, maxLength: 3, ariaLabel: w("currency") }),
      input("effective_from", { type: "date", ariaLabel: w("from") }));
    f.append(button(w("add"), async () => {
      const body = {};
      for (const name of ["sku_id", "msku", "unit_cost", "currency", "effective_from"]) body[name] = f.elements[name].value.trim();
      const out = await post("/api/costs", body);
      answer(out, w("saved"));
      if (out.ok) {
        f.reset();
        await load(true);
      }
    }));
    f.onsubmit = (e) => e.preventDefault();
    return row(f);
  }

  const dropZone = () => figuresDrop({ id: "costs-drop", fileId: "costs-file", text: w("drop"), kind: "costs", post,
    notice, said: (body) => w("imported", body), done: () => load(true) });

  // A row's cells for one version, or the inputs that change it (Save sends `replaces`: its old date).
  function editRow(tr, sku, v, first) {
    const cost = input("unit_cost", { value: v.unit_cost, size: 8, inputMode: "decimal", ariaLabel: w("cost") });
    const cur = input("currency", { value: v.currency, size: 4, maxLength: 3, ariaLabel: w("currency") });
    const day = input("effective_from", { type: "date", value: v.effective_from, ariaLabel: w("from") });
    const save = button(w("save"), async () => {
      const out = await post("/api/costs", { sku_id: sku.sku_id, msku: sku.msku, unit_cost: cost.value.trim(),
        currency: cur.value.trim(), effective_from: day.value, replaces: v.effective_from });
      answer(out, w("saved"));
      if (out.ok) await load(true);
    }, "save-cost");
    tr.replaceChildren(...first, el("td", {}, cost, " ", cur), el("td", {}, day), el("td", {}, save, " ",
      button(w("cancel"), () => load(true))));
    cost.focus();
  }

  function skuRow(sku) {
    const tr = el("tr", { className: "cost-sku" });
    tr.dataset.sku = sku.sku_id;
    const first = () => [el("td", { textContent: sku.sku_id }), el("td", { textContent: sku.msku })];
    const n = sku.versions.length;
    const history = button(w("history", { n }), () => {
      if (open.has(sku.sku_id)) open.delete(sku.sku_id); else open.add(sku.sku_id);
      load(true);
    }, "link history");
    history.setAttribute("aria-expanded", String(open.has(sku.sku_id)));
    tr.append(...first(), el("td", { className: "num cost-now", textContent: money(sku.current) }),
      el("td", { className: "cost-from", textContent: since(sku.current.effective_from) }),
      el("td", {}, history, " ", button(w("edit"), () => editRow(tr, sku, sku.current, first()), "edit-cost"), " ",
        button(w("deleteAll"), async () => {
          if (!window.confirm(w("confirmAll", { sku: sku.sku_id }))) return;
          const out = await post("/api/costs/delete", { sku_id: sku.sku_id, all: true });
          answer(out, w("deleted"));
          if (out.ok) await load(true);
        }, "danger delete-sku")));
    const rows = [tr];
    if (open.has(sku.sku_id)) {
      for (const v of sku.versions) {
        const vr = el("tr", { className: "cost-version" });
        vr.dataset.from = v.effective_from;
        const lead = () => [el("td"), el("td", { className: "muted", textContent: v.msku })];
        vr.append(...lead(), el("td", { className: "num", textContent: money(v) }),
          el("td", { textContent: since(v.effective_from) }),
          el("td", {}, button(w("edit"), () => editRow(vr, sku, v, lead()), "edit-version"), " ",
            button(w("delete"), async () => {
              const out = await post("/api/costs/delete", { sku_id: sku.sku_id, effective_from: v.effective_from });
              answer(out, w("deleted"));
              if (out.ok) await load(true);
            }, "danger delete-version")));
        rows.push(vr);
      }
    }
    return rows;
  }

  // The title, form, drop zone and search are built once per language (a reload of the table never takes
  // what the seller is typing); the table is built again on every load.
  let builtFor = "", tableBox;
  function frame() {
    const find = input("q", { type: "search", value: search, placeholder: w("search"), ariaLabel: w("search"), id: "costs-search" });
    let timer;
    find.oninput = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { search = find.value.trim(); load(true); }, 250);
    };
    tableBox = el("div", { className: "costs-table-box" });
    box.replaceChildren(el("h3", { textContent: w("title") }), el("p", { className: "muted", textContent: w("help") }),
      form(), dropZone(), find, tableBox);
    builtFor = lang();
  }

  async function load(force = false) {
    if (builtFor !== lang()) frame();
    if (!force && tableBox.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    const body = await getJSON("/api/costs" + (search ? "?q=" + encodeURIComponent(search) : ""));
    const head = el("tr", {}, ...["sku", "msku", "current", "from"].map((k) => el("th", { textContent: w(k), className: k === "current" ? "num" : "" })),
      el("th"));
    const table = el("table", { id: "costs-table" }, el("thead", {}, head), el("tbody", {}, ...body.costs.flatMap(skuRow)));
    tableBox.replaceChildren(
      body.costs.length ? el("div", { className: "scroll" }, table) : el("p", { className: "muted empty", textContent: w("none") }),
      ...(body.truncated ? [el("p", { className: "muted", textContent: w("more") })] : []));
  }

  return load;
}

/** Settings → custom fees: a form (checked by the daemon as `shoptally fees import` checks a row) and the
 * list, latest month first, each deletable. Returns its (re)load function. */
export function feesSection(api, after) {
  const { getJSON, post, notice } = api;
  const box = el("section", { id: "fees-settings" });
  after.after(box);
  let builtFor = "", listBox, accounts;

  function frame(stores) {
    const f = el("form", { id: "fee-form", className: "cost-form" });
    const level = el("select", { name: "level" }, ...["store", "product", "order"].map((k) => new Option(w(k), k)));
    accounts = el("select", { name: "account" });
    level.setAttribute("aria-label", w("level"));
    accounts.setAttribute("aria-label", w("account"));
    f.append(level, accounts, input("target", { placeholder: w("target"), size: 14, ariaLabel: w("target") }),
      input("month", { type: "month", ariaLabel: w("month") }), input("name", { placeholder: w("name"), size: 14, ariaLabel: w("name") }),
      input("amount", { placeholder: "120.00", size: 8, inputMode: "decimal", ariaLabel: w("amount") }),
      input("currency", { placeholder: "USD", size: 4, maxLength: 3, ariaLabel: w("currency") }),
      button(w("addFee"), async () => {
        const body = {};
        for (const k of ["level", "account", "target", "month", "name", "amount", "currency"]) body[k] = f.elements[k].value.trim();
        const out = await post("/api/fees", body);
        notice(out.ok ? w("feeSaved") : say(out.body), out.ok ? 3000 : 8000);
        if (out.ok) {
          for (const k of ["target", "name", "amount"]) f.elements[k].value = "";
          await load(true);
        }
      }));
    f.onsubmit = (e) => e.preventDefault();
    row(f);
    listBox = el("div");
    box.replaceChildren(el("h3", { textContent: w("fees") }), el("p", { className: "muted", textContent: w("feesHelp") }), f, listBox);
    builtFor = lang();
    fillStores(stores);
  }

  function fillStores(stores) {
    const chosen = accounts.value;
    accounts.replaceChildren(...stores.map((s) => new Option(s.name, s.name)));
    if (stores.some((s) => s.name === chosen)) accounts.value = chosen;
  }

  async function load(force = false) {
    const [{ stores }, { fees }] = await Promise.all([getJSON("/api/stores"), getJSON("/api/fees")]);
    if (builtFor !== lang()) frame(stores);
    else if (!box.contains(document.activeElement)) fillStores(stores);
    if (!force && listBox.contains(document.activeElement)) return;
    const head = el("tr", {}, ...["month", "account", "level", "target", "name", "amount"].map((k) =>
      el("th", { textContent: w(k), className: k === "amount" ? "num" : "" })), el("th"));
    const rows = fees.map((fee) => {
      const tr = el("tr", {}, el("td", { textContent: fee.month }), el("td", { textContent: fee.account }),
        el("td", { textContent: w(fee.level) }), el("td", { textContent: fee.target }), el("td", { textContent: fee.name }),
        el("td", { className: "num", textContent: formatMoney(fee.amount, fee.currency, lang()) }),
        el("td", {}, button(w("delete"), async () => {
          const out = await post("/api/fees/delete", { id: fee.id });
          notice(out.ok ? w("deleted") : say(out.body), out.ok ? 3000 : 8000);
          if (out.ok) await load(true);
        }, "danger")));
      tr.dataset.id = fee.id;
      return tr;
    });
    listBox.replaceChildren(fees.length ? el("div", { className: "scroll" }, el("table", { id: "fees-table" },
      el("thead", {}, head), el("tbody", {}, ...rows))) : el("p", { className: "muted empty", textContent: w("noFees") }));
  }

  return load;
}

// Settings → logistics costs: first-leg (head haul), last-leg and other costs per unit, as stored by
// `shoptally logistics import` or a CSV dropped here (per unit, or a shipment's bill spread over its units),
// each version listed with its start date and deletable. Its own words in both languages, like costs.js.
import { formatDate, formatMoney } from "./format.js";
import { language } from "./i18n.js";
import { say } from "./messages.js";
import { el, figuresDrop, wordsOf } from "./settings_parts.js";

const WORDS = {
  en: {
    title: "Logistics costs", help: "First-leg freight, the last mile you pay yourself and other costs per unit. They count per unit sold from their date, like SKU costs. A shipment's bill is spread over the units it carried.",
    drop: "Drop a logistics CSV here (kind, sku_id, currency, then unit_cost and effective_from, or shipment, date, units and shipment_cost), or",
    kind: "Cost", sku: "SKU ID", from: "From", perUnit: "Per unit", shipment: "Shipment", start: "from the start",
    first_leg: "First-leg", last_leg: "Last-leg", other: "Other", delete: "Delete", deleted: "Cost deleted",
    imported: "{file}: {added} added, {updated} changed, {skipped} unchanged",
    none: "No logistics costs yet: drop a CSV, or run `shoptally logistics import FILE.csv`.",
    more: "Showing the newest 2,000 versions only.",
  },
  zh: {
    title: "物流成本", help: "头程运费、自付尾程和其他按件成本。与 SKU 成本相同，自生效日期起按售出件数计入。货件账单按所载件数平摊。",
    drop: "将物流成本 CSV 拖放到此处（kind、sku_id、currency，再加 unit_cost 与 effective_from，或 shipment、date、units 与 shipment_cost），或",
    kind: "成本", sku: "SKU ID", from: "生效日期", perUnit: "每件", shipment: "货件", start: "从最早开始",
    first_leg: "头程", last_leg: "尾程", other: "其他成本", delete: "删除", deleted: "成本已删除",
    imported: "{file}：新增 {added}，修改 {updated}，未变 {skipped}",
    none: "还没有物流成本：拖入 CSV，或运行 `shoptally logistics import FILE.csv`。",
    more: "仅显示最新的 2,000 个版本。",
  },
};

const w = wordsOf(WORDS);
const lang = () => (language() === "zh" ? "zh" : "en");

/** `api`: {getJSON, post, notice}. Puts the section after `after` and returns its (re)load function. */
export function logisticsSection(api, after) {
  const { getJSON, post, notice } = api;
  const box = el("section", { id: "logistics-settings" });
  after.after(box);

  function tableOf(charges) {
    const head = el("tr", {}, ...["kind", "sku", "from", "perUnit", "shipment", ""].map((k) => el("th", { textContent: k ? w(k) : "" })));
    const rows = charges.map((c) => {
      const del = el("button", { type: "button", className: "danger", textContent: w("delete") });
      del.onclick = async () => {
        const out = await post("/api/logistics/delete", { kind: c.kind, sku_id: c.sku_id, effective_from: c.effective_from });
        notice(out.ok ? w("deleted") : say(out.body), out.ok ? 3000 : 8000);
        if (out.ok) await load();
      };
      return el("tr", { className: "charge" },
        el("td", { textContent: w(c.kind) }), el("td", { textContent: c.sku_id }),
        el("td", { textContent: c.effective_from ? formatDate(c.effective_from, lang()) : w("start") }),
        el("td", { className: "num", textContent: formatMoney(c.unit_cost, c.currency, lang()) }),
        el("td", { textContent: c.shipment }), el("td", {}, del));
    });
    return el("div", { className: "scroll" }, el("table", { id: "logistics-table" }, el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  async function load() {
    const { charges, truncated } = await getJSON("/api/logistics");
    box.replaceChildren(el("h3", { textContent: w("title") }), el("p", { className: "muted", textContent: w("help") }), figuresDrop({ id: "logistics-drop", text: w("drop"), kind: "logistics", post, notice,
      said: (body) => w("imported", body), done: load }),
      charges.length ? tableOf(charges) : el("p", { className: "muted empty", textContent: w("none") }));
    if (truncated) box.append(el("p", { className: "muted", textContent: w("more") }));
  }
  return load;
}

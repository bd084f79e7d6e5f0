// Settings → Purchases: the purchase records (a purchase CSV dropped here, or 1688 orders the extension
// captured) with the sold orders each serves, and the SKU map (supplier SKU → shop SKU) dropped as a CSV: the
// files `shoptally purchases import` and `shoptally skumap import` read; a purchase or a SKU map entry deleted
// by its row's Delete (as `shoptally purchases delete` / `skumap delete`). Its own words in both languages.
import { formatDate, formatMoney } from "./format.js";
import { language } from "./i18n.js";
import { say } from "./messages.js";
import { el, figuresDrop, wordsOf } from "./settings_parts.js";

const WORDS = {
  en: {
    title: "Purchases", help: "What you paid suppliers (1688), linked to the orders they serve; a store whose costing is the moving average takes its costs from them.",
    drop: "Drop a purchases CSV here (order_no, sku, quantity, unit_price, currency, shipping, status, paid_at, sold_order…), or",
    dropMap: "Drop a SKU map CSV here (supplier_sku, sku_id, store), or",
    imported: "{file}: {added} added, {updated} changed, {skipped} unchanged",
    orderNo: "Order no", supplier: "Supplier", status: "Status", total: "Total", paid: "Paid", sold: "Sold orders",
    none: "No purchases yet: drop a CSV, or let the extension capture your 1688 orders.", mapCount: "SKU map: {n} entries",
    more: "Showing the newest {shown} of {total} purchases.",
    status_unpaid: "unpaid", status_paid: "paid", status_shipped: "shipped", status_received: "received",
    status_cancelled: "cancelled", status_refunded: "refunded",
    delete: "Delete", deleted: "Deleted", confirmPurchase: "Delete purchase order {order} with its goods lines and links?",
    confirmMap: "Delete the SKU map entry of {sku}?", supplierSku: "Supplier SKU", shopSku: "Shop SKU",
    store: "Store", everyStore: "every store",
  },
  zh: {
    title: "采购单", help: "向供应商（1688）支付的采购，并关联到其所供应的订单；成本计价为移动加权平均的店铺按采购单计算成本。",
    drop: "将采购 CSV 拖放到此处（order_no、sku、quantity、unit_price、currency、shipping、status、paid_at、sold_order…），或",
    dropMap: "将 SKU 映射 CSV 拖放到此处（supplier_sku、sku_id、store），或",
    imported: "{file}：新增 {added}，修改 {updated}，未变 {skipped}",
    orderNo: "采购单号", supplier: "供应商", status: "状态", total: "合计", paid: "付款时间", sold: "已售订单",
    none: "还没有采购单：拖入 CSV，或让扩展抓取您的 1688 订单。", mapCount: "SKU 映射：{n} 条",
    more: "仅显示最新的 {shown} 个采购单（共 {total} 个）。",
    status_unpaid: "未付款", status_paid: "已付款", status_shipped: "已发货", status_received: "已收货",
    status_cancelled: "已取消", status_refunded: "已退款",
    delete: "删除", deleted: "已删除", confirmPurchase: "删除采购单 {order} 及其商品行和关联？",
    confirmMap: "删除 {sku} 的 SKU 映射条目？", supplierSku: "供应商 SKU", shopSku: "店铺 SKU",
    store: "店铺", everyStore: "所有店铺",
  },
};

const w = wordsOf(WORDS);
const lang = () => (language() === "zh" ? "zh" : "en");

/** `api`: {getJSON, post, notice}. Puts the section after `after` and returns its (re)load function. */
export function purchasesSection(api, after) {
  const { getJSON, post, notice } = api;
  const box = el("section", { id: "purchases-settings" });
  after.after(box);

  const dropZone = (id, words, kind) => figuresDrop({ id, text: w(words), kind, post, notice,
    said: (body) => w("imported", body), done: load });

  let builtFor = "", tableBox, mapLine, mapBox;
  function frame() {
    tableBox = el("div");
    mapLine = el("p", { className: "muted", id: "skumap-count" });
    mapBox = el("div");
    box.replaceChildren(el("h3", { textContent: w("title") }), el("p", { className: "muted", textContent: w("help") }),
      dropZone("purchases-drop", "drop", "purchases"), dropZone("skumap-drop", "dropMap", "skumap"), mapLine, mapBox,
      tableBox);
    builtFor = lang();
  }

  /** A row's Delete: asks first, posts `body` to `path`, says what happened and reloads the section. */
  const deleteButton = (question, path, body, cls) => el("button", { type: "button", textContent: w("delete"),
    className: `danger ${cls}`, onclick: async () => {
      if (!window.confirm(question)) return;
      const out = await post(path, body);
      notice(out.ok ? w("deleted") : say(out.body), out.ok ? 3000 : 8000);
      await load();
    } });

  function mapTable(entries) {
    if (!entries.length) return "";
    const head = el("tr", {}, ...["supplierSku", "shopSku", "store", ""].map((k) => el("th", { textContent: k && w(k) })));
    const rows = entries.map((m) => el("tr", { className: "skumap-entry" }, el("td", { textContent: m.supplier_sku }),
      el("td", { textContent: m.sku_id }), el("td", { textContent: m.store || w("everyStore") }),
      el("td", {}, deleteButton(w("confirmMap", { sku: m.supplier_sku }), "/api/skumap/delete",
        { supplier_sku: m.supplier_sku, store: m.store }, "delete-skumap"))));
    return el("div", { className: "scroll" }, el("table", { id: "skumap-table" }, el("thead", {}, head),
      el("tbody", {}, ...rows)));
  }

  async function load() {
    if (builtFor !== lang()) frame();
    const [body, map] = await Promise.all([getJSON("/api/purchases"), getJSON("/api/skumap")]);
    mapLine.textContent = w("mapCount", { n: map.total });
    mapBox.replaceChildren(mapTable(map.entries));
    if (map.note) mapBox.append(el("p", { className: "muted", id: "skumap-more", textContent: say(map.note) }));
    const head = el("tr", {}, ...["orderNo", "supplier", "status", "total", "paid", "sold", ""].map((k) => el("th", {
      textContent: k && w(k), className: k === "total" ? "num" : "" })));
    const rows = body.purchases.map((p) => el("tr", { className: `purchase ${p.status}` },
      el("td", { textContent: p.order_no }), el("td", { textContent: p.supplier }), el("td", { textContent: w(`status_${p.status}`) }),
      el("td", { className: "num", textContent: formatMoney(p.total, p.currency, lang()) }),
      el("td", { textContent: p.paid_on ? formatDate(p.paid_on, lang()) : "" }),  // the source's own calendar
      el("td", { textContent: p.sold_orders.join(", ") }),
      el("td", {}, deleteButton(w("confirmPurchase", { order: p.order_no }), "/api/purchases/delete",
        { order_no: p.order_no, source: p.source }, "delete-purchase"))));
    tableBox.replaceChildren(body.purchases.length
      ? el("div", { className: "scroll" }, el("table", { id: "purchases-table" }, el("thead", {}, head), el("tbody", {}, ...rows)))
      : el("p", { className: "muted empty", textContent: w("none") }));
    if (body.total > body.purchases.length) {
      tableBox.append(el("p", { className: "muted", textContent: w("more", { shown: body.purchases.length, total: body.total }) }));
    }
  }

  return load;
}

// Reads the tables a page shows, as text: for seller-center pages whose data does not come as JSON the
// extension knows. Arco-style tables keep their header and body in two <table> elements; both are read.
"use strict";
(function (root) {
  const MAX_ROWS = 5000;
  const MAX_CELL = 1000;

  function text(el) {
    return (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, MAX_CELL);
  }

  function visible(el) {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  }

  function headerCells(table) {
    const head = table.tHead || table.querySelector("thead");
    const rows = head ? head.rows : [];
    if (rows.length) return Array.from(rows[rows.length - 1].cells, text);
    const first = table.rows[0];
    if (first && first.querySelector("th")) return Array.from(first.cells, text);
    return null;
  }

  /** Every visible table with a header and at least one row: [{headers, rows}]. */
  function readTables(doc) {
    const out = [];
    const seen = new Set();
    for (const table of doc.querySelectorAll("table")) {
      if (seen.has(table) || !visible(table)) continue;
      seen.add(table);
      let headers = headerCells(table);
      let bodyTable = table;
      if (headers && !table.querySelector("tbody tr td")) {
        // a header-only table: its body is the next table of the same component
        const holder = table.closest(".arco-table, [class*=table]");
        const other = holder && Array.from(holder.querySelectorAll("table")).find((t) => t !== table && t.querySelector("tbody tr td"));
        if (!other) continue;
        seen.add(other);
        bodyTable = other;
      } else if (!headers) {
        continue;
      }
      const rows = [];
      for (const tr of bodyTable.querySelectorAll("tbody tr")) {
        if (!tr.querySelector("td")) continue;
        rows.push(Array.from(tr.cells, text));
        if (rows.length >= MAX_ROWS) break;
      }
      if (rows.length && headers.some((h) => h)) out.push({ headers, rows });
    }
    return out;
  }

  const api = { readTables };
  root.ShoptallyTables = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

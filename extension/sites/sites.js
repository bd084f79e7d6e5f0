// One descriptor per seller center: where it lives, which of its JSON calls carry settlement data, and how
// Sync Settlement walks its settlement pages (tabs and pager). Loaded by the service worker, by both
// content scripts (the page hook removes the global again before any page script runs) and by node:test.
"use strict";
(function (root) {
  const TEXT = (...words) => words; // tab titles in the languages the seller centers show

  const SITES = [
    {
      id: "tiktok",
      label: "TikTok Shop",
      hosts: [/^seller(-[a-z]{2,8})?\.tiktok\.com$/, /^seller\.us\.tiktokshopglobalselling\.com$/,
        /^seller\.tiktokglobalshop\.com$/],
      defaultHost: "seller-us.tiktok.com",
      // The finance calls (order list, on-hold totals, fee split, statements, the export's file list).
      api: [/^\/api\/v1\/pay\/statement\//, /^\/api\/v2\/pay\/settlement\/file\/list/],
      // Settlement exports the seller downloads: by URL path, or by the seller center they come from.
      exports: [/\/pay\/settlement\/file\/download/],
      tablePages: [/^\/finance\//],
      login: [/^\/account\/(login|register)/, /^\/login/],
      sync: {
        path: "/finance/bills?tab=statements",
        drive: "click", // the page's own Arco tabs and pager (formats.md); each order's split is asked for
        tabs: ".arco-tabs-header-title",
        tabActive: "arco-tabs-header-title-active",
        next: ".arco-pagination-item-next",
        disabled: "arco-pagination-item-disabled",
        views: [
          // Both views call the order list; its settlement_status says which view an answer belongs to.
          { stage: "settled", tab: TEXT("Settled", "Statements", "已结算", "已结算订单"),
            request: { param: "settlement_status", not: ["1"] } },
          { stage: "in_transit", tab: TEXT("On hold", "To settle", "Unsettled", "In transit", "待结算", "未结算"),
            request: { param: "settlement_status", is: ["1"] } },
        ],
        list: {
          api: /^\/api\/v1\/pay\/statement\/order\/list/,
          rows: ["data", "order_records"],
          total: ["data", "total_record"],
          hasMore: ["data", "search_next_has_more"],
          ok: { path: ["code"], values: [0, "0"] },
          key: ["statement_detail_id", "reference_id", "trade_order_id"],
        },
        // Each listed order's fee split, SKU and quantity: the call the order's "View details" drawer makes,
        // made again through the page for every order whose split is not stored yet (paced: detail_rate).
        detail: {
          path: "/api/v1/pay/statement/transaction/detail",
          param: "statement_detail_id",
          id: ["statement_detail_id"],
          reference: ["reference_id", "trade_order_id"],
          // the list call's own parameters that mean nothing to the drawer's call
          drop: ["from", "size", "pagination_type", "page_type", "search_next_has_more", "cursor"],
          ok: { path: ["code"], values: [0, "0"] },
        },
      },
    },
    {
      id: "temu",
      label: "Temu",
      hosts: [/^agentseller(-[a-z]{2,8})?\.temu\.com$/, /^seller\.kuajingmaihuo\.com$/],
      defaultHost: "agentseller.temu.com",
      api: [/^\/api\/merchant\/fund\/detail\/pageSearch/, /^\/api\/xiaowenhou\/settle-flow\/sm\/unsettle\//,
        /^\/api\/merchant\/settle\/detail\/full\/wait-settlement/, /^\/api\/seller\/auth\/userInfo/,
        /^\/api\/merchant\/file\/export\/history\/page/],
      exports: [/\/api\/merchant\/file\/export\/download/],
      tablePages: [/^\/labor\//, /^\/main\/finance/],
      login: [/^\/login/, /^\/main\/authentication/],
      sync: {
        path: "/labor/bill",
        // Temu's calls carry an Anti-Content header the page makes: the driver never forges one. It opens the
        // view's tab and then asks the page to make its own list call again with the next pageNum, and, for
        // the fund detail, with the previous date window (beginTime/endTime, at most the page's own span).
        drive: "request",
        tabs: "[role=tab], .arco-tabs-header-title",
        tabActive: "active",
        next: ".arco-pagination-item-next",
        disabled: "arco-pagination-item-disabled",
        views: [
          { stage: "settled", tab: TEXT("Fund detail", "Fund details", "财务明细", "资金明细") },
          { stage: "in_transit", tab: TEXT("Pending", "To be settled", "待处理款项", "待结算", "预估待结算"),
            list: {
              api: /^\/api\/(xiaowenhou\/settle-flow\/sm\/unsettle\/page-query|merchant\/settle\/detail\/full\/wait-settlement)/,
              rows: ["result", "resultList"],
              total: ["result", "total"],
              ok: { path: ["success"], values: [true] },
            } },
        ],
        list: {
          api: /^\/api\/merchant\/fund\/detail\/pageSearch/,
          rows: ["result", "resultList"],
          total: ["result", "total"],
          ok: { path: ["success"], values: [true] },
        },
      },
    },
    {
      id: "shein",
      label: "SHEIN",
      hosts: [/^sso\.geiwohuo\.com$/],
      defaultHost: "sso.geiwohuo.com",
      api: [/^\/gsfs\/finance\//],
      exports: [/\/gsfs\/.*(export|download)/i],
      tablePages: [/^\/#?\/?(gsfs|finance)/],
      login: [/^\/login/],
      sync: {
        path: "/#/gsfs/finance/bill",
        drive: "request", // the page's own list call again with the next page (the page signs its calls)
        tabs: ".so-tabs-tab, [role=tab], .arco-tabs-header-title",
        tabActive: "so-tabs-active", // shineout, SHEIN's own UI library
        next: ".so-pagination-next, .arco-pagination-item-next",
        disabled: "disabled",
        views: [
          { stage: "settled", tab: TEXT("Completed bills", "已完成账单", "已结算") },
          { stage: "in_transit", tab: TEXT("Report orders", "待结算", "报账单", "未结算"),
            list: {
              api: /^\/gsfs\/finance\/reportOrder\/dualMode\/reportOrderList/,
              rows: ["info", "data"],
              total: ["info", "meta", "count"],
              ok: { path: ["code"], values: ["0", 0] },
            } },
        ],
        list: {
          api: /^\/gsfs\/finance\/platform\/payedList/,
          rows: ["info", "data"],
          total: ["info", "meta", "count"],
          ok: { path: ["code"], values: ["0", 0] },
        },
      },
    },
    {
      // 1688, where the seller buys: its buyer pages (已买到的货品, order detail) show the purchases. Captured
      // only while the seller browses them; nothing is synced (no `sync`: the popup offers no Sync now).
      id: "1688",
      label: "1688",
      hosts: [/^trade\.1688\.com$/, /^air\.1688\.com$/],
      defaultHost: "trade.1688.com",
      // The pages fetch their order list and order detail from 1688's MTOP gateway, another origin.
      apiOrigins: ["https://h5api.m.1688.com"],
      api: [/^\/h5\/mtop\.1688\.trade\./i, /^\/h5\/mtop\.1688\.mtoporderservice\./i],
      exports: [],
      tablePages: [],
      login: [],
    },
  ];

  /** The descriptor of the seller center at this URL, or null (nothing is captured there). */
  function siteFor(url) {
    let host;
    try {
      const u = new URL(String(url));
      if (u.protocol !== "https:") return null;
      host = u.hostname.toLowerCase();
    } catch (_) {
      return null;
    }
    return SITES.find((s) => s.hosts.some((re) => re.test(host))) || null;
  }

  function byId(id) {
    return SITES.find((s) => s.id === id) || null;
  }

  /** Whether a JSON call at `url` is one of the site's settlement calls. */
  function isApi(site, url) {
    try {
      const path = new URL(String(url)).pathname;
      return site.api.some((re) => re.test(path));
    } catch (_) {
      return false;
    }
  }

  /** Whether an answer at `url` comes from the page's own origin or one its site names (`apiOrigins`). */
  function fromSite(site, url, pageOrigin) {
    try {
      const from = new URL(String(url)).origin;
      return from === pageOrigin || (site.apiOrigins || []).includes(from);
    } catch (_) {
      return false;
    }
  }

  /** A value inside a decoded response by its key path, or undefined. */
  function pick(obj, path) {
    let at = obj;
    for (const key of path) {
      if (at === null || typeof at !== "object") return undefined;
      at = at[key];
    }
    return at;
  }

  /** How a page's list response stands for the sync driver: rows on the page, the list's total, more? */
  function listPage(list, body) {
    const ok = list.ok ? list.ok.values.includes(pick(body, list.ok.path)) : true;
    const rows = pick(body, list.rows);
    const total = list.total ? pick(body, list.total) : undefined;
    const hasMore = list.hasMore ? pick(body, list.hasMore) : undefined;
    const keys = [];
    if (Array.isArray(rows) && list.key) {
      for (const row of rows) {
        const k = row && list.key.map((name) => row[name]).find((v) => v !== undefined && v !== null && v !== "");
        keys.push(k === undefined ? null : String(k));
      }
    }
    return {
      ok,
      rows: Array.isArray(rows) ? rows.length : 0,
      keys,
      total: Number.isInteger(total) ? total : (typeof total === "string" && /^\d+$/.test(total) ? Number(total) : null),
      hasMore: typeof hasMore === "boolean" ? hasMore : null,
    };
  }

  /** Whether an answer's request belongs to a view (a view without a `request` rule takes any). */
  function forView(view, url) {
    const rule = view && view.request;
    if (!rule) return true;
    let value;
    try {
      value = new URL(String(url)).searchParams.get(rule.param);
    } catch (_) {
      return false;
    }
    if (rule.is) return rule.is.includes(value);
    if (rule.not) return !rule.not.includes(value);
    return true;
  }

  const api = { SITES, siteFor, byId, isApi, fromSite, pick, listPage, forView };
  root.ShoptallySites = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

// Why a sync ended, as the daemon's catalog says it: a code and its params beside the English sentence. The
// Finance view says the code in its own language (companion/server/static/messages.json holds the same codes
// with an English and a Chinese template; a test checks that each template here is the catalog's).
// Loaded by the service worker, the content scripts and node:test (no browser API here).
"use strict";
(function (root) {
  const SENTENCES = {
    ext_not_logged_in: "not logged in: log in to the seller center in this browser, then sync again",
    ext_layout_unknown: 'page layout not recognised: {site} shows no "{tab}" tab (by its name or by the list it loads) on {url} ({seen})',
    ext_list_timeout: "timeout: the {tab} list did not load within {seconds} s",
    ext_page_timeout: "timeout: page {page} did not load within {seconds} s",
    ext_list_endless: "the {tab} list did not end after {pages} pages",
    ext_page_no_answer: "the seller center did not answer the {tab} list (page {page}): {why}",
    ext_window_no_answer: "the seller center did not answer the {tab} list (the window from {from}): {why}",
    ext_list_refused: "the seller center refused the {tab} list (it may have logged you out): {answer}",
    ext_splits_refused: "the seller center did not give the fee split of {count} orders in a row (the last, {ref}: {why}); what was stored is kept: sync again later",
    ext_sync_failed: "sync failed: {error}",
    ext_unknown_command: "unknown command {command}",
    ext_unknown_site: "this extension cannot sync {site}: it knows {known}",
    ext_nothing_to_sync: "{site} has nothing to sync: its pages are captured while the seller browses them",
    ext_capture_off: "capture is turned off for {site} in the extension's options",
    ext_already_running: "a sync of {site} is already running",
    ext_tab_closed: "the sync's tab was closed before it finished",
    ext_page_quiet: "timeout: the page said nothing for {seconds} s",
  };
  // The same in Chinese, for the extension's own popup (the Finance view takes the catalog's)
  const SENTENCES_ZH = {
    ext_not_logged_in: "未登录：请在此浏览器中登录卖家中心，然后再次同步",
    ext_layout_unknown: "无法识别页面布局：{site} 上没有“{tab_zh}”标签页（按名称或按其加载的列表都找不到），页面 {url}（{seen}）",
    ext_list_timeout: "超时：“{tab_zh}”列表在 {seconds} 秒内没有加载出来",
    ext_page_timeout: "超时：第 {page} 页在 {seconds} 秒内没有加载出来",
    ext_list_endless: "“{tab_zh}”列表翻了 {pages} 页仍未结束",
    ext_page_no_answer: "卖家中心没有返回“{tab_zh}”列表的第 {page} 页：{why}",
    ext_window_no_answer: "卖家中心没有返回“{tab_zh}”列表（自 {from} 起的时间段）：{why}",
    ext_list_refused: "卖家中心拒绝了“{tab_zh}”列表（可能已退出登录）：{answer}",
    ext_splits_refused: "卖家中心连续 {count} 个订单没有给出费用明细（最后一个 {ref}：{why}）；已保存的数据都保留，请稍后再同步",
    ext_sync_failed: "同步失败：{error}",
    ext_unknown_command: "未知指令 {command}",
    ext_unknown_site: "此扩展无法同步 {site}：它支持 {known}",
    ext_nothing_to_sync: "{site} 没有可同步的内容：卖家浏览其页面时已自动采集",
    ext_capture_off: "扩展选项中已关闭 {site} 的采集",
    ext_already_running: "{site} 的同步已在进行中",
    ext_tab_closed: "同步所用的标签页在完成前被关闭了",
    ext_page_quiet: "超时：页面 {seconds} 秒没有任何响应",
  };
  const PARAM_CHARS = 1000; // a param is a name, a number, a clipped answer or what a page showed: the daemon takes no more

  const fill = (template, params) => template.replace(/\{(\w+)\}/g, (all, name) => String(params[name] ?? ""));

  /** {code, params, message}: the English sentence filled from params, each param text of bounded length. */
  function said(code, params) {
    const kept = {};
    for (const [name, value] of Object.entries(params || {})) {
      kept[name] = typeof value === "number" ? value : String(value ?? "").slice(0, PARAM_CHARS);
    }
    return { code, params: kept, message: fill(SENTENCES[code], kept) };
  }

  /** A sync's end in the browser's language ("zh…" or else English); the message as sent for a code unknown. */
  function say(code, params, message, language) {
    const table = String(language || "").toLowerCase().startsWith("zh") ? SENTENCES_ZH : SENTENCES;
    return code in table ? fill(table[code], params || {}) : message || "";
  }

  /** A view's tab named for both languages: its first English and its first Chinese title. */
  function tabNames(titles) {
    const zh = titles.find((t) => /[\u4e00-\u9fff]/.test(t));
    return { tab: titles[0], tab_zh: zh || titles[0] };
  }

  const api = { SENTENCES, SENTENCES_ZH, said, say, tabNames };
  root.ShoptallySyncErrors = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

// Why a sync ended, as the daemon's catalog says it: a code and its params beside the English sentence. The
// Finance view says the code in its own language (companion/server/static/messages.json holds the same codes
// with an English and a Chinese template; a test checks that each English template here is the catalog's).
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
  const PARAM_CHARS = 1000; // a param is a name, a number, a clipped answer or what a page showed: the daemon takes no more

  /** {code, params, message}: the English sentence filled from params, each param text of bounded length. */
  function said(code, params) {
    const kept = {};
    for (const [name, value] of Object.entries(params || {})) {
      kept[name] = typeof value === "number" ? value : String(value ?? "").slice(0, PARAM_CHARS);
    }
    const message = SENTENCES[code].replace(/\{(\w+)\}/g, (all, name) => String(kept[name] ?? ""));
    return { code, params: kept, message };
  }

  /** A view's tab named for both languages: its first English and its first Chinese title. */
  function tabNames(titles) {
    const zh = titles.find((t) => /[\u4e00-\u9fff]/.test(t));
    return { tab: titles[0], tab_zh: zh || titles[0] };
  }

  const api = { SENTENCES, said, tabNames };
  root.ShoptallySyncErrors = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

// Sync Settlement inside a seller-center tab: the settled view first, then in-transit / on hold, every
// page. The driver opens a view by clicking the page's own tab (found by its label's meaning, else by the
// list call a tab's click makes), then walks the list one of two ways (the site's `drive`):
// - "click": the page's own pager (TikTok's Arco pager);
// - "request": the page's own list call made again through the page (hook.js replays) with the next page
//   number and, where the call carries a date window, the previous window, back a year.
// Where the site names a `detail` call (TikTok's transaction detail), every listed order whose fee split is
// not stored yet is asked for the same way, paced at the seller's detail_rate calls a second.
// The page signs and sends every request itself; the driver only reads the answers the page hook copies, to
// know when a page has arrived and when the list is complete (has_more false, or as many rows as its total).
"use strict";
(function (root) {
  const TAB_WAIT_MS = 20000;
  const TABS_STILL_MS = 3000; // tabs unchanged this long and none means the view: try them by their list call
  const PROBE_MS = 5000;
  const PAGE_WAIT_MS = 30000;
  const SETTLE_MS = 150;
  const RATE = { min: 0.2, max: 10, fallback: 3 }; // calls a second (setting detail_rate)
  const HISTORY_DAYS = 365; // how far back a date-windowed list is walked
  const MAX_WINDOW_DAYS = 31;
  const MAX_PAGES = 5000; // per list: a seller center that never says "the end" cannot hold a sync forever
  const FAILS_BEFORE_GIVING_UP = 3;
  const PROGRESS_EVERY_MS = 5000;
  // Request keys of a list call's page number, page size and date window, as seller centers name them.
  const PAGE_KEYS = ["pageNum", "pageNo", "pageIndex", "page", "current", "page_num", "page_no", "page_index"];
  const SIZE_KEYS = ["pageSize", "perPage", "size", "limit", "page_size", "per_page"];
  const BEGIN_KEYS = ["beginTime", "startTime", "begin_time", "start_time", "timeBegin", "createTimeBegin"];
  const END_KEYS = ["endTime", "end_time", "timeEnd", "createTimeEnd"];
  const DAY_MS = 86400000;

  /** The list answers seen on this page, numbered, so a wait can ask for one that came after a click. */
  class ResponseLog {
    constructor() {
      this.entries = [];
      this.seq = 0;
      this.waiters = [];
    }

    add(url, body, request) {
      let path = "";
      try { path = new URL(url).pathname; } catch (_) { return; }
      const entry = { seq: ++this.seq, path, url, body, request: request || {}, captureId: null };
      this.entries.push(entry);
      if (this.entries.length > 50) this.entries.shift();
      for (const w of [...this.waiters]) w(entry);
      return entry;
    }

    latest(list, accept) {
      for (let i = this.entries.length - 1; i >= 0; i--) {
        const e = this.entries[i];
        if (list.api.test(e.path) && (!accept || accept(e))) return e;
      }
      return null;
    }

    /** The first answer of `list` numbered above `since` (and taken by `accept`), or null after `ms`. */
    next(list, since, ms, accept) {
      const fits = (e) => e.seq > since && list.api.test(e.path) && (!accept || accept(e));
      const found = this.entries.find(fits);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const waiter = (entry) => {
          if (fits(entry)) done(entry);
        };
        const done = (value) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(value);
        };
        const timer = setTimeout(() => done(null), ms);
        this.waiters.push(waiter);
      });
    }
  }

  // Why a sync ended: the catalog's code and params (lib/sync_errors.js) with the English sentence as message.
  const Errors = root.ShoptallySyncErrors
    || (typeof require === "function" ? require("../lib/sync_errors.js") : null);
  class SyncError extends Error {
    constructor(code, params) {
      const said = Errors.said(code, params);
      super(said.message);
      this.code = said.code;
      this.params = said.params;
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // Finding a tab by meaning: real tab labels carry counts ("Settled (25)", "Settled\n25"), badges, a
  // second language ("已结算 Settled") and odd spacing. A label is reduced to its words, then a tab belongs
  // to the view whose known word it contains (a whole word or phrase; Chinese words as substrings) most
  // specifically, so "Unsettled" or "Not settled" never counts as the settled view's "Settled".
  const HAN = /\p{Script=Han}/u;
  const BRACKETED = /[(\[（【〔<《{][^)\]）】〕>》}]*[)\]）】〕>》}]/g;

  /** A label as plain lowercase words: NFKC, no bracketed counts or badges, no digits, no punctuation. */
  function labelWords(text) {
    return String(text || "").normalize("NFKC").toLowerCase()
      .replace(BRACKETED, " ")
      .replace(/[^\p{L}\p{M}\s]|\d/gu, " ")
      .replace(/\s+/g, " ")
      .trim();
  }

  const NEGATIONS = new Set(["not", "non", "no", "un"]);

  /** How specifically `label` (already labelWords) says `word`: the word's length, or 0 when it does not. */
  function wordScore(label, word) {
    const w = labelWords(word);
    if (!w || !label) return 0;
    if (HAN.test(w)) return label.includes(w) ? w.length : 0;
    const padded = ` ${label} `;
    let at = padded.indexOf(` ${w} `);
    while (at >= 0) {
      const before = padded.slice(0, at).trim().split(" ").pop();
      if (!NEGATIONS.has(before)) return w.length;
      at = padded.indexOf(` ${w} `, at + 1);
    }
    return 0;
  }

  /** The index of the view a tab label means (its most specific known word wins), or -1. */
  function viewOfLabel(text, views) {
    const label = labelWords(text);
    let best = -1;
    let bestScore = 0;
    let tie = false;
    views.forEach((view, i) => {
      const score = Math.max(0, ...view.tab.map((word) => wordScore(label, word)));
      if (score > bestScore) {
        best = i; bestScore = score; tie = false;
      } else if (score && score === bestScore && i !== best) {
        tie = true;
      }
    });
    return tie ? -1 : best;
  }

  /** Among tab labels, the index of the one that best means views[index], or -1. */
  function bestTab(labels, views, index) {
    let best = -1;
    let bestKey = null;
    labels.forEach((text, i) => {
      if (viewOfLabel(text, views) !== index) return;
      const label = labelWords(text);
      const score = Math.max(0, ...views[index].tab.map((word) => wordScore(label, word)));
      const key = [score, -label.length]; // the most specific word, then the label with least else in it
      if (!bestKey || key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
        best = i; bestKey = key;
      }
    });
    return best;
  }

  // A pager's "next" control by what it says to a reader, when the descriptor's selector finds none.
  const NEXT_WORDS = ["next", "next page", "下一页", "下一頁", "下页", "后一页", "trang sau", "berikutnya", "ถัดไป"];
  const NEXT_ICONS = new Set(["›", ">", "»", "→", "〉", "❯", "⟩"]);

  /** Whether an accessible name or visible text means "next page". */
  function meansNext(text) {
    const raw = String(text || "").normalize("NFKC").trim();
    const label = labelWords(raw);
    if (label && NEXT_WORDS.some((w) => label === w || (HAN.test(w) ? label.includes(w) : wordScore(label, w) > 0))) {
      return !/\b(previous|prev|back)\b|上一/.test(label);
    }
    return false;
  }

  /** The page's URL for an error message: no secret query values, a hash route kept without its query. */
  function shownUrl(loc) {
    const scrub = root.ShoptallyScrub;
    const href = String(loc.href || "");
    let shown = scrub ? scrub.scrubUrl(href) : "";
    if (!shown) {
      try { const u = new URL(href); shown = u.origin + u.pathname; } catch (_) { shown = String(loc.pathname || ""); }
    }
    const hash = String(loc.hash || "").split("?")[0];
    return hash.startsWith("#/") ? shown + hash : shown;
  }

  const clip = (text, n) => {
    const t = String(text || "").replace(/\s+/g, " ").trim();
    return t.length > n ? t.slice(0, n - 1) + "…" : t;
  };

  function visible(el) {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  }

  /** A list call's request as values: its query parameters and its JSON body's top-level keys. */
  function requestValues(entry) {
    const query = {};
    try { new URL(entry.url).searchParams.forEach((v, k) => { query[k] = v; }); } catch (_) { /* none */ }
    let body = {};
    const text = entry.request && entry.request.body;
    if (typeof text === "string" && text.trim().startsWith("{")) {
      try { body = JSON.parse(text) || {}; } catch (_) { body = {}; }
    }
    return { query, body };
  }

  /** Where a request carries the first of `keys`: {key, where: "body"|"query", value: number} or null. */
  function findKey(values, keys) {
    for (const where of ["body", "query"]) {
      for (const key of keys) {
        const raw = values[where][key];
        const value = typeof raw === "number" ? raw : (typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : NaN);
        if (Number.isFinite(value)) return { key, where, value };
      }
    }
    return null;
  }

  const firstOf = (row, names) => {
    for (const name of names) {
      const v = row && row[name];
      if (v !== undefined && v !== null && v !== "") return String(v);
    }
    return "";
  };

  class Driver {
    constructor(site, log, report, doc, loc, ask, replay) {
      this.site = site;
      this.sync = site.sync;
      this.log = log;
      this.report = report; // ({stage, pages, records, message, viewIndex}) → Promise
      this.doc = doc || document;
      this.loc = loc || location;
      this.pages = 0;
      this.records = 0;
      this.ask = ask || (async () => ({})); // questions to the service worker: the seller's settings, acks
      this.replayCall = replay || (async () => ({ failed: "this page cannot make its calls again" }));
      this.mode = "all";
      this.rate = RATE.fallback;
      this.lastCall = 0;
      this.splits = 0;
      this.missing = 0;
      this.splitsDone = new Set();
    }

    /** Waits so that calls the driver asks for stay at most `rate` a second. */
    async pace() {
      const wait = this.lastCall + 1000 / this.rate - Date.now();
      if (wait > 0) await sleep(wait);
      this.lastCall = Date.now();
    }

    /** One of the page's calls made again (paced): the answer's log entry, or {failed}. */
    async replay(cmd) {
      await this.pace();
      return this.replayCall(cmd);
    }

    loggedOut() {
      const hashPath = this.loc.hash.replace(/^#/, "");
      return this.site.login.some((re) => re.test(this.loc.pathname) || re.test(hashPath));
    }

    /** The visible tabs of the page: the descriptor's selector and any element with role=tab. */
    tabs() {
      const found = [];
      for (const el of this.doc.querySelectorAll(`${this.sync.tabs}, [role=tab]`)) {
        if (!visible(el) || found.some((f) => f.contains(el) || el.contains(f))) continue;
        found.push(el);
      }
      return found;
    }

    findTab(index) {
      const tabs = this.tabs();
      const at = bestTab(tabs.map((el) => el.textContent), this.sync.views, index);
      return at >= 0 ? tabs[at] : null;
    }

    /** One sentence on what the page showed, for a layout the driver does not recognise. */
    seen() {
      const tabs = this.tabs().map((el) => clip(el.textContent, 40)).filter(Boolean).slice(0, 10);
      const buttons = [];
      for (const el of this.doc.querySelectorAll("button, [role=button]")) {
        const text = clip(el.textContent || el.getAttribute("aria-label") || el.getAttribute("title"), 30);
        if (text && visible(el) && !buttons.includes(text)) buttons.push(text);
        if (buttons.length >= 8) break;
      }
      const list = (items) => (items.length ? items.map((t) => `"${t}"`).join(", ") : "none");
      const pager = this.nextControl() ? "a next button" : "none";
      return `tabs seen: ${list(tabs)}; buttons seen: ${list(buttons)}; pager: ${pager}`;
    }

    isActive(el) {
      const cls = this.sync.tabActive;
      return el.classList.contains(cls) || el.getAttribute("aria-selected") === "true"
        || Boolean(el.closest("." + cls));
    }

    /** The pager's next control (enabled or not): the descriptor's selector, else one that says "next". */
    nextControl() {
      for (const el of this.doc.querySelectorAll(this.sync.next)) {
        if (visible(el)) return el;
      }
      for (const el of this.doc.querySelectorAll("button, a, li, [role=button], [aria-label], [title]")) {
        if (!visible(el)) continue;
        const named = el.getAttribute("aria-label") || el.getAttribute("title") || "";
        const text = String(el.textContent || "").trim();
        if (meansNext(named) || (text.length <= 20 && meansNext(text))) return el;
        const pagerish = el.closest("[class*=pag i], [role=navigation], nav");
        if (!named && pagerish && NEXT_ICONS.has(text)) return el;
      }
      return null;
    }

    nextButton() {
      const el = this.nextControl();
      if (!el) return null;
      const off = el.classList.contains(this.sync.disabled) || el.getAttribute("aria-disabled") === "true"
        || el.hasAttribute("disabled") || Boolean(el.closest("[aria-disabled=true]"));
      return off ? null : el;
    }

    async waitFor(find, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const found = find();
        if (found) return found;
        if (this.loggedOut()) throw new SyncError("ext_not_logged_in");
        if (Date.now() > end) return null;
        await sleep(200);
      }
    }

    async progress(stage, message, viewIndex) {
      this.lastProgress = Date.now();
      await this.report({ stage, pages: this.pages, records: this.records, message: message || "", viewIndex });
    }

    /** Runs the whole sync; resolves with the final counts, rejects with a SyncError saying why. */
    async run(task) {
      this.pages = task.pages || 0;
      this.records = task.records || 0;
      const views = this.sync.views;
      if (this.loggedOut()) throw new SyncError("ext_not_logged_in");
      // Settings → Data Management: all records, pending (in transit / on hold) only, or new ones only
      const settings = (await this.ask({ type: "app-settings" })) || {};
      this.mode = ["all", "pending", "new"].includes(settings.order_sync_mode) ? settings.order_sync_mode : "all";
      const rate = Number(settings.detail_rate);
      this.rate = Number.isFinite(rate) && rate >= RATE.min && rate <= RATE.max ? rate : RATE.fallback;
      for (let i = task.viewIndex || 0; i < views.length; i++) {
        if (this.mode === "pending" && views[i].stage === "settled") continue;
        await this.runView(views[i], i);
      }
      return { pages: this.pages, records: this.records, splits: this.splits, missing: this.missing };
    }

    /** Tabs by meaning first; when none means the view, each tab in turn by the list call its click makes. */
    async openView(view, index, list, accept) {
      const end = Date.now() + TAB_WAIT_MS;
      let shown = "";
      let still = Date.now();
      for (;;) {
        const tab = this.findTab(index);
        if (tab) {
          await this.progress(view.stage, `opening ${view.tab[0]}`, index);
          const since = this.log.seq;
          if (this.isActive(tab)) {
            return this.log.latest(list, accept) || this.log.next(list, since, PAGE_WAIT_MS, accept);
          }
          tab.click();
          return this.log.next(list, since, PAGE_WAIT_MS, accept);
        }
        if (this.loggedOut()) throw new SyncError("ext_not_logged_in");
        const labels = this.tabs().map((el) => labelWords(el.textContent)).join("|");
        if (labels !== shown) { shown = labels; still = Date.now(); }
        if ((labels && Date.now() - still >= TABS_STILL_MS) || Date.now() > end) break;
        await sleep(200);
      }
      const found = await this.probeTabs(list, accept);
      if (found) {
        await this.progress(view.stage, `opening ${view.tab[0]} (the tab "${clip(found.label, 40)}" loads it)`, index);
        return found.entry;
      }
      throw new SyncError("ext_layout_unknown", { site: this.site.label, ...Errors.tabNames(view.tab),
        url: shownUrl(this.loc), seen: this.seen() });
    }

    /** The tab whose click makes the view's list call, with that call's answer, or null. */
    async probeTabs(list, accept) {
      const tabs = this.tabs();
      tabs.sort((a, b) => Number(this.isActive(b)) - Number(this.isActive(a))); // the open tab first: no click
      for (const tab of tabs) {
        const label = tab.textContent;
        if (this.isActive(tab)) {
          const entry = this.log.latest(list, accept);
          if (entry) return { label, entry };
          continue;
        }
        const since = this.log.seq;
        tab.click();
        const entry = await this.log.next(list, since, PROBE_MS, accept);
        if (entry) return { label, entry };
      }
      return null;
    }

    async runView(view, index) {
      const list = view.list || this.sync.list;
      const accept = (entry) => root.ShoptallySites.forView(view, entry.url);
      const entry = await this.openView(view, index, list, accept);
      if (!entry) throw new SyncError("ext_list_timeout", { ...Errors.tabNames(view.tab), seconds: PAGE_WAIT_MS / 1000 });
      if (this.sync.drive === "request") await this.requestedPages(view, list, entry, index);
      else await this.pagesOf(view, list, entry, index);
    }

    /** Whether the daemon stored anything new from this page's capture (for "new only" syncs). */
    async broughtNew(entry) {
      const end = Date.now() + 5000;
      while (!entry.captureId && Date.now() < end) await sleep(50);
      if (!entry.captureId) return true; // not known: keep going rather than miss records
      const ack = (await this.ask({ type: "ack-of", id: entry.captureId })) || {};
      if (ack.timeout || ack.rejected) return true;
      return (ack.added || 0) + (ack.updated || 0) > 0;
    }

    /** Page after page of one list (one window) until the list says it is complete. */
    async pagesOf(view, list, entry, index) {
      const accept = (e) => root.ShoptallySites.forView(view, e.url);
      const seen = { keys: new Set(), unkeyed: 0 };
      for (;;) {
        const page = this.countPage(view, list, entry, seen);
        const have = seen.keys.size + seen.unkeyed;
        const of = page.total !== null ? ` of ${page.total}` : "";
        await this.progress(view.stage, `${have}${of} records`, index);
        if (this.sync.detail) await this.fetchSplits(view, list, entry, index);
        if (page.hasMore === false || page.rows === 0) return;
        if (page.total !== null && have >= page.total) return;
        if (this.mode === "new" && !(await this.broughtNew(entry))) {
          await this.progress(view.stage, "new only: this page brought nothing new, so the rest is stored already", index);
          return;
        }
        const next = this.nextButton();
        if (!next) {
          if (page.total !== null && have < page.total) {
            await this.progress(view.stage, `incomplete: the pager ended at ${have} of ${page.total} records`, index);
          }
          return;
        }
        const since = this.log.seq;
        next.click();
        entry = await this.log.next(list, since, PAGE_WAIT_MS, accept);
        if (!entry) throw new SyncError("ext_page_timeout", { page: this.pages + 1, seconds: PAGE_WAIT_MS / 1000 });
        await sleep(SETTLE_MS);
      }
    }

    /** A list walked by making the page's own call again: every page, then (a dated list) earlier windows. */
    async requestedPages(view, list, entry, index) {
      const values = requestValues(entry);
      const pageKey = findKey(values, PAGE_KEYS);
      const sizeKey = findKey(values, SIZE_KEYS);
      const begin = findKey(values, BEGIN_KEYS);
      const end = findKey(values, END_KEYS);
      const dated = begin && end && begin.where === end.where && end.value > begin.value;
      const unit = dated && end.value > 1e11 ? 1 : 1000; // epoch milliseconds or seconds
      const span = dated ? Math.min(end.value - begin.value + 1, (MAX_WINDOW_DAYS * DAY_MS) / unit) : 0;
      const oldest = dated ? end.value - (HISTORY_DAYS * DAY_MS) / unit : 0;
      const firstPage = pageKey ? pageKey.value : 1;
      const set = (key, value, change) => { if (key) change[key.where][key.key] = value; };
      let windowBegin = dated ? begin.value : 0;
      let windowEnd = dated ? end.value : 0;
      for (let windows = 0; ; windows++) {
        const label = dated ? `${new Date(windowBegin * unit).toISOString().slice(0, 10)}…` : "";
        const seen = { keys: new Set(), unkeyed: 0 };
        for (let n = 0; ; n++) {
          const page = this.countPage(view, list, entry, seen);
          const have = seen.keys.size + seen.unkeyed;
          const of = page.total !== null ? ` of ${page.total}` : "";
          await this.progress(view.stage, `${label ? label + " " : ""}${have}${of} records`, index);
          if (this.sync.detail) await this.fetchSplits(view, list, entry, index);
          const size = sizeKey ? sizeKey.value : 0;
          const more = page.rows > 0 && page.hasMore !== false && (page.total !== null ? have < page.total
            : page.hasMore === true || (size > 0 && page.rows >= size));
          if (this.mode === "new" && !(await this.broughtNew(entry))) {
            await this.progress(view.stage, "new only: this page brought nothing new, so the rest is stored already", index);
            return;
          }
          if (!more) break;
          if (!pageKey) {
            await this.progress(view.stage, `incomplete: the list call names no page number, so only its first page was read (${have}${of} records)`, index);
            break;
          }
          if (n + 1 >= MAX_PAGES) throw new SyncError("ext_list_endless", { ...Errors.tabNames(view.tab), pages: MAX_PAGES });
          const change = { query: {}, body: {} };
          set(pageKey, firstPage + n + 1, change);
          if (dated && windows > 0) { set(begin, windowBegin, change); set(end, windowEnd, change); }
          entry = await this.listAgain(view, entry, change, { page: n + 2 });
        }
        if (!dated || windowBegin <= oldest) return;
        windowEnd = windowBegin - 1; // each window ends just before the later one begins: no gap, no overlap
        windowBegin = Math.max(windowBegin - span, oldest);
        const change = { query: {}, body: {} };
        set(begin, windowBegin, change);
        set(end, windowEnd, change);
        set(pageKey, firstPage, change);
        entry = await this.listAgain(view, entry, change, { from: new Date(windowBegin * unit).toISOString().slice(0, 10) });
      }
    }

    /** The page's list call made again with `change`; its answer, or a SyncError saying what failed (`at`:
     * the list's {page} or the date window {from} it asked for). */
    async listAgain(view, entry, change, at) {
      const got = await this.replay({ path: entry.path, query: change.query, body: change.body });
      if (got.failed) {
        throw new SyncError(at.page ? "ext_page_no_answer" : "ext_window_no_answer",
          { ...Errors.tabNames(view.tab), ...at, why: got.failed });
      }
      return got;
    }

    /** Counts a list page's rows into `seen` (and the sync's totals); throws when the page refused. */
    countPage(view, list, entry, seen) {
      const page = root.ShoptallySites.listPage(list, entry.body);
      if (!page.ok) {
        throw new SyncError("ext_list_refused", { ...Errors.tabNames(view.tab),
          answer: JSON.stringify(entry.body).slice(0, 200) });
      }
      let fresh = 0;
      if (page.keys.length) {
        for (const k of page.keys) {
          if (k === null) { seen.unkeyed++; fresh++; } else if (!seen.keys.has(k)) { seen.keys.add(k); fresh++; }
        }
      } else {
        seen.unkeyed += page.rows;
        fresh = page.rows;
      }
      this.pages += 1;
      this.records += fresh;
      return page;
    }

    /** The fee split of every order on this list page that the daemon does not hold yet, one call each. */
    async fetchSplits(view, list, entry, index) {
      const detail = this.sync.detail;
      const rows = root.ShoptallySites.pick(entry.body, list.rows);
      if (!Array.isArray(rows) || !rows.length) return;
      const todo = [];
      for (const row of rows) {
        const id = firstOf(row, detail.id);
        const ref = firstOf(row, detail.reference) || id;
        if (id && !this.splitsDone.has(`${view.stage}:${id}`) && !todo.some((t) => t.id === id)) todo.push({ id, ref });
      }
      if (!todo.length) return;
      const answer = (await this.ask({ type: "known-splits", status: view.stage, references: todo.map((t) => t.ref) })) || {};
      const known = new Set(Array.isArray(answer.references) ? answer.references : []);
      let failedInARow = 0;
      for (const { id, ref } of todo) {
        this.splitsDone.add(`${view.stage}:${id}`);
        if (known.has(ref)) continue;
        const got = await this.replay({ from: entry.path, path: detail.path, query: { [detail.param]: id }, drop: detail.drop });
        const ok = !got.failed && detail.ok.values.includes(root.ShoptallySites.pick(got.body, detail.ok.path));
        if (ok) {
          this.splits += 1;
          failedInARow = 0;
          // every 10, and at least every 5 s at a slow rate: the daemon counts 30 s of silence as a stall
          if (this.splits % 10 === 0 || Date.now() - (this.lastProgress || 0) >= PROGRESS_EVERY_MS) {
            await this.progress(view.stage, `${this.splits} fee splits`, index);
          }
          continue;
        }
        this.missing += 1;
        failedInARow += 1;
        if (failedInARow >= FAILS_BEFORE_GIVING_UP) {
          const why = got.failed || JSON.stringify(got.body).slice(0, 200);
          throw new SyncError("ext_splits_refused", { count: FAILS_BEFORE_GIVING_UP, ref, why });
        }
      }
    }
  }

  const api = { ResponseLog, Driver, SyncError, labelWords, viewOfLabel, bestTab, meansNext, shownUrl, requestValues, findKey };
  root.ShoptallyDriver = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

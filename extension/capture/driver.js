// Sync Settlement inside a seller-center tab: the settled view first, then in-transit / on hold, every
// page (and for Temu every date window), by clicking the page's own tabs and pager. The page signs and
// sends its own requests; the driver only watches the list answers the page hook copies, to know when a
// page has arrived and when the list is complete (has_more false, or as many rows as the list's total).
"use strict";
(function (root) {
  const TAB_WAIT_MS = 20000;
  const PAGE_WAIT_MS = 30000;
  const SETTLE_MS = 150;

  /** The list answers seen on this page, numbered, so a wait can ask for one that came after a click. */
  class ResponseLog {
    constructor() {
      this.entries = [];
      this.seq = 0;
      this.waiters = [];
    }

    add(url, body) {
      let path = "";
      try { path = new URL(url).pathname; } catch (_) { return; }
      const entry = { seq: ++this.seq, path, url, body, captureId: null };
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

  class SyncError extends Error {}

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const norm = (s) => String(s || "").replace(/\s+/g, " ").trim().toLowerCase();

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

  class Driver {
    constructor(site, log, report, doc, loc, ask) {
      this.site = site;
      this.sync = site.sync;
      this.log = log;
      this.report = report; // ({stage, pages, records, message, viewIndex}) → Promise
      this.doc = doc || document;
      this.loc = loc || location;
      this.pages = 0;
      this.records = 0;
      this.ask = ask || (async () => ({})); // questions to the service worker: the seller's settings, acks
      this.mode = "all";
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
        if (this.loggedOut()) throw new SyncError("not logged in: log in to the seller center in this browser, then sync again");
        if (Date.now() > end) return null;
        await sleep(200);
      }
    }

    async progress(stage, message, viewIndex) {
      await this.report({ stage, pages: this.pages, records: this.records, message: message || "", viewIndex });
    }

    /** Runs the whole sync; resolves with the final counts, rejects with a SyncError saying why. */
    async run(task) {
      this.pages = task.pages || 0;
      this.records = task.records || 0;
      const views = this.sync.views;
      if (this.loggedOut()) throw new SyncError("not logged in: log in to the seller center in this browser, then sync again");
      // Settings → Data Management: all records, pending (in transit / on hold) only, or new ones only
      const settings = (await this.ask({ type: "app-settings" })) || {};
      this.mode = ["all", "pending", "new"].includes(settings.order_sync_mode) ? settings.order_sync_mode : "all";
      for (let i = task.viewIndex || 0; i < views.length; i++) {
        if (this.mode === "pending" && views[i].stage === "settled") continue;
        await this.runView(views[i], i);
      }
      return { pages: this.pages, records: this.records };
    }

    async runView(view, index) {
      const list = view.list || this.sync.list;
      const accept = (entry) => root.ShoptallySites.forView(view, entry.url);
      const tab = await this.waitFor(() => this.findTab(index), TAB_WAIT_MS);
      if (!tab) {
        throw new SyncError(`page layout not recognised: ${this.site.label} shows no "${view.tab[0]}" tab on `
          + `${shownUrl(this.loc)} after ${TAB_WAIT_MS / 1000} s (${this.seen()})`);
      }
      await this.progress(view.stage, `opening ${view.tab[0]}`, index);
      let since = this.log.seq;
      let entry;
      if (this.isActive(tab)) {
        entry = this.log.latest(list, accept) || await this.log.next(list, since, PAGE_WAIT_MS, accept);
      } else {
        tab.click();
        entry = await this.log.next(list, since, PAGE_WAIT_MS, accept);
      }
      if (!entry) throw new SyncError(`timeout: the ${view.tab[0]} list did not load within ${PAGE_WAIT_MS / 1000} s`);
      const windows = view.windows ? Array.from(this.doc.querySelectorAll(view.windows)).filter(visible) : [];
      if (!windows.length) {
        await this.pagesOf(view, list, entry, index, "");
        return;
      }
      for (let w = 0; w < windows.length; w++) {
        const button = windows[w];
        const label = norm(button.textContent);
        if (w > 0 || !this.isActive(button)) {
          since = this.log.seq;
          button.click();
          entry = await this.log.next(list, since, PAGE_WAIT_MS, accept);
          if (!entry) throw new SyncError(`timeout: the ${view.tab[0]} list for ${label} did not load within ${PAGE_WAIT_MS / 1000} s`);
        }
        await this.pagesOf(view, list, entry, index, label);
      }
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
    async pagesOf(view, list, entry, index, label) {
      const accept = (e) => root.ShoptallySites.forView(view, e.url);
      const seen = new Set();
      let unkeyed = 0;
      for (;;) {
        const page = root.ShoptallySites.listPage(list, entry.body);
        if (!page.ok) {
          throw new SyncError(`the seller center refused the ${view.tab[0]} list (it may have logged you out): `
            + JSON.stringify(entry.body).slice(0, 200));
        }
        let fresh = 0;
        if (page.keys.length) {
          for (const k of page.keys) {
            if (k === null) { unkeyed++; fresh++; } else if (!seen.has(k)) { seen.add(k); fresh++; }
          }
        } else {
          unkeyed += page.rows;
          fresh = page.rows;
        }
        this.pages += 1;
        this.records += fresh;
        const have = seen.size + unkeyed;
        const of = page.total !== null ? ` of ${page.total}` : "";
        await this.progress(view.stage, `${label ? label + ": " : ""}${have}${of} records`, index);
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
        if (!entry) throw new SyncError(`timeout: page ${this.pages + 1} did not load within ${PAGE_WAIT_MS / 1000} s`);
        await sleep(SETTLE_MS);
      }
    }
  }

  const api = { ResponseLog, Driver, SyncError, labelWords, viewOfLabel, bestTab, meansNext, shownUrl };
  root.ShoptallyDriver = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

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

    findTab(texts) {
      const wanted = texts.map(norm);
      for (const el of this.doc.querySelectorAll(this.sync.tabs)) {
        if (visible(el) && wanted.includes(norm(el.textContent))) return el;
      }
      return null;
    }

    isActive(el) {
      const cls = this.sync.tabActive;
      return el.classList.contains(cls) || el.getAttribute("aria-selected") === "true"
        || Boolean(el.closest("." + cls));
    }

    nextButton() {
      for (const el of this.doc.querySelectorAll(this.sync.next)) {
        if (!visible(el)) continue;
        const off = el.classList.contains(this.sync.disabled) || el.getAttribute("aria-disabled") === "true"
          || el.hasAttribute("disabled") || Boolean(el.closest("[aria-disabled=true]"));
        return off ? null : el;
      }
      return null;
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
      const tab = await this.waitFor(() => this.findTab(view.tab), TAB_WAIT_MS);
      if (!tab) {
        throw new SyncError(`page layout not recognised: no "${view.tab[0]}" tab on ${this.loc.pathname} after ${TAB_WAIT_MS / 1000} s`);
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

  const api = { ResponseLog, Driver, SyncError };
  root.ShoptallyDriver = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

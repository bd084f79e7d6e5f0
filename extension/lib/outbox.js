// The durable outbox: every message for the daemon is written to extension storage before it is sent and
// removed only when the daemon acknowledged it (captures) or it went out (progress). It survives the
// service worker being stopped and the browser being closed. Storage is passed in, so node:test can use a
// plain in-memory one.
"use strict";
(function (root) {
  const INDEX = "outbox:index";
  const ITEM = "outbox:item:";
  const STATE = "outbox:state";

  class Outbox {
    /** storage: {get(keys) → Promise<object>, set(obj) → Promise, remove(keys) → Promise} */
    constructor(storage, limits) {
      this.storage = storage;
      this.maxItems = (limits && limits.maxItems) || 1000;
      this.maxBytes = (limits && limits.maxBytes) || 256 * 1024 * 1024;
      this.chain = Promise.resolve();
    }

    /** Runs `fn` after every earlier operation: the index is read and written by one operation at a time. */
    serial(fn) {
      const run = this.chain.then(fn, fn);
      this.chain = run.catch(() => {});
      return run;
    }

    async index() {
      const got = await this.storage.get(INDEX);
      return Array.isArray(got[INDEX]) ? got[INDEX] : [];
    }

    /** {queued: true} or, when the queue is at its cap, {queued: false, reason} and the refusal counted. */
    add(entry) {
      return this.serial(async () => {
        const index = await this.index();
        if (index.some((e) => e.id === entry.id && e.kind === entry.kind)) return { queued: true, duplicate: true };
        const bytes = entry.frame.length;
        const used = index.reduce((n, e) => n + e.bytes, 0);
        const captures = index.filter((e) => e.kind === "capture").length;
        if (entry.kind === "capture" && (captures >= this.maxItems || used + bytes > this.maxBytes)) {
          const state = await this.state();
          state.refused = (state.refused || 0) + 1;
          state.full_since = state.full_since || new Date().toISOString();
          await this.storage.set({ [STATE]: state });
          return { queued: false, reason: `queue full (${captures} captures, ${Math.round(used / 1048576)} MiB)` };
        }
        const key = ITEM + entry.kind + ":" + entry.id;
        index.push({ id: entry.id, kind: entry.kind, key, bytes, queued_at: new Date().toISOString(),
          site: entry.site || "" });
        await this.storage.set({ [key]: entry.frame, [INDEX]: index });
        return { queued: true };
      });
    }

    /** The queued entries in order, each with its frame. */
    entries() {
      return this.serial(async () => {
        const index = await this.index();
        if (!index.length) return [];
        const frames = await this.storage.get(index.map((e) => e.key));
        return index.map((e) => ({ ...e, frame: frames[e.key] })).filter((e) => typeof e.frame === "string");
      });
    }

    remove(id, kind) {
      return this.serial(async () => {
        const index = await this.index();
        const gone = index.filter((e) => e.id === id && (!kind || e.kind === kind));
        if (!gone.length) return false;
        await this.storage.set({ [INDEX]: index.filter((e) => !gone.includes(e)) });
        await this.storage.remove(gone.map((e) => e.key));
        const state = await this.state();
        const left = index.filter((e) => !gone.includes(e));
        if (state.full_since && left.filter((e) => e.kind === "capture").length < this.maxItems
            && left.reduce((n, e) => n + e.bytes, 0) < this.maxBytes) {
          state.full_since = null;
          await this.storage.set({ [STATE]: state });
        }
        return true;
      });
    }

    async state() {
      const got = await this.storage.get(STATE);
      return got[STATE] || { refused: 0, full_since: null };
    }

    /** For the popup: how many messages wait, their size, whether the queue is full. */
    summary() {
      return this.serial(async () => {
        const index = await this.index();
        const state = await this.state();
        return { length: index.filter((e) => e.kind === "capture").length, messages: index.length,
          bytes: index.reduce((n, e) => n + e.bytes, 0), full: Boolean(state.full_since),
          refused: state.refused || 0, max_items: this.maxItems, max_bytes: this.maxBytes };
      });
    }
  }

  root.ShoptallyOutbox = Outbox;
  if (typeof module !== "undefined" && module.exports) module.exports = { Outbox };
})(typeof globalThis !== "undefined" ? globalThis : this);

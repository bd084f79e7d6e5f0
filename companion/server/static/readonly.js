// A daemon connected to a team's PostgreSQL database as a viewer (docs/team.md) refuses every change. The view
// says so with a badge and disables what would change data, instead of letting the seller click and be refused.
import { t } from "./i18n.js";
import { loadMessages, sayCode } from "./messages.js";

// what a viewer still does in the Settings tab: these read the database, or concern this computer only
const STILL = ["#backup-create", "#open-folder", "#quit", "#autostart"];
// the buttons outside it that change data (the header's, and the Expense tab's undo)
const CHANGES = ["#sync", "#reset", "#undo", "#sync-data"];

export function isReadOnly() {
  return document.body.classList.contains("read-only");
}

/** The badge and what is disabled say why in the page's language (it may have changed since). */
function retitle() {
  const why = sayCode("team_read_only");
  for (const el of [document.getElementById("role"), ...document.querySelectorAll("[data-read-only]")]) {
    el.title = why;
  }
}

/** `role`: /api/status's (owner | editor | viewer on PostgreSQL, null on SQLite). Runs at every status. */
export function showRole(role) {
  const badge = document.getElementById("role");
  const viewer = role === "viewer";
  badge.hidden = !viewer;
  badge.textContent = t("readOnlyViewer");
  badge.title = sayCode("team_read_only");
  loadMessages().then(retitle);  // the catalog may still be on its way
  if (!viewer || isReadOnly()) return;
  document.body.classList.add("read-only");
  const disable = (el) => {
    el.disabled = true;
    el.title = badge.title;
    el.dataset.readOnly = "";
  };
  for (const sel of CHANGES) disable(document.querySelector(sel));
  // the Settings tab and the pairing requests are drawn again and again: whatever they draw is disabled too
  for (const root of [document.getElementById("tab-settings"), document.getElementById("pairing")]) {
    const lock = () => {
      for (const el of root.querySelectorAll("button, select, input, textarea")) {
        if (!STILL.some((sel) => el.matches(sel)) && !el.disabled) disable(el);
      }
    };
    lock();
    new MutationObserver(lock).observe(root, { childList: true, subtree: true });
  }
}

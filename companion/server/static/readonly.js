// A daemon connected to a team's PostgreSQL database as a viewer (docs/team.md) refuses every change. The view
// says so with a badge and disables what would change data, instead of letting the seller click and be refused.
import { t } from "./i18n.js";
import { say } from "./messages.js";

// what a viewer still does in the Settings tab: these read the database, or concern this computer only
const STILL = ["#backup-create", "#open-folder", "#quit", "#autostart"];
// the buttons outside it that change data (the header's, and the Expense tab's undo)
const CHANGES = ["#sync", "#reset", "#undo", "#sync-data"];

export function isReadOnly() {
  return document.body.classList.contains("read-only");
}

/** `role`: /api/status's (owner | editor | viewer on PostgreSQL, null on SQLite). Runs at every status. */
export function showRole(role) {
  const badge = document.getElementById("role");
  const viewer = role === "viewer";
  badge.hidden = !viewer;
  badge.textContent = t("readOnlyViewer");
  badge.title = say({ code: "team_read_only", params: {}, message: "" });
  if (!viewer || isReadOnly()) return;
  document.body.classList.add("read-only");
  for (const sel of CHANGES) {
    const el = document.querySelector(sel);
    el.disabled = true;
    el.title = badge.title;
  }
  // the Settings tab and the pairing requests are drawn again and again: whatever they draw is disabled too
  for (const root of [document.getElementById("tab-settings"), document.getElementById("pairing")]) {
    const lock = () => {
      for (const el of root.querySelectorAll("button, select, input, textarea")) {
        if (!STILL.some((sel) => el.matches(sel)) && !el.disabled) {
          el.disabled = true;
          el.title = badge.title;
        }
      }
    };
    lock();
    new MutationObserver(lock).observe(root, { childList: true, subtree: true });
  }
}

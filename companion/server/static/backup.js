// Settings → Data Management → Backup / Restore: backups kept in the data dir's backups folder, made by
// hand, weekly, before an upgrade or before a restore; restoring one replaces all data (after a safety
// backup), and every open view reloads.
import { language, t } from "./i18n.js";
import { formatInstant } from "./format.js";
import { say } from "./messages.js";
import { withProgress } from "./progress.js";

const $ = (sel) => document.querySelector(sel);

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

function size(bytes) {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** `api`: {getJSON, post, notice}. Returns a function that (re)loads the section. */
export function backupSection(api) {
  const { getJSON, post, notice } = api;

  async function restore(name, b) {
    const when = formatInstant(b.created_at, language());
    if (!window.confirm(t("restoreAsk", { when, lines: (b.tables || {}).settlement_line || 0 }))) return;
    notice(t("restoring"), 0);
    const out = await withProgress($("#backup-folder"), (progress_id) => post("/api/backup/restore", { name, progress_id }));
    if (!out.ok) notice(say(out.body), 12000); // on success every view reloads (app.reload)
  }

  async function load() {
    const { folder, backups } = await getJSON("/api/backups");
    $("#backup-folder").textContent = t("backupsIn", { folder });
    $("#backups tbody").replaceChildren(...backups.map((b) => {
      const tr = document.createElement("tr");
      tr.dataset.name = b.name;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = t("restore");
      button.onclick = () => restore(b.name, b);
      const td = document.createElement("td");
      td.append(button);
      tr.append(cell(formatInstant(b.created_at, language())), cell(t(`reason_${b.reason}`) || b.reason),
        cell(String((b.tables || {}).settlement_line || 0)), cell(size(b.bytes)), td);
      return tr;
    }));
  }

  $("#backup-create").onclick = async () => {
    const out = await post("/api/backup/create", {});
    notice(out.ok ? t("backupDone", { name: out.body.name }) : say(out.body), out.ok ? 5000 : 10000);
    load();
  };
  $("#backup-file").onchange = async (e) => {
    const file = e.target.files[0];
    e.target.value = "";
    if (!file) return;
    const resp = await fetch(`/api/backup/upload?name=${encodeURIComponent(file.name)}`,
      { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: file });
    const body = await resp.json();
    if (!resp.ok) { notice(say(body), 12000); return; }
    await load();
    const { backups } = await getJSON("/api/backups");
    const b = backups.find((x) => x.name === body.name);
    if (b) restore(b.name, b);
  };
  return load;
}

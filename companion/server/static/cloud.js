// The Sync Data dialog: upload this dataset to the cloud (encrypted here), or download the other device's,
// preview what merging it would add, update and skip, and confirm; the view reloads after a merge.
import { language, t } from "./i18n.js";
import { formatInstant } from "./format.js";
import { say } from "./messages.js";

const $ = (sel) => document.querySelector(sel);

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

/** `api`: {getJSON, post, notice}. */
export function cloudDialog(api) {
  const { getJSON, post, notice } = api;
  const dialog = $("#sync-dialog");
  const form = $("#sync-form");
  const fields = () => ({ key: form.elements.key.value, target: form.elements.target.value.trim() });

  $("#sync-data").onclick = async () => {
    const { settings } = await getJSON("/api/settings");
    if (!form.elements.target.value) form.elements.target.value = settings.cloud_target || "";
    $("#sync-preview-table tbody").replaceChildren();
    $("#sync-merge").hidden = true;
    dialog.showModal();
  };

  async function rememberTarget(target) {
    const { settings } = await getJSON("/api/settings");
    if (target && target !== settings.cloud_target) await post("/api/settings", { cloud_target: target });
  }

  $("#sync-upload").onclick = async () => {
    const out = await post("/api/cloud/push", { ...fields(), label: form.elements.label.value });
    if (!out.ok) { notice(say(out.body), 12000); return; }
    await rememberTarget(fields().target);
    notice(t("uploaded", { lines: out.body.tables.settlement_line || 0, device: out.body.device, bytes: out.body.bytes }), 8000);
  };

  $("#sync-preview").onclick = async () => {
    const out = await post("/api/cloud/pull", { ...fields(), dry_run: true });
    if (!out.ok) { notice(say(out.body), 12000); return; }
    await rememberTarget(fields().target);
    const rows = Object.entries(out.body.tables).filter(([, c]) => c.added || c.updated || c.skipped);
    const head = document.createElement("tr");
    head.append(cell(t("fromDevice", { device: out.body.device, when: formatInstant(out.body.created_at, language()) })));
    const header = document.createElement("tr");
    header.append(cell(t("table")), cell(t("colAdded")), cell(t("colUpdated")), cell(t("colSkipped")));
    $("#sync-preview-table tbody").replaceChildren(head, header, ...rows.map(([table, c]) => {
      const tr = document.createElement("tr");
      tr.dataset.table = table;
      tr.append(cell(table), cell(String(c.added)), cell(String(c.updated)), cell(String(c.skipped)));
      return tr;
    }));
    const anything = rows.some(([, c]) => c.added || c.updated);
    $("#sync-merge").hidden = !anything;
    if (!anything) notice(t("nothingNew"), 6000);
  };

  $("#sync-merge").onclick = async () => {
    const out = await post("/api/cloud/pull", fields());
    if (!out.ok) { notice(say(out.body), 12000); return; }
    notice(t("merged"), 0); // the daemon sends app.reload: this view and every other one reload
  };
}

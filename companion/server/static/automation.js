// Settings → Automation: auto-sync schedules per store, recent sync runs, pause / resume, the sync browser's
// login window, the data folder, start at login and quit. Every tray action has its twin here (on Linux a
// pip-installed tray has no menu).
import { language, t } from "./i18n.js";
import { formatInstant } from "./format.js";
import { say } from "./messages.js";

const $ = (sel) => document.querySelector(sel);

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (cls) td.className = cls;
  return td;
}

function when(iso) {
  return formatInstant(iso, language());
}

/** `api`: {getJSON, post, notice}. Returns a function that (re)loads the section. */
export function automationSection(api) {
  const { getJSON, post, notice } = api;
  let state = null;

  function scheduleRow(row, account) {
    const tr = document.createElement("tr");
    tr.dataset.account = account;
    const mode = document.createElement("select");
    mode.name = "mode";
    for (const [value, label] of [["off", t("schedOff")], ["every", t("schedEvery")], ["at", t("schedAt")]]) {
      mode.append(new Option(label, value));
    }
    mode.value = row ? (row.every ? "every" : "at") : "off";
    const text = document.createElement("input");
    text.name = "value";
    text.size = 14;
    text.value = row ? (row.every || (row.at || []).join(",")) : "";
    const hint = () => {
      text.hidden = mode.value === "off";
      text.placeholder = mode.value === "every" ? t("everyHelp", { min: state.min_every }) : t("atHelp");
    };
    mode.onchange = hint;
    hint();
    const save = document.createElement("button");
    save.type = "button";
    save.textContent = t("save");
    save.onclick = async () => {
      const body = { account };
      if (mode.value === "off") body.off = true;
      else body[mode.value] = text.value.trim();
      const out = await post("/api/schedules", body);
      notice(out.ok ? t("settingsSaved") : say(out.body), out.ok ? 3000 : 8000);
      if (out.ok) {
        save.blur(); // saved: the row may be drawn again with its next run
        load();
      }
    };
    const run = document.createElement("button");
    run.type = "button";
    run.textContent = t("runNow");
    run.className = "run-now";
    run.onclick = async () => {
      const out = await post("/api/schedules/run-now", { account });
      notice(out.ok ? t("syncQueued", { what: account }) : say(out.body), out.ok ? 4000 : 8000);
    };
    const setting = document.createElement("td");
    setting.append(mode, " ", text, " ", save);
    const last = row && row.last_run_at ? `${when(row.last_run_at)} · ${row.last_status}` : "–";
    const lastCell = cell(last, row && row.last_status && row.last_status !== "done" ? "neg" : "");
    if (row && row.last_message) { // said in the page's language from its stored code, as a run's error is
      lastCell.title = say({ code: row.last_code, params: row.last_params, message: row.last_message });
    }
    const actions = document.createElement("td");
    actions.append(run);
    tr.append(cell(account), setting, cell(row ? when(row.next_run_at) : "–"), lastCell, actions);
    return tr;
  }

  async function load() {
    state = await getJSON("/api/automation");
    const { stores } = await getJSON("/api/stores");
    const toggle = $("#autosync-toggle");
    toggle.textContent = state.paused ? t("resumeAuto") : t("pauseAuto");
    toggle.disabled = !state.scheduler;
    $("#autosync-state").textContent = !state.scheduler ? t("autoOff") : state.paused ? t("autoPaused") : t("autoOn");
    const bySchedule = Object.fromEntries(state.schedules.map((s) => [s.account, s]));
    if (!$("#schedules").contains(document.activeElement)) { // never under the seller's typing
      $("#schedules tbody").replaceChildren(...stores.map((s) => scheduleRow(bySchedule[s.name], s.name)));
    }
    $("#runs tbody").replaceChildren(...state.runs.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.status = r.status;
      const status = cell(r.status, r.status === "done" ? "" : r.status === "running" || r.status === "skipped" ? "muted" : "neg");
      tr.append(cell(when(r.started_at)), cell(r.account || t("allStores")), cell(r.trigger), cell(r.via), status,
        cell(r.status === "running" ? "" : `${r.records} / ${r.pages}`), cell(r.error ? say(r) : "", "muted"));
      return tr;
    }));
    $("#autostart").checked = state.autostart;
    $("#autostart").disabled = !state.autostart_supported;
    $("#data-dir").textContent = t("folderAt", { path: state.data_dir });
  }

  $("#autosync-toggle").onclick = async () => {
    const out = await post("/api/autosync", { paused: !state.paused });
    if (!out.ok) notice(say(out.body), 8000);
    load();
  };
  $("#browser-login").onclick = async () => {
    const out = await post("/api/browser/login", {});
    notice(out.ok ? t("loginOpened") : say(out.body), out.ok ? 8000 : 12000);
  };
  $("#open-folder").onclick = async () => {
    const out = await post("/api/open-data-folder", {});
    notice(t("folderAt", { path: out.body.path }), 8000);
  };
  $("#autostart").onchange = async (e) => {
    const out = await post("/api/autostart", { enabled: e.target.checked });
    if (!out.ok) notice(say(out.body), 8000);
    load();
  };
  $("#quit").onclick = async () => {
    if (!window.confirm(t("quitAsk"))) return;
    await post("/api/quit", {});
    notice(t("quitDone"), 0);
  };
  return load;
}

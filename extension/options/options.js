// Options: the app's port, capture on/off per seller center, pairing again.
"use strict";
const DEFAULT_PORT = 47810;

async function load() {
  const { settings } = await chrome.storage.local.get("settings");
  return { port: DEFAULT_PORT, capture: {}, ...(settings || {}) };
}

async function save(patch) {
  const current = await load();
  await chrome.storage.local.set({ settings: { ...current, ...patch } });
}

async function init() {
  localize();
  const current = await load();
  const port = document.getElementById("port");
  port.value = String(current.port);
  document.getElementById("save").addEventListener("click", async () => {
    const out = document.getElementById("saved");
    const value = Number(port.value);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      out.textContent = t("badPort");
      return;
    }
    await save({ port: value });
    out.textContent = t("saved");
  });
  const box = document.getElementById("sites");
  for (const site of globalThis.ShoptallySites.SITES) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.id = `capture-${site.id}`;
    input.checked = current.capture[site.id] !== false;
    input.addEventListener("change", async () => {
      const now = await load();
      await save({ capture: { ...now.capture, [site.id]: input.checked } });
    });
    label.append(input, " ", site.label);
    box.append(label);
  }
  document.getElementById("repair").addEventListener("click", () => chrome.runtime.sendMessage({ type: "repair" }));
}

init();

// What the Settings tab's sections for the seller's own files share (costs.js, logistics.js, purchases.js): their words
// in the page's language, elements built in one call, and a drop zone that sends a CSV to
// POST /api/figures/KIND (the reader of `shoptally KIND import`) and says what it stored or why not.
import { language } from "./i18n.js";
import { say } from "./messages.js";

/** A section's word function over its own WORDS ({en: {...}, zh: {...}}), `{name}` filled from `vars`. */
export function wordsOf(WORDS) {
  return (key, vars) => {
    let text = WORDS[language() === "zh" ? "zh" : "en"][key] ?? WORDS.en[key] ?? key;
    for (const [k, v] of Object.entries(vars || {})) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function base64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** A drop zone (and file input `fileId`, `${id}-file` unless named) whose CSVs go to /api/figures/`kind`;
 * `said(body)` words what was stored; `done()` reloads the section. */
export function figuresDrop({ id, text, kind, post, notice, said, done, fileId = `${id}-file` }) {
  const file = el("input", { type: "file", accept: ".csv,text/csv", id: fileId, name: fileId });
  const zone = el("div", { id, className: "drop", tabIndex: 0 }, el("span", { textContent: text + " " }), file);
  const send = async (files) => {
    for (const f of files) {
      const out = await post(`/api/figures/${kind}`, { name: f.name, content_base64: await base64(f) });
      notice(out.ok ? said(out.body) : say(out.body), out.ok ? 4000 : 10000);
    }
    await done();
  };
  zone.ondragover = (e) => { e.preventDefault(); zone.classList.add("over"); };
  zone.ondragleave = () => zone.classList.remove("over");
  zone.ondrop = (e) => { e.preventDefault(); zone.classList.remove("over"); send([...e.dataTransfer.files]); };
  file.onchange = () => send([...file.files]).then(() => { file.value = ""; });
  return zone;
}

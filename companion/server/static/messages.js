// The server's refusals and event messages in the page's language. Every answer the daemon refuses with
// carries `code` and `params` beside its English `message` (companion/errors.py); messages.json is the one
// catalog of codes, an English and a Chinese template each, the same file the server renders its English from.
// say(body) fills the page language's template; without a code the catalog knows (a refusal raised with a
// sentence only, a sentence the browser extension wrote), it shows the English `message` as sent.
import { language } from "./i18n.js";

const catalog = {};
let loading = null;

/** Fetches the catalog once (the view's static files hold no data and need no sign-in); say() works before
 * it arrives, in English. */
export function loadMessages() {
  loading ??= fetch("/static/messages.json")
    .then((resp) => (resp.ok ? resp.json() : {}))
    .then((data) => Object.assign(catalog, data))
    .catch(() => {});
  return loading;
}

loadMessages();

// Python's str.format with named fields, as the catalog writes them: {name}, {name!r}, {{ and }}.
function render(template, params) {
  let missing = false;
  const text = template.replace(/\{\{|\}\}|\{(\w+)(?:!r)?\}/g, (all, name) => {
    if (all === "{{") return "{";
    if (all === "}}") return "}";
    if (!(name in params)) missing = true;
    const value = params[name];
    if (isSaid(value)) return sayNested(value);
    return value === null || value === undefined ? "" : String(value);
  });
  return missing ? null : text;
}

// A param that is itself a refusal ({code, params, message}: the problem a row-locating sentence wraps).
function isSaid(value) {
  return value !== null && typeof value === "object" && "code" in value && "message" in value;
}

function sayNested(value) {
  const lang = language();
  const template = lang !== "en" && value.code ? catalog[value.code]?.[lang] : null;
  const text = template ? render(template, named(value.params || {}, lang)) : null;
  return text === null ? String(value.message ?? "") : text;
}

// Params that name a field, column or setting (purchase_price, unit_cost, order_sync_mode…) are shown by the
// field's own words in the page's language: the catalog's name_<field> entries.
const NAMING = ["field", "column", "key", "missing"];

function named(params, lang) {
  const out = { ...params };
  for (const key of NAMING) {
    const entry = typeof out[key] === "string" ? catalog[`name_${out[key]}`] : null;
    if (entry && entry[lang]) out[key] = entry[lang];
  }
  return out;
}

/** The words of a status code (e.g. the completeness grid's `required_in`) in the page's language. */
export function sayStatus(status) {
  const entry = catalog[`status_${status}`];
  return (entry && (entry[language()] || entry.en)) || String(status ?? "");
}

/** A code's sentence in the page's language, from the catalog ("" until the catalog has arrived). */
export function sayCode(code, params = {}) {
  const entry = catalog[code];
  if (!entry) return "";
  const lang = language();
  return render(entry[lang] || entry.en, named(params, lang)) ?? "";
}

/** The sentence of a refusal or event body ({code, params, message, file?}) in the page's language. */
export function say(body) {
  if (body === null || body === undefined) return "";
  if (typeof body === "string") return body;
  const english = body.message ?? body.error ?? "";
  const lang = language();
  const template = lang !== "en" && body.code ? catalog[body.code]?.[lang] : null;
  const text = template ? render(template, named(body.params || {}, lang)) : null;
  if (text === null) return english;
  return body.file ? `${body.file}: ${text}` : text;
}

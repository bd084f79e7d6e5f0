// How the Finance view writes money, dates and exchange rates in the seller's language (zh-CN or en-US).
// Money arrives from the daemon as exact decimal text ("62743.19", "-0.50"): it is never turned into a
// float here. Intl.NumberFormat formats the whole part as a BigInt (exact at any size) and gives the
// language's grouping, currency symbol and sign placement; the cents are the text's own digits.
// No imports: the module is loaded as is by node:test (tests/view/format.test.js) and by the page.

const LOCALES = { zh: "zh-CN", en: "en-US" };
const MONEY = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const formatters = new Map();

export function localeOf(lang) {
  return LOCALES[lang] || LOCALES.en;
}

function numberFormat(lang, currency, digits) {
  const key = `${lang}|${currency}|${digits}`;
  let nf = formatters.get(key);
  if (!nf) {
    const options = { minimumFractionDigits: digits, maximumFractionDigits: digits };
    try {
      nf = new Intl.NumberFormat(localeOf(lang), currency ? { ...options, style: "currency", currency } : options);
    } catch {
      nf = null; // not an ISO 4217 code: the number with grouping, then the code as written
    }
    formatters.set(key, nf);
  }
  return nf;
}

/**
 * Exact decimal text → e.g. "$62,743.19" (en, USD), "-¥1,234.50" (zh, CNY), "US$62,743.19" (zh, USD).
 * At least two decimals; more when the text has more (a unit price of a third of a cent stays exact).
 * `negate` flips the sign (a cost the ledger keeps as a negative amount, shown as what it costs).
 * Text that is not a decimal number is returned as it came ("" stays "").
 */
export function formatMoney(text, currency, lang = "en", { negate = false } = {}) {
  const m = MONEY.exec(String(text ?? "").trim());
  if (!m) return String(text ?? "");
  const [, sign, whole, frac = ""] = m;
  const digits = Math.max(2, frac.length);
  const cents = frac.padEnd(digits, "0");
  const zero = /^0*$/.test(whole + cents);
  const negative = !zero && ((sign === "-") !== negate);
  const code = /^[A-Za-z]{3}$/.test(currency || "") ? currency.toUpperCase() : "";
  const nf = numberFormat(lang, code, digits) || numberFormat(lang, "", digits);
  const abs = BigInt(whole);
  // A negative whole part of 0 ("-0.50") has no BigInt: -1 gives the sign's place, its digit is replaced.
  const parts = nf.formatToParts(negative ? -(abs || 1n) : abs);
  let out = "";
  for (const part of parts) {
    // the fraction digits Intl asked for (also for JPY: they are set explicitly) are the text's own
    out += part.type === "fraction" ? cents : part.type === "integer" && abs === 0n ? "0" : part.value;
  }
  if (!code && currency) out += ` ${currency}`;
  return out;
}

/** Whether exact decimal text is below zero ("-0.00" is not). */
export function isNegative(text) {
  const m = MONEY.exec(String(text ?? "").trim());
  return Boolean(m && m[1] === "-" && !/^0*$/.test(m[2] + (m[3] || "")));
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/;

/**
 * One date format per language: en "Sep 3, 2025", zh "2025年9月3日"; a time, when the text has one, as
 * 24-hour "14:05" after it. The text is already the store's local day and time: no time zone is applied.
 */
export function formatDate(text, lang = "en") {
  const m = DAY.exec(String(text ?? ""));
  if (!m) return String(text ?? "");
  const [, y, mo, d, hh, mm] = m;
  const key = `date|${lang}`;
  let df = formatters.get(key);
  if (!df) {
    df = new Intl.DateTimeFormat(localeOf(lang), { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
    formatters.set(key, df);
  }
  const day = df.format(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return hh === undefined ? day : `${day} ${hh}:${mm}`;
}

/**
 * An instant (ISO 8601 with its zone: a sync run, a backup) on this computer's clock, in the language's one
 * date format: "Dec 3, 2026 14:05" / "2026年12月3日 14:05"; "–" for none.
 */
export function formatInstant(iso, lang = "en") {
  const at = iso ? new Date(iso) : null;
  if (!at || Number.isNaN(at.getTime())) return "–";
  const two = (n) => String(n).padStart(2, "0");
  const local = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
  return formatDate(local, lang);
}

/** A month ("2025-09") in the language's one format: "Sep 2025" / "2025年9月"; other text as it came. */
export function formatMonth(text, lang = "en") {
  const m = /^(\d{4})-(\d{2})$/.exec(String(text ?? ""));
  if (!m) return String(text ?? "");
  const key = `month|${lang}`;
  let mf = formatters.get(key);
  if (!mf) {
    mf = new Intl.DateTimeFormat(localeOf(lang), { year: "numeric", month: "short", timeZone: "UTC" });
    formatters.set(key, mf);
  }
  return mf.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

/** A period's first and last day, e.g. "Sep 1, 2025 – Sep 30, 2025". */
export function formatPeriod(period, lang = "en") {
  if (!period || !period.from) return "";
  return `${formatDate(period.from, lang)} – ${formatDate(period.to, lang)}`;
}

/**
 * The rates a converted report used, as words: "GBP→USD 1.27 (Oct 3, 2025), EUR→USD 1.08 (Oct 3, 2025)".
 * `rates` is /api/report's list of {from, to, rate, date}; the rate is shown exactly as the seller entered it.
 */
export function formatRates(rates, lang = "en") {
  if (!Array.isArray(rates)) return "";
  const sep = lang === "zh" ? "，" : ", ";
  return rates.map((r) => `${r.from}→${r.to} ${r.rate} (${formatDate(r.date, lang)})`).join(sep);
}

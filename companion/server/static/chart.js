// The Finance view's chart: net profit per store over time (GET /api/chart), drawn by uPlot 1.6.32 (MIT,
// shipped in ./vendor/uplot/ with its licence: nothing is fetched from elsewhere). Why a library: real value
// axes with evenly spaced ticks, one y axis per currency, a legend that hides a store, a cursor with tooltips.
// Amounts stay the exact strings the daemon sends: numbers only place the points; the tooltip shows the
// strings themselves, formatted like the cards (format.js). A day that has not happened has no point: the
// daemon sends no step for it (or null for a store a day behind another), and the x axis runs on to the
// period's end, empty, so this month at the 15th reads as half a month, not as a collapse.
// The drawing modules (uPlot, format.js) are imported when a chart is drawn, so this module's pure part
// (chartModel, tickEvery) loads anywhere, e.g. under node:test (tests/view/chart.test.js).

const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
  "#4b5563", "#9333ea"];
const WORDS = {
  zh: { none: "暂无数据", toCome: "该期间尚未开始", loading: "正在换算…", week: "周", axis: "日期" },
  en: { none: "No data", toCome: "This period has not started yet", loading: "Converting…", week: "Week of",
    axis: "Date" },
};
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif";
const DAY_MS = 86400000;
const NICE = [1, 2, 3, 5, 7, 10, 14, 21, 28, 30, 60, 90, 120, 180, 365];

/** The steps from `first` (an ISO day) to `to` (an ISO day) for a step kind: how far the x axis runs. */
function stepsUntil(first, to, step) {
  const [y1, m1, d1] = first.split("-").map(Number);
  const [y2, m2, d2] = to.split("-").map(Number);
  if (step === "month") return (y2 * 12 + m2) - (y1 * 12 + m1) + 1;
  const days = Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS) + 1;
  if (step === "week") {
    const monday = (new Date(Date.UTC(y1, m1 - 1, d1)).getUTCDay() + 6) % 7; // days since the week's Monday
    return Math.floor((days - 1 + monday) / 7) + 1;
  }
  return days;
}

/**
 * /api/chart JSON → what uPlot draws: x is the step's index (0 … n-1); `span` is how many steps the whole
 * period has (the axis runs to it; points stop at `through`). One series per (store, currency), null
 * where the daemon sent null; one scale per currency, in order of first appearance; labels name the
 * currency only when there are several.
 */
export function chartModel(data) {
  const labels = (data && data.labels) || [];
  const ranges = (data && data.ranges) || [];
  const raw = ((data && data.series) || []).filter((s) => Array.isArray(s.points) && s.points.length === labels.length);
  if (!labels.length || !raw.length) return null;
  const currencies = [...new Set(raw.map((s) => s.currency))];
  const period = (data && data.period) || {};
  const first = ranges[0] ? ranges[0].from : null;
  const span = first && period.to ? Math.max(labels.length, stepsUntil(first, period.to, data.step)) : labels.length;
  const series = raw.map((s, k) => ({
    account: s.account, currency: s.currency, points: s.points, color: colorOf(k),
    label: currencies.length > 1 ? `${s.account} (${s.currency})` : s.account,
    values: s.points.map((p) => (p === null || p === undefined ? null : Number(p))),
  }));
  return { step: data.step, labels, ranges, currencies, span, series, xs: labels.map((_, i) => i) };
}

/** Every how many steps an x label fits: labels `labelPx` wide (plus a gap) over `plotPx` for `span` steps. */
export function tickEvery(span, plotPx, labelPx) {
  if (span <= 1) return 1;
  const need = ((labelPx + 14) * (span - 1)) / Math.max(1, plotPx);
  return NICE.find((k) => k >= need) || Math.ceil(need);
}

function colorOf(k) {
  return k < PALETTE.length ? PALETTE[k] : `hsl(${Math.round((k * 137.508) % 360)}, 65%, 42%)`;
}

// --- drawing (browser only) -------------------------------------------------------------------------------
const hosts = new WeakMap(); // the element finance.js hands over → { host, plot, generation, observer }

/**
 * Draws `data` (the /api/chart JSON) where `target` is: a <div> is drawn into; the page's <svg id="chart">
 * is hidden and a <div class="chart-host"> beside it is drawn into. The chart is as wide as its box (and
 * follows it when the window is resized). Options: width (px, when the box has none), height (px), lang
 * ("zh" | "en"). When the view has a reporting currency chosen (its Currency filter) and the data
 * is not converted to it, the converted chart is asked for first (same query, plus currency). Returns a
 * promise of the host element (finance.js need not await it).
 */
export function drawChart(target, data, options = {}) {
  const state = hostOf(target);
  const generation = ++state.generation; // a newer draw wins over one still converting
  const wanted = viewCurrency(target);
  if (wanted && data && data.query && data.currency !== wanted) {
    showText(state, words(options).loading);
    return fetch("/api/chart?" + new URLSearchParams({ ...data.query, currency: wanted }))
      .then(async (res) => {
        const body = await res.json();
        if (generation !== state.generation) return state.host;
        // options.say: the view's messages.say (the refusal in the page's language; this module imports nothing)
        if (!res.ok) return showText(state, (options.say ? options.say(body) : body.message) || res.statusText);
        return draw(state, body, options, generation);
      })
      .catch((err) => showText(state, String(err.message || err)));
  }
  return draw(state, data, options, generation).catch((err) => showText(state, String(err.message || err)));
}

function words(options) {
  return WORDS[options.lang === "zh" ? "zh" : "en"];
}

/** The reporting currency the view's filters hold ("" as recorded): the Currency select of the filter form. */
function viewCurrency(target) {
  const doc = target.ownerDocument || document;
  const select = doc.querySelector("#filters select[name=currency]");
  return select ? select.value : "";
}

function hostOf(target) {
  let state = hosts.get(target);
  if (state) return state;
  const doc = target.ownerDocument;
  let host = target;
  if (target.namespaceURI !== "http://www.w3.org/1999/xhtml" || target.tagName !== "DIV") {
    host = doc.createElement("div");
    host.setAttribute("role", "figure");
    host.setAttribute("aria-label", target.getAttribute("aria-label") || "net profit over time");
    target.after(host);
    target.setAttribute("hidden", "");
    target.style.display = "none";
  }
  host.classList.add("chart-host");
  host.style.position = "relative";
  host.style.maxWidth = "100%";
  state = { host, plot: null, generation: 0, observer: null };
  hosts.set(target, state);
  linkStylesheet(doc);
  return state;
}

function linkStylesheet(doc) {
  const href = new URL("./vendor/uplot/uPlot.min.css", import.meta.url).href;
  if ([...doc.querySelectorAll("link[rel=stylesheet]")].some((l) => l.href === href)) return;
  const link = doc.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  doc.head.appendChild(link);
}

function clear(state) {
  if (state.plot) state.plot.destroy();
  state.plot = null;
  if (state.observer) state.observer.disconnect();
  state.observer = null;
  state.host.replaceChildren();
  state.host.chart = null;
  state.host.model = null;
}

function showText(state, text) {
  clear(state);
  const p = state.host.ownerDocument.createElement("p");
  p.className = "chart-empty muted";
  p.textContent = text;
  state.host.appendChild(p);
  return state.host;
}

async function draw(state, data, options, generation) {
  const [{ default: uPlot }, fmt] = await Promise.all([import("./vendor/uplot/uPlot.esm.js"), import("./format.js")]);
  if (generation !== state.generation) return state.host;
  const lang = options.lang === "zh" ? "zh" : "en";
  const model = chartModel(data);
  if (!model) return showText(state, data && data.period && data.period.from && !data.through
    ? words(options).toCome : words(options).none);
  clear(state);
  const { host } = state;
  host.dataset.through = data.through || "";
  host.dataset.currencies = model.currencies.join(" ");
  const height = options.height || 240;
  const width = () => Math.max(240, boxWidth(host) || options.width || 960);
  const xLabel = xFormatter(model, fmt, lang);
  const measure = measurer(host.ownerDocument);
  const labelPx = Math.max(...model.labels.map((_, i) => measure(xLabel(i))));
  const tickText = moneyTicks(fmt, lang);

  const axes = [{
    font: FONT, stroke: "#374151", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#d1d5db" },
    splits: (u) => {
      const every = tickEvery(model.span, u.bbox.width / devicePixelRatio, labelPx);
      const out = [];
      for (let i = 0; i < model.span; i += every) out.push(i);
      return out;
    },
    values: (u, splits) => splits.map((i) => xLabel(i)),
  }];
  const scales = { x: { time: false, range: () => [-0.5, model.span - 0.5] } };
  model.currencies.forEach((code, k) => {
    scales[code] = { range: (u, lo, hi) => valueRange(uPlot, lo, hi) };
    axes.push({
      scale: code, side: k % 2 ? 1 : 3, label: code, labelFont: FONT, labelSize: 18, font: FONT, stroke: "#374151",
      grid: { show: k === 0, stroke: "#eef0f3" }, ticks: { stroke: "#d1d5db" },
      values: (u, splits, _axis, _space, incr) => splits.map((v) => tickText(v, code, incr)),
      // ticks (10 px), their gap and a margin so the rotated currency label never touches the widest value
      size: (u, values) => 24 + Math.max(40, ...(values || []).map((v) => measure(v))),
    });
  });
  const series = [{ label: words(options).axis, value: (u, i) => (i === null ? "" : xLabel(i)) },
    ...model.series.map((s) => ({
      label: s.label, scale: s.currency, stroke: s.color, width: 2, spanGaps: false,
      points: { show: model.labels.length <= 62, size: 5, fill: s.color },
      value: (u, v, si, i) => (i === null || i === undefined ? "" : money(fmt, s, i, lang)),
    }))];
  const tooltip = tooltipPlugin(model, fmt, lang, xLabel, words(options));
  const plot = new uPlot({
    width: width(), height, series, axes, scales, plugins: [tooltip],
    cursor: { points: { size: 7 }, drag: { x: false, y: false } },
    legend: { live: false },
  }, [model.xs, ...model.series.map((s) => s.values)], host);
  state.plot = plot;
  host.chart = plot; // tests read what is drawn from here: the uPlot instance, and the exact strings
  host.model = model;
  if (typeof ResizeObserver === "function" && host.parentElement) {
    let last = width();
    state.observer = new ResizeObserver(() => {
      const now = width();
      if (now !== last) plot.setSize({ width: (last = now), height });
    });
    state.observer.observe(host.parentElement);
  }
  return host;
}

/** The width the chart's box leaves it (its parent's content box): the chart fills it, phone or desk. */
function boxWidth(host) {
  const box = host.parentElement;
  if (!box) return 0;
  const style = getComputedStyle(box);
  return Math.floor(box.clientWidth - parseFloat(style.paddingLeft || "0") - parseFloat(style.paddingRight || "0"));
}

/** The y range: zero always inside (profit against its baseline), a flat chart still some height. */
function valueRange(uPlot, lo, hi) {
  const min = Math.min(0, lo ?? 0);
  const max = Math.max(0, hi ?? 0);
  if (min === max) return [0, 1];
  return uPlot.rangeNum(min, max, 0.1, true);
}

function money(fmt, s, i, lang) {
  const p = s.points[i];
  return p === null || p === undefined ? "—" : fmt.formatMoney(p, s.currency, lang);
}

/** Tick text for a value axis: the language's grouping and the currency's symbol, decimals only as fine as
 * the ticks' spacing needs (ticks are round numbers: 0, 250, 500 or 0.5, 1.0). */
function moneyTicks(fmt, lang) {
  const cache = new Map();
  return (value, code, incr) => {
    const digits = incr >= 1 || !incr ? 0 : Math.min(2, Math.ceil(-Math.log10(incr) - 1e-9));
    const key = `${code}|${digits}`;
    let nf = cache.get(key);
    if (!nf) {
      const opts = { minimumFractionDigits: digits, maximumFractionDigits: digits };
      try {
        nf = new Intl.NumberFormat(fmt.localeOf(lang), { ...opts, style: "currency", currency: code });
      } catch {
        nf = new Intl.NumberFormat(fmt.localeOf(lang), opts);
      }
      cache.set(key, nf);
    }
    return nf.format(Object.is(value, -0) ? 0 : value);
  };
}

/** An x tick's text: a day or a week's Monday as a short date, a month as month and year, in the language. */
function xFormatter(model, fmt, lang) {
  const opts = model.step === "month" ? { year: "numeric", month: "short", timeZone: "UTC" }
    : { month: "short", day: "numeric", timeZone: "UTC" };
  const df = new Intl.DateTimeFormat(fmt.localeOf(lang), opts);
  const first = model.ranges[0].from.split("-").map(Number);
  return (i) => {
    const [y, m, d] = first;
    const at = model.step === "month" ? Date.UTC(y, m - 1 + i, 1)
      : model.step === "week" ? Date.UTC(y, m - 1, d) + (i === 0 ? 0 : (7 * i - mondayOffset(y, m, d)) * DAY_MS)
        : Date.UTC(y, m - 1, d) + i * DAY_MS;
    return df.format(at);
  };
}

function mondayOffset(y, m, d) {
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

function measurer(doc) {
  const ctx = doc.createElement("canvas").getContext("2d");
  if (!ctx) return (text) => String(text).length * 7;
  ctx.font = FONT;
  return (text) => Math.ceil(ctx.measureText(String(text)).width);
}

/** A box that follows the cursor: the step's days, then each shown store's exact figure. */
function tooltipPlugin(model, fmt, lang, xLabel, w) {
  let box = null;
  const when = (i) => {
    const r = model.ranges[i];
    if (!r) return xLabel(i);
    if (model.step === "day") return fmt.formatDate(r.from, lang);
    if (model.step === "month") return xLabel(i);
    return r.from === r.to ? fmt.formatDate(r.from, lang)
      : `${w.week} ${fmt.formatDate(r.from, lang)} – ${fmt.formatDate(r.to, lang)}`;
  };
  return {
    hooks: {
      init: (u) => {
        box = u.root.ownerDocument.createElement("div");
        box.className = "chart-tooltip";
        Object.assign(box.style, {
          position: "absolute", pointerEvents: "none", display: "none", zIndex: "10", background: "#ffffff",
          border: "1px solid #d1d5db", borderRadius: "6px", padding: "6px 8px", font: FONT, color: "#111827",
          boxShadow: "0 2px 8px rgba(0,0,0,0.12)", whiteSpace: "nowrap",
        });
        u.over.appendChild(box);
      },
      setCursor: (u) => {
        const i = u.cursor.idx;
        // past today the nearest point is today's: over a day to come there is nothing to show
        const far = u.cursor.left === undefined || u.cursor.left < 0 || Math.abs(u.posToVal(u.cursor.left, "x") - i) > 0.5;
        if (i === null || i === undefined || i >= model.labels.length || far) {
          box.style.display = "none";
          return;
        }
        const doc = box.ownerDocument;
        box.replaceChildren();
        const head = doc.createElement("div");
        head.style.fontWeight = "600";
        head.textContent = when(i);
        box.appendChild(head);
        model.series.forEach((s, k) => {
          if (!u.series[k + 1].show || s.points[i] === null) return;
          const row = doc.createElement("div");
          row.dataset.account = s.account;
          row.dataset.value = s.points[i];
          const dot = doc.createElement("span");
          Object.assign(dot.style, { display: "inline-block", width: "8px", height: "8px", borderRadius: "50%",
            background: s.color, marginRight: "6px" });
          row.append(dot, `${s.label}: ${fmt.formatMoney(s.points[i], s.currency, lang)}`);
          box.appendChild(row);
        });
        box.style.display = "block";
        const left = u.cursor.left;
        const top = u.cursor.top;
        const over = u.over.getBoundingClientRect();
        box.style.left = `${Math.max(0, Math.min(left + 12, over.width - box.offsetWidth))}px`;
        box.style.top = `${Math.max(0, Math.min(top + 12, over.height - box.offsetHeight))}px`;
      },
    },
  };
}

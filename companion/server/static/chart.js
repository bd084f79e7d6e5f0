// The Finance view's chart: net profit per store over time (GET /api/chart), drawn as plain SVG by the
// view's own code — no library, nothing fetched from elsewhere. Amounts stay the exact strings the daemon
// sends: numbers only place the points, tooltips and data-value show the strings themselves.

const NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
  "#4b5563", "#9333ea"];
const NO_DATA = { zh: "暂无数据", en: "No data" };
const FONT = 11; // px, for every text of the chart
const ROW = 16; // px, a legend row

/** Draws `data` (the /api/chart JSON) into `svg`, replacing what was there. Options: width, height (px of
 * the viewBox) and lang ("zh" | "en": only the no-data text). Returns the svg. */
export function drawChart(svg, data, options = {}) {
  const width = options.width || 640;
  const height = options.height || 260;
  const lang = options.lang === "zh" ? "zh" : "en";
  const doc = svg.ownerDocument || globalThis.document;
  const el = (tag, attrs = {}, text) => {
    const node = doc.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("role", "img");

  const labels = (data && data.labels) || [];
  const series = ((data && data.series) || []).filter((s) => s.points && s.points.length === labels.length);
  if (!labels.length || !series.length) {
    svg.appendChild(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", "font-size": FONT + 2,
      fill: "#6b7280", class: "chart-empty" }, NO_DATA[lang]));
    return svg;
  }

  const [lo, hi] = extremes(series);
  const oneCurrency = new Set(series.map((s) => s.currency)).size === 1;
  const names = series.map((s) => (oneCurrency ? s.account : `${s.account} (${s.currency})`));
  const legendRows = placeLegend(names, width - 16);
  const top = 10;
  const left = 12 + Math.max(textWidth(lo.text), textWidth(hi.text));
  const right = width - 12;
  const bottom = height - 22 - legendRows.length * ROW;
  const n = labels.length;
  const x = (i) => (n === 1 ? (left + right) / 2 : left + (i * (right - left)) / (n - 1));
  const y = (v) => top + ((hi.value - v) / (hi.value - lo.value)) * (bottom - top);

  svg.appendChild(el("line", { x1: left, x2: right, y1: y(0), y2: y(0), stroke: "#9ca3af",
    "stroke-width": 1, class: "chart-zero" }));
  for (const end of [hi, lo]) {
    svg.appendChild(el("text", { x: left - 6, y: y(end.value) + FONT / 3, "text-anchor": "end", "font-size": FONT,
      fill: "#374151", class: "chart-y" }, end.text));
  }
  const every = Math.ceil(n / Math.max(1, Math.floor((right - left) / (Math.max(...labels.map(textWidth)) + 8))));
  labels.forEach((label, i) => {
    if (i % every) return;
    svg.appendChild(el("text", { x: x(i), y: bottom + 14, "text-anchor": n === 1 ? "middle" : anchor(i, n),
      "font-size": FONT, fill: "#374151", class: "chart-x" }, label));
  });

  series.forEach((s, k) => {
    const color = colorOf(k);
    const line = el("polyline", { points: s.points.map((p, i) => `${x(i)},${y(Number(p))}`).join(" "),
      fill: "none", stroke: color, "stroke-width": 2, "stroke-linejoin": "round", class: "chart-line",
      "data-account": s.account, "data-currency": s.currency });
    svg.appendChild(line);
    const marks = el("g", { fill: color, class: "chart-points" });
    s.points.forEach((p, i) => {
      const dot = el("circle", { cx: x(i), cy: y(Number(p)), r: n === 1 ? 4 : 3, "data-value": p });
      dot.appendChild(el("title", {}, `${labels[i]}: ${p} ${s.currency}`));
      marks.appendChild(dot);
    });
    svg.appendChild(marks);
  });

  const legend = el("g", { class: "chart-legend" });
  legendRows.forEach((row, r) => {
    const ly = height - (legendRows.length - r) * ROW + 4;
    for (const item of row) {
      legend.appendChild(el("rect", { x: 8 + item.x, y: ly - 9, width: 10, height: 10, fill: colorOf(item.k) }));
      legend.appendChild(el("text", { x: 8 + item.x + 14, y: ly, "font-size": FONT, fill: "#111827",
        "data-account": series[item.k].account }, names[item.k]));
    }
  });
  svg.appendChild(legend);
  return svg;
}

/** The axis ends: the lowest and highest point, zero always inside; each with the text to show. */
function extremes(series) {
  let lo = { value: 0, text: "0.00" };
  let hi = { value: 0, text: "0.00" };
  for (const s of series) {
    for (const p of s.points) {
      const v = Number(p);
      if (v < lo.value) lo = { value: v, text: p };
      if (v > hi.value) hi = { value: v, text: p };
    }
  }
  if (lo.value === hi.value) hi = { value: 1, text: "1.00" }; // all zero: a flat line at the bottom
  return [lo, hi];
}

/** Legend entries in rows that fit `width`: [[{k, x}]]. */
function placeLegend(names, width) {
  const rows = [[]];
  let at = 0;
  names.forEach((name, k) => {
    const w = 14 + textWidth(name) + 14;
    if (at > 0 && at + w > width) {
      rows.push([]);
      at = 0;
    }
    rows[rows.length - 1].push({ k, x: at });
    at += w;
  });
  return rows;
}

/** About how wide a text is at FONT px: CJK characters count double. */
function textWidth(text) {
  let w = 0;
  for (const ch of String(text)) w += ch.codePointAt(0) > 0x2e80 ? FONT : FONT * 0.6;
  return Math.ceil(w);
}

function anchor(i, n) {
  return i === 0 ? "start" : i === n - 1 ? "end" : "middle";
}

function colorOf(k) {
  return k < PALETTE.length ? PALETTE[k] : `hsl(${Math.round((k * 137.508) % 360)}, 65%, 42%)`;
}

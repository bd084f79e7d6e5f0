// node --test: the Finance view's chart (companion/server/static/chart.js) drawn into a fake SVG element.
// The module is an ES module served as is; it is loaded here from a data: URL so no package.json is needed.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const SVG_NS = "http://www.w3.org/2000/svg";
const SOURCE = fs.readFileSync(path.join(__dirname, "../../companion/server/static/chart.js"), "utf8");
const load = () => import("data:text/javascript;base64," + Buffer.from(SOURCE).toString("base64"));

class FakeNode {
  constructor(tag) {
    this.tagName = tag;
    this.attributes = {};
    this.children = [];
    this.textContent = "";
  }
  setAttribute(name, value) {
    assert.equal(typeof value, "string", `${this.tagName}[${name}] set to a non-string`);
    this.attributes[name] = value;
  }
  getAttribute(name) {
    return name in this.attributes ? this.attributes[name] : null;
  }
  appendChild(child) {
    this.children.push(child);
    return child;
  }
  removeChild(child) {
    this.children.splice(this.children.indexOf(child), 1);
    return child;
  }
  get firstChild() {
    return this.children[0] || null;
  }
  all(tag) {
    return this.children.flatMap((c) => [...(c.tagName === tag ? [c] : []), ...c.all(tag)]);
  }
}

function fakeSvg() {
  const svg = new FakeNode("svg");
  svg.ownerDocument = { createElementNS: (ns, tag) => { assert.equal(ns, SVG_NS); return new FakeNode(tag); } };
  return svg;
}

const DATA = {
  step: "day", period: { from: "2025-10-01", to: "2025-10-03" },
  labels: ["2025-10-01", "2025-10-02", "2025-10-03"],
  series: [
    { account: "TikTok US Mugs", currency: "USD", points: ["12.30", "0.00", "-4.05"] },
    { account: "Temu 磁带店", currency: "USD", points: ["0.00", "99.99", "0.01"] },
  ],
};

test("one polyline per store with its own color, markers carrying the exact strings", async () => {
  const { drawChart } = await load();
  const svg = fakeSvg();
  assert.equal(drawChart(svg, DATA, { width: 600, height: 240, lang: "en" }), svg);
  assert.equal(svg.getAttribute("viewBox"), "0 0 600 240");
  const lines = svg.all("polyline");
  assert.deepEqual(lines.map((l) => [l.getAttribute("data-account"), l.getAttribute("data-currency")]),
    [["TikTok US Mugs", "USD"], ["Temu 磁带店", "USD"]]);
  assert.equal(new Set(lines.map((l) => l.getAttribute("stroke"))).size, 2);
  assert.equal(lines[0].getAttribute("points").split(" ").length, 3);
  const dots = svg.all("circle");
  assert.deepEqual(dots.map((d) => d.getAttribute("data-value")), ["12.30", "0.00", "-4.05", "0.00", "99.99", "0.01"]);
  assert.deepEqual(svg.all("title").map((t) => t.textContent).slice(0, 3),
    ["2025-10-01: 12.30 USD", "2025-10-02: 0.00 USD", "2025-10-03: -4.05 USD"]);
});

test("a zero line, the y axis' ends, x labels and a legend naming the stores", async () => {
  const { drawChart } = await load();
  const svg = fakeSvg();
  drawChart(svg, DATA, { width: 600, height: 240 });
  const zero = svg.all("line").find((l) => l.getAttribute("class") === "chart-zero");
  assert.ok(zero);
  const texts = (cls) => svg.all("text").filter((t) => t.getAttribute("class") === cls).map((t) => t.textContent);
  assert.deepEqual(texts("chart-y"), ["99.99", "-4.05"]);
  assert.deepEqual(texts("chart-x"), DATA.labels);
  const legend = svg.all("g").find((g) => g.getAttribute("class") === "chart-legend");
  assert.deepEqual(legend.all("text").map((t) => t.textContent), ["TikTok US Mugs", "Temu 磁带店"]);
  // the zero line lies between the highest and the lowest point
  const ys = svg.all("circle").map((d) => Number(d.getAttribute("cy")));
  const y0 = Number(zero.getAttribute("y1"));
  assert.ok(Math.min(...ys) < y0 && y0 < Math.max(...ys));
});

test("x labels are thinned to fit; the legend names the currency when there are several", async () => {
  const { drawChart } = await load();
  const labels = Array.from({ length: 120 }, (_, i) => `L${String(i).padStart(9, "0")}`);
  const points = labels.map((_, i) => `${i}.00`);
  const svg = fakeSvg();
  drawChart(svg, { labels, series: [{ account: "A", currency: "USD", points },
    { account: "A", currency: "CNY", points }] }, { width: 400, height: 200 });
  const shown = svg.all("text").filter((t) => t.getAttribute("class") === "chart-x").map((t) => t.textContent);
  assert.ok(shown.length > 1 && shown.length < 15, `${shown.length} labels`);
  assert.equal(shown[0], labels[0]);
  assert.equal(svg.all("circle").length, 240);
  const legend = svg.all("g").find((g) => g.getAttribute("class") === "chart-legend");
  assert.deepEqual(legend.all("text").map((t) => t.textContent), ["A (USD)", "A (CNY)"]);
});

test("no data says so in the view's language, and drawing again replaces the chart", async () => {
  const { drawChart } = await load();
  const svg = fakeSvg();
  drawChart(svg, DATA, {});
  drawChart(svg, { labels: [], series: [] }, { lang: "zh" });
  assert.deepEqual(svg.children.map((c) => [c.tagName, c.textContent]), [["text", "暂无数据"]]);
  drawChart(svg, { labels: ["2025-10"], series: [] }, { lang: "en" });
  assert.equal(svg.children[0].textContent, "No data");
  drawChart(svg, null, { lang: "fr" });
  assert.equal(svg.children[0].textContent, "No data");
});

test("a single point sits in the middle, and a chart of zeros still draws", async () => {
  const { drawChart } = await load();
  const svg = fakeSvg();
  drawChart(svg, { labels: ["2025-10"], series: [{ account: "A", currency: "USD", points: ["5.00"] }] },
    { width: 300, height: 200 });
  const [dot] = svg.all("circle");
  assert.equal(dot.getAttribute("data-value"), "5.00");
  const left = Number(svg.all("line")[0].getAttribute("x1"));
  assert.equal(Number(dot.getAttribute("cx")), (left + 288) / 2);
  drawChart(svg, { labels: ["a", "b"], series: [{ account: "A", currency: "USD", points: ["0.00", "0.00"] }] }, {});
  for (const d of svg.all("circle")) assert.ok(Number.isFinite(Number(d.getAttribute("cy"))));
});

// node --test: the pure part of the Finance view's chart (companion/server/static/chart.js): what /api/chart's
// JSON becomes for uPlot (chartModel) and how x labels are thinned (tickEvery). The drawing itself (uPlot in
// real Chromium: axes, legend, tooltip, conversion) is tests/browser/test_chart_view.py.
// The module is an ES module served as is; it is loaded here from a data: URL so no package.json is needed
// (it imports uPlot and format.js only when it draws).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const SOURCE = fs.readFileSync(path.join(__dirname, "../../companion/server/static/chart.js"), "utf8");
const load = () => import("data:text/javascript;base64," + Buffer.from(SOURCE).toString("base64"));

const DATA = {
  step: "day", period: { from: "2025-12-01", to: "2025-12-31" }, through: "2025-12-03",
  labels: ["2025-12-01", "2025-12-02", "2025-12-03"],
  ranges: [{ from: "2025-12-01", to: "2025-12-01" }, { from: "2025-12-02", to: "2025-12-02" },
    { from: "2025-12-03", to: "2025-12-03" }],
  series: [
    { account: "TikTok US Mugs", currency: "USD", points: ["12.30", "0.00", null] },
    { account: "Temu 磁带店", currency: "USD", points: ["0.00", "99.99", "0.01"] },
  ],
};

test("points up to today, the axis to the month's end; one scale when one currency", async () => {
  const { chartModel } = await load();
  const m = chartModel(DATA);
  assert.deepEqual(m.xs, [0, 1, 2]);
  assert.equal(m.span, 31); // December: the x axis runs on to the 31st, with no points after the 3rd
  assert.deepEqual(m.currencies, ["USD"]);
  assert.deepEqual(m.series.map((s) => [s.label, s.currency, s.values]),
    [["TikTok US Mugs", "USD", [12.3, 0, null]], ["Temu 磁带店", "USD", [0, 99.99, 0.01]]]);
  assert.deepEqual(m.series[0].points, ["12.30", "0.00", null]); // the exact strings stay for the tooltip
  assert.notEqual(m.series[0].color, m.series[1].color);
});

test("two currencies: a scale each, and the legend names the currency", async () => {
  const { chartModel } = await load();
  const m = chartModel({ ...DATA, series: [{ account: "UK", currency: "GBP", points: ["1.00", "2.00", "3.00"] },
    { account: "US", currency: "USD", points: ["4.00", "5.00", "6.00"] },
    { account: "US", currency: "GBP", points: ["0.00", "0.00", "0.50"] }] });
  assert.deepEqual(m.currencies, ["GBP", "USD"]);
  assert.deepEqual(m.series.map((s) => s.label), ["UK (GBP)", "US (USD)", "US (GBP)"]);
});

test("weeks and months count to the period's end the way the daemon cuts them", async () => {
  const { chartModel } = await load();
  // 1 October 2025 is a Wednesday: weeks from 1, 6, 13, 20, 27 Oct, 3 … 24 Nov, then 1 Dec: ten to 1 Dec
  const week = chartModel({ step: "week", period: { from: "2025-10-01", to: "2025-12-01" },
    labels: ["2025-10-01"], ranges: [{ from: "2025-10-01", to: "2025-10-05" }],
    series: [{ account: "A", currency: "USD", points: ["1.00"] }] });
  assert.equal(week.span, 10);
  const month = chartModel({ step: "month", period: { from: "2025-01-01", to: "2025-12-31" },
    labels: ["2025-01", "2025-02"], ranges: [{ from: "2025-01-01", to: "2025-01-31" },
      { from: "2025-02-01", to: "2025-02-14" }], series: [{ account: "A", currency: "USD", points: ["1.00", "2.00"] }] });
  assert.equal(month.span, 12);
});

test("nothing to draw: no labels, no series, a series of the wrong length", async () => {
  const { chartModel } = await load();
  assert.equal(chartModel(null), null);
  assert.equal(chartModel({ labels: [], series: [] }), null);
  assert.equal(chartModel({ ...DATA, series: [] }), null);
  assert.equal(chartModel({ ...DATA, series: [{ account: "A", currency: "USD", points: ["1.00"] }] }), null);
});

test("x labels are thinned to fit: every 1, 2, 3, 5, 7 … steps", async () => {
  const { tickEvery } = await load();
  assert.equal(tickEvery(31, 816, 40), 2); // 54 px a label, 27 px a day: every other day
  assert.equal(tickEvery(31, 2000, 40), 1);
  assert.equal(tickEvery(31, 300, 40), 7); // a phone: a week apart
  assert.equal(tickEvery(1, 300, 40), 1);
  assert.equal(tickEvery(400, 100, 40), 365);
  assert.equal(tickEvery(5000, 100, 40), 2700);
});

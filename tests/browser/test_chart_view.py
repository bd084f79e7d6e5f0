"""The Finance view's chart (uPlot, shipped in static/vendor/) in real Chromium against a real daemon: this
month is drawn only up to today (the axis runs on to the month's end, empty), two currencies get two labelled
y axes, a legend click hides a store (and its figure leaves the tooltip), and choosing a reporting currency
in the view converts the chart exactly (10.00 GBP at 1.25 is $12.50). Figures are seeded into the daemon's
database before it starts: two stores in UTC so "today" is one day for both."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.support import REPO
from tests.support.browser import wait_for
from tests.support.daemon import Daemon

US = ("tiktok", "7495", "US", "TikTok US Mugs", "USD", "UTC")
UK = ("tiktok", "4410", "GB", "TikTok UK Teapots", "GBP", "UTC")
READ = """const host = document.querySelector('.chart-host'); const u = host && host.chart;
if (!u) return null;
return {through: host.dataset.through, n: u.data[0].length, xmax: u.scales.x.max,
  series: u.series.slice(1).map(s => ({label: s.label, scale: s.scale, show: s.show})),
  data: u.data.slice(1),
  axes: u.axes.slice(1).map(a => ({scale: a.scale, label: a.label, side: a.side, ticks: a._values})),
  x: {ticks: a0(u), width: u.bbox.width / devicePixelRatio}};
function a0(u) {
  const a = u.axes[0];
  return (a._splits || []).map((v, i) => ({at: u.valToPos(v, 'x'), text: a._values[i]}));
}"""


def _line(ref: tuple, n: int, amount: str, when: datetime):
    from companion.sources.model import SETTLED, SKU_SPLIT, Line, SourceField, StoreRef

    store = StoreRef(*ref)
    value = Decimal(amount)
    return Line(store=store, key=("t", str(n)), status=SETTLED, txn_type="Order", currency=store.currency,
                settlement_amount=value, amounts={"sales": value + 1, "platform_fee": Decimal("-1.00")},
                fields=[SourceField("Gross sales", value + 1, "sales"),
                        SourceField("Fee", Decimal("-1.00"), "platform_fee")],
                order_id=f"9{n:05d}", sku_id="SKU-1", sku_name="Mug", quantity=1, order_time=when,
                settled_time=when, reference=f"9{n:05d}", detail=SKU_SPLIT, statement_id="ST1")


@pytest.fixture
def two_currencies(tmp_path, browser_available):
    """US 30.00 USD and UK 10.00 GBP on this month's 1st (UTC), US 5.00 more today; a pound is 1.25 dollars."""
    from companion.ledger.fx import Rate
    from companion.store import seller_inputs, settlements
    from companion.store.db import close_database, open_database, sqlite_url
    from companion.store.writer import run_inline

    now = datetime.now(UTC)
    first = datetime(now.year, now.month, 1, 0, 0, 1, tzinfo=UTC)
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(sqlite_url(data / "shoptally.db"))
    try:
        run_inline(db, settlements.apply_lines, [
            _line(US, 1, "30.00", first), _line(UK, 2, "10.00", first),
            _line(US, 3, "5.00", max(first, now - timedelta(seconds=5)))], "seed", "import")
        run_inline(db, seller_inputs.save_rates, [Rate(date(2020, 1, 1), "GBP", "USD", Decimal("1.25"))])
    finally:
        close_database()
    with Daemon(data, None) as d:
        yield d, now.date()


def shot(browser, name: str) -> None:
    (REPO / "artifacts" / "screenshots").mkdir(parents=True, exist_ok=True)
    browser.driver.save_screenshot(str(REPO / "artifacts" / "screenshots" / f"{name}.png"))


def chart(browser, want=lambda c: True, what="the chart"):
    return wait_for(lambda: (c := browser.driver.execute_script(READ)) and want(c) and c, what)


def test_this_month_up_to_today_two_currencies_two_axes_legend_hides_a_store_currency_converts(
        browser, two_currencies):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    daemon, today = two_currencies
    d = browser.driver
    d.set_window_size(1200, 900)
    browser.open(daemon.view("/?period=this-month"))
    c = chart(browser)
    days = calendar.monthrange(today.year, today.month)[1]
    # no point for a day that has not happened: today's day of the month is the last one; the axis runs on
    assert c["through"] == today.isoformat() and c["n"] == today.day and c["xmax"] == days - 0.5
    us = ["30.00"] + ["0.00"] * (today.day - 1)
    us[-1] = "35.00" if today.day == 1 else "5.00"
    assert [s["label"] for s in c["series"]] == ["TikTok UK Teapots (GBP)", "TikTok US Mugs (USD)"]
    assert c["data"] == [[10] + [0] * (today.day - 1), [float(v) for v in us]]
    assert browser.driver.execute_script(  # the exact strings the daemon sent, kept beside the plot
        "return document.querySelector('.chart-host').model.series.map(s => [s.account, s.points])") == [
        ["TikTok UK Teapots", ["10.00"] + ["0.00"] * (today.day - 1)], ["TikTok US Mugs", us]]
    # one labelled y axis per currency, on either side, each with round ticks (more than the two ends)
    assert [(a["scale"], a["label"], a["side"]) for a in c["axes"]] == [("GBP", "GBP", 3), ("USD", "USD", 1)]
    assert all(len(a["ticks"]) >= 3 for a in c["axes"]), c["axes"]
    assert c["axes"][0]["ticks"][0] == "£0" and "$0" in c["axes"][1]["ticks"]
    # x labels do not overlap: each starts after the one before ends (about 7 px a character, generous)
    ticks = c["x"]["ticks"]
    gaps = [b["at"] - a["at"] - 7 * len(a["text"]) for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 2 and min(gaps) > 0, ticks

    shot(browser, "chart-two-currencies")
    # the tooltip shows each store's exact figure for the day under the cursor
    over = d.find_element(By.CSS_SELECTOR, ".chart-host .u-over")
    ActionChains(d).move_to_element_with_offset(over, -over.size["width"] // 2 + 3, 0).perform()
    tip = wait_for(lambda: d.find_element(By.CSS_SELECTOR, ".chart-tooltip").is_displayed()
                   and d.find_element(By.CSS_SELECTOR, ".chart-tooltip"), "the tooltip")
    rows = {r.get_attribute("data-account"): r.text for r in tip.find_elements(By.CSS_SELECTOR, "[data-account]")}
    assert rows == {"TikTok UK Teapots": "TikTok UK Teapots (GBP): £10.00",
                    "TikTok US Mugs": f"TikTok US Mugs (USD): ${us[0]}"}

    # over a day to come (the axis' last day) there is no figure to show
    ActionChains(d).move_to_element_with_offset(over, over.size["width"] // 2 - 3, 0).perform()
    if today.day < days - 1:
        wait_for(lambda: not d.find_element(By.CSS_SELECTOR, ".chart-tooltip").is_displayed(), "no tooltip")

    # a legend click hides a store; its line and its tooltip row go
    item = next(e for e in d.find_elements(By.CSS_SELECTOR, ".chart-host .u-legend .u-series")
                if "Teapots" in e.text)
    item.click()
    c = chart(browser, lambda c: not c["series"][0]["show"], "the store hidden")
    assert [s["show"] for s in c["series"]] == [False, True]
    assert "u-off" in item.get_attribute("class")
    ActionChains(d).move_to_element_with_offset(over, -over.size["width"] // 2 + 4, 1).perform()
    wait_for(lambda: [r.get_attribute("data-account") for r in d.find_elements(
        By.CSS_SELECTOR, ".chart-tooltip [data-account]")] == ["TikTok US Mugs"], "the tooltip without the store")

    # a reporting currency chosen in the view: the chart converts too, on one axis
    Select(d.find_element(By.CSS_SELECTOR, "#filters select[name=currency]")).select_by_value("USD")
    c = chart(browser, lambda c: [a["scale"] for a in c["axes"]] == ["USD"], "the converted chart")
    assert [s["label"] for s in c["series"]] == ["TikTok UK Teapots", "TikTok US Mugs"]
    assert c["data"][0][0] == 12.5 and c["n"] == today.day
    over = d.find_element(By.CSS_SELECTOR, ".chart-host .u-over")  # a chart drawn anew
    ActionChains(d).move_to_element_with_offset(over, -over.size["width"] // 2 + 3, 0).perform()
    wait_for(lambda: "TikTok UK Teapots: $12.50" in d.find_element(By.CSS_SELECTOR, ".chart-tooltip").text,
             "the converted figure in the tooltip")
    shot(browser, "chart-converted-tooltip")

    # a phone: the chart is as wide as its box, no wider
    d.set_window_size(390, 844)
    wait_for(lambda: d.execute_script(
        "const h = document.querySelector('.chart-host'); return h.chart.width <= h.parentElement.clientWidth"
        " && h.getBoundingClientRect().right <= document.documentElement.clientWidth"), "the chart to fit 390 px")
    d.execute_script("document.querySelector('#chart-box').scrollIntoView()")
    shot(browser, "chart-390")

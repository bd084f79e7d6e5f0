"""Issue #16 point 2 in real Chromium: the Finance view fits a 390 px phone on every tab without the page
scrolling sideways, old figures are marked pending from a filter click until the new ones are drawn, and
the empty states say what to do next (an empty database: the extension, a file, the demo; an empty period:
another period) in both languages. The screenshots docs/finance-view.md shows are taken here (English and
Chinese, 1280 and 390 px wide) under artifacts/screenshots/layout-*.png."""

from __future__ import annotations

from tests.support.browser import wait_for
from tests.support.finance_view import SHOTS, cards, expected_cards, open_view, quiet, report, shot

PHONE, DESK = 390, 1280

# Every class change of #cards while a filter click is answered: (pending?, the net profit card's figure).
WATCH_CARDS = """
window.cardLog = [];
const cards = document.getElementById('cards');
const figure = () => {
  const v = cards.querySelector('[data-metric=net-profit] .value');
  return v ? v.dataset.value : null;
};
new MutationObserver(() => {
  const on = cards.classList.contains('pending');
  const last = window.cardLog[window.cardLog.length - 1];
  if (!last || last[0] !== on) window.cardLog.push([on, figure()]);
}).observe(cards, {attributes: true, attributeFilter: ['class']});
"""


def width(browser, px: int) -> None:
    browser.driver.set_window_size(px, 900)
    wait_for(lambda: browser.driver.execute_script("return window.innerWidth") == px, f"a {px} px wide page")


def overflow(browser) -> list:
    """[scrollWidth, clientWidth] of the page (the first larger means the page scrolls sideways)."""
    return browser.driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth]")


def empty_state(browser) -> dict:
    return browser.driver.execute_script(
        "const b = document.getElementById('empty'); return {hidden: b.hidden, kind: b.dataset.kind,"
        " title: b.querySelector('h2') && b.querySelector('h2').textContent, text: b.textContent,"
        " buttons: [...b.querySelectorAll('button')].map(x => x.textContent)}")


def whole_page(browser, name: str) -> None:
    """A screenshot of the whole page, not only the window (artifacts/screenshots/, for a reviewer)."""
    import base64

    d = browser.driver
    # the capture lays the page out as tall as it is (no scrollbar): as wide as the window
    w, h = d.execute_script("return [window.innerWidth, document.documentElement.scrollHeight]")
    png = d.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png",
                                                     "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}})
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(png["data"]))


def rest_pointer(browser) -> None:
    """The mouse over the title (a control it last clicked would be shown hovered in a screenshot)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    ActionChains(browser.driver).move_to_element(browser.driver.find_element(By.TAG_NAME, "h1")).perform()


def to_language(browser, lang: str) -> None:
    from selenium.webdriver.common.by import By

    d = browser.driver
    if d.execute_script("return document.documentElement.lang").startswith(lang):
        return
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.execute_script("return document.documentElement.lang").startswith(lang), f"the view in {lang}")
    quiet(browser)


def test_fits_a_phone_marks_old_figures_pending_and_offers_another_period(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09")
    september = expected_cards(report(loaded, "--period", "2025-09"))
    wait_for(lambda: cards(browser) == september, "September's cards")
    quiet(browser)
    assert d.execute_script("return document.body.dataset.pending") is None
    # a filter click: the old figures stay, marked pending, until the new ones are drawn
    every = expected_cards(report(loaded, "--period", "all"))
    d.execute_script(WATCH_CARDS)
    d.find_element(By.CSS_SELECTOR, "[data-period=yesterday]").click()  # the lines are of September 2025
    wait_for(lambda: d.execute_script("return window.cardLog.length >= 2 && !document.body.dataset.pending"),
             "yesterday's figures")
    log = d.execute_script("return window.cardLog")
    assert log == [[True, september["net-profit:USD"]], [False, None]]
    # yesterday is empty: the view says so and offers other periods
    state = wait_for(lambda: empty_state(browser)["kind"] == "period" and empty_state(browser), "the empty period")
    assert state["hidden"] is False
    assert state["title"] == "No figures for " + d.find_element(By.ID, "period-shown").text
    assert state["buttons"] == ["All time", "Last month", "This year", "Order basis"]
    assert cards(browser) == {}
    d.execute_script("window.cardLog = []")
    d.find_element(By.XPATH, "//section[@id='empty']//button[.='All time']").click()
    wait_for(lambda: cards(browser) == every, "all time's cards")
    wait_for(lambda: not d.execute_script("return document.body.dataset.pending"), "no pending mark")
    assert d.execute_script("return window.cardLog") == [[True, None], [False, every["net-profit:USD"]]]
    assert empty_state(browser)["hidden"] is True
    # September again, in both languages, desk and phone: the page never scrolls sideways
    open_view(browser, loaded, "?period=2025-09")
    wait_for(lambda: cards(browser) == september, "September's cards")
    for lang in ("en", "zh"):
        to_language(browser, lang)
        width(browser, DESK)
        quiet(browser)
        wait_for(lambda: d.execute_script("return document.querySelector('.chart-host .u-over')"), "the chart")
        rest_pointer(browser)
        shot(browser, f"layout-{lang}-{DESK}")
        width(browser, PHONE)
        for tab in ("income", "expense", "profit", "settings"):
            d.find_element(By.CSS_SELECTOR, f"[data-tab={tab}]").click()
            wait_for(lambda tab=tab: f"tab={tab}" in d.current_url or tab == "income", f"the {tab} tab")
            quiet(browser)
            assert overflow(browser)[0] <= overflow(browser)[1], (lang, tab, overflow(browser))
            if lang == "en":
                whole_page(browser, f"layout-{lang}-{PHONE}-{tab}")
        d.find_element(By.CSS_SELECTOR, "[data-tab=income]").click()
        quiet(browser)
        d.execute_script("window.scrollTo(0, 0)")
        shot(browser, f"layout-{lang}-{PHONE}")
    to_language(browser, "en")


def test_an_empty_database_says_how_to_start_in_both_languages(browser, daemon):
    d = browser.driver
    open_view(browser, daemon)
    state = wait_for(lambda: empty_state(browser)["kind"] == "none" and empty_state(browser), "the empty state")
    assert state["title"] == "No figures yet"
    for words in ("Connect the browser extension", "approve its pairing code in Settings → Pairing",
                  "Import a report file", "Settings → Import report files", "Try the demo",
                  "Run shoptally serve --demo in a terminal"):
        assert words in state["text"], words
    assert state["buttons"] == ["Open pairing", "Import a file"]
    assert d.execute_script("return getComputedStyle(document.getElementById('chart-box')).display") == "none"
    width(browser, PHONE)
    assert overflow(browser)[0] <= overflow(browser)[1]
    to_language(browser, "zh")
    state = wait_for(lambda: empty_state(browser)["title"] == "还没有数据" and empty_state(browser),
                     "the Chinese empty state")
    for words in ("连接浏览器扩展", "“设置 → 配对”", "导入报表文件", "试用演示数据",
                  "在终端运行 shoptally serve --demo"):
        assert words in state["text"], words
    assert state["buttons"] == ["去配对", "导入文件"]
    shot(browser, "layout-empty-zh-390")
    # the import button opens Settings, where the file drop is
    d.execute_script("[...document.querySelectorAll('#empty button')][1].click()")
    wait_for(lambda: "tab=settings" in d.current_url, "the Settings tab")
    assert d.execute_script("return document.getElementById('drop').offsetParent !== null")
    to_language(browser, "en")

"""Issue #18 in the demo a newcomer opens (`shoptally serve --demo`, real daemon, real Chromium): the Sales,
Payments and Taxes tabs and Settings' costing, logistics and purchases sections are filled, the 1688 payment
notice names the demo's unpaid purchases once it is on, and none of it makes a 390 px page scroll sideways,
in both languages. The screenshots docs/finance-view.md shows are taken here (artifacts/screenshots/demo-*.png,
copied to docs/img/)."""

from __future__ import annotations

import base64

from tests.support.browser import wait_for
from tests.support.demo_daemon import DemoDaemon
from tests.support.finance_view import SHOTS, open_view, quiet

WIDTHS = (1280, 390)
MAX_HEIGHT = 900  # px of one screenshot: a long table is cut, its first rows are what the docs show

LANG = "return document.documentElement.lang"
ROWS = "return document.querySelectorAll(arguments[0]).length"
RECT = """const r = document.querySelector(arguments[0]).getBoundingClientRect();
return [r.top + window.scrollY, r.height, window.innerWidth]"""


def clip(browser, selector: str, name: str, top_of: str | None = None) -> None:
    """A screenshot of the page from the top of `top_of` (else `selector`) to the bottom of `selector`."""
    d = browser.driver
    # scrolled to first: a capture beyond the viewport draws a sticky table head blank or shifts the clip
    d.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", top_of or selector)
    top, _, w = d.execute_script(RECT, top_of or selector)
    start, height, _ = d.execute_script(RECT, selector)
    assert height > 0, f"{selector} is not shown"  # e.g. a tab nested in another, hidden one
    h = min(start + height - top, MAX_HEIGHT)
    png = d.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png",
                                                     "clip": {"x": 0, "y": top, "width": w, "height": h, "scale": 1}})
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(png["data"]))


def rows(browser, selector: str, what: str) -> int:
    return wait_for(lambda: browser.driver.execute_script(ROWS, selector) or None, what)


WIDER = """const w = document.documentElement.clientWidth;
const clipped = (e) => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
  if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5
  && e.offsetParent !== null && !clipped(e)).slice(0, 8)
  .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits(browser) -> bool | list:
    """True when the page does not scroll sideways, else the elements that stick out."""
    d = browser.driver
    return d.execute_script("const e = document.documentElement; return e.scrollWidth <= e.clientWidth") or \
        d.execute_script(WIDER)


def test_the_demo_shows_sales_payments_taxes_and_the_cost_side(browser, tmp_path):
    d = browser.driver
    with DemoDaemon(tmp_path / "home") as demo:
        demo.fetch("/api/settings", "POST", {"payment_notice_1688": "manual"})
        unpaid = demo.get("/api/purchases/unpaid?period=all")["purchases"]
        assert len(unpaid) == 3 and all(p["source"] == "1688" for p in unpaid)
        for lang in ("en", "zh"):
            for px in WIDTHS:
                d.set_window_size(px, 900)
                # the cards with the payment notice: the Temu POs whose 1688 purchase is unpaid
                open_view(browser, demo, "?period=all")
                if not d.execute_script(LANG).startswith(lang):
                    d.find_element("id", "lang").click()
                    wait_for(lambda lang=lang: d.execute_script(LANG).startswith(lang), f"the view in {lang}")
                banner = wait_for(lambda: d.execute_script(
                    "const b = document.getElementById('payment-banner'); return !b.hidden && b.textContent"),
                    "the payment notice")
                assert all(p["order_no"] in banner for p in unpaid), banner
                quiet(browser)
                clip(browser, "#cards", f"demo-notice-{lang}-{px}", top_of="#payment-banner")

                open_view(browser, demo, "?period=last-month&tab=sales&group=week")
                assert rows(browser, "#sales tbody tr:not(.loading)", "the sales rows") >= 4
                quiet(browser)
                assert fits(browser) is True, (lang, px, "sales")
                clip(browser, "#tab-sales", f"demo-sales-{lang}-{px}")

                open_view(browser, demo, "?period=all&tab=payments")
                rows(browser, "#payments tbody tr[data-kind]", "the payouts")
                statuses = set(d.execute_script(
                    "return [...document.querySelectorAll('#payments tbody tr[data-kind]')]"
                    ".map(tr => tr.children[4].textContent)"))
                assert len(statuses) == 3, statuses  # paid, processing and on hold, in the page's language
                quiet(browser)
                assert fits(browser) is True, (lang, px, "payments")
                clip(browser, "#tab-payments", f"demo-payments-{lang}-{px}")

                open_view(browser, demo, "?period=all&tab=taxes")
                # Tazas MX's withheld taxes, and the sales tax of the Shopify, eBay and Walmart stores: 6 types each
                assert rows(browser, "#taxes tbody tr td[data-type]", "the tax rows") == 4 * 6
                quiet(browser)
                assert fits(browser) is True, (lang, px, "taxes")
                clip(browser, "#tab-taxes", f"demo-taxes-{lang}-{px}")

                open_view(browser, demo, "?tab=settings")
                assert rows(browser, "#store-settings tbody tr", "the stores") == 9  # with the five marketplaces
                accounts = d.execute_script("return [...document.querySelectorAll('select[name=account] option')]"
                                            ".map(o => o.textContent)")
                assert {"Shopify Harbor Goods", "eBay Mug Corner", "Walmart Home Basics", "Shopee Rattan Room",
                        "AliExpress Outdoor Gear"} <= set(accounts), accounts  # the store filter has them
                rows(browser, "#logistics-settings tbody tr", "the logistics costs")
                rows(browser, "#purchases-settings tbody tr", "the purchases")
                quiet(browser)
                assert fits(browser) is True, (lang, px, "settings")
                costing = d.execute_script("return [...document.querySelectorAll('#store-settings select')]"
                                           ".map(s => s.value)")
                assert "moving_average" in costing, costing
                clip(browser, "#store-settings", f"demo-costing-{lang}-{px}")
                clip(browser, "#logistics-settings", f"demo-logistics-{lang}-{px}")
                clip(browser, "#purchases-settings", f"demo-purchases-{lang}-{px}")

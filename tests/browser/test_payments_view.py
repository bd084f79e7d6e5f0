"""Issue #18 points 2, 3 and 7 in real Chromium: the Finance view's Payments and Taxes tabs show what
`shoptally report --kind payments|tax` says, figure for figure, in both languages; their tables scroll in their
own box on a 390 px phone (the page never scrolls sideways); a period without payouts says so."""

from __future__ import annotations

from tests.support.browser import wait_for
from tests.support.finance_view import open_view, quiet, shot
from tests.support.tiktok_sea import vn_book

PAYOUT_ROWS = """return [...document.querySelectorAll('#payments tbody tr[data-kind]')].map(tr => [tr.dataset.ref,
  tr.children[4].textContent, tr.children[8].dataset.value, tr.children[9].textContent,
  tr.children[11].dataset.check])"""
TAX_CELLS = """return Object.fromEntries([...document.querySelectorAll('#taxes tbody tr td[data-type]')].map(td =>
  [td.dataset.type, td.dataset.value]))"""


def overflow(d) -> tuple[int, int]:
    return tuple(d.execute_script("const e = document.documentElement; return [e.scrollWidth, e.clientWidth]"))


def test_payments_and_taxes_tabs(browser, loaded, tmp_path):
    from selenium.webdriver.common.by import By

    vn = tmp_path / "TikTok_Saigon Mugs_settlement_2025-10.xlsx"
    vn.write_bytes(vn_book())
    assert loaded.cli("import", str(vn)).code == 0
    expected = loaded.cli("report", "--kind", "payments", "--period", "2025-09", "--json").json
    assert len(expected["rows"]) > 10
    d = browser.driver
    d.set_window_size(390, 900)
    open_view(browser, loaded, "?period=2025-09&tab=payments")
    want = [[r["ref"], r["status"], r["lines_amount"], str(r["lines"]), r["check"]] for r in expected["rows"]]
    got = wait_for(lambda: (rows := d.execute_script(PAYOUT_ROWS)) and len(rows) == len(want) and rows,
                   "the payouts")
    assert [[ref, lines_amount, lines, check] for ref, _, lines_amount, lines, check in got] == [
        [w[0], w[2], w[3], w[4]] for w in want]
    assert {status for _, status, *_ in got} == {"paid"}
    quiet(browser)
    box = d.execute_script("const b = document.querySelector('#tab-payments .scroll');"
                           "return [b.scrollWidth, b.clientWidth]")
    assert box[0] > box[1]  # the table is wider than a phone: it scrolls in its own box
    width, client = overflow(d)
    assert width <= client, (width, client)
    shot(browser, "payments-en-390")
    d.set_window_size(1280, 900)
    d.execute_script("document.getElementById('tab-payments').scrollIntoView()")
    shot(browser, "payments-en-1280")
    d.set_window_size(390, 900)

    # the Taxes tab: October's withheld VAT and PIT of the Vietnamese shop
    d.find_element(By.CSS_SELECTOR, "[data-tab=taxes]").click()
    wait_for(lambda: "tab=taxes" in d.current_url, "the taxes tab")
    open_view(browser, loaded, "?period=2025-10&tab=taxes")
    cells = wait_for(lambda: d.execute_script(TAX_CELLS) or None, "the tax row")
    assert cells == {"sales_tax": "0.00", "vat": "0.00", "withheld": "-6750.00", "duty": "0.00",
                     "market_tax": "0.00", "other": "0.00"}
    assert "VAT withheld by TikTok Shop" in d.find_element(By.ID, "taxes-note").text
    withheld = d.find_element(By.CSS_SELECTOR, "#taxes td[data-type=withheld]")  # a cost, as on the Profit tab
    assert withheld.text.startswith("₫6,750.00") and "cost" in withheld.get_attribute("class").split()
    assert "neg" not in withheld.get_attribute("class").split()
    width, client = overflow(d)
    assert width <= client, (width, client)

    # Chinese, and a period with nothing: the empty row says so
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.execute_script("return document.documentElement.lang").startswith("zh"), "the view in zh")
    assert d.find_element(By.CSS_SELECTOR, "[data-tab=payments]").text == "回款"
    assert d.find_element(By.CSS_SELECTOR, "[data-tab=taxes]").text == "税费"
    wait_for(lambda: "代扣税" in d.find_element(By.CSS_SELECTOR, "#taxes thead").text, "the headers in Chinese")
    open_view(browser, loaded, "?period=2025-01&tab=payments")
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#payments tbody tr.empty").text == "此期间没有回款。",
             "the empty payments row")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.execute_script("return document.documentElement.lang").startswith("en"), "the view in en")

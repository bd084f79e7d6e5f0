"""Purchase records in the Finance view, in real Chromium against a real daemon: the 1688 payment notice's
banner (manual: shown, naming the unpaid purchase; off: gone), the expense tab's 1688 order column filled from
the linked purchases, a store's costing chosen in the Settings tab, and its Purchases section (the purchases
listed, a SKU map CSV chosen through the drop zone's file input)."""

from __future__ import annotations

from tests.support import REPO
from tests.support.browser import wait_for

EXAMPLES = REPO / "docs" / "examples"


def open_view(browser, daemon, query: str = "") -> None:
    from selenium.webdriver.common.by import By

    browser.open(daemon.view(f"/{query}"))
    wait_for(lambda: browser.driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready"), "the view to load")


def banner(d) -> str | None:
    return d.execute_script("const b = document.querySelector('#payment-banner'); return b.hidden ? null : "
                            "b.textContent")


def test_the_payment_banner_the_linked_1688_order_and_the_costing_choice(browser, daemon):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    assert daemon.cli("import", str(EXAMPLES / "TikTok本土_MugHouse_结算报告_2025-10.xlsx")).code == 0
    assert daemon.cli("purchases", "import", str(EXAMPLES / "purchases.csv")).code == 0
    daemon.fetch("/api/settings", "POST", {"payment_notice_1688": "manual"})
    d = browser.driver

    open_view(browser, daemon, "?period=2025-10&tab=expense")
    assert wait_for(lambda: banner(d), "the banner") == (
        "1 sold order(s) wait on 1 unpaid purchase(s): 2871234567890123457; pay them on 1688")
    linked = wait_for(lambda: d.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#expense tbody tr')].map(tr => ["
        "tr.querySelector('[data-col=order_id]').textContent, tr.querySelector('[data-col=purchase_order]')])"
        ".filter(([, td]) => td.classList.contains('linked')).map(([o, td]) => [o, td.textContent]))") or None,
        "the linked 1688 orders")
    assert linked == {"576900000000000101": "2871234567890123456", "576900000000000303": "2871234567890123457"}

    daemon.fetch("/api/settings", "POST", {"payment_notice_1688": "off"})
    open_view(browser, daemon, "?period=2025-10")
    wait_for(lambda: d.execute_script("return document.querySelector('#payment-banner').hidden"), "no banner")

    open_view(browser, daemon, "?tab=settings")
    row = "#store-settings tr[data-account='TikTok US MugHouse'] select[name=costing]"
    select = wait_for(lambda: d.find_elements(By.CSS_SELECTOR, row) and d.find_element(By.CSS_SELECTOR, row),
                      "the costing choice")
    assert select.get_attribute("value") == "fixed"
    Select(select).select_by_value("moving_average")
    wait_for(lambda: daemon.get("/api/costing")["stores"] == [
        {"account": "TikTok US MugHouse", "method": "moving_average"}], "the costing saved")

    # the Purchases section: the imported purchases listed, a SKU map CSV chosen through its drop zone
    rows = "#purchases-table tbody tr"
    assert wait_for(lambda: [tr.text.split()[0] for tr in d.find_elements(By.CSS_SELECTOR, rows)] or None,
                    "the purchases") == ["2871234567890123457", "2871234567890123456"]
    d.find_element(By.ID, "skumap-drop-file").send_keys(str(EXAMPLES / "skumap.csv"))
    wait_for(lambda: daemon.get("/api/skumap")["entries"] == [
        {"supplier_sku": "YW-MUG-RED", "sku_id": "1729000000000000001", "store": ""}], "the SKU map stored")
    wait_for(lambda: d.find_element(By.ID, "skumap-count").text == "SKU map: 1 entries", "the SKU map counted")

    # each row's Delete (asked first): a purchase and the SKU map entry go, the section reloads
    d.execute_script("window.confirm = () => true")
    click = ("const b = document.querySelector(arguments[0]); if (b) b.click(); return !!b")  # the section may
    # have been rebuilt by a reload (data.changed) a moment ago: the button is looked up as it is clicked
    wait_for(lambda: d.execute_script(click, "#skumap-table tr.skumap-entry button.delete-skumap"), "its Delete")
    wait_for(lambda: daemon.get("/api/skumap")["entries"] == [], "the SKU map entry deleted")
    wait_for(lambda: d.find_element(By.ID, "skumap-count").text == "SKU map: 0 entries", "the SKU map recounted")
    wait_for(lambda: d.execute_script(click, f"{rows}:first-child button.delete-purchase"), "a purchase's Delete")
    assert wait_for(lambda: [tr.text.split()[0] for tr in d.find_elements(By.CSS_SELECTOR, rows)] == [
        "2871234567890123456"] or None, "the purchase gone from the table")
    assert [p["order_no"] for p in daemon.get("/api/purchases")["purchases"]] == ["2871234567890123456"]

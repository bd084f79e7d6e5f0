"""A Shopify store's sales with or without tax in real Chromium against a real daemon: the Settings tab shows
the choice for the Shopify store only (not for a TikTok store), flipping it to "with tax" changes the profit
tab's sales figure (134.00 → 142.04, sales tax 8.04 → 0.00) while the gross profit stays; the words follow the
page's language."""

from __future__ import annotations

from tests.support import REPO
from tests.support.browser import click, wait_for
from tests.support.finance_view import open_view
from tests.support.sales_tax import SHOPIFY, shopify_files

TIKTOK_EXAMPLE = REPO / "docs" / "examples" / "TikTok本土_MugHouse_结算报告_2025-10.xlsx"
CHOICE = f"#store-settings tr[data-account='{SHOPIFY}'] select[name=sales_tax]"


def shopify_row(d) -> dict | None:
    """The Shopify store's row of the profit tab: sales, sales_tax and gross profit as the cells hold them."""
    return d.execute_script(
        "const tr = [...document.querySelectorAll('#profit tbody tr')].find(tr => "
        "tr.firstChild && tr.firstChild.textContent === arguments[0]); if (!tr) return null; "
        "const v = (sel) => tr.querySelector(sel).dataset.value; return {sales: v('[data-category=sales]'), "
        "tax: v('[data-category=sales_tax]'), profit: v('[data-group=gross_profit]')}", SHOPIFY)


def test_flipping_a_shopify_stores_choice_shows_its_sales_with_tax(browser, daemon, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    name, content = shopify_files()[0]
    (tmp_path / name).write_bytes(content)
    assert daemon.cli("import", str(tmp_path / name)).code == 0
    assert daemon.cli("import", str(TIKTOK_EXAMPLE)).code == 0
    d = browser.driver

    open_view(browser, daemon, "?period=all&basis=order&tab=profit")
    assert wait_for(lambda: shopify_row(d), "the Shopify row") == {"sales": "134.00", "tax": "8.04",
                                                                   "profit": "144.89"}
    wait_for(lambda: click(d, "[role=tab][data-tab=settings]"), "the Settings tab")
    select = wait_for(lambda: d.find_elements(By.CSS_SELECTOR, CHOICE) and d.find_element(By.CSS_SELECTOR, CHOICE),
                      "the sales-tax choice")
    assert select.get_attribute("value") == "excluded"
    assert [o.text for o in Select(select).options] == ["Sales without tax", "Sales with tax"]
    # a TikTok store takes no choice: its cell is empty
    assert d.find_elements(By.CSS_SELECTOR, "#store-settings tr[data-account='TikTok US MugHouse'] "
                                            "select[name=sales_tax]") == []
    Select(select).select_by_value("included")
    wait_for(lambda: daemon.get("/api/sales-tax")["stores"] == [{"account": SHOPIFY, "sales_tax": "included"}],
             "the choice saved")
    wait_for(lambda: click(d, "[role=tab][data-tab=profit]"), "the profit tab")
    wait_for(lambda: shopify_row(d) == {"sales": "142.04", "tax": "0.00", "profit": "144.89"},
             "the sales with tax")
    wait_for(lambda: click(d, "[role=tab][data-tab=settings]"), "the Settings tab again")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: [o.text for o in Select(d.find_element(By.CSS_SELECTOR, CHOICE)).options] == [
        "销售额不含税", "销售额含税"], "the choice in Chinese")
    assert d.find_element(By.CSS_SELECTOR, CHOICE).get_attribute("value") == "included"

"""Settings → SKU costs in real Chromium against a real daemon: a cost added, changed (a new dated version
and an edit of one), a version deleted, a costs CSV dropped on the section; the daemon holds exactly what
the table shows; the section's words follow the page's language."""

from __future__ import annotations

from tests.support import REPO
from tests.support.browser import click, wait_for

SHOTS = REPO / "artifacts" / "screenshots"


def open_view(browser, daemon, query: str = "") -> None:
    from selenium.webdriver.common.by import By

    browser.open(daemon.view(f"/{query}"))
    wait_for(lambda: browser.driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready"), "the view to load")


def costs(daemon) -> dict[str, list[tuple[str, str, str]]]:
    """SKU → its versions (start date, unit cost, currency), newest first, as the daemon holds them."""
    return {c["sku_id"]: [(v["effective_from"], v["unit_cost"], v["currency"]) for v in c["versions"]]
            for c in daemon.get("/api/costs")["costs"]}


def table(browser) -> dict[str, str]:
    return browser.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#costs-table tr.cost-sku')].map(tr => "
        "[tr.dataset.sku, tr.querySelector('.cost-now').textContent + ' | ' + "
        "tr.querySelector('.cost-from').textContent]))")


def test_costs_added_edited_deleted_and_dropped_as_csv(browser, daemon, tmp_path):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, daemon, "?tab=settings")
    form = wait_for(lambda: d.find_element(By.ID, "cost-form"), "the costs form")
    assert wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#costs-settings .empty").text, "the empty state") == (
        "No SKU costs yet: add one above or drop a CSV.")

    def add(sku, cost, currency, since=""):
        form.find_element(By.NAME, "sku_id").send_keys(sku)
        form.find_element(By.NAME, "unit_cost").send_keys(cost)
        form.find_element(By.NAME, "currency").send_keys(currency)
        if since:  # a date input takes the digits in the browser's order (en-US: month, day, year)
            y, m, day = since.split("-")
            form.find_element(By.NAME, "effective_from").send_keys(m + day + y)
        form.find_element(By.TAG_NAME, "button").click()

    add("SKU-A", "4.2", "usd")
    wait_for(lambda: costs(daemon) == {"SKU-A": [("", "4.20", "USD")]}, "the first cost")
    assert wait_for(lambda: table(browser), "the row") == {"SKU-A": "$4.20 | from the start"}
    add("SKU-A", "4.5", "USD", "2025-10-01")  # a new version from October
    wait_for(lambda: costs(daemon) == {"SKU-A": [("2025-10-01", "4.50", "USD"), ("", "4.20", "USD")]}, "the version")
    wait_for(lambda: table(browser) == {"SKU-A": "$4.50 | Oct 1, 2025"}, "the cost now")
    # a refusal names the field and changes nothing
    add("SKU-B", "3", "RMB")
    wait_for(lambda: d.find_element(By.ID, "notice-text").text == (
        "currency: 'RMB' is not a currency code (ISO 4217, e.g. USD, CNY, EUR, GBP)"), "the refusal")
    assert list(costs(daemon)) == ["SKU-A"]
    for name in ("sku_id", "unit_cost", "currency"):
        form.find_element(By.NAME, name).clear()
    # the history, an edit of the old version, a version deleted
    wait_for(lambda: click(d, "tr.cost-sku[data-sku='SKU-A'] button.history"), "the history button")
    wait_for(lambda: click(d, "tr.cost-version[data-from=''] button.edit-version"), "the history")
    field = d.find_element(By.CSS_SELECTOR, "tr.cost-version[data-from=''] input[name=unit_cost]")
    field.clear()
    field.send_keys("4.05")
    d.find_element(By.CSS_SELECTOR, "tr.cost-version[data-from=''] button.save-cost").click()
    wait_for(lambda: costs(daemon) == {"SKU-A": [("2025-10-01", "4.50", "USD"), ("", "4.05", "USD")]}, "the edit")
    wait_for(lambda: click(d, "tr.cost-version[data-from='2025-10-01'] button.delete-version"), "the history again")
    wait_for(lambda: costs(daemon) == {"SKU-A": [("", "4.05", "USD")]}, "the deletion")
    wait_for(lambda: table(browser) == {"SKU-A": "$4.05 | from the start"}, "the table after the deletion")
    # a costs CSV dropped (here: chosen) on the section: the CLI's format, a version in CNY
    path = tmp_path / "demo_costs.csv"
    path.write_text("sku_id,msku,unit_cost,currency,effective_from\r\nSKU-A,MUG-RED,4.05,USD,\r\n"
                    "SKU-C,,30.1234,CNY,2025-01-01\r\n", encoding="utf-8")
    d.find_element(By.ID, "costs-file").send_keys(str(path))
    wait_for(lambda: costs(daemon) == {"SKU-A": [("", "4.05", "USD")], "SKU-C": [("2025-01-01", "30.1234", "CNY")]},
             "the CSV")
    wait_for(lambda: table(browser) == {"SKU-A": "$4.05 | from the start", "SKU-C": "CN¥30.1234 | Jan 1, 2025"},
             "the table after the CSV")
    SHOTS.mkdir(parents=True, exist_ok=True)
    d.save_screenshot(str(SHOTS / "finance-costs.png"))
    # the words follow the page's language
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#costs-settings h3").text == "SKU 成本", "the Chinese title")
    wait_for(lambda: table(browser) == {"SKU-A": "US$4.05 | 从最早开始", "SKU-C": "¥30.1234 | 2025年1月1日"},
             "the table in Chinese")
    # and so do the server's refusals: the Chinese sentence from the catalog, the field named in Chinese
    form = d.find_element(By.ID, "cost-form")  # drawn again in Chinese
    add("SKU-B", "3", "RMB")
    wait_for(lambda: d.find_element(By.ID, "notice-text").text == (
        "币种：“RMB”不是货币代码（ISO 4217，例如 USD、CNY、EUR、GBP）"), "the refusal in Chinese")

"""Settings → logistics costs in real Chromium against a real daemon: a logistics CSV chosen on the section is
stored and listed (a shipment spread over its units), a version deleted; the words follow the page's language;
a bad file is refused with the file's row named and nothing stored."""

from __future__ import annotations

from tests.support.browser import click, wait_for
from tests.support.finance_view import open_view

CSV = ("kind,sku_id,currency,unit_cost,effective_from,shipment,date,units,shipment_cost\r\n"
       "last_leg,SKU-A,USD,2.10,,,,,\r\n"
       "first_leg,SKU-A,CNY,,,HX-1,2025-09-20,2,100.00\r\n"
       "first_leg,SKU-B,CNY,,,HX-1,2025-09-20,1,\r\n")


def rows(browser) -> list[str]:
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('#logistics-table tr.charge')].map(tr => "
        "[...tr.querySelectorAll('td')].slice(0, 5).map(td => td.textContent).join(' | '))")


def test_a_logistics_csv_is_listed_and_a_version_deleted(browser, daemon, tmp_path):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, daemon, "?tab=settings")
    assert wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#logistics-settings .empty").text, "the empty state") == (
        "No logistics costs yet: drop a CSV, or run `shoptally logistics import FILE.csv`.")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("2,100.00", "2,"), encoding="utf-8")
    d.find_element(By.ID, "logistics-drop-file").send_keys(str(bad))
    wait_for(lambda: d.find_element(By.ID, "notice-text").text == (
        "bad.csv: row 3: shipment HX-1 has no shipment_cost on any row; write what the shipment cost"), "the refusal")
    assert daemon.get("/api/logistics")["charges"] == []
    good = tmp_path / "logistics.csv"
    good.write_text(CSV, encoding="utf-8")
    d.find_element(By.ID, "logistics-drop-file").send_keys(str(good))
    wait_for(lambda: rows(browser) == [
        "First-leg | SKU-A | Sep 20, 2025 | CN¥33.3333 | HX-1",
        "First-leg | SKU-B | Sep 20, 2025 | CN¥33.3333 | HX-1",
        "Last-leg | SKU-A | from the start | $2.10 | "], "the listed costs")
    wait_for(lambda: click(d, "#logistics-table tr.charge:last-child button.danger"), "the delete button")
    wait_for(lambda: len(daemon.get("/api/logistics")["charges"]) == 2, "the deletion")
    wait_for(lambda: len(rows(browser)) == 2, "the table after the deletion")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#logistics-settings h3").text == "物流成本", "the Chinese title")
    wait_for(lambda: rows(browser) == ["头程 | SKU-A | 2025年9月20日 | ¥33.3333 | HX-1",
                                       "头程 | SKU-B | 2025年9月20日 | ¥33.3333 | HX-1"], "the table in Chinese")

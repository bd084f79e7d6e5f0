"""The Finance view in real Chromium against a real daemon: cards equal `shoptally report`, filters live in
the URL, the income table sorts, searches and pages, the CSV download is exact, a capture updates the open
view without a page load, Reset asks first, the language switches. A screenshot of each main screen is kept
under artifacts/screenshots/."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

from tests.support.browser import wait_for
from tests.support.builders import order_list_capture, order_row
from tests.support.daemon import Daemon, recv, send
from tests.support.finance_view import (
    STORE,
    cards,
    expected_cards,
    income_rows,
    open_view,
    report,
    shot,
)

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def test_cards_equal_the_report_for_each_filter_and_filters_live_in_the_url(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09")
    expected = expected_cards(report(loaded, "--period", "2025-09"))
    assert wait_for(lambda: cards(browser) == expected and cards(browser), "the cards") == expected
    assert expected["net-profit:USD"] != "0.00"
    # the chart: one line for the store, a point per day of September, adding up to the net profit
    points = wait_for(lambda: d.execute_script(
        "const h = document.querySelector('.chart-host'); return h && h.model && h.model.series[0].points"),
        "the chart")
    assert len(points) == 30
    assert sum(Decimal(p) for p in points) == Decimal(expected["net-profit:USD"])
    assert d.execute_script("return document.querySelector('.chart-host').model.series[0].account") == STORE
    shot(browser, "finance-income")
    d.find_element(By.CSS_SELECTOR, "[data-period=all]").click()
    wait_for(lambda: "period=all" in d.current_url, "the URL to keep the period")
    # a bookmarked view: order basis, one store, a custom range
    open_view(browser, loaded, f"?period=2025-09-01..2025-09-15&basis=order&account={STORE.replace(' ', '%20')}")
    assert d.find_element(By.NAME, "basis").get_attribute("value") == "order"
    assert d.find_element(By.NAME, "account").get_attribute("value") == STORE
    assert d.find_element(By.NAME, "from").get_attribute("value") == "2025-09-01"
    expected = expected_cards(report(loaded, "--period", "2025-09-01..2025-09-15", "--basis", "order",
                                     "--account", STORE))
    wait_for(lambda: cards(browser) == expected, "the cards of the bookmarked view")


def test_income_table_sorts_searches_pages_and_drills_down(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09")
    assert d.find_element(By.ID, "page-info").get_attribute("data-total") == "120"
    assert len(income_rows(browser)) == 50
    d.find_element(By.CSS_SELECTOR, "th[data-sort=settlement_amount]").click()  # descending first
    d.find_element(By.CSS_SELECTOR, "th[data-sort=settlement_amount]").click()  # then ascending
    wait_for(lambda: "dir=asc" in d.current_url and "sort=settlement_amount" in d.current_url, "the sort in the URL")
    api = loaded.get("/api/lines?period=2025-09&sort=settlement_amount&dir=asc&size=50")
    wait_for(lambda: [r["order_id"] for r in income_rows(browser)] == [r["order_id"] for r in api["rows"]],
             "rows in ascending amount order")
    d.find_element(By.ID, "next").click()
    wait_for(lambda: "page=2" in d.current_url and len(income_rows(browser)) == 50, "page 2")
    order = api["rows"][0]["order_id"]
    d.find_element(By.ID, "search").send_keys(order)
    wait_for(lambda: income_rows(browser) and all(r["order_id"] == order for r in income_rows(browser)),
             "only that order's lines")
    assert "page=2" not in d.current_url
    d.find_element(By.CSS_SELECTOR, "#income tbody td[data-col=settlement_amount]").click()
    dialog = wait_for(lambda: d.find_element(By.ID, "fields").is_displayed() and d.find_element(By.ID, "fields"),
                      "the fields dialog")
    assert "Gross sales" in dialog.text and "Transaction fee" in dialog.text
    shot(browser, "finance-drilldown")


def test_the_csv_download_is_the_exact_export(browser, loaded):
    from selenium.webdriver.common.by import By

    open_view(browser, loaded, "?period=2025-09&sort=order_id&dir=asc")
    link = browser.driver.find_element(By.ID, "export")
    wait_for(lambda: "sort=order_id" in link.get_attribute("href"), "the export link")
    xlsx = browser.driver.find_element(By.ID, "export-xlsx").get_attribute("href")
    assert xlsx == link.get_attribute("href").replace("export.csv", "export.xlsx")
    assert "/api/summary.pdf?period=2025-09" in browser.driver.find_element(By.ID, "summary-pdf").get_attribute("href")
    link.click()
    done = wait_for(lambda: [p for p in Path(browser.downloads).glob("shoptally-income-*.csv")], "the download")
    expected = loaded.fetch("/api/lines/export.csv?period=2025-09&basis=settlement&sort=order_id&dir=asc")
    content = done[0].read_bytes()
    assert content == expected and content.startswith("\ufeffDate,Order ID".encode())
    assert content.count(b"\r\n") == 121


def test_a_capture_updates_the_open_view_within_two_seconds_without_a_page_load(browser, loaded):
    open_view(browser, loaded, "?period=all")
    before = cards(browser)
    browser.driver.execute_script("window.__stayed = 'same page'")

    async def capture() -> float:
        ws = await loaded.extension(hello_token=loaded.token)
        rows = [order_row(n, "12.34") for n in range(900, 903)]
        await send(ws, order_list_capture(rows))
        ack = await recv(ws)
        assert ack["type"] == "ack" and ack["added"] == 3, ack
        await ws.close()
        return time.monotonic()

    sent = asyncio.run(capture())
    wait_for(lambda: cards(browser) != before, "the cards to change", timeout=2.0, every=0.05)
    assert time.monotonic() - sent < 2.0
    assert browser.driver.execute_script("return window.__stayed") == "same page"
    rep = report(loaded, "--period", "all")
    wait_for(lambda: cards(browser) == expected_cards(rep), "the cards to equal the report")
    assert "3 added" in browser.driver.find_element("id", "notice").text


def test_reset_names_what_and_how_many_then_deletes(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, f"?period=all&account={STORE.replace(' ', '%20')}")
    d.find_element(By.ID, "reset").click()
    text = wait_for(lambda: d.find_element(By.ID, "reset-text").text, "the confirmation")
    assert text == f"Delete 120 settlement records of {STORE}? A fresh Sync Settlement brings them back."
    shot(browser, "finance-reset")
    # noted after the view's own close handler, which sends the reset if the dialog was confirmed
    d.execute_script("const dialog = document.getElementById('confirm-reset');"
                     "dialog.addEventListener('close', () => { window.resetClosed = dialog.returnValue; },"
                     " {once: true});")
    d.find_element(By.CSS_SELECTOR, "#confirm-reset button[value=cancel]").click()
    wait_for(lambda: d.execute_script("return window.resetClosed") == "cancel", "the dialog closed as cancelled")
    assert loaded.get("/api/reset/preview")["records"] == 120  # cancel kept all
    d.find_element(By.ID, "reset").click()
    wait_for(lambda: d.find_element(By.ID, "reset-text").text, "the confirmation again")
    d.find_element(By.ID, "reset-ok").click()
    wait_for(lambda: loaded.get("/api/reset/preview")["records"] == 0, "the reset")
    wait_for(lambda: d.find_element(By.ID, "page-info").get_attribute("data-total") == "0", "the empty table")


def test_the_language_switches_and_stays(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09&tab=profit&by=sku")
    wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#profit tbody tr"), "the profit table")
    shot(browser, "finance-profit")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "[data-tab=income]").text == "收入", "Chinese tabs")
    assert "总收入" in d.find_element(By.ID, "cards").text
    assert "销售额" in d.find_element(By.ID, "profit").text
    open_view(browser, loaded, "?period=2025-09")
    assert d.find_element(By.ID, "sync").text == "同步结算"
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    shot(browser, "finance-zh")


def test_inline_edit_is_saved_audited_updates_the_cards_at_once_and_undoes(browser, loaded):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09&tab=expense&sort=order_id&dir=asc")
    first = wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#expense tbody tr[data-id]"), "the expense rows")
    line_id = first.get_attribute("data-id")
    before = cards(browser)
    cell = first.find_element(By.CSS_SELECTOR, "td[data-col=purchase_price]")
    cell.click()
    box = cell.find_element(By.TAG_NAME, "input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("-5")  # refused: a cost is entered as a positive amount
    box.send_keys(Keys.ENTER)
    wait_for(lambda: "positive amount" in d.find_element(By.ID, "notice").text, "the refusal")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("12.34", Keys.ENTER)
    row = f"#expense tbody tr[data-id='{line_id}']"

    def price_cell() -> list:  # text and classes read at once: the table is drawn again after each change
        return d.execute_script(
            "const td = document.querySelector(arguments[0]); return td ? [td.textContent, td.className] : null",
            f"{row} td[data-col=purchase_price]")

    text, classes = wait_for(lambda: (c := price_cell()) and c[0] == "$12.34" and c, "the saved price")
    assert "edited" in classes.split()
    log = loaded.get("/api/edits")["edits"]
    assert [(e["line_id"], e["field"], e["old"], e["new"]) for e in log] == [
        (int(line_id), "purchase_price", None, "12.34")]
    expected = expected_cards(report(loaded, "--period", "2025-09"))
    assert expected["net-profit:USD"] == f"{Decimal(before['net-profit:USD']) - Decimal('12.34'):.2f}"
    wait_for(lambda: cards(browser) == expected, "the cards to follow the edit")
    shot(browser, "finance-expense")
    d.find_element(By.ID, "undo").click()
    wait_for(lambda: cards(browser) == before, "the cards back after undo")
    wait_for(lambda: (c := price_cell()) and c[0] == "" and "edited" not in c[1].split(), "the price cleared")


def test_settings_data_management(browser, loaded, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from scripts.bench_import import export_rows, write_csv

    d = browser.driver
    open_view(browser, loaded, "?tab=settings&period=2025-09")
    wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#store-settings tbody tr"), "the store settings")
    Select(d.find_element(By.NAME, "order_sync_mode")).select_by_value("new")
    Select(d.find_element(By.NAME, "payment_notice_1688")).select_by_value("auto")
    d.find_element(By.NAME, "reporting_currency").send_keys("usd")
    d.find_element(By.ID, "save-modes").click()
    wait_for(lambda: loaded.get("/api/settings")["settings"] == {
        "order_sync_mode": "new", "payment_notice_1688": "auto", "self_delivery_payment": "manual",
        "reporting_currency": "USD", "auto_sync": "on", "cloud_target": "", "detail_rate": "3"}, "the saved settings")
    # completeness: September has the US Order details report, the store's required one
    cells = wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#completeness td[data-colour]"), "the grid")
    assert [c.get_attribute("data-colour") for c in cells] == [
        r["colour"] for r in report(loaded, "--period", "2025-09")["completeness"]]
    # a file dropped (here: chosen) goes through the import pipeline, with its summary
    path = tmp_path / "TikTok_BenchShop_结算_2025-10.csv"
    write_csv(path, export_rows(7, seed=99))
    d.find_element(By.ID, "file-input").send_keys(str(path))
    result = wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#import-result tbody").text, "the import summary")
    assert result.startswith(f"{path.name}: 7 added, 0 updated, 0 skipped")
    # a store renamed (a refresh after the import must not wipe what is being typed)
    time.sleep(0.5)
    name = d.find_element(By.CSS_SELECTOR, f"#store-settings tr[data-account='{STORE}'] input[name=name]")
    name.click()
    name.clear()
    name.send_keys("Bench Shop US")
    d.find_element(By.CSS_SELECTOR, f"#store-settings tr[data-account='{STORE}'] button").click()
    wait_for(lambda: any(s["name"] == "Bench Shop US" for s in
                         loaded.get("/api/stores")["stores"]), "the rename")
    shot(browser, "finance-settings")
    # the reporting currency is the view's default from now on
    open_view(browser, loaded, "")
    assert d.find_element(By.NAME, "currency").get_attribute("value") == "USD"


def test_a_file_that_could_go_to_two_stores_is_imported_into_the_one_picked(browser, loaded, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from scripts.bench_import import export_rows, write_csv

    d = browser.driver
    open_view(browser, loaded, "?tab=settings&period=2025-09")
    result = lambda: d.find_element(By.CSS_SELECTOR, "#import-result tbody").text  # noqa: E731
    cups = tmp_path / "TikTok_Cups_结算_2025-10.csv"
    write_csv(cups, export_rows(5, seed=5))
    d.find_element(By.ID, "file-input").send_keys(str(cups))
    wait_for(lambda: result().startswith(f"{cups.name}: 5 added"), "the second store's import")
    plain = tmp_path / "settlement.csv"  # names no store: BenchShop and Cups are both TikTok US stores
    write_csv(plain, export_rows(3, seed=6))
    d.find_element(By.ID, "file-input").send_keys(str(plain))
    picker = wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#import-result .store-picker select"), "the picker")
    assert "does not say which store it belongs to and there are 2 TikTok US stores" in result()
    choice = Select(picker[0])
    assert [o.text for o in choice.options] == [STORE, "TikTok US Cups"]
    choice.select_by_visible_text("TikTok US Cups")
    d.find_element(By.CSS_SELECTOR, "#import-result .store-picker button").click()
    wait_for(lambda: result().startswith(f"{plain.name}: 3 added, 0 updated, 0 skipped"), "the import")
    assert "TikTok US Cups" in result()
    assert d.find_elements(By.CSS_SELECTOR, ".store-picker") == []
    assert loaded.get("/api/lines?period=all&basis=order&account=TikTok%20US%20Cups")["total"] == 5 + 3
    assert loaded.get(f"/api/lines?period=all&basis=order&account={STORE.replace(' ', '%20')}")["total"] == 120


def test_a_profit_row_opens_its_lines_and_the_tab_exports(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09&tab=profit&by=sku")
    first = wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#profit tbody tr td.link"), "the profit rows")
    assert "/api/report.csv?period=2025-09&basis=settlement&by=sku" in d.find_element(
        By.ID, "export-profit").get_attribute("href")
    sku = first.text.split(" · ")[-1]
    first.click()
    wait_for(lambda: "tab=income" not in d.current_url and f"q={sku}" in d.current_url, "the income tab")
    rows = wait_for(lambda: income_rows(browser), "the SKU's lines")
    assert {r["sku_id"] for r in rows} == {sku}


def test_a_currency_without_rates_shows_each_currency_and_says_why(browser, loaded):
    d = browser.driver
    open_view(browser, loaded, "?period=2025-09&currency=CNY")
    expected = expected_cards(report(loaded, "--period", "2025-09"))
    wait_for(lambda: cards(browser) == expected, "the USD cards")
    note = d.find_element("id", "rates").text
    assert note.startswith("Shown per currency: ") and "CNY" in note
    rate = loaded.cli("fx", "import", str(_rates_file(browser.downloads.parent)))
    assert rate.code == 0, rate.err
    open_view(browser, loaded, "?period=2025-09&currency=CNY")
    converted = wait_for(lambda: (c := cards(browser)) and all(k.endswith(":CNY") for k in c) and c, "CNY cards")
    assert converted["net-profit:CNY"] == report(loaded, "--period", "2025-09", "--currency", "CNY")["totals"][
        "gross_profit"]
    assert d.find_element("id", "rates").text == "Converted to CNY at: USD→CNY 7.1 (Aug 1, 2025)"


def _rates_file(folder: Path) -> Path:
    path = folder / "rates.csv"
    path.write_text("date,from,to,rate\n2025-08-01,USD,CNY,7.1\n", encoding="utf-8")
    return path


def test_sync_settlement_with_no_extension_says_how_to_connect_one(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09")
    assert d.find_element(By.ID, "conn").text == "no extension connected"
    d.find_element(By.ID, "sync").click()
    text = wait_for(lambda: d.find_element(By.ID, "notice-text").text, "the message")
    assert text.startswith("No browser extension is connected. Install the shoptally extension")
    # a sync's failure stays until dismissed: it has a close button, which removes it
    close = d.find_element(By.ID, "notice-close")
    assert close.is_displayed() and close.get_attribute("aria-label") == "Dismiss"
    close.click()
    wait_for(lambda: not d.find_element(By.ID, "notice").is_displayed(), "the dismissed message")


def test_settings_automation_schedules_pause_and_the_tray_links(browser, loaded):
    """The Automation section: a schedule refused then saved, pause and resume; the links the tray opens."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser.driver

    def automation() -> dict:
        return loaded.get("/api/automation")

    open_view(browser, loaded, "#settings")  # the tray's "Pair extension…" opens the settings tab
    row = wait_for(lambda: d.find_element(By.CSS_SELECTOR, f"#schedules tr[data-account='{STORE}']"), "the row")
    assert d.current_url == f"{loaded.base}/?tab=settings"  # the tab lives in the URL; the link's #part is gone
    Select(row.find_element(By.NAME, "mode")).select_by_value("every")
    row.find_element(By.NAME, "value").send_keys("5m")
    row.find_element(By.XPATH, ".//button[text()='Save']").click()
    wait_for(lambda: "choose between 15m and 7d" in d.find_element(By.ID, "notice").text, "the refusal")
    assert automation()["schedules"] == []
    row.find_element(By.NAME, "value").clear()
    row.find_element(By.NAME, "value").send_keys("6h")
    row.find_element(By.XPATH, ".//button[text()='Save']").click()
    saved = wait_for(lambda: automation()["schedules"], "the schedule")
    assert [(s["account"], s["every"], s["at"]) for s in saved] == [(STORE, "6h", None)]
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, f"#schedules tr[data-account='{STORE}'] td:nth-child(3)"
                                    ).text != "–", "the next run shown")
    toggle = d.find_element(By.ID, "autosync-toggle")
    assert toggle.text == "Pause auto-sync"
    toggle.click()
    wait_for(lambda: automation()["paused"] is True, "the pause")
    wait_for(lambda: d.find_element(By.ID, "autosync-toggle").text == "Resume auto-sync", "the button to follow")
    assert d.find_element(By.ID, "autosync-state").text == "Auto-sync is paused: scheduled syncs do not run."
    shot(browser, "finance-automation")
    d.find_element(By.ID, "autosync-toggle").click()
    wait_for(lambda: automation()["paused"] is False, "the resume")
    assert str(loaded.data_dir) in d.find_element(By.ID, "data-dir").text
    # the tray's "Reset settlements…" opens the view, which says where Reset is: a URL never opens the
    # confirmation by itself (a framing page could otherwise make one click delete everything, issue #13)
    open_view(browser, loaded, "?period=all#reset")
    wait_for(lambda: "click Reset" in d.find_element(By.ID, "notice").text, "the note")
    assert d.execute_script("return document.querySelector('dialog[open]') === null")



def test_backup_and_restore_from_the_view(browser, loaded):
    """Create a backup in the view, lose the data, restore it from the list: every open view reloads and the
    cards are the report's again."""
    from selenium.webdriver.common.by import By

    d = browser.driver
    before = report(loaded, "--period", "2025-09")
    open_view(browser, loaded, "?tab=settings&period=2025-09")
    d.find_element(By.ID, "backup-create").click()
    row = wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#backups tbody tr"), "the backup in the list")
    cells = d.execute_script("return [...arguments[0].cells].map(c => c.textContent)", row)
    assert cells[1:3] == ["by hand", "120"]
    name = row.get_attribute("data-name")
    assert (loaded.data_dir / "backups" / name).is_file()
    assert loaded.cli("reset", "--all", "--yes").code == 0
    wait_for(lambda: report(loaded, "--period", "2025-09")["rows"] == [], "the reset")
    d.execute_script("window.beforeRestore = true")
    d.find_element(By.CSS_SELECTOR, f"#backups tr[data-name='{name}'] button").click()
    alert = d.switch_to.alert
    assert alert.text.endswith("(120 settlement lines)? A safety backup of the data as it is now is made first.")
    alert.accept()
    wait_for(lambda: d.execute_script("return window.beforeRestore === undefined && document.body.dataset.ready"),
             "the view to reload after the restore")
    assert report(loaded, "--period", "2025-09") == before
    open_view(browser, loaded, "?period=2025-09")
    wait_for(lambda: cards(browser) == expected_cards(before), "the cards of the restored data")
    reasons = {b["reason"] for b in loaded.get("/api/backups")["backups"]}
    assert reasons == {"manual", "pre-restore"}


def test_sync_data_dialog_uploads_previews_and_merges(browser, loaded, tmp_path):
    """Device A (this daemon) uploads through the dialog; device B (a second daemon) previews the counts
    and confirms; B's view reloads and B's report equals A's."""
    from selenium.webdriver.common.by import By

    d = browser.driver
    target = f"file://{tmp_path / 'cloud'}"

    def dialog(daemon) -> None:
        open_view(browser, daemon, "?tab=settings&period=2025-09")
        d.find_element(By.ID, "sync-data").click()
        wait_for(lambda: d.find_element(By.ID, "sync-dialog").get_attribute("open") is not None, "the dialog")
        form = d.find_element(By.ID, "sync-form")
        form.find_element(By.NAME, "target").clear()
        form.find_element(By.NAME, "target").send_keys(target)
        form.find_element(By.NAME, "key").send_keys("瓷杯-sync-key")

    dialog(loaded)
    d.find_element(By.NAME, "label").send_keys("office")
    d.find_element(By.ID, "sync-upload").click()
    wait_for(lambda: "Uploaded 120 settlement lines as office" in d.find_element(By.ID, "notice").text, "the upload")
    shot(browser, "finance-sync-data")
    with Daemon(tmp_path / "b", None) as b:
        dialog(b)
        d.find_element(By.ID, "sync-preview").click()
        wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "#sync-preview-table tr[data-table]"), "the preview")
        counts = d.execute_script(
            "return Object.fromEntries([...document.querySelectorAll('#sync-preview-table tr[data-table]')]"
            ".map(r => [r.dataset.table, [...r.cells].slice(1).map(c => c.textContent)]))")
        assert counts["settlement_line"] == ["120", "0", "0"] and counts["store"] == ["1", "0", "0"]
        assert report(b, "--period", "2025-09")["rows"] == []  # the preview wrote nothing
        d.execute_script("window.beforeMerge = true")
        d.find_element(By.ID, "sync-merge").click()
        wait_for(lambda: d.execute_script("return window.beforeMerge === undefined && document.body.dataset.ready"),
                 "the view to reload after the merge")
        assert report(b, "--period", "2025-09") == report(loaded, "--period", "2025-09")
        assert b.get("/api/settings")["settings"]["cloud_target"] == target

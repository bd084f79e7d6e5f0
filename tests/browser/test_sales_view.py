"""The Finance view's Sales tab (issue #18.1) in real Chromium against a real daemon: its rows and totals are
`shoptally report --kind sales`'s to the cent, its two selects (per day/week/month, by store/SKU) live in the
URL, a period without sales says so, its words follow the language, and at 390 px its table scrolls in its
own box while the page does not scroll sideways. Screenshots under artifacts/screenshots/sales-*.png."""

from __future__ import annotations

from tests.support.browser import wait_for
from tests.support.finance_view import open_view, quiet, shot

TABLE = """
return [...document.querySelectorAll('#sales tbody tr')].map(tr => [...tr.children].map(
  td => td.dataset.value !== undefined ? td.dataset.value : td.textContent))"""
STEPS = "return [...document.querySelectorAll('#sales tbody tr')].map(tr => tr.children[0].textContent)"
MONEY = ("gross_sales", "seller_discounts", "platform_discounts", "refunds", "net_sales", "shipping", "taxes",
         "total_sales", "average_order_value")


def sales_json(daemon, *args: str) -> dict:
    result = daemon.cli("report", "--kind", "sales", "--json", *args)
    assert result.code == 0, result.err
    return result.json


def expected_table(rep: dict) -> list[list[str]]:
    """The rows as the tab must draw them: money as exact text (data-value), counts as text."""
    def cells(first: str, key: str, cur: str, f: dict) -> list[str]:
        rate = f["refund_rate"]
        shown = "–" if rate is None else f"{int(rate.replace('.', '')) // 100}.{int(rate.replace('.', '')) % 100:02d}%"
        return [first, key, cur, f"{f['orders']:,}", f"{f['units']:,}", *(f[k] or "–" for k in MONEY), shown]

    rows = [cells(r["step"], " · ".join(v for v in r["key"].values() if v), r["currency"], r) for r in rep["rows"]]
    return rows + [cells("Total", "", cur, t) for cur, t in rep["totals_by_currency"].items()]


def test_the_sales_tab_equals_the_cli_report_per_month_week_and_sku(browser, loaded):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser.driver
    d.set_window_size(1280, 900)
    open_view(browser, loaded, "?period=2025-09&tab=sales&group=month")
    expected = expected_table(sales_json(loaded, "--period", "2025-09", "--group", "month"))
    assert len(expected) == 2 and expected[0][0] == "2025-09" and expected[0][5] != "0.00"
    assert wait_for(lambda: d.execute_script(TABLE) == expected and expected, "the month's sales") == expected
    assert d.execute_script(STEPS) == ["Sep 2025", "Total"]  # the month in the view's date format
    assert d.find_element(By.CSS_SELECTOR, "[data-tab=sales]").get_attribute("aria-selected") == "true"
    shot(browser, "sales-month")

    Select(d.find_element(By.ID, "sales-group")).select_by_value("week")
    wait_for(lambda: "group=week" in d.current_url, "the URL to keep the group")
    expected = expected_table(sales_json(loaded, "--period", "2025-09", "--group", "week"))
    assert [r[0] for r in expected] == ["2025-09-01", "2025-09-08", "2025-09-15", "Total"]  # Monday weeks
    wait_for(lambda: d.execute_script(TABLE) == expected, "the weeks' sales")
    assert d.execute_script(STEPS) == ["Sep 1, 2025 – Sep 7, 2025", "Sep 8, 2025 – Sep 14, 2025",
                                       "Sep 15, 2025 – Sep 21, 2025", "Total"]  # Monday to Sunday

    Select(d.find_element(By.ID, "sales-by")).select_by_value("sku")
    wait_for(lambda: "sby=sku" in d.current_url, "the URL to keep by SKU")
    expected = expected_table(sales_json(loaded, "--period", "2025-09", "--group", "week", "--by", "sku"))
    wait_for(lambda: d.execute_script(TABLE) == expected, "the weeks' sales by SKU")

    d.find_element(By.CSS_SELECTOR, "[data-period=today]").click()  # the export is September 2025's
    wait_for(lambda: d.execute_script("const r = document.querySelector('#sales tbody tr.empty');"
                                      " return r && r.textContent") == "No lines in this period.", "the empty row")


def test_the_sales_tab_speaks_chinese_and_scrolls_in_its_own_box_on_a_phone(browser, loaded):
    from selenium.webdriver.common.by import By

    d = browser.driver
    d.set_window_size(390, 844)
    open_view(browser, loaded, "?period=2025-09&tab=sales&sby=sku")
    wait_for(lambda: d.execute_script("return document.querySelectorAll('#sales tbody tr').length > 3"),
             "the SKU rows")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: "净销售额" in d.find_element(By.CSS_SELECTOR, "#sales thead").text, "the Chinese head")
    assert d.execute_script(STEPS)[0] == "2025年9月1日"  # a day in the Chinese date format
    quiet(browser)
    assert d.find_element(By.CSS_SELECTOR, "[data-tab=sales]").text == "销售"
    box = d.execute_script("const b = document.querySelector('#tab-sales .scroll'); const e = document.documentElement;"
                           " return [b.scrollWidth, b.clientWidth, e.scrollWidth, e.clientWidth,"
                           " getComputedStyle(b).overflowX]")
    assert box[0] > box[1] and box[4] == "auto", box  # the table is wider than the phone: its box scrolls
    assert box[2] <= box[3], box  # the page does not
    shot(browser, "sales-zh-390")
    d.find_element(By.ID, "lang").click()  # back to English for the next test's browser profile
    wait_for(lambda: "Net sales" in d.find_element(By.CSS_SELECTOR, "#sales thead").text, "the English head")


def test_thousands_of_rows_draw_the_first_200_and_say_how_to_see_all(browser, daemon, tmp_path):
    from tests.support.finance_view import load_export

    load_export(daemon, tmp_path, rows=1500)
    rep = sales_json(daemon, "--period", "2025-09", "--by", "sku")
    assert len(rep["rows"]) > 500
    d = browser.driver
    open_view(browser, daemon, "?period=2025-09&tab=sales&sby=sku")
    note = wait_for(lambda: d.execute_script("const r = document.querySelector('#sales tbody tr.more');"
                                             " return r && r.textContent"), "the note under the first 200 rows")
    assert note.startswith(f"Showing the first 200 of {len(rep['rows']):,} rows: choose week or month")
    drawn = d.execute_script(TABLE)
    assert drawn[:200] == expected_table(rep)[:200] and len(drawn) == 202  # 200 rows, the note, the total
    assert drawn[-1] == expected_table(rep)[-1]


def test_a_choice_the_report_refuses_says_so_in_the_table_and_leaves_no_old_figures(browser, loaded):
    """Day by day over six years is more days than a table shows: the refusal's sentence (what to choose instead)
    takes the table's place, and the figures of the filters before are gone."""
    d = browser.driver
    d.set_window_size(1280, 900)
    open_view(browser, loaded, "?period=2025-09&tab=sales")
    wait_for(lambda: d.execute_script("return document.querySelectorAll('#sales tbody tr:not(.loading)').length > 1"),
             "the September rows")
    refused = loaded.cli("report", "--kind", "sales", "--period", "2020-01-01..2025-12-31", "--json")
    assert refused.code == 2 and len(refused.err_lines) == 1
    sentence = refused.err_lines[0].removeprefix("shoptally: ")
    open_view(browser, loaded, "?period=2020-01-01..2025-12-31&tab=sales")
    shown = wait_for(lambda: d.execute_script(
        "const r = document.querySelectorAll('#sales tbody tr'); "
        "return r.length === 1 && r[0].classList.contains('refused') && r[0].textContent"), "the refusal")
    assert shown == sentence
    assert d.execute_script("return document.querySelector('#sales thead').children.length") == 0

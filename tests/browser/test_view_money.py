"""Issue #16 points 1, 4, 5 (rates) and 7 in real Chromium: money formatted for the language and the currency
(grouping, symbol, two decimals, exact to the cent), costs shown as what they cost, refunds and losses red,
one date format per language, the Last month preset, the rates used as words, export links carrying the
language, and two undos of two edits of one cell back to the start. One daemon, one page, both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tests.support.browser import wait_for
from tests.support.daemon import Daemon
from tests.support.finance_view import cards, open_view, quiet, report, shot

RED = "rgb(179, 38, 30)"  # finance.css --neg


def shown(text: str, symbol: str, negate: bool = False) -> str:
    """What the view must print for exact decimal text: e.g. "-$1,234.50" (en-US), "-US$1,234.50" (zh-CN)."""
    amount = Decimal(text) * (-1 if negate else 1)
    whole, cents = divmod(abs(amount) * 100, 100)
    return f"{'-' if amount < 0 else ''}{symbol}{int(whole):,}.{int(cents):02d}"


def card_texts(browser) -> dict[str, list[str]]:
    return browser.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#cards .card')].map(c => [c.dataset.metric,"
        " [c.querySelector('.value').textContent, c.querySelector('.value').className]]))")


def cell_of(browser, selector: str) -> dict:
    return browser.driver.execute_script(
        "const td = document.querySelector(arguments[0]); if (!td) return null;"
        "const span = td.querySelector('span') || td;"
        "return {text: td.textContent, value: td.dataset.value, color: getComputedStyle(span).color,"
        " classes: td.className}", selector)


def test_money_dates_and_rates_in_both_languages(browser, loaded: Daemon, tmp_path):
    from selenium.webdriver.common.by import By

    d = browser.driver
    rep = report(loaded, "--period", "2025-09")["totals_by_currency"]["USD"]
    expense = sum(Decimal(rep[k]) for k in ("platform_expense", "tax", "custom_fees", "cost"))
    assert expense < 0 < Decimal(rep["gross_profit"])
    open_view(browser, loaded, "?period=2025-09&sort=settlement_amount&dir=asc")
    want = {"total-income": [shown(rep["platform_income"], "$"), "value"],
            "total-expense": [shown(str(expense), "$", negate=True), "value"],  # a cost: positive, not red
            "net-profit": [shown(rep["gross_profit"], "$"), "value"]}
    assert wait_for(lambda: card_texts(browser) == want and want, "the English cards")
    assert "," in want["total-income"][0]  # thousands are grouped
    assert d.find_element(By.ID, "period-shown").text == "Sep 1, 2025 – Sep 30, 2025"
    # the income table: the most negative line first (a refund or a chargeback), red, with its sign and symbol
    lowest = wait_for(lambda: cell_of(browser, "#income tbody tr[data-id] td[data-col=settlement_amount]"), "rows")
    assert Decimal(lowest["value"]) < 0
    assert (lowest["text"], lowest["color"]) == (shown(lowest["value"], "$"), RED)
    date = cell_of(browser, "#income tbody tr[data-id] td[data-col=date]")["text"]
    assert datetime.strptime(date, "%b %d, %Y %H:%M").year == 2025 and not date.startswith("2025-")
    for link in ("export", "export-xlsx", "summary-pdf"):
        assert d.find_element(By.ID, link).get_attribute("href").endswith("lang=en"), link
    # the profit tab: costs positive in the ordinary colour, profit as signed
    d.find_element(By.CSS_SELECTOR, "[data-tab=profit]").click()
    fee = wait_for(lambda: cell_of(browser, "#profit tbody td[data-group=platform_expense]"), "the profit rows")
    assert Decimal(fee["value"]) < 0 and fee["text"] == shown(fee["value"], "$", negate=True) and fee["color"] != RED
    assert d.find_element(By.ID, "export-profit").get_attribute("href").endswith("lang=en")

    # 中文: US$ for dollars, the Chinese date format, the export links follow
    d.find_element(By.ID, "lang").click()
    want_zh = {k: [v[0].replace("$", "US$"), v[1]] for k, v in want.items()}
    assert wait_for(lambda: card_texts(browser) == want_zh and want_zh, "the Chinese cards")
    assert d.find_element(By.ID, "period-shown").text == "2025年9月1日 – 2025年9月30日"
    assert d.find_element(By.ID, "export-profit").get_attribute("href").endswith("lang=zh")
    assert d.find_element(By.CSS_SELECTOR, "[data-period=last-month]").text == "上月"
    # a reporting currency: the cards in yuan, the rate used written as words
    rate = tmp_path / "rates.csv"
    rate.write_text("date,from,to,rate\n2025-08-01,USD,CNY,7.1\n", encoding="utf-8")
    assert loaded.cli("fx", "import", str(rate)).code == 0
    cny = report(loaded, "--period", "2025-09", "--currency", "CNY")["totals"]
    open_view(browser, loaded, "?period=2025-09&currency=CNY&tab=profit")
    wait_for(lambda: card_texts(browser).get("net-profit", [""])[0] == shown(cny["gross_profit"], "¥"), "yuan cards")
    assert d.find_element(By.ID, "rates").text == "已换算为 CNY，汇率：USD→CNY 7.1 (2025年8月1日)"
    shot(browser, "finance-money-zh")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.find_element(By.ID, "rates").text == "Converted to CNY at: USD→CNY 7.1 (Aug 1, 2025)",
             "the rates in English")
    assert card_texts(browser)["net-profit"][0] == shown(cny["gross_profit"], "CN¥")
    shot(browser, "finance-money-en")

    # Last month: the preset, its days in the URL and under the filters
    d.find_element(By.CSS_SELECTOR, "[data-period=last-month]").click()
    wait_for(lambda: "period=last-month" in d.current_url, "the preset in the URL")
    first = report(loaded, "--period", "last-month", "--json")["period"]["from"]
    label = datetime.strptime(first, "%Y-%m-%d").strftime("%b %-d, %Y")
    wait_for(lambda: d.find_element(By.ID, "period-shown").text.startswith(label), "last month's days")
    assert datetime.now(UTC).strftime("%Y-%m") != first[:7]


def test_two_edits_of_one_cell_two_undos_back_to_the_start(browser, loaded: Daemon):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser.driver
    open_view(browser, loaded, "?period=2025-09&tab=expense&sort=order_id&dir=asc")
    line_id = wait_for(lambda: d.execute_script(
        "return document.querySelector('#expense tbody tr[data-id]')?.dataset.id"), "the expense rows")
    price = f"#expense tbody tr[data-id='{line_id}'] td[data-col=purchase_price]"
    before = cards(browser)
    for value in ("12.34", "20.00"):
        quiet(browser)  # each save is announced back to the view, which draws the table again
        d.find_element(By.CSS_SELECTOR, price).click()
        box = d.find_element(By.CSS_SELECTOR, f"{price} input")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(value, Keys.ENTER)
        wait_for(lambda v=value: (c := cell_of(browser, price)) and c["value"] == v and c["text"] == f"${v}", value)
    d.find_element(By.ID, "undo").click()
    wait_for(lambda: (c := cell_of(browser, price)) and c["text"] == "$12.34", "the first undo")
    assert "Purchase price back to 12.34" in d.find_element(By.ID, "notice").text
    d.find_element(By.ID, "undo").click()
    wait_for(lambda: (c := cell_of(browser, price)) and c["value"] == "" and "edited" not in c["classes"], "the start")
    wait_for(lambda: cards(browser) == before, "the cards back as they were")
    d.find_element(By.ID, "undo").click()
    wait_for(lambda: d.find_element(By.ID, "notice").text == "no edit to undo", "nothing left to undo")
    # a purchase price in yuan with no yuan→dollar rate for the line's day: the row profit says why it is empty
    sku = d.execute_script("return document.querySelector(arguments[0]).textContent",
                           price.replace("purchase_price", "sku_id"))
    costs = loaded.data_dir.parent / "costs.csv"
    costs.write_text(f"sku_id,unit_cost,currency\n{sku},30.00,CNY\n", encoding="utf-8")
    assert loaded.cli("costs", "import", str(costs)).code == 0
    open_view(browser, loaded, "?period=2025-09&tab=expense&sort=order_id&dir=asc")
    profit = wait_for(lambda: cell_of(browser, price.replace("purchase_price", "row_profit")), "the row")
    assert profit["text"].startswith("no CNY→USD rate on Sep ")
    assert profit["text"].endswith(", 2025: add one in Settings")

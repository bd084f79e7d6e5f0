"""The Finance view as the browser tests read it: a daemon loaded with a month of a TikTok shop's export, the
cards and table rows as the view draws them, the report they must equal, and screenshots under
artifacts/screenshots/. The `loaded` fixture (tests/browser/conftest.py) calls `load_export`."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support import REPO
from tests.support.browser import wait_for
from tests.support.daemon import Daemon

SHOTS = REPO / "artifacts" / "screenshots"
STORE = "TikTok US BenchShop"


def load_export(daemon: Daemon, folder: Path, rows: int = 120) -> Daemon:
    """The daemon holding a `rows`-row US Order details export of September 2025, imported through the CLI."""
    from scripts.bench_import import export_rows, write_csv

    path = folder / "TikTok_BenchShop_结算_2025-09.csv"
    write_csv(path, export_rows(rows))
    result = daemon.cli("import", "--json", str(path))
    assert result.code == 0, result.err
    assert result.json["files"][0]["added"] == rows
    return daemon


def report(daemon: Daemon, *args: str) -> dict:
    result = daemon.cli("report", "--json", *args)
    assert result.code == 0, result.err
    return result.json


def cards(browser) -> dict[str, str]:
    """metric:currency → the exact figure behind each card (its data-value; the text shown is formatted for the
    language, tests/browser/test_view_money.py checks it), read in one go (the cards are drawn on every refresh)."""
    return browser.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#cards .card')].map(c => "
        "[c.dataset.metric + ':' + c.dataset.currency, c.querySelector('.value').dataset.value]))")


def expected_cards(rep: dict) -> dict[str, str]:
    out = {}
    for cur, t in rep["totals_by_currency"].items():
        cents = sum(int(t[k].replace(".", "").replace("-", "")) * (-1 if t[k].startswith("-") else 1)
                    for k in ("platform_expense", "tax", "custom_fees", "cost"))
        expense = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
        out.update({f"total-income:{cur}": t["platform_income"], f"total-expense:{cur}": expense,
                    f"net-profit:{cur}": t["gross_profit"]})
    return out


def open_view(browser, daemon: Daemon, query: str = "") -> None:
    from selenium.webdriver.common.by import By

    browser.open(daemon.view(f"/{query}"))
    wait_for(lambda: browser.driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready"), "the view to load")


def shot(browser, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.driver.save_screenshot(str(SHOTS / f"{name}.png"))


def income_rows(browser) -> list[dict]:
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('#income tbody tr[data-id]')].map(tr => Object.fromEntries("
        "[...tr.children].map(td => [td.dataset.col, td.textContent])))")


def quiet(browser) -> None:
    """Until the view has drawn no new figures for 0.5 s (an edit's event makes it draw the table again)."""
    last = [None, time.monotonic()]

    def still() -> bool:
        now = browser.driver.execute_script("const v = window.shoptallyView; return v.busy ? -1 : v.refreshes")
        if now != last[0] or now == -1:
            last[:] = [now, time.monotonic()]
        return time.monotonic() - last[1] > 0.5

    wait_for(still, "the view to rest", every=0.05)

"""Real Chromium with the real unpacked extension, driven by Selenium: the browser, the pairing a seller does,
and the daemon's SQLite file read the way the browser tests check what arrived. Recipe:
../shared/design/browser-testing.md; tests/browser/conftest.py has the fixtures."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from companion.extension_id import EXTENSION_ID
from tests.support import REPO
from tests.support.daemon import Daemon
from tests.support.seller_centers import HOSTS, SellerCenters

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EXTENSION = REPO / "extension"


def browser_missing() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    return ""


class Browser:
    """One Chromium profile with the extension; helpers to reach its pages and wait for things."""

    def __init__(self, tmp: Path, centers: SellerCenters) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        os.environ["SE_AVOID_STATS"] = "true"
        self.downloads = tmp / "downloads"
        self.downloads.mkdir()
        self.profile = tmp / "profile"
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        rules = ", ".join(f"MAP {h}:443 127.0.0.1:{centers.port}" for h in HOSTS)
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={self.profile}", f"--load-extension={EXTENSION}",
                     f"--disable-extensions-except={EXTENSION}", "--ignore-certificate-errors",
                     "--window-size=1280,900", "--lang=en-US",
                     f"--host-resolver-rules={rules}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"download.default_directory": str(self.downloads),
                                                  "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
        self.driver.set_page_load_timeout(120)
        self.ext = f"chrome-extension://{EXTENSION_ID}"

    def quit(self) -> None:
        self.driver.quit()

    def open(self, url: str) -> None:
        self.driver.get(url)

    def extension_page(self, path: str) -> None:
        self.driver.get(f"{self.ext}/{path}")

    def run_async(self, script: str, *args):
        """JavaScript on the current page (an extension page can use chrome.* APIs); `done(value)` returns."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];" + script, *args)

    def storage(self, area: str = "local") -> dict:
        """chrome.storage of the extension (the current page must be one of the extension's)."""
        return self.run_async(f"chrome.storage.{area}.get(null).then(done);")

    def set_port(self, port: int) -> None:
        from selenium.webdriver.common.by import By

        self.extension_page("options/options.html")
        wait_for(lambda: self.driver.find_element(By.ID, "port").get_attribute("value"), "the options page")
        field = self.driver.find_element(By.ID, "port")
        field.clear()
        field.send_keys(str(port))
        self.driver.find_element(By.ID, "save").click()
        wait_for(lambda: self.driver.find_element(By.ID, "saved").text, "the port to be saved")

    def popup_state(self) -> dict:
        """What the popup shows, read from its elements in one go (it redraws itself every second)."""
        self.extension_page("popup/popup.html")
        wait_for(lambda: self.driver.execute_script("return document.getElementById('daemon').dataset.state"),
                 "the popup to load")
        return self.driver.execute_script("""
            const text = (id) => document.getElementById(id).textContent;
            return {
              daemon: document.getElementById("daemon").dataset.state,
              paired: document.getElementById("paired").dataset.state,
              code: text("pair-code"), outbox: text("outbox-length"),
              rejected: [...document.querySelectorAll("#rejected li")].map((li) => li.textContent),
              sites: Object.fromEntries([...document.querySelectorAll("#sites tbody tr")].map((tr) => [
                tr.dataset.site, {last_capture: tr.querySelector(".last-capture").firstChild.textContent,
                                  last_sync: tr.querySelector(".last-sync").dataset.outcome}])),
            };""")

    def stop_service_worker(self) -> None:
        """Stops the extension's service worker the way Chrome does when it is idle."""
        self.driver.execute_cdp_cmd("ServiceWorker.enable", {})
        self.driver.execute_cdp_cmd("ServiceWorker.stopAllWorkers", {})


def wait_for(check: Callable, what: str, timeout: float = 90.0, every: float = 0.1):
    """Until `check()` returns something true; its value. Fails naming `what`. The ceiling is generous (a busy
    2-core machine runs several times slower than an idle one): a wait ends as soon as its state holds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as exc:  # noqa: BLE001 - a page still loading raises; keep waiting
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def pair(browser: Browser, daemon: Daemon, detail_rate: str = "10") -> None:
    """Points the extension at the daemon and approves its pairing request, as a seller would. Syncs here ask
    for fee splits at `detail_rate` a second (the setting's highest, so a sync of the fixture's 30 orders takes
    3 s, not 10; the default rate is timed by scripts/bench_sync.py, slower ones by their own test)."""
    import json

    assert json.loads(daemon.fetch("/api/settings", "POST", {"detail_rate": detail_rate}))["settings"][
        "detail_rate"] == detail_rate  # before the hello, so the welcome carries it
    browser.set_port(daemon.port)
    wait_for(lambda: daemon.get("/api/status")["pending_pairs"], "the extension's pairing request")
    result = daemon.cli("pair", "approve")
    assert result.code == 0, result.err
    wait_for(lambda: daemon.get("/api/status")["extensions"], "the paired extension to say hello")


def stored_lines(daemon: Daemon, platform: str | None = None) -> dict[str, tuple[int, Decimal]]:
    """status → (lines, sum of settlement amounts), of every store or of those of `platform`, read from the
    daemon's SQLite file. Lines a fee split superseded are not counted (the split stands for them)."""
    con = sqlite3.connect(f"file:{daemon.data_dir / 'shoptally.db'}?mode=ro", uri=True)
    try:
        if platform is None:
            rows = con.execute("SELECT status, count(*), coalesce(sum(settlement_amount), 0) FROM settlement_line "
                               "WHERE NOT superseded GROUP BY status").fetchall()
        else:
            rows = con.execute("SELECT l.status, count(*), coalesce(sum(l.settlement_amount), 0) "
                               "FROM settlement_line l JOIN store s ON s.id = l.store_id "
                               "WHERE s.platform = ? AND NOT l.superseded GROUP BY l.status", (platform,)).fetchall()
    finally:
        con.close()
    return {status: (n, Decimal(total).scaleb(-4).quantize(Decimal("0.01"))) for status, n, total in rows}


def split_lines(daemon: Daemon) -> dict[str, dict]:
    """reference → its live fee-split line (detail 2): status, SKU, quantity, settlement and every non-zero
    platform category, read from the daemon's SQLite file."""
    from companion.ledger.categories import PLATFORM

    con = sqlite3.connect(f"file:{daemon.data_dir / 'shoptally.db'}?mode=ro", uri=True)
    try:
        cols = ", ".join(PLATFORM)
        rows = con.execute(f"SELECT reference, status, sku_id, quantity, settlement_amount, {cols} "
                           "FROM settlement_line WHERE detail = 2 AND NOT superseded").fetchall()
    finally:
        con.close()
    cents = lambda v: Decimal(v or 0).scaleb(-4).quantize(Decimal("0.01"))  # noqa: E731
    return {ref: {"status": status, "sku_id": sku, "quantity": qty, "settlement": cents(total),
                  "categories": {c: cents(v) for c, v in zip(PLATFORM, values, strict=True) if v}}
            for ref, status, sku, qty, total, *values in rows}


def raw_captures(daemon: Daemon) -> list[tuple[str, bytes]]:
    """Every raw capture the daemon kept, decompressed."""
    import zlib

    con = sqlite3.connect(f"file:{daemon.data_dir / 'shoptally.db'}?mode=ro", uri=True)
    try:
        return [(kind, zlib.decompress(blob)) for (kind, blob) in con.execute("SELECT kind, payload FROM raw_capture")]
    finally:
        con.close()


def click(d, css: str) -> bool:
    """Click the element, or False when it is not there or was just drawn again (each change the daemon
    announces reloads the Settings tab, so a table can be replaced between finding a button and clicking it)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        found = d.find_elements(By.CSS_SELECTOR, css)
        if found:
            found[0].click()
        return bool(found)
    except StaleElementReferenceException:
        return False

"""Issue #13, item 1, in real Chromium against a real daemon: another page cannot frame the Finance view,
`/#reset` opens no dialog and deletes nothing, and the view works under its content security policy (no
violation reported while it loads, sorts and listens)."""

from __future__ import annotations

import http.server
import threading
import urllib.request

import pytest

from tests.support.browser import wait_for

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Installed before any of the page's own code runs: every content-security-policy violation, kept.
_WATCH_CSP = ("window.cspViolations = [];"
              "document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push("
              "e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));")


def lines(daemon) -> int:
    return daemon.get("/api/reset/preview")["records"]


def ready(browser) -> bool:
    return browser.driver.execute_script("return document.body && document.body.dataset.ready === 'true'")


def test_reset_in_the_url_opens_nothing(browser, loaded):
    d = browser.driver
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_CSP})
    browser.open(loaded.view("/?period=all#reset"))
    wait_for(lambda: ready(browser), "the view to load")
    # The Reset confirmation is not open (nor any other dialog), only a note saying where the button is.
    open_dialogs = "return [...document.querySelectorAll('dialog')].filter(x => x.open).map(x => x.id)"
    wait_for(lambda: "click Reset" in d.find_element("id", "notice").text or d.execute_script(open_dialogs),
             "the note about the Reset button")
    assert d.execute_script(open_dialogs) == []
    assert "click Reset" in d.find_element("id", "notice").text
    assert d.current_url == f"{loaded.base}/?period=all"  # the #part is gone
    # Enter (what a decoy page that opened this one would ask for) opens and deletes nothing.
    # Chromium focuses the element a #part names: the Reset button must not be one Enter away.
    assert d.execute_script("return document.activeElement === document.body")
    d.switch_to.active_element.send_keys("\n")
    assert d.execute_script("return document.querySelector('dialog[open]')") is None
    assert lines(loaded) == 120
    # The view works under its policy: the figures, the live socket and a sort, with no violation reported.
    wait_for(lambda: d.find_elements("css selector", "#income tbody tr[data-id]"), "the income rows")
    wait_for(lambda: d.find_element("id", "conn").text != "connecting…", "the status line")
    d.find_element("css selector", "#income th[data-sort=date]").click()
    wait_for(lambda: "dir=asc" in d.current_url, "the sort")
    events = loaded.cli("reset", "--all", "--yes")  # a change the open view hears of over /ws/events
    assert events.code == 0, events.err
    wait_for(lambda: not d.find_elements("css selector", "#income tbody tr[data-id]"), "the live update")
    # Enter in the one field of Settings → Data Management sends no form (the inline onsubmit that stopped it
    # is gone: the policy would block it).
    d.find_element("css selector", "[role=tab][data-tab=settings]").click()
    field = wait_for(lambda: d.find_element("css selector", "#modes input[name=reporting_currency]"), "the field")
    wait_for(lambda: field.is_displayed(), "the settings tab")
    d.execute_script("window.stillHere = true")
    field.send_keys("\n")
    assert d.execute_script("return window.stillHere") is True
    assert "order_sync_mode" not in d.current_url
    assert d.execute_script("return window.cspViolations") == []
    # The same #part spelt otherwise still names the button; it still gets no focus and opens nothing.
    browser.open(loaded.view("/#%72eset"))
    wait_for(lambda: ready(browser), "the view to load again")
    assert d.execute_script("return document.activeElement === document.body")
    assert d.execute_script("return document.querySelector('dialog[open]')") is None
    assert lines(loaded) == 0  # what the CLI reset above left


@pytest.fixture
def decoy(loaded):
    """Another site on this machine (another port, so another origin) whose page frames the view."""
    page = ("<!doctype html><title>decoy</title><button id=decoy>Win a prize</button>"
            f"<iframe id=victim src='{loaded.base}/#reset' width=1200 height=800></iframe>").encode()

    class Decoy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Decoy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_another_page_cannot_frame_the_view(browser, loaded, decoy):
    d = browser.driver
    browser.open(loaded.view())  # signed in: framed, the view itself would show
    wait_for(lambda: d.find_elements("id", "reset"), "the view")
    browser.open(decoy)
    frame = wait_for(lambda: d.find_element("id", "victim"), "the decoy page")
    # The frame's navigation is refused: Chromium shows its error page there, not the view.
    d.switch_to.frame(frame)
    try:
        href = wait_for(lambda: (h := d.execute_script("return location.href")) != "about:blank" and h,
                        "the frame to navigate")
        assert href.startswith("chrome-error://"), href
        assert d.find_elements("id", "reset") == [] and d.find_elements("id", "confirm-reset") == []
    finally:
        d.switch_to.default_content()
    assert lines(loaded) == 120

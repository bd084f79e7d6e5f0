"""Sync Settlement in real Chromium: a command from the daemon walks the seller center's tabs and pages."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
from decimal import Decimal
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.support.browser import pair, raw_captures, stored_lines, wait_for
from tests.support.daemon import Daemon
from tests.support.seller_centers import SECRET, TIKTOK_HOST, amount_of, tiktok_row


class Events:
    """The daemon's /ws/events as a Finance view sees them, collected on a thread."""

    def __init__(self, daemon: Daemon) -> None:
        self.items: list[dict] = []
        self.ws = None
        self.port, self.token = daemon.port, daemon.token
        opened = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(opened,), daemon=True)
        self.thread.start()
        assert opened.wait(10), "the events socket did not open"

    def _read(self, opened: threading.Event) -> None:
        origin = f"http://127.0.0.1:{self.port}"
        with connect(f"ws://127.0.0.1:{self.port}/ws/events", origin=origin, proxy=None,
                     additional_headers={"Authorization": f"Bearer {self.token}"}) as ws:
            self.ws = ws
            opened.set()
            try:
                for text in ws:
                    self.items.append(json.loads(text))
            except Exception:  # noqa: BLE001 - closed at the end of the test
                return

    def progress(self, command_id: str) -> list[dict]:
        return [e for e in self.items if e.get("event") == "sync.progress" and e.get("command_id") == command_id]

    def close(self) -> None:
        self.ws.close()
        self.thread.join(10)


@pytest.fixture
def events(daemon):
    ev = Events(daemon)
    yield ev
    ev.close()


def start_sync(daemon: Daemon, site: str = "tiktok") -> str:
    return json.loads(daemon.fetch("/api/sync", "POST", {"site": site}))["command_id"]


def final(events: Events, command_id: str, timeout: float = 60) -> dict:
    return wait_for(lambda: next((e for e in events.progress(command_id) if e.get("stage") in ("done", "error")), None),
                    "the sync's final progress", timeout=timeout)


def test_sync_walks_settled_then_on_hold_every_page_and_closes_its_tab(browser, daemon, centers, events):
    pair(browser, daemon)
    handles = set(browser.driver.window_handles)
    command = start_sync(daemon)
    last = final(events, command)
    assert last == {"event": "sync.progress", "command_id": command, "stage": "done", "pages": 4, "records": 30,
                    "message": "30 records on 4 pages"}
    stages = [e["stage"] for e in events.progress(command)]
    assert stages.index("in_transit") > max(i for i, s in enumerate(stages) if s == "settled")  # settled first
    assert [e["records"] for e in events.progress(command) if e["message"].endswith("records")] == [10, 20, 23, 30]
    # `done` comes once every capture was acknowledged: everything is stored by then
    assert stored_lines(daemon) == {"settled": (23, sum(amount_of(r) for r in centers.settled)),
                                    "in_transit": (7, sum(amount_of(r) for r in centers.on_hold))}
    assert stored_lines(daemon)["settled"][1] == Decimal("577.07")
    lists = [r for r in centers.requests if "/order/list" in r]
    assert len(lists) == 4 and all(f"token={SECRET}" in r for r in lists)  # the page signed its own calls
    # the tabs read "已结算 Settled (23)" and "待结算 On hold 7" beside "Overview" and "Unsettled": found by meaning,
    # the settled list three pages, then on hold; the Overview tab never clicked
    assert [r.split("settlement_status=")[1][0] for r in lists] == ["2", "2", "2", "1"]
    assert all(SECRET.encode() not in frame for _, frame in raw_captures(daemon))
    wait_for(lambda: set(browser.driver.window_handles) == handles, "the sync's tab to close")
    state = browser.popup_state()
    assert state["sites"]["tiktok"]["last_sync"] == "done" and state["outbox"] == "0"
    # a second sync finds everything stored already: nothing added
    before = stored_lines(daemon)
    assert final(events, start_sync(daemon))["stage"] == "done"
    assert stored_lines(daemon) == before


def test_sync_when_logged_out_says_so_and_stores_nothing(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.logged_out = True
    command = start_sync(daemon)
    last = final(events, command)
    assert last["stage"] == "error" and last["message"].startswith("not logged in")
    assert stored_lines(daemon) == {}
    assert browser.popup_state()["sites"]["tiktok"]["last_sync"] == "error"


def test_a_page_layout_the_extension_does_not_know_ends_the_sync_with_that_reason(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.relabelled = True
    handles = set(browser.driver.window_handles)
    command = start_sync(daemon)
    last = final(events, command, timeout=60)
    assert last["stage"] == "error"
    # the reason names what the page showed, so a seller can report it; the URL without the page's secrets
    assert last["message"] == (
        'page layout not recognised: TikTok Shop shows no "Settled" tab on '
        'https://seller-us.tiktok.com/finance/bills?tab=statements after 20 s (tabs seen: "Overview", '
        '"Unsettled 7", "Paid out (23)", "待结算 On hold 7"; buttons seen: none; pager: a next button)')
    wait_for(lambda: set(browser.driver.window_handles) == handles, "the sync's tab to close")
    # what the page loaded while it was open was still captured: nothing is lost, the sync says it failed
    assert stored_lines(daemon)["settled"][0] == 10


def test_one_sync_per_site_at_a_time(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.delay_s = 0.5
    first = start_sync(daemon)
    wait_for(lambda: events.progress(first), "the first sync to start")
    # the daemon runs one sync at a time (its SyncRunner): a second request while one runs is refused at once
    with pytest.raises(urllib.error.HTTPError) as refused:
        start_sync(daemon)
    assert refused.value.code == 409
    assert json.loads(refused.value.read())["message"] == "a sync of all stores is already queued or running"
    assert final(events, first)["stage"] == "done"
    assert stored_lines(daemon)["settled"][0] == 23


def test_service_worker_stopped_mid_sync_the_sync_still_completes(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.delay_s = 0.8
    command = start_sync(daemon)
    wait_for(lambda: any(e["message"].endswith("records") for e in events.progress(command)), "the first page")
    [before] = daemon.get("/api/status")["extensions"]
    browser.stop_service_worker()
    last = final(events, command, timeout=90)
    [after] = daemon.get("/api/status")["extensions"]
    assert after["id"] != before["id"]  # the worker was stopped (its socket closed) and came back
    assert (last["stage"], last["pages"], last["records"]) == ("done", 4, 30)
    assert stored_lines(daemon) == {"settled": (23, sum(amount_of(r) for r in centers.settled)),
                                    "in_transit": (7, sum(amount_of(r) for r in centers.on_hold))}


def test_temu_sync_walks_every_date_window_then_pending(browser, daemon, centers, events):
    pair(browser, daemon)
    command = start_sync(daemon, "temu")
    last = final(events, command)
    # 2025-09: 12 rows on pages of 5 (3 pages), 2025-08: 5 rows (1 page), pending: 1 page
    assert (last["stage"], last["pages"], last["records"]) == ("done", 5, 18)
    lines = stored_lines(daemon)
    fund = [r for rows in centers.temu_windows.values() for r in rows]
    assert lines["settled"] == (17, sum(Decimal(r["amount"]["value"]).scaleb(-2) for r in fund))
    assert lines["in_transit"] == (1, Decimal("27.99"))
    assert all(SECRET.encode() not in frame for _, frame in raw_captures(daemon))  # Anti-Content stays home


def test_an_export_the_seller_downloads_is_imported(browser, daemon, centers):
    from scripts.bench_import import export_rows, write_csv

    path = Path(browser.downloads.parent) / "export.csv"
    write_csv(path, export_rows(40))
    centers.export = path.read_bytes()
    pair(browser, daemon)
    browser.open(f"https://{TIKTOK_HOST}/finance/bills")
    wait_for(lambda: stored_lines(daemon).get("settled", (0,))[0] == 10, "the first page's capture")
    from selenium.webdriver.common.by import By

    browser.driver.find_element(By.ID, "export").click()
    wait_for(lambda: any(k == "file" for k, _ in raw_captures(daemon)), "the export to reach the daemon", timeout=30)
    [(_, content)] = [(k, f) for k, f in raw_captures(daemon) if k == "file"]
    assert content == centers.export  # byte for byte
    wait_for(lambda: stored_lines(daemon)["settled"][0] == 10 + 40, "the export's 40 lines")
    assert f"GET {TIKTOK_HOST}/api/v1/pay/settlement/file/download?file_id=F1&token={SECRET}&sign=PAGE-SIGNATURE-99" \
        in centers.requests


def test_daemon_down_then_up_the_outbox_delivers_each_capture_once(browser, tmp_path, centers):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "data"
    with Daemon(data, None, "--port", str(port)) as daemon:
        pair(browser, daemon)
    # the daemon is gone: the seller keeps browsing
    browser.open(f"https://{TIKTOK_HOST}/finance/bills")
    from selenium.webdriver.common.by import By

    d = browser.driver
    wait_for(lambda: d.find_element(By.ID, "state").text == "2:0", "the first page")
    d.find_element(By.CSS_SELECTOR, ".arco-pagination-item-next").click()
    wait_for(lambda: d.find_element(By.ID, "state").text == "2:10", "page 2")
    state = wait_for(lambda: (s := browser.popup_state())["outbox"] == "2" and s, "2 captures waiting")
    assert state["daemon"] == "down"
    time.sleep(1)
    with Daemon(data, None, "--port", str(port)) as daemon:
        wait_for(lambda: browser.popup_state()["outbox"] == "0", "the outbox to drain", timeout=60)
        assert stored_lines(daemon) == {"settled": (20, sum(amount_of(r) for r in centers.settled[:20]))}
        assert len(raw_captures(daemon)) == 2  # each capture exactly once


def set_mode(daemon: Daemon, mode: str) -> None:
    assert json.loads(daemon.fetch("/api/settings", "POST", {"order_sync_mode": mode}))["settings"][
        "order_sync_mode"] == mode


def test_pending_only_mode_walks_only_the_on_hold_view(browser, daemon, centers, events):
    pair(browser, daemon)
    set_mode(daemon, "pending")
    browser.extension_page("popup/popup.html")
    wait_for(lambda: browser.storage().get("appSettings", {}).get("order_sync_mode") == "pending",
             "the extension to hear of the setting")
    last = final(events, start_sync(daemon))
    assert (last["stage"], last["pages"], last["records"]) == ("done", 1, 7)
    # the settled tab's first page loads with the page itself and is captured; its pager is not walked
    assert stored_lines(daemon)["in_transit"] == (7, sum(amount_of(r) for r in centers.on_hold))
    assert stored_lines(daemon)["settled"][0] == 10
    assert len([r for r in centers.requests if "settlement_status=2" in r]) == 1


def test_new_only_mode_stops_each_list_at_the_first_page_with_nothing_new(browser, daemon, centers, events):
    pair(browser, daemon)
    assert final(events, start_sync(daemon))["stage"] == "done"
    assert stored_lines(daemon)["settled"][0] == 23
    set_mode(daemon, "new")
    centers.settled[:0] = [tiktok_row(n, 2) for n in (100, 101)]  # two new settlements, newest first
    before = len(centers.requests)
    last = final(events, start_sync(daemon))
    # settled: page 1 (2 new), page 2 (nothing new: stop); on hold: page 1 (nothing new)
    assert (last["stage"], last["pages"]) == ("done", 3)
    assert stored_lines(daemon)["settled"] == (25, sum(amount_of(r) for r in centers.settled))
    assert len([r for r in centers.requests[before:] if "/order/list" in r]) == 3


def test_sync_now_in_the_popup_runs_a_sync_and_shows_its_outcome(browser, daemon, centers, events):
    from selenium.webdriver.common.by import By

    pair(browser, daemon)
    browser.extension_page("popup/popup.html")
    button = wait_for(lambda: browser.driver.find_element(By.CSS_SELECTOR, "tr[data-site=tiktok] button.sync-now"),
                      "the Sync now button")
    button.click()
    wait_for(lambda: browser.popup_state()["sites"]["tiktok"]["last_sync"] == "done", "the sync's outcome", timeout=60)
    assert stored_lines(daemon)["settled"][0] == 23 and stored_lines(daemon)["in_transit"][0] == 7
    done = [e for e in events.items if e.get("event") == "sync.progress" and e.get("stage") == "done"]
    assert len(done) == 1 and done[0]["records"] == 30  # the daemon heard the popup's sync too


def test_the_finance_view_shows_the_sync_it_started(browser, daemon, centers):
    from selenium.webdriver.common.by import By

    pair(browser, daemon)
    d = browser.driver
    d.get(daemon.view())
    wait_for(lambda: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"), "the view")
    wait_for(lambda: d.find_element(By.ID, "conn").text == "extension connected (1)", "the connected extension")
    d.find_element(By.ID, "sync").click()
    wait_for(lambda: d.find_element(By.ID, "notice").text == "Sync finished: 30 records on 4 pages.",
             "the sync's end in the view", timeout=60)
    assert stored_lines(daemon)["settled"][0] == 23

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

from companion import errors
from tests.support.browser import pair, raw_captures, split_lines, stored_lines, wait_for
from tests.support.daemon import Daemon, clean_env
from tests.support.seller_centers import SECRET, TIKTOK_HOST, amount_of, tiktok_detail, tiktok_row, tiktok_sign


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


def final(events: Events, command_id: str, timeout: float = 240) -> dict:
    return wait_for(lambda: next((e for e in events.progress(command_id) if e.get("stage") in ("done", "error")), None),
                    "the sync's final progress", timeout=timeout)


def expected_split(row: dict) -> dict:
    """What the daemon must store for an order from its drawer's split (tiktok_detail), by category (seed 002's
    TikTok table: the referral fee is a promotion fee, the transaction fee another platform fee)."""
    d = tiktok_detail(row)
    fees = {f["fee_type"]: Decimal(f["amount"]["amount"]) for f in d["in_come"]["fee_list"] + d["out_come"]["fee_list"]}
    ship = {f["fee_name"]: Decimal(f["amount"]["amount"]) for f in d["in_come"]["fee_list"][2]["sub_fees"]}
    categories = {"sales": fees["gross_sales"], "promo_discount": fees["seller_discount"],
                  "buyer_shipping": ship["Customer-paid shipping fee"],
                  "platform_logistics": ship["TikTok Shop shipping fee"],
                  "promotion_fee": fees["referral_fee"], "other_platform_fee": fees["transaction_fee"]}
    return {"status": "in_transit" if row["settlement_status"] == 1 else "settled", "sku_id": d["sku_id"],
            "quantity": d["quantity"], "settlement": amount_of(row),
            "categories": {k: v for k, v in categories.items() if v}}


def test_sync_walks_settled_then_on_hold_every_page_and_closes_its_tab(browser, daemon, centers, events):
    pair(browser, daemon)
    handles = set(browser.driver.window_handles)
    command = start_sync(daemon)
    last = final(events, command, timeout=240)
    assert last == {"event": "sync.progress", "command_id": command, "stage": "done", "pages": 4, "records": 30,
                    "message": "30 records on 4 pages, 30 fee splits"}
    stages = [e["stage"] for e in events.progress(command)]
    assert stages.index("in_transit") > max(i for i, s in enumerate(stages) if s == "settled")  # settled first
    assert [e["records"] for e in events.progress(command) if e["message"].endswith(" records")] == [10, 20, 23, 30]
    # every order's split was asked for once, the way its "View details" drawer asks, signed by the page itself
    details = [r for r in centers.requests if "/transaction/detail?" in r]
    assert sorted(centers.details()) == sorted(r["statement_detail_id"] for r in centers.settled + centers.on_hold)
    for request in details:
        query = dict(q.split("=", 1) for q in request.split("?", 1)[1].split("&"))
        assert query["token"] == SECRET and query["sign"] == tiktok_sign(query) and "from" not in query
    # each order is stored as its split: SKU, quantity and every category, adding up to its settlement
    splits = split_lines(daemon)
    assert splits == {r["reference_id"]: expected_split(r) for r in centers.settled + centers.on_hold}
    assert all(sum(s["categories"].values()) == s["settlement"] for s in splits.values())
    by_sku = {r["key"]["sku_id"]: r for r in daemon.get("/api/report?period=all&by=sku")["rows"]}
    for sku in {s["sku_id"] for s in splits.values()}:
        mine = [s for s in splits.values() if s["sku_id"] == sku and s["status"] == "settled"]
        row = by_sku[sku]
        assert row["quantity"] == sum(s["quantity"] for s in mine)
        for category in ("sales", "promo_discount", "buyer_shipping", "platform_logistics", "promotion_fee",
                         "other_platform_fee"):
            assert Decimal(row["categories"][category]) == sum(s["categories"].get(category, 0) for s in mine)
        assert Decimal(row["settlement_amount"]) == sum(s["settlement"] for s in mine)
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
    # a second sync finds everything stored already: nothing added, no split asked for again
    before = stored_lines(daemon)
    asked = len(centers.details())
    again = final(events, start_sync(daemon))
    assert (again["stage"], again["message"]) == ("done", "30 records on 4 pages")
    assert stored_lines(daemon) == before and split_lines(daemon) == splits
    assert len(centers.details()) == asked


def test_sync_when_logged_out_says_so_and_stores_nothing(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.logged_out = True
    command = start_sync(daemon)
    last = final(events, command)
    assert last["stage"] == "error" and last["message"].startswith("not logged in")
    assert (last["code"], last["params"]) == ("ext_not_logged_in", {})  # the view says it in its language
    assert stored_lines(daemon) == {}
    assert browser.popup_state()["sites"]["tiktok"]["last_sync"] == "error"


def test_split_calls_keep_to_the_sellers_rate_and_a_slow_rate_is_no_stall(browser, tmp_path, centers):
    # The daemon counts 15 s without progress as a stall here (30 s by default: three times the extension's
    # heartbeat, so a busy machine does not fake a stall); eight splits at 0.4 a second take 20 s with no new
    # list page: the extension's progress at least every 5 s while it fetches splits keeps the sync alive
    # (without it, the first split's progress would come after the tenth).
    centers.settled, centers.on_hold = centers.settled[:8], []
    with Daemon(tmp_path / "slow", None, env=clean_env(SHOPTALLY_SYNC_STALL_TIMEOUT="15")) as daemon:
        pair(browser, daemon)
        events = Events(daemon)
        try:
            assert json.loads(daemon.fetch("/api/settings", "POST", {"detail_rate": "0.4"}))["settings"][
                "detail_rate"] == "0.4"
            browser.extension_page("popup/popup.html")
            wait_for(lambda: browser.storage().get("appSettings", {}).get("detail_rate") == "0.4", "the setting")
            last = final(events, start_sync(daemon), timeout=240)
        finally:
            events.close()
    assert (last["stage"], last["message"]) == ("done", "8 records on 2 pages, 8 fee splits")
    gaps = [b - a for a, b in zip(centers.detail_times, centers.detail_times[1:], strict=False)]
    assert len(gaps) == 7 and min(gaps) >= 2.3, gaps  # 0.4 a second, not faster


def test_a_tab_whose_name_says_nothing_known_is_found_by_the_list_it_loads(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.relabelled = True  # the settled tab reads "Paid out (23)"
    last = final(events, start_sync(daemon), timeout=240)
    assert (last["stage"], last["pages"], last["records"]) == ("done", 4, 30)
    assert stored_lines(daemon)["settled"] == (23, sum(amount_of(r) for r in centers.settled))


def test_a_page_layout_the_extension_does_not_know_ends_the_sync_with_that_reason(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.redesigned = True  # no tab of the page loads the settled list
    handles = set(browser.driver.window_handles)
    command = start_sync(daemon)
    last = final(events, command, timeout=240)
    assert last["stage"] == "error"
    # the reason names what the page showed, so a seller can report it; the URL without the page's secrets
    assert last["message"] == (
        'page layout not recognised: TikTok Shop shows no "Settled" tab (by its name or by the list it loads) on '
        'https://seller-us.tiktok.com/finance/bills?tab=statements (tabs seen: "Overview", "Unsettled 7", '
        '"待结算 On hold 7"; buttons seen: none; pager: a next button)')
    assert last["code"] == "ext_layout_unknown"
    assert (last["params"]["tab"], last["params"]["tab_zh"]) == ("Settled", "已结算")
    assert errors.render(last["code"], last["params"], "zh").startswith(
        "无法识别页面布局：TikTok Shop 上没有“已结算”标签页")
    wait_for(lambda: set(browser.driver.window_handles) == handles, "the sync's tab to close")
    # what the page loaded while it was open was still captured: nothing is lost, the sync says it failed
    assert stored_lines(daemon)["settled"][0] == 10


def test_a_seller_center_that_refuses_the_split_ends_the_sync_saying_so(browser, daemon, centers, events):
    pair(browser, daemon)
    centers.refuse_details = True
    last = final(events, start_sync(daemon), timeout=240)
    assert last["stage"] == "error"
    assert last["message"] == (
        f"the seller center did not give the fee split of 3 orders in a row (the last, "
        f"{centers.settled[2]['reference_id']}: " + '{"code":98001,"message":"no permission"}); what was stored '
        "is kept: sync again later")
    assert len(centers.details()) == 3
    assert stored_lines(daemon)["settled"][0] == 10 and split_lines(daemon) == {}


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
    last = final(events, command, timeout=240)
    [after] = daemon.get("/api/status")["extensions"]
    assert after["id"] != before["id"]  # the worker was stopped (its socket closed) and came back
    assert (last["stage"], last["pages"], last["records"]) == ("done", 4, 30)
    assert stored_lines(daemon) == {"settled": (23, sum(amount_of(r) for r in centers.settled)),
                                    "in_transit": (7, sum(amount_of(r) for r in centers.on_hold))}


def test_a_sync_in_the_sellers_own_tab_starts_from_the_first_page_whatever_the_tab_showed(
        browser, daemon, centers, events):
    from selenium.webdriver.common.by import By

    pair(browser, daemon)
    browser.open(f"https://{TIKTOK_HOST}/finance/bills")
    d = browser.driver
    mine = d.current_window_handle
    wait_for(lambda: d.find_element(By.ID, "state").text == "2:0", "the first page")
    d.find_element(By.CSS_SELECTOR, ".arco-pagination-item-next").click()
    wait_for(lambda: d.find_element(By.ID, "state").text == "2:10", "page 2")
    before = len(centers.requests)
    last = final(events, start_sync(daemon))
    # the tab is reloaded and walked from page 1: the page it showed (page 2) is no place to start from
    assert (last["stage"], last["pages"], last["records"]) == ("done", 4, 30)
    lists = [r.split("settlement_status=")[1][0] for r in centers.requests[before:] if "/order/list" in r]
    assert lists == ["2", "2", "2", "1"]
    assert stored_lines(daemon) == {"settled": (23, sum(amount_of(r) for r in centers.settled)),
                                    "in_transit": (7, sum(amount_of(r) for r in centers.on_hold))}
    assert mine in d.window_handles  # the seller's own tab stays open


def test_temu_sync_drives_the_pages_own_call_through_pages_and_date_windows(browser, daemon, centers, events):
    pair(browser, daemon)
    command = start_sync(daemon, "temu")
    last = final(events, command, timeout=240)
    assert last["stage"] == "done", last
    lines = stored_lines(daemon)
    assert lines["settled"] == (17, sum(Decimal(r["amount"]["value"]).scaleb(-2) for r in centers.temu_fund))
    assert lines["in_transit"] == (1, Decimal("27.99"))
    assert last["records"] == 18
    # the page's own call made again: pages 2 and 3 of its window, then earlier windows of the same span,
    # each adjoining the next, back a year; every call carried the page's Anti-Content (checked by the fixture)
    calls = centers.temu_calls
    first = calls[0]
    assert [c["pageNum"] for c in calls[:3]] == [1, 2, 3]
    assert all(c["beginTime"] == first["beginTime"] for c in calls[:3])
    windows = sorted({(c["beginTime"], c["endTime"]) for c in calls}, reverse=True)
    span = first["endTime"] - first["beginTime"] + 1
    assert all(newer[0] - 1 == older[1] for newer, older in zip(windows, windows[1:], strict=False))
    assert all(end - begin + 1 == span for begin, end in windows[1:-1])
    assert windows[-1][0] == first["endTime"] - 365 * 86_400_000
    assert last["pages"] == len(calls) + 1  # and the pending tab's one page
    assert all(SECRET.encode() not in frame for _, frame in raw_captures(daemon))  # Anti-Content stays home


def test_shein_sync_pages_through_paid_bills_then_report_orders(browser, daemon, centers, events):
    pair(browser, daemon)
    last = final(events, start_sync(daemon, "shein"), timeout=240)
    assert (last["stage"], last["pages"], last["records"]) == ("done", 4, 27)
    lines = stored_lines(daemon, "shein")
    assert lines["settled"] == (23, sum(Decimal(r["incomeAmount"]) for r in centers.shein_paid))
    assert lines["in_transit"] == (4, sum(Decimal(r["incomeAmount"]) for r in centers.shein_pending))
    assert centers.shein_calls == [("payedList", 1), ("payedList", 2), ("payedList", 3), ("reportOrderList", 1)]
    assert all(SECRET.encode() not in frame for _, frame in raw_captures(daemon))


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
    wait_for(lambda: any(k == "file" for k, _ in raw_captures(daemon)), "the export to reach the daemon", timeout=120)
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
        wait_for(lambda: browser.popup_state()["outbox"] == "0", "the outbox to drain", timeout=180)
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
    wait_for(lambda: browser.popup_state()["sites"]["tiktok"]["last_sync"] == "done", "the sync's outcome", timeout=180)
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
             "the sync's end in the view", timeout=180)
    assert stored_lines(daemon)["settled"][0] == 23

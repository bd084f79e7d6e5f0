"""The extension in real Chromium: pairing, passive capture while browsing, privacy, forged messages."""

from __future__ import annotations

import json
import time
from decimal import Decimal

from tests.support.browser import pair, raw_captures, stored_lines, wait_for
from tests.support.seller_centers import OTHER_HOST, SECRET, SIGN, TEMU_HOST, TIKTOK_HOST, amount_of


def test_pairing_from_request_to_approved_shows_the_code_then_paired(browser, daemon):
    browser.set_port(daemon.port)
    pending = wait_for(lambda: daemon.get("/api/status")["pending_pairs"], "a pairing request")
    assert len(pending) == 1
    shown = wait_for(lambda: (s := browser.popup_state())["code"] and s, "the code in the popup")
    assert shown["code"] == pending[0]["code"] and shown["paired"] == "no" and shown["daemon"] == "up"
    listed = daemon.cli("pair", "list")
    assert pending[0]["code"] in listed.out
    assert daemon.cli("pair", "approve", pending[0]["code"]).code == 0
    wait_for(lambda: browser.popup_state()["paired"] == "yes", "the popup to say paired")
    assert browser.storage()["token"]  # the paired token is kept by the extension...
    status = daemon.get("/api/status")
    assert status["pending_pairs"] == [] and len(status["extensions"]) == 1
    assert status["extensions"][0]["pairing_id"] is not None  # ...and it is a pairing token, not the data dir's


def test_browsing_captures_both_tabs_every_page_without_secrets(browser, daemon, centers):
    pair(browser, daemon)
    browser.open(f"https://{TIKTOK_HOST}/finance/bills")
    wait_for(lambda: stored_lines(daemon).get("settled", (0,))[0] == 10, "the first settled page")
    from selenium.webdriver.common.by import By

    d = browser.driver
    d.find_element(By.CSS_SELECTOR, ".arco-pagination-item-next").click()
    wait_for(lambda: d.find_element(By.ID, "state").text == "2:10", "page 2")
    d.find_element(By.XPATH, "//div[contains(@class,'arco-tabs-header-title')][contains(., 'On hold')]").click()
    wait_for(lambda: d.find_element(By.ID, "state").text == "1:0", "the on-hold tab")
    expected_settled = sum(amount_of(r) for r in centers.settled[:20])
    expected_hold = sum(amount_of(r) for r in centers.on_hold)
    wait_for(lambda: stored_lines(daemon) == {"settled": (20, expected_settled), "in_transit": (7, expected_hold)},
             "20 settled and 7 on-hold lines")
    assert (expected_settled, expected_hold) == (Decimal("460.70"), Decimal("98.84"))
    kept = raw_captures(daemon)
    assert len(kept) == 3 and {kind for kind, _ in kept} == {"json"}
    for _, frame in kept:
        text = frame.decode()
        assert SECRET not in text and SIGN not in text and "token=" not in text and "sign=" not in text
        msg = json.loads(text)
        assert msg["url"].startswith(f"https://{TIKTOK_HOST}/finance/bills")
        assert "oec_seller_id=7495000000000000001" in msg["payload"]["request"]["url"]
    popup = browser.popup_state()
    assert popup["outbox"] == "0" and popup["sites"]["tiktok"]["last_capture"] != "never"


def test_a_forged_post_message_from_the_page_is_ignored(browser, daemon, centers):
    pair(browser, daemon)
    browser.open(f"https://{TIKTOK_HOST}/finance/forge")
    from selenium.webdriver.common.by import By

    state = wait_for(lambda: browser.driver.find_element(By.ID, "state").text.startswith("key") and
                     browser.driver.find_element(By.ID, "state").text, "the page's genuine call")
    assert state == "key attribute hidden"  # the page never saw the key the hook and the bridge share
    wait_for(lambda: stored_lines(daemon).get("settled", (0,))[0] == 1, "the genuine row")
    assert stored_lines(daemon) == {"settled": (1, amount_of(centers.settled[0]))}
    assert all(b"FORGED" not in frame for _, frame in raw_captures(daemon))
    # nor can it make the page hook call the seller center again for it (replays are signed commands)
    time.sleep(1)
    assert not [r for r in centers.requests if "FORGED-REPLAY" in r or "/transaction/detail" in r]


def test_nothing_is_sent_from_a_site_without_a_descriptor(browser, daemon, centers):
    pair(browser, daemon)
    browser.open(f"https://{OTHER_HOST}/")
    browser.open(f"https://{TIKTOK_HOST}/finance/tables")  # a finance page with only a table: captured
    wait_for(lambda: raw_captures(daemon), "the table capture")
    [(kind, frame)] = raw_captures(daemon)
    msg = json.loads(frame)
    assert kind == "table" and msg["payload"]["headers"] == ["Order ID", "Settlement amount"]
    shown = [[r["reference_id"], r["settlement_amount"]["amount"]] for r in centers.settled[:3]]
    assert msg["payload"]["rows"] == shown
    assert f"GET {OTHER_HOST}/api/v1/pay/statement/order/list?oec_seller_id=1" in centers.requests
    assert all(OTHER_HOST not in json.loads(f)["url"] for _, f in raw_captures(daemon))  # seen, never sent


def test_a_capture_the_daemon_rejects_is_dropped_with_its_error_kept_for_the_popup(browser, daemon, centers):
    centers.settled[3] = {**centers.settled[3], "settlement_amount": None}  # a row the adapter cannot read
    del centers.settled[3]["settlement_amount"]
    pair(browser, daemon)
    browser.open(f"https://{TIKTOK_HOST}/finance/bills")
    state = wait_for(lambda: (s := browser.popup_state())["rejected"] and s, "the refusal in the popup")
    [error] = state["rejected"]
    assert error.endswith("order_records[3]: row has no settlement_amount")
    assert state["outbox"] == "0"  # dropped, not retried forever
    assert stored_lines(daemon) == {}  # nothing of that page stored


def test_capture_turned_off_for_a_site_sends_nothing_from_it(browser, daemon, centers):
    from selenium.webdriver.common.by import By

    pair(browser, daemon)
    browser.extension_page("options/options.html")
    box = wait_for(lambda: browser.driver.find_element(By.ID, "capture-tiktok"), "the TikTok switch")
    assert box.is_selected()
    box.click()
    wait_for(lambda: browser.storage()["settings"]["capture"] == {"tiktok": False}, "the setting to be saved")
    browser.open(f"https://{TIKTOK_HOST}/finance/bills")
    wait_for(lambda: browser.driver.find_element(By.ID, "state").text == "2:0", "the page's list")
    # The marker: Temu, still captured, in a tab of its own (the TikTok page stays open). Its capture goes
    # through the same queue after anything the TikTok page had sent; once it is stored and the queue is
    # empty, a TikTok capture would be stored too.
    browser.driver.switch_to.new_window("tab")
    browser.open(f"https://{TEMU_HOST}/labor/bill")
    wait_for(lambda: browser.driver.find_element(By.ID, "state").text == "fund:1", "the Temu page's list")
    wait_for(lambda: raw_captures(daemon), "the Temu capture")
    wait_for(lambda: browser.popup_state()["outbox"] == "0", "the outbox to be empty")
    assert [json.loads(frame)["site"] for _, frame in raw_captures(daemon)] == ["temu"]  # the marker only
    assert stored_lines(daemon, "tiktok") == {} and stored_lines(daemon, "temu")
    assert any("/order/list" in r for r in centers.requests)

"""The extension on 1688's buyer order list (a fixture page at its real address): the page's order-list call to
1688's MTOP gateway, another origin, is captured while the seller browses and the daemon keeps it, without the
page's signature; a page of the same gateway on another site is not read."""

from __future__ import annotations

import json
import sqlite3

from tests.support.alibaba1688 import ROWS
from tests.support.browser import pair, raw_captures, wait_for
from tests.support.seller_centers import ALI1688_HOST, MTOP_HOST, SECRET, SIGN
from tests.support.tables import xlsx


def kept(daemon) -> list[tuple[str, str, str, str]]:
    """(site, kind, adapter, outcome) of every raw capture the daemon kept."""
    con = sqlite3.connect(f"file:{daemon.data_dir / 'shoptally.db'}?mode=ro", uri=True)
    try:
        return con.execute("SELECT site, kind, adapter, outcome FROM raw_capture ORDER BY id").fetchall()
    finally:
        con.close()


def test_the_buyer_order_list_call_is_captured_from_the_mtop_gateway_without_its_signature(browser, daemon, centers):
    from selenium.webdriver.common.by import By

    pair(browser, daemon)
    browser.open(f"https://{ALI1688_HOST}/order/buyer_order_list.htm")
    wait_for(lambda: browser.driver.find_element(By.ID, "state").text == "list:SUCCESS::调用成功", "the page's list")
    wait_for(lambda: raw_captures(daemon), "the 1688 capture")
    # No adapter reads the page's own answer yet: the keys of its orders are not documented (docs/sources.md,
    # "1688 purchases"). The daemon keeps it, so a later adapter can read it again (shoptally reparse).
    assert kept(daemon) == [("1688", "json", "", "unrecognized")]
    [(_, frame)] = raw_captures(daemon)
    text = frame.decode()
    assert SIGN not in text and SECRET not in text and "sign=" not in text
    msg = json.loads(text)
    assert msg["url"] == f"https://{ALI1688_HOST}/order/buyer_order_list.htm"
    request = msg["payload"]["request"]
    assert request["url"].startswith(f"https://{MTOP_HOST}/h5/mtop.1688.trade.faas.gateway/1.0/?")
    assert "api=mtop.1688.trade.faas.gateway" in request["url"] and "appKey=12574478" in request["url"]
    assert msg["payload"]["body"] == {"api": "mtop.1688.trade.faas.gateway", "v": "1.0", "ret": ["SUCCESS::调用成功"],
                                      "data": {"model": {"data": [], "success": True}}}
    popup = browser.popup_state()
    assert popup["outbox"] == "0" and popup["sites"]["1688"]["last_capture"] != "never"
    # captured while browsing only: the popup offers Sync now for the marketplaces, not for 1688
    assert browser.driver.find_elements(By.CSS_SELECTOR, "tr[data-site='tiktok'] button.sync-now")
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "tr[data-site='1688'] button.sync-now")


def test_the_order_export_downloaded_from_the_buyer_page_is_sent_and_read_as_1688_purchases(browser, daemon, centers):
    from selenium.webdriver.common.by import By

    centers.ali1688_export = xlsx({"订单列表": ROWS})
    pair(browser, daemon)
    browser.open(f"https://{ALI1688_HOST}/order/buyer_order_list.htm")
    wait_for(lambda: browser.driver.find_element(By.ID, "state").text.startswith("list:"), "the page's list")
    browser.driver.find_element(By.ID, "export").click()
    wait_for(lambda: any(k == "file" for k, _ in raw_captures(daemon)), "the export to reach the daemon", timeout=120)
    [content] = [f for k, f in raw_captures(daemon) if k == "file"]
    assert content == centers.ali1688_export  # byte for byte
    assert ("1688", "file", "alibaba1688.order_export", "parsed") in kept(daemon)

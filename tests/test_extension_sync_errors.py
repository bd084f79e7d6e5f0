"""Why a sync ended, in the seller's language (issue #16 point 6): the extension sends a catalog code (`ext_*`)
and its params beside its English sentence; the daemon passes a well-formed one on to views and keeps it with
the stored run, and drops a code a socket forged, keeping the sentence alone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from companion import errors
from companion.sources.model import StoreRef
from companion.store import stores
from companion.store.writer import run_inline
from tests.support.app import FakeExtension
from tests.support.builders import view_headers

REPO = Path(__file__).resolve().parent.parent
SENTENCE = "the seller center did not answer the Settled list (page 3): HTTP 502"
PARAMS = {"tab": "Settled", "tab_zh": "已结算", "page": 3, "why": "HTTP 502"}


def _node(script: str) -> object:
    out = subprocess.run(["node", "-e", script], cwd=REPO, capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_the_extensions_sentences_are_the_catalogs_in_both_languages():
    en, zh = _node('const e = require("./extension/lib/sync_errors.js");'
                   'process.stdout.write(JSON.stringify([e.SENTENCES, e.SENTENCES_ZH]))')
    catalog = errors.catalog()
    assert len(en) == 17
    assert {c: catalog[c]["en"] for c in en} == en
    assert {c: catalog[c]["zh"] for c in zh} == zh
    assert sorted(c for c in catalog if c.startswith("ext_")) == sorted(en) == sorted(zh)


def test_the_popup_says_a_syncs_end_in_the_browsers_language():
    said = _node('const e = require("./extension/lib/sync_errors.js");'
                 'const p = {tab: "Settled", tab_zh: "已结算", page: 3, why: "HTTP 502"};'
                 'process.stdout.write(JSON.stringify([e.say("ext_page_no_answer", p, "as sent", "zh-CN"),'
                 ' e.say("ext_page_no_answer", p, "as sent", "en-US"), e.say(undefined, {}, "as sent", "zh-CN"),'
                 ' e.say("ext_tab_closed", undefined, "", "zh")]))')
    assert said == ["卖家中心没有返回“已结算”列表的第 3 页：HTTP 502", SENTENCE,
                    "as sent",  # an end recorded by an older extension: its sentence as it was
                    "同步所用的标签页在完成前被关闭了"]


def test_what_the_extension_fills_is_what_the_catalog_renders():
    said = _node('const e = require("./extension/lib/sync_errors.js");'
                 'process.stdout.write(JSON.stringify([e.said("ext_page_no_answer", {tab: "Settled", tab_zh: "已结算",'
                 ' page: 3, why: "HTTP 502"}), e.said("ext_list_refused", {tab: "x", tab_zh: "y",'
                 ' answer: "z".repeat(5000)}), e.tabNames(["Fund detail", "Fund details", "财务明细"])]))')
    assert said[0] == {"code": "ext_page_no_answer", "params": PARAMS, "message": SENTENCE}
    assert errors.render(said[0]["code"], said[0]["params"]) == SENTENCE
    assert errors.render(said[0]["code"], said[0]["params"], "zh") == "卖家中心没有返回“已结算”列表的第 3 页：HTTP 502"
    assert len(said[1]["params"]["answer"]) == 1000  # clipped to what the daemon takes
    assert said[2] == {"tab": "Fund detail", "tab_zh": "财务明细"}


@pytest.fixture
async def store(db):
    run_inline(db, stores.resolve, StoreRef("tiktok", "7495001", "US", "Mug shop", "USD", "America/Los_Angeles"))


async def test_a_coded_end_reaches_views_and_the_stored_run_with_its_code(client, service, store):
    published = []
    service.bus.add_listener(lambda e: published.append(e) if e["event"] in ("sync.progress", "sync.run") else None)
    ext = await FakeExtension(client, delay=0.05, error=SENTENCE,
                              said={"code": "ext_page_no_answer", "params": PARAMS}).connect()
    try:
        run = await service.runner.run("Mug shop", "manual")
    finally:
        await ext.close()
    progress = [e for e in published if e["event"] == "sync.progress"][-1]
    assert (progress["message"], progress["code"], progress["params"]) == (SENTENCE, "ext_page_no_answer", PARAMS)
    assert (run["status"], run["error"], run["code"], run["params"]) == ("error", SENTENCE, "ext_page_no_answer",
                                                                          PARAMS)
    stored = await (await client.get("/api/automation", headers=view_headers(client.port))).json()
    assert (stored["runs"][0]["error"], stored["runs"][0]["code"], stored["runs"][0]["params"]) == (
        SENTENCE, "ext_page_no_answer", PARAMS)


async def test_not_logged_in_by_code_is_a_login_expired_run(client, service, store):
    sentence = "not logged in: log in to the seller center in this browser, then sync again"
    ext = await FakeExtension(client, delay=0.05, error=sentence,
                              said={"code": "ext_not_logged_in", "params": {}}).connect()
    try:
        run = await service.runner.run("Mug shop", "manual")
    finally:
        await ext.close()
    assert (run["status"], run["error"], run["code"], run["params"]) == (
        "login_expired", sentence, "ext_not_logged_in", {})
    assert errors.render(run["code"], run["params"], "zh") == "未登录：请在此浏览器中登录卖家中心，然后再次同步"


@pytest.mark.parametrize("forged", [
    {"code": "sync_stalled", "params": {"seconds": 30, "waiting": "x"}},  # not the extension's family
    {"code": "ext_page_no_answer", "params": {"tab": "Settled"}},  # the template cannot be filled
    {"code": "ext_page_no_answer", "params": {**PARAMS, "why": "w" * 1001}},  # longer than the extension sends
    {"code": "ext_page_no_answer", "params": {**PARAMS, "Bad-Name": "x"}},
    {"code": "ext_page_no_answer", "params": {**PARAMS, "page": True}},
    {"code": "ext_page_no_answer", "params": [1, 2]},
    {"code": "ext_no_such_code", "params": {}},
])
async def test_a_forged_code_is_dropped_and_the_sentence_kept(client, service, store, forged):
    published = []
    service.bus.add_listener(lambda e: published.append(e) if e["event"] == "sync.progress" else None)
    ext = await FakeExtension(client, delay=0.05, error=SENTENCE, said=forged).connect()
    try:
        run = await service.runner.run("Mug shop", "manual")
    finally:
        await ext.close()
    assert "code" not in published[-1] and "params" not in published[-1]
    assert published[-1]["message"] == SENTENCE
    assert (run["error"], run["code"], run["params"]) == (SENTENCE, "sync_extension_failed", {"message": SENTENCE})


async def test_a_long_sentence_and_odd_counts_are_bounded(client, service, store):
    published = []
    service.bus.add_listener(lambda e: published.append(e) if e["event"] == "sync.progress" else None)
    ext = await FakeExtension(client, delay=0.05, error="x" * 50_000,
                              said={"pages": "many", "records": -1, "stage": "error"}).connect()
    try:
        await service.runner.run("Mug shop", "manual")
    finally:
        await ext.close()
    assert (len(published[-1]["message"]), published[-1]["stage"]) == (2000, "error")
    assert "pages" not in published[-1] and "records" not in published[-1]

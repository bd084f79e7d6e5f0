"""The fast ingest path: row plans, large frames, the parsing processes, bulk SQL and database upkeep."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from companion.pipeline import ingest, parsing
from companion.store import rowplan, upkeep
from companion.store.models import RawCapture, SettlementLine
from companion.store.writer import Writer
from tests.support.app import ext_ws
from tests.support.builders import ext_headers, hello, order_list_capture, order_row, view_headers


def frame_of(msg: dict) -> str:
    """As the extension writes a frame: `type` first, compact."""
    return json.dumps({"type": msg["type"], **msg}, separators=(",", ":"), ensure_ascii=False)


def test_row_columns_are_the_settlement_line_columns():
    table = {f.column_name for f in SettlementLine._meta.sorted_fields}
    assert set(rowplan.ROW_COLUMNS) | {"id", "store_id", "created_at", "updated_at", "superseded"} == table
    assert len(rowplan.ROW_COLUMNS) == len(set(rowplan.ROW_COLUMNS))


def test_plan_refuses_amounts_finer_than_storage_and_unknown_categories():
    src = ingest.prepare_capture(order_list_capture([order_row(1, "1.00")]))
    prepared = ingest.prepare(src)
    line_plan = prepared.plan.stores[0].rows
    assert len(line_plan) == 1
    (row,) = line_plan.values()
    assert row[rowplan.ROW_COLUMNS.index("settlement_amount")] == 10000
    assert row[rowplan.ROW_COLUMNS.index("sales")] == 10000
    from companion.sources.tiktok.seller_center import OrderList

    lines = OrderList().parse(src.src).lines
    lines[0].amounts["purchase_cost"] = Decimal("1")  # a seller cost is not a platform amount
    with pytest.raises(rowplan.PlanError, match="'purchase_cost' is not a platform category"):
        rowplan.plan(lines, "x")


async def test_large_capture_frame_is_parsed_off_the_loop_and_kept_byte_for_byte(client, service):
    rows = [order_row(n, f"{n % 50}.{n % 100:02d}") for n in range(700)]
    cap = order_list_capture(rows)
    cap["payload"]["request"]["url"] = cap["payload"]["request"]["url"].replace("&token=SECRET&sign=SIG", "")
    text = frame_of(cap)
    assert len(text) > 64 * 1024
    ws = await ext_ws(client)
    await ws.send_str(text)
    ack = await ws.receive_json(timeout=30)
    assert ack == {"type": "ack", "id": cap["id"], "added": 700, "updated": 0, "skipped": 0, "outcome": "parsed"}
    raw = await service.read(lambda: RawCapture.get(RawCapture.capture_id == cap["id"]))
    assert zlib.decompress(raw.payload) == text.encode()  # nothing to scrub: the frame as it came
    expected = sum(Decimal(r["settlement_amount"]["amount"]) for r in rows)
    total = await service.read(lambda: sum(line.settlement_amount for line in SettlementLine.select()))
    assert total == expected == Decimal("17496.50")


async def test_large_frame_with_secrets_is_scrubbed_before_it_is_kept(client, service):
    cap = order_list_capture([order_row(n, "2.00") for n in range(600)])
    ws = await ext_ws(client)
    await ws.send_str(frame_of(cap))
    assert (await ws.receive_json(timeout=30))["added"] == 600
    raw = await service.read(lambda: RawCapture.get(RawCapture.capture_id == cap["id"]))
    kept = zlib.decompress(raw.payload)
    assert b"SECRET" not in kept and b"SIG" not in kept and raw.url.startswith("https://seller-us.tiktok.com/")
    assert json.loads(kept)["payload"]["body"] == cap["payload"]["body"]


async def test_large_broken_frames_get_an_error_and_the_socket_stays_usable(client):
    ws = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    big = frame_of(order_list_capture([order_row(n, "1.00") for n in range(600)]))
    await ws.send_str(big)  # before hello
    assert (await ws.receive_json(timeout=30))["error"] == "not_welcomed"
    await ws.send_json(hello())
    assert (await ws.receive_json(timeout=30))["type"] == "welcome"
    await ws.send_str(big[:-20])  # cut short: not JSON
    reply = await ws.receive_json(timeout=30)
    assert reply["type"] == "error" and reply["error"] == "malformed" and "not valid JSON" in reply["message"]
    cap = order_list_capture([order_row(n, "1.00") for n in range(600)])
    cap["captured_at"] = "last tuesday"
    await ws.send_str(frame_of(cap))
    reply = await ws.receive_json(timeout=30)
    assert reply["type"] == "rejected" and reply["id"] == cap["id"] and "captured_at" in reply["error"]
    small = order_list_capture([order_row(1, "1.00")])
    await ws.send_json(small)
    assert (await ws.receive_json(timeout=30))["id"] == small["id"]


async def test_control_characters_and_unicode_in_text_fields_are_stored_exactly(client, service):
    odd = "Refund\tpart\\2\nline\r — 退款"
    rows = [order_row(1, "3.50", trade_type=odd), order_row(2, "4.00")]
    rows[1]["trade_order_id"] = rows[1]["reference_id"] = "5769\\000\t2"
    ws = await ext_ws(client)
    await ws.send_json(order_list_capture(rows))
    assert (await ws.receive_json(timeout=30))["added"] == 2
    got = await service.read(lambda: sorted((ln.txn_type, ln.order_id) for ln in SettlementLine.select()))
    assert got == sorted([(odd, "5769000000000001"), ("Order", "5769\\000\t2")])


async def test_a_settled_line_that_changes_keeps_its_first_settlement_time(client, service):
    ws = await ext_ws(client)
    first = order_list_capture([order_row(4, "10.00")], captured_at="2026-03-01T10:00:00+00:00")
    await ws.send_json(first)
    assert (await ws.receive_json(timeout=30))["added"] == 1
    later = order_list_capture([order_row(4, "9.40")], captured_at="2026-03-09T10:00:00+00:00")
    await ws.send_json(later)
    ack = await ws.receive_json(timeout=30)
    assert (ack["added"], ack["updated"]) == (0, 1)
    line = await service.read(lambda: SettlementLine.get())
    assert line.settlement_amount == Decimal("9.40")
    assert line.settled_time.isoformat() == "2026-03-01T10:00:00+00:00" and line.settled_time_approx


async def test_many_stores_in_one_import_each_get_their_change(client):
    events = await client.ws_connect("/ws/events", headers=view_headers(client.port))
    rev0 = (await events.receive_json(timeout=30))["rev"]
    ws = await ext_ws(client)
    for seller in ("S1", "S2"):
        await ws.send_json(order_list_capture([order_row(n, "1.00") for n in range(3)], seller=seller))
        assert (await ws.receive_json(timeout=30))["added"] == 3
    seen = []
    while len(seen) < 2:
        event = await events.receive_json(timeout=30)
        if event["event"] == "tk-settlement.updated":
            seen.append((event["account"], event["rev"]))
    assert seen == [("TikTok US S1", rev0 + 1), ("TikTok US S2", rev0 + 2)]


# the parsing processes ------------------------------------------------------------------------------------
def crash_once(marker: str) -> int:
    """Kills its process the first time (as an out-of-memory kill would), answers the second time."""
    if not os.path.exists(marker):
        Path(marker).write_text("crashed")
        os._exit(9)
    return os.getpid()


def crash_always() -> None:
    os._exit(9)


async def test_a_parsing_process_that_dies_is_replaced_and_the_input_tried_once_more(tmp_path):
    pool = parsing.ParsePool(1)
    try:
        first = await pool.run(os.getpid)
        assert first != os.getpid()  # a process of its own
        survivor = await pool.run(crash_once, str(tmp_path / "marker"))
        assert survivor not in (first, os.getpid())
        with pytest.raises(parsing.ParserCrashed, match="the parser stopped while reading this input"):
            await pool.run(crash_always)
        assert await pool.run(os.getpid) != os.getpid()  # still serving afterwards
    finally:
        pool.shutdown()


def test_parse_processes_setting(monkeypatch):
    assert parsing.default_processes({"SHOPTALLY_PARSE_PROCESSES": "0"}) == 0
    assert parsing.default_processes({"SHOPTALLY_PARSE_PROCESSES": "3"}) == 3
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parsing.default_processes({}) == 1
    assert parsing.default_processes({"SHOPTALLY_PARSE_PROCESSES": "many"}) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert parsing.default_processes({}) == 4


# upkeep ------------------------------------------------------------------------------------------------------
def _stream(db, captures: int, rows: int) -> None:
    """Captures queued for the writer all at once: it commits back to back, as during a sync."""
    prepared = [ingest.prepare_frame(order_list_capture([order_row(c * rows + i, "1.10") for i in range(rows)]))
                for c in range(captures)]
    writer = Writer(db)
    writer.start()
    try:
        for job in [writer.submit(ingest.commit, p) for p in prepared]:
            job.result(60)
    finally:
        writer.stop()


def _wal_after_stream(url: str, monkeypatch, restart: bool) -> tuple[int, int]:
    """(WAL file bytes, database file bytes) after streaming 40 captures through a writer."""
    from companion.store.db import close_database, open_database

    if not restart:
        monkeypatch.setattr(upkeep.Upkeep, "committed", lambda self: self._wanted.set())
    db = open_database(url)  # this connection stays open, so the WAL is not removed before it is measured
    try:
        _stream(db, 40, 300)
        assert SettlementLine.select().count() == 12_000
        path = Path(db.database)
        return path.with_name(path.name + "-wal").stat().st_size, path.stat().st_size
    finally:
        close_database()
        monkeypatch.undo()


def test_sqlite_wal_starts_over_during_a_long_stream(db_url, tmp_path, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write-ahead log")
    from companion.store.db import sqlite_url

    fast = {"RESTART_FRAMES": 100, "SQLITE_DELAY": 0.02}
    for name, value in fast.items():
        monkeypatch.setattr(upkeep, name, value)
    with_restart, db_size = _wal_after_stream(sqlite_url(tmp_path / "a.db"), monkeypatch, restart=True)
    for name, value in fast.items():
        monkeypatch.setattr(upkeep, name, value)
    without, _ = _wal_after_stream(sqlite_url(tmp_path / "b.db"), monkeypatch, restart=False)
    # Without the writer's restart the WAL keeps every frame of the stream: more than the database itself.
    assert without > db_size
    assert with_restart < without / 2, (with_restart, without, db_size)


def test_postgresql_tables_are_analyzed_as_they_grow(db, db_url, monkeypatch):
    if not db_url.startswith("postgres"):
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(upkeep, "PG_DELAY", 0.2)
    monkeypatch.setattr(upkeep, "ANALYZE_MIN_ROWS", 500)

    def last_analyze():
        return db.execute_sql("SELECT last_analyze FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                              "AND relname = 'settlement_line'").fetchone()[0]

    assert last_analyze() is None
    writer = Writer(db)
    writer.start()
    try:
        deadline = time.monotonic() + 20
        c = 0
        while last_analyze() is None and time.monotonic() < deadline:
            msg = order_list_capture([order_row(c * 300 + i, "1.10") for i in range(300)])
            writer.submit(ingest.commit, ingest.prepare_frame(msg)).result(30)
            c += 1
            time.sleep(0.1)
    finally:
        writer.stop()
    assert last_analyze() is not None


async def test_daemon_service_parses_in_a_process(cfg, db):
    from companion.daemon import build_service as Service

    svc = Service(cfg, db, "t" * 40, parse_processes=1)
    svc.start(asyncio.get_running_loop())
    try:
        out = await svc.ingest_capture(frame_of(order_list_capture([order_row(n, "0.01") for n in range(5)])))
        assert (out.outcome, out.added) == ("parsed", 5)
        assert await svc.parser.run(os.getpid) != os.getpid()
    finally:
        svc.stop()


def test_a_parsing_process_loads_the_adapters_when_it_starts_not_on_the_first_capture():
    """The warm-up is what keeps the first captures after start-up from waiting on imports (ack p99)."""
    code = ("import sys; from companion.pipeline import parsing; before = 'companion.sources.registry' in sys.modules; "
            "parsing._warm(); print(before, 'companion.sources.registry' in sys.modules, "
            "'companion.sources.tiktok.seller_center' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.stdout.split() == ["False", "True", "True"], res.stderr

#!/usr/bin/env python3
"""Ingest benchmark: how fast a real daemon stores captures, and how fast views hear about them.

Starts `python -m companion serve` on a fresh data dir, connects 50 event views and one extension,
pipelines 200 TikTok order-list captures of 500 rows each (100,000 lines), then checks that every
line was stored and every view saw every change. A plain `sqlite3.executemany` of the same rows is
the floor the daemon is compared with. `docs/benchmarks.md` says what each figure means.

    .venv/bin/python scripts/bench_ingest.py [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from companion.extension_id import EXTENSION_ID
from companion.ledger.categories import PLATFORM as CATEGORIES  # settlement_line's amount columns

REPO = Path(__file__).resolve().parent.parent
HOST = "seller-us.tiktok.com"
SELLER = "7495100000000000001"
EVENT = "tk-settlement.updated"
PLACED_MS = 1_761_955_200_000
START_TIMEOUT = 30.0
RUN_TIMEOUT = 600.0
EVENTS_GRACE = 30.0  # after the last ack, how long the views may take to receive the last events
TARGETS = {"lines_per_s": 20_000.0, "ack_p99_ms": 250.0, "fanout_p99_ms": 50.0}


class BenchError(Exception):
    """The run cannot go on or did not store what it sent; the text says what went wrong."""


# workload ----------------------------------------------------------------------------------------
def order_number(n: int) -> str:
    return f"5769{n:012d}"


def amount_text(n: int) -> str:
    return f"{10 + n % 90}.{n % 100:02d}"


def order_row(n: int) -> dict:
    """One order-list record, the shape tests/support/builders.py order_row builds (settled, USD)."""
    oid = order_number(n)
    return {
        "statement_detail_id": f"SD{oid}", "reference_id": oid, "trade_order_id": oid,
        "placed_time": PLACED_MS + n * 1000, "trade_type": "Order",
        "settlement_amount": {"amount": amount_text(n), "currency": "USD"}, "settlement_status": 2,
    }


def capture_frame(index: int, rows: int) -> tuple[str, str]:
    """(capture id, the capture message as the text frame the extension would send)."""
    cid = str(uuid.uuid4())
    records = [order_row(index * rows + i) for i in range(rows)]
    url = (f"https://{HOST}/api/v1/pay/statement/order/list?oec_seller_id={SELLER}&pagination_type=1"
           f"&from={index * rows}&size={rows}&settlement_status=2")
    msg = {
        "type": "capture", "id": cid, "site": "tiktok",
        "url": f"https://{HOST}/finance/bills?tab=overview&subTab=settled",
        "captured_at": datetime.now(UTC).isoformat(), "kind": "json",
        "payload": {"request": {"method": "GET", "url": url, "body": None}, "status": 200,
                    "body": {"code": 0, "message": "success", "data": {
                        "total_record": rows, "search_next_has_more": False, "order_records": records}}},
    }
    return cid, json.dumps(msg, separators=(",", ":"))


# statistics --------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the value below which p percent of the samples lie."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


@dataclass
class Run:
    """What one daemon run measured."""

    database: str
    lines_sent: int = 0
    lines_added: int = 0
    elapsed_s: float = 0.0
    ack_ms: list[float] = field(default_factory=list)
    fanout_ms: list[float] = field(default_factory=list)
    events_per_view: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def lines_per_s(self) -> float:
        return self.lines_added / self.elapsed_s if self.elapsed_s else 0.0


# the daemon --------------------------------------------------------------------------------------
class Daemon:
    """`python -m companion serve --port 0 --no-tray` on a fresh data dir, stopped with SIGTERM."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.log_path = data_dir.parent / "daemon.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.token = ""

    def start(self) -> None:
        args = [sys.executable, "-m", "companion", "serve", "--port", "0", "--no-tray",
                "--data-dir", str(self.data_dir)]
        if self.database_url:
            args += ["--database-url", self.database_url]
        # The daemon must use exactly what this script says, not the caller's SHOPTALLY_* settings.
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTALLY_")}
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        info_path = self.data_dir / "daemon.json"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"daemon exited with {self.proc.returncode} before listening:\n{self.log_tail()}")
            with contextlib.suppress(OSError, ValueError):
                info = json.loads(info_path.read_text())
                self.port = int(info["port"])
                self.token = (self.data_dir / "token").read_text().strip()
                return
            time.sleep(0.05)
        raise BenchError(f"daemon.json did not appear within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> int | None:
        """SIGTERM and wait: a clean exit is code 0 with daemon.json removed."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


# the clients -------------------------------------------------------------------------------------
class View:
    """One /ws/events socket: keeps each frame with its wall-clock receive time, parsed afterwards."""

    def __init__(self, ws: ClientConnection, hello_rev: int) -> None:
        self.ws = ws
        self.hello_rev = hello_rev
        self.frames: list[tuple[float, str]] = []
        self.settlement_events = 0

    async def listen(self) -> None:
        with contextlib.suppress(Exception):  # the socket closing at the end is the normal way out
            async for text in self.ws:
                self.frames.append((time.time(), str(text)))
                if EVENT in text:
                    self.settlement_events += 1

    def check(self, expected: int) -> tuple[list[float], int, str | None]:
        """(fan-out latencies in ms, settlement events seen, problem or None)."""
        latencies, revs = [], []
        for received, text in self.frames:
            event = json.loads(text)
            if event.get("event") != EVENT:
                continue
            at = datetime.fromisoformat(event["at"]).timestamp()
            latencies.append((received - at) * 1000)
            revs.append(event["rev"])
        problem = None
        if len(revs) != expected:
            problem = f"got {len(revs)} settlement events, expected {expected}"
        elif revs != list(range(self.hello_rev + 1, self.hello_rev + 1 + expected)):
            problem = f"revs do not rise by one from {self.hello_rev + 1}: {revs[:5]}…"
        return latencies, len(revs), problem


async def open_view(port: int, token: str) -> View:
    """Signed in with the data dir's token, as scripts are (/ws/events refuses a view without proof)."""
    ws = await connect(f"ws://127.0.0.1:{port}/ws/events", origin=Origin(f"http://127.0.0.1:{port}"),
                       additional_headers={"Authorization": f"Bearer {token}"}, proxy=None, max_size=None,
                       open_timeout=30)
    hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if hello.get("event") != "hello":
        raise BenchError(f"events socket opened with {hello!r} instead of hello")
    return View(ws, int(hello["rev"]))


async def open_extension(port: int, token: str, compression: str | None) -> ClientConnection:
    ws = await connect(f"ws://127.0.0.1:{port}/ws/extension", origin=Origin(f"chrome-extension://{EXTENSION_ID}"),
                       proxy=None, max_size=None, compression=compression, open_timeout=30)
    await ws.send(json.dumps({"type": "hello", "protocol": 1, "token": token, "extension_version": "bench"}))
    welcome = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if welcome.get("type") != "welcome":
        raise BenchError(f"hello answered {welcome!r} instead of welcome")
    return ws


async def pump_captures(ws: ClientConnection, frames: list[tuple[str, str]], window: int,
                        run: Run) -> None:
    """Keep `window` captures in flight; ack latency is send → ack of the same capture id."""
    slots = asyncio.Semaphore(window)
    sent_at: dict[str, float] = {}
    acked: dict[str, float] = {}
    first_send = 0.0

    async def sender() -> None:
        nonlocal first_send
        for cid, frame in frames:
            await slots.acquire()
            sent_at[cid] = time.perf_counter()
            first_send = first_send or sent_at[cid]
            await ws.send(frame)

    async def receiver() -> None:
        while len(acked) < len(frames):
            text = await ws.recv()
            now = time.perf_counter()
            msg = json.loads(text)
            if msg.get("type") != "ack" or msg.get("id") not in sent_at or msg["id"] in acked:
                raise BenchError(f"expected an ack for a capture in flight, got {str(text)[:300]}")
            acked[msg["id"]] = now
            run.ack_ms.append((now - sent_at[msg["id"]]) * 1000)
            run.lines_added += int(msg.get("added", 0))
            if msg.get("updated") or msg.get("skipped"):
                run.problems.append(f"capture {msg['id']} acked {msg}")
            slots.release()

    await asyncio.gather(sender(), receiver())
    run.elapsed_s = max(acked.values()) - first_send


async def drive(daemon: Daemon, args: argparse.Namespace, run: Run) -> None:
    frames = [capture_frame(i, args.rows) for i in range(args.captures)]
    run.lines_sent = args.captures * args.rows
    views = await asyncio.gather(*(open_view(daemon.port, daemon.token) for _ in range(args.views)))
    listeners = [asyncio.create_task(v.listen()) for v in views]
    ext = await open_extension(daemon.port, daemon.token, None if args.no_compression else "deflate")
    try:
        await asyncio.wait_for(pump_captures(ext, frames, args.window, run), RUN_TIMEOUT)
        deadline = time.monotonic() + EVENTS_GRACE
        while time.monotonic() < deadline and any(v.settlement_events < args.captures for v in views):
            await asyncio.sleep(0.05)
    finally:
        await ext.close()
        for v in views:
            await v.ws.close()
        await asyncio.gather(*listeners, return_exceptions=True)
    for i, view in enumerate(views):
        latencies, count, problem = view.check(args.captures)
        run.fanout_ms += latencies
        run.events_per_view.append(count)
        if problem:
            run.problems.append(f"view {i}: {problem}")
    if run.lines_added != run.lines_sent:
        run.problems.append(f"acks added {run.lines_added} lines, {run.lines_sent} were sent")


# PostgreSQL --------------------------------------------------------------------------------------
def split_schema(url: str) -> tuple[str, str | None]:
    """(URL without ?schema=, the schema) — libpq does not know the `schema` parameter."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in params if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in params if k != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


@contextlib.contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A schema made for this run and dropped after it; the URL the daemon gets names it."""
    import psycopg2

    base, schema = split_schema(url)
    schema = schema or f"bench_{uuid.uuid4().hex[:10]}"
    if not schema.replace("_", "").isalnum():
        raise BenchError(f"schema name {schema!r}: use letters, digits and _ only")
    conn = psycopg2.connect(base)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,))
            if cur.fetchone():
                raise BenchError(f"schema {schema!r} already exists; name a new one (it is dropped afterwards)")
            cur.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{base}{'&' if urlsplit(base).query else '?'}schema={schema}"
        finally:
            with conn.cursor() as cur:
                cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        conn.close()


def label_of(url: str | None) -> str:
    if not url:
        return "SQLite (daemon default: WAL, synchronous=NORMAL)"
    parts = urlsplit(url)
    return f"PostgreSQL {parts.hostname}:{parts.port or 5432}{parts.path}"


# the floor ---------------------------------------------------------------------------------------
FLOOR_COLUMNS = (
    "store_id", "natural_key", "digest", "status", "txn_type", "order_id", "sku_id", "sku_name", "quantity",
    "currency", "order_time", "settled_time", "settled_time_approx", "settlement_amount", "source_fields",
    "extra", "capture", "created_at", "updated_at", *CATEGORIES,
)


def floor_ddl(table: str, integer: str, boolean: str, primary_key: str) -> list[str]:
    """settlement_line as the daemon's schema has it: the same columns and the same five indexes."""
    columns = ", ".join(f"{c} {integer} NOT NULL" for c in CATEGORIES)
    return [
        f"""CREATE TABLE {table} (
  id {primary_key}, store_id INTEGER NOT NULL, natural_key TEXT NOT NULL,
  digest VARCHAR(40) NOT NULL, status VARCHAR(16) NOT NULL, txn_type VARCHAR(64) NOT NULL,
  order_id VARCHAR(128), sku_id VARCHAR(128), sku_name TEXT, quantity INTEGER NOT NULL,
  currency VARCHAR(3) NOT NULL, order_time {integer}, settled_time {integer}, settled_time_approx {boolean} NOT NULL,
  settlement_amount {integer} NOT NULL, source_fields TEXT NOT NULL, extra TEXT NOT NULL,
  capture VARCHAR(64) NOT NULL, created_at {integer} NOT NULL, updated_at {integer} NOT NULL, {columns})""",
        f"CREATE INDEX {table}_store_id ON {table} (store_id)",
        f"CREATE UNIQUE INDEX {table}_store_id_natural_key ON {table} (store_id, natural_key)",
        f"CREATE INDEX {table}_status_settled_time ON {table} (status, settled_time)",
        f"CREATE INDEX {table}_order_time ON {table} (order_time)",
        f"CREATE INDEX {table}_order_id ON {table} (order_id)",
    ]


def floor_rows(count: int, rows_per_capture: int) -> list[tuple]:
    """The daemon's settlement_line rows for the same records, built before the clock starts."""
    now = int(time.time() * 1000)
    out = []
    for n in range(count):
        oid = order_number(n)
        key = json.dumps(["order_list", oid, "Order"], separators=(",", ":"))
        units = int(amount_text(n).replace(".", "")) * 100  # 1/10000 units, as MoneyField stores
        source = json.dumps([{"name": "settlement_amount", "amount": amount_text(n), "category": "sales",
                              "unmapped": True}])
        extra = json.dumps({"statement_detail_id": f"SD{oid}"}, sort_keys=True)
        capture = f"capture-{n // rows_per_capture:05d}"
        out.append((1, key, hashlib.sha1(key.encode()).hexdigest(), "settled", "Order", oid, None, None, 0, "USD",
                    PLACED_MS + n * 1000, now, True, units, source, extra, capture, now, now,
                    units, *([0] * (len(CATEGORIES) - 1))))
    return out


def sqlite_floor(rows: list[tuple], path: Path) -> float:
    """Seconds for one executemany of all rows in one transaction, WAL + synchronous=NORMAL like the daemon."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=wal")
        con.execute("PRAGMA synchronous=normal")
        for statement in floor_ddl("settlement_line", "INTEGER", "INTEGER", "INTEGER NOT NULL PRIMARY KEY"):
            con.execute(statement)
        sql = (f"INSERT INTO settlement_line ({', '.join(FLOOR_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(FLOOR_COLUMNS))})")
        start = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(sql, rows)
        con.execute("COMMIT")
        elapsed = time.perf_counter() - start
        stored = con.execute("SELECT count(*) FROM settlement_line").fetchone()[0]
    finally:
        con.close()
    if stored != len(rows):
        raise BenchError(f"floor stored {stored} rows of {len(rows)}")
    return elapsed


def pg_floor(rows: list[tuple], url: str) -> float:
    """The same on PostgreSQL: psycopg2 execute_values (500 rows a statement), one transaction, own table."""
    import psycopg2
    from psycopg2.extras import execute_values

    base, schema = split_schema(url)
    conn = psycopg2.connect(base)
    try:
        with conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
            for statement in floor_ddl("floor_line", "BIGINT", "BOOLEAN", "SERIAL PRIMARY KEY"):
                cur.execute(statement)
            conn.commit()
            start = time.perf_counter()
            execute_values(cur, f"INSERT INTO floor_line ({', '.join(FLOOR_COLUMNS)}) VALUES %s", rows,
                           page_size=500)
            conn.commit()
            elapsed = time.perf_counter() - start
            cur.execute("SELECT count(*) FROM floor_line")
            stored = cur.fetchone()[0]
    finally:
        conn.close()
    if stored != len(rows):
        raise BenchError(f"PostgreSQL floor stored {stored} rows of {len(rows)}")
    return elapsed


# report ------------------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def report(run: Run, floors: list[tuple[str, float]], floor_count: int, views: int, captures: int) -> bool:
    """Print the figures; True when every check passed and every target was met."""
    ack50, ack99 = percentile(run.ack_ms, 50), percentile(run.ack_ms, 99)
    fan50, fan99 = percentile(run.fanout_ms, 50), percentile(run.fanout_ms, 99)
    rate_ok = run.lines_per_s >= TARGETS["lines_per_s"]
    ack_ok = ack99 <= TARGETS["ack_p99_ms"]
    fan_ok = fan99 <= TARGETS["fanout_p99_ms"]
    print()
    print(f"database            {run.database}")
    print(f"lines               {run.lines_added:,} stored of {run.lines_sent:,} sent in {captures} captures, "
          f"{run.elapsed_s:.2f} s first send → last ack")
    print(f"throughput          {run.lines_per_s:,.0f} lines/s   (target ≥ {TARGETS['lines_per_s']:,.0f}: "
          f"{verdict(rate_ok)})")
    print(f"ack latency         p50 {ack50:.1f} ms   p99 {ack99:.1f} ms   max {max(run.ack_ms, default=0):.1f} ms"
          f"   (target p99 ≤ {TARGETS['ack_p99_ms']:.0f} ms: {verdict(ack_ok)})")
    print(f"fan-out latency     p50 {fan50:.1f} ms   p99 {fan99:.1f} ms   max {max(run.fanout_ms, default=0):.1f} ms"
          f"   over {len(run.fanout_ms):,} events on {views} views   (target p99 ≤ "
          f"{TARGETS['fanout_p99_ms']:.0f} ms: {verdict(fan_ok)})")
    for label, seconds in floors:
        rate = floor_count / seconds
        print(f"{'floor (' + label + ')':20s}{rate:,.0f} lines/s   ({floor_count:,} rows, one transaction, "
              f"{seconds:.2f} s)   daemon / floor {run.lines_per_s / rate:.2f}")
    events_ok = all(n == captures for n in run.events_per_view) and len(run.events_per_view) == views
    print(f"checks              lines stored: {'ok' if run.lines_added == run.lines_sent else 'FAILED'}; "
          f"every view got {captures} events with rev +1: {'ok' if events_ok and not run.problems else 'FAILED'}")
    for problem in run.problems[:20]:
        print(f"  problem: {problem}")
    return not run.problems and rate_ok and ack_ok and fan_ok


# main --------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--database-url", help="postgresql://… to benchmark PostgreSQL (a schema is created and "
                                          "dropped; ?schema=NAME picks its name); default: SQLite in the data dir")
    p.add_argument("--captures", type=int, default=200, help="captures to send (default 200)")
    p.add_argument("--rows", type=int, default=500, help="order records per capture (default 500)")
    p.add_argument("--views", type=int, default=50, help="/ws/events sockets (default 50)")
    p.add_argument("--window", type=int, default=8, help="captures in flight at once (default 8)")
    p.add_argument("--no-compression", action="store_true",
                   help="extension socket without permessage-deflate (browsers negotiate it)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (daemon.log, database) and print it")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://")):
        print("--database-url: only postgresql:// URLs (SQLite is the default)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="shoptally-bench-"))
    run = Run(label_of(args.database_url))
    daemon_code: int | None = None
    try:
        with contextlib.ExitStack() as stack:
            url = stack.enter_context(pg_schema(args.database_url)) if args.database_url else None
            daemon = Daemon(tmp / "data", url)
            print(f"starting the daemon on {run.database} …", flush=True)
            daemon.start()
            try:
                print(f"port {daemon.port}: {args.views} views, 1 extension, {args.captures} captures × "
                      f"{args.rows} rows, window {args.window} …", flush=True)
                asyncio.run(drive(daemon, args, run))
            finally:
                daemon_code = daemon.stop()
            if daemon_code != 0:
                run.problems.append(f"daemon did not exit cleanly on SIGTERM (code {daemon_code}):\n"
                                    f"{daemon.log_tail()}")
            elif (daemon.data_dir / "daemon.json").exists():
                run.problems.append("daemon.json was left behind after SIGTERM")
            print("floor: the same rows inserted directly …", flush=True)
            rows = floor_rows(run.lines_sent, args.rows)
            floors = [("sqlite3", sqlite_floor(rows, tmp / "floor.db"))]
            if url:
                floors.append(("PostgreSQL", pg_floor(rows, url)))
        ok = report(run, floors, len(rows), args.views, args.captures)
    except BenchError as exc:
        print(f"bench_ingest: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

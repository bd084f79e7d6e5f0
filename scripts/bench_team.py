#!/usr/bin/env python3
"""Team-mode benchmark (issue #20.1): how fast a change committed by one daemon reaches the views of the others.

Creates a fresh schema on a PostgreSQL database, starts three real daemons on it (A, B, C: each
`python -m companion serve --port 0 --no-tray` with a data dir of its own), opens 50 `/ws/events` views spread
over the three (17/17/16), then sends small TikTok order-list captures to A over `/ws/extension`, one at a time
at a steady pace, as a Sync Settlement does page after page. For every change and every view it records when the
view received `tk-settlement.updated`; the latency is that time minus the event's `at`, the commit time A's writer
stamps inside the transaction. The figures that matter are those of the views on B and C (the issue's target:
p99 <= 250 ms); A's own views are shown beside them. The schema is dropped at the end. The machine's load average
is sampled during the run, since the benchmark shares the machine with whatever else runs.
`docs/benchmarks.md` ("Team mode: live events across daemons") says what each figure means.

    .venv/bin/python scripts/bench_team.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import (  # noqa: E402  (the sibling script: its daemon, workload, schema and statistics)
    EVENT,
    BenchError,
    Daemon,
    capture_frame,
    label_of,
    open_extension,
    percentile,
    pg_schema,
)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
NAMES = "ABCDEFGHIJ"  # daemon A takes the captures; the others only listen
TARGET_P99_MS = 250.0
EVENTS_GRACE = 30.0  # after the last ack, how long the views may take to receive the last events
ACK_TIMEOUT = 60.0


@dataclass
class View:
    """One /ws/events socket on daemon `on`: each settlement event's rev, receive time and `at`."""

    on: str
    ws: ClientConnection
    hello_rev: int
    heard: dict[int, tuple[float, float]] = field(default_factory=dict)  # rev -> (received, at), wall clock
    order: list[int] = field(default_factory=list)

    async def listen(self) -> None:
        with contextlib.suppress(Exception):  # the socket closing at the end is the normal way out
            async for text in self.ws:
                received = time.time()
                if EVENT not in text:
                    continue
                event = json.loads(text)
                self.heard[event["rev"]] = (received, datetime.fromisoformat(event["at"]).timestamp())
                self.order.append(event["rev"])


@dataclass
class Run:
    """What one run measured, in ms unless named otherwise."""

    changes: int = 0
    remote_ms: list[float] = field(default_factory=list)  # views on the other daemons: received − at
    per_daemon_ms: dict[str, list[float]] = field(default_factory=dict)
    own_ms: list[float] = field(default_factory=list)  # views on A: received − at
    after_a_ms: list[float] = field(default_factory=list)  # views on the other daemons: received − first arrival on A
    ack_ms: list[float] = field(default_factory=list)  # A's ack received − at (the ack is sent after commit)
    round_trip_ms: list[float] = field(default_factory=list)  # a capture sent to A − its ack received
    load: list[tuple[float, float, float]] = field(default_factory=list)
    elapsed_s: float = 0.0
    problems: list[str] = field(default_factory=list)


async def open_view(on: str, daemon: Daemon) -> View:
    """A view as the Finance view opens it: own origin; signed in with the data dir's token, as scripts are."""
    ws = await connect(f"ws://127.0.0.1:{daemon.port}/ws/events", origin=Origin(f"http://127.0.0.1:{daemon.port}"),
                       additional_headers={"Authorization": f"Bearer {daemon.token}"}, proxy=None,
                       open_timeout=30)
    hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if hello.get("event") != "hello":
        raise BenchError(f"events socket on {on} opened with {hello!r} instead of hello")
    return View(on, ws, int(hello["rev"]))


def spread(views: int, daemons: int) -> list[int]:
    """`views` over `daemons` as evenly as possible, the first ones getting one more (50 -> 17, 17, 16)."""
    return [views // daemons + (1 if i < views % daemons else 0) for i in range(daemons)]


async def sample_load(run: Run, stop: asyncio.Event) -> None:
    while not stop.is_set():
        run.load.append(os.getloadavg())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def send_captures(ext: ClientConnection, args: argparse.Namespace, acks: list[tuple[str, float]],
                        run: Run) -> None:
    """One capture at a time on a fixed schedule (`--interval`), each waiting for its ack, as a sync's pages do."""
    start = time.monotonic()
    for i in range(args.changes):
        delay = start + i * args.interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        cid, frame = capture_frame(i, args.rows)
        sent = time.time()
        await ext.send(frame)
        while True:
            msg = json.loads(await asyncio.wait_for(ext.recv(), ACK_TIMEOUT))
            if msg.get("type") == "ack" and msg.get("id") == cid:
                break
            if msg.get("type") in ("ack", "error"):
                raise BenchError(f"capture {i}: expected its ack, got {json.dumps(msg)[:300]}")
        acks.append((cid, time.time()))
        run.round_trip_ms.append((acks[-1][1] - sent) * 1000)
        if msg.get("added") != args.rows:
            raise BenchError(f"capture {i} added {msg.get('added')} lines, not {args.rows}: {json.dumps(msg)[:300]}")


async def drive(daemons: dict[str, Daemon], args: argparse.Namespace, run: Run) -> None:
    counts = spread(args.views, len(daemons))
    views = await asyncio.gather(*(open_view(name, daemons[name])
                                   for name, n in zip(daemons, counts, strict=True) for _ in range(n)))
    hello_revs = {v.hello_rev for v in views}
    if len(hello_revs) != 1:
        raise BenchError(f"the views' hellos disagree on the rev: {sorted(hello_revs)}")
    first_rev = hello_revs.pop() + 1
    listeners = [asyncio.create_task(v.listen()) for v in views]
    ext = await open_extension(daemons["A"].port, daemons["A"].token, "deflate")
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_load(run, stop))
    acks: list[tuple[str, float]] = []
    t0 = time.monotonic()
    try:
        await send_captures(ext, args, acks, run)
        run.elapsed_s = time.monotonic() - t0
        deadline = time.monotonic() + EVENTS_GRACE
        while time.monotonic() < deadline and any(len(v.heard) < args.changes for v in views):
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await sampler
        await ext.close()
        for v in views:
            await v.ws.close()
        await asyncio.gather(*listeners, return_exceptions=True)
    run.changes = len(acks)
    collect(views, acks, first_rev, run)


def collect(views: list[View], acks: list[tuple[str, float]], first_rev: int, run: Run) -> None:
    """Latencies per (change, view), and the checks: every view heard every change once, in rev order."""
    revs = list(range(first_rev, first_rev + run.changes))
    for v in views:
        if v.order != revs:
            run.problems.append(f"a view on {v.on} heard revs {v.order[:5]}… ({len(v.order)}), expected "
                                f"{first_rev}…{revs[-1] if revs else first_rev} ({len(revs)}) once each, in order")
    on_a = [v for v in views if v.on == "A"]
    for k, rev in enumerate(revs):
        first_on_a = min((v.heard[rev][0] for v in on_a if rev in v.heard), default=None)
        at = next((v.heard[rev][1] for v in views if rev in v.heard), None)
        if at is not None:
            run.ack_ms.append((acks[k][1] - at) * 1000)
        for v in views:
            if rev not in v.heard:
                continue
            received, at = v.heard[rev]
            ms = (received - at) * 1000
            if v.on == "A":
                run.own_ms.append(ms)
                continue
            run.remote_ms.append(ms)
            run.per_daemon_ms.setdefault(v.on, []).append(ms)
            if first_on_a is not None:
                run.after_a_ms.append((received - first_on_a) * 1000)


# report ------------------------------------------------------------------------------------------
def figures(values: list[float]) -> str:
    return (f"n {len(values):>5,}   p50 {percentile(values, 50):6.1f}   p95 {percentile(values, 95):6.1f}   "
            f"p99 {percentile(values, 99):6.1f}   max {max(values, default=float('nan')):6.1f} ms")


def report(run: Run, database: str, counts: list[int], args: argparse.Namespace) -> bool:
    """Print the figures; True when every check passed and the target was met (with one daemon: the checks)."""
    others = NAMES[1:args.daemons]
    ok = not others or percentile(run.remote_ms, 99) <= TARGET_P99_MS
    one_min = [sample[0] for sample in run.load] or [float("nan")]
    views = ", ".join(f"{n} {c}" for n, c in zip(NAMES, counts, strict=False))
    pace = f"one every {args.interval * 1000:.0f} ms" if args.interval > 0 else "back to back"
    print()
    print(f"database            {database}, one fresh schema, {args.daemons} daemon(s)")
    print(f"views               {args.views}: {views}")
    print(f"changes             {run.changes} captures of {args.rows} order rows sent to A, {pace} (each after "
          f"the previous ack), {run.elapsed_s:.1f} s")
    if others:
        label = "/".join(others)
        print(f"{'on views of ' + label:20s}{figures(run.remote_ms)}   (target p99 ≤ {TARGET_P99_MS:.0f} ms: "
              f"{'met' if ok else 'NOT MET'})")
        for name in others if len(others) > 1 else ():
            print(f"{'  of which on ' + name:20s}{figures(run.per_daemon_ms.get(name, []))}")
    print(f"on views of A       {figures(run.own_ms)}")
    if others:
        print(f"{label + ' after A' + chr(39) + 's first':20s}{figures(run.after_a_ms)}")
    print(f"A's ack after at    {figures(run.ack_ms)}")
    print(f"capture → ack on A  {figures(run.round_trip_ms)}")
    print(f"load average (1 min) during the run: min {min(one_min):.2f}   mean {sum(one_min) / len(one_min):.2f}   "
          f"max {max(one_min):.2f}   ({len(run.load)} samples, {os.cpu_count()} cores)")
    print(f"checks              every view heard every change once, in rev order: "
          f"{'ok' if not run.problems else 'FAILED'}")
    for problem in run.problems[:20]:
        print(f"  problem: {problem}")
    return ok and not run.problems


# main --------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--database-url", default=DEFAULT_URL,
                   help=f"the PostgreSQL database the daemons share (a schema is created and dropped; "
                        f"?schema=NAME picks its name); default {DEFAULT_URL}")
    p.add_argument("--changes", type=int, default=200, help="captures sent to daemon A (default 200)")
    p.add_argument("--rows", type=int, default=50, help="order records per capture (default 50, one page)")
    p.add_argument("--daemons", type=int, default=3, choices=range(1, len(NAMES) + 1), metavar="N",
                   help="daemons on the schema (default 3); 1 measures a lone daemon's own views, for comparison")
    p.add_argument("--views", type=int, default=50, help="/ws/events sockets spread over the daemons (default 50)")
    p.add_argument("--interval", type=float, default=0.25,
                   help="seconds from one capture to the next, if its ack came sooner (default 0.25)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (the daemons' logs) and print it")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        print("--database-url: a postgresql:// URL (team mode is PostgreSQL only)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="shoptally-bench-team-"))
    run = Run()
    counts = spread(args.views, args.daemons)
    ok = False
    try:
        with pg_schema(args.database_url) as url:
            daemons = {name: Daemon(tmp / name / "data", url) for name in NAMES[:args.daemons]}
            try:
                for name, daemon in daemons.items():  # one after the other: A migrates, the others find it done
                    (tmp / name).mkdir()
                    print(f"starting daemon {name} …", flush=True)
                    daemon.start()
                print(f"ports {', '.join(f'{n} {d.port}' for n, d in daemons.items())}: {args.views} views, "
                      f"{args.changes} captures to A …", flush=True)
                asyncio.run(drive(daemons, args, run))
            finally:
                for name, daemon in daemons.items():
                    code = daemon.stop()
                    if code not in (0, None):
                        run.problems.append(f"daemon {name} exited with {code}:\n{daemon.log_tail()}")
        ok = report(run, label_of(args.database_url), counts, args)
    except BenchError as exc:
        print(f"bench_team: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

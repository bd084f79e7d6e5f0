#!/usr/bin/env python3
"""Import and report benchmark: how fast report files import, how much memory that takes, how fast reports run.

1. Writes a 200,000-row TikTok US "Order details" export as CSV and as XLSX (the columns of a real export,
   orders and adjustments, every money column filled as the platform fills it).
2. Imports each with the real program (`python -m companion import`, a fresh SQLite data dir; offline, or with
   `--via daemon` through a running `shoptally serve`, which reads the file in a process of its own) and
   measures rows/s and the peak resident memory of that process (or of the daemon's processes); checks every
   row was stored.
3. The floor: `csv.reader` over the CSV plus one `sqlite3.executemany` of the parsed rows.
4. Stores 1,000,000 settlement lines over 5 stores and 12 months through the store's own write path, then
   times a one-month report by store and by SKU (median of 5 runs).

    .venv/bin/python scripts/bench_import.py [--rows 200000] [--lines 1000000] [--repeat 3] [--via daemon] [--keep]

`docs/benchmarks.md` records the figures and says what each one means.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS = {"csv_rows_per_s": 20_000, "xlsx_rows_per_s": 10_000, "peak_rss_mb": 500, "month_by_store_ms": 300,
           "month_by_sku_ms": 1_000}
HEADER = [
    "Statement date (UTC)", "Statement ID", "Payment ID", "Status", "Currency", "Type", "Order/adjustment ID",
    "SKU ID", "Quantity", "Product name", "SKU name", "Seller SKU", "Order created date", "Order delivery date",
    "Total settlement amount", "Net sales", "Gross sales", "Gross sales refund", "Seller discount",
    "Seller discount refund", "Shipping", "TikTok Shop shipping fee", "Fulfilled by TikTok Shop (FBT) shipping fee",
    "FBT fulfillment fee", "FBT fulfillment fee reimbursement", "Customer shipping fee offset",
    "Signature confirmation service fee", "Shipping insurance fee", "Customer-paid shipping fee",
    "Customer-paid shipping fee refund", "TikTok Shop shipping incentive", "TikTok Shop shipping incentive refund",
    "Shipping fee subsidy", "Return shipping fee", "Fees", "Transaction fee", "Referral fee",
    "Refund administration fee", "Affiliate commission", "Affiliate partner commission",
    "Affiliate Shop Ads commission", "Affiliate Partner shop ads commission", "Co-funded promotion (seller-funded)",
    "Campaign service fee", "Adjustment amount", "Adjustment reason", "Related order ID", "Customer payment",
    "Customer refund", "Platform discounts", "Platform discounts refund", "Sales tax payment", "Sales tax refund",
]
COL = {h: i for i, h in enumerate(HEADER)}


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def export_rows(n: int, seed: int = 7) -> list[list[str]]:
    """n rows: orders with 1-3 SKUs, sometimes refunded, and an adjustment every 50 rows."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    start = datetime(2025, 9, 1, tzinfo=UTC)
    order = 0
    while len(rows) < n:
        order += 1
        statement_day = start + timedelta(days=(order * 30) // max(n, 1))
        statement = f"74{statement_day:%Y%m%d}0001"
        if order % 50 == 0:
            cents = -rng.randint(100, 5_000)
            row = ["0"] * len(HEADER)
            row[COL["Type"]], row[COL["Order/adjustment ID"]] = "Chargeback", f"7123{order:012d}"
            row[COL["Adjustment amount"]] = row[COL["Total settlement amount"]] = money(cents)
            row[COL["Adjustment reason"]], row[COL["Related order ID"]] = "Chargeback", f"5769{order - 1:012d}"
            for text in ("SKU ID", "Quantity", "Product name", "SKU name", "Seller SKU", "Order created date",
                         "Order delivery date"):
                row[COL[text]] = ""
            _stamp(row, statement_day, statement)
            rows.append(row)
            continue
        skus = rng.sample(range(1, 5_001), rng.randint(1, 3))  # distinct SKUs within one order
        for line, sku in enumerate(skus):
            if len(rows) >= n:
                break
            qty = rng.randint(1, 3)
            gross = qty * rng.randint(500, 8_000)
            discount = -rng.randint(0, gross // 10)
            refunded = rng.random() < 0.05
            parts = {
                "Gross sales": gross, "Seller discount": discount,
                "Gross sales refund": -gross if refunded else 0, "Seller discount refund": -discount if refunded else 0,
                "Customer-paid shipping fee": 599 if line == 0 else 0, "TikTok Shop shipping fee": -599 if line == 0
                else 0, "Transaction fee": -(gross * 3 // 100), "Referral fee": -(gross * 8 // 100),
                "Affiliate commission": -(gross * 10 // 100) if rng.random() < 0.3 else 0,
            }
            row = ["0"] * len(HEADER)
            for name, cents in parts.items():
                row[COL[name]] = money(cents)
            net = gross + discount + parts["Gross sales refund"] + parts["Seller discount refund"]
            shipping = parts["Customer-paid shipping fee"] + parts["TikTok Shop shipping fee"]
            fees = parts["Transaction fee"] + parts["Referral fee"] + parts["Affiliate commission"]
            row[COL["Net sales"]], row[COL["Shipping"]], row[COL["Fees"]] = money(net), money(shipping), money(fees)
            row[COL["Total settlement amount"]] = money(net + shipping + fees)
            row[COL["Type"]], row[COL["Order/adjustment ID"]] = "Order", f"5769{order:012d}"
            row[COL["SKU ID"]], row[COL["Quantity"]] = f"1729{sku:015d}", str(qty)
            row[COL["Product name"]], row[COL["SKU name"]] = f"Product {sku}", f"Variant {sku % 7}"
            row[COL["Seller SKU"]] = f"MSKU-{sku % 1_500}"
            created = statement_day - timedelta(days=10)
            row[COL["Order created date"]] = f"{created:%Y/%m/%d}"
            row[COL["Order delivery date"]] = f"{created + timedelta(days=4):%Y/%m/%d}"
            row[COL["Adjustment reason"]] = row[COL["Related order ID"]] = ""
            _stamp(row, statement_day, statement)
            rows.append(row)
    return rows


def _stamp(row: list[str], day: datetime, statement: str) -> None:
    row[COL["Statement date (UTC)"]] = f"{day:%Y/%m/%d}"
    row[COL["Statement ID"]], row[COL["Payment ID"]] = statement, f"P{statement}"
    row[COL["Status"]], row[COL["Currency"]] = "Paid", "USD"


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import xlsxwriter

    numeric = {i for i, h in enumerate(HEADER) if h not in {
        "Statement date (UTC)", "Statement ID", "Payment ID", "Status", "Currency", "Type", "Order/adjustment ID",
        "SKU ID", "Product name", "SKU name", "Seller SKU", "Order created date", "Order delivery date",
        "Adjustment reason", "Related order ID"}}
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Order details")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c in numeric and value:
                sheet.write_number(r, c, float(value))
            elif value:
                sheet.write_string(r, c, value)
    book.close()


def tree_rss(pid: int) -> int:
    """Resident memory (kB) of a process and all its descendants now (Linux /proc). Children are found
    through /proc/PID/task/TID/children, so a sample reads a handful of small files: scanning all of /proc
    every 50 ms would take a tenth of a core from the import it measures."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
                break
        for task in tasks:
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return total


def settle() -> None:
    """Let the files just written reach the disk first, so their write-back does not land in the next
    measurement (the import ends with an fsync that would wait for it)."""
    os.sync()
    time.sleep(1)


def run_import(path: Path, work: Path, via: str = "offline") -> tuple[float, float, str]:
    """(seconds, peak resident memory in MB of the import: its process and its worker processes together, or
    with a daemon the daemon's processes, sampled every 50 ms, its output)."""
    data = work / f"data-{path.suffix[1:]}"
    shutil.rmtree(data, ignore_errors=True)  # a fresh data dir each run: every row is new
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTALLY_")}
    daemon = start_daemon(data, env) if via == "daemon" else None
    try:
        args = [sys.executable, "-m", "companion", "import", "--data-dir", str(data), "--json", str(path)]
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(daemon.pid) if daemon else tree_rss(proc.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    finally:
        if daemon is not None:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(30)
    out = proc.stdout.read().decode() + proc.stderr.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"import of {path.name} failed ({proc.returncode}): {out}")
    return elapsed, peak / 1024, out


def start_daemon(data: Path, env: dict) -> subprocess.Popen:
    """`shoptally serve` on a fresh data dir, once it answers (daemon.json names it)."""
    daemon = subprocess.Popen([sys.executable, "-m", "companion", "serve", "--port", "0", "--no-tray", "--data-dir",
                               str(data)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if json.loads((data / "daemon.json").read_text()).get("pid") == daemon.pid:
                time.sleep(1)  # its parsing processes warm up, as they have in a daemon that runs
                return daemon
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    daemon.kill()
    raise SystemExit("the daemon did not start")


def floor(path: Path, work: Path) -> float:
    """csv.reader over the file plus one sqlite3.executemany of the parsed rows, in one transaction."""
    db = work / "floor.db"
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = list(reader)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=normal")
    con.execute(f"CREATE TABLE t ({', '.join(f'c{i} TEXT' for i in range(len(HEADER)))})")
    with con:
        con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(HEADER))})", rows)
    con.close()
    return time.perf_counter() - start


def report_latency(work: Path, lines: int) -> dict[str, list[float]]:
    """1,000,000 lines over 5 stores and 12 months, written through the store; then one month's reports."""
    from companion.reports import reporting
    from companion.sources.model import SETTLED, SKU_SPLIT, Line, StoreRef
    from companion.store import settlements
    from companion.store.db import close_database, open_database, sqlite_url
    from companion.store.writer import run_inline

    db = open_database(sqlite_url(work / "report.db"))
    rng = random.Random(11)
    stores = [StoreRef("tiktok", f"shop{i}", "US", f"Shop {i}", "USD", "America/Los_Angeles") for i in range(5)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    per_batch = 5_000
    t0 = time.perf_counter()
    for b in range(0, lines, per_batch):
        batch = []
        for n in range(b, min(b + per_batch, lines)):
            when = start + timedelta(seconds=n * (365 * 86_400) // lines)
            cents = rng.randint(500, 20_000)
            sales = Decimal(cents).scaleb(-2)
            fee = -(Decimal(cents * 11 // 100).scaleb(-2))
            batch.append(Line(
                store=stores[n % 5], key=("sku", "S", str(n), ""), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=sales + fee, amounts={"sales": sales, "promotion_fee": fee},
                order_id=f"O{n}", sku_id=f"SKU{rng.randint(1, 2_000)}", quantity=1, order_time=when,
                settled_time=when + timedelta(days=9), reference=f"O{n}", detail=SKU_SPLIT, statement_id="S"))
        run_inline(db, settlements.apply_lines, batch, f"bench-{b}", "import")
    load_s = time.perf_counter() - t0
    now = datetime(2026, 1, 15, tzinfo=UTC)
    timings: dict[str, list[float]] = {"store": [], "sku": []}
    for by in ("store", "sku"):
        reporting.profit_report(period="2025-06", by=by, now=now)  # warm the page cache once
        for _ in range(5):
            t = time.perf_counter()
            rep = reporting.profit_report(period="2025-06", by=by, now=now)
            timings[by].append((time.perf_counter() - t) * 1000)
        rows = len(rep["rows"])
        print(f"  month by {by}: {rows} rows")
    close_database()
    print(f"  (stored {lines:,} lines in {load_s:.1f} s through the store's write path)")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="imports of each file (the median counts)")
    parser.add_argument("--via", choices=("offline", "daemon"), default="offline",
                        help="import with no daemon running (the default), or through a running daemon")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and print its path")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="shoptally-bench-import-"))
    ok = True
    try:
        print(f"writing a {args.rows:,}-row US Order details export …")
        rows = export_rows(args.rows)
        csv_path, xlsx_path = work / "TikTok_BenchShop_结算_2025-09.csv", work / "TikTok_BenchShop_结算_2025-09.xlsx"
        write_csv(csv_path, rows)
        write_xlsx(xlsx_path, rows)
        print(f"  CSV {csv_path.stat().st_size / 1e6:.1f} MB, XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB")
        del rows
        settle()
        floor_s = floor(csv_path, work)
        floor_rate = args.rows / floor_s
        for path, target in ((csv_path, "csv_rows_per_s"), (xlsx_path, "xlsx_rows_per_s")):
            runs = []
            for _ in range(args.repeat):
                settle()
                seconds, rss, out = run_import(path, work, args.via)
                added = int(out.split('"added": ')[1].split(",")[0])
                runs.append((seconds, rss, added))
            seconds = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            rate = args.rows / seconds
            stored_ok = all(r[2] == args.rows for r in runs)
            met = rate >= TARGETS[target] and rss <= TARGETS["peak_rss_mb"] and stored_ok
            ok &= met
            kind = path.suffix[1:].upper()
            each = ", ".join(f"{args.rows / r[0]:,.0f}" for r in runs)
            print(f"{kind:5} import   {rate:10,.0f} rows/s ({seconds:.1f} s, median of {each})   peak RSS {rss:6.0f} MB"
                  f"   rows stored {runs[-1][2]:,}/{args.rows:,} each run   targets ≥ {TARGETS[target]:,} rows/s, ≤ "
                  f"{TARGETS['peak_rss_mb']} MB: {'met' if met else 'NOT MET'}   vs floor {rate / floor_rate:.2f}")
        print(f"floor      {floor_rate:10,.0f} rows/s ({floor_s:.1f} s): csv.reader + sqlite3.executemany")
        print(f"storing {args.lines:,} lines over 5 stores and 12 months …")
        timings = report_latency(work, args.lines)
        for by, key in (("store", "month_by_store_ms"), ("sku", "month_by_sku_ms")):
            median, worst = statistics.median(timings[by]), max(timings[by])
            met = median <= TARGETS[key]
            ok &= met
            print(f"report 2025-06 by {by:5}  median {median:7.1f} ms   max {worst:7.1f} ms   "
                  f"target ≤ {TARGETS[key]} ms: {'met' if met else 'NOT MET'}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

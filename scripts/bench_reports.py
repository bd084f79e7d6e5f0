#!/usr/bin/env python3
"""Payments and tax reports benchmark: how fast /api/reports/payments and /api/reports/tax answer, and how fast
the Finance view's Payments and Taxes tabs draw, on 1,000,000 settlement lines (issue #18 point 7).

1. Stores 1,000,000 lines over 5 stores and the last 12 months, as scripts/bench_view.py does (one statement
   per store and day), except that every third line carries a sales tax and every fiftieth a VAT withheld by
   TikTok Shop, so the tax report has a third of the lines to read.
2. Starts the real daemon on it and times each route over HTTP (this month, this year; median of --repeat).
3. In headless Chromium, times the view's first load on each tab (navigation to figures on screen) and the
   filter change to "This year" and back (the view's own `lastRefreshMs`).

    .venv/bin/python scripts/bench_reports.py [--lines 1000000] [--repeat 3]

Targets (the view benchmark's): first load <= 1 s, filter change <= 300 ms. docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_view import STORES, TARGETS, browser, filter_change, start_daemon, wait_for_totals  # noqa: E402

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def store_lines(data: Path, lines: int, now: datetime) -> float:
    from companion.sources.model import SETTLED, SKU_SPLIT, Line, SourceField, StoreRef
    from companion.store import settlements
    from companion.store.db import close_database, open_database, sqlite_url
    from companion.store.writer import run_inline

    data.mkdir(parents=True, exist_ok=True)
    db = open_database(sqlite_url(data / "shoptally.db"))
    rng = random.Random(11)
    stores = [StoreRef("tiktok", f"74950000000000{i:05d}", "US", f"TikTok US Shop {i}", "USD", "America/Los_Angeles")
              for i in range(STORES)]
    start = now - timedelta(days=365)
    t0 = time.perf_counter()
    for b in range(0, lines, 5_000):
        batch = []
        for n in range(b, min(b + 5_000, lines)):
            when = start + timedelta(seconds=n * (365 * 86_400) // lines)
            cents = rng.randint(500, 20_000)
            sales = Decimal(cents).scaleb(-2)
            fee = -(Decimal(cents * 11 // 100).scaleb(-2))
            amounts = {"sales": sales, "promotion_fee": fee}
            fields = [SourceField("Gross sales", sales, "sales"), SourceField("Referral fee", fee, "promotion_fee")]
            if n % 3 == 0:
                tax = -(Decimal(cents * 7 // 100).scaleb(-2))
                amounts["sales_tax"] = tax
                fields.append(SourceField("Sales tax payment", tax, "sales_tax"))
            if n % 50 == 0:
                vat = -(Decimal(cents // 100).scaleb(-2))
                amounts["vat"] = vat
                fields.append(SourceField("VAT withheld by TikTok Shop", vat, "vat"))
            sku = f"1729{rng.randint(1, 2_000):015d}"
            batch.append(Line(
                store=stores[n % STORES], key=("sku", "S", str(n), sku), status=SETTLED, txn_type="Order",
                currency="USD", settlement_amount=sum(amounts.values(), Decimal(0)), amounts=amounts, fields=fields,
                order_id=f"5769{n:012d}", sku_id=sku, quantity=1 + n % 3, order_time=when - timedelta(days=9),
                settled_time=when, reference=f"5769{n:012d}", detail=SKU_SPLIT, statement_id=f"ST{when:%Y%m%d}"))
        run_inline(db, settlements.apply_lines, batch, f"bench-{b}", "import")
    close_database()
    return time.perf_counter() - t0


def timed_get(url: str, token: str) -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    t0 = time.perf_counter()
    with _NO_PROXY.open(request, timeout=120) as resp:
        body = resp.read()
    return (time.perf_counter() - t0) * 1000, body


def first_load(driver, url: str) -> float:
    driver.get("about:blank")
    t0 = time.perf_counter()
    driver.get(url)
    deadline = time.monotonic() + 60
    while driver.execute_script("return document.body && document.body.dataset.ready === 'true' && "
                                "!window.shoptallyView.busy") is not True:
        if time.monotonic() > deadline:
            raise SystemExit(f"the view did not show its figures within 60 s ({url})")
        time.sleep(0.005)
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the data dir (its path is printed)")
    parser.add_argument("--data", type=Path, help="a data dir a --keep run left: its lines are not stored again")
    args = parser.parse_args()
    work = args.data.parent if args.data else Path(tempfile.mkdtemp(prefix="shoptally-bench-reports-"))
    data = args.data or work / "data"
    proc = None
    ok = True
    try:
        if not args.data:
            print(f"storing {args.lines:,} lines over {STORES} stores and 12 months …")
            print(f"  stored in {store_lines(data, args.lines, datetime.now(UTC)):.1f} s")
        proc, port = start_daemon(data)
        base = f"http://127.0.0.1:{port}"
        print(f"  day totals added up in {wait_for_totals(data):.1f} s")
        token = (data / "token").read_text(encoding="utf-8").strip()
        for route in ("payments", "tax"):  # from lines: a year, before any report has kept its sums
            took = timed_get(f"{base}/api/reports/{route}?period=this-year", token)[0]
            print(f"GET /api/reports/{route}?period=this-year   from lines {took:7.1f} ms")
            time.sleep(3)
        for route in ("payments", "tax"):
            for period in ("this-month", "this-year"):
                url = f"{base}/api/reports/{route}?period={period}"
                cold = timed_get(url, token)[0]  # the first: from lines (nothing kept yet at this period's start)
                time.sleep(3)  # the sums kept after an answer are added up in the background
                times = [timed_get(url, token)[0] for _ in range(args.repeat)]
                print(f"GET /api/reports/{route}?period={period:10}  first {cold:7.1f} ms   then median "
                      f"{statistics.median(times):7.1f} ms")
        driver = browser()
        try:
            driver.get(f"{base}/?token={token}")
            for tab in ("payments", "taxes"):
                url = f"{base}/?tab={tab}"
                first_load(driver, url)  # warm
                loads = [first_load(driver, url) for _ in range(args.repeat)]
                med = statistics.median(loads)
                ok &= med <= TARGETS["first_load_ms"]
                print(f"{tab:8} tab first load  median {med:7.1f} ms   target ≤ {TARGETS['first_load_ms']} ms")
                for name, period in (("this year", "this-year"), ("this month", "this-month")):
                    script = f"document.querySelector('[data-period=\"{period}\"]').click()"
                    times = [filter_change(driver, script if i % 2 == 0 else script.replace(period, "last-month"))
                             for i in range(2 * args.repeat - 1)][::2]
                    med = statistics.median(times)
                    ok &= med <= TARGETS["filter_change_ms"]
                    print(f"{tab:8} tab to {name:10}  median {med:7.1f} ms   target ≤ {TARGETS['filter_change_ms']} ms")
        finally:
            driver.quit()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if args.keep or args.data:
            print(f"data kept in {data}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("every target met" if ok else "a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

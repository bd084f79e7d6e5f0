"""Day totals: a report read from them says exactly what the same report says from the lines, whatever
wrote the lines, in zones with summer time and with offsets of 45 minutes; stale parts are never read."""

from __future__ import annotations

import ast
import asyncio
import random
import re
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.ledger.fx import Rate
from companion.reports.reporting import profit_report, store_bounds, store_periods
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, StoreRef
from companion.store import line_totals, seller_inputs, settlements, stores
from companion.store.models import SettlementLine, Store
from companion.store.writer import run_inline

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
REFS = [StoreRef("tiktok", "7001", "US", "LA shop", "USD", "America/Los_Angeles"),
        StoreRef("tiktok", "7002", "NP", "Kathmandu shop", "USD", "Asia/Kathmandu"),
        StoreRef("temu", "7003", "CN", "Shanghai shop", "CNY", "Asia/Shanghai")]
PERIODS = ["this-year", "this-month", "last-7-days", "yesterday", "today", "all", "2026-03", "2026-11",
           "2025-11-02..2026-03-09", "2026-10-31..2026-11-02"]


def line(rng: random.Random, n: int, ref: StoreRef, when: datetime | None, status: str = SETTLED,
         family: str = "sku", amount: Decimal | None = None, order_time: datetime | None = None) -> Line:
    cents = rng.randint(-3_000, 30_000)
    sales = Decimal(abs(cents)).scaleb(-2)
    refund = -sales if cents < 0 else Decimal(0)
    fee = -Decimal(abs(cents) * 8 // 100).scaleb(-2)
    total = sales + refund + fee if amount is None else amount
    sku = f"SKU{rng.randint(1, 6)}"
    return Line(store=ref, key=(family, str(n)), status=status, txn_type="Order", currency=ref.currency,
                settlement_amount=total, amounts={"sales": sales, "income_refund": refund, "platform_fee": fee},
                order_id=f"O{n}", sku_id=sku, quantity=1 + n % 3,
                order_time=order_time if order_time is not None else (when - timedelta(hours=n % 50)) if when else None,
                settled_time=when if status == SETTLED else None, reference=f"O{n}", detail=SKU_SPLIT)


def seed(db) -> list[Line]:
    """Lines of three stores over two years, crowded around summer-time changes and local midnights."""
    rng = random.Random(7)
    lines = []
    starts = [datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 3, 8, 9, 0, tzinfo=UTC),
              datetime(2026, 11, 1, 6, 0, tzinfo=UTC), datetime(2026, 11, 21, 18, 0, tzinfo=UTC)]
    for n in range(1_200):
        ref = REFS[n % 3]
        base = starts[n % 4]
        span = 700 * 86_400 if n % 4 == 0 else 6 * 3_600
        when = base + timedelta(seconds=rng.randrange(span))
        if n % 17 == 0:  # in transit, no amount yet: the order basis estimates it from its SKU
            lines.append(line(rng, n, ref, None, IN_TRANSIT, amount=Decimal(0), order_time=when))
        elif n % 29 == 0:  # in transit with neither time
            lines.append(line(rng, n, ref, None, IN_TRANSIT))
        else:
            lines.append(line(rng, n, ref, when))
    run_inline(db, settlements.apply_lines, lines, "seed", "import")
    return lines


def stale_everything(db) -> None:
    for store in Store.select():
        db.execute_sql(f'INSERT INTO "line_total_dirty" ("store_id", "hour") VALUES ({store.id}, -1) '
                       'ON CONFLICT DO NOTHING')


def fresh_stores(period: str, basis: str = "settlement") -> set[str]:
    """The stores whose report of the period would be read from day totals."""
    targets = stores.all_stores()
    periods = store_periods(period, targets, NOW)
    bounds = store_bounds(targets, periods)
    cuts = {s.id: [] for s in targets}
    ids = line_totals.usable(bounds, cuts, {s.id: s.timezone for s in targets})
    return {s.name for s in targets if s.id in ids}


def from_lines(db, **kw) -> dict:
    """The report as the lines say it: with the day totals of every store marked stale, then unmarked."""
    stale_everything(db)
    try:
        return profit_report(now=NOW, **kw)
    finally:
        db.execute_sql('DELETE FROM "line_total_dirty" WHERE "hour" = -1')


def test_reports_from_day_totals_equal_reports_from_lines(db, monkeypatch):
    read: list[set[int]] = []  # the stores each report read from day totals
    real = line_totals.buckets
    monkeypatch.setattr(line_totals, "buckets", lambda basis, bounds, *a: read.append(set(bounds)) or real(
        basis, bounds, *a))
    seeded = seed(db)
    names = {r.name for r in REFS}
    assert fresh_stores("this-year") == set()  # nothing added up yet: every store reads its lines
    run_inline(db, line_totals.rebuild_all)
    assert line_totals.stale_stores() == []
    assert fresh_stores("this-year") == names
    rows = db.execute_sql('SELECT COUNT(*) FROM "line_total"').fetchone()[0]
    assert 0 < rows < SettlementLine.select().count()
    run_inline(db, seller_inputs.save_rates, [Rate(date(2024, 12, 1), "CNY", "USD", Decimal("0.1385")),
                                              Rate(date(2026, 3, 8), "CNY", "USD", Decimal("0.1391"))])
    checked = 0
    for period in PERIODS:
        for basis in ("settlement", "order"):
            for account in (None, "Kathmandu shop"):
                for currency in (None, "USD") if period != "all" else (None,):
                    read.clear()
                    totals = profit_report(period=period, basis=basis, account=account, currency=currency, now=NOW)
                    assert len(read) == 1 and len(read[0]) == (1 if account else 3)
                    lines = from_lines(db, period=period, basis=basis, account=account, currency=currency)
                    assert len(read) == 1  # every store stale: none read from totals
                    assert totals == lines, (period, basis, account, currency)
                    checked += 1
    assert checked == 76
    # and the figure itself, added up here from the lines as seeded: 2026 in Los Angeles, settled
    la_zone = ZoneInfo("America/Los_Angeles")
    expected = sum((ln.settlement_amount for ln in seeded if ln.store == REFS[0] and ln.status == SETTLED
                    and ln.settled_time.astimezone(la_zone).year == 2026), Decimal(0))
    year = profit_report(period="this-year", now=NOW)
    la = next(r for r in year["rows"] if r["key"] == {"account": "LA shop"})
    assert Decimal(la["settlement_amount"]) == expected.quantize(Decimal("0.01"))
    assert la["settlement_amount"] == f"{expected:.2f}" and expected != 0


def test_every_write_path_marks_what_it_changes_and_a_rebuild_follows(db):
    lines = seed(db)
    run_inline(db, line_totals.rebuild_all)
    la = REFS[0]
    # an update that moves a line from March to November: both months are stale, other months are not
    moved = next(ln for ln in lines if ln.store == la and ln.status == SETTLED and ln.settled_time.month == 3
                 and ln.settled_time.year == 2026)
    new = replace(moved, settled_time=datetime(2026, 11, 10, 20, 0, tzinfo=UTC), settlement_amount=Decimal("77.77"),
                  amounts={"sales": Decimal("77.77")})
    before = from_lines(db, period="2026-11", account="LA shop")
    run_inline(db, settlements.apply_lines, [new], "update", "capture")
    assert "LA shop" not in fresh_stores("2026-11") and "LA shop" not in fresh_stores("2026-03")
    assert "LA shop" in fresh_stores("2026-05") and "Kathmandu shop" in fresh_stores("2026-11")
    after = profit_report(period="2026-11", account="LA shop", now=NOW)  # read from lines: nothing stale counted
    moved_in = Decimal(after["rows"][0]["settlement_amount"]) - Decimal(before["rows"][0]["settlement_amount"])
    assert moved_in == Decimal("77.77")
    run_inline(db, line_totals.rebuild_all)
    assert "LA shop" in fresh_stores("2026-11")
    assert profit_report(period="2026-11", account="LA shop", now=NOW) == after
    assert profit_report(period="2026-03", account="LA shop", now=NOW) == from_lines(db, period="2026-03",
                                                                                   account="LA shop")
    # the same order from a report of another family supersedes the first line (an update of its flag)
    finer = replace(new, key=("export", "x1"), settlement_amount=Decimal("70.00"),
                    amounts={"sales": Decimal("80.00"), "platform_fee": Decimal("-10.00")})
    run_inline(db, settlements.apply_lines, [finer], "export", "import")
    assert SettlementLine.get(SettlementLine.natural_key == '["sku","' + new.key[1] + '"]').superseded
    assert "LA shop" not in fresh_stores("2026-11")
    run_inline(db, line_totals.rebuild_all)
    report = profit_report(period="2026-11", account="LA shop", now=NOW)
    assert report == from_lines(db, period="2026-11", account="LA shop")
    assert Decimal(report["rows"][0]["settlement_amount"]) - Decimal(before["rows"][0]["settlement_amount"]) \
        == Decimal("70.00")
    # a reset removes every line of a store: its totals go with them
    run_inline(db, settlements.reset, "LA shop")
    run_inline(db, line_totals.rebuild_all)
    assert db.execute_sql('SELECT COUNT(*) FROM "line_total" t JOIN "store" s ON s.id = t.store_id '
                          "WHERE s.name = 'LA shop'").fetchone()[0] == 0
    assert profit_report(period="this-year", now=NOW) == from_lines(db, period="this-year")


def test_a_new_time_zone_adds_the_days_up_again(db):
    seed(db)
    run_inline(db, line_totals.rebuild_all)
    run_inline(db, stores.update, "LA shop", {"timezone": "Asia/Kolkata"})
    assert "LA shop" not in fresh_stores("this-year") and "Shanghai shop" in fresh_stores("this-year")
    assert line_totals.stale_stores() == [Store.get(Store.name == "LA shop").id]
    steps = run_inline(db, line_totals.rebuild_all)
    assert steps > 2  # a store's days are added up a month at a time
    assert fresh_stores("this-year") == {r.name for r in REFS}
    for period in ("this-year", "2026-11", "today"):
        for basis in ("settlement", "order"):
            assert profit_report(period=period, basis=basis, now=NOW) == from_lines(db, period=period, basis=basis)


def test_a_database_of_version_5_adds_up_its_lines_after_migrating(db_url):
    from companion.store.db import close_database, make_database, migration_runner, open_database

    db = open_database(db_url)
    seed(db)
    close_database()
    # the same lines in a database of version 5: without the tables of version 6 and later
    old = make_database(db_url)
    old.connect()
    later = [m for m in migration_runner(old).applied() if m >= "0006"]
    for table in ("line_total", "line_total_dirty", "line_total_built", "sync_schedule", "sync_run"):
        old.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
    old.execute_sql(f"DELETE FROM schema_migration WHERE name IN ({', '.join(repr(m) for m in later)})")
    old.close()
    db = open_database(db_url)
    try:
        assert line_totals.stale_stores() == sorted(s.id for s in Store.select())
        run_inline(db, line_totals.rebuild_all)
        assert fresh_stores("this-year") == {r.name for r in REFS}
        assert profit_report(period="this-year", now=NOW) == from_lines(db, period="this-year")
    finally:
        close_database()


async def test_the_daemon_rebuilds_totals_once_it_is_idle(service, db):
    from tests.support.builders import order_list_capture, order_row

    out = await service.ingest_capture(order_list_capture([order_row(n, "12.34") for n in range(40)]))
    assert out.added == 40
    deadline = time.monotonic() + 10
    while line_totals.stale_stores() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert line_totals.stale_stores() == []
    rows = db.execute_sql('SELECT COUNT(*) FROM "line_total"').fetchone()[0]
    assert rows > 0


@pytest.mark.parametrize("zone", ["Asia/Kathmandu", "America/St_Johns", "Australia/Eucla"])
def test_zones_with_odd_offsets_cut_days_at_their_own_midnight(db, zone):
    ref = StoreRef("tiktok", "7100", "XX", "Odd shop", "USD", zone)
    rng = random.Random(5)
    base = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    lines = [line(rng, n, ref, base + timedelta(minutes=7 * n)) for n in range(600)]
    run_inline(db, settlements.apply_lines, lines, "odd", "import")
    run_inline(db, line_totals.rebuild_all)
    for period in ("today", "yesterday", "2026-11-20", "2026-11-21", "last-7-days"):
        assert "Odd shop" in fresh_stores(period)
        assert profit_report(period=period, now=NOW) == from_lines(db, period=period), period


def _writes_lines(node: ast.AST, line_tables: set[str]) -> bool:
    """Whether a function's body writes settlement_line: a Peewee write of SettlementLine, a bulk insert or
    update of the line table, or SQL text that changes it."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            f = sub.func
            if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "SettlementLine"
                    and f.attr in ("update", "delete", "insert", "insert_many", "create", "replace", "bulk_create")):
                return True
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("insert_rows", "update_rows") and len(sub.args) > 1 and isinstance(sub.args[1], ast.Name) \
                    and sub.args[1].id in line_tables:
                return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and re.search(
                r'(INSERT INTO|UPDATE|DELETE FROM) "?settlement_line\b', sub.value, re.IGNORECASE):
            return True
    return False


def test_every_function_that_writes_lines_marks_their_day_totals():
    """A new write path that forgot line_totals.mark_* would leave reports reading stale totals: this finds
    every function in the package that writes settlement lines and requires it to mark them."""
    root = Path(__file__).resolve().parents[1] / "companion"
    writers = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or path.name == "line_totals.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        line_tables = {t.id for n in tree.body if isinstance(n, ast.Assign) and "SettlementLine" in ast.unparse(n.value)
                       for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and _writes_lines(node, line_tables):
                marks = "line_totals.mark" in ast.unparse(node)
                writers[f"{path.relative_to(root.parent)}:{node.name}"] = marks
    assert writers == {
        "companion/store/settlements.py:_upsert_lines": True,
        "companion/store/settlements.py:reset": True,
        "companion/store/supersession.py:refresh": True,
        "companion/store/dating.py:settle_from_statements": True,
    }

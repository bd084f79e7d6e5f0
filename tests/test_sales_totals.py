"""Sales totals (migrations 0014 and 0015): the sales report by store and by SKU read from pre-added day
totals says exactly what it says from the lines, to the cent and the count, on both bases, per day, week and
month, in zones with summer time and an offset of 45 minutes; orders with sale lines (of one SKU) on two days
in one week and across a month boundary count once; and after an edit, a late line of an old order, a reset,
a re-import and a new time zone, stale days are never read and a rebuild brings the totals back. A report
of too many rows is refused before its rows are read."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from companion.errors import BadInput
from companion.reports import sales_report as sales_report_module
from companion.reports.reporting import store_bounds, store_periods
from companion.reports.sales_report import sales_report
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, StoreRef
from companion.store import line_totals, sales_from_totals, settlements, stores
from companion.store.writer import run_inline

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
LA = StoreRef("tiktok", "8001", "US", "LA shop", "USD", "America/Los_Angeles")
SH = StoreRef("temu", "8003", "CN", "Shanghai shop", "CNY", "Asia/Shanghai")
UK = StoreRef("tiktok", "8004", "GB", "London shop", "GBP", "Europe/London")
KT = StoreRef("tiktok", "8002", "NP", "Kathmandu shop", "USD", "Asia/Kathmandu")  # UTC+5:45; hand-counted
RANDOM = (LA, SH, UK)
PERIODS = ["this-year", "this-month", "last-7-days", "2026-11", "2026-10-31..2026-11-02", "2026-03", "all",
           "2025-11-02..2026-03-09"]
FIGURES = ("orders", "units", "gross_sales", "seller_discounts", "platform_discounts", "refunds", "net_sales",
           "shipping", "taxes", "total_sales", "average_order_value", "refund_rate")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def line(store: StoreRef, key: str, order: str | None, settled: datetime | None, ordered: datetime | None,
         qty: int = 1, currency: str | None = None, status: str = SETTLED, **amounts: str) -> Line:
    values = {k: Decimal(v) for k, v in amounts.items()}
    return Line(store=store, key=("t", key), status=status, txn_type="Order", currency=currency or store.currency,
                settlement_amount=sum(values.values(), Decimal(0)), amounts=values, order_id=order,
                sku_id=f"SKU-{len(key) % 3}", quantity=qty, order_time=ordered,
                settled_time=settled if status == SETTLED else None, reference=order, detail=SKU_SPLIT)


# Kathmandu (UTC+5:45): W1 sells on Tuesday 10 and Thursday 12 November (one week), M1 on Saturday 31 October
# and Sunday 1 November (one week, two months), S1 on 2 November only; F1 is a fee without a sale.
KATHMANDU = [
    line(KT, "w1a", "W1", utc("2026-11-10T03:00"), utc("2026-11-09T20:00"), 2, sales="20.00"),
    line(KT, "w1b", "W1", utc("2026-11-12T03:00"), utc("2026-11-12T01:00"), 1, sales="5.00", promo_discount="-1.00"),
    line(KT, "m1a", "M1", utc("2026-10-31T12:00"), utc("2026-10-31T11:00"), 1, sales="10.00"),
    # 1 November 00:15 in Kathmandu is still 31 October in UTC
    line(KT, "m1b", "M1", utc("2026-10-31T18:30"), None, 3, sales="30.00", sales_tax="2.40"),
    line(KT, "s1", "S1", utc("2026-11-02T06:00"), utc("2026-11-02T05:00"), 1, sales="7.00"),
    line(KT, "f1", "F1", utc("2026-11-02T07:00"), None, 1, platform_fee="-3.00"),
]


def random_lines() -> list[Line]:
    """Orders of one to four lines settled up to nine days apart, some refunded, unsettled or without an
    order id, over two years in three stores (London in pounds and euros)."""
    rng = random.Random(18)
    out = []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(500):
        store = RANDOM[n % 3]
        base = start + timedelta(seconds=rng.randrange(700 * 86_400))
        if n % 5 == 0:  # crowd a week around summer time and month ends
            base = rng.choice([utc("2026-03-08T09:00"), utc("2026-10-31T15:00"), utc("2026-11-01T08:00"),
                               utc("2026-11-21T12:00")]) + timedelta(minutes=rng.randrange(-600, 600))
        order = None if n % 23 == 0 else f"O{n}"
        currency = "EUR" if store is UK and n % 4 == 0 else None
        for k in range(rng.randint(1, 4)):
            settled = base + timedelta(hours=rng.choice([0, 1, 5, 20, 30, 50, 80, 220]))
            ordered = None if (n + k) % 7 == 0 else base - timedelta(hours=rng.choice([0, 3, 30]))
            cents = rng.randint(100, 20_000)
            amounts = {"sales": f"{cents / 100:.2f}", "promo_discount": f"-{cents * 5 // 100 / 100:.2f}",
                       "buyer_shipping": "3.99", "vat": f"{cents * 7 // 100 / 100:.2f}",
                       "platform_fee": f"-{cents * 8 // 100 / 100:.2f}"}
            if k == 3:  # a refund that wipes out its sale, or a fee without a sale
                amounts = ({"income_refund": f"-{cents / 100:.2f}", "sales": f"{cents / 100:.2f}"} if n % 2
                           else {"platform_fee": "-1.25"})
            status = IN_TRANSIT if (n + k) % 11 == 0 else SETTLED
            out.append(line(store, f"r{n}.{k}", order, settled, ordered, 1 + (n + k) % 3, currency, status,
                            subsidy="0.50", **amounts))
    return out


def stale_everything(db) -> None:
    for store in stores.all_stores():
        db.execute_sql(f'INSERT INTO "line_total_dirty" ("store_id", "hour") VALUES ({store.id}, -1) '
                       'ON CONFLICT DO NOTHING')


def fresh_names(period: str, account: str | None = None) -> set[str]:
    targets = [s for s in stores.all_stores() if account in (None, s.name)]
    bounds = store_bounds(targets, store_periods(period, targets, NOW))
    ids = sales_from_totals.fresh(bounds, {s.id: s.timezone for s in targets})
    return {s.name for s in targets if s.id in ids}


def report(**kw) -> dict | str:
    try:
        return sales_report(now=NOW, **kw)
    except BadInput as e:  # too many days for one chart: both paths must refuse alike
        return str(e)


def from_lines(db, **kw) -> dict | str:
    """The report as the lines say it: with every store's totals marked stale, then unmarked."""
    stale_everything(db)
    try:
        assert fresh_names("all") == set()
        return report(**kw)
    finally:
        db.execute_sql('DELETE FROM "line_total_dirty" WHERE "hour" = -1')


def gaps_as_listed(db) -> None:
    """sales_order_gap holds exactly the pairs of consecutive listed days of each order in sales_order_day,
    and sales_sku_order_gap those of each order's SKU in sales_sku_order_day."""
    for days_table, gaps_table, keys in (("sales_order_day", "sales_order_gap", '"currency"'),
                                         ("sales_sku_order_day", "sales_sku_order_gap", '"currency", "sku"')):
        days: dict[tuple, list[int]] = {}
        for *key, day in db.execute_sql(
                f'SELECT "store_id", "basis", {keys}, "order_id", "day" FROM "{days_table}"').fetchall():
            days.setdefault(tuple(key), []).append(day)
        pairs: dict[tuple, int] = {}
        for key, listed in days.items():
            listed.sort()
            for earlier, later in zip(listed, listed[1:], strict=False):
                at = (*key[:-1], later, later - earlier)
                pairs[at] = pairs.get(at, 0) + 1
        stored = {tuple(r[:-1]): r[-1] for r in db.execute_sql(
            f'SELECT "store_id", "basis", {keys}, "day", "gap", "pairs" FROM "{gaps_table}"').fetchall()}
        assert stored == pairs and pairs, gaps_table


def same_both_ways(db, periods=PERIODS, accounts=(None, KT.name, UK.name), by=("store",)) -> int:
    checked = 0
    for period in periods:
        for basis in ("settlement", "order"):
            for group in ("day", "week", "month"):
                for account in accounts:
                    for what in by:
                        kw = {"period": period, "basis": basis, "group": group, "account": account, "by": what}
                        assert report(**kw) == from_lines(db, **kw), kw
                        checked += 1
    return checked


@pytest.fixture
def seeded(db):
    run_inline(db, settlements.apply_lines, random_lines() + KATHMANDU, "seed", "import")
    return db


def test_sales_from_totals_equal_sales_from_lines(seeded, monkeypatch):
    db = seeded
    read: list[int] = []
    real = sales_from_totals.read
    monkeypatch.setattr(sales_from_totals, "read", lambda basis, bounds, *a: read.append(len(bounds)) or real(
        basis, bounds, *a))
    names = {s.name for s in (*RANDOM, KT)}
    assert fresh_names("this-year") == set()
    run_inline(db, line_totals.rebuild_all)
    assert fresh_names("this-year") == names and fresh_names("all") == names
    spread = db.execute_sql('SELECT COUNT(DISTINCT "order_id") FROM "sales_order_day"').fetchone()[0]
    assert spread > 20  # many orders sell on two or more days: the counts are really corrected
    gaps_as_listed(db)
    read.clear()
    assert same_both_ways(db) == 144
    # each report that read anything read its stores from totals, and the same from lines none of them
    pairs = list(zip(read[::2], read[1::2], strict=True))
    assert len(pairs) > 120 and all(totals > 0 and lines == 0 for totals, lines in pairs)


def test_orders_on_two_days_count_once_per_week_month_and_period(seeded):
    run_inline(seeded, line_totals.rebuild_all)
    assert KT.name in fresh_names("2026-10-31..2026-11-12", KT.name)

    def orders(period: str, group: str, basis: str = "settlement") -> tuple[list, int]:
        rep = sales_report(period=period, group=group, basis=basis, account=KT.name, now=NOW)
        return [(r["step"], r["orders"], r["units"], r["gross_sales"]) for r in rep["rows"]], \
            rep["totals_by_currency"]["USD"]["orders"]

    # settlement basis, Kathmandu days: M1 on 31 Oct and 1 Nov, S1 (and F1, no sale) on 2 Nov, W1 on 10 and 12
    assert orders("2026-10-31..2026-11-12", "day") == ([
        ("2026-10-31", 1, 1, "10.00"), ("2026-11-01", 1, 3, "30.00"), ("2026-11-02", 1, 1, "7.00"),
        ("2026-11-10", 1, 2, "20.00"), ("2026-11-12", 1, 1, "5.00")], 3)
    assert orders("2026-10-31..2026-11-12", "week") == ([
        ("2026-10-26", 1, 4, "40.00"), ("2026-11-02", 1, 1, "7.00"), ("2026-11-09", 1, 3, "25.00")], 3)
    assert orders("2026-10-31..2026-11-12", "month") == ([
        ("2026-10", 1, 1, "10.00"), ("2026-11", 3, 7, "62.00")], 3)
    assert orders("2026-11", "month") == ([("2026-11", 3, 7, "62.00")], 3)
    # order basis: M1's second line has no order time, so it counts on its settlement day (1 Nov)
    assert orders("2026-10-31..2026-11-12", "week", "order") == ([
        ("2026-10-26", 1, 4, "40.00"), ("2026-11-02", 1, 1, "7.00"), ("2026-11-09", 1, 3, "25.00")], 3)
    # W1 was ordered on 10 Nov (01:45) and 12 Nov (06:45) there
    assert orders("2026-11-09..2026-11-15", "day", "order")[0] == [
        ("2026-11-10", 1, 2, "20.00"), ("2026-11-12", 1, 1, "5.00")]


def test_edits_late_lines_resets_reimports_and_zones_keep_both_ways_equal(seeded):
    db = seeded
    run_inline(db, line_totals.rebuild_all)
    few = ["this-year", "2026-11", "2026-10-31..2026-11-02", "all"]
    # an edit moves W1's Thursday line to Friday 20 November: that week is stale and read from lines
    moved = replace(KATHMANDU[1], settled_time=utc("2026-11-20T03:00"))
    run_inline(db, settlements.apply_lines, [moved], "edit", "capture")
    assert KT.name not in fresh_names("2026-11", KT.name) and KT.name in fresh_names("2026-10", KT.name)
    rep = sales_report(period="2026-11", group="month", account=KT.name, now=NOW)
    assert rep["rows"][0]["orders"] == 3 and rep["rows"][0]["gross_sales"] == "62.00"
    stale_by_sku = sales_report(period="2026-11", group="week", by="sku", account=KT.name, now=NOW)
    assert [(r["step"], r["key"]["sku_id"], r["orders"]) for r in stale_by_sku["rows"]] == [
        ("2026-10-26", "SKU-0", 1), ("2026-11-02", "SKU-2", 1), ("2026-11-09", "SKU-0", 1),
        ("2026-11-16", "SKU-0", 1)]  # W1's moved line: SKU-0 in the week of 16 November too, read from lines
    run_inline(db, line_totals.rebuild_all)
    assert KT.name in fresh_names("2026-11", KT.name)
    assert sales_report(period="2026-11", group="month", account=KT.name, now=NOW) == rep
    assert sales_report(period="2026-11", group="week", by="sku", account=KT.name, now=NOW) == stale_by_sku
    # a late line of S1's SKU (2 November, fresh) settled on 20 December, more than a rebuild step away: S1
    # becomes an order (and S1's SKU-2 an order's SKU) of two days, and the fresh day is listed with the new one
    late = line(KT, "s1lat", "S1", utc("2026-12-20T06:00"), utc("2026-12-19T06:00"), 1, sales="1.00")
    run_inline(db, settlements.apply_lines, [late], "late", "capture")
    assert KT.name in fresh_names("2026-11", KT.name)
    run_inline(db, line_totals.rebuild_all)
    dec = NOW.replace(month=12, day=31)
    spanning = sales_report(period="2026-11-01..2026-12-31", group="month", account=KT.name, now=dec)
    assert [(r["step"], r["orders"]) for r in spanning["rows"]] == [("2026-11", 3), ("2026-12", 1)]
    assert spanning["totals_by_currency"]["USD"]["orders"] == 3
    by_sku = sales_report(period="2026-11-01..2026-12-31", group="month", account=KT.name, now=dec, by="sku")
    assert [(r["step"], r["key"]["sku_id"], r["orders"]) for r in by_sku["rows"]] == [
        ("2026-11", "SKU-0", 2), ("2026-11", "SKU-2", 1), ("2026-12", "SKU-2", 1)]
    assert by_sku["totals_by_currency"]["USD"]["orders"] == 3
    stale_everything(db)
    assert sales_report(period="2026-11-01..2026-12-31", group="month", account=KT.name, now=dec) == spanning
    assert sales_report(period="2026-11-01..2026-12-31", group="month", account=KT.name, now=dec,
                        by="sku") == by_sku
    db.execute_sql('DELETE FROM "line_total_dirty" WHERE "hour" = -1')
    assert same_both_ways(db, few, by=("store", "sku")) == 144
    gaps_as_listed(db)
    # a reset of London, then its lines imported again
    run_inline(db, settlements.reset, UK.name)
    assert UK.name not in fresh_names("this-year")
    run_inline(db, line_totals.rebuild_all)
    assert db.execute_sql('SELECT COUNT(*) FROM "sales_total" t JOIN "store" s ON s.id = t.store_id '
                          f"WHERE s.name = {db.param}", [UK.name]).fetchone()[0] == 0
    run_inline(db, settlements.apply_lines, [ln for ln in random_lines() if ln.store == UK], "again", "import")
    run_inline(db, line_totals.rebuild_all)
    assert db.execute_sql('SELECT COUNT(*) FROM "sales_sku_total" t JOIN "store" s ON s.id = t.store_id '
                          f"WHERE s.name = {db.param}", [UK.name]).fetchone()[0] > 0
    assert same_both_ways(db, few, (None, UK.name), ("store", "sku")) == 96
    # a new time zone for Los Angeles: its days are added up again in it
    run_inline(db, stores.update, LA.name, {"timezone": "Asia/Kolkata"})
    assert LA.name not in fresh_names("this-year")
    run_inline(db, line_totals.rebuild_all)
    assert LA.name in fresh_names("this-year")
    assert same_both_ways(db, ["this-year", "2026-10-31..2026-11-02"], (None, LA.name), ("store", "sku")) == 48
    gaps_as_listed(db)


def test_sales_by_sku_from_totals_equal_sales_by_sku_from_lines(seeded, monkeypatch):
    db = seeded
    read: list[int] = []
    real = sales_from_totals.read_sku
    monkeypatch.setattr(sales_from_totals, "read_sku", lambda basis, bounds, *a: read.append(len(bounds)) or real(
        basis, bounds, *a))
    run_inline(db, line_totals.rebuild_all)
    spread = db.execute_sql('SELECT COUNT(DISTINCT "order_id") FROM "sales_sku_order_day"').fetchone()[0]
    assert spread > 20  # many orders sell one SKU on two or more days: the counts are really corrected
    gaps_as_listed(db)
    assert same_both_ways(db, by=("sku",)) == 144
    pairs = list(zip(read[::2], read[1::2], strict=True))
    assert len(pairs) > 120 and all(totals > 0 and lines == 0 for totals, lines in pairs)


def test_orders_selling_one_sku_on_two_days_count_once_per_sku(seeded):
    db = seeded
    # W1 also sells SKU-1 on Wednesday 11 November: one order, two SKUs, SKU-0 on two days of that week
    other = line(KT, "w1cc", "W1", utc("2026-11-11T03:00"), utc("2026-11-11T01:00"), 4, sales="8.00")
    run_inline(db, settlements.apply_lines, [other], "sku", "capture")
    run_inline(db, line_totals.rebuild_all)
    assert KT.name in fresh_names("2026-10-31..2026-11-12", KT.name)
    # the pairs of days per SKU on the settlement basis: M1's SKU-0 on 31 Oct and 1 Nov, W1's on 10 and 12 Nov
    gaps = db.execute_sql('SELECT "sku", "day", "gap", "pairs" FROM "sales_sku_order_gap" g JOIN "store" s '
                          f"ON s.id = g.store_id WHERE s.name = {db.param} AND g.basis = 's'", [KT.name]).fetchall()
    assert sorted(tuple(r) for r in gaps) == [("SKU-0", date(2026, 11, 1).toordinal(), 1, 1),
                                              ("SKU-0", date(2026, 11, 12).toordinal(), 2, 1)]

    def orders(group: str, basis: str = "settlement") -> tuple[list, int]:
        rep = sales_report(period="2026-10-31..2026-11-12", group=group, basis=basis, by="sku", account=KT.name,
                           now=NOW)
        return [(r["step"], r["key"]["sku_id"], r["orders"], r["units"], r["gross_sales"]) for r in rep["rows"]], \
            rep["totals_by_currency"]["USD"]["orders"]

    # M1 sells SKU-0 on 31 Oct and 1 Nov, S1 SKU-2 on 2 Nov (and F1's fee of SKU-2 is a row without a sale),
    # W1 SKU-0 on 10 and 12 Nov and SKU-1 on 11 Nov
    assert orders("day") == ([
        ("2026-10-31", "SKU-0", 1, 1, "10.00"), ("2026-11-01", "SKU-0", 1, 3, "30.00"),
        ("2026-11-02", "SKU-2", 1, 1, "7.00"), ("2026-11-10", "SKU-0", 1, 2, "20.00"),
        ("2026-11-11", "SKU-1", 1, 4, "8.00"), ("2026-11-12", "SKU-0", 1, 1, "5.00")], 3)
    assert orders("week") == ([
        ("2026-10-26", "SKU-0", 1, 4, "40.00"), ("2026-11-02", "SKU-2", 1, 1, "7.00"),
        ("2026-11-09", "SKU-0", 1, 3, "25.00"), ("2026-11-09", "SKU-1", 1, 4, "8.00")], 3)
    assert orders("month") == ([
        ("2026-10", "SKU-0", 1, 1, "10.00"), ("2026-11", "SKU-0", 2, 6, "55.00"), ("2026-11", "SKU-1", 1, 4, "8.00"),
        ("2026-11", "SKU-2", 1, 1, "7.00")], 3)
    assert orders("week", "order")[0] == orders("week")[0]
    for group in ("day", "week", "month"):
        for basis in ("settlement", "order"):
            kw = {"period": "2026-10-31..2026-11-12", "group": group, "basis": basis, "by": "sku", "account": KT.name}
            assert report(**kw) == from_lines(db, **kw), kw


def test_too_many_rows_by_sku_refused_before_reading_them(seeded, monkeypatch):
    db = seeded
    run_inline(db, line_totals.rebuild_all)
    kw = {"period": "all", "group": "month", "by": "sku"}
    rows = len(sales_report(now=NOW, **kw)["rows"])
    assert rows > 50
    monkeypatch.setattr(sales_report_module, "MAX_ROWS", rows - 1)
    said: list[str] = []
    real = db.execute_sql
    monkeypatch.setattr(db, "execute_sql", lambda sql, *a, **k: said.append(sql) or real(sql, *a, **k))
    refused = report(**kw)
    assert refused == (f"the sales report would have {rows} rows, more than {rows - 1}: choose a coarser group "
                       "(week or month), a shorter period or one store")
    # the totals' day rows were counted, never read, and no line was summed
    assert any("COUNT(*)" in sql and "sales_sku_total" in sql for sql in said)
    assert not any('"orders", "units"' in sql or ("settlement_line" in sql and "SUM(" in sql) for sql in said)
    assert from_lines(db, **kw) == refused  # from lines: counted the same, and refused alike
    monkeypatch.setattr(sales_report_module, "MAX_ROWS", rows)  # months of more day rows: counted, then read
    assert len(sales_report(now=NOW, **kw)["rows"]) == rows
    monkeypatch.setattr(sales_report_module, "MAX_ROWS", 20_000)
    days = len(sales_report(now=NOW, period="this-year", by="sku")["rows"])
    monkeypatch.setattr(sales_report_module, "MAX_ROWS", days)
    said.clear()
    assert len(sales_report(now=NOW, period="this-year", by="sku")["rows"]) == days > 50
    assert not any("COUNT(*)" in sql for sql in said)  # few enough day rows: a probe says so, nothing counted
    for group in ("day", "week", "month"):  # each step's rows counted exactly, from totals as from lines
        monkeypatch.setattr(sales_report_module, "MAX_ROWS", 20_000)
        n = len(sales_report(now=NOW, period="this-year", by="sku", group=group)["rows"])
        monkeypatch.setattr(sales_report_module, "MAX_ROWS", n - 1)
        answer = report(period="this-year", by="sku", group=group)
        assert answer == from_lines(db, period="this-year", by="sku", group=group)
        assert answer.startswith(f"the sales report would have {n} rows, more than {n - 1}:"), answer

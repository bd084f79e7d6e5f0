"""The Finance view's income table over a real database: filters, search, sort, paging, the CSV export's
exact bytes, a line's original fields, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, SourceField
from companion.store import settlements
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.builders import LA, SH


def line(store, n, amount, settled, status=SETTLED, qty=1, sku="SKU-1", msku="MUG-RED", name="Red mug"):
    amount = Decimal(amount)
    return Line(store=store, key=("t", str(n)), status=status, txn_type="Order", currency="USD",
                settlement_amount=amount, amounts={"sales": amount + Decimal("1.00"), "platform_fee": Decimal("-1.00")},
                fields=[SourceField("Gross sales", amount + Decimal("1.00"), "sales"),
                        SourceField("Referral fee", Decimal("-1.00"), "platform_fee"),
                        SourceField("Seller SKU", Decimal("0"), None, True)],
                order_id=f"57690{n:04d}", sku_id=sku, sku_name=name, quantity=qty,
                order_time=datetime(2025, 10, 1, 12, tzinfo=UTC), settled_time=settled, msku=msku,
                reference=f"57690{n:04d}", detail=SKU_SPLIT, statement_id="ST1")


def seed(db):
    lines = [
        line(LA, 1, "10.00", datetime(2025, 10, 5, 18, 0, tzinfo=UTC)),
        line(LA, 2, "25.50", datetime(2025, 10, 31, 23, 30, tzinfo=UTC), qty=3, sku="SKU-2", msku="MUG-BLUE",
             name="Blue mug"),  # 16:30 on Oct 31 in Los Angeles: still October there
        line(LA, 3, "7.25", datetime(2025, 11, 1, 8, 0, tzinfo=UTC)),  # 1 Nov 01:00 in LA: November
        line(LA, 4, "4.00", None, status=IN_TRANSIT),
        line(SH, 5, "99.99", datetime(2025, 10, 31, 17, 0, tzinfo=UTC), name="磁带"),  # 1 Nov 01:00 in Shanghai
        line(SH, 6, "0.01", datetime(2025, 10, 10, 0, 0, tzinfo=UTC), sku="SKU-9", name="磁带 B"),
    ]
    run_inline(db, settlements.apply_lines, lines, "seed", "import")


@pytest.fixture
async def seeded(client, service, db):
    await service.writer.run(settlements.apply_lines, [], "none", "import")
    seed(db)
    return client


async def test_a_month_in_each_store_zone_sorted_by_amount(seeded):
    body = await (await get(seeded, "/api/lines?period=2025-10&sort=settlement_amount&dir=desc")).json()
    assert body["total"] == 3
    assert [(r["order_id"], r["settlement_amount"], r["date"], r["store"]) for r in body["rows"]] == [
        ("576900002", "25.50", "2025-10-31 16:30", "TikTok US Mugs"),
        ("576900001", "10.00", "2025-10-05 11:00", "TikTok US Mugs"),
        ("576900006", "0.01", "2025-10-10 08:00", "Temu 磁带店"),
    ]
    blue = body["rows"][0]
    assert (blue["item_no"], blue["sku_id"], blue["quantity"], blue["unit_price"], blue["type"]) == (
        "MUG-BLUE", "SKU-2", 3, "8.83", "settled")  # (25.50 + 1.00) / 3 = 8.8333…


async def test_order_basis_lists_lines_in_transit_too(seeded):
    body = await (await get(seeded, "/api/lines?period=2025-10&basis=order&sort=order_id&dir=asc&size=10")).json()
    assert [r["order_id"] for r in body["rows"]] == [f"57690000{n}" for n in range(1, 7)]
    assert [r["type"] for r in body["rows"]][3] == "in_transit"


async def test_search_store_and_paging(seeded):
    body = await (await get(seeded, "/api/lines?period=all&q=MUG-red&sort=order_id&dir=asc")).json()
    assert [r["order_id"] for r in body["rows"]] == ["576900001", "576900003", "576900005", "576900006"]
    body = await (await get(seeded, "/api/lines?period=all&q=%E7%A3%81%E5%B8%A6%20B")).json()  # 磁带 B
    assert [r["order_id"] for r in body["rows"]] == ["576900006"]
    body = await (await get(seeded, "/api/lines?period=all&account=Temu%20%E7%A3%81%E5%B8%A6%E5%BA%97")).json()
    assert body["total"] == 2
    first = await (await get(seeded, "/api/lines?period=all&sort=order_id&dir=asc&size=2&page=1")).json()
    second = await (await get(seeded, "/api/lines?period=all&sort=order_id&dir=asc&size=2&page=2")).json()
    third = await (await get(seeded, "/api/lines?period=all&sort=order_id&dir=asc&size=2&page=3")).json()
    assert first["total"] == second["total"] == third["total"] == 5 and len(third["rows"]) == 1
    assert [r["order_id"] for r in first["rows"] + second["rows"] + third["rows"]] == [
        "576900001", "576900002", "576900003", "576900005", "576900006"]
    body = await (await get(seeded, "/api/lines?period=all&q=50%25")).json()  # a % is text, not a wildcard
    assert body["total"] == 0


@pytest.mark.parametrize("one_pass", [5_000, 2])  # counted from the matches, or (more matches) by a count
async def test_a_search_pages_and_counts_its_matches(seeded, monkeypatch, one_pass):
    from companion.store import line_table

    monkeypatch.setattr(line_table, "SEARCH_IN_ONE_PASS", one_pass)
    pages = [await (await get(seeded, f"/api/lines?period=all&q=mug-RED&sort=order_id&dir=asc&size=3&page={n}")
                    ).json() for n in (1, 2, 3)]
    assert [p["total"] for p in pages] == [4, 4, 4]
    assert [[r["order_id"] for r in p["rows"]] for p in pages] == [
        ["576900001", "576900003", "576900005"], ["576900006"], []]


async def test_the_csv_export_is_exact_bytes(seeded):
    resp = await get(seeded, "/api/lines/export.csv?period=2025-10&sort=settlement_amount&dir=asc")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="shoptally-income-')
    assert await resp.read() == (
        "\ufeffDate,Order ID,Item No,SKU ID,SKU name,Quantity,Unit price,Settlement amount,Currency,"
        "Settlement type,Store\r\n"
        "2025-10-10 08:00,576900006,MUG-RED,SKU-9,磁带 B,1,1.01,0.01,USD,settled,Temu 磁带店\r\n"
        "2025-10-05 11:00,576900001,MUG-RED,SKU-1,Red mug,1,11.00,10.00,USD,settled,TikTok US Mugs\r\n"
        "2025-10-31 16:30,576900002,MUG-BLUE,SKU-2,Blue mug,3,8.83,25.50,USD,settled,TikTok US Mugs\r\n"
    ).encode("utf-8")


async def test_a_line_shows_the_platform_fields_behind_it(seeded):
    body = await (await get(seeded, "/api/lines?period=2025-10&sort=settlement_amount")).json()
    line_id = body["rows"][0]["id"]
    fields = await (await get(seeded, f"/api/lines/{line_id}")).json()
    assert fields["categories"] == {"sales": "26.50", "platform_fee": "-1.00"}
    assert fields["fields"] == [
        {"name": "Gross sales", "amount": "26.50", "category": "sales", "unmapped": False},
        {"name": "Referral fee", "amount": "-1.00", "category": "platform_fee", "unmapped": False},
        {"name": "Seller SKU", "amount": "0", "category": None, "unmapped": True}]
    await get(seeded, "/api/lines/999999", status=404)


@pytest.mark.parametrize("query, message", [
    ("sort=password", "sort 'password' is not one of"),
    ("size=501", "page size must be 1-500"),
    ("page=0", "page must be 1 or more"),
    ("dir=up", "dir must be asc or desc"),
    ("basis=cash", "basis must be settlement or order"),
    ("period=2025-13", "2025-13"),
    ("account=Nobody", "Nobody"),
    ("page=x", "page must be a whole number"),
])
async def test_bad_table_requests_get_one_clear_sentence(seeded, query, message):
    status = 404 if "Nobody" in query else 400  # an unknown store is 404 on every endpoint (companion/errors.py)
    resp = await get(seeded, f"/api/lines?{query}", status=status)
    assert message in (await resp.json())["message"]
    if query not in ("size=501", "page=0"):  # an export has no pages: it takes every row
        resp = await get(seeded, f"/api/lines/export.csv?{query}", status=status)
        assert message in (await resp.json())["message"]


@pytest.mark.parametrize("basis, index", [("settlement", "settlement_line_counted_settled"),
                                          ("order", "settlement_line_counted_order")])
async def test_counting_and_date_pages_use_the_partial_indexes_of_counted_lines(seeded, db, basis, index):
    """The queries must say the flags the way migration 0005's indexes do, or a year's count reads every line."""
    from companion.store import line_table

    q = line_table.Query({1: (0, 2_000_000_000_000), 2: (0, 2_000_000_000_000)}, basis)
    p = db.param
    for sql, params in (line_table._count(q, p), line_table._date_page(q, p)):
        if db.__class__.__name__.startswith("Postgres"):
            # On six lines every index costs the same to PostgreSQL, so it may pick any (the payments report's
            # indexes lead with the store too): the other indexes are dropped inside a transaction that is
            # rolled back, so the plan shows whether the query's condition lets this partial index answer it.
            with db.atomic() as tx:
                for (name,) in db.execute_sql(
                        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = "
                        "'settlement_line' AND indexname <> %s AND indexname NOT LIKE '%%pkey'", (index,)).fetchall():
                    db.execute_sql(f'DROP INDEX "{name}"')
                db.execute_sql("SET LOCAL enable_seqscan = off")  # a table of six lines would be scanned otherwise
                plan = "\n".join(r[0] for r in db.execute_sql(f"EXPLAIN {sql}", params).fetchall())
                tx.rollback()
        else:
            plan = "\n".join(str(r[-1]) for r in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
        assert index in plan, plan


@pytest.mark.parametrize("search", ["", "&q=mug"])  # a page in date order, and a search's one pass
async def test_lines_of_stores_in_other_zones_sort_by_the_times_the_table_shows(seeded, search):
    """By instant, LA's 01:00 on 1 Nov (08:00 UTC) comes before LA's 16:30 on 31 Oct, which comes before
    Shanghai's 01:00 on 1 Nov (17:00 UTC the day before): the dates shown would jump back and forth."""
    body = await (await get(seeded, f"/api/lines?period=all&sort=date&dir=desc{search}")).json()
    assert [(r["order_id"], r["date"]) for r in body["rows"]] == [
        ("576900005", "2025-11-01 01:00"), ("576900003", "2025-11-01 01:00"), ("576900002", "2025-10-31 16:30"),
        ("576900006", "2025-10-10 08:00"), ("576900001", "2025-10-05 11:00")]
    body = await (await get(seeded, f"/api/lines?period=all&sort=date&dir=asc{search}")).json()
    assert [r["order_id"] for r in body["rows"]] == ["576900001", "576900006", "576900002", "576900003", "576900005"]

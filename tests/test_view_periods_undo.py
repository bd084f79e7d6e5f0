"""Issue #16 points 4 and 7 on the server side: the `last-month` period (parser, API and CLI), the text
report's money with grouping, and inline edits undone as a stack (two edits of one cell, two undos, the
start), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from companion.cli.report_text import lines, money
from companion.ledger.periods import parse_period
from tests.support.daemon import acli
from tests.support.inline_edits import H, edit, page, seed


@pytest.fixture
async def seeded(client, service, db):
    """Two October lines of a Los Angeles store, SKU-A costing 4.00 a unit (tests/support/inline_edits.py)."""
    await seed(service)
    return client


@pytest.mark.parametrize("today, first, last", [
    ("2026-11-22", "2026-10-01", "2026-10-31"), ("2026-01-01", "2025-12-01", "2025-12-31"),
    ("2024-03-31", "2024-02-01", "2024-02-29"), ("2026-12-03", "2026-11-01", "2026-11-30"),
])
def test_last_month_is_the_whole_calendar_month_before_today(today, first, last):
    p = parse_period("last-month", date.fromisoformat(today))
    assert (p.text, p.first.isoformat(), p.last.isoformat()) == ("last-month", first, last)


def _last_month(zone: str) -> dict:
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    p = parse_period("last-month", today)
    return {"from": p.first.isoformat(), "to": p.last.isoformat()}


async def test_last_month_through_the_api(seeded):
    before = _last_month("America/Los_Angeles")  # the seeded store's zone
    resp = await seeded.get("/api/report?period=last-month", headers=H(seeded))
    assert resp.status == 200, await resp.text()
    period = (await resp.json())["period"]
    if before == _last_month("America/Los_Angeles"):  # not a month's end passing during the call
        assert {k: period[k] for k in ("from", "to")} == before


async def test_last_month_through_the_cli(db_url, tmp_path):
    data = tmp_path / "data"
    before = _last_month("UTC")  # no store yet: days count in UTC
    res = await acli(data, db_url, "report", "--json", "--period", "last-month")
    assert res.code == 0, res.err
    if before == _last_month("UTC"):
        assert {k: res.json["period"][k] for k in ("from", "to")} == before
    text = await acli(data, db_url, "report", "--period", "last-month")
    assert text.code == 0 and text.out.startswith(f"settlement basis, {before['from']} .. {before['to']}, by store")


def test_the_text_report_groups_money_exactly():
    assert [money(t) for t in ("62743.19", "-1234.50", "0.00", "-0.10", "9007199254740993.03", "n/a")] == [
        "62,743.19", "-1,234.50", "0.00", "-0.10", "9,007,199,254,740,993.03", "n/a"]
    figures = {"settlement_amount": "62743.19", "platform_income": "70100.00", "platform_expense": "-7356.81",
               "tax": "0.00", "custom_fees": "-30.00", "cost": "-12000.00", "gross_profit": "50713.19"}
    rep = {"basis": "settlement", "by": "store", "period": {"from": "2025-10-01", "to": "2025-10-31"},
           "rows": [{"key": {"account": "TikTok US Mugs"}, "currency": "USD", "quantity": 1500, **figures}],
           "totals_by_currency": {"USD": {"quantity": 1500, **figures}},
           "rates": [{"from": "GBP", "to": "USD", "rate": "1.27", "date": "2025-10-03"}]}
    out = lines(rep)
    assert out[1].split() == ["key", "currency", "qty", "settlement", "income", "expense", "tax", "custom", "fees",
                              "cost", "gross", "profit"]
    assert out[2].split() == ["TikTok", "US", "Mugs", "USD", "1,500", "62,743.19", "70,100.00", "-7,356.81", "0.00",
                              "-30.00", "-12,000.00", "50,713.19"]
    assert out[3].split()[:3] == ["TOTAL", "USD", "1,500"]
    assert out[4] == "rate used: 1 GBP = 1.27 USD (from 2025-10-03)"


async def _undo(client, status=200):
    resp = await client.post("/api/edits/undo", json={}, headers=H(client))
    body = await resp.json()
    assert resp.status == status, body
    return body


async def test_two_edits_of_one_cell_two_undos_back_to_the_start(seeded):
    a, _ = await page(seeded)
    assert (a["purchase_price"], a["edited"]) == ("8.00", [])  # 2 units at the SKU's cost of 4.00
    await edit(seeded, a["id"], "purchase_price", "5.00")
    await edit(seeded, a["id"], "purchase_price", "7.00")
    first = await _undo(seeded)
    assert (first["field"], first["old"], first["new"]) == ("purchase_price", "7.00", "5.00")
    assert (await page(seeded))[0]["purchase_price"] == "5.00"
    second = await _undo(seeded)
    assert (second["field"], second["old"], second["new"]) == ("purchase_price", "5.00", None)
    back = (await page(seeded))[0]
    assert (back["purchase_price"], back["edited"]) == ("8.00", [])
    assert (await _undo(seeded, 409))["message"] == "no edit to undo"


async def test_undos_unwind_edits_of_several_cells_and_a_standing_later_edit_still_blocks(seeded):
    a, b = await page(seeded)
    await edit(seeded, a["id"], "other_fees", "1.00")
    await edit(seeded, b["id"], "other_fees", "2.00")
    await edit(seeded, a["id"], "other_fees", "3.00")
    await edit(seeded, a["id"], "other_fees", "4.00")
    log = (await (await seeded.get("/api/edits", headers=H(seeded))).json())["edits"]
    oldest = log[-1]["edit"]
    # undoing the first edit of a cell edited again since (and not undone) is refused, naming the way out
    resp = await seeded.post("/api/edits/undo", json={"edit": oldest}, headers=H(seeded))
    assert resp.status == 409
    message = f"other_fees was edited again after edit {oldest}: undo the later edit first"
    assert (await resp.json())["message"] == message
    assert [(u["old"], u["new"]) for u in [await _undo(seeded) for _ in range(4)]] == [
        ("4.00", "3.00"), ("3.00", "1.00"), ("2.00", None), ("1.00", None)]
    assert [r["edited"] for r in await page(seeded)] == [[], []]

"""Inline edits of the expense tab over a real database: the figures shown, saving, the audit log, undo,
the report and the cards following each edit, refusals, and edits staying with their line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.reports import reporting
from companion.sources.model import SKU_SPLIT, Line
from companion.store import settlements
from tests.support.inline_edits import US, H, edit, line, page, seed

NOW = datetime(2025, 11, 20, tzinfo=UTC)


@pytest.fixture
async def seeded(client, service, db):
    await seed(service)
    return client


def totals(service_read=None):
    rep = reporting.profit_report(period="2025-10", now=NOW)
    t = rep["totals_by_currency"]["USD"]
    return {k: t[k] for k in ("settlement_amount", "platform_income", "custom_fees", "cost", "gross_profit")} | {
        "other_income": t["categories"]["other_income"], "purchase_cost": t["categories"]["purchase_cost"],
        "order_other_fee": t["categories"]["order_other_fee"]}


async def test_figures_shown_then_each_edit_flows_into_the_report_and_is_undone(seeded, service):
    rows = await page(seeded)
    a, b = rows
    assert (a["order_id"], a["settlement_price"], a["purchase_price"], a["purchase_source"], a["other_fees"],
            a["row_profit"], a["edited"]) == ("O1", "20.00", "8.00", "unit cost", "0.00", "12.00", [])
    assert (b["settlement_price"], b["purchase_price"], b["row_profit"]) == ("9.00", "3.00", "6.00")
    before = await service.read(totals)
    assert before == {"settlement_amount": "29.00", "platform_income": "35.00", "custom_fees": "0.00",
                      "cost": "-11.00", "gross_profit": "18.00", "other_income": "0.00", "purchase_cost": "-11.00",
                      "order_other_fee": "0.00"}
    rev = await service.current_rev()
    saved = await edit(seeded, a["id"], "purchase_price", "6.5")
    assert (saved["old"], saved["new"], saved["rev"]) == (None, "6.50", rev + 1)
    await edit(seeded, a["id"], "other_fees", "1.25")
    await edit(seeded, b["id"], "settlement_price", "8.40")
    await edit(seeded, a["id"], "purchase_order", "1688-776655")
    a2, b2 = await page(seeded)
    assert (a2["purchase_price"], a2["purchase_source"], a2["other_fees"], a2["row_profit"], a2["purchase_order"],
            a2["edited"]) == ("6.50", "edited", "1.25", "12.25", "1688-776655",
                              ["other_fees", "purchase_order", "purchase_price"])
    assert (b2["settlement_price"], b2["row_profit"]) == ("8.40", "5.40")
    after = await service.read(totals)
    assert after == {"settlement_amount": "28.40", "platform_income": "34.40", "custom_fees": "-1.25",
                     "cost": "-9.50", "gross_profit": "17.65", "other_income": "-0.60", "purchase_cost": "-9.50",
                     "order_other_fee": "-1.25"}
    assert Decimal(after["gross_profit"]) == Decimal(a2["row_profit"]) + Decimal(b2["row_profit"])
    # the log: newest first, old and new values
    resp = await seeded.get("/api/edits", headers=H(seeded))
    log = (await resp.json())["edits"]
    assert [(e["field"], e["old"], e["new"]) for e in log] == [
        ("purchase_order", None, "1688-776655"), ("settlement_price", None, "8.40"), ("other_fees", None, "1.25"),
        ("purchase_price", None, "6.50")]
    # undo, latest first, until the report is as before
    for _ in range(4):
        resp = await seeded.post("/api/edits/undo", json={}, headers=H(seeded))
        assert resp.status == 200, await resp.text()
    assert await service.read(totals) == before
    assert [r["edited"] for r in await page(seeded)] == [[], []]
    resp = await seeded.post("/api/edits/undo", json={}, headers=H(seeded))
    assert resp.status == 409 and (await resp.json())["message"] == "no edit to undo"


async def test_an_edit_stays_with_its_line_through_a_reset_and_a_new_sync(seeded, service):
    a, _ = await page(seeded)
    await edit(seeded, a["id"], "purchase_price", "7.00")
    await service.reset(None)
    assert await page(seeded) == []
    await service.writer.run(settlements.apply_lines, [line(1, "20.00", "25.00", 2, "SKU-A")], "again", "import")
    [again] = await page(seeded)
    assert (again["purchase_price"], again["edited"]) == ("7.00", ["purchase_price"])  # found by its natural key


@pytest.mark.parametrize("field, value, message", [
    ("purchase_price", "-3", "purchase_price: enter what it cost as a positive amount"),
    ("other_fees", "abc", "other_fees: "),
    ("settlement_price", "1.23456", "settlement_price: "),
    ("settlement_price", "9999999999", "settlement_price: 9999999999 is too large"),
    ("quantity", "3", "'quantity' cannot be edited"),
    ("purchase_order", "x" * 129, "purchase_order: at most 128 characters"),
])
async def test_bad_edits_are_refused_and_change_nothing(seeded, service, field, value, message):
    a, _ = await page(seeded)
    rev = await service.current_rev()
    body = await edit(seeded, a["id"], field, value, status=422)
    assert body["message"].startswith(message)
    assert await service.current_rev() == rev
    assert (await seeded.get("/api/edits", headers=H(seeded))).status == 200
    assert (await (await seeded.get("/api/edits", headers=H(seeded))).json())["edits"] == []


async def test_edits_need_the_view_or_the_token(seeded):
    a, _ = await page(seeded)
    resp = await seeded.post("/api/edits", json={"line_id": a["id"], "field": "other_fees", "value": "1"},
                             headers={"Host": f"127.0.0.1:{seeded.port}", "Origin": "https://evil.example"})
    assert resp.status == 403


async def test_the_expense_and_profit_tabs_export_what_they_show(seeded):
    a, b = await page(seeded)
    await edit(seeded, a["id"], "other_fees", "1.25")
    resp = await seeded.get("/api/lines/export.csv?tab=expense&period=2025-10&sort=order_id&dir=asc", headers=H(seeded))
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="shoptally-expense-')
    assert await resp.read() == (
        "\ufeffDate,Order ID,1688 order ID,SKU ID,SKU name,Quantity,Settlement price,Purchase price,"
        "Purchase currency,Other fees,Row profit,Currency,Store\r\n"
        "2025-10-09 05:00,O1,,SKU-A,Mug SKU-A,2,20.00,8.00,USD,1.25,10.75,USD,TikTok US Mugs\r\n"
        "2025-10-09 05:00,O2,,SKU-B,Mug SKU-B,1,9.00,3.00,USD,0.00,6.00,USD,TikTok US Mugs\r\n").encode()
    resp = await seeded.get("/api/report.csv?period=2025-10&by=sku", headers=H(seeded))
    text = (await resp.read()).decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].startswith("\ufeffaccount,sku_id,currency,quantity,settlement_amount,sales,")
    assert lines[0].endswith(",platform_income,platform_expense,tax,custom_fees,cost,gross_profit")
    assert lines[1].startswith("TikTok US Mugs,SKU-A,USD,2,20.00,25.00,") and lines[1].endswith(",10.75")
    assert lines[2].endswith(",6.00") and lines[3] == ""
    resp = await seeded.get("/api/lines/export.csv?tab=profit", headers=H(seeded))
    assert resp.status == 400


async def test_the_expense_and_profit_workbooks_hold_what_the_csv_exports_hold(seeded):
    import csv
    import io

    from python_calamine import CalamineWorkbook

    a, _ = await page(seeded)
    await edit(seeded, a["id"], "purchase_order", "1688-0001")
    for xlsx_path, csv_path in (("/api/lines/export.xlsx?tab=expense&period=2025-10&sort=order_id&dir=asc",
                                 "/api/lines/export.csv?tab=expense&period=2025-10&sort=order_id&dir=asc"),
                                ("/api/report.xlsx?period=2025-10&by=sku", "/api/report.csv?period=2025-10&by=sku")):
        book = await (await seeded.get(xlsx_path, headers=H(seeded))).read()
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
        text = (await (await seeded.get(csv_path, headers=H(seeded))).read()).decode("utf-8-sig")
        expected = list(csv.reader(io.StringIO(text)))
        assert sheet[0] == expected[0] and len(sheet) == len(expected) == 3
        for got, want in zip(sheet[1:], expected[1:], strict=True):
            for g, w in zip(got, want, strict=True):
                if isinstance(g, float):
                    assert Decimal(str(g)).quantize(Decimal("0.01")) == Decimal(w), (g, w)
                elif hasattr(g, "strftime"):
                    assert g.strftime("%Y-%m-%d %H:%M") == w
                else:
                    assert str(g) == w, (g, w)


async def test_an_edited_price_replaces_the_estimate_of_a_line_the_platform_shows_no_amount_for(client, service):
    from companion.sources.model import IN_TRANSIT

    settled = line(1, "20.00", "25.00", 2, "SKU-A")  # 10.00 a unit: what one more unit is estimated at
    pending = Line(store=US, key=("t", "9"), status=IN_TRANSIT, txn_type="Order", currency="USD",
                   settlement_amount=Decimal("0"), amounts={}, order_id="O9", sku_id="SKU-A", quantity=3,
                   order_time=datetime(2025, 10, 20, 12, tzinfo=UTC), reference="O9", detail=SKU_SPLIT)
    await service.writer.run(settlements.apply_lines, [settled, pending], "seed", "import")

    def order_basis() -> str:
        return reporting.profit_report(period="2025-10", basis="order", now=NOW)["totals"]["settlement_amount"]

    assert await service.read(order_basis) == "50.00"  # 20.00 + 3 × 10.00 estimated
    resp = await client.get("/api/expenses?period=2025-10&basis=order&sort=order_id&dir=asc", headers=H(client))
    pending_row = [r for r in (await resp.json())["rows"] if r["order_id"] == "O9"][0]
    await edit(client, pending_row["id"], "settlement_price", "28.50")
    assert await service.read(order_basis) == "48.50"  # 20.00 + 28.50: the estimate is replaced, not added to

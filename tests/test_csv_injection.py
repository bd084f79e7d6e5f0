"""Text that a spreadsheet would run as a formula (OWASP's CSV injection: a cell starting with =, +, -, @, tab or
CR) leaves every CSV export with a leading apostrophe, while the amounts we format stay plain numbers (a refund
is -12.30, not '-12.30); the XLSX keeps such text as a string cell, never a formula."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from companion.reports.finance_view import text_cell
from companion.sources.model import SETTLED, SKU_SPLIT, Line, SourceField, StoreRef
from companion.store import settlements
from tests.support.app import get

STORE = StoreRef("tiktok", "8801", "US", "@Mugs & Co", "USD", "America/Los_Angeles")
HYPERLINK = '=HYPERLINK("http://x","y")'


def line(n, amount, order, sku, msku, name):
    amount = Decimal(amount)
    return Line(store=STORE, key=("t", str(n)), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=amount, amounts={"sales": amount + Decimal("1.00"), "platform_fee": Decimal("-1.00")},
                fields=[SourceField("Gross sales", amount + Decimal("1.00"), "sales"),
                        SourceField("Referral fee", Decimal("-1.00"), "platform_fee")],
                order_id=order, sku_id=sku, sku_name=name, quantity=1,
                order_time=datetime(2025, 10, 1, 12, tzinfo=UTC), settled_time=datetime(2025, 10, 5, 18, tzinfo=UTC),
                msku=msku, reference=order, detail=SKU_SPLIT, statement_id="ST1")


@pytest.fixture
async def seeded(client, service):
    lines = [line(1, "-12.30", HYPERLINK, "-2+3", "@SUM(A1)", "+1"),
             line(2, "5.00", "O2", "SKU-B", "\rx", "\tx")]
    await service.writer.run(settlements.apply_lines, lines, "seed", "import")
    return client


def headers(client) -> dict:
    return {"Host": f"127.0.0.1:{client.port}", "Origin": f"http://127.0.0.1:{client.port}"}


async def edit_purchase_order(client, value: str) -> None:
    rows = (await (await get(client, "/api/expenses?period=2025-10&sort=order_id&dir=asc")).json())["rows"]
    resp = await client.post("/api/edits", json={"line_id": rows[0]["id"], "field": "purchase_order", "value": value},
                             headers=headers(client))
    assert resp.status == 200, await resp.text()


def test_the_rule():
    assert [text_cell(v) for v in (HYPERLINK, "+1", "-2+3", "@SUM(A1)", "\tx", "\rx")] == [
        "'" + HYPERLINK, "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [text_cell(v) for v in ("Red mug", "", None, "a=b", " =1", "磁带")] == [
        "Red mug", "", "", "a=b", " =1", "磁带"]


async def test_the_income_export_neutralises_text_and_keeps_amounts_numbers(seeded):
    resp = await get(seeded, "/api/lines/export.csv?period=2025-10&sort=order_id&dir=asc")
    assert await resp.read() == (
        "\ufeffDate,Order ID,Item No,SKU ID,SKU name,Quantity,Unit price,Settlement amount,Currency,"
        "Settlement type,Store\r\n"
        "2025-10-05 11:00,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@SUM(A1),'-2+3,'+1,1,-11.30,-12.30,USD,settled,"
        "'@Mugs & Co\r\n"
        "2025-10-05 11:00,O2,\"'\rx\",SKU-B,'\tx,1,6.00,5.00,USD,settled,'@Mugs & Co\r\n"
    ).encode("utf-8")


async def test_the_expense_export_neutralises_the_sellers_own_text_too(seeded):
    await edit_purchase_order(seeded, "-1+1")
    resp = await get(seeded, "/api/lines/export.csv?tab=expense&period=2025-10&sort=order_id&dir=asc")
    assert await resp.read() == (
        "\ufeffDate,Order ID,1688 order ID,SKU ID,SKU name,Quantity,Settlement price,Purchase price,"
        "Purchase currency,Other fees,Row profit,Currency,Store\r\n"
        "2025-10-05 11:00,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'-1+1,'-2+3,'+1,1,-12.30,,,0.00,-12.30,USD,"
        "'@Mugs & Co\r\n"
        "2025-10-05 11:00,O2,,SKU-B,'\tx,1,5.00,,,0.00,5.00,USD,'@Mugs & Co\r\n"
    ).encode("utf-8")


async def test_the_profit_export_neutralises_its_keys_and_keeps_every_figure_a_number(seeded):
    resp = await get(seeded, "/api/report.csv?period=2025-10&by=order")
    text = (await resp.read()).decode("utf-8")
    header, *lines = text.removeprefix("\ufeff").removesuffix("\r\n").split("\r\n")
    assert header.startswith("account,order_id,currency,quantity,settlement_amount,sales,promo_discount,")
    assert header.endswith(",gross_profit")
    zeros = "0.00," * 18  # platform_logistics … other_cost: the categories after platform_fee
    assert lines == [
        "'@Mugs & Co,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",USD,1,-12.30,-11.30," + "0.00," * 6 + "-1.00,"
        + zeros + "-11.30,-1.00,0.00,0.00,0.00,-12.30",
        "'@Mugs & Co,O2,USD,1,5.00,6.00," + "0.00," * 6 + "-1.00," + zeros + "6.00,-1.00,0.00,0.00,0.00,5.00",
    ]


async def test_the_xlsx_keeps_such_text_as_string_cells_never_formulas(seeded):
    await edit_purchase_order(seeded, "=1+1")
    for path in ("/api/lines/export.xlsx?period=2025-10&sort=order_id&dir=asc",
                 "/api/lines/export.xlsx?tab=expense&period=2025-10&sort=order_id&dir=asc",
                 "/api/report.xlsx?period=2025-10&by=order"):
        data = await (await get(seeded, path)).read()
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet and b"<f " not in sheet, path
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        cells = {c for row in rows[1:] for c in row if isinstance(c, str)}
        assert {HYPERLINK, "@Mugs & Co"} <= cells, path
        if "by=order" not in path:
            assert {"+1", "\tx"} <= cells, path
            assert -12.3 in rows[1]  # the amount is a number cell
    income = CalamineWorkbook.from_filelike(io.BytesIO(await (await get(
        seeded, "/api/lines/export.xlsx?period=2025-10&sort=order_id&dir=asc")).read())).get_sheet_by_index(0)
    first = income.to_python()[1]
    assert first[1:5] == [HYPERLINK, "@SUM(A1)", "-2+3", "+1"]

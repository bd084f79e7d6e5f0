"""The Finance view's XLSX and PDF exports over a real database: the XLSX holds exactly the CSV export's
cells (IDs as text, amounts to the cent), the PDF is one page with the report's figures, refusals are 400."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from companion.reports.exports.summary_pdf import summary_pdf
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, SourceField
from companion.store import settlements
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.builders import LA, SH

LONG_SKU = "1729587769570333690"  # 19 digits: a double would keep only about 16 of them
LONG_ORDER = "5769012345678901234"


def line(store, n, amount, settled, status=SETTLED, qty=1, sku="SKU-1", order=None, name="Red mug"):
    amount = Decimal(amount)
    return Line(store=store, key=("t", str(n)), status=status, txn_type="Order", currency="USD",
                settlement_amount=amount, amounts={"sales": amount + Decimal("1.00"), "platform_fee": Decimal("-1.00")},
                fields=[SourceField("Gross sales", amount + Decimal("1.00"), "sales"),
                        SourceField("Referral fee", Decimal("-1.00"), "platform_fee")],
                order_id=order or f"57690{n:04d}", sku_id=sku, sku_name=name, quantity=qty,
                order_time=datetime(2025, 10, 1, 12, tzinfo=UTC), settled_time=settled, msku="MUG-RED",
                reference=f"57690{n:04d}", detail=SKU_SPLIT, statement_id="ST1")


@pytest.fixture
async def seeded(client, service, db):
    await service.writer.run(settlements.apply_lines, [], "none", "import")
    lines = [
        line(LA, 1, "1234.50", datetime(2025, 10, 5, 18, 0, tzinfo=UTC)),
        line(LA, 2, "25.50", datetime(2025, 10, 31, 23, 30, tzinfo=UTC), qty=3, sku=LONG_SKU, order=LONG_ORDER,
             name="Blue mug, \"large\""),
        line(LA, 3, "-12.30", datetime(2025, 10, 20, 8, 0, tzinfo=UTC), name=""),
        line(LA, 4, "4.00", None, status=IN_TRANSIT),
        line(SH, 5, "0.01", datetime(2025, 10, 10, 0, 0, tzinfo=UTC), name="磁带 B"),
    ]
    run_inline(db, settlements.apply_lines, lines, "seed", "import")
    return client


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """Where the XLSX export's temporary files go, to see that none is left behind."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def sheet_rows(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"))))


def same_cell(cell, text: str, title: str) -> bool:
    """An XLSX cell against the CSV's text of the same cell."""
    if title == "Date":
        return cell == "" if text == "" else cell.strftime("%Y-%m-%d %H:%M") == text
    if title in ("Unit price", "Settlement amount", "Quantity") and text != "":
        return isinstance(cell, int | float) and Decimal(repr(cell)) == Decimal(text)
    return isinstance(cell, str) and cell == text


@pytest.mark.parametrize("query", ["period=2025-10&sort=settlement_amount&dir=asc",
                                   "period=all&basis=order&sort=order_id&dir=desc&q=mug"])
async def test_the_xlsx_holds_the_csv_cells(seeded, temp_dir, query):
    resp = await get(seeded, f"/api/lines/export.xlsx?{query}")
    assert resp.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="shoptally-income-\d{8}-\d{6}\.xlsx"',
                        resp.headers["Content-Disposition"])
    sheet = sheet_rows(await resp.read())
    table = csv_rows(await (await get(seeded, f"/api/lines/export.csv?{query}")).read())
    assert sheet[0] == table[0]
    assert len(sheet) == len(table) > 2
    for got, want in zip(sheet[1:], table[1:], strict=True):
        assert len(got) == len(want)
        for cell, text, title in zip(got, want, table[0], strict=True):
            assert same_cell(cell, text, title), (title, cell, text)
    assert list(temp_dir.iterdir()) == []


async def test_long_ids_stay_text_and_amounts_exact(seeded, temp_dir):
    sheet = sheet_rows(await (await get(seeded, "/api/lines/export.xlsx?period=2025-10&sort=order_id&dir=desc")
                              ).read())
    rows = {r[1]: r for r in sheet[1:]}
    blue = rows[LONG_ORDER]
    assert blue[3] == LONG_SKU and blue[5] == 3 and blue[7] == 25.5
    assert rows["576900003"][7] == -12.3 and rows["576900003"][4] == ""
    assert rows["576900005"][10] == "Temu 磁带店" and rows["576900005"][4] == "磁带 B"


@pytest.mark.parametrize("query, message", [
    ("sort=password", "sort 'password' is not one of"),
    ("dir=up", "dir must be asc or desc"),
    ("basis=cash", "basis must be settlement or order"),
    ("period=2025-13", "2025-13"),
    ("account=Nobody", "Nobody"),
    ("page=x", "page must be a whole number"),
])
async def test_bad_xlsx_requests_get_one_clear_sentence(seeded, temp_dir, query, message):
    resp = await get(seeded, f"/api/lines/export.xlsx?{query}", status=404 if "Nobody" in query else 400)
    assert message in (await resp.json())["message"]
    assert list(temp_dir.iterdir()) == []


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    """The page's text as a reader extracts it: one line of the page a line, cells apart by a space."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_the_summary_pdf_shows_the_report(seeded):
    report = await (await get(seeded, "/api/report?period=2025-10&by=store")).json()
    assert report["totals"]["gross_profit"] == "1247.71"  # 1234.50 + 25.50 - 12.30 + 0.01
    resp = await get(seeded, "/api/summary.pdf?period=2025-10")
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="shoptally-summary-2025-10.pdf"'
    data = await resp.read()
    assert data.startswith(b"%PDF-") and pdf_pages(data) == 1
    text = re.sub(r"made \d{4}-\d\d-\d\d \d\d:\d\d UTC$", "made (time)", pdf_text(data))
    assert text.splitlines() == [
        "Profit summary \u00b7 all stores",
        "Settlement basis \u00b7 2025-10-01 to 2025-10-31",
        "Total income", "USD 1,251.71",  # sales: 1,235.50 + 26.50 - 11.30 + 1.01
        "Total expense", "USD 4.00",  # four platform fees of 1.00 in October, shown as a cost
        "Net profit", "USD 1,247.71",
        "Profit by store",
        "Store Cur. Settlement Income Expense Tax Custom fees Cost Gross profit",
        "Temu 磁带店 USD 0.01 1.01 1.00 0.00 0.00 0.00 0.01",  # the shipped font prints Chinese (was "Temu ???")
        "TikTok US Mugs USD 1,247.70 1,250.70 3.00 0.00 0.00 0.00 1,247.70",
        "Category totals",
        "Sales USD 1,251.71 Platform fee USD 4.00",
        "Incomplete data (required statements missing): Temu 磁带店 2025-10, TikTok US Mugs 2025-10",
        "ShopTally \u00b7 costs shown as positive amounts \u00b7 net profit = income - platform expense - tax"
        " - custom fees - cost \u00b7 made (time)"]


@pytest.mark.parametrize("query, message", [
    ("period=2025-13", "2025-13"),
    ("basis=cash", "basis 'cash' is not one of"),
    ("account=Nobody", "Nobody"),
    ("currency=US1", "is not a currency code"),
])
async def test_bad_summary_requests_get_one_clear_sentence(seeded, query, message):
    resp = await get(seeded, f"/api/summary.pdf?{query}", status=404 if "Nobody" in query else 400)
    assert message in (await resp.json())["message"]


def fake_report(stores: int, currencies: tuple[str, ...]) -> dict:
    def body(n: int) -> dict:
        cats = {"sales": f"{n}.00", "platform_fee": f"-{n % 7}.25", "vat": "0.00", "purchase_cost": "-1.00"}
        return {"quantity": n, "categories": cats, "settlement_amount": f"{n}.00", "platform_income": f"{n}.00",
                "platform_expense": f"-{n % 7}.25", "tax": "0.00", "custom_fees": "0.00", "cost": "-1.00",
                "gross_profit": f"{n - 2}.75"}

    rows = [{"key": {"account": f"Store {i:03d} with a rather long name"}, "currency": currencies[i % len(currencies)],
             **body(i + 10)} for i in range(stores)]
    return {"basis": "settlement", "period": {"from": "2025-10-01", "to": "2025-10-31"}, "by": "store",
            "rows": rows, "totals_by_currency": {c: body(1_234_567) for c in currencies}}


def test_many_stores_and_currencies_still_fit_one_page():
    data = summary_pdf(fake_report(90, ("USD", "GBP", "EUR", "MXN", "JPY", "CAD")), "Profit summary")
    assert pdf_pages(data) == 1
    text = pdf_text(data)
    shown = len(re.findall(r"^Store \d{3}", text, re.M))
    assert 10 < shown < 90
    assert f"\nand {90 - shown} more stores\n" in text
    assert "\nand 2 more currencies in the tables below: MXN, USD\n" in text
    assert "\nCAD 1,234,567.00\n" in text  # a card: grouped, with its currency code


def test_an_empty_period_is_one_page_too():
    data = summary_pdf({"basis": "order", "period": {"from": None, "to": None}, "by": "store", "rows": [],
                        "totals_by_currency": {}}, "Profit summary \u00b7 all stores")
    assert data.startswith(b"%PDF-") and pdf_pages(data) == 1
    assert "\nNo settlement lines in this period.\n" in pdf_text(data)

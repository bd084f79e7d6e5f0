"""The exports in the seller's language (issue #16, points 1 and 6): lang=zh gives Chinese headers, sheet
names, settlement types and PDF labels, lang=en (the default) today's English bytes; the summary PDF prints
a Chinese store name in the font shipped with the package; the XLSX shows money as grouped numbers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from companion.reports import finance_view
from companion.reports.exports import csv_table, language
from companion.reports.exports.summary_pdf import summary_pdf, title_for
from companion.reports.fonts import CJK_FONT
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, SourceField, StoreRef
from companion.store import settlements
from companion.store.writer import run_inline
from tests.support.app import get

HOME = StoreRef("temu", "7001", "US", "Temu 家居旗舰店", "USD", "Asia/Shanghai")
INCOME_EN = ("\ufeffDate,Order ID,Item No,SKU ID,SKU name,Quantity,Unit price,Settlement amount,Currency,"
             "Settlement type,Store\r\n")
INCOME_ZH = "\ufeff日期,订单号,商品编号,SKU ID,SKU 名称,数量,单价,结算金额,币种,结算类型,店铺\r\n"
EXPENSE_EN = ("\ufeffDate,Order ID,1688 order ID,SKU ID,SKU name,Quantity,Settlement price,Purchase price,"
              "Purchase currency,Other fees,Row profit,Currency,Store\r\n")
EXPENSE_ZH = "\ufeff日期,订单号,1688 订单号,SKU ID,SKU 名称,数量,结算价,采购价,采购币种,其他费用,行利润,币种,店铺\r\n"
PROFIT_ZH = ("\ufeff店铺,币种,数量,结算金额,销售额,促销折扣,补贴金额,买家运费,其他收入,收入退款额,费用退款额,平台费,"
             "平台物流费,推广费,广告费,调整费,平台仓储费,平台罚款,平台其他费,销售税,市场税,增值税,其他税费,商品其他费,"
             "店铺其他费,订单其他费,采购成本,头程成本,尾程成本,其他成本,平台收入,平台支出,税费,自定义费用,成本,毛利润\r\n")


def line(n: int, amount: str, settled: datetime | None, status: str = SETTLED) -> Line:
    amount_d = Decimal(amount)
    return Line(store=HOME, key=("t", str(n)), status=status, txn_type="Order", currency="USD",
                settlement_amount=amount_d, amounts={"sales": amount_d + 2, "platform_fee": Decimal("-2.00")},
                fields=[SourceField("Gross sales", amount_d + 2, "sales"),
                        SourceField("Referral fee", Decimal("-2.00"), "platform_fee")],
                order_id=f"PO-{n:03d}", sku_id=f"SKU{n}", sku_name="收纳盒", quantity=1,
                order_time=datetime(2025, 10, 1, 4, tzinfo=UTC), settled_time=settled, msku="BOX",
                reference=f"PO-{n:03d}", detail=SKU_SPLIT, statement_id="ST9")


@pytest.fixture
async def seeded(client, service, db):
    await service.writer.run(settlements.apply_lines, [], "none", "import")
    run_inline(db, settlements.apply_lines, [
        line(1, "12345.60", datetime(2025, 10, 6, 2, tzinfo=UTC)),
        line(2, "-7.25", datetime(2025, 10, 9, 2, tzinfo=UTC)),
        line(3, "30.00", None, status=IN_TRANSIT),
    ], "seed", "import")
    return client


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def texts(chunks) -> str:
    return "".join(chunks)


# --- the summary PDF ------------------------------------------------------------------------------------------

async def test_the_chinese_pdf_names_the_chinese_store_in_chinese_words(seeded):
    resp = await get(seeded, "/api/summary.pdf?period=2025-10&lang=zh")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="shoptally-summary-2025-10.pdf"'
    text = re.sub(r"生成于 \d{4}-\d\d-\d\d \d\d:\d\d UTC$", "生成于 (time)", pdf_text(await resp.read()))
    assert text.splitlines() == [
        "利润汇总 \u00b7 全部店铺",
        "按结算时间 \u00b7 2025-10-01 至 2025-10-31",
        "总收入", "USD 12,342.35",  # sales 12,347.60 + (-5.25)
        "总支出", "USD 4.00",  # costs shown as what they cost
        "净利润", "USD 12,338.35",
        "各店铺利润",
        "店铺 币种 结算金额 收入 支出 税费 自定义费用 成本 毛利润",
        "Temu 家居旗舰店 USD 12,338.35 12,342.35 4.00 0.00 0.00 0.00 12,338.35",
        "各类别合计",
        "销售额 USD 12,342.35 平台费 USD 4.00",
        "数据不完整（缺少必需的账单）：Temu 家居旗舰店 2025-10",
        "ShopTally \u00b7 费用以正数显示 \u00b7 净利润 = 收入 - 平台支出 - 税费 - 自定义费用 - 成本"
        " \u00b7 生成于 (time)"]


async def test_one_stores_pdf_is_titled_with_its_name_in_either_language(seeded):
    for lang, title in (("en", "Profit summary \u00b7 Temu 家居旗舰店"), ("zh", "利润汇总 \u00b7 Temu 家居旗舰店")):
        data = await (await get(seeded, f"/api/summary.pdf?period=2025-10&account=Temu 家居旗舰店&lang={lang}")).read()
        assert pdf_text(data).splitlines()[0] == title
        assert PdfReader(io.BytesIO(data)).metadata.title == title


def test_the_embedded_font_is_the_shipped_one_cut_to_the_glyphs_used():
    report = {"basis": "settlement", "period": {"from": "2025-10-01", "to": "2025-10-31"}, "by": "store",
              "rows": [], "totals_by_currency": {}}
    data = summary_pdf(report, title_for("家居", "zh"), "zh")
    fonts = [f for f in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()]
    descendant = fonts[0].get_object()["/DescendantFonts"][0].get_object()
    assert descendant["/FontDescriptor"]["/FontName"].endswith("+NotoSansSCGB2312")  # subset tag + name
    embedded = descendant["/FontDescriptor"]["/FontFile2"].get_data()
    assert 1_000 < len(embedded) < 60_000 < CJK_FONT.stat().st_size  # a subset, not the 2.2 MB file
    assert pdf_text(data).splitlines()[:3] == ["利润汇总 \u00b7 家居", "按结算时间 \u00b7 2025-10-01 至 2025-10-31",
                                               "该期间没有结算记录。"]


def test_a_character_beyond_the_font_prints_as_a_question_mark():
    body = {"quantity": 1, "categories": {"sales": "5.00"}, "settlement_amount": "5.00", "platform_income": "5.00",
            "platform_expense": "0.00", "tax": "0.00", "custom_fees": "0.00", "cost": "0.00", "gross_profit": "5.00"}
    report = {"basis": "order", "period": {"from": None, "to": None}, "by": "store",
              "rows": [{"key": {"account": "\U0001F984 店\u4DB5"}, "currency": "EUR", **body}],
              "totals_by_currency": {"EUR": body}}
    lines = pdf_text(summary_pdf(report, "Shop \U0001F984", "en")).splitlines()
    assert lines[0] == "Shop ?"
    assert "? 店? EUR 5.00 5.00 0.00 0.00 0.00 0.00 5.00" in lines  # an emoji and a CJK Extension A hanzi
    assert lines[1] == "Order basis \u00b7 all dates"


def test_the_shipped_font_holds_every_gb2312_hanzi_and_latin_1():
    cmap = TTFont(CJK_FONT, lazy=True).getBestCmap()
    # GB2312 rows 16-87 are its hanzi; row 55 ends at 0xD7F9
    hanzi = {ord(bytes((lead, trail)).decode("gb2312")) for lead in range(0xB0, 0xF8) for trail in range(0xA1, 0xFF)
             if not (lead == 0xD7 and trail > 0xF9)}
    assert len(hanzi) == 6763
    assert hanzi <= set(cmap)
    assert set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | {0x20AC, 0x2026, 0xFF08, 0x3001} <= set(cmap)
    assert (CJK_FONT.parent / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


# --- CSV ------------------------------------------------------------------------------------------------------

async def test_csv_headers_in_english_and_chinese(seeded, service):
    f = finance_view.Filters(period="2025-10", sort="order_id", descending=False)
    en = await service.read(lambda: texts(csv_table.income_csv(f)))
    zh = await service.read(lambda: texts(csv_table.income_csv(f, lang="zh")))
    assert en == await service.read(lambda: texts(finance_view.income_csv(f)))  # en: the bytes it always had
    assert en.startswith(INCOME_EN) and zh.startswith(INCOME_ZH)
    assert en.removeprefix(INCOME_EN) == ("2025-10-06 10:00,PO-001,BOX,SKU1,收纳盒,1,12347.60,12345.60,USD,settled,"
                                          "Temu 家居旗舰店\r\n"
                                          "2025-10-09 10:00,PO-002,BOX,SKU2,收纳盒,1,-5.25,-7.25,USD,settled,"
                                          "Temu 家居旗舰店\r\n")
    assert zh.removeprefix(INCOME_ZH) == en.removeprefix(INCOME_EN).replace(",settled,", ",已结算,")
    expense_en = await service.read(lambda: texts(csv_table.expense_csv(f)))
    expense_zh = await service.read(lambda: texts(csv_table.expense_csv(f, lang="zh")))
    assert expense_en.startswith(EXPENSE_EN) and expense_zh.startswith(EXPENSE_ZH)
    assert expense_zh.removeprefix(EXPENSE_ZH) == expense_en.removeprefix(EXPENSE_EN)


async def test_in_transit_lines_and_formula_text_keep_their_bytes_in_chinese(seeded, service):
    f = finance_view.Filters(period="2025-10", basis="order", sort="order_id", descending=False)
    zh = await service.read(lambda: texts(csv_table.income_csv(f, lang="zh")))
    rows = list(csv.reader(io.StringIO(zh.removeprefix("\ufeff"))))
    assert [r[9] for r in rows] == ["结算类型", "已结算", "已结算", "在途"]
    assert [r[7] for r in rows[1:]] == ["12345.60", "-7.25", "30.00"]  # plain decimals, no grouping


async def test_the_profit_csv_header_in_chinese(seeded, service):
    report = await (await get(seeded, "/api/report?period=2025-10&by=store")).json()
    zh = csv_table.profit_csv(report, "zh")
    en = csv_table.profit_csv(report)
    assert en == finance_view.profit_csv(report)
    assert zh.startswith(PROFIT_ZH)
    assert zh.removeprefix(PROFIT_ZH) == en.split("\r\n", 1)[1]


# --- XLSX -----------------------------------------------------------------------------------------------------

def number_cells(data: bytes) -> dict[str, tuple[str, str]]:
    """Every number cell of the first sheet that has a number format: reference → (stored value, format code)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    codes = {4: "#,##0.00"} | {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter(f"{{{ns['m']}}}numFmt")}
    formats = [int(xf.get("numFmtId")) for xf in styles.find("m:cellXfs", ns)]
    cells = {}
    for c in sheet.iter(f"{{{ns['m']}}}c"):
        value = c.find("m:v", ns)
        if c.get("t") is None and value is not None and formats[int(c.get("s") or 0)] in codes:
            cells[c.get("r")] = (value.text, codes[formats[int(c.get("s"))]])
    return cells


@pytest.mark.parametrize("lang, header, sheet_name, settled", [
    ("en", INCOME_EN, "Income", "settled"),
    ("zh", INCOME_ZH, "收入", "已结算"),
])
async def test_xlsx_header_in_the_language_and_money_as_grouped_numbers(seeded, lang, header, sheet_name, settled):
    data = await (await get(seeded, f"/api/lines/export.xlsx?period=2025-10&sort=order_id&dir=asc&lang={lang}")).read()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == [sheet_name]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == header.removeprefix("\ufeff").removesuffix("\r\n").split(",")
    assert [r[9] for r in rows[1:]] == [settled, settled]
    assert [r[7] for r in rows[1:]] == [12345.6, -7.25]  # numbers, not text
    # G and H: unit price and settlement amount, stored as plain numbers shown "#,##0.00" (12,345.60);
    # A: the date, a date serial shown as one (2025-10-06 10:00 in the store's time)
    assert number_cells(data) == {"G2": ("12347.6", "#,##0.00"), "H2": ("12345.6", "#,##0.00"),
                                  "G3": ("-5.25", "#,##0.00"), "H3": ("-7.25", "#,##0.00"),
                                  "A2": ("45936.41666666666", "yyyy-mm-dd hh:mm"),
                                  "A3": ("45939.41666666666", "yyyy-mm-dd hh:mm")}


async def test_profit_xlsx_in_chinese(seeded):
    data = await (await get(seeded, "/api/report.xlsx?period=2025-10&by=sku&lang=zh")).read()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["利润"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["店铺", "SKU ID", "币种", "数量", "结算金额", "销售额"]
    assert rows[0][-6:] == ["平台收入", "平台支出", "税费", "自定义费用", "成本", "毛利润"]
    assert rows[1][:5] == ["Temu 家居旗舰店", "SKU1", "USD", 1, 12345.6]


@pytest.mark.parametrize("path", ["/api/lines/export.xlsx", "/api/report.xlsx", "/api/summary.pdf"])
async def test_a_language_other_than_en_or_zh_is_refused(seeded, path):
    resp = await get(seeded, f"{path}?lang=fr", status=400)
    assert (await resp.json())["message"] == "lang must be en or zh, not 'fr'"


def test_every_group_and_category_has_a_chinese_name():
    from companion.ledger.categories import ALL, GROUPS

    assert set(ALL) | set(GROUPS) | {"gross_profit"} <= set(language.PROFIT_ZH)
    assert language.category("platform_fee", "en") == "Platform fee"
    assert language.category("platform_fee", "zh") == "平台费"
    assert set(ALL) | set(GROUPS) | {"gross_profit"} <= set(language.PROFIT_ZH)
    assert language.category("platform_fee", "en") == "Platform fee"
    assert language.category("platform_fee", "zh") == "平台费"


@pytest.mark.parametrize("path, first_line", [
    ("/api/lines/export.csv?period=2025-10&lang=zh", INCOME_ZH),
    ("/api/lines/export.csv?period=2025-10&tab=expense&lang=zh", EXPENSE_ZH),
    ("/api/lines/export.csv?period=2025-10", INCOME_EN),
    ("/api/report.csv?period=2025-10&lang=zh", PROFIT_ZH),
])
async def test_the_csv_endpoints_take_the_language(seeded, path, first_line):
    text = (await (await get(seeded, path)).read()).decode("utf-8")
    assert text.startswith(first_line)


@pytest.mark.parametrize("path", ["/api/lines/export.csv", "/api/report.csv"])
async def test_the_csv_endpoints_refuse_another_language(seeded, path):
    resp = await get(seeded, f"{path}?lang=fr", status=400)
    assert (await resp.json())["message"] == "lang must be en or zh, not 'fr'"

"""Large files read in parallel units: the same lines as a whole-file read, nothing stored on a bad row."""

from __future__ import annotations

import pytest

from companion.pipeline import chunked_import, importer, ingest
from companion.reports import reporting
from companion.sources import bigtables, tables
from companion.store.models import RawCapture, SettlementLine
from companion.store.workers import Inline, complete
from companion.store.writer import run_inline
from tests.support.tables import US_HEADER, US_NAME, csv_bytes, us_row, xlsx


def rows(n: int) -> list[list[str]]:
    """n orders, one SKU each; every fifth a refund; 10.00 gross, -1.00 referral, total 9.00 (refund: 0)."""
    out = []
    for i in range(n):
        refund = i % 5 == 4
        out.append(us_row(type="Order", id=f"5769{i:012d}", sku=f"1729{i % 37:015d}", qty="1",
                          created="2025/10/01", gross="10.00", referral="-1.00",
                          gross_refund="-10.00" if refund else "0", refund_admin="1.00" if refund else "0",
                          total="0.00" if refund else "9.00"))
    out.insert(3, ["", "", ""])  # a blank row in the middle
    return out


@pytest.fixture
def small_units(monkeypatch):
    """Units of a few rows, so a small test file goes the way a large export does."""
    monkeypatch.setattr(importer, "LARGE_FILE", 0)
    monkeypatch.setattr(tables, "LARGE_CSV", 0)
    monkeypatch.setattr(tables, "CSV_UNIT", 1500)
    monkeypatch.setattr(tables, "XLSX_PART_ROWS", 7)
    monkeypatch.setattr(bigtables, "LARGE_SHEET_XML", 0)


def import_large(db, name, content):
    """The file read in units (as the file's parsing process does) and written by the writer; None when it is
    not read in units."""
    units = chunked_import.read(name, content, ingest.hints_for(name))
    plan = next(units, None)
    return None if plan is None else run_inline(db, chunked_import.write, name, plan, units)


def _whole(db, name, content):
    parsed = importer.parse_file(name, content)
    return run_inline(db, importer.commit_file, name, parsed).summary


def _figures():
    rep = reporting.profit_report(period="2025-10", by="sku")
    return rep["totals"], sorted((r["key"]["sku_id"], r["settlement_amount"]) for r in rep["rows"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_units_give_the_lines_a_whole_read_gives(db, small_units, kind):
    data = rows(60)
    content = csv_bytes([US_HEADER, *data]) if kind == "csv" else xlsx(
        {"Summary": [["Totals"]], "Order details": [US_HEADER, *data]}, wrong_dimension=True)
    name = f"{US_NAME}.{kind}"
    done = import_large(db, name, content)
    assert done is not None, "the file should have been read in units"
    assert done.summary == {"file": name, "platform": "tiktok", "report_type": "order_details",
                            "account": "TikTok US MugHouse", "added": 60, "updated": 0, "skipped": 0}
    assert len(done.events) == 1 and done.events[0]["added"] == 60  # one change for the whole file
    chunked = _figures()
    assert chunked[0]["settlement_amount"] == "432.00" and chunked[0]["quantity"] == 60  # 48 × 9.00
    refund = SettlementLine.get(SettlementLine.order_id == "5769000000000004")  # drill-down, as stored
    assert refund.source_fields == ('[["Gross sales","10.00","sales"],["Gross sales refund","-10.00","income_refund"],'
                                    '["Referral fee","-1.00","promotion_fee"],'
                                    '["Refund administration fee","1.00","promotion_fee"]]')
    again = import_large(db, name, content)
    assert (again.summary["added"], again.summary["skipped"]) == (0, 60)
    assert RawCapture.select().count() == 2
    # the same file read whole, into a fresh store, gives the same figures
    SettlementLine.delete().execute()
    assert _whole(db, name, content)["added"] == 60
    assert _figures() == chunked


def test_a_bad_row_in_a_later_unit_stores_nothing(db, small_units):
    data = rows(60)
    data[50][US_HEADER.index("Gross sales")] = "ten dollars"
    content = csv_bytes([US_HEADER, *data])
    with pytest.raises(importer.FileError, match=r"row 52: 'ten dollars' is not an amount"):
        complete(importer.import_file(Inline(db), f"{US_NAME}.csv", content, None))
    assert SettlementLine.select().count() == 0 and RawCapture.select().count() == 0


def test_small_files_and_other_layouts_are_left_to_the_whole_read(db, monkeypatch):
    assert import_large(db, f"{US_NAME}.csv", csv_bytes([US_HEADER, *rows(5)])) is None
    monkeypatch.setattr(chunked_import.registry, "detect", lambda src: None)
    monkeypatch.setattr(importer, "LARGE_FILE", 0)
    assert import_large(db, f"{US_NAME}.csv", csv_bytes([US_HEADER, *rows(5)])) is None


def test_csv_units_end_at_record_boundaries():
    text = 'a,b\n1,"x\ny"\n2,z\n3,"q\n\nr"\n4,w\n'
    start = bigtables.record_start(text, 1)
    assert text[start:].startswith("1,")
    units = list(bigtables.csv_units(text, start, 3))
    assert "".join(u.text for u in units) == text[start:]
    got = [(n, r) for u in units for n, r in bigtables.csv_rows(u, ",")]
    assert got == [(3, ["1", "x\ny"]), (4, ["2", "z"]), (7, ["3", "q\n\nr"]), (8, ["4", "w"])]


def test_xlsx_parts_keep_row_numbers_and_columns():
    sheet = [["title"], [], ["h1", "h2", "h3"], *[[f"r{i}", i, None] for i in range(1, 20)], [None, "only-b"]]
    content = xlsx({"S": sheet})
    sheets = bigtables.XlsxSheets("t.xlsx", content)
    seen = [(n, r) for part in sheets.parts("S", 4, first_part_rows=2) for n, r in bigtables.part_rows(part)]
    assert (seen[0][0], seen[0][1][0], seen[1][0], seen[2]) == (1, "title", 2, (3, ["h1", "h2", "h3"]))
    assert (seen[-1][0], seen[-1][1][:2]) == (23, ["", "only-b"])  # column A empty: still in column B
    assert [n for n, _ in seen] == list(range(1, 24))

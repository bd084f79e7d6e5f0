"""Report files for tests: real CSV and XLSX bytes written here, read back through the real adapters."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import xlsxwriter

from companion.ledger.categories import PLATFORM
from companion.pipeline import ingest
from companion.sources import registry
from companion.sources.model import ParseResult, SourceInput, StoreRef
from companion.sources.tabular import Hints

RECEIVED = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)


def xlsx(sheets: dict[str, Sequence[Sequence[object]]], wrong_dimension: bool = False) -> bytes:
    """A workbook with these sheets (in order). Cells: str, int, float, Decimal (written as a number) or None.
    `wrong_dimension`: every sheet says <dimension ref="A1"/>, as some exporters write, so a naive reader sees
    only the first cell."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    data = buf.getvalue()
    return _break_dimension(data) if wrong_dimension else data


def _break_dimension(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', content)
            dst.writestr(info, content)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue().encode(encoding)


def file_src(name: str, content: bytes, account: str = "", store: StoreRef | None = None) -> SourceInput:
    hints = Hints(ingest.naming.parse(name), store, account)
    return SourceInput("file", "import", "", RECEIVED, {"name": name, "content": content, "hints": hints})


def parse(name: str, content: bytes, account: str = "", store: StoreRef | None = None) -> ParseResult:
    """Detect and parse through the registry, as an import does."""
    src = file_src(name, content, account, store)
    adapter = registry.detect(src)
    assert adapter is not None, f"no adapter recognises {name}: {src.payload.get('_workbook_error')}"
    return adapter.parse(src)


def totals(result: ParseResult, settled_only: bool = False) -> dict[str, Decimal]:
    """Every category's total over the lines, to the cent, plus settlement_amount; zero categories left out.
    A natural key seen twice counts once (the last one), as the store keeps it."""
    sums: dict[str, Decimal] = {}
    kept = {(line.store.platform, line.store.external_id, line.key): line for line in result.lines}
    for line in kept.values():
        if settled_only and line.status != "settled":
            continue
        for key, value in line.amounts.items():
            assert key in PLATFORM, key
            sums[key] = sums.get(key, Decimal(0)) + value
        sums["settlement_amount"] = sums.get("settlement_amount", Decimal(0)) + line.settlement_amount
    return {k: v.quantize(Decimal("0.01")) for k, v in sums.items() if v}


def categories_match_settlement(result: ParseResult) -> None:
    """Each line's categories add up to the amount the platform says it pays for it."""
    for line in result.lines:
        assert sum(line.amounts.values(), Decimal(0)) == line.settlement_amount, (line.key, line.amounts,
                                                                                   line.settlement_amount)

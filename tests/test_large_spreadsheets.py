"""Large and crafted spreadsheets (issue #13 item 3): a file is read outside the writer, in a process of its own
with a memory limit and a deadline, and a cell longer than any real export has is refused in one line."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import random
import threading
import time
import urllib.request
import zipfile

import pytest

from companion.pipeline import importer
from companion.sources import bigtables, tables
from companion.store.models import RawCapture, SettlementLine
from companion.store.workers import Inline, complete
from tests.support.builders import order_list_capture, order_row
from tests.support.daemon import Daemon, clean_env, cli, recv, scalar, send
from tests.support.tables import US_HEADER, US_NAME, csv_bytes, us_row, xlsx

NINE_MIB = 9 * 1024 * 1024
PRODUCT = US_HEADER.index("Product name")  # column J
PLACEHOLDER = "PLACEHOLDER-OF-THE-LONG-CELL"


def rows(n: int) -> list[list[str]]:
    return [us_row(type="Order", id=f"5769{i:012d}", sku=f"1729{i:015d}", qty="1", created="2025/10/01",
                   gross="10.00", referral="-1.00", total="9.00") for i in range(n)]


def letters(n: int) -> str:
    """n characters of text that does not compress (as a file of that size would be)."""
    return base64.b64encode(random.Random(n).randbytes(n * 3 // 4 + 3)).decode()[:n]


def with_long_cell(data: list[list[str]], at: int, text: str) -> list[list[str]]:
    data = [list(r) for r in data]
    data[at][PRODUCT] = text
    return data


def rewrite(content: bytes, shared: bytes | None = None, ballast: int = 0) -> bytes:
    """An XLSX with the placeholder's shared string replaced by `shared`, and `ballast` bytes of noise added
    (a file of that size on disk whose content unpacks far larger)."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml" and shared is not None:
                data = data.replace(PLACEHOLDER.encode(), shared)
            dst.writestr(info.filename, data)
        if ballast:
            dst.writestr(zipfile.ZipInfo("xl/media/image1.bin"), random.Random(3).randbytes(ballast))
    return out.getvalue()


def placeholder_book(n: int = 3, at: int = 1) -> bytes:
    return xlsx({"Order details": [US_HEADER, *with_long_cell(rows(n), at, PLACEHOLDER)]})


def stored() -> tuple[int, int]:
    return SettlementLine.select().count(), RawCapture.select().count()


def import_inline(db, name: str, content: bytes) -> dict:
    return complete(importer.import_file(Inline(db), name, content, None))


# a cell over the limit ---------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["top", "later unit"])
def test_a_9_mib_csv_with_one_huge_cell_is_refused_in_one_line_and_nothing_changes(db, where):
    import_inline(db, f"{US_NAME}.csv", csv_bytes([US_HEADER, *rows(5)]))
    before = stored()
    at = 1 if where == "top" else 40  # row 3: seen while the layout is looked for; row 42: in a unit
    content = csv_bytes([US_HEADER, *with_long_cell(rows(60), at, letters(NINE_MIB))])
    assert len(content) >= importer.LARGE_FILE  # the large-file path, which used to run in the writer
    with pytest.raises(importer.FileError) as refused:
        import_inline(db, f"{US_NAME}.csv", content)
    assert str(refused.value) == (f"{US_NAME}.csv: sheet '{US_NAME}', row {at + 2}, column J: a cell of more than "
                                  "131,072 characters is over the limit of 32,767 a cell may hold (Excel's own)")
    assert stored() == before


def test_a_cell_just_over_the_limit_is_refused_where_it_is(db):
    content = csv_bytes([US_HEADER, *with_long_cell(rows(5), 3, "x" * (tables.MAX_CELL + 1))])
    with pytest.raises(importer.FileError, match=r"row 5, column J: a cell of 32,768 characters is over the limit"):
        import_inline(db, f"{US_NAME}.csv", content)
    spaced = csv_bytes([US_HEADER, *with_long_cell(rows(5), 3, "x\n" * 20_000)])  # short lines, one long cell
    with pytest.raises(importer.FileError, match=r"row 5, column J: a cell of 40,000 characters"):
        import_inline(db, f"{US_NAME}.csv", spaced)
    assert import_inline(db, f"{US_NAME}.csv", csv_bytes([US_HEADER, *with_long_cell(
        rows(5), 3, "x" * tables.MAX_CELL)]))["added"] == 5  # Excel's own limit is allowed


def test_an_xlsx_whose_parts_hold_a_long_cell_is_refused_in_one_line(db, monkeypatch):
    """Read in units (small ones here, as a large export is): the part with the cell is measured."""
    monkeypatch.setattr(importer, "LARGE_FILE", 0)
    monkeypatch.setattr(tables, "XLSX_PART_ROWS", 7)
    monkeypatch.setattr(bigtables, "LARGE_SHEET_XML", 0)
    content = rewrite(placeholder_book(40, at=30), f"{'y' * 40_000}".encode())
    with pytest.raises(importer.FileError) as refused:
        import_inline(db, f"{US_NAME}.xlsx", content)
    assert str(refused.value) == (f"{US_NAME}.xlsx: sheet 'Order details', row 32, column J: a cell of 40,000 "
                                  "characters is over the limit of 32,767 a cell may hold (Excel's own)")
    assert stored() == (0, 0)


def test_the_cli_refuses_a_9_mib_xlsx_with_one_huge_cell_with_exit_2_and_one_line(tmp_path, db_url):
    path = tmp_path / f"{US_NAME}.xlsx"
    path.write_bytes(rewrite(placeholder_book(), letters(12 * 1024 * 1024).encode()))  # 9 MiB packed
    assert path.stat().st_size >= importer.LARGE_FILE
    res = cli(tmp_path / "data", db_url, "import", str(path))
    assert (res.code, res.out) == (2, "")
    assert res.err_lines == [f"shoptally: {path}: sheet 'Order details', row 3, column J: a cell of 12,582,912 "
                             "characters is over the limit of 32,767 a cell may hold (Excel's own)"]
    assert scalar(db_url, "SELECT COUNT(*) FROM raw_capture") == 0


# nothing of it in the writer -----------------------------------------------------------------------------
async def test_nothing_of_reading_a_large_file_happens_on_the_writer_thread(service, monkeypatch):
    monkeypatch.setattr(importer, "LARGE_FILE", 0)
    monkeypatch.setattr(tables, "LARGE_CSV", 0)
    monkeypatch.setattr(tables, "CSV_UNIT", 1500)
    seen: list[str] = []
    for module, name in ((tables, "open_workbook"), (importer, "parse_file")):
        real = getattr(module, name)

        def spy(*args, _real=real, **kwargs):
            seen.append(threading.current_thread().name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    summary = await service.import_file(f"{US_NAME}.csv", csv_bytes([US_HEADER, *rows(40)]))  # in units
    assert summary["added"] == 40
    monkeypatch.setattr(importer, "LARGE_FILE", 1 << 30)
    summary = await service.import_file(f"{US_NAME}.csv", csv_bytes([US_HEADER, *rows(5)]))  # read whole
    assert summary["skipped"] == 5
    assert seen == ["shoptally-upload"] * 3, seen  # opened once in units; parsed whole, opened there


# the daemon's limits ---------------------------------------------------------------------------------
def slow_book() -> bytes:
    """9 MiB on disk, eight million shared strings inside: reading it takes seconds, whatever the machine."""
    content = placeholder_book()
    return rewrite(content, PLACEHOLDER.encode() + b"</t></si>" + b"<si><t>a</t></si>" * 8_000_000 + b"<si><t>",
                   ballast=NINE_MIB)


def post_import(d: Daemon, path) -> dict:
    request = urllib.request.Request(f"{d.base}/api/import", json.dumps({"paths": [str(path)]}).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {d.token}"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=60) as resp:
        return json.load(resp)


async def test_captures_are_stored_while_a_file_is_read_and_a_file_past_its_deadline_is_refused(tmp_path, db_url):
    path = tmp_path / f"{US_NAME}.xlsx"
    path.write_bytes(slow_book())
    async with Daemon(tmp_path / "data", db_url, env=clean_env(SHOPTALLY_PARSE_TIMEOUT="1")) as d:
        ws = await d.extension(hello_token=d.token)
        importing = asyncio.create_task(asyncio.to_thread(post_import, d, path))
        await asyncio.sleep(0.5)  # the file is being read now
        sent = time.monotonic()
        await send(ws, order_list_capture([order_row(n, "1.10") for n in range(50)]))
        ack = await recv(ws, timeout=30)
        waited = time.monotonic() - sent
        assert (ack["type"], ack["added"]) == ("ack", 50), ack
        assert not importing.done() and waited < 2.0, waited  # stored while the file was still being read
        answer = await importing
    assert answer == {"files": [], "errors": [{"file": str(path), "code": "import_parser_slow", "params": {
        "seconds": "1", "env": "SHOPTALLY_PARSE_TIMEOUT"}, "message": (
        f"{US_NAME}.xlsx: reading the file took longer than the parser may take (1 s; SHOPTALLY_PARSE_TIMEOUT sets "
        "it)")}]}
    assert scalar(db_url, "SELECT COUNT(*) FROM raw_capture") == 1  # the capture; nothing of the file


async def test_a_file_that_needs_more_memory_than_the_parser_may_use_is_refused_in_one_line(tmp_path, db_url):
    path = tmp_path / f"{US_NAME}.xlsx"
    path.write_bytes(rewrite(placeholder_book(), b"a" * (150 * 1024 * 1024), ballast=2 * 1024 * 1024))
    async with Daemon(tmp_path / "data", db_url, env=clean_env(SHOPTALLY_PARSE_MEMORY_MB="256")) as d:
        res = await d.acli("import", str(path))
        assert (res.code, res.err_lines) == (2, [
            f"shoptally: {path}: the file needs more memory than the parser may use (256 MiB; "
            "SHOPTALLY_PARSE_MEMORY_MB sets it)"]), res
        ws = await d.extension(hello_token=d.token)  # the daemon goes on; its parsing processes have the limit too
        await send(ws, order_list_capture([order_row(n, "1.10") for n in range(5)]))
        assert (await recv(ws, timeout=30))["added"] == 5
    assert scalar(db_url, "SELECT COUNT(*) FROM raw_capture") == 1

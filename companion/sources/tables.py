"""Report files as tables: CSV (any of the encodings seller centers write) and spreadsheets (python-calamine).

Pure: bytes in, rows of cells out. Cells are what the file holds: text for CSV; text, numbers, booleans or
datetimes for spreadsheets ("" for an empty cell). Limits keep a hostile or broken file from taking the
machine: size on disk, size unpacked, rows and columns. Large files are also available in units that can
be read one at a time, by several processes (see bigtables.py).
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from companion.sources import bigtables
from companion.sources.model import SourceError

MAX_ROWS = 1_000_000  # per sheet
MAX_COLUMNS = 1_024
MAX_UNPACKED = 2 * 1024 * 1024 * 1024  # all parts of a spreadsheet, uncompressed
MAX_RATIO = 200  # unpacked / packed: beyond this a zip is a bomb, not a report
LARGE_CSV = 8 * 1024 * 1024  # characters: a CSV this long is read in units
CSV_UNIT = 1024 * 1024  # characters per unit (about 3,700 rows of a TikTok export)
XLSX_PART_ROWS = 3_000  # a part costs its worker about 80 bytes a cell while it is read (3,000 rows: ~90 MB)
FIRST_UNIT_SHARE = 8  # the first unit is this much smaller, so writing starts while the workers still start

Cell = str | int | float | bool | datetime | date | time | timedelta
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


@dataclass(frozen=True)
class Unit:
    """Rows of one sheet that can be read on their own: a CSV text unit, or an XLSX part whose rows up to
    `skip_to` (the header and what is above it) are left out."""

    kind: str  # csv | xlsx
    csv: bigtables.CsvUnit | None = None
    delimiter: str = ","
    part: bytes = b""
    skip_to: int = 0


def unit_rows(unit: Unit) -> Iterator[tuple[int, list]]:
    """(row number from 1, row) of one unit."""
    if unit.kind == "csv":
        assert unit.csv is not None
        yield from bigtables.csv_rows(unit.csv, unit.delimiter)
        return
    for number, row in bigtables.part_rows(unit.part):
        if number > unit.skip_to:
            yield number, row


class Workbook:
    """A report file's tables. CSV files have one sheet, named after the file. Sheets load on first use."""

    def __init__(self, name: str, kind: str, sheet_names: list[str]) -> None:
        self.name = name
        self.kind = kind
        self.sheet_names = sheet_names
        self._loaded: dict[str, list[list[Cell]]] = {}

    def rows(self, sheet: str) -> list[list[Cell]]:
        """Every row of one sheet."""
        if sheet not in self.sheet_names:
            raise SourceError(f"{self.name}: no sheet named {sheet!r}")
        if sheet not in self._loaded:
            self._loaded[sheet] = self._load(sheet)
        return self._loaded[sheet]

    def first_rows(self, sheet: str, n: int) -> list[list[Cell]]:
        """The top rows, without loading a large sheet whole."""
        return self.rows(sheet)[:n]

    def large(self, sheet: str) -> bool:
        """Too large to load whole: read it by units instead."""
        return False

    def units(self, sheet: str, after: int) -> Iterator[Unit]:
        """The rows after the first `after` ones, in units (one unit when the sheet is small)."""
        raise NotImplementedError

    def _load(self, sheet: str) -> list[list[Cell]]:
        raise NotImplementedError


class CsvBook(Workbook):
    def __init__(self, name: str, text: str) -> None:
        stem = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0] or name
        super().__init__(name, "csv", [stem])
        self.text = text
        self.delimiter = _delimiter(text)

    def _load(self, sheet: str) -> list[list[Cell]]:
        return _csv_rows(self.name, self.text, self.delimiter)

    def first_rows(self, sheet: str, n: int) -> list[list[Cell]]:
        if sheet in self._loaded or not self.large(sheet):
            return self.rows(sheet)[:n]
        reader = csv.reader(io.StringIO(self.text[: bigtables.record_start(self.text, n)], newline=""),
                            delimiter=self.delimiter)
        try:
            return list(itertools.islice(reader, n))
        except csv.Error as exc:
            raise SourceError(f"{self.name}: not a readable CSV file ({exc})") from exc

    def large(self, sheet: str) -> bool:
        return len(self.text) > LARGE_CSV

    def units(self, sheet: str, after: int) -> Iterator[Unit]:
        start = bigtables.record_start(self.text, after)
        large = self.large(sheet)
        size = CSV_UNIT if large else len(self.text) + 1
        for unit in bigtables.csv_units(self.text, start, size, size // FIRST_UNIT_SHARE if large else None):
            yield Unit("csv", unit, self.delimiter)


class SpreadsheetBook(Workbook):
    def __init__(self, name: str, content: bytes) -> None:
        if content[:4] == _ZIP:
            _check_zip(name, content)
        self.content = content
        self._book = None
        self.xlsx = None
        if content[:4] == _ZIP:
            try:
                self.xlsx = bigtables.XlsxSheets(name, content)
            except (SourceError, zipfile.BadZipFile, KeyError):
                self.xlsx = None  # not an XLSX (ODS…): every sheet is read whole
        # an XLSX's sheet names come from its workbook part; python-calamine opens the file only when a
        # sheet is read whole (opening it reads the shared strings of every sheet)
        names = list(self.xlsx.paths) if self.xlsx is not None and self.xlsx.paths else self.calamine().sheet_names
        super().__init__(name, "spreadsheet", [str(n) for n in names])

    def calamine(self):
        from python_calamine import CalamineError, CalamineWorkbook

        if self._book is None:
            try:
                self._book = CalamineWorkbook.from_filelike(io.BytesIO(self.content))
            except (CalamineError, ValueError, OSError) as exc:
                raise SourceError(f"{self.name}: cannot be read as a spreadsheet ({exc})") from exc
        return self._book

    def large(self, sheet: str) -> bool:
        return self.xlsx is not None and sheet in self.xlsx.paths and self.xlsx.is_large(sheet)

    def _load(self, sheet: str) -> list[list[Cell]]:
        if self.large(sheet):
            rows: list[list[Cell]] = []
            for part in self.xlsx.parts(sheet, XLSX_PART_ROWS):  # type: ignore[union-attr]
                for number, row in bigtables.part_rows(part):
                    rows.extend([[]] * (number - 1 - len(rows)))
                    rows.append(row)
                    if len(rows) > MAX_ROWS:
                        raise SourceError(f"{self.name}: sheet {sheet!r} has more than {MAX_ROWS:,} rows; "
                                          "split the export")
            return rows
        from python_calamine import CalamineError

        try:
            data = self.calamine().get_sheet_by_name(sheet)
            if data.height > MAX_ROWS:
                raise SourceError(f"{self.name}: sheet {sheet!r} has more than {MAX_ROWS:,} rows; split the export")
            if data.width > MAX_COLUMNS:
                raise SourceError(f"{self.name}: sheet {sheet!r} has {data.width} columns (at most {MAX_COLUMNS})")
            return data.to_python(skip_empty_area=False)
        except (CalamineError, ValueError, OSError) as exc:
            raise SourceError(f"{self.name}: sheet {sheet!r} cannot be read ({exc})") from exc

    def first_rows(self, sheet: str, n: int) -> list[list[Cell]]:
        if sheet in self._loaded or not self.large(sheet):
            return self.rows(sheet)[:n]
        rows: list[list[Cell]] = []
        for part in self.xlsx.parts(sheet, n, first_part_rows=n):  # type: ignore[union-attr]
            for number, row in bigtables.part_rows(part):
                rows.extend([[]] * (number - 1 - len(rows)))
                rows.append(row)
            break
        return rows[:n]

    def units(self, sheet: str, after: int) -> Iterator[Unit]:
        if not self.large(sheet):
            raise NotImplementedError("a small sheet is read whole")
        first = XLSX_PART_ROWS // FIRST_UNIT_SHARE
        for part in self.xlsx.parts(sheet, XLSX_PART_ROWS, first_part_rows=first):  # type: ignore[union-attr]
            yield Unit("xlsx", part=part, skip_to=after)


def is_spreadsheet(name: str, content: bytes) -> bool:
    return content[:4] == _ZIP or content[:8] == _OLE or name.lower().endswith(SPREADSHEET_SUFFIXES)


def looks_tabular(name: str, content: bytes) -> bool:
    """A spreadsheet, or text that is not JSON: worth asking the table adapters about."""
    if is_spreadsheet(name, content):
        return True
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(head) and head[:1] not in (b"{", b"[")


def open_workbook(name: str, content: bytes) -> Workbook:
    if content[:4] == _ZIP or content[:8] == _OLE:
        return SpreadsheetBook(name, content)
    if name.lower().endswith(SPREADSHEET_SUFFIXES):
        raise SourceError(f"{name}: is named like a spreadsheet but is not one (the file may be damaged)")
    return CsvBook(name, decode_text(name, content))


def decode_text(name: str, content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Excel on a Chinese system)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: not text in UTF-8, UTF-16 or GB18030 (byte {exc.start})") from exc


def _delimiter(text: str) -> str:
    first = text[: text.find("\n")] if "\n" in text else text
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_rows(name: str, text: str, delimiter: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise SourceError(f"{name}: more than {MAX_ROWS:,} rows; split the export by date")
            if len(row) > MAX_COLUMNS:
                raise SourceError(f"{name}: row {len(rows) + 1} has {len(row)} columns (at most {MAX_COLUMNS})")
            rows.append(row)
    except csv.Error as exc:
        raise SourceError(f"{name}: not a readable CSV file ({exc})") from exc
    return rows


def _check_zip(name: str, content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{name}: the spreadsheet is damaged ({exc})") from exc
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(content), 1) + 1024 * 1024:
        raise SourceError(f"{name}: unpacks to {unpacked:,} bytes, too large for a report; split the export")


def iter_nonblank(rows: list[list[Cell]]) -> Iterator[tuple[int, list[Cell]]]:
    """(row number from 1, row) for rows with at least one non-empty cell."""
    for n, row in enumerate(rows, start=1):
        if any(c not in ("", None) for c in row):
            yield n, row


def workbook_of(src_payload: dict) -> Workbook | None:
    """The workbook of a file input, opened once and kept in its payload (every table adapter asks for
    it while detecting). None when the file cannot be read as a table; the reason is kept too."""
    if "_workbook" not in src_payload:
        name, content = str(src_payload.get("name") or "file"), src_payload.get("content") or b""
        if not looks_tabular(name, content):
            src_payload["_workbook"] = None
        else:
            try:
                src_payload["_workbook"] = open_workbook(name, content)
            except SourceError as exc:
                src_payload["_workbook"], src_payload["_workbook_error"] = None, str(exc)
    return src_payload["_workbook"]

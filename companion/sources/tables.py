"""Report files as tables: CSV (any of the encodings seller centers write) and spreadsheets (python-calamine).

Pure: bytes in, rows of cells out. Cells are what the file holds: text for CSV; text, numbers, booleans or
datetimes for spreadsheets ("" for an empty cell). Limits keep a hostile or broken file from taking the
machine: size on disk, size unpacked, rows, columns and the text of one cell. Large files are also available in
units that can be read one at a time, by several processes (see bigtables.py).
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
MAX_CELL = 32_767  # characters of text in one cell: Excel's own limit, so no real export has a longer one
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
    `skip_to` (the header and what is above it) are left out. `long_text`: the part may hold a cell over
    MAX_CELL (its XML has a row or a shared string that long), so its cells are measured."""

    kind: str  # csv | xlsx
    csv: bigtables.CsvUnit | None = None
    delimiter: str = ","
    part: bytes = b""
    skip_to: int = 0
    long_text: bool = False


def unit_rows(unit: Unit, name: str = "", sheet: str = "") -> Iterator[tuple[int, list]]:
    """(row number from 1, row) of one unit of sheet `sheet` of file `name`; a cell over MAX_CELL is refused."""
    if unit.kind == "csv":
        assert unit.csv is not None
        every = long_lines(unit.csv.text)
        last = unit.csv.first_line - 1
        try:
            for number, row in bigtables.csv_rows(unit.csv, unit.delimiter):
                if every or number - last > 1:  # a line that long, or a record over several lines
                    check_cells(name, sheet, number, row)
                last = number
                yield number, row
        except SourceError as exc:
            if isinstance(exc.__cause__, csv.Error) and _FIELD_LIMIT in str(exc.__cause__):
                line = last + 1 - unit.csv.first_line + 1  # where the record starts, in the unit's text
                raise _csv_cell_too_long(name, sheet, last + 1, unit.csv.text, line, unit.delimiter) from exc
            raise
        return
    for number, row in bigtables.part_rows(unit.part):
        if number > unit.skip_to:
            if unit.long_text:
                check_cells(name, sheet, number, row)
            yield number, row


def check_cells(name: str, sheet: str, number: int, row: list) -> None:
    """Refuse a row with a cell whose text is over MAX_CELL characters, naming where it is."""
    for i, value in enumerate(row):
        if value.__class__ is str and len(value) > MAX_CELL:
            raise cell_too_long(name, sheet, number, i, len(value))


class CellTooLong(SourceError):
    """A cell over MAX_CELL: the file is refused for it, whichever layout it has."""


def cell_too_long(name: str, sheet: str, number: int, column: int, size: int, beyond: bool = False) -> CellTooLong:
    """`size`: the cell's characters; `beyond`: it has more than that (the csv module stopped reading it)."""
    return CellTooLong.of("src_cell_over_limit" if beyond else "src_cell_too_long", file=name, sheet=sheet,
                          row=number, col=column_letters(column), size=f"{size:,}", limit=f"{MAX_CELL:,}")


_FIELD_LIMIT = "field larger than field limit"  # the csv module's own refusal (131,072 characters)


def _csv_cell_too_long(name: str, sheet: str, number: int, text: str, line: int, delimiter: str) -> CellTooLong:
    """The csv module met a field over its own limit in the record that starts on line `line` of `text`."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    column, length, quoted, i = 0, 0, False, start
    while i < len(text) and length <= MAX_CELL:
        ch = text[i]
        if ch == '"' and (quoted or length == 0):
            if quoted and text.startswith('"', i + 1):  # "" inside quotes: one character
                length += 1
                i += 1
            else:
                quoted = not quoted
        elif ch == delimiter and not quoted:
            column, length = column + 1, 0
        else:
            length += 1
        i += 1
    return cell_too_long(name, sheet, number, column, csv.field_size_limit(), beyond=True)


def check_sheet(name: str, sheet: str, rows: list[list[Cell]]) -> None:
    """check_cells over a sheet read whole: all its text measured at once, row by row only when one is too long."""
    if max(map(len, filter(_is_str, itertools.chain.from_iterable(rows))), default=0) > MAX_CELL:
        for number, row in enumerate(rows, start=1):
            check_cells(name, sheet, number, row)


def long_lines(text: str) -> bool:
    """Whether a line of the text is over MAX_CELL characters (if none is, only a cell over lines can be)."""
    return len(text) > MAX_CELL and max(map(len, text.split("\n"))) > MAX_CELL


def column_letters(index: int) -> str:
    """A column's name as spreadsheets show it: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_is_str = str.__instancecheck__


class Workbook:
    """A report file's tables. CSV files have one sheet, named after the file. Sheets load on first use."""

    def __init__(self, name: str, kind: str, sheet_names: list[str]) -> None:
        self.name = name
        self.kind = kind
        self.sheet_names = sheet_names
        self._loaded: dict[str, list[list[Cell]]] = {}
        # why a sheet was passed over while the layout was looked for (a cell too long)
        self.refused: SourceError | None = None

    def rows(self, sheet: str) -> list[list[Cell]]:
        """Every row of one sheet."""
        if sheet not in self.sheet_names:
            raise SourceError.of("src_no_sheet", file=self.name, sheet=sheet)
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
        return _csv_rows(self.name, sheet, self.text, self.delimiter)

    def first_rows(self, sheet: str, n: int) -> list[list[Cell]]:
        if sheet in self._loaded or not self.large(sheet):
            return self.rows(sheet)[:n]
        top = self.text[: bigtables.record_start(self.text, n)]
        reader = csv.reader(io.StringIO(top, newline=""), delimiter=self.delimiter)
        try:
            rows: list[list[Cell]] = list(itertools.islice(reader, n))
        except csv.Error as exc:
            if _FIELD_LIMIT in str(exc):
                return _csv_rows(self.name, sheet, top, self.delimiter)  # which names the cell
            raise SourceError.of("src_csv_unreadable", file=self.name, reason=str(exc)) from exc
        check_sheet(self.name, sheet, rows)
        return rows

    def large(self, sheet: str) -> bool:
        return len(self.text) > LARGE_CSV

    def units(self, sheet: str, after: int) -> Iterator[Unit]:
        start = bigtables.record_start(self.text, after)
        large = self.large(sheet)
        size = CSV_UNIT if large else len(self.text) + 1
        for unit in bigtables.csv_units(self.text, start, size, size // FIRST_UNIT_SHARE if large else None):
            yield Unit("csv", unit, self.delimiter)  # unit_rows measures the lines of its text


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
                raise SourceError.of("src_spreadsheet_unreadable", file=self.name, reason=str(exc)) from exc
        return self._book

    def large(self, sheet: str) -> bool:
        return self.xlsx is not None and sheet in self.xlsx.paths and self.xlsx.is_large(sheet)

    def _load(self, sheet: str) -> list[list[Cell]]:
        if self.large(sheet):
            rows: list[list[Cell]] = []
            for part in self.xlsx.parts(sheet, XLSX_PART_ROWS):  # type: ignore[union-attr]
                measure = self._long_text()
                for number, row in bigtables.part_rows(part):
                    if measure:
                        check_cells(self.name, sheet, number, row)
                    rows.extend([[]] * (number - 1 - len(rows)))
                    rows.append(row)
                    if len(rows) > MAX_ROWS:
                        raise SourceError.of("src_sheet_too_many_rows", file=self.name, sheet=sheet,
                                             limit=f"{MAX_ROWS:,}")
            return rows
        from python_calamine import CalamineError

        try:
            data = self.calamine().get_sheet_by_name(sheet)
            if data.height > MAX_ROWS:
                raise SourceError.of("src_sheet_too_many_rows", file=self.name, sheet=sheet, limit=f"{MAX_ROWS:,}")
            if data.width > MAX_COLUMNS:
                raise SourceError.of("src_sheet_too_many_columns", file=self.name, sheet=sheet, count=data.width,
                                     limit=MAX_COLUMNS)
            rows = data.to_python(skip_empty_area=False)
        except SourceError:
            raise
        except (CalamineError, ValueError, OSError) as exc:
            raise SourceError.of("src_sheet_unreadable", file=self.name, sheet=sheet, reason=str(exc)) from exc
        check_sheet(self.name, sheet, rows)
        return rows

    def _long_text(self) -> bool:
        """Whether the XLSX part read last may hold a cell over MAX_CELL (else its cells need no measuring)."""
        assert self.xlsx is not None
        return max(self.xlsx.longest_shared, self.xlsx.longest_row) > MAX_CELL

    def first_rows(self, sheet: str, n: int) -> list[list[Cell]]:
        if sheet in self._loaded or not self.large(sheet):
            return self.rows(sheet)[:n]
        rows: list[list[Cell]] = []
        for part in self.xlsx.parts(sheet, n, first_part_rows=n):  # type: ignore[union-attr]
            measure = self._long_text()
            for number, row in bigtables.part_rows(part):
                if measure:
                    check_cells(self.name, sheet, number, row)
                rows.extend([[]] * (number - 1 - len(rows)))
                rows.append(row)
            break
        return rows[:n]

    def units(self, sheet: str, after: int) -> Iterator[Unit]:
        if not self.large(sheet):
            raise NotImplementedError("a small sheet is read whole")
        first = XLSX_PART_ROWS // FIRST_UNIT_SHARE
        for part in self.xlsx.parts(sheet, XLSX_PART_ROWS, first_part_rows=first):  # type: ignore[union-attr]
            yield Unit("xlsx", part=part, skip_to=after, long_text=self._long_text())


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
        raise SourceError.of("src_not_spreadsheet", file=name)
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
        raise SourceError.of("src_not_text", file=name, byte=exc.start) from exc


def _delimiter(text: str) -> str:
    first = text[: text.find("\n")] if "\n" in text else text
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    if not any(counts.values()):  # a title line above the table (eBay's report name): the lines below decide
        lines = text[:65_536].split("\n", 20)[1:20]
        counts = {d: max((line.count(d) for line in lines), default=0) for d in counts}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_rows(name: str, sheet: str, text: str, delimiter: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    every, last = long_lines(text), 0
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise SourceError.of("src_csv_too_many_rows", file=name, limit=f"{MAX_ROWS:,}")
            if len(row) > MAX_COLUMNS:
                raise SourceError.of("src_csv_too_many_columns", file=name, row=len(rows) + 1, count=len(row),
                                     limit=MAX_COLUMNS)
            if every or reader.line_num - last > 1:  # a line that long, or a record over several lines
                check_cells(name, sheet, len(rows) + 1, row)
            last = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        if _FIELD_LIMIT in str(exc):
            raise _csv_cell_too_long(name, sheet, len(rows) + 1, text, last + 1, delimiter) from exc
        raise SourceError.of("src_csv_unreadable", file=name, reason=str(exc)) from exc
    return rows


def _check_zip(name: str, content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise SourceError.of("src_spreadsheet_damaged", file=name, reason=str(exc)) from exc
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(content), 1) + 1024 * 1024:
        raise SourceError.of("src_unpacks_too_large", file=name, size=f"{unpacked:,}")


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
                src_payload["_workbook"], src_payload["_workbook_error"] = None, exc
    return src_payload["_workbook"]


def opened(src_payload: dict) -> Workbook:
    """The workbook of a file an adapter recognised; raises why it cannot be read (`unreadable`)."""
    book = workbook_of(src_payload)
    if book is None:
        raise unreadable(src_payload)
    return book


def unreadable(src_payload: dict) -> SourceError:
    """Why a file an adapter recognised has no workbook: the reason kept when it was opened."""
    kept = src_payload.get("_workbook_error")
    return kept if isinstance(kept, SourceError) else SourceError.of("src_not_table")

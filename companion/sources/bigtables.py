"""Large report files in parts, so they are read in bounded memory and by several processes at once.

A 200,000-row export does not fit the ways small files are read: a CSV parsed whole is millions of
Python strings, and python-calamine builds a whole sheet in memory before it returns a row (some 70
bytes a cell). So a large file is cut into units of rows that can each be read on their own:

- CSV: the decoded text, cut at record boundaries (a newline outside quotes: an even number of `"`
  before it), each unit read with the csv module;
- XLSX: the sheet's XML, streamed out of the archive and cut after a `</row>`; each part becomes a
  small workbook of its own (the original shared strings and styles, one sheet) that python-calamine
  reads. Cells keep their references, so row numbers stay those of the original sheet.
Pure: bytes in, rows out; no database, network or UI.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from companion.sources.model import SourceError

LARGE_SHEET_XML = 32 * 1024 * 1024  # a sheet whose XML unpacks larger than this is read in parts
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*/>")
_READ = 4 * 1024 * 1024


@dataclass(frozen=True)
class CsvUnit:
    first_line: int  # the physical line number (from 1) the unit starts at
    text: str


def csv_units(text: str, start: int, size: int, first_size: int | None = None) -> Iterator[CsvUnit]:
    """The text from `start` (the first data record) in units of about `size` characters (the first of
    `first_size`), each ending at a record boundary (made one at a time: each unit is a copy of its part
    of the text)."""
    line = text.count("\n", 0, start) + 1
    pos, end = start, len(text)
    wanted = first_size or size
    while pos < end:
        cut = min(end, pos + wanted)
        wanted = size
        if cut < end:
            cut = text.find("\n", cut)
            cut = end if cut < 0 else cut + 1
            while cut < end and text.count('"', pos, cut) % 2:  # inside a quoted field: the next newline
                nxt = text.find("\n", cut)
                cut = end if nxt < 0 else nxt + 1
        yield CsvUnit(line, text[pos:cut])
        line += text.count("\n", pos, cut)
        pos = cut


def csv_rows(unit: CsvUnit, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, record) of one unit."""
    reader = csv.reader(io.StringIO(unit.text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield unit.first_line + reader.line_num - 1, row
    except csv.Error as exc:
        raise SourceError.of("src_csv_line_unreadable", line=unit.first_line + reader.line_num - 1,
                             reason=str(exc)) from exc


def record_start(text: str, records: int) -> int:
    """Where the record after the first `records` ones starts (newlines inside quotes do not count)."""
    pos, quotes = 0, 0
    for _ in range(records):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        quotes += text.count('"', pos, nxt)
        pos = nxt + 1
        while quotes % 2:
            nxt = text.find("\n", pos)
            if nxt < 0:
                return len(text)
            quotes += text.count('"', pos, nxt)
            pos = nxt + 1
    return pos


class XlsxSheets:
    """The worksheets of an XLSX file: their XML paths and unpacked sizes, and their rows in parts."""

    def __init__(self, name: str, content: bytes) -> None:
        self.name = name
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.paths = self._sheet_paths()
        self.shared = self._read_optional("xl/sharedStrings.xml")
        self.styles = self._read_optional("xl/styles.xml")
        # the XML of the longest shared string, and of the longest row of the part `parts` yielded last: a cell
        # cannot hold more characters than its XML has bytes, so rows need their cells measured only beyond
        self.longest_shared = max(map(len, self.shared.split(b"</si>"))) if self.shared else 0
        self.longest_row = 0

    def _read_optional(self, path: str) -> bytes | None:
        try:
            return self.zip.read(path)
        except KeyError:
            return None

    def _sheet_paths(self) -> dict[str, str]:
        try:
            book = ElementTree.fromstring(self.zip.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ElementTree.ParseError) as exc:
            raise SourceError.of("src_xlsx_unreadable", file=self.name, reason=str(exc)) from exc
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
        paths = {}
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_REL}id"), "")
            if target:
                paths[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return paths

    def size(self, sheet: str) -> int:
        try:
            return self.zip.getinfo(self.paths[sheet]).file_size
        except KeyError:
            return 0

    def is_large(self, sheet: str) -> bool:
        return self.size(sheet) > LARGE_SHEET_XML

    def parts(self, sheet: str, rows_per_part: int, first_part_rows: int | None = None) -> Iterator[bytes]:
        """The sheet as small workbooks of `rows_per_part` rows (the first of `first_part_rows`)."""
        with self.zip.open(self.paths[sheet]) as stream:
            buf = b""
            found = None
            while found is None:
                more = stream.read(_READ)
                buf += more
                found = _SHEET_DATA.search(buf)
                if found is None and not more:
                    raise SourceError.of("src_sheet_no_sheet_data", file=self.name, sheet=sheet)
            prefix_ns = found.group(1)
            if found.group(2):  # <sheetData/>: no rows at all
                return
            head = _DIMENSION.sub(b"", buf[: found.end()])
            tail = b"</" + prefix_ns + b"sheetData></" + prefix_ns + b"worksheet>"
            row_end = b"</" + prefix_ns + b"row>"
            buf = buf[found.end():]
            done = False
            wanted = first_part_rows or rows_per_part
            while not done:
                counted = buf.count(row_end)
                while counted < wanted:
                    more = stream.read(_READ)
                    if not more:
                        done = True
                        break
                    counted += more.count(row_end)
                    buf += more
                if done:
                    last = buf.rfind(row_end)
                    body, buf = (buf[: last + len(row_end)], b"") if last >= 0 else (b"", b"")
                    self.longest_row = max(map(len, body.split(row_end)))
                else:
                    pos = longest = 0
                    for _ in range(wanted):
                        end = buf.index(row_end, pos) + len(row_end)
                        longest = max(longest, end - pos)
                        pos = end
                    body, buf = buf[:pos], buf[pos:]
                    self.longest_row = longest
                if body:
                    yield self._part(head, body, tail)
                wanted = rows_per_part

    def _part(self, head: bytes, body: bytes, tail: bytes) -> bytes:
        """A workbook of one sheet named "part": the original shared strings and styles, these rows."""
        extra = [("xl/sharedStrings.xml", self.shared, "sharedStrings", "sharedStrings+xml"),
                 ("xl/styles.xml", self.styles, "styles", "styles+xml")]
        present = [(path, data, kind, mime) for path, data, kind, mime in extra if data is not None]
        types = "".join(f'<Override PartName="/{path}" ContentType="application/vnd.openxmlformats-officedocument.'
                        f'spreadsheetml.{mime}"/>' for path, _, _, mime in present)
        rels = "".join(f'<Relationship Id="rId{i + 2}" Type="{_RELS_NS}/{kind}" Target="{path[3:]}"/>'
                       for i, (path, _, kind, _) in enumerate(present))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as part:
            part.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=types))
            part.writestr("_rels/.rels", _ROOT_RELS)
            part.writestr("xl/workbook.xml", _WORKBOOK)
            part.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(rels=rels))
            for path, data, _, _ in present:
                part.writestr(path, data)
            part.writestr("xl/worksheets/sheet1.xml", head + body + tail)
        return out.getvalue()


def part_rows(part: bytes) -> Iterator[tuple[int, list]]:
    """(row number in the original sheet, from 1, row aligned to column A) of one part."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(part)).get_sheet_by_name("part")
        start = sheet.start or (0, 0)
        rows = sheet.to_python(skip_empty_area=True)
    except (CalamineError, ValueError) as exc:
        raise SourceError.of("src_part_unreadable", reason=str(exc)) from exc
    pad = [""] * start[1]
    for i, row in enumerate(rows):
        yield start[0] + i + 1, (pad + row if pad else row)


_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/>{overrides}</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
    'name="part" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="' + _RELS_NS + '/worksheet" Target="worksheets/sheet1.xml"/>'
    '{rels}</Relationships>')

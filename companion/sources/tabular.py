"""Shared machinery for report files: find the header, walk the data rows, split a row into categories.

A `Mapping` is one report layout's table, in the vocabulary of `mapping` (column → Book, SUBTOTAL, INFO,
TOTAL), with its `either` groups (an aggregate column or its parts, whichever the file has). Columns no layout
knows are never dropped: text goes to the line's extra fields, non-zero amounts become drill-down fields flagged
`unmapped`. Such an amount is counted (by its sign) only when that is exactly what makes the row's categories
add up to its stated total; otherwise it is kept but not counted, so a subtotal nobody knew about cannot be
added twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns, Located, norm
from companion.sources.mapping import INFO, SUBTOTAL, TOTAL, Table, booked, by_sign, fills_gap, marked, with_mark
from companion.sources.model import ParseResult, SourceError, SourceField, StoreRef
from companion.sources.naming import ReportName

TOTAL_WORDS = ("合计", "总计", "小计", "total", "totals", "subtotal", "grand total", "汇总")
_TOTALS = frozenset((*TOTAL_WORDS, *(w + ":" for w in TOTAL_WORDS), *(w + "：" for w in TOTAL_WORDS)))


@dataclass(frozen=True)
class Mapping:
    """A report layout's table and its `either` groups: (aggregate column, its parts). A file with the aggregate
    counts it and keeps the parts for drill-down (INFO); a file without it counts the parts. Both must be
    booked under the same category."""

    table: Table
    either: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def resolve(self, located: Located) -> Mapping:
        """This mapping for one file's header: for each `either` group, the aggregate or its parts."""
        if not self.either:
            return self
        drop: set[str] = set()
        info: list[str] = []
        for aggregate, parts in self.either:
            if aggregate in located.index:
                drop.update(parts)
                info.extend(parts)
            else:
                drop.add(aggregate)
        kept = {c: e for c, e in self.table.items() if c not in drop}
        return Mapping({**kept, **marked(INFO, *info)})

    @property
    def categories(self) -> dict[str, tuple[str, ...]]:
        """category → the columns the seed sums into it."""
        return booked(self.table, mapped=True)

    @property
    def nearest(self) -> dict[str, tuple[str, ...]]:
        """category → columns the seed does not name, counted under it and flagged unmapped."""
        return booked(self.table, mapped=False)

    @property
    def subtotals(self) -> tuple[str, ...]:
        return with_mark(self.table, SUBTOTAL)

    @property
    def info(self) -> tuple[str, ...]:
        return with_mark(self.table, INFO)

    @property
    def total(self) -> str | None:
        return next(iter(with_mark(self.table, TOTAL)), None)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every money column this mapping knows."""
        counted = [c for cols in (*self.categories.values(), *self.nearest.values()) for c in cols]
        return (*counted, *self.subtotals, *self.info, *((self.total,) if self.total else ()))


@dataclass
class Split:
    amounts: dict[str, Decimal]
    fields: list[SourceField]
    extra: dict[str, str]
    total: Decimal | None  # the stated total, when the mapping has one and the row fills it
    unexplained: Decimal = ZERO  # stated total minus the categories (0 when they agree)


@dataclass
class Hints:
    """What the importer knows about a file besides its content."""

    name: ReportName | None = None  # from the 平台_店铺_报告名_时间 convention
    store: StoreRef | None = None  # the existing store the user named with --account
    account: str = ""  # the --account text as given (a new store's name when no store has it)
    stores: tuple[StoreRef, ...] = ()  # every store there is, for a file that names none (choose_store)

    def names_store(self, platform: str) -> bool:
        """Whether --account or the file's name says which store a file of `platform` belongs to."""
        return bool(self.store is not None or self.account or (self.name and self.name.platform == platform))

    @classmethod
    def of(cls, payload: dict) -> Hints:
        hints = payload.get("hints") if isinstance(payload, dict) else None
        return hints if isinstance(hints, Hints) else cls()


def store_for_file(hints: Hints, platform: str, file_name: str, region: str = "", currency: str = "",
                   timezone: str = "UTC", label: str = "") -> StoreRef:
    """The store of a file that does not name one: --account, else the file name's 店铺 part."""
    if hints.store is not None:
        if hints.store.platform != platform:
            raise file_first(SourceError.of("src_account_other_platform", file=file_name, platform=platform,
                                            account=hints.account, store_platform=hints.store.platform))
        return hints.store
    if hints.account:
        return StoreRef(platform, hints.account, region, hints.account, currency, timezone)
    if hints.name is not None and hints.name.platform == platform:
        name = f"{label or platform.capitalize()} {hints.name.store}"
        return StoreRef(platform, hints.name.store, region, name, currency, timezone)
    return choose_store(hints.stores, platform, file_name, region, currency, timezone, label)


def file_first(exc: SourceError) -> SourceError:
    """A refusal whose sentence has the file as its subject ("x.xlsx does not say…"): said after the name and a
    space, as it always was. The view, like file_error, puts the file in front of the sentence with a colon."""
    exc.args = (f"{exc.file} {exc.sentence}",)
    return exc


class StoreChoice(SourceError):
    """A file that names no store, with several stores it could belong to: `choices` are their names."""

    def __init__(self, message: str, choices: list[str] | None = None, *, code: str = "", params: dict | None = None,
                 file: str = "") -> None:
        super().__init__(message, code=code, params=params, file=file)
        self.choices = list(choices or [])

    @classmethod
    def of(cls, code: str, /, *, file: str = "", choices: list[str] | None = None, **params) -> StoreChoice:
        """The refusal of a catalog code (SourceError.of), with the stores to choose from."""
        refused = super().of(code, file=file, **params)
        refused.choices = list(choices or [])
        return refused


def choose_store(stores: Sequence[StoreRef], platform: str, file_name: str, region: str = "", currency: str = "",
                 timezone: str = "UTC", label: str = "") -> StoreRef:
    """A file that names no store: the one store of its platform and region; with none, a new store named after
    them; with several, StoreChoice listing them (the user picks with --account, or in the view's picker).
    A store or file without a region matches any region of its platform."""
    label = label or platform.capitalize()
    same = sorted((s for s in stores if s.platform == platform and (not region or not s.region or s.region == region)),
                  key=lambda s: s.name)
    if len(same) == 1:
        return same[0]
    where = label if len(label.split()) > 1 else f"{label} {region}".strip()  # "TikTok US" names its region
    if not same:
        return StoreRef(platform, where, region, where, currency, timezone)
    names = [s.name for s in same]
    raise file_first(StoreChoice.of("src_store_choice", file=file_name, choices=names, count=len(names),
                                    where=where, names=", ".join(names)))


def choice_note(name: str, stores: Sequence[StoreRef]) -> str:
    """What an import summary says of the store `name` that choose_store picked among `stores`."""
    if any(s.name == name for s in stores):
        return f"the file names no store: imported into {name}, the only store it can belong to"
    return f"the file names no store: imported into a new store {name}"


def data_rows(rows: Sequence[Sequence[object]], start: int, first_column: int | None = None
              ) -> Iterator[tuple[int, Sequence[object]]]:
    """(row number from 1, row) after the header: blank rows and total rows (合计 / Total) skipped."""
    for i in range(start, len(rows)):
        row = rows[i]
        if all(cells.blank(c) for c in row):
            continue
        if is_total_row(row, first_column):
            continue
        yield i + 1, row


def is_total_row(row: Sequence[object], first_column: int | None = None) -> bool:
    """A row whose first filled cell is a totals label (合计, 总计, Total…)."""
    for i, cell in enumerate(row):
        if first_column is not None and i < first_column:
            continue
        if cells.blank(cell):
            continue
        text = str(cell).strip().lower().rstrip(":：")
        return text in TOTAL_WORDS or text.startswith(("合计", "总计"))
    return False


def at_row(exc: SourceError, file: str, sheet: str, number: int) -> SourceError:
    """The error, said with where it happened ("file: sheet 'x', row 5: …") unless it already says so."""
    if exc.file or str(exc).startswith(file):
        return exc
    return type(exc).of("src_at_row", file=file, sheet=sheet, row=number, problem=exc.said())


def cell(row: Sequence[object], located: Located, name: str) -> object:
    i = located.index.get(name)
    return row[i] if i is not None and i < len(row) else ""


def split(row: Sequence[object], located: Located, mapping: Mapping, row_label: str = "",
          dynamic: dict[str, tuple[str, ...]] | None = None) -> Split:
    """One row at a time (a file's rows go through a Splitter built once)."""
    return Splitter(located, mapping).split(row, row_label, dynamic)


class Splitter:
    """A data row → category amounts, drill-down fields and extra text, exactly. Built once per sheet: the
    columns to read are worked out from the header, so a row costs only its own non-zero cells."""

    def __init__(self, located: Located, mapping: Mapping) -> None:
        self.located = located
        index, headers = located.index, located.headers
        self.width = len(headers)
        self.counted = [(index[c], category, headers[index[c]].strip(), flagged)
                        for flagged, group in ((False, mapping.categories), (True, mapping.nearest))
                        for category, columns in group.items() for c in columns if c in index]
        self.kept = [(index[c], None, headers[index[c]].strip(), False)
                     for c in (*mapping.subtotals, *mapping.info) if c in index]
        self.total = index.get(mapping.total) if mapping.total is not None else None
        self.unknown = [(i, h.strip()) for i, h in located.unknown]
        self._all = self.counted + self.kept
        self._pick = itemgetter(*(c[0] for c in self._all)) if len(self._all) > 1 else None
        self._dynamic: dict[tuple, tuple[list, object]] = {}

    def _with(self, dynamic: dict[str, tuple[str, ...]]) -> tuple[list, object]:
        """The columns to read with a row's own extra category columns (few kinds per file: kept)."""
        key = tuple((category, cols) for category, cols in dynamic.items())
        found = self._dynamic.get(key)
        if found is None:
            index, headers = self.located.index, self.located.headers
            extra = [(index[c], category, headers[index[c]].strip(), False)
                     for category, cols in dynamic.items() for c in cols if c in index]
            columns = [*self._all, *extra]
            found = self._dynamic[key] = (columns, itemgetter(*(c[0] for c in columns)) if len(columns) > 1
                                          else None)
        return found

    def split(self, row: Sequence[object], row_label: str = "",
              dynamic: dict[str, tuple[str, ...]] | None = None) -> Split:
        """`dynamic`: more category → columns for this row only (a column whose category depends on the
        row, like TikTok's Adjustment amount)."""
        if len(row) < self.width:
            row = [*row, *([""] * (self.width - len(row)))]
        if dynamic:
            columns, pick = self._with(dynamic)
        else:
            columns, pick = self._all, self._pick
        values = pick(row) if pick is not None else tuple(row[c[0]] for c in columns)
        zero = cells.ZERO_TEXT
        amounts: dict[str, Decimal] = {}
        fields: list[SourceField] = []
        make = _new_field
        text_money, money = cells.money_text, cells.money
        try:
            for j in [j for j, v in enumerate(values) if v and v not in zero]:
                cell = values[j]
                value = text_money(cell) if type(cell) is str else money(cell)
                if value:
                    _, category, header, flagged = columns[j]
                    if category is not None:
                        amounts[category] = amounts.get(category, ZERO) + value
                    fields.append(make(SourceField, (header, value, category, flagged)))
            total = None
            if self.total is not None and not cells.blank(row[self.total]):
                total = cells.money(row[self.total])
        except SourceError as exc:
            if not row_label:
                raise  # its own code: at_row says where it is
            raise type(exc).of("src_row_labelled", label=row_label, problem=exc.said()) from exc
        n = len(row)
        extra: dict[str, str] = {}
        loose: list[tuple[str, Decimal]] = []
        for i, header in self.unknown:
            if i >= n or cells.blank(row[i]):
                continue
            value = row[i]
            amount = cells.loose_amount(value)
            if amount is None:
                extra[header] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
            elif amount:
                loose.append((header, amount))
        unexplained = ZERO if total is None else total - sum(amounts.values(), ZERO)
        if total is not None and fills_gap((a for _, a in loose), unexplained):
            for header, amount in loose:
                category = by_sign(amount)
                amounts[category] = amounts.get(category, ZERO) + amount
                fields.append(SourceField(header, amount, category, True))
            unexplained = ZERO
        else:
            fields.extend(SourceField(header, amount, None, True) for header, amount in loose)
        return Split({k: v for k, v in amounts.items() if v}, fields, extra, total, unexplained)


# A NamedTuple's own constructor is a Python function; tuple.__new__ builds the same value in C (a large
# file makes millions of these).
_new_field = tuple.__new__


@dataclass
class Context:
    """What a table adapter works with while reading one file."""

    file: str
    hints: Hints
    captured_at: object  # datetime: when the file arrived


class TableAdapter:
    """A report layout found by its header row in a sheet of a CSV or spreadsheet file.

    Subclasses set `name`, `version`, `report_type`, `columns` (the header spec; its required columns
    identify the layout), optionally `sheets` (sheet names to look at, normalised; empty: every sheet)
    and implement `read(ctx, sheet, rows, header_at, located) -> (lines, totals)`."""

    name = ""
    version = 1
    report_type = ""
    columns: Columns
    sheets: tuple[str, ...] = ()
    scan = 15  # how many rows from the top may come before the header (banners, a summary row)
    # Rows stand alone (no row needs another): a large file can then be read in units, by several
    # processes, through read_rows().
    chunkable = False

    def recognizes(self, src) -> bool:
        if src.kind != "file" or not isinstance(src.payload, dict):
            return False
        book = tables.workbook_of(src.payload)
        return book is not None and bool(self.matching(book))

    def matching(self, book: tables.Workbook) -> list[tuple[str, int, Located]]:
        wanted = {norm(s) for s in self.sheets}
        found = []
        for sheet in book.sheet_names:
            if wanted and norm(sheet) not in wanted:
                continue
            try:
                top = book.first_rows(sheet, self.scan)
            except tables.CellTooLong as exc:  # the reason the file is refused, if no layout is found
                book.refused = exc
                continue
            except SourceError:
                continue
            hit = self.columns.find_header(top, self.scan)
            if hit is not None and self.accepts(sheet, hit[1]):
                found.append((sheet, hit[0], hit[1]))
        return found

    def accepts(self, sheet: str, located: Located) -> bool:
        """A last word on a header that has the required columns (to tell similar layouts apart)."""
        return True

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        ctx = Context(book.name, Hints.of(src.payload), src.captured_at)
        lines: list = []
        totals: list = []
        for sheet, header_at, located in self.matching(book):
            got_lines, got_totals = self.read(ctx, sheet, book.rows(sheet), header_at, located)
            lines += got_lines
            totals += got_totals
        if not lines and not totals:
            raise SourceError.of("src_no_data_rows", file=book.name, report=self.report_type or self.name)
        return ParseResult(self.name, self.version, lines, totals=totals, report_type=self.report_type)

    def read(self, ctx: Context, sheet: str, rows: list, header_at: int, located: Located):
        if self.chunkable:
            return self.read_rows(ctx, sheet, enumerate(rows[header_at + 1:], start=header_at + 2), located)
        raise NotImplementedError

    def read_rows(self, ctx: Context, sheet: str, numbered: Iterator[tuple[int, Sequence[object]]],
                  located: Located) -> tuple[list, list]:
        """Chunkable layouts: (row number, row) of data rows, in any unit of the sheet → lines, totals."""
        raise NotImplementedError


def numbered_data(numbered: Iterator[tuple[int, Sequence[object]]]) -> Iterator[tuple[int, Sequence[object]]]:
    """Data rows only: blank rows and totals rows (合计 / Total) left out."""
    for number, row in numbered:
        first = row[0] if row else ""
        if first.__class__ is str and first and not first[0].isspace():  # the usual row: a filled first cell
            if first.lower() in _TOTALS or first.startswith(("合计", "总计")):
                continue
            yield number, row
            continue
        if all(cells.blank(c) for c in row) or is_total_row(row):
            continue
        yield number, row

"""Cell values → exact values: money as Decimal, IDs as text, times in the platform's zone.

Spreadsheet cells arrive as text, numbers (floats), booleans or naive datetimes; CSV cells as text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO, MoneyError, parse_amount
from companion.sources.model import SourceError

_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_EXACT = 2**53  # integers a float holds exactly
_NOISE = Decimal("0.000000001")
_STEP = Decimal("0.0001")
_EXCEL_EPOCH = datetime(1899, 12, 30)
ZERO_TEXT = frozenset({"", "0", "0.0", "0.00", "0.000", "0.0000", "-0", "-0.00", "/", "-", "--", "—", "N/A", "n/a"})
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y年%m月%d日 %H:%M:%S",
)


class MangledId(SourceError):
    """An ID a spreadsheet turned into a number and rounded (e.g. 1.73238E+18): flagged, never guessed."""


def blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def money(cell: object) -> Decimal:
    """An amount, exactly. Spreadsheet floats are read through their shortest repr (the number typed in);
    float noise from formulas below 1e-9 is rounded away to 1/10000."""
    if type(cell) is str:
        if cell in ZERO_TEXT:
            return ZERO
        return money_text(cell)
    if cell is None:
        return ZERO
    if isinstance(cell, bool):
        raise SourceError.of("src_value_not_amount", value=repr(cell))
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise SourceError.of("src_value_not_amount", value=repr(cell))
        return _money_float(cell)
    raise SourceError.of("src_value_not_amount", value=repr(cell))


@lru_cache(maxsize=65_536)
def _money_float(cell: float) -> Decimal:
    """A spreadsheet's numbers recur as its texts do (see money_text). Only finite floats come here, and a
    float is its own key (1.0 and 1 share one, and both are 1)."""
    value = Decimal(repr(cell))
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        rounded = value.quantize(_STEP)
        if abs(rounded - value) < _NOISE:
            return rounded
    return value


@lru_cache(maxsize=65_536)
def money_text(text: str) -> Decimal:
    """The same amounts recur down a report (fees of a price point, shipping fees): each text read once."""
    try:
        return parse_amount(text)
    except MoneyError as exc:  # parse_amount refuses a text only as not an amount
        raise SourceError.of("src_cell_not_amount", value=text) from exc


def text_id(cell: object, what: str = "ID") -> str:
    """IDs stay text. A number a spreadsheet rounded (scientific notation, or beyond 2^53) is refused."""
    if cell is None:
        return ""
    if cell.__class__ is str:
        if cell.isdigit():  # the usual ID: nothing to check
            return cell
        text = cell.strip().lstrip("'").strip()
        if _SCIENTIFIC.match(text):
            raise MangledId.of("src_id_turned_into_number", what=what, value=text)
        if text.endswith(".0") and text[:-2].isdigit():
            return text[:-2]
        return text
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < _FLOAT_EXACT:
            return str(int(cell))
        raise MangledId.of("src_id_stored_as_number", what=what, value=repr(cell))
    return str(cell)


def loose_amount(cell: object) -> Decimal | None:
    """An amount if a cell nobody named is one (a number, or text that reads as an amount), else None. Long
    digit strings without a decimal point are IDs (tracking numbers, SKU IDs), not money."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return money(cell) if abs(cell) < 1e9 else None
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    digits = sum(ch.isdigit() for ch in text)
    if not digits or len(text) > 32 or (digits > 9 and "." not in text):
        return None
    try:
        return money(text)
    except SourceError:
        return None


def quantity(cell: object) -> int:
    if cell.__class__ is str and cell.isdigit():
        return int(cell)
    if blank(cell):
        return 0
    if isinstance(cell, bool):
        raise _not_whole(cell)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = str(cell).strip().replace(",", "")
    try:
        value = Decimal(text)
    except ArithmeticError as exc:
        raise _not_whole(cell) from exc
    if value != value.to_integral_value():
        raise _not_whole(cell)
    return int(value)


def _not_whole(cell: object) -> SourceError:
    """A quantity that is not a whole number: a text quoted as the view quotes text, any other cell (a number,
    a boolean) as Python writes it (so a float NaN travels as text, which JSON can carry)."""
    if isinstance(cell, str):
        return SourceError.of("src_quantity_not_whole", value=cell)
    return SourceError.of("src_quantity_value_not_whole", value=repr(cell))


def when(cell: object, tz: str, day_tz: str | None = None) -> datetime | None:
    """A time in the platform's zone (`tz`) unless the cell carries its own offset; None when empty.

    `day_tz`: the zone a date without a time of day is read in (the store's). A date is a calendar day:
    read as midnight UTC, 2025/11/01 would fall on October 31 in Los Angeles and its month would be wrong."""
    if type(cell) is str:
        text = cell.strip()
        return _when_text(text, tz, day_tz) if text else None
    if day_tz is not None and type(cell) is date:
        return datetime.combine(cell, time.min, ZoneInfo(day_tz))
    return _when_other(cell, tz)


_PLAIN_TIME = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@lru_cache(maxsize=16_384)
def _when_text(text: str, tz: str, day_tz: str | None = None) -> datetime:
    """Times repeat down a report's rows (one statement date, a few order days): each is read once."""
    plain = _PLAIN_TIME.match(text)
    if plain:
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in plain.groups())
        zone = day_tz if day_tz is not None and plain.group(4) is None else tz
        try:
            return datetime(y, mo, d, h, mi, sec, tzinfo=ZoneInfo(zone))
        except ValueError as exc:
            raise SourceError.of("src_time_invalid", value=text, reason=str(exc)) from exc
    return _when_other(text, tz)


def _when_other(cell: object, tz: str) -> datetime | None:
    if blank(cell):
        return None
    zone = ZoneInfo(tz)
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=zone)
    if isinstance(cell, date):
        return datetime.combine(cell, time.min, zone)
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 20_000 < cell < 80_000:  # an Excel serial date in a cell not formatted as a date
            return (_EXCEL_EPOCH + timedelta(days=float(cell))).replace(tzinfo=zone)
        if cell > 1e11:  # epoch milliseconds
            return datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC")) + timedelta(milliseconds=int(cell))
        if cell > 1e8:  # epoch seconds
            return datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC")) + timedelta(seconds=int(cell))
        raise SourceError.of("src_time_number_not_date", value=repr(cell))
    text = str(cell).strip()
    for suffix in (" (UTC)", "(UTC)", " UTC", "Z"):
        if text.endswith(suffix):
            text, zone = text[: -len(suffix)].strip(), ZoneInfo("UTC")
            break
    try:
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    except ValueError:
        pass
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    if isinstance(cell, str):
        raise SourceError.of("src_time_unreadable", value=cell)
    raise SourceError.of("src_time_value_unreadable", value=repr(cell))

"""Report periods: the contract's period words and dates, resolved to days in a store's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from companion.errors import BadInput


class PeriodError(BadInput):
    """A period text the contract does not define."""


@dataclass(frozen=True)
class Period:
    """Inclusive day range; `first`/`last` None means unbounded (period `all`; `YYYY-MM-DD..` has no end)."""

    text: str
    first: date | None
    last: date | None

    def utc_bounds(self, tz_name: str) -> tuple[datetime | None, datetime | None]:
        """[start, end) instants of this day range in the given zone."""
        tz = ZoneInfo(tz_name)
        start = datetime.combine(self.first, time.min, tz) if self.first else None
        end = datetime.combine(self.last + timedelta(days=1), time.min, tz) if self.last else None
        return start, end


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
NAMED = ("today", "yesterday", "last-7-days", "this-month", "last-month", "this-year", "all")


FIRST_YEAR, LAST_YEAR = 2000, 2099  # settlement data lives here; outside it a period is a typo (or a probe)


def _year(year: int, original: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError.of("period_year_range", period=original, first=FIRST_YEAR, last=LAST_YEAR)
    return year


def _day(text: str, original: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError.of("period_not_date", period=original, value=text) from exc
    _year(day.year, original)
    return day


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_period(text: str, today: date) -> Period:
    """`today` is the date in the zone the caller counts days in (the store's)."""
    t = text.strip()
    if t == "today":
        return Period(t, today, today)
    if t == "yesterday":
        y = today - timedelta(days=1)
        return Period(t, y, y)
    if t == "last-7-days":
        return Period(t, today - timedelta(days=6), today)
    if t == "this-month":
        return Period(t, today.replace(day=1), _month_end(today.year, today.month))
    if t == "last-month":  # the calendar month before today's, whole: what a seller closes the books on
        last = today.replace(day=1) - timedelta(days=1)
        return Period(t, last.replace(day=1), last)
    if t == "this-year":
        return Period(t, date(today.year, 1, 1), date(today.year, 12, 31))
    if t == "all":
        return Period(t, None, None)
    if _YEAR.match(t):
        year = _year(int(t), text)
        return Period(t, date(year, 1, 1), date(year, 12, 31))
    m = _MONTH.match(t)
    if m:
        year, month = _year(int(m.group(1)), text), int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError.of("period_month_range", period=text)
        return Period(t, date(year, month, 1), _month_end(year, month))
    if _DAY.match(t):
        d = _day(t, text)
        return Period(t, d, d)
    if ".." in t:
        a, _, b = t.partition("..")
        if _DAY.match(a) and not b:  # from a day on, without an end: through today, as `all`
            return Period(t, _day(a, text), None)
        if _DAY.match(a) and _DAY.match(b):
            first, last = _day(a, text), _day(b, text)
            if last < first:
                raise PeriodError.of("period_end_before_start", period=text)
            return Period(t, first, last)
    raise PeriodError.of("period_unknown", period=text)  # the catalog's sentence lists NAMED

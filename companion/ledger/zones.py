"""A time zone's UTC offsets over a span, as (from, offset) steps: what SQL needs to turn an instant into the
store's wall-clock time (ORDER BY the times the seller reads) without a time-zone database of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY_MS = 86_400_000
_FIRST = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1000)  # an open span starts here
_AHEAD = 2 * 366 * DAY_MS  # and ends this long after now


def _offset(zone: ZoneInfo, ms: int) -> int:
    delta = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).utcoffset()
    return int(delta.total_seconds() * 1000) if delta is not None else 0


def offsets(zone: str, start: int | None, end: int | None) -> list[tuple[int | None, int]]:
    """[(None, offset at start), (t1, offset from t1), …] in epoch ms over [start, end) (None: open)."""
    now = int(datetime.now(UTC).timestamp() * 1000)
    first = _FIRST if start is None else start
    last = now + _AHEAD if end is None else end
    # whole days, so the cache serves every query of the same days
    return _steps(zone, first // DAY_MS, -(-last // DAY_MS))


@lru_cache(maxsize=256)
def _steps(zone_name: str, first_day: int, last_day: int) -> list[tuple[int | None, int]]:
    zone = ZoneInfo(zone_name)
    steps: list[tuple[int | None, int]] = [(None, _offset(zone, first_day * DAY_MS))]
    day = first_day
    while day < last_day:
        ahead = min(day + 1, last_day)
        if _offset(zone, ahead * DAY_MS) != steps[-1][1]:
            low, high = day * DAY_MS, ahead * DAY_MS  # the change lies in (low, high]: find its millisecond
            while high - low > 1:
                mid = (low + high) // 2
                if _offset(zone, mid) == steps[-1][1]:
                    low = mid
                else:
                    high = mid
            steps.append((high, _offset(zone, high)))
        day = ahead
    return steps

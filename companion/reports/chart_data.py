"""Net profit over time per store, for the Finance view's chart: the profit report's gross_profit cut into
days, ISO weeks (Monday to Sunday) or calendar months.

Every figure is the report's own (reporting.profit_report, by store), so the chart cannot drift from it:
a point is the report of its step's days. Points add up to the report of the whole period when amounts are
whole cents, as platforms pay them. Finer amounts (a unit cost of 1.125, an estimate scaled per unit) are
rounded in each step's report, and those roundings need not add up. So a store whose points miss its
report is checked every few steps (about √n checkpoints) against its running total, the report from its
first day to the checkpoint; inside a stretch that misses, points become differences of running totals
from the stretch's first day, the stretch's last point taking what is left to reach the checkpoint. Then
the points add up exactly, each within two cents of its step's profit (whole-cent steps exact but for a
stretch's last). Running totals from the period's first day at every step would be closer (one cent) but
cost n reports of half the period on average: a minute for a year of days of a busy store.

Custom fees follow the report's rule (reporting.fee_months): a month's fees count when the days asked
for include the month's first day. So a store's fees of a month sit whole in the point of the day or week
holding the 1st, and by month in the month's own point; a period that starts after the 1st leaves that
month's fees out, here as in the report. Either way the points add up to the report's figure. A period
without a start (`all`) leaves no month out, as in the report: a store's days begin at the 1st of the
month of its first line, or of an earlier month it has fees of. A period without an end (`all`,
`YYYY-MM-DD..`) runs on past a store's last line to the 1st of the last month begun that it has fees of.
`period` still says the days with lines.

Days are the stores' own, as in the report: each store's period is resolved in its time zone (`all`: the
days it has lines on), and the labels span all of them — but only up to today. A day that has not happened
has no figure, not a zero: drawn as zero profit, the rest of this month looked like a collapse. So the steps
stop at the last store's today (`through`), `period` still says the whole period asked for (the chart's x
axis may run to its end, empty), and a store whose own today is a day behind another's (Los Angeles and
Shanghai) has null, not 0.00, for the step it has not reached.

With `currency`, every figure is the report's converted one (profit_report's `currency`: each day's
amounts at that day's rate, exact Decimal), so the chart shows what the cards show; one series per store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from math import isqrt
from zoneinfo import ZoneInfo

from companion.errors import BadInput
from companion.ledger import report as ledger_report
from companion.ledger.periods import Period, parse_period
from companion.reports import reporting

STEPS = ("day", "week", "month")
MAX_POINTS = 400  # a year of days and some: beyond that a line chart is a smear
ZERO = Decimal(0)
# the refusal of too many points, by step: what to choose instead
_COARSER = {"day": "report_points_day", "week": "report_points_week", "month": "report_points_month"}


@dataclass(frozen=True)
class Step:
    """One point's days, clipped to the period; labelled by its first day (a month by YYYY-MM)."""

    label: str
    first: date
    last: date


def net_profit_series(period: str, basis: str, account: str | None, step: str,
                      now: datetime | None = None, currency: str | None = None) -> dict:
    """Points per (store, currency) and step, as exact two-decimal strings (null: a day not yet come for
    that store); see the module's docstring. Raises ValueError (PeriodError, ReportError) for a bad
    argument, stores.UnknownAccount for a store."""
    if step not in STEPS:
        raise BadInput.of("report_step_unknown", step=step, steps=", ".join(STEPS))
    if basis not in ledger_report.BASES:
        raise reporting.ReportError.of("report_basis_unknown", basis=basis)
    currency = _currency(currency)
    now = now or datetime.now(UTC)
    overall = parse_period(period, now.astimezone(UTC).date())  # refuses a bad period before anything else
    targets = reporting.stores_of(account)
    spans = reporting.store_spans(basis, targets, reporting.store_periods(period, targets, now))
    first = min((f for f, _ in spans.values()), default=overall.first)
    last = max((la for _, la in spans.values()), default=overall.last)
    out = {"step": step, "period": {"from": None, "to": None}, "through": None, "labels": [], "ranges": [],
           "series": []}
    if currency:
        out["currency"] = currency
    if first is None or last is None:  # `all` with no data
        return out
    out["period"] = {"from": first.isoformat(), "to": last.isoformat()}
    today = {s.id: now.astimezone(ZoneInfo(s.timezone)).date() for s in targets}
    spans = _fee_spans(spans, overall, today)
    happened = {i: (f, min(la, today[i])) for i, (f, la) in spans.items()}
    happened = {i: span for i, span in happened.items() if span[0] <= span[1]}
    if not happened:  # a period still to come: nothing to draw yet
        return out
    through = max(la for _, la in happened.values())
    cut = steps(min(f for f, _ in happened.values()), through, step)
    names = {s.id: s.name for s in targets}
    points = _points(cut, happened, names, basis, account, now, currency)
    to_come = {names[i]: sum(1 for s in cut if s.first > today[i]) for i in happened}
    return {**out, "through": through.isoformat(), "labels": [s.label for s in cut],
            "ranges": [{"from": s.first.isoformat(), "to": s.last.isoformat()} for s in cut],
            "series": [{"account": name, "currency": cur,
                        "points": _shown(values, to_come.get(name, 0))}
                       for (name, cur), values in sorted(points.items())]}


def _fee_spans(spans: dict[int, tuple[date, date]], overall: Period, today: dict[int, date]
               ) -> dict[int, tuple[date, date]]:
    """The stores' days with lines, widened where the period has no start or no end to the months whose
    custom fees the report counts (reporting.fee_months): back to the 1st of the first line's month, or of an
    earlier month with fees; on to the 1st of the last month begun with fees."""
    if overall.first is not None and overall.last is not None:
        return spans
    fee_days = reporting.fee_days(list(spans))
    out = {}
    for i, (f, la) in spans.items():
        days = fee_days.get(i, [])
        if overall.first is None:
            f = min([date(f.year, f.month, 1), *days[:1]])
        if overall.last is None:
            la = max([la, *(d for d in days if d <= today[i])])
        out[i] = (f, la)
    return out


def _currency(code: str | None) -> str | None:
    """The reporting currency as the report takes it (three letters, upper case), refused as it refuses."""
    if code is None or not code.strip():
        return None
    code = code.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise reporting.ReportError.of("report_currency_unknown", currency=code)
    return code


def _shown(values: list[Decimal], to_come: int) -> list[str | None]:
    """Exact strings, the last `to_come` steps (days the store has not reached) null."""
    kept = len(values) - to_come
    return [_money(v) if k < kept else None for k, v in enumerate(values)]


def count_steps(first: date, last: date, step: str) -> int:
    """How many points [first, last] makes, counted without building them (a period may span centuries)."""
    if step == "day":
        return (last - first).days + 1
    if step == "week":
        return (last - (first - timedelta(days=first.weekday()))).days // 7 + 1
    return (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1


def steps(first: date, last: date, step: str) -> list[Step]:
    """The steps covering [first, last]; refuses more than MAX_POINTS with a sentence for the user."""
    n = count_steps(first, last, step)
    if n > MAX_POINTS:
        raise BadInput.of(_COARSER[step], first=first.isoformat(), last=last.isoformat(), points=n, most=MAX_POINTS)
    out = []
    day = first
    while day <= last:
        if step == "day":
            end = day
        elif step == "week":
            end = day + timedelta(days=6 - day.weekday())
        else:
            end = date(day.year + (day.month == 12), day.month % 12 + 1, 1) - timedelta(days=1)
        end = min(end, last)
        out.append(Step(day.strftime("%Y-%m") if step == "month" else day.isoformat(), day, end))
        day = end + timedelta(days=1)
    return out


def _points(cut: list[Step], spans: dict[int, tuple[date, date]], names: dict[int, str], basis: str,
            account: str | None, now: datetime, currency: str | None = None
            ) -> dict[tuple[str, str], list[Decimal]]:
    """(store, currency) → one figure per step. A store's days are its own span (zone, `all`), so the steps
    are clipped to it: a step outside it is zero for that store."""
    ask = _Asker(names, basis, account, now, currency)
    points: dict[tuple[str, str], list[Decimal]] = {}
    for k, s in enumerate(cut):
        clipped = {i: (max(s.first, f), min(s.last, la)) for i, (f, la) in spans.items()}
        for key, total in ask.many(clipped).items():
            points.setdefault(key, [ZERO] * len(cut))[k] = total
    whole = ask.many(spans)
    every = range(len(cut))
    off = {key[0] for key in whole.keys() | points.keys() if _sum(points, key, every) != whole.get(key, ZERO)}
    for store_id, name in names.items():
        if name in off:  # amounts finer than a cent: the steps' roundings missed the report
            _reconcile(cut, name, spans[store_id], ask, points)
    return points


def _reconcile(cut: list[Step], store: str, span: tuple[date, date], ask: _Asker,
               points: dict[tuple[str, str], list[Decimal]]) -> None:
    """Makes one store's points add up to its running total at every checkpoint, and so to its report; a
    stretch whose points already do keeps them (see the module's docstring)."""
    first, last = span
    cut = [s for s in cut if s.first <= last]  # steps past the store's today keep no leftover of its own
    size = max(1, isqrt(len(cut)))
    before: dict[tuple[str, str], Decimal] = {}
    for start in range(0, len(cut), size):
        stretch = range(start, min(start + size, len(cut)))
        checkpoint = ask.one(store, first, min(cut[stretch[-1]].last, last))
        if any(_sum(points, key, stretch) != total - before.get(key, ZERO) for key, total in checkpoint.items()):
            so_far: dict[tuple[str, str], Decimal] = {}
            for k in stretch:  # running totals from the stretch's first day; the last step takes the rest
                if k == stretch[-1]:
                    totals = {key: total - before.get(key, ZERO) for key, total in checkpoint.items()}
                else:
                    totals = ask.one(store, max(cut[start].first, first), min(cut[k].last, last))
                for key in checkpoint:  # every currency the store has by now; none outside it yet
                    total = totals.get(key, ZERO)
                    points.setdefault(key, [ZERO] * len(cut))[k] = total - so_far.get(key, ZERO)
                    so_far[key] = total
        before = checkpoint


def _sum(points: dict[tuple[str, str], list[Decimal]], key: tuple[str, str], indices: range) -> Decimal:
    values = points.get(key)
    return sum((values[k] for k in indices), ZERO) if values else ZERO


class _Asker:
    """Asks the report for stores' day ranges: stores with the same range share one report, and a range
    asked for again (a running total past a store's last day) is not asked twice."""

    def __init__(self, names: dict[int, str], basis: str, account: str | None, now: datetime,
                 currency: str | None = None) -> None:
        self.names, self.basis, self.account, self.now, self.currency = names, basis, account, now, currency
        self.cache: dict[tuple[date, date, str | None], dict[tuple[str, str], Decimal]] = {}

    def many(self, ranges: dict[int, tuple[date, date]]) -> dict[tuple[str, str], Decimal]:
        """gross_profit per (store, currency) of each store over its own range; an empty range gives nothing."""
        groups: dict[tuple[date, date], list[str]] = {}
        for store_id, (first, last) in ranges.items():
            if first <= last:
                groups.setdefault((first, last), []).append(self.names[store_id])
        out: dict[tuple[str, str], Decimal] = {}
        for (first, last), names in groups.items():
            found = self._report(first, last, names[0] if len(names) == 1 else None)  # one store: it alone
            out.update((key, v) for key, v in found.items() if key[0] in names)
        return out

    def one(self, store: str, first: date, last: date) -> dict[tuple[str, str], Decimal]:
        return self._report(first, last, store) if first <= last else {}

    def _report(self, first: date, last: date, store: str | None) -> dict[tuple[str, str], Decimal]:
        who = self.account or store
        found = self.cache.get((first, last, who))
        if found is None:
            found = self.cache[(first, last, who)] = _profit(first, last, self.basis, who, self.now,
                                                             self.currency)
        return found


def _profit(first: date, last: date, basis: str, account: str | None, now: datetime, currency: str | None = None
            ) -> dict[tuple[str, str], Decimal]:
    """gross_profit per (store, currency) in the report of these days (converted when `currency` is given)."""
    report = reporting.profit_report(period=f"{first.isoformat()}..{last.isoformat()}", basis=basis, by="store",
                                     account=account, currency=currency, now=now)
    return {(r["key"]["account"], r["currency"]): Decimal(r["gross_profit"]) for r in report["rows"]}


def _money(value: Decimal) -> str:
    return "0.00" if value == 0 else f"{value:.2f}"

"""The sales report (issue #18.1): orders, units and seed 001's sales figures per store or SKU and per local
day, week or month, on the settlement or the order basis. Periods, stores and bases are resolved as the
profit report resolves them (reporting.store_periods / store_bounds: each store's own days); the sums come
from the pre-added totals (by store, or by SKU) where they are fresh (store.sales_from_totals), else from the
counted lines (store.sales_sums); the figures from ledger.sales. docs/reports.md defines each one.

JSON: {"kind": "sales", "basis", "period": {"from", "to"}, "group", "by", "rows": [{"key": {"account"[,
"sku_id"]}, "step", "from", "to", "currency", <figures>}], "row_count", "totals_by_currency": {CUR:
<figures>}} where <figures> are ledger.sales.row_json's: orders, units, gross_sales, seller_discounts,
platform_discounts, refunds, net_sales, shipping, taxes, total_sales, average_order_value, refund_rate.
Rows are sorted by step, store, SKU, currency; `row_count` is how many there are, `rows` the first `limit`
of them when one is given. Each currency stays apart: nothing is converted or added across currencies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from companion.errors import BadInput
from companion.ledger import report as ledger_report
from companion.ledger import sales
from companion.ledger.periods import parse_period
from companion.reports import chart_data, reporting
from companion.store import sales_from_totals, sales_sums

GROUPS = ("day", "week", "month")
BY = ("store", "sku")
MAX_ROWS = 20_000  # a year of days by SKU of a large catalogue is millions of rows: no one reads that


def sales_report(period: str = "this-month", basis: str = "settlement", group: str = "day", by: str = "store",
                 account: str | None = None, now: datetime | None = None, limit: int | None = None) -> dict:
    """`limit`: at most this many of the sorted rows written out (the view draws 200 of a month's thousands by
    SKU; the totals are of every row). Raises BadInput (a bad basis, group, by or period; too many rows),
    stores.UnknownAccount."""
    if basis not in ledger_report.BASES:
        raise reporting.ReportError.of("report_basis_unknown", basis=basis)
    if group not in GROUPS:
        raise BadInput.of("report_step_unknown", step=group, steps=", ".join(GROUPS))
    if by not in BY:
        raise BadInput.of("sales_by_unknown", by=by)
    now = now or datetime.now(UTC)
    targets = reporting.stores_of(account)
    periods = reporting.store_periods(period, targets, now)
    shown = periods[targets[0].id] if targets else parse_period(period, now.date())
    spans = reporting.store_spans(basis, targets, periods)
    out: dict = {"kind": "sales", "basis": basis, "period": _period_json(shown.first, shown.last),
                 "group": group, "by": by, "rows": [], "row_count": 0, "totals_by_currency": {}}
    if not spans:
        return out
    first = min(f for f, _ in spans.values())
    last = max(la for _, la in spans.values())
    chart_data.steps(first, last, group)  # refuses more steps than a table or chart can show (MAX_POINTS)
    bounds = {s: b for s, b in reporting.store_bounds(targets, periods).items() if s in spans}
    zone_of = {s.id: s.timezone for s in targets}
    months = _months(first, last)
    # the stores whose totals are fresh over their whole bounds add up days; the rest read lines. Too many rows
    # are refused before any is read: counted from the totals' index, or the lines' groups counted, not read
    fresh = sales_from_totals.fresh(bounds, zone_of)
    rest = {s: b for s, b in bounds.items() if s not in fresh}
    found: list = []
    try:
        if by == "sku":
            found, whole = sales_from_totals.read_sku(basis, {s: bounds[s] for s in fresh}, zone_of, group, months,
                                                      MAX_ROWS)
        else:
            found, whole = sales_from_totals.read(basis, {s: bounds[s] for s in fresh}, zone_of, group)
        found += sales_sums.rows(basis, rest, zone_of, group, by == "sku", months, MAX_ROWS - len(found))
    except sales_sums.TooManyRows as e:
        raise BadInput.of("sales_too_many_rows", rows=e.rows + len(found), most=MAX_ROWS) from None
    if len(found) > MAX_ROWS:  # by store from totals: stores × currencies × steps
        raise BadInput.of("sales_too_many_rows", rows=len(found), most=MAX_ROWS)
    whole.update(sales_sums.orders(basis, rest))
    names = {s.id: s.name for s in targets}
    # sorted as the rows say it (step, store, SKU, currency) before any is written out: only those shown are
    found.sort(key=lambda r: (r.first_day, names[r.store_id], r.sku or "", r.currency))
    rows = []
    for r in found if limit is None else found[:max(limit, 0)]:
        step_first, step_last = _step_days(r.first_day, group)  # type: ignore[arg-type]
        store_first, store_last = spans[r.store_id]
        key = {"account": names[r.store_id], **({"sku_id": r.sku} if by == "sku" else {})}
        rows.append({"key": key, "step": step_first.strftime("%Y-%m") if group == "month" else step_first.isoformat(),
                     "from": max(step_first, store_first).isoformat(), "to": min(step_last, store_last).isoformat(),
                     "currency": r.currency, **sales.row_json(r.sums)})
    out["rows"] = rows
    out["row_count"] = len(found)
    # totals: the rows' sums and units added up per currency; orders counted once over the whole period
    added: dict[str, list[int]] = {}  # currency → units, then each category's sum
    for r in found:
        into = added.get(r.currency)
        if into is None:
            added[r.currency] = [r.sums.units, *r.sums.amounts]
        else:
            into[0] += r.sums.units
            for i, v in enumerate(r.sums.amounts, 1):
                into[i] += v
    totals = {cur: sales.SalesSums(0, s[0], tuple(s[1:])) for cur, s in added.items()}
    counts: dict[str, int] = {}
    for (_, currency), n in whole.items():  # stores share no order: their counts add
        counts[currency] = counts.get(currency, 0) + n
    out["totals_by_currency"] = {cur: sales.row_json(sales.SalesSums(counts.get(cur, 0), s.units, s.amounts))
                                 for cur, s in sorted(totals.items())}
    return out


def _months(first: date, last: date) -> list[date]:
    """The 1st of every month from first's to last's."""
    out, month = [], date(first.year, first.month, 1)
    while month <= last:
        out.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def _step_days(first: date, group: str) -> tuple[date, date]:
    """The whole step (day, Monday to Sunday, calendar month) that starts on `first`."""
    if group == "day":
        return first, first
    if group == "week":
        return first, first + timedelta(days=6)
    return first, date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)


def _period_json(first: date | None, last: date | None) -> dict:
    return {"from": first.isoformat() if first else None, "to": last.isoformat() if last else None}

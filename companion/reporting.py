"""The profit report: periods resolved per store time zone, sums from the store, shape from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from companion.ledger import report as ledger_report
from companion.ledger.periods import Period, parse_period
from companion.store import reports, stores


class ReportError(ValueError):
    pass


def profit_report(period: str = "this-month", basis: str = "settlement", by: str = "store",
                  account: str | None = None, currency: str | None = None,
                  now: datetime | None = None) -> dict:
    if basis not in ledger_report.BASES:
        raise ReportError(f"basis {basis!r} is not one of: settlement, order")
    if by not in ledger_report.DIMENSIONS:
        raise ReportError(f"--by {by!r} is not one of: store, sku, msku, order")
    if by == "msku":
        raise ReportError("--by msku needs the SKU → MSKU mapping, which arrives with cost import; "
                          "use --by sku for now")
    now = now or datetime.now(UTC)
    targets = [stores.by_name(account)] if account else stores.all_stores()
    bounds, shown = {}, None
    for store in targets:
        today = now.astimezone(ZoneInfo(store.timezone)).date()
        p = parse_period(period, today)
        shown = shown or p
        bounds[store.id] = p.utc_bounds(store.timezone)
    if shown is None:
        shown = parse_period(period, now.date())
    groups = reports.group_sums(basis, by, bounds)
    if currency:
        other = sorted({g.currency for g in groups} - {currency.upper()})
        if other:
            raise ReportError(
                f"the data is in {', '.join(other)}; converting to {currency.upper()} needs exchange rates, "
                "which this version cannot import yet"
            )
    return ledger_report.build(basis, _period_json(shown), by, groups)


def _period_json(p: Period) -> dict:
    return {"from": p.first.isoformat() if p.first else None, "to": p.last.isoformat() if p.last else None}

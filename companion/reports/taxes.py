"""The tax report (`shoptally report --kind tax`, GET /api/reports/tax): per store and currency, the taxes in
the period on either basis, by type (sales tax, VAT, withheld, duty, market tax, other) and by the profit
model's tax categories, with line counts; the store's region says where. Periods are read in each store's
time zone, as the profit report reads them."""

from __future__ import annotations

from datetime import UTC, datetime

from companion.ledger import report as ledger_report
from companion.ledger import taxes as ledger
from companion.ledger.periods import parse_period
from companion.reports.reporting import ReportError, store_bounds, store_periods, stores_of
from companion.store import changes, taxes


def tax_report(period: str = "this-month", basis: str = "settlement", account: str | None = None,
               now: datetime | None = None) -> dict:
    if basis not in ledger_report.BASES:
        raise ReportError.of("report_basis_unknown", basis=basis)
    now = now or datetime.now(UTC)
    targets = stores_of(account)
    periods = store_periods(period, targets, now)
    rev = changes.current_rev()
    kept = {s.id: days for s in targets if (days := taxes.cached(s.id, rev, s.timezone)) is not None}
    bounds = store_bounds([s for s in targets if s.id not in kept], periods)
    sums = taxes.category_sums(basis, bounds)
    special = taxes.special_lines(basis, bounds)
    found: dict[tuple[int, str], tuple] = {key: (value, special.get(key, [])) for key, value in sums.items()}
    for store_id, days in kept.items():  # the days added up after an earlier report (taxes.warm)
        p = periods[store_id]
        first = p.first.toordinal() if p.first else None
        last = p.last.toordinal() if p.last else None
        for currency, (day_sums, delta) in taxes.from_days(days, basis, first, last).items():
            if day_sums.taxed_lines:
                found[(store_id, currency)] = (day_sums, delta)
    rows, exact = [], []
    for store in targets:
        for (store_id, currency), (cat_sums, extra) in sorted(found.items(), key=lambda kv: kv[0][1]):
            if store_id != store.id:
                continue
            types = ledger.by_type(cat_sums, extra)
            rows.append(ledger.row_json(store.name, store.platform, store.region, currency, cat_sums, types))
            exact.append(ledger.exact(cat_sums, types))
    shown = periods[targets[0].id] if targets else parse_period(period, now.date())
    return {"kind": "tax", "basis": basis,
            "period": {"from": shown.first.isoformat() if shown.first else None,
                       "to": shown.last.isoformat() if shown.last else None},
            "types": list(ledger.TYPES), "categories": list(ledger.TAX_CATEGORIES),
            "rows": rows, "totals_by_currency": ledger.totals(rows, exact)}

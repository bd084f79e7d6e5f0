"""The profit report: periods resolved per store time zone, sums from the store, figures from the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from companion.errors import BadInput
from companion.ledger import completeness, currencies
from companion.ledger import report as ledger_report
from companion.ledger.costing import moving_average
from companion.ledger.engine import CostVersion, Inputs, Slice, compute
from companion.ledger.fx import RateBook, RateMissing
from companion.ledger.periods import Period, parse_period
from companion.store import (
    app_settings,
    costing,
    coverage,
    edits,
    purchase_costs,
    purchases,
    reports,
    sales_tax,
    seller_inputs,
    sku_map,
    stores,
    unit_charges,
)
from companion.store.models import Store

MAX_DAY_SLICES = 4000  # converting currencies slices time by day: about eleven years


class ReportError(BadInput):
    pass


def profit_report(period: str = "this-month", basis: str = "settlement", by: str = "store",
                  account: str | None = None, currency: str | None = None,
                  now: datetime | None = None) -> dict:
    if basis not in ledger_report.BASES:
        raise ReportError.of("report_basis_unknown", basis=basis)
    if by not in ledger_report.DIMENSIONS:
        raise ReportError.of("report_by_unknown", by=by)
    if currency is not None:
        currency = currency.strip().upper()
        if not currencies.is_code(currency):
            raise ReportError.of("report_currency_unknown", currency=currency)
    now = now or datetime.now(UTC)
    targets = stores_of(account)
    periods = store_periods(period, targets, now)
    bounds = store_bounds(targets, periods)
    shown = periods[targets[0].id] if targets else parse_period(period, now.date())
    spans = store_spans(basis, targets, periods)
    cost_days = sorted({*seller_inputs.cost_dates(), *unit_charges.dates()})
    chosen = costing.methods()
    costing_of = {s.id: chosen.get(s.id, costing.FIXED) for s in targets}
    store_costs = moving_averages([s for s in targets if costing_of[s.id] == costing.MOVING_AVERAGE])
    cuts: dict[int, list[int]] = {}
    slices: dict[int, list[Slice]] = {}
    for store in targets:
        if store.id not in spans:
            continue
        first, last = spans[store.id]
        days = sorted(set(cost_days) | {v.since for v in store_costs.get(store.id, ()) if v.since}) \
            if store.id in store_costs else cost_days
        cuts[store.id], slices[store.id] = _slicing(store.timezone, first, last, days, by_day=bool(currency))
    months = {s.id: fee_months(periods[s.id], now.astimezone(ZoneInfo(s.timezone)).date(), spans.get(s.id))
              for s in targets}
    costs, mapped = seller_inputs.cost_versions()
    charges = unit_charges.versions()
    fees = seller_inputs.fees_in({s: m for s, m in months.items() if m is not None})
    if app_settings.get_all()["self_delivery_payment"] == "auto":
        fees += purchase_costs.last_leg_fees({s: m for s, m in months.items() if m is not None},
                                             {s.id: s.timezone for s in targets})
    fee_months_of: dict[int, set[str]] = {}
    for fee in fees:
        fee_months_of.setdefault(fee.store_id, set()).add(fee.month)
    # SKUs are told apart when the report is by SKU or MSKU or costs apply per SKU; on the order basis
    # without those, only for the lines estimated from their SKU (unsettled, no amount shown)
    per_sku = by in ("sku", "msku") or bool(costs) or bool(store_costs) or bool(charges)
    by_sku: bool | str = True if per_sku else ("estimates" if basis == "order" else False)
    buckets = reports.buckets(basis, by, {s: bounds[s] for s in cuts}, cuts, by_sku=by_sku,
                              zones={s.id: s.timezone for s in targets})
    if edits.any_edits():  # the seller's inline edits of lines in range: corrections on top of the sums
        buckets += edits.corrections(basis, by, {s: bounds[s] for s in cuts}, cuts)
    msku_of_sku = dict(mapped)
    if any(f.level == "product" for f in fees):  # a product fee may name an MSKU the platform's lines give
        msku_of_sku = {**reports.sku_mskus([s.id for s in targets]), **mapped}  # the seller's mapping wins
    links = {}
    for fee in fees:
        if fee.level in ("product", "order") and by in (("order",) if fee.level == "product" else ("sku", "msku")):
            skus = {sku for sku, msku in msku_of_sku.items() if msku == fee.target}
            links[(fee.level, fee.store_id, fee.target)] = reports.fee_links(fee.level, fee.store_id, fee.target,
                                                                             skus)
    estimates = {}
    if basis == "order":
        for b in buckets:
            if b.zero_unsettled and b.sku and (b.store_id, b.sku, b.currency) not in estimates:
                guess = reports.last_settled(b.store_id, b.sku, b.currency)
                if guess is not None:
                    estimates[(b.store_id, b.sku, b.currency)] = guess
    inputs = Inputs(
        by=by, store_names={s.id: s.name for s in targets}, slices=slices, buckets=buckets, costs=costs,
        msku_of_sku=msku_of_sku, fees=fees, fee_months=fee_months_of, estimates=estimates, links=links,
        currency=currency,
        rates=RateBook(seller_inputs.rates()) if currency else None,
        store_costs=store_costs, costing=costing_of, charges=charges,
        sales_tax_included=sales_tax.included_ids([s.id for s in targets]))
    try:
        result = compute(inputs)
    except RateMissing as exc:
        raise ReportError(exc.message, code=exc.code, params=exc.params) from exc
    out = ledger_report.build(basis, _period_json(shown), by, result)
    if currency:
        out["currency"] = currency
    out["completeness"] = completeness_rows(targets, periods, spans)
    return out


def moving_averages(targets: list[Store]) -> dict[int, list[CostVersion]]:
    """Store → the moving-average cost versions of its shop SKUs (ledger.costing), through the SKU map as it
    reads for that store; a self-delivered purchase's shipping is left out of its goods' cost when
    self-delivery payment is auto (it is the sold orders' last-leg cost then)."""
    if not targets:
        return {}
    auto = app_settings.get_all()["self_delivery_payment"] == "auto"
    key = (purchases.fingerprint(), auto, tuple(sorted(s.id for s in targets)))
    found = _AVERAGES.get(key)
    if found is not None:  # the chart asks for a report per point: the purchases are read and averaged once
        return found
    bought = purchase_costs.bought()
    mapping = sku_map.load()
    out = {} if not bought else {  # no paid purchase yet: every sale at its fixed cost, as a fixed store's
        s.id: moving_average(bought, lambda sku, sid=s.id: mapping.resolve(sid, sku),
                             lambda p: auto and p.self_delivered) for s in targets}
    _AVERAGES.clear()
    _AVERAGES[key] = out
    return out


_AVERAGES: dict[tuple, dict[int, list[CostVersion]]] = {}  # the last moving averages worked out, by what they read


def stores_of(account: str | None) -> list[Store]:
    """The named store, or every store; an unknown name raises stores.UnknownAccount."""
    return [stores.by_name(account)] if account else stores.all_stores()


def store_periods(period: str, targets: list[Store], now: datetime) -> dict[int, Period]:
    """Each store's period, resolved on its own today: days are counted in the store's time zone. A bad period
    is refused even when there is no store yet, so every view answers it the same way."""
    parse_period(period, now.astimezone(UTC).date())
    return {s.id: parse_period(period, now.astimezone(ZoneInfo(s.timezone)).date()) for s in targets}


def store_bounds(targets: list[Store], periods: dict[int, Period]) -> dict[int, tuple[int | None, int | None]]:
    """Each store's period as [start, end) epoch milliseconds (None: open), as the store's queries take it."""
    out = {}
    for store in targets:
        start, end = periods[store.id].utc_bounds(store.timezone)
        out[store.id] = (reports.ms(start), reports.ms(end))
    return out


def store_spans(basis: str, targets: list[Store], periods: dict[int, Period]) -> dict[int, tuple[date, date]]:
    """Per store, the local days the report covers: the period's, or for `all` those with lines."""
    spans: dict[int, tuple[date, date]] = {}
    open_ended = [s.id for s in targets if periods[s.id].first is None or periods[s.id].last is None]
    ranges = reports.time_range(basis, open_ended) if open_ended else {}
    for store in targets:
        p = periods[store.id]
        zone = ZoneInfo(store.timezone)
        first, last = p.first, p.last
        if first is None or last is None:
            found = ranges.get(store.id)
            if found is None:
                continue
            lo = datetime.fromtimestamp(found[0] / 1000, UTC).astimezone(zone).date()
            hi = datetime.fromtimestamp(found[1] / 1000, UTC).astimezone(zone).date()
            first, last = first or lo, last or hi
            if last < first:
                continue
        spans[store.id] = (first, last)
    return spans


def _slicing(tz: str, first: date, last: date, cost_days: list[date], by_day: bool
             ) -> tuple[list[int], list[Slice]]:
    """Cut instants inside [first, last] (local days) and the slice each cut starts."""
    zone = ZoneInfo(tz)
    starts: set[date] = set()
    month = date(first.year, first.month, 1)
    while month <= last:
        if month > first:
            starts.add(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    starts.update(d for d in cost_days if first < d <= last)
    if by_day:
        if (last - first).days > MAX_DAY_SLICES:
            raise ReportError.of("report_fx_period_too_long", first=first.isoformat(), last=last.isoformat())
        starts.update(first + timedelta(days=i) for i in range(1, (last - first).days + 1))
    ordered = sorted(starts)
    cuts = [reports.ms(datetime.combine(d, time.min, zone)) for d in ordered]
    slices = [Slice(first.strftime("%Y-%m"), first)] + [Slice(d.strftime("%Y-%m"), d) for d in ordered]
    return cuts, slices  # type: ignore[return-value]


def fee_months(p: Period, today: date, span: tuple[date, date] | None) -> tuple[str | None, str] | None:
    """The months whose custom fees count, as (first, last) YYYY-MM, both included (first None: no limit), or
    None for none: the months whose first day lies in the period. A period without a start (`all`) has no
    first month: every month's fees count up to its end, the first line's month included, though the line
    comes after the 1st. A period without an end (`all`, `YYYY-MM-DD..`) runs to the store's `today` (or its
    last line's day, if later): fees of months that have begun count, those of months to come do not.
    `span`: the store's days with lines (store_spans), None when it has none."""
    end = p.last if p.last is not None else max(today, span[1]) if span else today
    last = end.strftime("%Y-%m")
    if p.first is None:
        return None, last
    start = p.first if p.first.day == 1 else date(p.first.year + (p.first.month == 12), p.first.month % 12 + 1, 1)
    first = start.strftime("%Y-%m")
    return (first, last) if first <= last else None


def fee_days(store_ids: list[int]) -> dict[int, list[date]]:
    """Store → the 1st of each month it has custom fees of, sorted (what a period without a start or end
    reaches to: fee_months)."""
    return {s: [date(int(m[:4]), int(m[5:7]), 1) for m in months]
            for s, months in seller_inputs.fee_months_of(store_ids).items()}


def completeness_rows(targets: list[Store], periods: dict[int, Period], spans: dict[int, tuple[date, date]]
                      ) -> list[dict]:
    seen = coverage.by_store_month([s.id for s in targets])
    rows = []
    for store in targets:
        if store.id not in spans:
            continue
        first, last = spans[store.id]
        month = date(first.year, first.month, 1)
        while month <= last:
            label = month.strftime("%Y-%m")
            rows.append({"account": store.name, "month": label,
                         **completeness.status(store.platform, seen.get((store.id, label), set()))})
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return rows


def _period_json(p: Period) -> dict:
    return {"from": p.first.isoformat() if p.first else None, "to": p.last.isoformat() if p.last else None}

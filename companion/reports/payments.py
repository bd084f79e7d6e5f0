"""The payments report (`shoptally report --kind payments`, GET /api/reports/payments): every payout of each
store whose date lies in the period, with what the platform states it pays, the stored lines it pays and
whether they add up; and, when the period reaches today, each store's lines still on hold.

A payout's date is the date the platform states for it (statement time, bill pay date), or, for a statement
known only from its lines, the latest settlement time of those lines; the period is read in the store's own
time zone, as the profit report reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from companion.ledger import payouts as ledger
from companion.ledger.periods import parse_period
from companion.reports.reporting import stores_of
from companion.store import changes, payouts

MAX_ROWS = 5000  # a view's table and a terminal stay readable; `truncated` says how many more there were


def payments_report(period: str = "this-month", account: str | None = None, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    shown = parse_period(period, now.astimezone(UTC).date())
    targets = stores_of(account)
    ids = [s.id for s in targets]
    by_id = {s.id: s for s in targets}
    bounds = {}
    for store in targets:
        local = parse_period(period, now.astimezone(ZoneInfo(store.timezone)).date())
        bounds[store.id] = local.utc_bounds(store.timezone)
    stated, stated_held = payouts.stated(ids)
    kept_sums = payouts.cached_sums(ids, changes.current_rev())
    if kept_sums is not None:  # every statement added up after an earlier report (payouts.warm)
        sums, words = kept_sums
        kept = [p for p in ledger.payout_rows(stated, sums, words) if _within(p.at, bounds[p.store_id])]
    else:
        kept = _from_lines(stated, bounds)
    rows = [ledger.payout_json(p, by_id[p.store_id].name, by_id[p.store_id].platform) for p in kept]
    exact = [ledger.exact(p) for p in kept]
    for h in payouts.held_sums(ids, stated_held):
        end = bounds[h.store_id][1]
        if end is None or end > now:  # lines on hold are today's: a period that ends before today has none
            rows.append(ledger.held_json(h, by_id[h.store_id].name, by_id[h.store_id].platform))
            exact.append(ledger.exact(h))
    totals = ledger.totals(rows, exact)  # from the unrounded sums, before the rows are sorted
    rows.sort(key=lambda r: r["ref"])
    rows.sort(key=lambda r: r["date"] or "", reverse=True)  # newest first, undated last
    rows.sort(key=lambda r: (r["account"], r["kind"] != "on_hold"))
    truncated = max(0, len(rows) - MAX_ROWS)
    regions = {s.name: s.region for s in targets}
    for r in rows:
        r["region"] = regions.get(r["account"], "")
    return {"kind": "payments",
            "period": {"from": shown.first.isoformat() if shown.first else None,
                       "to": shown.last.isoformat() if shown.last else None},
            "rows": rows[:MAX_ROWS], "truncated": truncated, "totals": totals,
            "unreconciled": sum(1 for r in rows if r["reconciled"] is False)}


def _from_lines(stated: list, bounds: dict) -> list[ledger.Payout]:
    """The payouts the period can hold: those stated in it, and the statements of lines settled in it (dated by
    those lines when nothing dates them); each then summed over all of its lines, wherever they fall."""
    ms = {sid: (_ms(lo), _ms(hi)) for sid, (lo, hi) in bounds.items()}
    refs = payouts.statements_settled_in(ms) if bounds else set()
    refs |= {(s.store_id, s.ref) for s in stated if s.kind == "statement" and _within(s.at, bounds[s.store_id])}
    stated = [s for s in stated if (s.store_id, s.ref) in refs
              or (s.kind == "payout" and _within(s.at, bounds[s.store_id]))]
    sums = payouts.statement_sums(refs) if refs else []
    kept = [p for p in ledger.payout_rows(stated, sums, {}) if _within(p.at, bounds[p.store_id])]
    wanted: dict[int, list[str]] = {}
    for p in kept:
        if p.kind == "statement" and not (p.payment_id and p.source_status):
            wanted.setdefault(p.store_id, []).append(p.ref)
    if wanted:  # the lines' own payment id and status, for the statements whose stated total does not say
        keys = {(p.store_id, p.kind, p.ref) for p in kept}
        words = payouts.line_words(wanted)
        kept = [p for p in ledger.payout_rows(stated, sums, words) if (p.store_id, p.kind, p.ref) in keys]
    return kept


def _ms(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp() * 1000)


def _within(at: datetime | None, bounds: tuple[datetime | None, datetime | None]) -> bool:
    start, end = bounds
    if at is None:
        return start is None  # an undated payout shows only in `all`
    return (start is None or at >= start) and (end is None or at < end)


"""The seller's own figures in the database: SKU unit costs, custom fees, exchange rates.

Imports replace a row with the same identity (SKU and start date; fee level, store, target, month and
name; rate pair and day) and add the rest, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from companion.ledger.engine import CostVersion, Fee
from companion.ledger.fx import Rate
from companion.ledger.inputs import CostRow, FeeRow
from companion.ledger.money import to_storage
from companion.store import changes, stores
from companion.store.changes import Change
from companion.store.fields import now_utc
from companion.store.models import CustomFee, FxRate, SkuCost


@dataclass
class Saved:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]

    def json(self) -> dict:
        out = {"added": self.added, "updated": self.updated, "skipped": self.skipped}
        return {**out, "removed": self.removed} if self.removed else out


def finish(saved: Saved, source: str) -> Saved:
    if saved.added or saved.updated or saved.removed:
        saved.changes.append(changes.record(Change(source, None, saved.added, saved.updated, saved.removed)))
    return saved


def save_costs(rows: list[CostRow]) -> Saved:
    """Inside the writer's transaction."""
    saved = Saved()
    now = now_utc()
    for r in rows:
        since = r.effective_from.isoformat() if r.effective_from else ""
        old = SkuCost.get_or_none((SkuCost.sku_id == r.sku_id) & (SkuCost.effective_from == since))
        if old is None:
            SkuCost.create(sku_id=r.sku_id, msku=r.msku, effective_from=since, unit_cost=r.unit_cost,
                           currency=r.currency, recorded_at=now)
            saved.added += 1
        elif (old.unit_cost, old.currency, old.msku) != (r.unit_cost, r.currency, r.msku):
            old.unit_cost, old.currency, old.msku, old.recorded_at = r.unit_cost, r.currency, r.msku, now
            old.save()
            saved.updated += 1
        else:
            saved.skipped += 1
    return finish(saved, "costs")


def save_fees(rows: list[FeeRow]) -> Saved:
    """Inside the writer's transaction. Every account must name an existing store."""
    saved = Saved()
    now = now_utc()
    ids = {name: stores.by_name(name).id for name in {r.account for r in rows}}
    for r in rows:
        where = ((CustomFee.level == r.level) & (CustomFee.store == ids[r.account]) & (CustomFee.target == r.target)
                 & (CustomFee.month == r.month) & (CustomFee.name == r.name))
        old = CustomFee.get_or_none(where)
        if old is None:
            CustomFee.create(level=r.level, store=ids[r.account], target=r.target, month=r.month, name=r.name,
                             amount=r.amount, currency=r.currency, recorded_at=now)
            saved.added += 1
        elif (old.amount, old.currency) != (r.amount, r.currency):
            old.amount, old.currency, old.recorded_at = r.amount, r.currency, now
            old.save()
            saved.updated += 1
        else:
            saved.skipped += 1
    return finish(saved, "fees")


def save_rates(rows: list[Rate]) -> Saved:
    saved = Saved()
    now = now_utc()
    for r in rows:
        day = r.day.isoformat()
        old = FxRate.get_or_none((FxRate.base == r.base) & (FxRate.quote == r.quote) & (FxRate.day == day))
        if old is None:
            FxRate.create(day=day, base=r.base, quote=r.quote, rate=str(r.rate), recorded_at=now)
            saved.added += 1
        elif old.rate != str(r.rate):
            old.rate, old.recorded_at = str(r.rate), now
            old.save()
            saved.updated += 1
        else:
            saved.skipped += 1
    return finish(saved, "fx")


def cost_versions() -> tuple[list[CostVersion], dict[str, str]]:
    """Every cost version, and SKU → MSKU where a cost row names one (the latest naming wins)."""
    from datetime import date

    versions, msku = [], {}
    for row in SkuCost.select().order_by(SkuCost.sku_id, SkuCost.effective_from):
        since = date.fromisoformat(row.effective_from) if row.effective_from else None
        versions.append(CostVersion(row.sku_id, since, to_storage(row.unit_cost), row.currency))
        if row.msku:
            msku[row.sku_id] = row.msku
    return versions, msku


def cost_dates() -> list:
    from datetime import date

    return sorted({date.fromisoformat(d) for (d,) in SkuCost.select(SkuCost.effective_from).distinct().tuples()
                   if d})


def fees_in(months: dict[int, tuple[str | None, str]]) -> list[Fee]:
    """The custom fees of each store whose month (YYYY-MM) lies in its (first, last) range, both included;
    first None: every month up to last."""
    if not months:
        return []
    where = None
    for store_id, (first, last) in months.items():
        part = (CustomFee.store == store_id) & (CustomFee.month <= last)
        if first is not None:
            part &= CustomFee.month >= first
        where = part if where is None else where | part
    query = CustomFee.select().where(where).order_by(CustomFee.id)
    return [Fee(f.store_id, f.level, f.target, f.month, to_storage(f.amount), f.currency, f.name) for f in query]


def fee_months_of(store_ids: list[int]) -> dict[int, list[str]]:
    """Store → the months (YYYY-MM, sorted) it has custom fees of."""
    if not store_ids:
        return {}
    out: dict[int, list[str]] = {}
    query = (CustomFee.select(CustomFee.store, CustomFee.month).distinct().where(CustomFee.store.in_(store_ids))
             .order_by(CustomFee.month))
    for store_id, month in query.tuples():
        out.setdefault(store_id, []).append(month)
    return out


def rates() -> list[Rate]:
    from datetime import date
    from decimal import Decimal

    return [Rate(date.fromisoformat(r.day), r.base, r.quote, Decimal(r.rate)) for r in FxRate.select()]

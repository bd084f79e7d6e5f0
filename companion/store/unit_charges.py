"""Per-unit logistics and other costs in the database (`shoptally logistics import`): saved like SKU unit costs
(a row per kind, SKU and start date, so the same file imported twice changes nothing) and read back as the
engine's dated versions."""

from __future__ import annotations

from datetime import date

from companion.ledger.engine import UnitCharge as Version
from companion.ledger.money import to_storage
from companion.ledger.unit_charges import ChargeRow
from companion.store.fields import now_utc
from companion.store.models import UnitCharge
from companion.store.seller_inputs import Saved, finish


def save_charges(rows: list[ChargeRow]) -> Saved:
    """Inside the writer's transaction."""
    saved = Saved()
    now = now_utc()
    for r in rows:
        since = r.effective_from.isoformat() if r.effective_from else ""
        old = UnitCharge.get_or_none((UnitCharge.kind == r.kind) & (UnitCharge.sku_id == r.sku_id)
                                     & (UnitCharge.effective_from == since))
        if old is None:
            UnitCharge.create(kind=r.kind, sku_id=r.sku_id, effective_from=since, unit_cost=r.unit_cost,
                              currency=r.currency, shipment=r.shipment, recorded_at=now)
            saved.added += 1
        elif (old.unit_cost, old.currency, old.shipment) != (r.unit_cost, r.currency, r.shipment):
            old.unit_cost, old.currency, old.shipment, old.recorded_at = r.unit_cost, r.currency, r.shipment, now
            old.save()
            saved.updated += 1
        else:
            saved.skipped += 1
    return finish(saved, "logistics")


def versions() -> list[Version]:
    return [Version(r.kind, r.sku_id, date.fromisoformat(r.effective_from) if r.effective_from else None,
                    to_storage(r.unit_cost), r.currency)
            for r in UnitCharge.select().order_by(UnitCharge.kind, UnitCharge.sku_id, UnitCharge.effective_from)]


def dates() -> list[date]:
    """The days a version starts: a report cuts its time there, as at SKU cost versions."""
    return sorted({date.fromisoformat(d) for (d,) in
                   UnitCharge.select(UnitCharge.effective_from).distinct().tuples() if d})

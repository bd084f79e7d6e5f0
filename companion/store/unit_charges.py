"""Per-unit logistics and other costs in the database (`shoptally logistics import`): saved like SKU unit costs
(a row per kind, SKU and start date, so the same file imported twice changes nothing) and read back as the
engine's dated versions."""

from __future__ import annotations

from datetime import date

from companion.errors import NotFound
from companion.ledger.engine import UnitCharge as Version
from companion.ledger.money import to_storage
from companion.ledger.unit_charges import ChargeRow
from companion.store.fields import now_utc
from companion.store.models import UnitCharge
from companion.store.seller_inputs import Saved, finish
from companion.store.sku_costs import amount_text


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


MAX_ROWS = 2000  # the Settings table's rows at most, newest first


def table() -> dict:
    """The Settings tab's list: every version, newest start date first (a start of "" last)."""
    query = UnitCharge.select().order_by(UnitCharge.effective_from.desc(), UnitCharge.kind, UnitCharge.sku_id)
    rows = list(query.limit(MAX_ROWS + 1))
    return {"charges": [{"kind": r.kind, "sku_id": r.sku_id, "effective_from": r.effective_from,
                         "unit_cost": amount_text(r.unit_cost), "currency": r.currency, "shipment": r.shipment}
                        for r in rows[:MAX_ROWS]],
            "truncated": len(rows) > MAX_ROWS}


def delete(kind: str, sku_id: str, since: str) -> Saved:
    """Inside the writer's transaction: one version (`since` "" for from the start)."""
    removed = UnitCharge.delete().where((UnitCharge.kind == kind) & (UnitCharge.sku_id == sku_id)
                                        & (UnitCharge.effective_from == since)).execute()
    if not removed:
        raise (NotFound.of("charge_none_from", kind=kind, sku=sku_id, since=since) if since else
               NotFound.of("charge_none_from_start", kind=kind, sku=sku_id))
    return finish(Saved(removed=removed), "logistics")

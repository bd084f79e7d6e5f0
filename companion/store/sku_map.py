"""The SKU map: a supplier's SKU (1688 skuId / specId, or any code on a purchase) is a shop SKU id.

An entry holds for one store or, with no store, for every store; a store's own entry wins over the global
one. A purchase item whose SKU has no entry is taken as the shop SKU itself (the seller's own purchase CSV
names shop SKUs)."""

from __future__ import annotations

from dataclasses import dataclass

from companion.errors import NotFound, render
from companion.ledger.inputs import SkuMapRow
from companion.store import stores
from companion.store.fields import now_utc
from companion.store.models import SkuMap


@dataclass(frozen=True)
class Mapping:
    """Supplier SKU → shop SKU: `common` for every store, `per_store` for one."""

    common: dict[str, str]
    per_store: dict[int, dict[str, str]]

    def resolve(self, store_id: int, supplier_sku: str) -> str:
        own = self.per_store.get(store_id)
        if own is not None and supplier_sku in own:
            return own[supplier_sku]
        return self.common.get(supplier_sku, supplier_sku)


def load() -> Mapping:
    common: dict[str, str] = {}
    per_store: dict[int, dict[str, str]] = {}
    for row in SkuMap.select().order_by(SkuMap.id):
        if row.store_id is None:
            common[row.supplier_sku] = row.sku_id
        else:
            per_store.setdefault(row.store_id, {})[row.supplier_sku] = row.sku_id
    return Mapping(common, per_store)


def save(rows: list[SkuMapRow]):
    """Inside the writer's transaction; every named store must exist (stores.UnknownAccount otherwise)."""
    from companion.store.seller_inputs import Saved, finish

    saved = Saved()
    ids = {name: stores.by_name(name).id for name in {r.account for r in rows if r.account}}
    for r in rows:
        store_id = ids.get(r.account) if r.account else None
        where = SkuMap.supplier_sku == r.supplier_sku
        where &= SkuMap.store.is_null() if store_id is None else SkuMap.store == store_id
        old = SkuMap.get_or_none(where)
        if old is None:
            SkuMap.create(supplier_sku=r.supplier_sku, store=store_id, sku_id=r.sku_id, recorded_at=now_utc())
            saved.added += 1
        elif old.sku_id != r.sku_id:
            old.sku_id, old.recorded_at = r.sku_id, now_utc()
            old.save()
            saved.updated += 1
        else:
            saved.skipped += 1
    return finish(saved, "skumap")


def delete(supplier_sku: str, account: str = ""):
    """The entry of a supplier SKU for one store, or with no store the entry for every store (`shoptally
    skumap delete`, the view's Delete). Inside the writer's transaction; one change recorded (views reload)."""
    from companion.store.seller_inputs import Saved, finish

    where = SkuMap.supplier_sku == supplier_sku
    where &= SkuMap.store == stores.by_name(account).id if account else SkuMap.store.is_null()
    if not SkuMap.delete().where(where).execute():
        raise (NotFound.of("skumap_unknown_in", sku=supplier_sku, account=account) if account
               else NotFound.of("skumap_unknown", sku=supplier_sku))
    return finish(Saved(removed=1), "skumap")


MAX_LISTED = 500


def table() -> dict:
    """GET /api/skumap: the first MAX_LISTED entries by supplier SKU (supplier SKU, shop SKU, and the store it
    holds for, "" for every store), how many there are, and past MAX_LISTED a note saying so (else null)."""
    names = {s.id: s.name for s in stores.all_stores()}
    total = SkuMap.select().count()
    rows = SkuMap.select().order_by(SkuMap.supplier_sku, SkuMap.id).limit(MAX_LISTED)
    entries = [{"supplier_sku": r.supplier_sku, "sku_id": r.sku_id,
                "store": names.get(r.store_id, "") if r.store_id else ""} for r in rows]
    note = None
    if total > len(entries):
        params = {"shown": len(entries), "total": total}
        note = {"code": "skumap_listed_first", "params": params, "message": render("skumap_listed_first", params)}
    return {"total": total, "entries": entries, "note": note}

"""Stores (the contract's "accounts"): found by platform and the platform's own shop id."""

from __future__ import annotations

import hashlib
import json

from peewee import fn

from companion.errors import NotFound, Unprocessable
from companion.ledger import currencies
from companion.sources.model import StoreRef
from companion.sources.platforms import LABELS
from companion.store import line_totals, supersession, team_events
from companion.store.models import (
    Coverage,
    CustomFee,
    EditLog,
    LineEdit,
    Order,
    Setting,
    SettlementLine,
    StatedTotal,
    Store,
    SyncRun,
    SyncSchedule,
)


class UnknownAccount(NotFound):
    pass


def resolve(ref: StoreRef) -> Store:
    """The store row for a platform shop, created on first sight with a unique display name. A ref that names
    other ids of the shop (`aliases`) joins them to it: a store known so far by one of them becomes this one
    (its lines moved here), and a later ref by that id alone lands here."""
    store = _by_id(ref.platform, ref.external_id)
    if store is None:
        store = _by_alias(ref.platform, ref.external_id)
    if ref.aliases:
        store = _join(store, ref)
    if store is not None:
        if not store.currency and ref.currency:
            store.currency = ref.currency
            store.save(only=[Store.currency])
        return store
    name = _free_name(ref.name or default_name(ref))
    return Store.create(
        platform=ref.platform, external_id=ref.external_id, region=ref.region, name=name,
        currency=ref.currency, timezone=ref.timezone or "UTC",
    )


# A shop the data names by id only is called by its platform and region ("TikTok Shop US", then
# "TikTok Shop US (2)"), never by the bare id; the seller names it in Settings, and a later capture or file that
# carries the shop's own name does not rename a store the seller named.
_PLATFORM_LABELS = LABELS


def default_name(ref: StoreRef) -> str:
    label = _PLATFORM_LABELS.get(ref.platform, ref.platform.capitalize())
    region = (ref.region or "").strip()
    return f"{label} {region}" if region else f"{label} shop"


def _by_id(platform: str, external_id: str) -> Store | None:
    return Store.get_or_none((Store.platform == platform) & (Store.external_id == external_id))


# An alias is kept in the `setting` table, keyed by a digest of it (a TikTok shop_cipher is not written out).
def _alias_key(platform: str, alias: str) -> str:
    return f"store_alias:{platform}:{hashlib.sha256(alias.encode()).hexdigest()[:48]}"


def _by_alias(platform: str, alias: str) -> Store | None:
    row = Setting.get_or_none(Setting.key == _alias_key(platform, alias))
    return _by_id(platform, json.loads(row.value)) if row is not None else None


def _join(store: Store | None, ref: StoreRef) -> Store | None:
    """Record each alias of the shop; a store known so far by an alias becomes this shop's store: renamed to the
    shop id when the shop had none, else its rows moved into the shop's store and the empty store removed."""
    for alias in ref.aliases:
        if not alias or alias == ref.external_id:
            continue
        value = json.dumps(ref.external_id)
        Setting.insert(key=_alias_key(ref.platform, alias), value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}).execute()
        old = _by_id(ref.platform, alias)
        if old is None or (store is not None and old.id == store.id):
            continue
        if store is None:
            old.external_id = ref.external_id
            if ref.name and (old.name.startswith(default_name(ref)) or alias in old.name):
                old.name = _free_name(ref.name, old.id)
            old.save(only=[Store.external_id, Store.name])
            store = old
        else:
            _merge(old, store)
    return store


# Tables with rows per store, and what makes a row unique within its store (None: nothing; (): the store).
_PER_STORE = ((SettlementLine, ("natural_key",)), (Order, ("order_id",)), (StatedTotal, ("kind", "ref", "scope")),
              (Coverage, ("month", "report_type", "capture")), (LineEdit, ("natural_key",)), (EditLog, None),
              (CustomFee, ("level", "target", "month", "name")), (SyncSchedule, ()), (SyncRun, None))


def _merge(old: Store, into: Store) -> None:
    """Every row of store `old` moved to `into`, where `into` has none like it already (the same natural key,
    statement, …: that one is kept); then `old`, empty, is deleted."""
    references = [r for (r,) in SettlementLine.select(SettlementLine.reference).distinct().where(
        (SettlementLine.store == old.id) & SettlementLine.reference.is_null(False)).tuples()]
    for model, unique in _PER_STORE:
        if unique is not None:
            other = model.alias()
            same = [other.store == into.id, *(getattr(other, f) == getattr(model, f) for f in unique)]
            model.delete().where((model.store == old.id) & fn.EXISTS(other.select(other.id).where(*same))).execute()
        model.update(store=into.id).where(model.store == old.id).execute()
    into.families = " ".join(sorted(set(into.families.split()) | set(old.families.split())))
    if not into.currency and old.currency:
        into.currency = old.currency
    into.save(only=[Store.families, Store.currency])
    line_totals.mark_store(into.id)
    Store.delete().where(Store.id == old.id).execute()
    if references:
        supersession.refresh(into.id, references)


def _free_name(base: str, own_id: int | None = None) -> str:
    name, n = base, 1
    while Store.select().where((Store.name == name) & (Store.id != (own_id or 0))).exists():
        n += 1
        name = f"{base} ({n})"
    return name


def ref_of(store: Store) -> StoreRef:
    return StoreRef(store.platform, store.external_id, store.region, store.name, store.currency, store.timezone)


def by_name(name: str) -> Store:
    store = Store.get_or_none(Store.name == name)
    if store is None:
        known = ", ".join(s.name for s in Store.select(Store.name).order_by(Store.name))
        if not known:  # "none yet" is its own code, so each language says it in its own words
            raise UnknownAccount.of("store_unknown_none", name=name)
        raise UnknownAccount.of("store_unknown", name=name, known=known)
    return store


def all_stores() -> list[Store]:
    return list(Store.select().order_by(Store.name))


def update(name: str, patch: dict) -> Store:
    """In the writer's transaction: a store's display name, time zone or currency, checked first (the
    platform's own id never changes). Raises UnknownAccount, or ValueError naming the field."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    store = by_name(name)
    if not isinstance(patch, dict) or not set(patch) <= {"name", "timezone", "currency"} or not patch:
        raise Unprocessable.of("store_patch_empty")
    if "name" in patch:
        new = str(patch["name"] or "").strip()
        if not new or len(new) > 200:
            raise Unprocessable.of("store_name_length")
        if new != store.name and Store.select().where(Store.name == new).exists():
            raise Unprocessable.of("store_name_taken", name=new)
        store.name = new
    if "timezone" in patch:
        zone = str(patch["timezone"] or "").strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise Unprocessable.of("timezone_unknown", zone=zone) from None
        store.timezone = zone
    if "currency" in patch:
        cur = str(patch["currency"] or "").strip().upper()
        if not currencies.is_code(cur):
            raise Unprocessable.of("store_currency_unknown", value=patch["currency"])
        store.currency = cur
    store.save()
    team_events.share([{"event": "stores.updated", "account": name, "name": store.name}])
    return store

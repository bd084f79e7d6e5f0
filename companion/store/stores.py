"""Stores (the contract's "accounts"): found by platform and the platform's own shop id."""

from __future__ import annotations

from companion.sources.model import StoreRef
from companion.store.models import Store


class UnknownAccount(LookupError):
    pass


def resolve(ref: StoreRef) -> Store:
    """The store row for a platform shop, created on first sight with a unique display name."""
    store = Store.get_or_none((Store.platform == ref.platform) & (Store.external_id == ref.external_id))
    if store is not None:
        if not store.currency and ref.currency:
            store.currency = ref.currency
            store.save(only=[Store.currency])
        return store
    base = ref.name or f"{ref.platform} {ref.external_id}"
    name, n = base, 1
    while Store.select().where(Store.name == name).exists():
        n += 1
        name = f"{base} ({n})"
    return Store.create(
        platform=ref.platform, external_id=ref.external_id, region=ref.region, name=name,
        currency=ref.currency, timezone=ref.timezone or "UTC",
    )


def ref_of(store: Store) -> StoreRef:
    return StoreRef(store.platform, store.external_id, store.region, store.name, store.currency, store.timezone)


def by_name(name: str) -> Store:
    store = Store.get_or_none(Store.name == name)
    if store is None:
        known = ", ".join(s.name for s in Store.select(Store.name).order_by(Store.name)) or "none yet"
        raise UnknownAccount(f"no store named {name!r} (known: {known})")
    return store


def all_stores() -> list[Store]:
    return list(Store.select().order_by(Store.name))

"""Stores (the contract's "accounts"): found by platform and the platform's own shop id."""

from __future__ import annotations

from companion.errors import NotFound, Unprocessable
from companion.sources.model import StoreRef
from companion.store.models import Store


class UnknownAccount(NotFound):
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


def update(name: str, patch: dict) -> Store:
    """In the writer's transaction: a store's display name, time zone or currency, checked first (the
    platform's own id never changes). Raises UnknownAccount, or ValueError naming the field."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    store = by_name(name)
    if not isinstance(patch, dict) or not set(patch) <= {"name", "timezone", "currency"} or not patch:
        raise Unprocessable("send name, timezone and/or currency to change")
    if "name" in patch:
        new = str(patch["name"] or "").strip()
        if not new or len(new) > 200:
            raise Unprocessable("name: 1 to 200 characters")
        if new != store.name and Store.select().where(Store.name == new).exists():
            raise Unprocessable(f"name: another store is already called {new!r}")
        store.name = new
    if "timezone" in patch:
        zone = str(patch["timezone"] or "").strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise Unprocessable(f"timezone: {zone!r} is not a time zone such as America/Los_Angeles or Asia/Shanghai") \
                from None
        store.timezone = zone
    if "currency" in patch:
        cur = str(patch["currency"] or "").strip().upper()
        if len(cur) != 3 or not cur.isalpha():
            raise Unprocessable(f"currency: {patch['currency']!r} is not a currency code such as USD")
        store.currency = cur
    store.save()
    return store

"""A shop the data names by id only gets a name a seller can read (platform and region), never the bare id."""

from __future__ import annotations

from companion.sources.model import StoreRef
from companion.store import stores
from companion.store.writer import run_inline


def test_shops_known_by_id_only_are_named_by_platform_and_region(db):
    def resolve(*refs: StoreRef) -> list[str]:
        return [stores.resolve(ref).name for ref in refs]

    names = run_inline(db, resolve,
                       StoreRef("tiktok", "7495000000000000001", "US", None, "USD", "America/Los_Angeles"),
                       StoreRef("tiktok", "7495000000000000002", "US", None, "USD", "America/Los_Angeles"),
                       StoreRef("temu", "634418216263713", "", None, "USD", "Asia/Shanghai"),
                       StoreRef("shein", "100200", "US", "SHEIN Linen House", "USD", "Asia/Shanghai"),
                       StoreRef("tiktok", "7495000000000000001", "US", "Another name", "USD", "America/Los_Angeles"))
    assert names == ["TikTok Shop US", "TikTok Shop US (2)", "Temu shop", "SHEIN Linen House", "TikTok Shop US"]
    assert all(not any(ch.isdigit() for ch in n.replace("(2)", "")) for n in names[:3])

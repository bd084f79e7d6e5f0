"""The one place adapters are registered; detection asks each in turn."""

from __future__ import annotations

from typing import Protocol

from companion.sources import tiktok_seller_center
from companion.sources.model import ParseResult, SourceInput


class Adapter(Protocol):
    name: str
    version: int

    def recognizes(self, src: SourceInput) -> bool: ...

    def parse(self, src: SourceInput) -> ParseResult: ...


ADAPTERS: tuple[Adapter, ...] = (
    tiktok_seller_center.OrderList(),
)


def detect(src: SourceInput) -> Adapter | None:
    """The first adapter that recognises the input by its content, or None."""
    for adapter in ADAPTERS:
        if adapter.recognizes(src):
            return adapter
    return None

"""The one place adapters are registered; detection asks each in turn.

Each source module exports `ADAPTERS`; adding a platform or report is one module listed here. More
specific adapters come first within a module.
"""

from __future__ import annotations

from typing import Protocol

from companion.sources import (
    shein_exports,
    shein_seller_center,
    temu_exports,
    temu_seller_center,
    tiktok_exports,
    tiktok_open_api,
    tiktok_seller_center,
)
from companion.sources.model import ParseResult, SourceInput


class Adapter(Protocol):
    name: str  # "<platform>.<report_type>"
    version: int  # raised whenever parsing changes; stored with each raw capture

    def recognizes(self, src: SourceInput) -> bool: ...

    def parse(self, src: SourceInput) -> ParseResult: ...


ADAPTERS: tuple[Adapter, ...] = (
    *tiktok_seller_center.ADAPTERS,
    *tiktok_open_api.ADAPTERS,
    *tiktok_exports.ADAPTERS,
    *temu_seller_center.ADAPTERS,
    *temu_exports.ADAPTERS,
    *shein_seller_center.ADAPTERS,
    *shein_exports.ADAPTERS,
)


def detect(src: SourceInput) -> Adapter | None:
    """The first adapter that recognises the input by its content, or None."""
    for adapter in ADAPTERS:
        if adapter.recognizes(src):
            return adapter
    return None


def by_name(name: str) -> Adapter | None:
    return next((a for a in ADAPTERS if a.name == name), None)

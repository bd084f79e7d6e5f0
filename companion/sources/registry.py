"""The one place platforms are registered; detection asks each of their adapters in turn.

Each platform is a package under sources/ (tiktok/, temu/, shein/, shopify/, ebay/, walmart/, shopee/,
aliexpress/, alibaba1688/) whose `ADAPTERS` lists its adapters, more specific ones first. Adding a marketplace
is a new package and its name in `platforms.PLATFORMS`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from companion.sources.model import ParseResult, SourceInput
from companion.sources.platforms import LABELS, MARKETPLACES, PLATFORMS

__all__ = ["LABELS", "MARKETPLACES", "PLATFORMS", "ADAPTERS", "detect", "by_name"]


class Adapter(Protocol):
    name: str  # "<platform>.<report_type>"
    version: int  # raised whenever parsing changes; stored with each raw capture

    def recognizes(self, src: SourceInput) -> bool: ...

    def parse(self, src: SourceInput) -> ParseResult: ...


ADAPTERS: tuple[Adapter, ...] = tuple(
    adapter for name in PLATFORMS for adapter in import_module(f"companion.sources.{name}").ADAPTERS)


def detect(src: SourceInput) -> Adapter | None:
    """The first adapter that recognises the input by its content, or None."""
    for adapter in ADAPTERS:
        if adapter.recognizes(src):
            return adapter
    return None


def by_name(name: str) -> Adapter | None:
    return next((a for a in ADAPTERS if a.name == name), None)

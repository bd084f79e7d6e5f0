"""AliExpress: the fund detail / settlement export (seed 002: its profit cannot be reconciled yet)."""

from __future__ import annotations

from companion.sources.aliexpress import fund_detail
from companion.sources.aliexpress.fund_detail import PLATFORM

ADAPTERS: tuple = fund_detail.ADAPTERS

__all__ = ["ADAPTERS", "PLATFORM"]

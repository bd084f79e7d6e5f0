"""SHEIN: Seller Center JSON and the 已完成账单 / 收支明细 exports, bill rows mapped in one place (bills.py)."""

from __future__ import annotations

from companion.sources.shein import exports, seller_center
from companion.sources.shein.bills import PLATFORM

# More specific adapters first: detection asks each in turn.
ADAPTERS = (*seller_center.ADAPTERS, *exports.ADAPTERS)

__all__ = ["ADAPTERS", "PLATFORM"]

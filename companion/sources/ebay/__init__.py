"""eBay: the Seller Hub's Transaction report (seed 002 ⑦), mapped in rules.py, read in transactions.py."""

from __future__ import annotations

from companion.sources.ebay import transactions
from companion.sources.ebay.transactions import PLATFORM

ADAPTERS = transactions.ADAPTERS

__all__ = ["ADAPTERS", "PLATFORM"]

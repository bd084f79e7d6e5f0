"""eBay: the seller hub's Transaction report (seed 002 ⑦)."""

from __future__ import annotations

ADAPTERS: tuple = ()

"""Walmart: the Payment Report (New) / reconciliation report of the US marketplace (seed 002 ⑧)."""

from __future__ import annotations

from companion.sources.walmart import report

ADAPTERS = report.ADAPTERS

__all__ = ["ADAPTERS"]

"""Temu: Seller Center JSON, the 财务明细 / 结算数据 exports and the label-fee reports; fund movements made lines in
one place (funds.py)."""

from __future__ import annotations

from companion.sources.temu import fund_exports, labels, po_exports, seller_center
from companion.sources.temu.funds import PLATFORM

# More specific adapters first: detection asks each in turn.
ADAPTERS = (*seller_center.ADAPTERS, *fund_exports.ADAPTERS, *po_exports.ADAPTERS, *labels.ADAPTERS)

__all__ = ["ADAPTERS", "PLATFORM"]

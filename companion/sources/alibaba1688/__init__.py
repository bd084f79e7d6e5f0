"""1688 (阿里巴巴 wholesale): the buyer's purchase orders, as the order export file and as the open platform's
trade JSON. They produce purchase records (`ParseResult.purchases`), never settlement lines."""

from __future__ import annotations

from companion.sources.alibaba1688 import exports, trade_info
from companion.sources.alibaba1688.common import PLATFORM

# More specific adapters first: detection asks each in turn.
ADAPTERS = (*trade_info.ADAPTERS, *exports.ADAPTERS)

__all__ = ["ADAPTERS", "PLATFORM"]

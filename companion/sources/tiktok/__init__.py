"""TikTok Shop: Seller Center JSON, Open API responses and settlement exports, on one field table (fields.py)."""

from __future__ import annotations

from companion.sources.tiktok import exports, open_api, seller_center
from companion.sources.tiktok.fields import PLATFORM

# More specific adapters first: detection asks each in turn.
ADAPTERS = (*seller_center.ADAPTERS, *open_api.ADAPTERS, *exports.ADAPTERS)

__all__ = ["ADAPTERS", "PLATFORM"]

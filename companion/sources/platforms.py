"""The platforms the project reads, by the name stores, adapters and files use (`tiktok`, `shopify`, …)."""

from __future__ import annotations

MARKETPLACES = ("tiktok", "temu", "shein", "shopify", "ebay", "walmart", "shopee", "aliexpress")  # where the seller
# sells: their sources give settlement lines
# the marketplaces whose seller centers the extension captures (the rest are read from their exports)
CAPTURED = ("tiktok", "temu", "shein")
# packages under sources/, in the order detection asks them; 1688 (where the seller buys) gives purchases
PLATFORMS = (*MARKETPLACES, "alibaba1688")
# how a seller calls each marketplace, in messages and default store names
LABELS = {"tiktok": "TikTok Shop", "temu": "Temu", "shein": "SHEIN", "shopify": "Shopify", "ebay": "eBay",
          "walmart": "Walmart", "shopee": "Shopee", "aliexpress": "AliExpress"}

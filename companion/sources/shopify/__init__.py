"""Shopify: the orders export and the Shopify Payments payout transactions export (seed 002 ⑥)."""

from __future__ import annotations

from companion.sources.shopify import orders, payments
from companion.sources.shopify.common import PLATFORM

# Each recognised by its own header row; neither header has the other's required columns.
ADAPTERS = (*payments.ADAPTERS, *orders.ADAPTERS)

__all__ = ["ADAPTERS", "PLATFORM"]

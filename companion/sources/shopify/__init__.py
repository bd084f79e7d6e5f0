"""Shopify: the orders export and the Shopify Payments payout transactions export (seed 002 ⑥)."""

from __future__ import annotations

ADAPTERS: tuple = ()

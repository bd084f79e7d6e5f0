"""Shopee: the income report of 我的收入 > 已完成拨款 (seed 002 ⑨)."""

from __future__ import annotations

ADAPTERS: tuple = ()

"""Shopee: the income report of 我的收入 > 已完成拨款 (seed 002 ⑨)."""

from __future__ import annotations

from companion.sources.shopee import income
from companion.sources.shopee.columns import PLATFORM

ADAPTERS: tuple = (income.IncomeReport(),)

__all__ = ["ADAPTERS", "PLATFORM"]

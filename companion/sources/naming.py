"""The batch-import naming convention `平台_店铺_报告名_时间`.

Example: `SHEIN平台模式_SHEIN1号店_SHEIN结算报告_2024-08.xlsx`.

Many exports do not name their store, and some name no month: a file named this way says both. The
platform part may carry the store's mode (平台模式 / 半托管 / 全托管, local / cross-border).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(\d{4})[-.年/]?(\d{1,2})(?:[-.月/]?(\d{1,2})日?)?月?$")
_PLATFORMS = (("tiktok", "tiktok"), ("tk", "tiktok"), ("抖音", "tiktok"), ("temu", "temu"), ("拼多多", "temu"),
              ("shein", "shein"), ("希音", "shein"), ("shopify", "shopify"), ("ebay", "ebay"),
              ("walmart", "walmart"), ("沃尔玛", "walmart"), ("shopee", "shopee"), ("虾皮", "shopee"),
              ("aliexpress", "aliexpress"), ("速卖通", "aliexpress"))
_MODES = (("半托管", "semi"), ("semi", "semi"), ("全托管", "full"), ("full", "full"), ("平台模式", "platform"),
          ("platform", "platform"), ("本土", "local"), ("local", "local"), ("跨境", "cross_border"),
          ("cross", "cross_border"))


@dataclass(frozen=True)
class ReportName:
    platform: str  # a name of platforms.MARKETPLACES
    mode: str  # semi | full | platform | local | cross_border | ""
    store: str
    report: str
    month: str  # YYYY-MM
    day: date | None = None


def parse(filename: str) -> ReportName | None:
    """The parts of a conventionally named file, or None when the name does not follow the convention."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    parts = stem.split("_")
    if len(parts) < 4:
        return None
    head, store, report, period = parts[0], "_".join(parts[1:-2]), parts[-2], parts[-1]
    lowered = head.lower()
    platform = next((p for key, p in _PLATFORMS if key in lowered), "")
    match = _PERIOD.match(period.strip())
    if not platform or not store.strip() or not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    day = None
    if match.group(3):
        try:
            day = date(year, month, int(match.group(3)))
        except ValueError:
            return None
    mode = next((m for key, m in _MODES if key in lowered), "")
    return ReportName(platform, mode, store.strip(), report.strip(), f"{year:04d}-{month:02d}", day)

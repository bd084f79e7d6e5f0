"""The sold orders a 1688 purchase serves, read from the buyer's remark (买家留言 / buyerFeedback).

JIT sellers buy one 1688 order per sold order and write the marketplace's order ID in the remark. Only IDs of
the shapes this project's sources and tests use for each marketplace are taken, so a phone number, a 1688
order number or a tracking number in the same remark is never taken for one:
- TikTok Shop: 18 digits starting with 57 (576900000000000101);
- Temu: PO-, three digits, -, digits (PO-211-001, PO-211-0001…);
- SHEIN: GS, a two-letter site, seven or more digits (GSUS24080100001, GSFR2409001).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_REMARK = 2_000  # characters read of one remark (the open platform allows 500)

_ORDER_IDS = re.compile(
    r"(?<![0-9A-Za-z])(?:57\d{16}|PO-\d{3}-\d+|GS[A-Z]{2}\d{7,})(?![0-9A-Za-z])")


def sold_orders(remarks: Iterable[object]) -> tuple[str, ...]:
    """The marketplace order IDs in the remarks, each once, in the order they are written."""
    found: dict[str, None] = {}
    for remark in remarks:
        if isinstance(remark, str) and remark:
            for match in _ORDER_IDS.finditer(remark[:MAX_REMARK]):
                found.setdefault(match.group(0), None)
    return tuple(found)

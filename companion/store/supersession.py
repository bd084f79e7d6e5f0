"""When one order or adjustment arrives from sources of different detail, count it once.

The extension may capture a TikTok order list (one net amount per order) and the seller may import the
settlement export of the same weeks (the fee split per SKU): both describe the same money. Lines of the
same store and `reference` from different source families are compared, and the one that says less is
marked `superseded`; reports leave superseded lines out. Lines of one family never supersede each other
(their natural keys already tell them apart, and a later capture updates a line in place).

Line b replaces line a when:
- a is not settled and b is settled (a was only an estimate), or
- both have the same settled-ness, b has more detail (see sources.model NET / SPLIT / SKU_SPLIT), and
  they do not belong to two different statements.
"""

from __future__ import annotations

from collections.abc import Iterable

from companion.sources.model import SETTLED
from companion.store import bulk
from companion.store.models import SettlementLine

_TABLE = SettlementLine._meta.table_name
_COLUMNS = ("reference", "id", "natural_key", "detail", "status", "statement_id", "superseded")


def _family(natural_key: str) -> str:
    return natural_key[2: natural_key.find('"', 2)] if natural_key.startswith('["') else natural_key


def replaces(b: tuple, a: tuple) -> bool:
    """(id, family, detail, status, statement_id) of two lines of one reference: does b replace a?"""
    if b[1] == a[1]:
        return False
    a_settled, b_settled = a[3] == SETTLED, b[3] == SETTLED
    if a_settled != b_settled:
        return b_settled
    return b[2] > a[2] and (a[4] is None or b[4] is None or a[4] == b[4])


def refresh(store_id: int, references: Iterable[str]) -> int:
    """Inside the writer's transaction: recompute `superseded` for every line of these references."""
    db = SettlementLine._meta.database
    groups: dict[str, list[tuple]] = {}
    for ref, line_id, key, detail, status, statement, flag in bulk.select_in(
            db, _TABLE, _COLUMNS, "store_id", store_id, "reference", list(references)):
        groups.setdefault(ref, []).append((line_id, _family(key), detail, status, statement, bool(flag)))
    changes: list[tuple[bool, int]] = []
    for lines in groups.values():
        if len(lines) < 2:
            if lines and lines[0][5]:
                changes.append((False, lines[0][0]))
            continue
        for a in lines:
            wanted = any(replaces(b, a) for b in lines if b is not a)
            if wanted != a[5]:
                changes.append((wanted, a[0]))
    if changes:
        bulk.update_rows(db, _TABLE, ("superseded",), changes)
    return len(changes)

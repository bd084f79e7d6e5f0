"""When one order or adjustment arrives from sources of different detail, count it once.

The extension may capture a TikTok order list (one net amount per order) and the seller may import the
settlement export of the same weeks (the fee split per SKU): both describe the same money. Lines of the
same store and `reference` from different source families are compared, and the one that says less is
marked `superseded`; reports leave superseded lines out. Lines of one family never supersede each other
(their natural keys already tell them apart, and a later capture updates a line in place).

Line b replaces line a when:
- a is not settled and b is settled (a was only an estimate), or
- both have the same settled-ness, they do not belong to two different statements, and b has more
  detail (see sources.model NET / SPLIT / SKU_SPLIT), or the same detail and b's family is the newer
  one (two reports of equal detail about one order: the one that changed last wins, so the order is
  still counted once). A family's recency is that of its newest line of the reference, so all of one
  report's lines of an order stand or fall together.
"""

from __future__ import annotations

from collections.abc import Iterable

from companion.sources.model import SETTLED
from companion.store import bulk, line_totals
from companion.store.models import SettlementLine

_TABLE = SettlementLine._meta.table_name
_COLUMNS = ("reference", "id", "natural_key", "detail", "status", "statement_id", "superseded", "updated_at",
            "settled_time", "order_time")


def _family(natural_key: str) -> str:
    return natural_key[2: natural_key.find('"', 2)] if natural_key.startswith('["') else natural_key


def replaces(b: tuple, a: tuple) -> bool:
    """(id, family, detail, status, statement_id[, recency]) of two lines of one reference: does b replace a?
    Without a recency, lines of equal detail never replace each other."""
    if b[1] == a[1]:
        return False
    a_settled, b_settled = a[3] == SETTLED, b[3] == SETTLED
    if a_settled != b_settled:
        return b_settled
    if a[4] is not None and b[4] is not None and a[4] != b[4]:
        return False
    if b[2] != a[2]:
        return b[2] > a[2]
    return len(a) > 5 and len(b) > 5 and b[5] > a[5]


def refresh(store_id: int, references: Iterable[str]) -> int:
    """Inside the writer's transaction: recompute `superseded` for every line of these references."""
    db = SettlementLine._meta.database
    groups: dict[str, list[tuple]] = {}
    times: dict[int, tuple[int | None, int | None]] = {}
    for ref, line_id, key, detail, status, statement, flag, updated, settled, ordered in bulk.select_in(
            db, _TABLE, _COLUMNS, "store_id", store_id, "reference", list(references)):
        groups.setdefault(ref, []).append((line_id, _family(key), detail, status, statement, bool(flag),
                                           (int(updated or 0), line_id)))
        times[line_id] = (settled, ordered)
    changes: list[tuple[bool, int]] = []
    for rows in groups.values():
        if len(rows) < 2:
            if rows and rows[0][5]:
                changes.append((False, rows[0][0]))
            continue
        recency: dict[str, tuple[int, int]] = {}
        for row in rows:
            recency[row[1]] = max(recency.get(row[1], row[6]), row[6])
        lines = [(*row[:5], recency[row[1]]) for row in rows]
        for a, row in zip(lines, rows, strict=True):
            wanted = any(replaces(b, a) for b in lines if b is not a)
            if wanted != row[5]:
                changes.append((wanted, a[0]))
    if changes:
        line_totals.mark_times(store_id, [times[line_id] for _, line_id in changes])
        bulk.update_rows(db, _TABLE, ("superseded",), changes)
    return len(changes)

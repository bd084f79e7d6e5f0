"""Reading Temu's report sheets: two-row headers, money written positive, cells, the file's store.

Shared by the 结算数据 (po_exports.py) and 财务明细 (fund_exports.py) layouts. Some headers span two rows (a group
label such as "商品信息 * 销售件数" above SKU ID, SKU名称 …). Exports name no store: it comes from --account or
the file name (平台_店铺_报告名_时间).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

from companion.sources import cells
from companion.sources.headers import Columns, Located
from companion.sources.model import SourceError, StoreRef
from companion.sources.tabular import Context, Hints, TableAdapter, cell, is_total_row, store_for_file
from companion.sources.temu.funds import LABEL, PLATFORM, TIMEZONE

_ID_WHAT = {"order": "订单编号", "po": "PO单号", "flow_id": "结算流水ID", "sku_id": "SKU ID", "batch": "批次号",
            "document": "单据号", "after_sale": "售后单号", "stock_order": "备货单号", "violation": "违规编号"}


def with_subheader(columns: Columns, rows: Sequence[Sequence[object]], header_at: int, located: Located
                   ) -> tuple[int, Located]:
    """(index of the first data row, header). When the row under the header holds only column names, one of
    them known and new (SKU ID under "商品信息 * 销售件数"), the two rows are one header."""
    if header_at + 1 >= len(rows):
        return header_at + 1, located
    below = rows[header_at + 1]
    names = [c for c in below if not cells.blank(c)]
    if not names or not all(isinstance(c, str) and _maybe_amount(c) is None for c in names):
        return header_at + 1, located
    if not any(columns.canonical(c) not in (None, *located.index) for c in names):
        return header_at + 1, located
    top = rows[header_at]
    merged = [b if not cells.blank(b) else a for a, b in itertools.zip_longest(top, below, fillvalue="")]
    return header_at + 2, columns.locate(merged)


def _maybe_amount(text: str) -> Decimal | None:
    try:
        return cells.money(text.strip()) if any(ch.isdigit() for ch in text) else None
    except SourceError:
        return None


def body(rows: Sequence[Sequence[object]], start: int) -> Iterator[tuple[int, Sequence[object], bool]]:
    """(row number from 1, row, is a 合计/总计 row) for the non-blank rows from `start`."""
    for i in range(start, len(rows)):
        row = rows[i]
        if all(cells.blank(c) for c in row):
            continue
        yield i + 1, row, is_total_row(row)


def text(row: Sequence[object], located: Located, name: str, ids: dict[str, str] = _ID_WHAT) -> str:
    """A cell as text; the columns `ids` names (canonical → the header a refusal says) stay IDs (cells.text_id)."""
    value = cell(row, located, name)
    if cells.blank(value):
        return ""
    if name in ids:
        return cells.text_id(value, ids[name])
    return value.isoformat() if hasattr(value, "isoformat") else str(value).strip()


def money(row: Sequence[object], located: Located, name: str) -> Decimal:
    return cells.money(cell(row, located, name))


def written(located: Located, name: str) -> str:
    """A column's header as the file writes it (for drill-down)."""
    return located.headers[located.index[name]].strip()


def written_positive(rows: Sequence[Sequence[object]], start: int, located: Located, name: str,
                     keep: Callable[[Sequence[object]], bool] | None = None) -> bool:
    """Whether a money-out column is written as positive numbers (every non-zero value above 0), in which case
    its values are negated; a column that already holds negatives is signed from the seller's side."""
    i = located.index.get(name)
    if i is None:
        return False
    seen = False
    for _, row, total in body(rows, start):
        if total or i >= len(row) or (keep is not None and not keep(row)):
            continue
        try:
            value = cells.money(row[i])
        except SourceError:
            continue  # reported with its row when the row is read
        if value < 0:
            return False
        seen = seen or value > 0
    return seen


def unknown_money(row: Sequence[object], located: Located, skip: set[int] = frozenset()
                  ) -> tuple[list[tuple[str, Decimal]], dict[str, str]]:
    """Columns no spec names: amounts (for drill-down) and text (the line's extra)."""
    loose: list[tuple[str, Decimal]] = []
    extra: dict[str, str] = {}
    for i, header in located.unknown:
        if i in skip or i >= len(row) or cells.blank(row[i]):
            continue
        value = row[i]
        amount = cells.loose_amount(value)
        if amount is None:
            extra[header.strip()] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        elif amount:
            loose.append((header.strip(), amount))
    return loose, extra


def store_of(ctx: Context, currency: str) -> StoreRef:
    return store_for_file(ctx.hints, PLATFORM, ctx.file, "", currency, TIMEZONE, LABEL)


def another_platform(src) -> bool:
    """The file is named or imported as another platform's report (tie-break with look-alike layouts)."""
    hints = Hints.of(src.payload) if isinstance(src.payload, dict) else Hints()
    said = {hints.name.platform if hints.name else "", hints.store.platform if hints.store else ""}
    return bool(said - {"", PLATFORM})


class TemuTable(TableAdapter):
    """A Temu layout: never one of a file named or imported as another platform's."""

    def recognizes(self, src) -> bool:
        return src.kind == "file" and isinstance(src.payload, dict) and not another_platform(src) and (
            super().recognizes(src))

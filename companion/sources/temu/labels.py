"""Temu label-fee reports (semi-managed), and the export that has no bills at all.

- 发货面单费 (shipping labels): one row per charge of a package's label, English headers. `Bill Type` 支出,
  调整(支出) or 调整(退款); the fee is written positive for a charge and negative for 调整(退款), so what the
  seller pays is the column's sum. `Currency` is the store's (USD, CNY) whatever "(Unit: Yuan)" says.
- 退货面单费, 退至商家仓-退货面单费, 退至TEMU仓-退货面单费 (return labels): one row per charge (`freight charge`,
  written positive), with the parent order.
- An export of a store with no bills: a workbook whose only sheet, 提示, says 当前店铺无账单可供导出明细.

The files name no store (--account or the file name, as every Temu export). Times are GMT+8.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns, Located, norm
from companion.sources.model import SETTLED, SPLIT, Line, ParseResult, SourceError, SourceField
from companion.sources.tabular import Context, at_row, cell
from companion.sources.temu.funds import NO_STORE, RETURN_LABELS, SHIPPING_LABELS, TIMEZONE, instant, label_reference
from companion.sources.temu.sheets import (
    TemuTable,
    another_platform,
    body,
    money,
    store_of,
    text,
    unknown_money,
    written,
)

SHIPPING_COLUMNS = Columns({
    "package": ("Package Number",),
    "waybill": ("Waybill Number",),
    "provider": ("Service Provider Code",),
    "bill_type": ("Bill Type",),
    "fee": ("Shipping Fee (Unit: Yuan)", "Shipping Fee"),
    "currency": ("Currency",),
    "status": ("Reconciliation Bill Status",),
    "time": ("Expense/Refund Time (Time Zone: GMT+8)", "Expense/Refund Time"),
}, required=("package", "waybill", "bill_type", "fee", "time"))

RETURN_COLUMNS = Columns({
    "reconciliation": ("reconciliationId",),
    "waybill": ("waybill sn",),
    "order": ("parent orderSn",),
    "deduct_type": ("deduct type desc",),
    "currency": ("seller currency",),
    "fee": ("freight charge",),
    "time": ("deduct time",),
}, required=("reconciliation", "waybill", "fee", "time"))

_IDS = {"package": "Package Number", "waybill": "Waybill Number", "reconciliation": "reconciliationId",
        "order": "parent orderSn"}


def _text(row: Sequence[object], located: Located, name: str) -> str:
    """sheets.text with this report's ID columns (their English headers)."""
    return text(row, located, name, _IDS)


class _Labels(TemuTable):
    """A label report: every row one charge, money out as written (the sum of the fee column is the charge)."""

    family = ""  # the key family
    labels = ""  # SHIPPING_LABELS or RETURN_LABELS: the reference's report
    category = ""
    id_columns: tuple[str, ...] = ()  # with the time, what tells one charge from another
    type_column = ""
    text_columns: tuple[str, ...] = ()

    def read(self, ctx: Context, sheet: str, rows: list, header_at: int, located: Located):
        lines = []
        for number, row, total in body(rows, header_at + 1):
            if total:
                continue
            try:
                line = self._line(row, located)
            except SourceError as exc:
                raise at_row(exc, ctx.file, sheet, number) from exc
            if line is not None:
                lines.append(line)
        if lines:
            store = store_of(ctx, lines[0].currency)
            for line in lines:
                line.store = store
        return lines, []

    def _line(self, row: Sequence[object], located: Located) -> Line | None:
        ids = [_text(row, located, name) for name in self.id_columns]
        fee = money(row, located, "fee")
        when = cells.when(cell(row, located, "time"), TIMEZONE)
        if not any(ids) and not fee:
            return None
        if not any(ids):
            first, second = (written(located, n) for n in self.id_columns)
            raise SourceError.of("temu_label_fee_without_ids", first=first, second=second)
        if when is None:
            raise SourceError.of("temu_label_no_time", header=written(located, "time"))
        currency = _text(row, located, "currency").upper()
        if not currency:
            header = written(located, "currency") if "currency" in located.index else "currency"
            raise SourceError.of("temu_label_currency_empty", header=header)
        charge: Decimal = ZERO - fee  # written positive for a charge, negative for a refund of one
        kind = _text(row, located, self.type_column)
        extra = {written(located, n): _text(row, located, n) for n in (*self.id_columns, *self.text_columns)
                 if n in located.index and _text(row, located, n)}
        loose, more = unknown_money(row, located)
        extra.update(more)
        fields = [SourceField(written(located, "fee"), charge, self.category)] if charge else []
        fields += [SourceField(name, value, None, True) for name, value in loose]
        return Line(
            store=NO_STORE,
            key=(self.family, *ids, kind, instant(when)),
            status=SETTLED,
            txn_type=f"{self.labels}-{kind}" if kind else self.labels,
            currency=currency,
            settlement_amount=charge,
            amounts={self.category: charge} if charge else {},
            fields=fields,
            order_id=_text(row, located, "order") or None,
            settled_time=when,
            extra=extra,
            reference=label_reference(self.labels, when),
            detail=SPLIT,  # itemises the month's label fees that 账务明细 gives as movements (NET)
        )


class ShippingLabels(_Labels):
    """发货面单费: a package's label charges. Seed 002 ① counts 账务明细's 发货面单费 under 平台物流费 and, once
    this report is imported, takes the fee from here (as the last leg's cost): shoptally keeps it under
    platform_logistics, so the category does not change with the source."""

    name = "temu.shipping_labels"
    report_type = "shipping_labels"
    columns = SHIPPING_COLUMNS
    family = "ship_label"
    labels = SHIPPING_LABELS
    category = "platform_logistics"
    id_columns = ("package", "waybill")
    type_column = "bill_type"
    text_columns = ("provider", "status")


class ReturnLabels(_Labels):
    """退货面单费 (退至商家仓 / 退至TEMU仓): return label charges. Seed 002 ①: 平台其他费 ← freight charge."""

    name = "temu.return_labels"
    report_type = "return_labels"
    columns = RETURN_COLUMNS
    family = "return_label"
    labels = RETURN_LABELS
    category = "other_platform_fee"
    id_columns = ("reconciliation", "waybill")
    type_column = "deduct_type"


NO_BILLS = "no bills in this export: nothing imported"
_EMPTY_SHEET = "提示"
_EMPTY_TEXT = "无账单"  # 当前店铺无账单可供导出明细


class EmptyExport:
    """A Temu export of a store that has no bills in the chosen range: its only sheet 提示 says so. Nothing to
    store; the import says so (stated["note"]) and succeeds."""

    name = "temu.empty_export"
    version = 1
    report_type = "empty_export"

    def recognizes(self, src) -> bool:
        if src.kind != "file" or not isinstance(src.payload, dict) or another_platform(src):
            return False
        book = tables.workbook_of(src.payload)
        if book is None or [norm(s) for s in book.sheet_names] != [_EMPTY_SHEET]:
            return False
        try:
            top = book.first_rows(book.sheet_names[0], 5)
        except SourceError:
            return False
        return any(isinstance(c, str) and _EMPTY_TEXT in c for row in top for c in row)

    def parse(self, src) -> ParseResult:
        return ParseResult(self.name, self.version, [], {"note": NO_BILLS}, [], self.report_type)


ADAPTERS = (ShippingLabels(), ReturnLabels(), EmptyExport())

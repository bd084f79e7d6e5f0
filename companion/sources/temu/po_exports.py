"""Temu 结算数据 exports (semi-managed, 半托管 stores), mapped to the profit model as seed 002 ① says.

- 结算数据-已到账款项-PO明细账单 (SettledFlow): one row per settlement flow (交易类型 销售回款 / 运费回款 /
  销售冲回 / 运费冲回), at SKU level.
- 结算数据-已到账款项-po聚合账单 (SettledParentFlow): one row per PO, its further SKUs on continuation rows.
- 结算数据-待处理款项 (UnsettleFlow): the same shape, for money not settled yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.ledger.money import ZERO
from companion.sources import cells, tables
from companion.sources.headers import Columns, Located
from companion.sources.mapping import OUT, Book, Table, books, seed, table
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, Line, SourceError, SourceField, Stated
from companion.sources.tabular import Context, at_row, cell
from companion.sources.temu.funds import BY_SIGN_KIND, NO_STORE, TIMEZONE, Kind
from companion.sources.temu.sheets import (
    TemuTable,
    body,
    money,
    store_of,
    text,
    unknown_money,
    with_subheader,
    written,
    written_positive,
)

# ---------------------------------------------------------------------------------------------------------------
# 结算数据-已到账款项-PO明细账单 (SettledFlow): one settlement flow per row, SKU level.

_SKU = {
    "sku_id": ("SKU ID", "SKUID", "SKU id", "skuId"),
    "sku_name": ("SKU名称", "SKU 名称", "商品名称"),
    "msku": ("SKU货号", "SKU 货号", "货号"),
    "quantity": ("件数", "数量", "销售件数"),
    "price": ("申报价格", "申报价格(单价)"),
    "activity": ("是否活动价",),
    "currency": ("币种", "货币", "币种 "),
}

PO_DETAIL_COLUMNS = Columns({
    "flow_id": ("结算流水ID", "结算流水号", "结算流水 ID"),
    "batch": ("批次号", "结算批次号"),
    "po": ("PO单号", "PO 单号", "PO号"),
    "document": ("单据号",),
    "txn_type": ("交易类型",),
    "settlement": ("结算金额",),
    **_SKU,
    "total_declared": ("总申报价格",),
    "item_coupon": ("单品优惠券金额", "单品券优惠金额"),
    "shop_coupon": ("店铺满减券优惠金额", "店铺满减券金额"),
    "declared_discount": ("申报价格折扣金额",),
    "freight_waiver": ("活动运费主动减免金额",),
    "received": ("到账时间", "到账时间(GMT+8)"),
    "remark": ("备注",),
}, required=("flow_id", "po", "txn_type", "settlement"))

# 交易类型 → the kind of its 结算金额 and the discounts seed 002 ① adds to it; any other type by its sign. Shipping
# reversals go to fee_refund as the seed's 运费退款 does; 活动运费主动减免金额 is the seller-funded shipping discount.
_PO_TYPES: dict[str, Kind] = {
    "销售回款": Kind(Book("sales"), discounts=("item_coupon", "shop_coupon", "declared_discount")),
    "销售冲回": Kind(Book("income_refund"), discounts=("item_coupon", "shop_coupon", "declared_discount")),
    "运费回款": Kind(Book("buyer_shipping"), discounts=("freight_waiver",)),
    "运费冲回": Kind(Book("fee_refund"), discounts=("freight_waiver",)),
}


def po_detail_lines(ctx: Context, sheet: str, rows: list, header_at: int, located: Located) -> list[Line]:
    start, located = with_subheader(PO_DETAIL_COLUMNS, rows, header_at, located)
    lines = []
    for number, row, total in body(rows, start):
        if total:
            continue
        try:
            line = _po_detail_line(row, located)
        except SourceError as exc:
            raise at_row(exc, ctx.file, sheet, number) from exc
        if line is not None:
            lines.append(line)
    return lines


def _po_detail_line(row: Sequence[object], located: Located) -> Line | None:
    flow_id, po = text(row, located, "flow_id"), text(row, located, "po")
    stated = money(row, located, "settlement")
    if not flow_id and not po:
        if stated:
            raise SourceError.of("temu_po_amount_without_ids")
        return None
    txn_type = text(row, located, "txn_type")
    kind = _PO_TYPES.get(txn_type, BY_SIGN_KIND)
    discounts = kind.discounts
    category = kind.category_for(stated)
    amounts = {category: stated}
    fields = [SourceField(written(located, "settlement"), stated, category, not kind.mapped)]
    direction = -1 if stated < 0 else 1
    for name in discounts:
        if name in located.index:
            share = abs(money(row, located, name)) * direction
            if share:
                amounts[category] += share
                amounts["promo_discount"] = amounts.get("promo_discount", ZERO) - share
                fields += [SourceField(written(located, name), share, category),
                           SourceField(written(located, name), -share, "promo_discount")]
    others = dict.fromkeys(d for k in _PO_TYPES.values() for d in k.discounts if d not in discounts)
    for name in ("total_declared", "price", *others):
        if name in located.index and money(row, located, name):
            fields.append(SourceField(written(located, name), money(row, located, name), None))
    loose, extra = unknown_money(row, located)
    fields += [SourceField(name, value, None, True) for name, value in loose]
    for name in ("document", "remark", "activity", "flow_id"):
        if text(row, located, name):
            extra[written(located, name)] = text(row, located, name)
    currency = text(row, located, "currency").upper()
    if not currency:
        raise SourceError.of("temu_currency_empty")
    received = cells.when(cell(row, located, "received"), TIMEZONE)
    if received is None:
        raise SourceError.of("temu_settled_without_time")
    batch, sku_id = text(row, located, "batch"), text(row, located, "sku_id")
    return Line(
        store=NO_STORE,
        key=("po", flow_id) if flow_id else ("po", batch, po, txn_type, sku_id),
        status=SETTLED,
        txn_type=txn_type or "结算",
        currency=currency,
        settlement_amount=stated,
        amounts={k: v for k, v in amounts.items() if v},
        fields=fields,
        order_id=po or None,
        sku_id=sku_id or None,
        sku_name=text(row, located, "sku_name") or None,
        msku=text(row, located, "msku") or None,
        quantity=cells.quantity(cell(row, located, "quantity")),
        settled_time=received,
        extra=extra,
        reference=po or None,
        detail=SKU_SPLIT,
        statement_id=batch or None,
    )


class PoDetail(TemuTable):
    """结算数据-已到账款项-PO明细账单 (SettledFlow): settled money per flow and SKU."""

    name = "temu.po_detail"
    report_type = "po_detail"
    columns = PO_DETAIL_COLUMNS

    def read(self, ctx: Context, sheet: str, rows: list, header_at: int, located: Located):
        lines = po_detail_lines(ctx, sheet, rows, header_at, located)
        if lines:
            store = store_of(ctx, lines[0].currency)
            for line in lines:
                line.store = store
        return lines, []


# ---------------------------------------------------------------------------------------------------------------
# po聚合账单 (SettledParentFlow) and 待处理款项 (UnsettleFlow): one PO per row, further SKUs below it.

PARENT_COLUMNS = Columns({
    "po": ("PO单号", "PO 单号", "PO号"),
    **_SKU,
    "sales": ("销售回款",),
    "sales_discount": ("销售回款已减优惠", "销售回款(已减优惠)"),
    "sales_reversal": ("销售冲回",),
    "freight": ("运费回款",),
    "freight_discount": ("运费回款已减优惠", "运费回款(已减优惠)"),
    "freight_reversal": ("运费冲回",),
    "order_time": ("下单时间", "订单创建时间", "创建时间"),
}, required=("po", "sales", "freight"))

# 销售回款 / 运费回款 are what was paid; the reversals are money out (negated when written positive). "已减优惠" is
# the discount already taken off them, which seed 002 ① counts in 销售额 / 买家运费 and the line takes back as
# promo_discount.
_PARENT_MONEY: Table = table(
    seed({"sales": ("sales",)}), seed({"income_refund": ("sales_reversal",)}, sign=OUT),
    seed({"buyer_shipping": ("freight",)}), seed({"fee_refund": ("freight_reversal",)}, sign=OUT),
)
_PARENT_DISCOUNTS: Table = seed({"sales": ("sales_discount",), "buyer_shipping": ("freight_discount",)})
_PENDING_WORDS = ("待处理", "unsettle", "待结算", "未结算", "未到账")
_PARENT_WORDS = ("聚合", "parentflow", "settledparent")


@dataclass
class _Po:
    number: int
    row: Sequence[object]
    skus: list[tuple[str, str, str, int]] = field(default_factory=list)  # (sku id, name, 货号, quantity)


class _ParentFlow(TemuTable):
    columns = PARENT_COLUMNS
    pending = False

    def matching(self, book: tables.Workbook) -> list[tuple[str, int, Located]]:
        return [hit for hit in super().matching(book) if self._is_mine(book, *hit)]

    def _is_mine(self, book: tables.Workbook, sheet: str, header_at: int, located: Located) -> bool:
        said = f"{book.name} {sheet}".lower()
        if any(w.lower() in said for w in _PENDING_WORDS):
            return self.pending
        if any(w in said for w in _PARENT_WORDS):
            return not self.pending
        # Neither name says: the settled export lists 是否活动价 / SKU货号 (under the header), the pending one not.
        _, merged = with_subheader(PARENT_COLUMNS, book.first_rows(sheet, self.scan), header_at, located)
        return self.pending != ("activity" in merged.index or "msku" in merged.index)

    def read(self, ctx: Context, sheet: str, rows: list, header_at: int, located: Located):
        start, located = with_subheader(PARENT_COLUMNS, rows, header_at, located)
        out_positive = {name: written_positive(rows, start, located, name)
                        for name, book in books(_PARENT_MONEY) if book.sign == OUT}
        pos: list[_Po] = []
        stated_rows: list[tuple[int, Sequence[object]]] = []
        for number, row, total in body(rows, start):
            try:
                if total:
                    stated_rows.append((number, row))
                elif text(row, located, "po"):
                    pos.append(_Po(number, row))
                    self._sku(row, located, pos[-1])
                elif not pos:
                    raise SourceError.of("temu_sku_before_po")
                else:
                    self._sku(row, located, pos[-1])
            except SourceError as exc:
                raise at_row(exc, ctx.file, sheet, number) from exc
        lines = []
        for po in pos:
            try:
                lines.append(self._line(ctx, po, located, out_positive))
            except SourceError as exc:
                raise at_row(exc, ctx.file, sheet, po.number) from exc
        if not lines:
            return [], []
        store = store_of(ctx, lines[0].currency)
        for line in lines:
            line.store = store
        totals = []
        if self.pending:
            for _number, row in stated_rows:
                amount = sum((self._signed(row, located, n, out_positive) for n in _PARENT_MONEY), ZERO)
                totals.append(Stated(store, "on_hold", "", amount, lines[0].currency, ctx.captured_at))
        return lines, totals

    @staticmethod
    def _sku(row: Sequence[object], located: Located, po: _Po) -> None:
        sku_id = text(row, located, "sku_id")
        if sku_id:
            po.skus.append((sku_id, text(row, located, "sku_name"), text(row, located, "msku"),
                            cells.quantity(cell(row, located, "quantity"))))
        elif any(money(row, located, n) for n in _PARENT_MONEY) and not text(row, located, "po"):
            raise SourceError.of("temu_amounts_without_po")

    @staticmethod
    def _signed(row: Sequence[object], located: Located, name: str, out_positive: dict[str, bool]) -> Decimal:
        value = money(row, located, name) if name in located.index else ZERO
        return -value if out_positive.get(name) else value

    def _line(self, ctx: Context, po: _Po, located: Located, out_positive: dict[str, bool]) -> Line:
        row = po.row
        amounts: dict[str, Decimal] = {}
        fields: list[SourceField] = []
        for name, book in books(_PARENT_MONEY):
            value = self._signed(row, located, name, out_positive)
            if value:
                category = book.category_for(value)
                amounts[category] = amounts.get(category, ZERO) + value
                fields.append(SourceField(written(located, name), value, category))
        paid = sum(amounts.values(), ZERO)
        for name, book in books(_PARENT_DISCOUNTS):
            share = abs(money(row, located, name)) if name in located.index else ZERO
            if share:
                category = book.category_for(share)
                amounts[category] = amounts.get(category, ZERO) + share
                amounts["promo_discount"] = amounts.get("promo_discount", ZERO) - share
                fields += [SourceField(written(located, name), share, category),
                           SourceField(written(located, name), -share, "promo_discount")]
        skip = {located.index[n] for n in ("sku_id", "sku_name", "msku", "quantity", "price") if n in located.index}
        loose, extra = unknown_money(row, located, skip)
        fields += [SourceField(name, value, None, True) for name, value in loose]
        currency = text(row, located, "currency").upper()
        if not currency:
            raise SourceError.of("temu_currency_empty")
        number = text(row, located, "po")
        if len(po.skus) > 1:
            extra["SKUs"] = "; ".join(f"{s[0]} {s[2]} x{s[3]}".replace("  ", " ") for s in po.skus)
        only = po.skus[0] if len(po.skus) == 1 else None
        month = ctx.hints.name.month if ctx.hints.name is not None else ""
        settled_at = None
        if not self.pending:
            # The aggregate has no 到账时间: the file's month (its name), else the import time, marked approximate.
            settled_at = (datetime.strptime(month, "%Y-%m").replace(tzinfo=ZoneInfo(TIMEZONE)) if month
                          else ctx.captured_at)
        return Line(
            store=NO_STORE,
            key=("pending", number) if self.pending else ("po_aggregate", month, number),
            status=IN_TRANSIT if self.pending else SETTLED,
            txn_type="待处理款项" if self.pending else "po聚合",
            currency=currency,
            settlement_amount=paid,
            amounts={k: v for k, v in amounts.items() if v},
            fields=fields,
            order_id=number,
            sku_id=only[0] if only else None,
            sku_name=(only[1] or None) if only else None,
            msku=(only[2] or None) if only else None,
            quantity=sum(s[3] for s in po.skus),
            order_time=cells.when(cell(row, located, "order_time"), TIMEZONE),
            settled_time=settled_at,
            settled_time_approx=settled_at is not None,
            extra=extra,
            reference=number,
            detail=SPLIT,
        )


class PoAggregate(_ParentFlow):
    """结算数据-已到账款项-po聚合账单 (SettledParentFlow): settled money per PO."""

    name = "temu.po_aggregate"
    report_type = "po_aggregate"


class Pending(_ParentFlow):
    """结算数据-待处理款项 (UnsettleFlow): money per PO that is not settled yet."""

    name = "temu.pending"
    report_type = "pending"
    pending = True


ADAPTERS = (PoDetail(), PoAggregate(), Pending())

"""The 1688 buyer's order export (买家 → 已买到的货品 → 批量导出, XLSX or CSV) → purchase records.

One row per goods line. An order's own columns (订单编号 … 订单付款时间, 买家留言, 物流公司, 运单号) are merged
over its goods rows in the XLSX, so a continuation row has them empty; a file that repeats them on every row
reads the same. Columns, as public importers of the export read them (docs/sources.md, "1688 purchases"):
订单编号, 卖家公司名, 卖家会员名, 货品总价(元), 运费(元), 涨价或折扣(元), 实付款(元), 订单状态, 订单创建时间,
订单付款时间, 货品标题, 单价(元), 数量, 单位, 货号, 型号, Offer ID, SKU ID, 物料编号, 单品货号, 买家留言,
物流公司, 运单号. Only Chinese headers are documented; the amounts are yuan, the times China time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from companion.sources import cells, tables
from companion.sources.alibaba1688.common import (
    CURRENCY,
    SOURCE,
    TZ,
    bounded_amount,
    bounded_quantity,
    status_of_word,
)
from companion.sources.alibaba1688.links import sold_orders
from companion.sources.headers import Columns, Located
from companion.sources.model import ParseResult, Purchase, PurchaseItem, SourceError
from companion.sources.tabular import TableAdapter, at_row, cell, data_rows

COLUMNS = Columns({
    "order_no": ("订单编号",),
    "supplier": ("卖家公司名",),
    "supplier_member": ("卖家会员名",),
    "goods": ("货品总价(元)", "货品总价"),
    "shipping": ("运费(元)", "运费"),
    "adjustment": ("涨价或折扣(元)", "涨价或折扣"),
    "total": ("实付款(元)", "实付款"),
    "status": ("订单状态",),
    "created": ("订单创建时间",),
    "paid": ("订单付款时间",),
    "title": ("货品标题",),
    "price": ("单价(元)", "单价"),
    "quantity": ("数量",),
    "offer_id": ("Offer ID", "OfferID"),
    "sku_id": ("SKU ID", "SKUID"),
    "sku_cargo_no": ("单品货号",),
    "cargo_no": ("货号",),
    "remark": ("买家留言",),
}, required=("order_no", "supplier", "goods", "shipping", "total", "status", "created", "title", "price",
             "quantity"))

ORDER_COLUMNS = ("supplier", "goods", "shipping", "total", "status", "created")


@dataclass
class _Order:
    """An order while its rows are read."""

    number: int  # its first row
    order_no: str
    supplier: str
    status: str
    goods: Decimal
    shipping: Decimal
    total: Decimal
    placed_at: datetime | None
    paid_at: datetime | None
    remarks: list[str]
    items: list[PurchaseItem] = field(default_factory=list)

    def purchase(self) -> Purchase:
        return Purchase(SOURCE, self.order_no, self.supplier, self.status, CURRENCY, self.goods, self.shipping,
                        self.total - self.goods - self.shipping, self.total, tuple(self.items), self.placed_at,
                        self.paid_at, sold_orders(self.remarks))


def _text(row: Sequence[object], located: Located, name: str) -> str:
    value = cell(row, located, name)
    return "" if cells.blank(value) else str(value).strip()


def _header(located: Located, name: str) -> str:
    return located.headers[located.index[name]]


def _money(row: Sequence[object], located: Located, name: str) -> Decimal:
    """An amount cell, within what 1688 states; a refusal names its column as the file heads it."""
    raw = cell(row, located, name)
    try:
        value = cells.money(raw)
    except SourceError as exc:
        raise SourceError.of("alibaba1688_cell", column=_header(located, name), problem=exc.said()) from exc
    return bounded_amount(value, _header(located, name), raw)


def _quantity(row: Sequence[object], located: Located) -> int:
    raw = cell(row, located, "quantity")
    try:
        value = cells.quantity(raw)
    except SourceError as exc:
        raise SourceError.of("alibaba1688_cell", column=_header(located, "quantity"), problem=exc.said()) from exc
    except (ArithmeticError, ValueError):  # "inf" or "nan" as text: not a number of units
        raise SourceError.of("alibaba1688_cell", column=_header(located, "quantity"),
                             problem=SourceError.of("src_quantity_not_whole", value=str(raw)).said()) from None
    return bounded_quantity(value, _header(located, "quantity"), raw)


def _order(number: int, order_no: str, row: Sequence[object], located: Located) -> _Order:
    word = _text(row, located, "status")
    status = status_of_word(word)
    if status is None:
        raise SourceError.of("alibaba1688_status_unknown", value=word or "(empty)", order=order_no)
    supplier = _text(row, located, "supplier") or _text(row, located, "supplier_member")
    return _Order(number, order_no, supplier, status, _money(row, located, "goods"),
                  _money(row, located, "shipping"), _money(row, located, "total"),
                  cells.when(cell(row, located, "created"), TZ), cells.when(cell(row, located, "paid"), TZ),
                  [_text(row, located, "remark")])


def _item(row: Sequence[object], located: Located) -> PurchaseItem:
    offer = cells.text_id(cell(row, located, "offer_id"), "Offer ID")
    sku = cells.text_id(cell(row, located, "sku_id"), "SKU ID") or offer
    quantity = _quantity(row, located)
    price = _money(row, located, "price")
    return PurchaseItem(sku, _text(row, located, "title"), quantity, price, price * quantity, offer)


class OrderExport(TableAdapter):
    """买家订单导出: one purchase per 订单编号, its goods lines as items."""

    name = "alibaba1688.order_export"
    version = 1
    report_type = "purchase_orders"
    columns = COLUMNS

    def parse(self, src) -> ParseResult:
        book = tables.opened(src.payload)
        purchases: list[Purchase] = []
        seen: set[str] = set()
        for sheet, header_at, located in self.matching(book):
            for order in self._orders(book.name, sheet, book.rows(sheet), header_at, located):
                if order.order_no in seen:
                    raise at_row(SourceError.of("alibaba1688_order_twice", order=order.order_no), book.name,
                                 sheet, order.number)
                seen.add(order.order_no)
                purchases.append(order.purchase())
        if not purchases:
            raise SourceError.of("src_no_data_rows", file=book.name, report="1688 order export")
        return ParseResult(self.name, self.version, [], stated={"orders": len(purchases)},
                           report_type=self.report_type, purchases=purchases)

    def _orders(self, file: str, sheet: str, rows: list, header_at: int, located: Located) -> list[_Order]:
        orders: list[_Order] = []
        current: _Order | None = None
        for number, row in data_rows(rows, header_at + 1):
            try:
                order_no = cells.text_id(cell(row, located, "order_no"), "订单编号")
                if order_no and (current is None or order_no != current.order_no):
                    current = _order(number, order_no, row, located)
                    orders.append(current)
                elif current is None:
                    raise SourceError.of("alibaba1688_row_without_order")
                elif order_no:  # the order's columns written again on its next goods row
                    current.remarks.append(_text(row, located, "remark"))
                current.items.append(_item(row, located))
            except SourceError as exc:
                raise at_row(exc, file, sheet, number) from exc
        return orders


ADAPTERS = (OrderExport(),)

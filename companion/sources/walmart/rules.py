"""Walmart's Payment Report (New): which category each row's Amount goes to, as seed 002 ⑧ writes it.

A row is one Amount of one transaction: its Transaction Type (Sale, Refund, Adjustment, Service Fee, …), its
Transaction Description (Purchase, Return Refund, WFS StorageFee, …) and its Amount Type (Product Price,
Commission on Product, Fee/Reimbursement, …). Order rows (Sale, Refund) are mapped by Amount Type; every other
row by its Transaction Description, since seed 002 names the fee by that. Money the seed does not name goes to
the nearest category, flagged unmapped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from companion.sources.mapping import Book, Table, book_of, by_sign, nearest, seed, table

_TAXES = {"sales_tax": ("Product tax", "Shipping tax"), "market_tax": ("Product tax withheld", "Shipping tax withheld")}

# Transaction Type = Sale (seed: 销售额, 买家运费, 平台费, 促销折扣, 销售税, 市场税, 沃尔玛资助节省)
SALE: Table = seed({
    "sales": ("Product Price",),
    "buyer_shipping": ("Shipping",),
    "platform_fee": ("Commission on Product", "Commission on Shipping"),
    "promo_discount": ("Promo Code", "Extra Discount"),
    **_TAXES,
    "other_platform_fee": ("Total Walmart Funded Savings",),
})

# Transaction Type = Refund (seed: 收入退款额, 费用退款额, 额外折扣, 超额退款调整, 沃尔玛资助节省). The seed writes its
# tax rules for Sale rows only: a refund's tax reversal goes to the same tax, flagged; so does refunded shipping.
REFUND: Table = table(
    seed({
        "income_refund": ("Product Price",),
        "fee_refund": ("Commission on Product", "Commission on Shipping"),
        "promo_discount": ("Extra Discount",),
        "adjustment": ("ExcessRefundAdjustment",),
        "other_platform_fee": ("Total Walmart Funded Savings",),
    }),
    nearest({"income_refund": ("Shipping",), "promo_discount": ("Promo Code",), **_TAXES}),
)

# Every other row, by Transaction Description (compared without spaces or case: the seed writes both
# "WFS InboundTransportationFee" and "WFSInboundTransportationFee").
BY_DESCRIPTION: Table = table(
    seed({
        "platform_logistics": ("WFS Fulfillment fee", "WFS Return Shipping fee", "Walmart Return Shipping Charge",
                               "WFS MultiChannelFulfillmentFee"),
        "ad_fee": ("Walmart Product Advertising", "SEM Marketing"),
        "adjustment": ("WFS Refund", "Business initiated discrete partner credit", "WFS LostInventory",
                       "WFS FoundInventory", "WFS DamageInWarehouse", "WFS Receiving Error Charge back", "WFS Charge"),
        "storage_fee": ("WFS StorageFee", "WFS RC_InventoryDisposalFee", "WFS PrepServiceFee",
                        "WFS InventoryTransferFee", "WFS InboundTransportationFee", "WFS RC_InventoryRTVFee"),
        "other_platform_fee": ("Review Accelerator", "Reserve credited back", "Funds withheld to cover future refunds",
                               "Walmart Product Advertising Credits"),
    }),
    # A label Walmart sells the seller (Ship with Walmart): logistics, though the seed does not list it.
    nearest({"platform_logistics": ("Walmart Shipping Label Service Charge",)}),
)

# Amount Types that decide a row whatever its description (seed: 退货调整, Dispute Settlement / Fee/Reimbursement).
BY_AMOUNT_TYPE: Table = seed({"adjustment": ("Customer Return Reversal",)})

ORDER_TABLES = {"sale": SALE, "refund": REFUND}


def squeeze(text: str) -> str:
    """A description or amount type as compared: no spaces, no case."""
    return "".join(text.split()).lower()


def _index(tab: Table) -> dict[str, Book]:
    out: dict[str, Book] = {}
    for column in tab:
        key = squeeze(column)
        if key in out:
            raise ValueError(f"{column!r} is listed twice")
        out[key] = book_of(tab, column)
    return out


_ORDER = {kind: _index(tab) for kind, tab in ORDER_TABLES.items()}
_DESCRIPTION = _index(BY_DESCRIPTION)
_AMOUNT_TYPE = _index(BY_AMOUNT_TYPE)
_SALE = _ORDER["sale"]


class Booking(NamedTuple):
    category: str
    unmapped: bool
    rule: str  # which rule decided: shown in the drill-down's notes


def category_of(txn_type: str, description: str, amount_type: str, amount: Decimal) -> Booking:
    """The category of one row's Amount (see the module's docstring for the order the rules are asked in)."""
    kind, desc, atype = squeeze(txn_type), squeeze(description), squeeze(amount_type)
    order = _ORDER.get(kind)
    if order is not None and atype in order:
        book = order[atype]
        return Booking(book.category_for(amount), not book.mapped, f"{txn_type} / {amount_type}")
    if atype in _AMOUNT_TYPE:
        book = _AMOUNT_TYPE[atype]
        return Booking(book.category_for(amount), not book.mapped, f"Amount Type {amount_type}")
    if desc in _DESCRIPTION:
        book = _DESCRIPTION[desc]
        return Booking(book.category_for(amount), not book.mapped, f"Transaction Description {description}")
    if atype in _SALE:  # an order amount under another Transaction Type: its Sale category, flagged
        return Booking(_SALE[atype].category_for(amount), True, f"Amount Type {amount_type} (as on a Sale)")
    return Booking(by_sign(amount), True, "not in seed 002: by its sign")

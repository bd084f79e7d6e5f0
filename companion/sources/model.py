"""What adapters read (SourceInput) and what they produce (normalized lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from companion.errors import coded, plain_params, render

SETTLED, IN_TRANSIT, ESTIMATED = "settled", "in_transit", "estimated"
STATUSES = (SETTLED, IN_TRANSIT, ESTIMATED)

# How much a line says about its money. When the same order or adjustment (`Line.reference`) arrives
# from sources of different detail, the more detailed lines supersede the others instead of adding to
# them: an order list row (the net payout) is replaced by the fee split of the export or the API.
NET = 1  # one net amount per order or adjustment
SPLIT = 2  # the platform's fee split, per order or adjustment
SKU_SPLIT = 3  # the fee split per order line (SKU)


class SourceError(ValueError):
    """Input an adapter recognised but cannot read; the message names what is wrong.

    Raised through `SourceError.of(code, **params)`, its English sentence comes from the one catalog of
    refusals (companion/errors.py) and its code and params travel with it, so the Finance view says it in the
    seller's language. `file`: the file it concerns, put in front of the sentence (not part of the params)."""

    def __init__(self, message: str, *, code: str = "", params: dict | None = None, file: str = "") -> None:
        super().__init__(f"{file}: {message}" if file else message)
        self.sentence = message
        self.code = code
        self.params = plain_params(params)
        self.file = file

    @classmethod
    def of(cls, code: str, /, *, file: str = "", **params):
        """The refusal of a catalog code, its English rendered from the catalog with `params`."""
        return cls(render(code, params), code=code, params=params, file=file)

    def said(self) -> dict:
        """This refusal as a param of another (errors.coded): the sentence without its file."""
        return coded(self.code, self.params, self.sentence)


@dataclass(frozen=True)
class SourceInput:
    """One capture or file, as raw as it arrived."""

    kind: str  # json | table | file
    site: str
    url: str
    captured_at: datetime
    payload: Any  # json: {"request", "status", "body"}; table: {"headers", "rows"}; file: {"name", "content"}


@dataclass(frozen=True)
class StoreRef:
    """Identifies a store by what the platform calls it; the store layer maps it to a row."""

    platform: str
    external_id: str
    region: str = ""
    name: str = ""
    currency: str = ""
    timezone: str = "UTC"
    # Other names the platform has for the same shop (TikTok's shop_cipher beside its shop id): the store
    # layer joins a store known by one of them to this one (store.stores.resolve).
    aliases: tuple[str, ...] = ()


class SourceField(NamedTuple):
    """One original field behind a line, for drill-down. `category` None: kept, not counted.

    A tuple, not a frozen dataclass: a sync builds hundreds of thousands of them."""

    name: str
    amount: Decimal
    category: str | None
    unmapped: bool = False


@dataclass(slots=True)
class Line:
    """One settlement line. Amounts are signed from the seller's side: money in positive, money out
    negative. `settlement_amount` is what the platform says it pays for the line (for unsettled lines,
    its current estimate); `amounts` split it into the profit model's categories."""

    store: StoreRef
    key: tuple[str, ...]  # natural key within (platform, store)
    status: str
    txn_type: str
    currency: str
    settlement_amount: Decimal
    amounts: dict[str, Decimal]
    fields: list[SourceField] = field(default_factory=list)
    order_id: str | None = None
    sku_id: str | None = None
    sku_name: str | None = None
    quantity: int = 0
    order_time: datetime | None = None
    settled_time: datetime | None = None
    settled_time_approx: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    msku: str | None = None  # the seller's own SKU code (Seller SKU, SKU货号, 商家SKU)
    reference: str | None = None  # the order or adjustment id the platform settles by
    detail: int = NET  # NET, SPLIT or SKU_SPLIT: see above
    statement_id: str | None = None  # the statement (bill, payout batch) that settled the line


@dataclass(frozen=True)
class Stated:
    """A total the platform states about its own data, kept to reconcile the stored lines against.

    `kind`: `statement` (a statement's or bill's settlement amount; `ref` its id), `on_hold` (the
    unsettled total at `at`), `payout` (money paid out; `ref` its id), `listing` (one page of a list:
    `count` is the number of records the platform says the whole list has, `scope` what the list is).
    """

    store: StoreRef
    kind: str
    ref: str
    amount: Decimal | None
    currency: str
    at: datetime | None = None
    count: int | None = None
    scope: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PurchaseItem:
    """One goods line of a purchase (a 1688 order's product line, a row of the seller's purchase CSV).
    `sku`: the supplier's SKU id (1688 skuId / specId) or, for the seller's own records, the shop SKU;
    a SKU map (store.sku_map) ties supplier SKUs to shop SKUs."""

    sku: str
    name: str
    quantity: int
    unit_price: Decimal  # per unit, in the purchase's currency, before order-level discounts and shipping
    amount: Decimal  # the line's goods total as the source states it
    supplier_item: str = ""  # the supplier's offer / product id, when the source names it


@dataclass(frozen=True)
class Purchase:
    """One purchase order: what the seller paid a supplier (1688) for goods that fill sold orders.

    Amounts are positive (what the purchase costs). `status`: unpaid | paid | shipped | received |
    cancelled | refunded. `sold_orders`: the platform order ids this purchase serves, where the source
    says so (a JIT seller's 1688 order often carries the TikTok / Temu order id in its remark)."""

    source: str  # "1688" | "csv"
    order_no: str
    supplier: str
    status: str
    currency: str
    goods: Decimal
    shipping: Decimal
    adjustment: Decimal  # the supplier's discount (negative) or price rise (positive) on the order
    total: Decimal  # what the buyer pays: goods + shipping + adjustment
    items: tuple[PurchaseItem, ...]
    placed_at: datetime | None = None
    paid_at: datetime | None = None
    sold_orders: tuple[str, ...] = ()
    self_delivery: bool = False  # the seller ships the goods themselves (no platform logistics)


@dataclass
class ParseResult:
    adapter: str
    version: int
    lines: list[Line]
    # What the source states about itself, for completeness checks (e.g. total_record, has_more).
    stated: dict[str, Any] = field(default_factory=dict)
    totals: list[Stated] = field(default_factory=list)
    report_type: str = ""  # the report this file is, for completeness (e.g. "tiktok.order_details")
    purchases: list[Purchase] = field(default_factory=list)  # purchase orders (1688, the seller's CSV)

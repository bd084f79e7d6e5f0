"""The sales report's metrics (issue #18.1) from the summed categories of one group's lines.

Seed 001 names a seller's monthly sales figures; this module says each of them in the profit model's
categories, once, so the report, the CLI, the API and the view cannot disagree (docs/reports.md):

- gross_sales      (seed 001 "Subtotal")              =  Σ sales
- seller_discounts ("Discounted amount")              = −Σ promo_discount   (seller-funded; net of discount refunds)
- platform_discounts (platform-funded, no seed name)  =  Σ subsidy          (paid to the seller; not deducted)
- refunds          ("Refund amount")                  = −Σ income_refund    (net of refunded seller discounts)
- net_sales        ("Net sales")                      = gross_sales − seller_discounts − refunds
- shipping         ("Shipping")                       =  Σ buyer_shipping   (net of refunded shipping)
- taxes            ("Commodity tax", "Shipping tax", "Duty") = Σ sales_tax + market_tax + vat + other_tax
- total_sales      ("Sales")                          = net_sales + shipping + taxes
- orders: distinct order ids with a sale line; units: units of sale lines a refund did not wipe out
- average_order_value = net_sales / orders; refund_rate = refunds / gross_sales

Amounts arrive signed from the seller's side (refunds and seller discounts negative); discounts and refunds
are shown as positive amounts deducted, as seed 001 writes them. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from companion.ledger.categories import GROUPS
from companion.ledger.money import CENT, fmt, fmt_units, from_storage

# The categories the sales report reads, in the order the store's query sums them.
CATEGORIES: tuple[str, ...] = ("sales", "promo_discount", "subsidy", "buyer_shipping", "income_refund",
                               *GROUPS["tax"])
METRICS: tuple[str, ...] = ("gross_sales", "seller_discounts", "platform_discounts", "refunds", "net_sales",
                            "shipping", "taxes", "total_sales")
RATE_PLACES = Decimal("0.0001")  # refund rate: a fraction to four places (12.34 %), rounded half up


@dataclass(frozen=True)
class SalesSums:
    """One group's sums as the store adds them up: storage units (1/10000) per category of CATEGORIES,
    plus distinct orders and units."""

    orders: int
    units: int
    amounts: tuple[int, ...]  # CATEGORIES order, storage units


def metrics(sums: SalesSums) -> dict[str, int]:
    """Every money metric of the group, exact, in storage units (a report by SKU works out thousands of rows:
    integers, not Decimals)."""
    c = dict(zip(CATEGORIES, sums.amounts, strict=True))
    gross, seller, refunds = c["sales"], -c["promo_discount"], -c["income_refund"]
    net = gross - seller - refunds
    taxes = sum(c[k] for k in GROUPS["tax"])
    return {"gross_sales": gross, "seller_discounts": seller, "platform_discounts": c["subsidy"],
            "refunds": refunds, "net_sales": net, "shipping": c["buyer_shipping"], "taxes": taxes,
            "total_sales": net + c["buyer_shipping"] + taxes}


def average_order_value(net_sales: Decimal, orders: int) -> Decimal | None:
    """Net sales per order, to the cent (half up); None without orders."""
    return (net_sales / orders).quantize(CENT, rounding=ROUND_HALF_UP) if orders else None


def refund_rate(refunds: Decimal, gross_sales: Decimal) -> Decimal | None:
    """Refunds as a fraction of gross sales, four places (half up); None without gross sales."""
    return (refunds / gross_sales).quantize(RATE_PLACES, rounding=ROUND_HALF_UP) if gross_sales else None


def row_json(sums: SalesSums) -> dict:
    """The report's figures of one group: money as exact two-decimal text (rounded half up, as fmt), the rate
    as four-decimal text; only the two divisions are worked out in Decimal."""
    m = metrics(sums)
    aov = average_order_value(from_storage(m["net_sales"]), sums.orders)
    rate = refund_rate(from_storage(m["refunds"]), from_storage(m["gross_sales"]))
    return {"orders": sums.orders, "units": sums.units, **{k: fmt_units(m[k]) for k in METRICS},
            "average_order_value": None if aov is None else fmt(aov),
            "refund_rate": None if rate is None else str(rate)}

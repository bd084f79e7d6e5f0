"""Seed 002 ⑦ (eBay): which money of a Transaction report row goes to which category, by the row's Type.

Written category first, as the seed writes its formulas. Two kinds of rows:
- split rows (Order; Refund, Claim, Payment dispute): their fee columns are booked one by one and the row's
  Net amount is the total they are checked against;
- whole rows (Shipping label, Other fee, Adjustment, types the seed does not name): the Net amount is booked
  under one category (for Other fee, the one its Description names).
Payout, Transfer and Hold rows move the seller's eBay balance: they are not income and never become lines (a
payout is kept as the total its rows must add up to).

The platform's own arithmetic: Net amount = Gross transaction amount + the fee columns. eBay collected tax is
not in that (eBay collects and remits it), yet the seed puts it in sales (销售额 = Gross transaction amount +
eBay collected tax) and in sales tax (销售税 = eBay collected tax). So the tax is booked in (sales or
income_refund) and out again (sales_tax, negated: `TAX_REMITTED`), and each row still adds up to its Net amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.sources.mapping import INFO, TOTAL, Table, marked, nearest, seed, table

TAX_REMITTED = "ebay_tax"  # booked in by the tables below and out again under sales_tax (see the docstring)
_PARTS = ("item_subtotal", "shipping", "seller_tax")  # what Gross transaction amount is made of: shown only

ORDER: Table = table(
    seed({"sales": ("gross", "ebay_tax"),
          "platform_fee": ("fvf_fixed", "fvf_variable", "international_fee"),
          "other_platform_fee": ("regulatory_fee",)}),  # 监管运营费 → 平台其它费
    nearest({"penalty": ("inad_fee", "below_standard_fee"), "other_platform_fee": ("charity", "deposit_fee")}),
    marked(INFO, *_PARTS),
    marked(TOTAL, "net"),
)


def _refund(mapped: bool) -> Table:
    """Refund and Claim rows (seed 退款类型); a Payment dispute, which the seed does not name, all unmapped."""
    return table(
        seed({"income_refund": ("gross", "ebay_tax"),
              "fee_refund": ("fvf_fixed", "fvf_variable", "international_fee")}, mapped=mapped),
        nearest({"fee_refund": ("regulatory_fee", "inad_fee", "below_standard_fee", "charity", "deposit_fee")}),
        marked(INFO, *_PARTS),
        marked(TOTAL, "net"),
    )


REFUND: Table = _refund(mapped=True)
DISPUTE: Table = _refund(mapped=False)


@dataclass(frozen=True)
class Rule:
    """How one Type maps. `table`: a split row's table; else `whole` is the category of the Net amount
    (None: by its sign). `mapped`: the seed names this type (else flagged unmapped). `units`: sale | refund."""

    group: str  # sale | refund | label | fee | adjustment | payout | transfer | hold | other
    table: Table | None = None
    whole: str | None = None
    mapped: bool = True
    units: str = ""

    @property
    def moves_balance(self) -> bool:
        return self.group in ("payout", "transfer", "hold")


SALE = Rule("sale", ORDER, units="sale")
REFUND_RULE = Rule("refund", REFUND, units="refund")
FEE = Rule("fee", whole="other_platform_fee")  # Other fee: the Description decides (fee_rule)
OTHER = Rule("other", whole=None, mapped=False)

# Type as written (lower case), English and German.
TYPES: dict[str, Rule] = {
    "order": SALE, "bestellung": SALE,
    "refund": REFUND_RULE, "erstattung": REFUND_RULE, "claim": REFUND_RULE,
    "payment dispute": Rule("refund", DISPUTE, mapped=False, units="refund"),  # not in the seed: as a claim
    "shipping label": Rule("label", whole="platform_logistics"),
    "other fee": FEE, "andere gebühr": FEE,
    "adjustment": Rule("adjustment", whole="adjustment"),
    "payout": Rule("payout"),
    "transfer": Rule("transfer"),
    "hold": Rule("hold"), "einbehalten": Rule("hold"),
}


def rule_for(kind: str) -> Rule:
    return TYPES.get(kind.strip().lower(), OTHER)


# ------------------------------------------------------------------------- Other fee rows, by Description
PROMOTED_LISTINGS = ("PROMOTED_LISTINGS_GENERAL_FEE", "PROMOTED_LISTINGS_PRIORITY_FEE")  # → ad_fee
LISTING_FEES = (  # eBay刊登费 → 平台其它费
    "AUCTION_END_EARLY_FEE", "BOLD_FEE", "BUY_IT_NOW_FEE", "CATEGORY_FEATURED_FEE", "FEATURED_GALLERY_FEE",
    "GALLERY_FEE", "GALLERY_PLUS_FEE", "INSERTION_FEE", "LARGE_PICTURE_FEE", "PRIVATE_LISTING_FEE", "SUBTITLE_FEE")
SUBSCRIPTION_FEES = (  # eBay订阅费 → 平台其它费
    "EBAY_PLUS_SUBSCRIPTION_FEE", "EBAY_STORE_SUBSCRIPTION_FEE", "MARKETPLACE_RESEARCH_PRO_SUBSCRIPTION_FEE",
    "STORE_SUBSCRIPTION_EARLY_TERMINATION_FEE", "VEHICLE_LOCAL_SUBSCRIPTION_FEE", "VEHICLE_SUBSCRIPTION_FEE")
REGULATORY = "REGULATORY_OPERATING_FEE"  # 监管运营费 → 平台其它费


@dataclass(frozen=True)
class FeeRule:
    category: str
    kind: str  # promoted_listings | listing | subscription | regulatory | other: kept in the line's extra
    mapped: bool = True


def code(description: str) -> str:
    """A Description as the seed writes fee types: 'Promoted Listings - General fee' → PROMOTED_LISTINGS_GENERAL_FEE."""
    return re.sub(r"[^A-Z0-9]+", "_", description.upper()).strip("_")


def fee_rule(description: str) -> FeeRule:
    """The category of an Other fee row's Net amount (seed 002 ⑦ 广告费 and 平台其它费 1-4)."""
    name = code(description)
    if name in PROMOTED_LISTINGS:
        return FeeRule("ad_fee", "promoted_listings")
    if name.startswith("PROMOTED_"):  # another Promoted Listings or Offsite fee: an ad, not named by the seed
        return FeeRule("ad_fee", "promoted_listings", mapped=False)
    if name in LISTING_FEES:
        return FeeRule("other_platform_fee", "listing")
    if name in SUBSCRIPTION_FEES:
        return FeeRule("other_platform_fee", "subscription")
    if name == REGULATORY:
        return FeeRule("other_platform_fee", "regulatory")
    return FeeRule("other_platform_fee", "other")  # 其它费: any Description the seed does not list

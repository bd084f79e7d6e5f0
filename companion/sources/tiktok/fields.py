"""What TikTok calls its money and where each field goes (seed 002), for every TikTok source.

`FIELDS` is the one field → category table the JSON sources (Open API 202309 and 202501, Seller Center fee
names) map through, written in the shared vocabulary (`companion.sources.mapping`). Keys are field names as
`canonical()` gives them: lower case, words joined by "_", "amount" and a leading "est_" dropped, so
`referral_fee_amount` (202309), `fee_tax_breakdown.fee.referral_fee_amount` (202501), "Referral fee" and
"REFERRAL_FEE" (Seller Center fee names) all read as `referral_fee`. The export's tables (exports.py) name
the same money by its columns. Adjustments go where their type or reason says (the rules below).
"""

from __future__ import annotations

import re
from functools import lru_cache

from companion.sources.headers import norm
from companion.sources.mapping import (
    BY_SIGN,
    INFO,
    PER_ROW,
    SUBTOTAL,
    TOTAL,
    Book,
    Table,
    marked,
    nearest,
    seed,
    table,
)

PLATFORM = "tiktok"
# One natural-key family for every JSON estimate of an unsettled order or adjustment (the 202507 list, an
# unsettled by-order transaction, an on-hold fee split from the Seller Center): the latest estimate updates
# the line in place, and a settled line of any family replaces it (store.supersession).
UNSETTLED_FAMILY = "unsettled_api"

ADJUSTMENT = "adjustment"  # adjustment_amount: its category depends on the transaction type (see below)
SETTLEMENT = "settlement"  # settlement_amount / est_settlement_amount: the line's total, never a part

# Seed 002, "TikTok本土店铺核对公式" and "TikTok跨境店铺核对公式".
FIELDS: Table = table(
    seed({
        # revenue. Local: Gross sales; cross-border: subtotal before discount (an alias below).
        "sales": ("gross_sales",),
        "promo_discount": ("seller_discount", "shipping_fee_discount", "platform_shipping_fee_discount",
                           "promo_shipping_incentive", "cofunded_free_shipping_reimbursement", "shipping_fee_subsidy",
                           "tiktok_shop_shipping_incentive", "tiktok_shop_shipping_incentive_refund"),
        "income_refund": ("gross_sales_refund", "seller_discount_refund"),
        "other_income": ("cod_service_fee",),
        "fee_refund": ("refund_cod_service_fee",),
        # shipping
        "buyer_shipping": ("customer_paid_shipping_fee", "customer_paid_shipping_fee_refund"),
        "platform_logistics": ("actual_shipping_fee", "fbm_shipping_cost", "fbt_shipping_cost", "fbt_fulfillment_fee",
                               "customer_shipping_fee_offset", "fbt_fulfillment_fee_reimbursement",
                               "return_shipping_fee", "replacement_shipping_fee", "exchange_shipping_fee",
                               "signature_confirmation_fee", "shipping_insurance_fee", "dt_handling_fee"),
        # fees
        "platform_fee": ("platform_commission", "affiliate_commission", "affiliate_partner_commission",
                         "tsp_commission"),
        "promotion_fee": ("referral_fee", "refund_administration_fee"),
        "ad_fee": ("affiliate_ads_commission", "affiliate_shop_ads_commission"),
        "other_platform_fee": ("transaction_fee", "credit_card_handling_fee", "sfp_service_fee", "live_specials_fee",
                               "bonus_cashback_service_fee", "mall_service_fee", "voucher_xtra_service_fee",
                               "flash_sales_service_fee", "cofunded_promotion_service_fee", "pre_order_service_fee",
                               "seller_paylater_handling_fee"),
        "adjustment": ("cofunded_creator_bonus",),  # the seed's 调整费 list: co-funded creator rewards
        # taxes inside the settlement (fee_tax_breakdown.tax)
        "sales_tax": ("sst", "gst"),
        "vat": ("vat", "import_vat", "iva"),
        "other_tax": ("isr", "anti_dumping_duty", "customs_duty", "customs_clearance"),
    }),
    # Money the seed does not name but that is part of what the platform pays.
    nearest({
        "platform_fee": ("dynamic_commission", "external_affiliate_marketing_fee",
                         "platform_semi_managed_commission_fee", "platform_semi_managed_commission_fee_tax"),
        "promotion_fee": ("sales_tax_referral_fee",),  # 202501: the tax on the referral fee
        "promo_discount": ("seller_shipping_fee_discount",),
        "ad_fee": ("affiliate_partner_shop_ads_commission", "tap_shop_ads_commission", "gmv_max_ad_fee",
                   "gmv_max_coupon_fee", "cps_shop_ads_commission_tax", "brand_amplification_program_commission",
                   "brand_amplification_program_fee_tax"),
        "platform_logistics": ("return_shipping_label_fee", "return_shipping_fee_paid_buyer",
                               "seller_self_shipping_service_fee", "failed_delivery_shipping_fee",
                               "buyer_fault_return_shipping_fee", "distant_shipping_fee", "logistics_service_fee",
                               "shipping_insurance_fee_tax", "international_leg_logistics", "shipping_app_service_fee",
                               "sfr_reimbursement"),
        "subsidy": ("free_return_subsidy", "failed_delivery_subsidy", "fbt_free_shipping_fee", "return_refund_subsidy",
                    "shipping_fee_guarantee_reimbursement", "fbt_key_merchant_subsidy",
                    "fbt_overall_merchant_subsidy", "platform_refund_subsidy"),
        "other_platform_fee": ("campaign_service_fee", "campaign_resource_fee", "smart_promotion_fee",
                               "brand_campaign_fee", "brand_campaign_fee_tax", "category_led_campaign_fee",
                               "category_led_campaign_fee_tax", "campaign_period_fee_sp", "campaign_period_fee_sp_tax",
                               "campaign_period_fee_cfp", "campaign_period_fee_cfp_tax", "fee_per_item_sold",
                               "installation_service_fee", "seller_growth_fee", "epr_pob_service_fee",
                               "platform_special_service_fee", "shipping_fee_guarantee_service_fee",
                               "vn_fix_infrastructure_fee", "insurance_fee", "smart_promotion_fee_tax"),
        "vat": ("local_vat",),
        "other_tax": ("pit", "pit_withheld_from_ads_commission", "cedular_tax"),
    }),
    {"distant_item_fee": Book(BY_SIGN, mapped=False)},  # 202501 revenue_breakdown: its sign says which way
    # Taxes a marketplace may collect from the buyer and remit itself (US sales tax, retail delivery fees): the
    # local table has no tax row (the settlement leaves them out), the cross-border one counts them (销售税). The
    # API does not say which kind of shop it is, so the settlement decides, per transaction: they are counted
    # only when the settlement amount includes them, otherwise kept for drill-down.
    seed({
        "sales_tax": ("sales_tax", "sales_tax_payment", "sales_tax_refund"),
        "other_tax": ("retail_delivery_fee", "retail_delivery_fee_payment", "retail_delivery_fee_refund"),
    }, conditional=True),
    # The platform's own subtotals: drill-down only, never added on top of their parts.
    marked(SUBTOTAL, "revenue", "fee", "fees", "fee_tax", "shipping_cost", "shipping", "net_sales", "earning",
           "after_seller_discounts_subtotal", "subtotal_after_seller_discounts",
           "refund_subtotal_after_seller_discounts", "total_revenue", "total_fees", "total_settlement", "payable",
           "settlement_amount_before_exchange"),
    # Known money that is not the seller's (what the customer paid, platform-funded discounts, other views of a
    # commission, money held in reserve): drill-down only.
    # customer_shipping_fee (202309): the buyer-borne fee expected, part of customer_payment; what the buyer paid
    # is customer_paid_shipping_fee.
    marked(INFO, "customer_shipping_fee", "customer_payment", "customer_refund", "customer_order_refund",
           "platform_discount", "platform_discount_refund", "platform_cofunded_discount",
           "platform_cofunded_discount_refund", "seller_cofunded_discount", "seller_cofunded_discount_refund",
           "affiliate_commission_before_pit",
           "affiliate_commission_deposit", "affiliate_commission_release", "reserve", "total_reserve"),
    marked(TOTAL, SETTLEMENT),
    marked(PER_ROW, ADJUSTMENT),
)

ALIASES: dict[str, str] = {
    "subtotal_before_discount": "gross_sales",
    "subtotal_before_discounts": "gross_sales",
    "refund_subtotal_before_discount": "gross_sales_refund",
    "refund_subtotal_before_discounts": "gross_sales_refund",
    "refund_subtotal_before_seller_discounts": "gross_sales_refund",
    "seller_discounts": "seller_discount",
    "refund_of_seller_discounts": "seller_discount_refund",
    "customer_shipping_fee_refund": "customer_paid_shipping_fee_refund",
    "refund_customer_shipping_fee": "customer_paid_shipping_fee_refund",
    "refunded_customer_shipping_fee": "customer_paid_shipping_fee_refund",
    # 202309: "also named TikTok Shop shipping incentive" (and its refund), terms of shipping_cost_amount
    "shipping_cost_discount": "tiktok_shop_shipping_incentive",
    "refund_shipping_cost_discount": "tiktok_shop_shipping_incentive_refund",
    "isr_income_tax": "isr",  # Mexico, 202309
    "iva_vat": "iva",
    "tiktok_shop_shipping_fee": "fbm_shipping_cost",
    "fulfilled_by_tiktok_shop_fbt_shipping_fee": "fbt_shipping_cost",
    "fbt_shipping_fee": "fbt_shipping_cost",
    "fulfillment_fee_reimbursement": "fbt_fulfillment_fee_reimbursement",
    "actual_return_shipping_fee": "return_shipping_fee",
    "signature_confirmation_service_fee": "signature_confirmation_fee",
    "tiktok_shop_commission_fee": "platform_commission",
    "commission_fee": "platform_commission",
    "live_specials_service_fee": "live_specials_fee",
    "cofunded_promotion": "cofunded_promotion_service_fee",
    "co_funded_promotion_seller_funded": "cofunded_promotion_service_fee",
    "co_funded_promotion_service_fee": "cofunded_promotion_service_fee",
    "customs_clearance_fee": "customs_clearance",
    "ajustment": ADJUSTMENT,  # sic: a real typo in exports
    "adjust": ADJUSTMENT,
    "platform_discounts": "platform_discount",
    "platform_discounts_refund": "platform_discount_refund",
    "total_settlement": SETTLEMENT,
    "settle": SETTLEMENT,
    "fee_and_tax": "fee_tax",  # 202501 by order names the order's fee subtotal so; its SKU lines say fee_tax
}

# (aggregate, its parts): when the aggregate carries money the parts are another view of it (drill-down);
# otherwise the parts are counted. Seed: "shipping fee discount" and "actual shipping fee" include the parts
# named; "Shipping fee subsidy already includes the TikTok Shop shipping incentives".
EITHER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shipping_fee_discount", ("platform_shipping_fee_discount", "promo_shipping_incentive",
                               "cofunded_free_shipping_reimbursement", "shipping_fee_subsidy",
                               "seller_shipping_fee_discount", "tiktok_shop_shipping_incentive",
                               "tiktok_shop_shipping_incentive_refund")),
    ("shipping_fee_subsidy", ("tiktok_shop_shipping_incentive", "tiktok_shop_shipping_incentive_refund")),
    ("actual_shipping_fee", ("fbm_shipping_cost", "fbt_shipping_cost", "fbt_fulfillment_fee",
                             "customer_shipping_fee_offset", "fbt_fulfillment_fee_reimbursement")),
)

_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    """A field or fee name as the table keys it."""
    key = _NON_WORD.sub("_", name.strip().lower()).strip("_")
    key = key.replace("_amount_", "_")
    if key.endswith("_amount"):
        key = key[: -len("_amount")]
    if key.startswith("est_"):
        key = key[len("est_"):]
    return ALIASES.get(key, key)


def known(key: str) -> bool:
    return key in FIELDS


# ---------------------------------------------------------------------------------------------------------
# Adjustments: seed 002 sends an adjustment's amount to storage_fee, penalty or adjustment by what it is.

def adjustment_category(txn_type: str, reason: str = "", by_reason: bool = False) -> str:
    """Where an adjustment's amount goes. Cross-border table (and the Open API, which names the type): FBT
    warehouse service fee → storage_fee, platform penalty / violation fee → penalty, any other type (charge
    back, reimbursements, shipping fee adjustment, …) → adjustment. Local table (`by_reason`): storage_fee
    when the adjustment reason (or, without one, the type) is the FBT warehouse service fee, else adjustment.
    Both: GMV payment for (TikTok) ads → ad_fee (seed 002 lists it among adjustments; issue #14: it is what the
    ads cost)."""
    what = canonical(reason) if by_reason and reason.strip() else canonical(txn_type)
    if "warehouse" in what or "storage" in what:
        return "storage_fee"
    if what.startswith("gmv_payment_for") and what.endswith("ads"):
        return "ad_fee"
    if not by_reason and ("penalty" in what or "violation" in what):
        return "penalty"
    return "adjustment"


# The export's rule is the same, read from the names its files write (exact, lower case).
FBT_STORAGE = "fbt warehouse service fee"
_STORAGE_TYPES = {FBT_STORAGE, "fbt warehouse service fee using gmv payment"}
_PENALTY_TYPES = {"platform penalty", "violation fee(settlement fee)", "violation fee"}
_AD_TYPES = {"gmv payment for tiktok ads", "gmv payment for ads"}


def export_adjustment_category(row_type: str, reason: str, by_reason: bool) -> str:
    """US shops: by the Adjustment reason (the seed's rule); cross-border: by the row's Type. Either: a row whose
    Type is GMV Payment for TikTok Ads is an ad fee."""
    what = norm(reason) if by_reason else norm(row_type)
    if by_reason and not what:  # a blank reason: the type says it (e.g. "FBT warehouse service fee …")
        what = norm(row_type)
    if what in _STORAGE_TYPES or (by_reason and what.startswith(FBT_STORAGE)):
        return "storage_fee"
    if what in _AD_TYPES or (by_reason and norm(row_type) in _AD_TYPES):
        return "ad_fee"
    if not by_reason and what in _PENALTY_TYPES:
        return "penalty"
    return "adjustment"

"""TikTok Shop Open API finance responses, and the one money table every TikTok JSON source maps through.

- `GET /finance/202309/statements`: one statement per day → stated totals (kind "statement").
- `GET /finance/{202309|202501}/statements/{id}/statement_transactions`: one transaction per order or
  adjustment of a statement → one SPLIT line each, key ("split", statement_id, reference).
- `GET /finance/{202309|202501}/orders/{order_id}/statement_transactions`: an order's transactions with their
  SKU lines → SKU_SPLIT lines keyed ("sku", statement_id, reference, sku_id), as the settlement export keys
  them, so the API and the export of the same statement update the same lines instead of adding up.
- `GET /finance/202507/orders/unsettled`: what is not settled yet, at estimated amounts → IN_TRANSIT lines.

Responses arrive as captures (with the request URL) or as saved .json files (no URL), so each endpoint is
recognised by the shape of its content; the URL is only a hint. 202309 transactions are flat; 202501 nests
the same money in revenue_breakdown, shipping_cost_breakdown, fee_tax_breakdown.{fee,tax} and
supplementary_component. Both are read field by field into one field → category table (seed 002), so the
same money lands in the same category whatever the version. Money is strings (exact Decimal), times Unix
seconds (UTC), IDs text; fees arrive signed from the seller's side already.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import combinations
from urllib.parse import urlsplit

from companion.ledger.money import MoneyError, parse_amount
from companion.sources import cells
from companion.sources.model import (
    IN_TRANSIT,
    SETTLED,
    SKU_SPLIT,
    SPLIT,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    SourceInput,
    Stated,
    StoreRef,
)
from companion.sources.urls import query_params

PLATFORM = "tiktok"
ZERO = Decimal(0)
# One natural-key family for every JSON estimate of an unsettled order or adjustment (the 202507 list, an
# unsettled by-order transaction, an on-hold fee split from the Seller Center): the latest estimate updates
# the line in place, and a settled line of any family replaces it (store.supersession).
UNSETTLED_FAMILY = "unsettled_api"

# ---------------------------------------------------------------------------------------------------------
# Field → category (seed 002, "TikTok本土店铺核对公式" and "TikTok跨境店铺核对公式"). Keys are field names as
# `canonical()` gives them: lower case, words joined by "_", "amount" and a leading "est_" dropped, so
# `referral_fee_amount` (202309), `fee_tax_breakdown.fee.referral_fee_amount` (202501), "Referral fee" and
# "REFERRAL_FEE" (Seller Center fee names) all read as `referral_fee`.
COUNTED: dict[str, str] = {
    # revenue. Local: Gross sales; cross-border: subtotal before discount (an alias below).
    "gross_sales": "sales",
    "seller_discount": "promo_discount",
    "gross_sales_refund": "income_refund",
    "seller_discount_refund": "income_refund",
    "cod_service_fee": "other_income",
    "refund_cod_service_fee": "fee_refund",
    # shipping
    "customer_paid_shipping_fee": "buyer_shipping",
    "customer_paid_shipping_fee_refund": "buyer_shipping",
    "shipping_fee_discount": "promo_discount",
    "platform_shipping_fee_discount": "promo_discount",
    "promo_shipping_incentive": "promo_discount",
    "cofunded_free_shipping_reimbursement": "promo_discount",
    "shipping_fee_subsidy": "promo_discount",
    "tiktok_shop_shipping_incentive": "promo_discount",
    "tiktok_shop_shipping_incentive_refund": "promo_discount",
    "actual_shipping_fee": "platform_logistics",
    "fbm_shipping_cost": "platform_logistics",
    "fbt_shipping_cost": "platform_logistics",
    "fbt_fulfillment_fee": "platform_logistics",
    "customer_shipping_fee_offset": "platform_logistics",
    "fbt_fulfillment_fee_reimbursement": "platform_logistics",
    "return_shipping_fee": "platform_logistics",
    "replacement_shipping_fee": "platform_logistics",
    "exchange_shipping_fee": "platform_logistics",
    "signature_confirmation_fee": "platform_logistics",
    "shipping_insurance_fee": "platform_logistics",
    "dt_handling_fee": "platform_logistics",
    # fees
    "platform_commission": "platform_fee",
    "affiliate_commission": "platform_fee",
    "affiliate_partner_commission": "platform_fee",
    "tsp_commission": "platform_fee",
    "referral_fee": "promotion_fee",
    "refund_administration_fee": "promotion_fee",
    "affiliate_ads_commission": "ad_fee",
    "affiliate_shop_ads_commission": "ad_fee",
    "transaction_fee": "other_platform_fee",
    "credit_card_handling_fee": "other_platform_fee",
    "sfp_service_fee": "other_platform_fee",
    "live_specials_fee": "other_platform_fee",
    "bonus_cashback_service_fee": "other_platform_fee",
    "mall_service_fee": "other_platform_fee",
    "voucher_xtra_service_fee": "other_platform_fee",
    "flash_sales_service_fee": "other_platform_fee",
    "cofunded_promotion_service_fee": "other_platform_fee",
    "pre_order_service_fee": "other_platform_fee",
    "seller_paylater_handling_fee": "other_platform_fee",
    "cofunded_creator_bonus": "adjustment",  # the seed's 调整费 list: co-funded creator rewards
    # taxes inside the settlement (fee_tax_breakdown.tax)
    "sst": "sales_tax",
    "gst": "sales_tax",
    "vat": "vat",
    "import_vat": "vat",
    "iva": "vat",
    "isr": "other_tax",
    "anti_dumping_duty": "other_tax",
    "customs_duty": "other_tax",
    "customs_clearance": "other_tax",
}

# Money the seed does not name but that is part of what the platform pays: counted under the nearest
# category and flagged `unmapped` in the drill-down.
NEAREST: dict[str, str] = {
    "dynamic_commission": "platform_fee",
    "external_affiliate_marketing_fee": "platform_fee",
    "platform_semi_managed_commission_fee": "platform_fee",
    "platform_semi_managed_commission_fee_tax": "platform_fee",
    "seller_shipping_fee_discount": "promo_discount",
    "affiliate_partner_shop_ads_commission": "ad_fee",
    "tap_shop_ads_commission": "ad_fee",
    "gmv_max_ad_fee": "ad_fee",
    "gmv_max_coupon_fee": "ad_fee",
    "cps_shop_ads_commission_tax": "ad_fee",
    "brand_amplification_program_commission": "ad_fee",
    "brand_amplification_program_fee_tax": "ad_fee",
    "return_shipping_label_fee": "platform_logistics",
    "return_shipping_fee_paid_buyer": "platform_logistics",
    "seller_self_shipping_service_fee": "platform_logistics",
    "failed_delivery_shipping_fee": "platform_logistics",
    "buyer_fault_return_shipping_fee": "platform_logistics",
    "distant_shipping_fee": "platform_logistics",
    "logistics_service_fee": "platform_logistics",
    "shipping_insurance_fee_tax": "platform_logistics",
    "free_return_subsidy": "subsidy",
    "failed_delivery_subsidy": "subsidy",
    "fbt_free_shipping_fee": "subsidy",
    "return_refund_subsidy": "subsidy",
    "shipping_fee_guarantee_reimbursement": "subsidy",
    "fbt_key_merchant_subsidy": "subsidy",
    "fbt_overall_merchant_subsidy": "subsidy",
    "campaign_service_fee": "other_platform_fee",
    "campaign_resource_fee": "other_platform_fee",
    "smart_promotion_fee": "other_platform_fee",
    "brand_campaign_fee": "other_platform_fee",
    "brand_campaign_fee_tax": "other_platform_fee",
    "category_led_campaign_fee": "other_platform_fee",
    "category_led_campaign_fee_tax": "other_platform_fee",
    "campaign_period_fee_sp": "other_platform_fee",
    "campaign_period_fee_sp_tax": "other_platform_fee",
    "campaign_period_fee_cfp": "other_platform_fee",
    "campaign_period_fee_cfp_tax": "other_platform_fee",
    "fee_per_item_sold": "other_platform_fee",
    "installation_service_fee": "other_platform_fee",
    "seller_growth_fee": "other_platform_fee",
    "epr_pob_service_fee": "other_platform_fee",
    "platform_special_service_fee": "other_platform_fee",
    "shipping_fee_guarantee_service_fee": "other_platform_fee",
    "vn_fix_infrastructure_fee": "other_platform_fee",
    "insurance_fee": "other_platform_fee",
    "local_vat": "vat",
    "pit": "other_tax",
    "pit_withheld_from_ads_commission": "other_tax",
}

# Taxes a marketplace may collect from the buyer and remit itself (US sales tax, retail delivery fees): the
# local table has no tax row (the settlement leaves them out), the cross-border one counts them (销售税). The
# API does not say which kind of shop it is, so the settlement decides, per transaction: they are counted
# only when the settlement amount includes them, otherwise kept for drill-down.
CONDITIONAL: dict[str, str] = {
    "sales_tax": "sales_tax",
    "sales_tax_payment": "sales_tax",
    "sales_tax_refund": "sales_tax",
    "retail_delivery_fee": "other_tax",
    "retail_delivery_fee_payment": "other_tax",
    "retail_delivery_fee_refund": "other_tax",
}

ADJUSTMENT = "adjustment"  # adjustment_amount: its category depends on the transaction type (see below)
SETTLEMENT = "settlement"  # settlement_amount / est_settlement_amount: the line's total, never a part

# The platform's own subtotals: drill-down only, never added on top of their parts.
SUBTOTALS = frozenset({
    "revenue", "fee", "fees", "fee_tax", "shipping_cost", "shipping", "net_sales", "earning",
    "after_seller_discounts_subtotal", "subtotal_after_seller_discounts", "refund_subtotal_after_seller_discounts",
    "total_revenue", "total_fees", "total_settlement", "payable", "settlement_amount_before_exchange",
})
# Known money that is not the seller's (what the customer paid, platform-funded discounts, other views of a
# commission, money held in reserve): drill-down only.
INFO = frozenset({
    "customer_payment", "customer_refund", "customer_order_refund", "platform_discount", "platform_discount_refund",
    "platform_cofunded_discount", "platform_cofunded_discount_refund", "seller_cofunded_discount",
    "seller_cofunded_discount_refund", "affiliate_commission_before_pit", "affiliate_commission_deposit",
    "affiliate_commission_release", "reserve", "total_reserve",
})

ALIASES: dict[str, str] = {
    "subtotal_before_discount": "gross_sales",
    "subtotal_before_discounts": "gross_sales",
    "refund_subtotal_before_discount": "gross_sales_refund",
    "refund_subtotal_before_discounts": "gross_sales_refund",
    "refund_subtotal_before_seller_discounts": "gross_sales_refund",
    "seller_discounts": "seller_discount",
    "refund_of_seller_discounts": "seller_discount_refund",
    "customer_shipping_fee": "customer_paid_shipping_fee",
    "customer_shipping_fee_refund": "customer_paid_shipping_fee_refund",
    "refund_customer_shipping_fee": "customer_paid_shipping_fee_refund",
    "refunded_customer_shipping_fee": "customer_paid_shipping_fee_refund",
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

# 202501 subtotal → its breakdown and the category its money goes to when the breakdown is missing.
_COMPONENTS = (("revenue", "revenue_breakdown", "sales"),
               ("shipping_cost", "shipping_cost_breakdown", "platform_logistics"),
               ("fee_tax", "fee_tax_breakdown", "other_platform_fee"))

_NON_WORD = re.compile(r"[^0-9a-z]+")
_MONEY_WORDS = ("amount", "fee", "commission", "tax", "subsidy", "discount", "reimbursement", "incentive",
                "rebate", "compensation", "cost", "duty", "vat", "gst", "sst", "iva", "isr", "bonus")
_NOT_MONEY = ("_id", "_time", "_name", "_status", "_reason", "_type", "_version", "_token", "_count", "_rate",
              "quantity", "currency", "_date", "_cipher")
_SKU_LISTS = ("sku_statement_transactions", "sku_transactions")
_SUPPLEMENTARY = "supplementary_component"


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
    return (key in COUNTED or key in NEAREST or key in CONDITIONAL or key in SUBTOTALS or key in INFO
            or key in (ADJUSTMENT, SETTLEMENT))


def adjustment_category(txn_type: str, reason: str = "", by_reason: bool = False) -> str:
    """Where an adjustment's amount goes. Cross-border table (and the Open API, which names the type): FBT
    warehouse service fee → storage_fee, platform penalty / violation fee → penalty, any other type (charge
    back, reimbursements, shipping fee adjustment, …) → adjustment. Local table (`by_reason`): storage_fee
    when the adjustment reason (or, without one, the type) is the FBT warehouse service fee, else adjustment."""
    what = canonical(reason) if by_reason and reason.strip() else canonical(txn_type)
    if "warehouse" in what or "storage" in what:
        return "storage_fee"
    if not by_reason and ("penalty" in what or "violation" in what):
        return "penalty"
    return "adjustment"


# ---------------------------------------------------------------------------------------------------------
# Reading money out of a record and splitting it into categories.

@dataclass(frozen=True)
class Money:
    """One money field of a record, under the platform's own name."""

    name: str
    key: str  # canonical(name)
    amount: Decimal
    info: bool = False  # another view of money counted elsewhere (a supplementary breakdown): never counted
    nested: bool = False  # read from inside a breakdown object
    category: str | None = None  # counted here (flagged unmapped) whatever the table says


@dataclass
class Split:
    amounts: dict[str, Decimal]
    fields: list[SourceField]
    extra: dict[str, str]
    settlement: Decimal


def split(items: Iterable[Money], settlement: Decimal | None, adjustment_to: str, is_order: bool) -> Split:
    """Money fields → category amounts that add up exactly to `settlement` (when it is stated).

    Mapped fields count; subtotals and other views are drill-down only. What is still missing to reach the
    settlement is explained, in this order, by the conditional taxes, then by fields no table knows (all of
    them, under other_income / other_platform_fee), and what remains is counted as `unexplained` under the
    nearest category (an adjustment's own category, other_income or other_platform_fee) and said in extra."""
    items = list(items)
    amounts: dict[str, Decimal] = {}
    fields: list[SourceField] = []
    extra: dict[str, str] = {}

    def count(item: Money, category: str, unmapped: bool) -> None:
        amounts[category] = amounts.get(category, ZERO) + item.amount
        fields.append(SourceField(item.name, item.amount, category, unmapped))

    first: dict[str, Money] = {}  # the first field of each key: another name for it (an alias) is a view
    for item in items:
        if not item.info and item.category is None and item.amount:
            first.setdefault(item.key, item)
    views: set[str] = set()  # flat records only: in 202501 the parts sit in supplementary_component
    for aggregate, parts in EITHER:
        if aggregate in first and not first[aggregate].nested and aggregate not in views:
            views.update(parts)
    conditional: list[Money] = []
    loose: list[Money] = []
    for item in items:
        if not item.amount or (item.key == SETTLEMENT and item.category is None):
            continue
        if item.category is not None:
            count(item, item.category, True)
        elif item.info or first[item.key].name != item.name or (item.key in views and not item.nested) \
                or item.key in SUBTOTALS or item.key in INFO:
            fields.append(SourceField(item.name, item.amount, None, not known(item.key)))
        elif item.key == ADJUSTMENT:
            count(item, adjustment_to, False)
        elif item.key in COUNTED:
            count(item, COUNTED[item.key], False)
        elif item.key in NEAREST:
            count(item, NEAREST[item.key], True)
        elif item.key in CONDITIONAL:
            conditional.append(item)
        else:
            loose.append(item)
    counted = sum(amounts.values(), ZERO)
    if settlement is None:
        settlement = counted
    chosen = {id(i) for i in _subset(conditional, settlement - counted)}
    for item in conditional:
        if id(item) in chosen:
            count(item, CONDITIONAL[item.key], False)
        else:
            fields.append(SourceField(item.name, item.amount, None, False))
    missing = settlement - sum(amounts.values(), ZERO)
    explains = bool(missing) and bool(loose) and sum((i.amount for i in loose), ZERO) == missing
    for item in loose:
        if explains:
            count(item, "other_income" if item.amount > 0 else "other_platform_fee", True)
        else:
            fields.append(SourceField(item.name, item.amount, None, True))
    missing = settlement - sum(amounts.values(), ZERO)
    if missing:
        if not is_order and not amounts:  # an adjustment told only by its settlement amount
            count(Money("settlement_amount", SETTLEMENT, missing), adjustment_to, False)
        else:
            category = adjustment_to if not is_order else "other_income" if missing > 0 else "other_platform_fee"
            count(Money("unexplained", "unexplained", missing), category, True)
            extra["unexplained"] = str(missing)
    return Split({k: v for k, v in amounts.items() if v}, fields, extra, settlement)


def _subset(items: list[Money], wanted: Decimal) -> tuple[Money, ...]:
    """The smallest group of conditional taxes that is exactly what the settlement still misses."""
    if not wanted or not items or len(items) > 12:
        return ()
    for size in range(1, len(items) + 1):
        for group in combinations(items, size):
            if sum((i.amount for i in group), ZERO) == wanted:
                return group
    return ()


def money_of(value: object, name: str) -> Decimal | None:
    """An amount from a JSON value: a string, a number, or an {amount|value, currency} object."""
    if isinstance(value, dict):
        for key in ("amount", "value"):
            if key in value and not isinstance(value[key], dict):
                return money_of(value[key], name)
        return None
    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_amount(value) if isinstance(value, str) else cells.money(value)
    except (MoneyError, SourceError) as exc:
        raise SourceError(f"{name}: {exc}") from exc


def _is_money_key(key: str, nested: bool) -> bool:
    lowered = key.lower()
    if lowered.endswith(_NOT_MONEY) or lowered in ("id", "type", "status"):
        return False
    return nested or lowered.endswith("_amount") or known(canonical(key)) or any(w in lowered for w in _MONEY_WORDS)


def read_money(record: dict) -> tuple[list[Money], dict[str, object]]:
    """Every money field of a record, nested breakdowns included (fields inside a supplementary_component are
    other views: kept, never counted); the record's other scalar values, for extra. SKU lists are left to
    the caller."""
    items: list[Money] = []
    scalars: dict[str, object] = {}
    _walk(record, items, scalars, set(_SKU_LISTS), nested=False, info=False, prefix="")
    if any(k.endswith("_breakdown") for k in record):  # 202501: a subtotal without its breakdown still counts
        for subtotal, breakdown, category in _COMPONENTS:
            parts = record.get(breakdown)
            if isinstance(parts, dict) and any(i.amount for i in _breakdown_items(parts)):
                continue
            items = [replace(i, category=category) if i.key == subtotal and not i.nested and i.amount else i
                     for i in items]
    return items, scalars


def _breakdown_items(parts: dict) -> list[Money]:
    found: list[Money] = []
    _walk(parts, found, {}, set(), nested=True, info=False, prefix="")
    return found


def _walk(obj: dict, items: list[Money], scalars: dict[str, object], skipped: set[str], nested: bool, info: bool,
          prefix: str) -> None:
    for key, value in obj.items():
        if key in skipped or isinstance(value, list):
            continue
        if isinstance(value, dict):
            if ("amount" in value or "value" in value) and _is_money_key(key, nested):
                amount = money_of(value, key)
                if amount is not None:
                    items.append(Money(prefix + key, canonical(key), amount, info, nested))
                continue
            inner = key == _SUPPLEMENTARY
            _walk(value, items, scalars, set(), True, info or inner, prefix + (f"{key}." if inner else ""))
            continue
        if _is_money_key(key, nested) and not isinstance(value, bool):
            try:
                amount = money_of(value, key)
            except SourceError:
                if key.lower().endswith("_amount"):
                    raise
                amount = None
            if amount is not None:
                items.append(Money(prefix + key, canonical(key), amount, info, nested))
                continue
        if not nested and value is not None and value != "":
            scalars[key] = value


def settlement_of(items: list[Money]) -> Decimal | None:
    return next((i.amount for i in items if i.key == SETTLEMENT and not i.nested and not i.info), None)


# ---------------------------------------------------------------------------------------------------------
# Small readers shared with the Seller Center adapters.

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def text_id(value: object, what: str = "ID") -> str:
    """IDs stay text; an ID that arrived as a JSON float may have lost digits and is refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (bool, float)):
        raise SourceError(f"{what} {value!r} arrived as a {type(value).__name__} and may have lost digits")
    if isinstance(value, int):
        return str(value)
    raise SourceError(f"{what} {value!r} is not an ID")


def instant(value: object, what: str = "time") -> datetime | None:
    """A Unix time (seconds, or milliseconds when that large) or an ISO text, as an aware UTC datetime."""
    if value is None or value == "" or value == 0 or value == "0" or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        try:
            return _EPOCH + (timedelta(milliseconds=value) if value > 100_000_000_000 else timedelta(seconds=value))
        except OverflowError as exc:
            raise SourceError(f"{what} {value!r} is not a Unix time") from exc
    if isinstance(value, str):
        try:
            return cells.when(value, "UTC")
        except SourceError as exc:
            raise SourceError(f"{what} {value!r} is not a Unix time or a date") from exc
    raise SourceError(f"{what} {value!r} is not a Unix time")


_SCOPE_FIELDS = (
    ("revenue", ("revenue_amount", "total_revenue_amount")),
    ("earning", ("earning_amount",)),
    ("fee", ("fee_amount", "fees", "fee_tax_amount", "total_fee_tax_amount")),
    ("adjustment", ("adjustment_amount", "adjust_amount", "total_adjustment_amount")),
    ("shipping", ("shipping_cost_amount", "shipping_amount", "total_shipping_cost_amount")),
    ("net_sales", ("net_sales_amount",)),
    ("reserve", ("reserve_amount", "total_reserve_amount")),
    ("payable", ("payable_amount",)),
)


def statement_scope(*records: dict) -> tuple[tuple[str, str], ...]:
    """A statement's revenue / fee / … amounts, as Stated.scope (amounts written without trailing zeros)."""
    scope = []
    for label, names in _SCOPE_FIELDS:
        for record in records:
            value = next((record[n] for n in names if n in record and record[n] not in (None, "")), None)
            amount = money_of(value, label) if value is not None else None
            if amount is not None:
                scope.append((label, _plain(amount)))
                break
    return tuple(scope)


def _plain(amount: Decimal) -> str:
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def merge_same_keys(lines: list[Line]) -> list[Line]:
    """Lines of one response that share a natural key (a sale and its refund in one statement) become one
    line with the sum of both, so the store, which keeps the last line of a key, loses nothing."""
    kept: dict[tuple[str, ...], Line] = {}
    for line in lines:
        same = kept.get(line.key)
        if same is None:
            kept[line.key] = line
            continue
        same.settlement_amount += line.settlement_amount
        for category, amount in line.amounts.items():
            same.amounts[category] = same.amounts.get(category, ZERO) + amount
        same.amounts = {k: v for k, v in same.amounts.items() if v}
        same.fields.extend(line.fields)
        same.quantity += line.quantity
        if "unexplained" in line.extra or "unexplained" in same.extra:
            same.extra["unexplained"] = str(Decimal(same.extra.get("unexplained", "0"))
                                            + Decimal(line.extra.get("unexplained", "0")))
        same.extra["merged"] = str(int(same.extra.get("merged", "1")) + 1)
        if line.txn_type != same.txn_type and line.txn_type not in same.txn_type.split("+"):
            same.txn_type = f"{same.txn_type}+{line.txn_type}"
    return list(kept.values())


# ---------------------------------------------------------------------------------------------------------
# The adapters.

def _response(src: SourceInput) -> tuple[dict, dict] | None:
    """(body, data) of a JSON capture or saved file; a saved file may hold `data` without its envelope."""
    if src.kind != "json" or not isinstance(src.payload, dict):
        return None
    body = src.payload.get("body")
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    if isinstance(data, dict):
        return body, data
    if "data" not in body and "code" not in body:
        return body, body
    return None


def _request_url(src: SourceInput) -> str:
    request = src.payload.get("request") if isinstance(src.payload, dict) else None
    return str((request or {}).get("url") or "") if isinstance(request, dict) else ""


def _path(src: SourceInput) -> str:
    return urlsplit(_request_url(src)).path


def _dicts(value: object) -> list[dict] | None:
    return value if isinstance(value, list) and all(isinstance(v, dict) for v in value) else None


_STATEMENT_TXNS = re.compile(r"/finance/\d+/statements/([^/]+)/statement_transactions$")
_ORDER_TXNS = re.compile(r"/finance/\d+/orders/([^/]+)/statement_transactions$")
_UNSETTLED_PATH = re.compile(r"/finance/\d+/orders/unsettled$")
_STATEMENTS_PATH = re.compile(r"/finance/\d+/statements$")
_UNSETTLED_STATUSES = frozenset({"UNSETTLED", "TO_SETTLE", "ON_HOLD", "PENDING", "NOT_SETTLED"})


def _unsettled_shape(data: dict) -> bool:
    txns = _dicts(data.get("transactions"))
    if txns is None:
        return False
    if any(k.startswith("sum_est_") for k in data):
        return True
    return any(any(k.startswith("est_") for k in t) or "unsettled_reason" in t
               or str(t.get("status") or "").upper() in _UNSETTLED_STATUSES for t in txns)


def _by_order_shape(data: dict) -> bool:
    if _dicts(data.get("sku_transactions")) is not None:
        return True
    txns = _dicts(data.get("statement_transactions"))
    return txns is not None and ("order_id" in data or any(_dicts(t.get(k)) for t in txns for k in _SKU_LISTS))


def _transactions(data: dict) -> list[dict] | None:
    for key in ("statement_transactions", "transactions"):
        found = _dicts(data.get(key))
        if found is not None:
            return found
    return None


@dataclass
class _Context:
    """What every line of one response shares."""

    shop: str
    captured_at: datetime
    currency: str
    statement_id: str = ""
    statement_time: datetime | None = None
    order_id: str = ""
    order_time: datetime | None = None
    store_ref: StoreRef | None = None

    def store(self, currency: str) -> StoreRef:
        """One StoreRef per response: its currency is the first one seen."""
        if self.store_ref is None:
            self.store_ref = StoreRef(PLATFORM, self.shop, "", f"TikTok Shop {self.shop}", currency, "UTC")
        return self.store_ref


class _OpenApiAdapter:
    """Shared by the Open API adapters: recognition by content, the response envelope, the shop."""

    name = ""
    version = 1
    report_type = ""
    what = ""

    def recognizes(self, src: SourceInput) -> bool:
        """By content; a request URL that is not a finance call of the Open API says it is something else."""
        found = _response(src)
        path = _path(src)
        return found is not None and (not path or "/finance/" in path) and self.matches(found[1], path)

    def matches(self, data: dict, path: str) -> bool:
        raise NotImplementedError

    def parse(self, src: SourceInput) -> ParseResult:
        found = _response(src)
        if found is None:
            raise SourceError(f"{self.what}: not a JSON response")
        body, data = found
        if body.get("code") not in (0, "0", None):
            raise SourceError(f"{self.what} answered code {body.get('code')!r}: {body.get('message', '')}".strip())
        return self.read(src, body, data)

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        raise NotImplementedError

    def shop(self, src: SourceInput, body: dict, data: dict) -> str:
        """The shop the response belongs to: shop_id (the Seller Center's oec_seller_id, so both sources land
        in one store) before shop_cipher, from the request URL or the response."""
        params = {**query_params(src.url), **query_params(_request_url(src))}
        sources = (params, data, body, src.payload)
        for name in ("shop_id", "oec_seller_id", "shop_cipher"):
            for source in sources:
                value = text_id(source.get(name), name) if isinstance(source, dict) else ""
                if value:
                    return value
        raise SourceError(f"the {self.what} response names no shop (no shop_id or shop_cipher in its request URL "
                          "or body): capture it with its request URL, or add \"shop_id\": \"<your shop id>\" to the "
                          "saved JSON")

    def result(self, lines: list[Line], totals: list[Stated], data: dict) -> ParseResult:
        stated = {k: data.get(k) for k in ("next_page_token", "total_count") if k in data}
        stated["has_more"] = bool(data.get("next_page_token"))
        return ParseResult(self.name, self.version, lines, stated, totals, self.report_type)


class Statements(_OpenApiAdapter):
    """GET /finance/202309/statements: each statement's settlement amount, to reconcile lines against."""

    name = "tiktok.open_api.statements"
    report_type = "api_statements"
    what = "statements"

    def matches(self, data: dict, path: str) -> bool:
        statements = _dicts(data.get("statements"))
        if statements is None:
            return False
        if not statements:
            return bool(_STATEMENTS_PATH.search(path))
        return any("statement_time" in s or ("id" in s and "settlement_amount" in s) for s in statements)

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        statements = data["statements"]
        totals: list[Stated] = []
        context: _Context | None = None
        for index, statement in enumerate(statements):
            where = f"statements[{index}]"
            ref = text_id(statement.get("id") or statement.get("statement_id"), f"{where} id")
            if not ref:
                raise SourceError(f"{where} has no id")
            amount = money_of(statement.get("settlement_amount"), f"{where} settlement_amount")
            if amount is None:
                raise SourceError(f"{where} has no settlement_amount")
            currency = str(statement.get("currency") or data.get("currency") or "")
            if not currency:
                raise SourceError(f"{where} has no currency")
            if context is None:
                context = _Context(self.shop(src, body, data), src.captured_at, currency)
            totals.append(Stated(context.store(currency), "statement", ref, amount, currency,
                                 instant(statement.get("statement_time"), f"{where} statement_time"),
                                 scope=statement_scope(statement)))
        return self.result([], totals, data)


class _TransactionAdapter(_OpenApiAdapter):
    """Turns transactions (orders and adjustments) into lines."""

    def context(self, src: SourceInput, body: dict, data: dict, records: list[dict]) -> _Context:
        currency = data.get("currency") or next((r.get("currency") for r in records if r.get("currency")), "")
        return _Context(self.shop(src, body, data), src.captured_at, str(currency or ""))

    def line(self, ctx: _Context, txn: dict, where: str, settled: bool) -> Line:
        """One transaction as one line: settled in its statement (SPLIT, key ("split", statement, reference)),
        or an estimate (key (UNSETTLED_FAMILY, reference))."""
        items, scalars = read_money(txn)
        base = _base(ctx, txn, scalars, where)
        parts = split(items, settlement_of(items), base.adjustment_to, base.is_order)
        key = ("split", base.statement_id, base.reference) if settled else (UNSETTLED_FAMILY, base.reference)
        return base.line(ctx, key, settled, SPLIT, parts)


@dataclass
class _Base:
    """A transaction's identity: type, reference, order, times, statement, currency, extra text."""

    txn_type: str
    is_order: bool
    reference: str
    order_id: str | None
    order_time: datetime | None
    statement_id: str
    settled_time: datetime | None
    currency: str
    extra: dict[str, str]
    adjustment_to: str

    def line(self, ctx: _Context, key: tuple[str, ...], settled: bool, detail: int, parts: Split,
             **more: object) -> Line:
        return Line(
            store=ctx.store(self.currency),
            key=key,
            status=SETTLED if settled else IN_TRANSIT,
            txn_type=self.txn_type,
            currency=self.currency,
            settlement_amount=parts.settlement,
            amounts=dict(parts.amounts),
            fields=list(parts.fields),
            order_id=self.order_id,
            order_time=self.order_time,
            settled_time=(self.settled_time or ctx.captured_at) if settled else None,
            settled_time_approx=settled and self.settled_time is None,
            extra={**self.extra, **parts.extra},
            reference=self.reference,
            detail=detail,
            statement_id=(self.statement_id or None) if settled else None,
            **more,  # type: ignore[arg-type]
        )


_IDENTITY = frozenset({
    "id", "type", "transaction_type", "order_id", "adjustment_id", "adjustment_order_id", "associated_order_id",
    "related_order_id", "statement_id", "currency", "order_create_time", "statement_time", "sku_id", "sku_name",
    "product_name", "quantity", "seller_sku", "total_count", "next_page_token",
})


def _base(ctx: _Context, txn: dict, scalars: dict[str, object], where: str) -> _Base:
    txn_type = str(txn.get("type") or txn.get("transaction_type") or "ORDER").strip()
    is_order = txn_type.upper() == "ORDER"
    own = text_id(txn.get("id"), f"{where} id")
    order = text_id(txn.get("order_id"), f"{where} order_id") or ctx.order_id
    related = next((text_id(txn[k], f"{where} {k}") for k in ("adjustment_order_id", "associated_order_id",
                                                              "related_order_id") if txn.get(k)), "")
    if is_order:
        reference, order_id = order or own, order or None
    else:
        reference = text_id(txn.get("adjustment_id"), f"{where} adjustment_id") or own or order
        order_id = related or order or None
    if not reference:
        raise SourceError(f"{where} has neither order_id, adjustment_id nor id")
    currency = str(txn.get("currency") or ctx.currency or "").strip().upper()
    if not currency:
        raise SourceError(f"{where} ({reference}) names no currency")
    extra: dict[str, str] = {}
    if own and own != reference:
        extra["transaction_id"] = own
    for key, value in scalars.items():
        if key in _IDENTITY:
            continue
        if key.endswith("_time") and (isinstance(value, int) or str(value).isdigit()):
            stamp = instant(value, f"{where} {key}")
            extra[key] = stamp.isoformat() if stamp else ""
        else:
            extra[key] = str(value)
    return _Base(
        txn_type, is_order, reference, order_id,
        instant(txn.get("order_create_time"), f"{where} order_create_time") or ctx.order_time,
        text_id(txn.get("statement_id"), f"{where} statement_id") or ctx.statement_id,
        instant(txn.get("statement_time"), f"{where} statement_time") or ctx.statement_time,
        currency, extra, adjustment_category(txn_type, str(txn.get("adjustment_reason") or "")))


def _status_unsettled(record: dict) -> bool:
    return str(record.get("status") or "").strip().upper() in _UNSETTLED_STATUSES


class StatementTransactions(_TransactionAdapter):
    """GET /finance/{202309|202501}/statements/{id}/statement_transactions: the fee split of each order or
    adjustment of one statement."""

    name = "tiktok.open_api.statement_transactions"
    report_type = "api_transactions"
    what = "statement transactions"

    def matches(self, data: dict, path: str) -> bool:
        txns = _transactions(data)
        if txns is None or _unsettled_shape(data) or _by_order_shape(data):
            return False
        if not txns:
            return bool(_STATEMENT_TXNS.search(path))
        return any("settlement_amount" in t and ("type" in t or "order_id" in t) for t in txns)

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        txns = _transactions(data) or []
        if not txns:
            return self.result([], [], data)
        ctx = self.context(src, body, data, txns)
        hinted = _STATEMENT_TXNS.search(_path(src))
        ctx.statement_id = (text_id(data.get("id") or data.get("statement_id"), "statement id")
                            or (hinted.group(1) if hinted else ""))
        ctx.statement_time = instant(data.get("statement_time") or data.get("create_time"), "statement_time")
        lines = merge_same_keys([self.line(ctx, t, f"transactions[{i}]", not _status_unsettled(t))
                                 for i, t in enumerate(txns)])
        totals = []
        total = money_of(data.get("total_settlement_amount", data.get("settlement_amount")), "total_settlement_amount")
        if ctx.statement_id and total is not None:
            breakdown = data.get("total_settlement_breakdown")
            scope = statement_scope(data, breakdown if isinstance(breakdown, dict) else {})
            totals.append(Stated(ctx.store(ctx.currency), "statement", ctx.statement_id, total, ctx.currency,
                                 ctx.statement_time, scope=scope))
        return self.result(lines, totals, data)


class OrderTransactions(_TransactionAdapter):
    """GET /finance/{202309|202501}/orders/{order_id}/statement_transactions: one order's transactions with
    their SKU lines.

    SKU lines carrying their own money become one SKU_SPLIT line each (key ("sku", statement, reference,
    sku_id), as the settlement export keys them). Money of the order its SKU lines do not carry is added to
    the order's first SKU line, never put on a line of its own: the export has no such line, and when the
    export overwrites the SKU lines with its own per-SKU split that money must not remain beside it. SKU lines
    without money of their own: the order's money goes on the first SKU line and the others keep quantity and
    SKU at zero amounts (nothing is spread by guess). A transaction without SKU lines is one SPLIT line, as
    the by-statement endpoint gives it; an unsettled one is one estimate per order (UNSETTLED_FAMILY)."""

    name = "tiktok.open_api.order_transactions"
    report_type = "api_order_transactions"
    what = "order statement transactions"

    def matches(self, data: dict, path: str) -> bool:
        if _unsettled_shape(data):
            return False
        if _by_order_shape(data):
            return True
        return bool(_ORDER_TXNS.search(path)) and _dicts(data.get("statement_transactions")) is not None

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        if _dicts(data.get("statement_transactions")) is not None:  # 202309: transactions, each with its SKUs
            groups = [(t, _sku_list(t)) for t in data["statement_transactions"]]
        else:  # 202501: the order's totals at the root, its SKU transactions under it (none: not settled yet)
            groups = [(data, data["sku_transactions"])] if data["sku_transactions"] else []
        if not groups:
            return self.result([], [], data)
        ctx = self.context(src, body, data, [t for t, _ in groups] + [s for _, skus in groups for s in skus])
        hinted = _ORDER_TXNS.search(_path(src))
        ctx.order_id = text_id(data.get("order_id"), "order_id") or (hinted.group(1) if hinted else "")
        ctx.order_time = instant(data.get("order_create_time"), "order_create_time")
        lines: list[Line] = []
        for index, (txn, skus) in enumerate(groups):
            where = "order" if txn is data else f"statement_transactions[{index}]"
            if skus:
                lines.extend(self.sku_lines(ctx, txn, skus, where))
            else:
                statement = text_id(txn.get("statement_id"), f"{where} statement_id")
                lines.append(self.line(ctx, txn, where, bool(statement) and not _status_unsettled(txn)))
        return self.result(merge_same_keys(lines), [], data)

    def sku_lines(self, ctx: _Context, txn: dict, skus: list[dict], where: str) -> list[Line]:
        order_items, scalars = read_money(txn)
        base = _base(ctx, txn, scalars, where)
        order = split(order_items, settlement_of(order_items), base.adjustment_to, base.is_order)
        read = [read_money(s) for s in skus]
        own_money = any(settlement_of(items) is not None or any(i.amount for i in items) for items, _ in read)
        lines: list[Line] = []
        sku_splits: list[tuple[list[Money], Split]] = []
        for number, (sku, (items, sku_scalars)) in enumerate(zip(skus, read, strict=True)):
            at = f"{where} SKU {number}"
            merged = {**txn, **{k: sku[k] for k in ("statement_id", "statement_time", "currency", "status")
                                if sku.get(k)}}
            sku_base = _base(ctx, merged, {**scalars, **sku_scalars}, at)
            if own_money:
                parts = split(items, settlement_of(items), sku_base.adjustment_to, sku_base.is_order)
                sku_splits.append((items, parts))
            else:
                parts = order if number == 0 else Split({}, [], {}, ZERO)
            settled = bool(sku_base.statement_id) and not _status_unsettled(merged)
            lines.append(self._sku_line(ctx, sku_base, sku, parts, settled, at))
        if own_money:
            _add_remainder(lines[0], order, order_items, sku_splits)
        return lines

    def _sku_line(self, ctx: _Context, base: _Base, sku: dict, parts: Split, settled: bool, where: str) -> Line:
        sku_id = text_id(sku.get("sku_id"), f"{where} sku_id")
        if sku.get("product_name"):
            base.extra["product_name"] = str(sku["product_name"]).strip()
        more = {"sku_id": sku_id or None, "sku_name": str(sku.get("sku_name") or "").strip() or None,
                "quantity": cells.quantity(sku.get("quantity")),
                "msku": str(sku.get("seller_sku") or "").strip() or None}
        if settled:
            return base.line(ctx, ("sku", base.statement_id, base.reference, sku_id), True, SKU_SPLIT, parts, **more)
        # Not settled yet: one estimate per order, as the 202507 list gives it (its SKU lines merged into it).
        return base.line(ctx, (UNSETTLED_FAMILY, base.reference), False, SPLIT, parts, **more)


def _sku_list(txn: dict) -> list[dict]:
    for key in _SKU_LISTS:
        found = _dicts(txn.get(key))
        if found:
            return found
    return []


def _add_remainder(line: Line, order: Split, order_items: list[Money],
                   skus: list[tuple[list[Money], Split]]) -> None:
    """The order's money its SKU lines do not carry, added to one SKU line, category by category."""
    stated = settlement_of(order_items)
    if stated is None:
        return
    remainder = stated - sum((parts.settlement for _, parts in skus), ZERO)
    if "unexplained" not in order.extra:  # the order's own fields itemise it: the remainder per category
        per_category = dict(order.amounts)
        for _, parts in skus:
            for category, amount in parts.amounts.items():
                per_category[category] = per_category.get(category, ZERO) - amount
        added = [(f"order-level {c}", c, a) for c, a in per_category.items() if a]
    elif remainder:  # only subtotals at order level (202501): what each subtotal has beyond its SKU lines
        added = []
        for subtotal, _, category in _COMPONENTS:
            own = _total_of(order_items, subtotal)
            rest = ZERO if own is None else own - sum((_total_of(i, subtotal) or ZERO for i, _ in skus), ZERO)
            if rest:
                added.append((f"order-level {subtotal}", category, rest))
        left = remainder - sum((a for _, _, a in added), ZERO)
        if left:
            added.append(("order-level unexplained", "other_income" if left > 0 else "other_platform_fee", left))
            line.extra["unexplained"] = str(Decimal(line.extra.get("unexplained", "0")) + left)
    else:
        return
    if not added:
        return
    for name, category, amount in added:
        line.amounts[category] = line.amounts.get(category, ZERO) + amount
        line.fields.append(SourceField(name, amount, category, True))
    line.amounts = {k: v for k, v in line.amounts.items() if v}
    line.settlement_amount += remainder
    line.extra["order_level_remainder"] = str(remainder)


def _total_of(items: list[Money], key: str) -> Decimal | None:
    found = [i.amount for i in items if i.key == key and not i.nested and not i.info]
    return sum(found, ZERO) if found else None


class UnsettledTransactions(_TransactionAdapter):
    """GET /finance/202507/orders/unsettled: orders and adjustments not settled yet, at estimated amounts."""

    name = "tiktok.open_api.unsettled"
    report_type = "api_unsettled"
    what = "unsettled transactions"

    def matches(self, data: dict, path: str) -> bool:
        if _unsettled_shape(data):
            return True
        return bool(_UNSETTLED_PATH.search(path)) and _dicts(data.get("transactions")) is not None

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        txns = data.get("transactions") or []
        total = money_of(data.get("sum_est_settlement_amount"), "sum_est_settlement_amount")
        if not txns and total is None:
            return self.result([], [], data)
        ctx = self.context(src, body, data, txns)
        lines = merge_same_keys([self.line(ctx, t, f"transactions[{i}]", False) for i, t in enumerate(txns)])
        totals: list[Stated] = []
        if total is not None:
            currency = ctx.currency or (lines[0].currency if lines else "")
            params = query_params(_request_url(src))
            scope = tuple((k, params[k]) for k in ("search_time_ge", "search_time_lt") if params.get(k))
            totals.append(Stated(ctx.store(currency), "on_hold", "", total, currency, src.captured_at, scope=scope))
        return self.result(lines, totals, data)


# More specific shapes first: unsettled and by-order responses also hold transaction lists.
ADAPTERS: tuple[_OpenApiAdapter, ...] = (
    UnsettledTransactions(), OrderTransactions(), StatementTransactions(), Statements(),
)

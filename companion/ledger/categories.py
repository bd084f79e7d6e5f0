"""Category keys of the profit model (part of the contract) and their groups."""

from __future__ import annotations

GROUPS: dict[str, tuple[str, ...]] = {
    "platform_income": (
        "sales", "promo_discount", "subsidy", "buyer_shipping", "other_income", "income_refund", "fee_refund",
    ),
    "platform_expense": (
        "platform_fee", "platform_logistics", "promotion_fee", "ad_fee", "adjustment", "storage_fee",
        "penalty", "other_platform_fee",
    ),
    "tax": ("sales_tax", "market_tax", "vat", "other_tax"),
    "custom_fees": ("product_other_fee", "store_other_fee", "order_other_fee"),
    "cost": ("purchase_cost", "first_leg_cost", "last_leg_cost", "other_cost"),
}

ALL: tuple[str, ...] = tuple(key for keys in GROUPS.values() for key in keys)

# Categories a platform's settlement data can carry; custom fees and costs come from the seller.
PLATFORM: tuple[str, ...] = GROUPS["platform_income"] + GROUPS["platform_expense"] + GROUPS["tax"]

GROUP_OF: dict[str, str] = {key: group for group, keys in GROUPS.items() for key in keys}

LABELS_ZH: dict[str, str] = {
    "sales": "销售额", "promo_discount": "促销折扣", "subsidy": "补贴金额", "buyer_shipping": "买家运费",
    "other_income": "其他收入", "income_refund": "收入退款额", "fee_refund": "费用退款额",
    "platform_fee": "平台费", "platform_logistics": "平台物流费", "promotion_fee": "推广费",
    "ad_fee": "广告费", "adjustment": "调整费", "storage_fee": "平台仓储费", "penalty": "平台罚款",
    "other_platform_fee": "平台其他费", "sales_tax": "销售税", "market_tax": "市场税", "vat": "增值税",
    "other_tax": "其他税费", "product_other_fee": "商品其他费", "store_other_fee": "店铺其他费",
    "order_other_fee": "订单其他费", "purchase_cost": "采购成本", "first_leg_cost": "头程成本",
    "last_leg_cost": "尾程成本", "other_cost": "其他成本",
}

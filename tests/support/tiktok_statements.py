"""A TikTok Open API statement as TikTok sends it (202309 statement transactions, every money field; no shop
anywhere), built by hand from the official field list: shared by the source tests and the tax report tests."""

from __future__ import annotations

from datetime import UTC, datetime

STMT = "7412300000000000001"


STATEMENT_AT = datetime(2025, 6, 10, tzinfo=UTC)


ORDER_AT = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def ts(when: datetime) -> int:
    return int(when.timestamp())


def zeros(*names: str) -> dict[str, str]:
    return dict.fromkeys(names, "0")


# Every money field of a 202309 transaction, "0" unless the transaction has it (as the API writes them).
FIELDS_202309 = (
    "actual_return_shipping_fee_amount", "actual_shipping_fee_amount", "adjustment_amount",
    "affiliate_ads_commission_amount", "affiliate_commission_amount", "affiliate_commission_before_pit",
    "affiliate_partner_commission_amount", "after_seller_discounts_subtotal_amount", "customer_order_refund_amount",
    "customer_paid_shipping_fee_amount", "customer_paid_shipping_fee_refund_amount", "customer_payment_amount",
    "customer_refund_amount", "customer_shipping_fee_amount", "customer_shipping_fee_offset_amount",
    "fbm_shipping_cost_amount", "fbt_fulfillment_fee_amount", "fbt_shipping_cost_amount", "fee_amount",
    "gross_sales_amount", "gross_sales_refund_amount", "net_sales_amount", "pit_amount", "platform_commission_amount",
    "platform_discount_amount", "platform_discount_refund_amount", "platform_refund_subsidy_amount",
    "platform_shipping_fee_discount_amount", "promo_shipping_incentive_amount", "referral_fee_amount",
    "refund_administration_fee_amount", "refund_shipping_cost_discount_amount", "retail_delivery_fee_amount",
    "retail_delivery_fee_payment_amount", "retail_delivery_fee_refund_amount", "return_shipping_fee_amount",
    "revenue_amount", "sales_tax_amount", "sales_tax_payment_amount", "sales_tax_refund_amount",
    "seller_discount_amount", "seller_discount_refund_amount", "settlement_amount", "shipping_cost_amount",
    "shipping_cost_discount_amount", "shipping_insurance_fee_amount", "signature_confirmation_fee_amount",
    "shipping_fee_subsidy_amount", "transaction_fee_amount",
)


def txn(id_: str, type_: str, currency: str = "USD", **money: str) -> dict:
    record = {"id": id_, "type": type_, "currency": currency, **zeros(*FIELDS_202309)}
    record.update(money)
    return record


def envelope(data: dict) -> dict:
    """As TikTok sends it: no shop anywhere."""
    return {"code": 0, "message": "Success", "request_id": "202506120800000A1B2C3D4E5F", "data": data}


MX_TXN = {**txn("7500000000000002001", "ORDER", "MXN", order_id="581200000000002001", gross_sales_amount="500.00",
                seller_discount_amount="-50.00", net_sales_amount="450.00", revenue_amount="450.00",
                customer_paid_shipping_fee_amount="99.00", customer_shipping_fee_amount="99.00",
                fbm_shipping_cost_amount="-99.00", shipping_cost_amount="0.00", referral_fee_amount="-36.00",
                transaction_fee_amount="-15.00", fee_amount="-51.00", isr_income_tax_amount="-4.50",
                iva_vat_amount="-36.00", platform_refund_subsidy_amount="12.00", settlement_amount="370.50"),
          "order_create_time": ts(ORDER_AT)}

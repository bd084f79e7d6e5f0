"""TikTok Open API finance responses: statements, transactions by statement and by order, unsettled orders.

The same money is written in both shapes the API has (202309 flat, 202501 nested) and must give the same
lines and category totals, to the cent."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.pipeline import ingest
from companion.sources import registry
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, SPLIT, SourceError, SourceInput
from tests.support.tables import US_HEADER, categories_match_settlement, csv_bytes, parse, totals, us_row

D = Decimal
SHOP = "7495100000000000001"
CIPHER = "ROW_mF3xAAAAAAB"
STMT = "7400000000000001"
STMT2 = "7400000000000002"
CAPTURED = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
STATEMENT_AT = datetime(2025, 10, 6, tzinfo=UTC)
REFUND_AT = datetime(2025, 10, 13, tzinfo=UTC)
ORDER_AT = datetime(2025, 9, 28, 15, 30, tzinfo=UTC)
HOST = "https://open-api.tiktokglobalshop.com"


def ts(when: datetime) -> int:
    return int(when.timestamp())


def capture(path: str, body: dict, query: str = f"shop_cipher={CIPHER}&shop_id={SHOP}") -> SourceInput:
    """A response the way the extension hands it over: the request URL (with its secrets) and the body."""
    url = f"{HOST}{path}?app_key=6abc&timestamp=1762171200&sign=SIGNATURE&access_token=TOKEN&{query}"
    return SourceInput("json", "tiktok", url, CAPTURED, {"request": {"method": "GET", "url": url, "body": None},
                                                         "status": 200, "body": body})


def saved(name: str, body: dict) -> SourceInput:
    """A response saved as a .json file and imported: no URL, only the file name."""
    return ingest.json_file_input(name, body, CAPTURED).src


def envelope(data: dict) -> dict:
    return {"code": 0, "message": "Success", "request_id": "20251103120000ABCDEF", "data": data}


def run(src: SourceInput, adapter_name: str):
    adapter = registry.detect(src)
    assert adapter is not None and adapter.name == adapter_name, adapter and adapter.name
    result = adapter.parse(src)
    categories_match_settlement(result)
    return result


def signature(result) -> list[tuple]:
    """What a line says about money and identity (field names differ between versions; amounts must not)."""
    return sorted((ln.key, ln.status, ln.detail, ln.reference, ln.order_id, ln.statement_id, ln.txn_type,
                   ln.currency, ln.settlement_amount, tuple(sorted(ln.amounts.items())), ln.sku_id, ln.quantity,
                   ln.order_time) for ln in result.lines)


# --------------------------------------------------------------------------------------------------------
# One statement of a US shop: three orders (one refunded), four adjustments. Settles 17.41.

def flat(**fields: str) -> dict:
    """A 202309 transaction: every amount written, as the API writes them (strings, "0" when nothing)."""
    base = {k: "0" for k in (
        "gross_sales_amount", "gross_sales_refund_amount", "seller_discount_amount", "seller_discount_refund_amount",
        "net_sales_amount", "revenue_amount", "shipping_cost_amount", "customer_paid_shipping_fee_amount",
        "customer_paid_shipping_fee_refund_amount", "shipping_fee_subsidy_amount", "tiktok_shop_shipping_incentive",
        "fbm_shipping_cost_amount", "fbt_shipping_cost_amount", "fbt_fulfillment_fee_amount",
        "fbt_fulfillment_fee_reimbursement_amount", "customer_shipping_fee_offset_amount", "actual_shipping_fee_amount",
        "return_shipping_fee_amount", "fee_amount", "transaction_fee_amount", "referral_fee_amount",
        "refund_administration_fee_amount", "affiliate_commission_amount", "affiliate_partner_commission_amount",
        "affiliate_ads_commission_amount", "cofunded_promotion_service_fee_amount", "adjustment_amount",
        "customer_payment_amount", "platform_discount_amount", "sales_tax_payment_amount", "sales_tax_refund_amount")}
    base.update(fields)
    return base


ORDER_1, ORDER_2, ORDER_3 = "576900000000000101", "576900000000000202", "576900000000000303"
ADJ = ["7123000000000000001", "7123000000000000002", "7123000000000000003", "7123000000000000004"]

TXNS_202309 = [
    {"id": "7500000000000000001", "type": "ORDER", "order_id": ORDER_1, "order_create_time": ts(ORDER_AT),
     "currency": "USD", "settlement_amount": "29.35",
     **flat(gross_sales_amount="40.00", seller_discount_amount="-4.00", net_sales_amount="36.00",
            revenue_amount="36.00", customer_paid_shipping_fee_amount="5.99", fbm_shipping_cost_amount="-5.99",
            shipping_fee_subsidy_amount="1.00", tiktok_shop_shipping_incentive="1.00", shipping_cost_amount="1.00",
            fee_amount="-7.65", transaction_fee_amount="-1.17", referral_fee_amount="-2.88",
            affiliate_commission_amount="-3.60", customer_payment_amount="40.99", platform_discount_amount="2.00",
            sales_tax_payment_amount="3.20"),
     "new_program_fee_amount": "0", "is_cod": False, "future_block": {"note": "kept"}},
    {"id": "7500000000000000002", "type": "ORDER", "order_id": ORDER_2, "order_create_time": ts(ORDER_AT),
     "currency": "USD", "settlement_amount": "-13.59",
     **flat(gross_sales_amount="25.00", gross_sales_refund_amount="-25.00", seller_discount_amount="-2.50",
            seller_discount_refund_amount="2.50", customer_paid_shipping_fee_amount="4.99",
            customer_paid_shipping_fee_refund_amount="-4.99", fbm_shipping_cost_amount="-4.99",
            return_shipping_fee_amount="-6.20", shipping_cost_amount="-11.19", fee_amount="-2.40",
            referral_fee_amount="-2.00", refund_administration_fee_amount="-0.40")},
    {"id": "7500000000000000003", "type": "ORDER", "order_id": ORDER_3, "order_create_time": ts(ORDER_AT),
     "currency": "USD", "settlement_amount": "40.30",
     **flat(gross_sales_amount="60.00", net_sales_amount="60.00", revenue_amount="60.00",
            actual_shipping_fee_amount="-9.15", fbt_shipping_cost_amount="-7.50", fbt_fulfillment_fee_amount="-3.25",
            fbt_fulfillment_fee_reimbursement_amount="1.10", customer_shipping_fee_offset_amount="0.50",
            shipping_cost_amount="-9.15", fee_amount="-10.55", transaction_fee_amount="-1.74",
            referral_fee_amount="-4.80", cofunded_promotion_service_fee_amount="-1.20",
            affiliate_ads_commission_amount="-0.93", affiliate_partner_commission_amount="-0.78"),
     "campaign_resource_fee": "-0.60", "eco_packaging_fee_amount": "-0.50"},
    {"id": "7500000000000000004", "type": "WAREHOUSE_SERVICE_FEE", "adjustment_id": ADJ[0], "currency": "USD",
     "settlement_amount": "-12.40", **flat(adjustment_amount="-12.40")},
    {"id": "7500000000000000005", "type": "CHARGE_BACK", "adjustment_id": ADJ[1], "adjustment_order_id":
        "576900000000000404", "currency": "USD", "settlement_amount": "-25.00", **flat(adjustment_amount="-25.00")},
    {"id": "7500000000000000006", "type": "PLATFORM_PENALTY", "adjustment_id": ADJ[2], "currency": "USD",
     "settlement_amount": "-5.00", **flat(adjustment_amount="-5.00")},
    {"id": "7500000000000000007", "type": "LOGISTICS_REIMBURSEMENT", "adjustment_id": ADJ[3], "currency": "USD",
     "settlement_amount": "3.75", **flat(adjustment_amount="3.75")},
]


def nested(revenue: dict, shipping: dict, fee: dict, tax: dict | None = None, supplementary: dict | None = None,
           **top: str) -> dict:
    """A 202501 transaction: the same money under its breakdowns."""
    revenue_total = sum((D(v) for v in revenue.values()), D(0))
    shipping_total = sum((D(v) for k, v in shipping.items() if k != "supplementary_component"), D(0))
    fee_total = sum((D(v) for v in [*fee.values(), *(tax or {}).values()]), D(0))
    return {"revenue_amount": str(revenue_total), "revenue_breakdown": revenue,
            "shipping_cost_amount": str(shipping_total), "shipping_cost_breakdown": shipping,
            "fee_tax_amount": str(fee_total), "fee_tax_breakdown": {"fee": fee, "tax": tax or {}},
            "supplementary_component": supplementary or {}, **top}


TXNS_202501 = [
    {"id": "7500000000000000001", "type": "ORDER", "order_id": ORDER_1, "order_create_time": ts(ORDER_AT),
     "settlement_amount": "29.35",
     **nested({"subtotal_before_discount_amount": "40.00", "seller_discount_amount": "-4.00",
               "refund_subtotal_before_discount_amount": "0", "seller_discount_refund_amount": "0"},
              {"customer_paid_shipping_fee_amount": "5.99", "actual_shipping_fee_amount": "-5.99",
               "shipping_fee_discount_amount": "1.00", "return_shipping_fee_amount": "0",
               "supplementary_component": {"fbm_shipping_cost_amount": "-5.99", "shipping_fee_subsidy_amount": "1.00",
                                           "platform_shipping_fee_discount_amount": "0"}},
              {"transaction_fee_amount": "-1.17", "referral_fee_amount": "-2.88",
               "affiliate_commission_amount": "-3.60", "affiliate_commission_amount_before_pit": "-3.60"},
              supplementary={"customer_payment_amount": "40.99", "platform_discount_amount": "2.00",
                             "sales_tax_payment_amount": "3.20", "sales_tax_refund_amount": "0"})},
    {"id": "7500000000000000002", "type": "ORDER", "order_id": ORDER_2, "order_create_time": ts(ORDER_AT),
     "settlement_amount": "-13.59",
     **nested({"subtotal_before_discount_amount": "25.00", "seller_discount_amount": "-2.50",
               "refund_subtotal_before_discount_amount": "-25.00", "seller_discount_refund_amount": "2.50"},
              {"customer_paid_shipping_fee_amount": "0", "actual_shipping_fee_amount": "-4.99",
               "return_shipping_fee_amount": "-6.20"},
              {"referral_fee_amount": "-2.00", "refund_administration_fee_amount": "-0.40"})},
    {"id": "7500000000000000003", "type": "ORDER", "order_id": ORDER_3, "order_create_time": ts(ORDER_AT),
     "settlement_amount": "40.30",
     **nested({"subtotal_before_discount_amount": "60.00", "seller_discount_amount": "0"},
              {"actual_shipping_fee_amount": "-9.15", "supplementary_component": {
                  "fbt_shipping_cost_amount": "-7.50", "fbt_fulfillment_fee_amount": "-3.25",
                  "fbt_fulfillment_fee_reimbursement_amount": "1.10", "customer_shipping_fee_offset_amount": "0.50"}},
              {"transaction_fee_amount": "-1.74", "referral_fee_amount": "-4.80",
               "cofunded_promotion_service_fee_amount": "-1.20", "affiliate_ads_commission_amount": "-0.93",
               "affiliate_partner_commission_amount": "-0.78", "campaign_resource_fee": "-0.60",
               "eco_packaging_fee_amount": "-0.50"})},
    {"id": "7500000000000000004", "type": "WAREHOUSE_SERVICE_FEE", "adjustment_id": ADJ[0],
     "settlement_amount": "-12.40", "adjustment_amount": "-12.40", "revenue_amount": "0", "fee_tax_amount": "0"},
    {"id": "7500000000000000005", "type": "CHARGE_BACK", "adjustment_id": ADJ[1],
     "adjustment_order_id": "576900000000000404", "settlement_amount": "-25.00", "adjustment_amount": "-25.00"},
    {"id": "7500000000000000006", "type": "PLATFORM_PENALTY", "adjustment_id": ADJ[2],
     "settlement_amount": "-5.00", "adjustment_amount": "-5.00"},
    # Told only by its settlement amount: the whole of it is the adjustment.
    {"id": "7500000000000000007", "type": "LOGISTICS_REIMBURSEMENT", "adjustment_id": ADJ[3],
     "settlement_amount": "3.75"},
]

STATEMENT_TOTALS = {
    "sales": D("125.00"), "promo_discount": D("-5.50"), "buyer_shipping": D("5.99"), "income_refund": D("-22.50"),
    "platform_logistics": D("-26.33"), "other_platform_fee": D("-5.21"), "promotion_fee": D("-10.08"),
    "platform_fee": D("-4.38"), "ad_fee": D("-0.93"), "storage_fee": D("-12.40"), "adjustment": D("-21.25"),
    "penalty": D("-5.00"), "settlement_amount": D("17.41"),
}


def by_statement_202309() -> SourceInput:
    data = {"statement_transactions": copy.deepcopy(TXNS_202309), "next_page_token": "", "total_count": 7,
            "currency": "USD"}
    return capture(f"/finance/202309/statements/{STMT}/statement_transactions", envelope(data),
                   f"shop_cipher={CIPHER}&shop_id={SHOP}&page_size=50&sort_field=order_create_time")


def by_statement_202501(shop: bool = True) -> SourceInput:
    data = {"id": STMT, "create_time": ts(STATEMENT_AT), "currency": "USD", "status": "PAID",
            "total_settlement_amount": "17.41", "total_reserve_amount": "0",
            "total_settlement_breakdown": {"total_revenue_amount": "138.50", "total_shipping_cost_amount": "-21.34",
                                           "total_fee_tax_amount": "-25.10", "total_adjustment_amount": "-38.65"},
            "transactions": copy.deepcopy(TXNS_202501), "next_page_token": "b2Zmc2V0PTc=", "total_count": 7}
    body = envelope(data)
    if shop:
        body["shop_id"] = SHOP
    return saved(f"statement_{STMT}_transactions.json", body)


def test_transactions_by_statement_202309_capture():
    result = run(by_statement_202309(), "tiktok.open_api.statement_transactions")
    assert result.report_type == "api_transactions"
    assert totals(result) == STATEMENT_TOTALS
    assert result.stated == {"next_page_token": "", "total_count": 7, "has_more": False}
    assert result.totals == []  # a 202309 page states no statement total
    by_ref = {ln.reference: ln for ln in result.lines}
    assert [ln.key for ln in result.lines] == [("split", STMT, r) for r in (ORDER_1, ORDER_2, ORDER_3, *ADJ)]
    assert {ln.detail for ln in result.lines} == {SPLIT} and {ln.status for ln in result.lines} == {SETTLED}

    first = by_ref[ORDER_1]
    store = first.store
    assert (store.platform, store.external_id, store.currency, store.timezone) == ("tiktok", SHOP, "USD", "UTC")
    assert first.order_id == ORDER_1 and first.statement_id == STMT and first.txn_type == "ORDER"
    assert first.order_time == ORDER_AT
    assert first.settled_time == CAPTURED and first.settled_time_approx  # no statement time on this page
    assert first.amounts == {"sales": D("40.00"), "promo_discount": D("-3.00"), "buyer_shipping": D("5.99"),
                             "platform_logistics": D("-5.99"), "other_platform_fee": D("-1.17"),
                             "promotion_fee": D("-2.88"), "platform_fee": D("-3.60")}
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in first.fields}
    assert fields["shipping_fee_subsidy_amount"] == (D("1.00"), "promo_discount", False)
    # The incentive is part of the subsidy (seed): drill-down only. Subtotals and buyer money: never counted.
    assert fields["tiktok_shop_shipping_incentive"] == (D("1.00"), None, False)
    for name in ("revenue_amount", "net_sales_amount", "fee_amount", "shipping_cost_amount",
                 "customer_payment_amount", "platform_discount_amount"):
        assert fields[name][1] is None, name
    # US sales tax: TikTok remits it, the settlement leaves it out, so it is kept but not counted.
    assert fields["sales_tax_payment_amount"] == (D("3.20"), None, False)
    assert "new_program_fee_amount" not in fields  # zero amounts are not drill-down
    assert first.extra == {"transaction_id": "7500000000000000001", "is_cod": "False"}

    fbt = by_ref[ORDER_3]
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in fbt.fields}
    assert fields["actual_shipping_fee_amount"] == (D("-9.15"), "platform_logistics", False)
    assert fields["fbt_shipping_cost_amount"] == (D("-7.50"), None, False)  # a part of the actual shipping fee
    assert fields["campaign_resource_fee"] == (D("-0.60"), "other_platform_fee", True)  # nearest category
    # A fee no table knows, counted because it is exactly what the settlement needs.
    assert fields["eco_packaging_fee_amount"] == (D("-0.50"), "other_platform_fee", True)
    assert "unexplained" not in fbt.extra

    adjustments = [by_ref[a] for a in ADJ]
    assert [(a.txn_type, a.amounts, a.order_id) for a in adjustments] == [
        ("WAREHOUSE_SERVICE_FEE", {"storage_fee": D("-12.40")}, None),
        ("CHARGE_BACK", {"adjustment": D("-25.00")}, "576900000000000404"),
        ("PLATFORM_PENALTY", {"penalty": D("-5.00")}, None),
        ("LOGISTICS_REIMBURSEMENT", {"adjustment": D("3.75")}, None),
    ]


def test_transactions_by_statement_202501_saved_file_gives_the_same_lines():
    old = run(by_statement_202309(), "tiktok.open_api.statement_transactions")
    new = run(by_statement_202501(), "tiktok.open_api.statement_transactions")
    assert totals(new) == STATEMENT_TOTALS
    assert signature(new) == signature(old)
    assert {ln.settled_time for ln in new.lines} == {STATEMENT_AT}
    assert not any(ln.settled_time_approx for ln in new.lines)
    assert new.stated == {"next_page_token": "b2Zmc2V0PTc=", "total_count": 7, "has_more": True}
    [stated] = new.totals
    assert (stated.kind, stated.ref, stated.amount, stated.currency, stated.at) == (
        "statement", STMT, D("17.41"), "USD", STATEMENT_AT)
    assert dict(stated.scope) == {"revenue": "138.5", "fee": "-25.1", "adjustment": "-38.65", "shipping": "-21.34",
                                  "reserve": "0"}
    first = next(ln for ln in new.lines if ln.reference == ORDER_1)
    fields = {f.name: (f.amount, f.category) for f in first.fields}
    assert fields["shipping_fee_discount_amount"] == (D("1.00"), "promo_discount")
    assert fields["supplementary_component.shipping_fee_subsidy_amount"] == (D("1.00"), None)
    assert fields["supplementary_component.sales_tax_payment_amount"] == (D("3.20"), None)
    assert fields["affiliate_commission_amount_before_pit"] == (D("-3.60"), None)
    reimbursement = next(ln for ln in new.lines if ln.reference == ADJ[3])
    assert [(f.name, f.amount, f.category) for f in reimbursement.fields] == [
        ("settlement_amount", D("3.75"), "adjustment")]


def test_the_same_response_gives_the_same_keys_and_a_capture_without_shop_is_refused():
    assert signature(run(by_statement_202501(), "tiktok.open_api.statement_transactions")) == signature(
        run(by_statement_202501(), "tiktok.open_api.statement_transactions"))
    src = capture(f"/finance/202309/statements/{STMT}/statement_transactions",
                  envelope({"statement_transactions": copy.deepcopy(TXNS_202309[:1])}), "page_size=50")
    with pytest.raises(SourceError, match=r"^the statement transactions response names no shop .*--account STORE$"):
        registry.detect(src).parse(src)


def test_shop_cipher_names_the_store_when_there_is_no_shop_id():
    src = capture(f"/finance/202309/statements/{STMT}/statement_transactions",
                  envelope({"statement_transactions": copy.deepcopy(TXNS_202309[:1])}), f"shop_cipher={CIPHER}")
    assert run(src, "tiktok.open_api.statement_transactions").lines[0].store.external_id == CIPHER


# --------------------------------------------------------------------------------------------------------
# Statements.

def test_statements():
    data = {"statements": [
        {"id": STMT, "statement_time": ts(STATEMENT_AT), "settlement_amount": "17.41", "currency": "USD",
         "revenue_amount": "138.50", "fee_amount": "-25.10", "adjustment_amount": "-38.65",
         "shipping_cost_amount": "-21.34", "net_sales_amount": "102.50", "payment_status": "PAID",
         "payment_id": "PAY0001", "new_field": "x"},
        {"id": STMT2, "statement_time": ts(REFUND_AT), "settlement_amount": "-5.40", "currency": "USD",
         "revenue_amount": "-6.00", "fee_amount": "0.60", "adjustment_amount": "0", "shipping_cost_amount": "0",
         "net_sales_amount": "-6.00", "payment_status": "PROCESSING"},
    ], "next_page_token": "cGFnZT0y"}
    src = capture("/finance/202309/statements", envelope(data),
                  f"shop_id={SHOP}&statement_time_ge=1759276800&sort_field=statement_time")
    result = run(src, "tiktok.open_api.statements")
    assert result.lines == [] and result.report_type == "api_statements"
    assert result.stated == {"next_page_token": "cGFnZT0y", "has_more": True}
    assert [(s.kind, s.ref, s.amount, s.currency, s.at, s.store.external_id) for s in result.totals] == [
        ("statement", STMT, D("17.41"), "USD", STATEMENT_AT, SHOP),
        ("statement", STMT2, D("-5.40"), "USD", REFUND_AT, SHOP)]
    assert result.totals[0].scope == (("revenue", "138.5"), ("fee", "-25.1"), ("adjustment", "-38.65"),
                                      ("shipping", "-21.34"), ("net_sales", "102.5"), ("payment_id", "PAY0001"),
                                      ("payment_status", "PAID"))


@pytest.mark.parametrize("mutate, message", [
    (lambda s: s.pop("settlement_amount"), r"statements\[0\] has no settlement_amount"),
    (lambda s: s.update(settlement_amount="17,4x1"), r"statements\[0\] settlement_amount"),
    (lambda s: s.update(id=7.4e15), "float"),
    (lambda s: s.pop("currency"), "no currency"),
    (lambda s: s.update(statement_time="yesterday"), "not a Unix time"),
    (lambda s: s.update(statement_time=10**30), "not a Unix time"),
])
def test_bad_statements_are_one_clear_error(mutate, message):
    statement = {"id": STMT, "statement_time": ts(STATEMENT_AT), "settlement_amount": "17.41", "currency": "USD"}
    mutate(statement)
    src = capture("/finance/202309/statements", envelope({"statements": [statement]}))
    with pytest.raises(SourceError, match=message):
        registry.detect(src).parse(src)


def test_error_code_is_an_error():
    body = {"code": 36009004, "message": "Invalid access token", "data": {"statements": []}}
    src = capture("/finance/202309/statements", body)
    with pytest.raises(SourceError, match="36009004.*Invalid access token"):
        registry.detect(src).parse(src)


# --------------------------------------------------------------------------------------------------------
# Transactions by order, with SKU lines.

SKU_A, SKU_B = "1729000000000000001", "1729000000000000002"


def by_order_202309() -> SourceInput:
    order_money = copy.deepcopy(TXNS_202309[0])
    for key in ("id", "type", "order_id", "order_create_time", "new_program_fee_amount", "is_cod", "future_block"):
        order_money.pop(key)
    data = {"order_id": ORDER_1, "order_create_time": ts(ORDER_AT), "statement_transactions": [
        {"id": "7500000000000000001", "type": "ORDER", "statement_id": STMT, "statement_time": ts(STATEMENT_AT),
         "status": "SETTLED", **order_money,
         "sku_statement_transactions": [
             {"sku_id": SKU_A, "sku_name": "Red, 350ml", "product_name": "Enamel mug", "quantity": 2,
              "currency": "USD", "settlement_amount": "17.56",
              **flat(gross_sales_amount="28.00", seller_discount_amount="-4.00", revenue_amount="24.00",
                     transaction_fee_amount="-0.82", referral_fee_amount="-2.02",
                     affiliate_commission_amount="-3.60", fee_amount="-6.44")},
             {"sku_id": SKU_B, "sku_name": "Blue, 350ml", "product_name": "Enamel mug", "quantity": 1,
              "currency": "USD", "settlement_amount": "10.79",
              **flat(gross_sales_amount="12.00", revenue_amount="12.00", transaction_fee_amount="-0.35",
                     referral_fee_amount="-0.86", fee_amount="-1.21")}]},
        {"id": "7500000000000000009", "type": "ORDER", "statement_id": STMT2, "statement_time": ts(REFUND_AT),
         "status": "SETTLED", "currency": "USD", "settlement_amount": "-5.40",
         **flat(gross_sales_refund_amount="-6.00", referral_fee_amount="0.43", transaction_fee_amount="0.17"),
         "sku_statement_transactions": [
             {"sku_id": SKU_B, "sku_name": "Blue, 350ml", "product_name": "Enamel mug", "quantity": 1,
              "currency": "USD", "settlement_amount": "-5.40",
              **flat(gross_sales_refund_amount="-6.00", referral_fee_amount="0.43", transaction_fee_amount="0.17")}]},
    ]}
    return capture(f"/finance/202309/orders/{ORDER_1}/statement_transactions", envelope(data))


def by_order_202501() -> dict:
    """202501: the order's SKU transactions carry all its money (shipping included), the root its totals."""
    skus = [
        {"sku_id": SKU_A, "sku_name": "Red, 350ml", "product_name": "Enamel mug", "quantity": "2",
         "statement_id": STMT, "statement_time": ts(STATEMENT_AT), "settlement_amount": "18.56",
         **nested({"subtotal_before_discount_amount": "28.00", "seller_discount_amount": "-4.00"},
                  {"customer_paid_shipping_fee_amount": "5.99", "actual_shipping_fee_amount": "-5.99",
                   "shipping_fee_discount_amount": "1.00"},
                  {"transaction_fee_amount": "-0.82", "referral_fee_amount": "-2.02",
                   "affiliate_commission_amount": "-3.60"})},
        {"sku_id": SKU_B, "sku_name": "Blue, 350ml", "product_name": "Enamel mug", "quantity": "1",
         "statement_id": STMT, "statement_time": ts(STATEMENT_AT), "settlement_amount": "10.79",
         **nested({"subtotal_before_discount_amount": "12.00"}, {},
                  {"transaction_fee_amount": "-0.35", "referral_fee_amount": "-0.86"})},
        {"sku_id": SKU_B, "sku_name": "Blue, 350ml", "product_name": "Enamel mug", "quantity": "1",
         "statement_id": STMT2, "statement_time": ts(REFUND_AT), "settlement_amount": "-5.40",
         **nested({"refund_subtotal_before_discount_amount": "-6.00"}, {},
                  {"transaction_fee_amount": "0.17", "referral_fee_amount": "0.43"})},
    ]
    return {"order_id": ORDER_1, "order_create_time": ts(ORDER_AT), "currency": "USD", "total_count": 3,
            "revenue_amount": "30.00", "shipping_cost_amount": "1.00", "fee_and_tax_amount": "-7.05",
            "settlement_amount": "23.95", "sku_transactions": skus}


ORDER_LINES = {
    ("sku", STMT, ORDER_1, SKU_A): (D("18.56"), {"sales": D("28.00"), "promo_discount": D("-3.00"),
                                                 "buyer_shipping": D("5.99"), "platform_logistics": D("-5.99"),
                                                 "other_platform_fee": D("-0.82"), "promotion_fee": D("-2.02"),
                                                 "platform_fee": D("-3.60")}, 2),
    ("sku", STMT, ORDER_1, SKU_B): (D("10.79"), {"sales": D("12.00"), "other_platform_fee": D("-0.35"),
                                                 "promotion_fee": D("-0.86")}, 1),
    ("sku", STMT2, ORDER_1, SKU_B): (D("-5.40"), {"income_refund": D("-6.00"), "other_platform_fee": D("0.17"),
                                                  "promotion_fee": D("0.43")}, 1),
}


def test_transactions_by_order_202309_split_per_sku_with_order_level_money_on_the_first_sku():
    result = run(by_order_202309(), "tiktok.open_api.order_transactions")
    assert result.report_type == "api_order_transactions"
    assert {ln.key: (ln.settlement_amount, ln.amounts, ln.quantity) for ln in result.lines} == ORDER_LINES
    assert {ln.detail for ln in result.lines} == {SKU_SPLIT}
    first = result.lines[0]
    assert (first.sku_id, first.sku_name, first.order_id, first.reference, first.order_time) == (
        SKU_A, "Red, 350ml", ORDER_1, ORDER_1, ORDER_AT)
    assert first.extra["product_name"] == "Enamel mug" and first.extra["order_level_remainder"] == "1.00"
    # The order's shipping is not on its SKU lines: it lands on the first one, under its own names.
    assert sorted((f.name, f.amount, f.category) for f in first.fields if f.name.startswith("order-level")) == [
        ("order-level buyer_shipping", D("5.99"), "buyer_shipping"),
        ("order-level platform_logistics", D("-5.99"), "platform_logistics"),
        ("order-level promo_discount", D("1.00"), "promo_discount")]
    assert [ln.settled_time for ln in result.lines] == [STATEMENT_AT, STATEMENT_AT, REFUND_AT]
    assert totals(result)["settlement_amount"] == D("23.95")


def test_transactions_by_order_202501_gives_the_same_lines():
    new = run(saved("order_576900000000000101.json", {**envelope(by_order_202501()), "shop_id": SHOP}),
              "tiktok.open_api.order_transactions")
    old = run(by_order_202309(), "tiktok.open_api.order_transactions")
    assert signature(new) == signature(old)
    assert totals(new) == totals(old)
    assert new.stated == {"total_count": 3, "has_more": False}


def test_202501_order_total_beyond_its_sku_lines_goes_to_the_first_sku_by_subtotal():
    data = by_order_202501()
    data["shipping_cost_amount"], data["settlement_amount"] = "-2.00", "20.95"  # 3.00 of shipping at order level
    src = capture(f"/finance/202501/orders/{ORDER_1}/statement_transactions", envelope(data))
    result = run(src, "tiktok.open_api.order_transactions")
    first = result.lines[0]
    assert first.settlement_amount == D("15.56") and first.amounts["platform_logistics"] == D("-8.99")
    assert [(f.name, f.amount, f.category, f.unmapped) for f in first.fields if f.name.startswith("order-")] == [
        ("order-level shipping_cost", D("-3.00"), "platform_logistics", True)]
    assert totals(result)["settlement_amount"] == D("20.95")


def test_sku_lines_without_money_keep_the_order_money_on_the_first_and_zero_on_the_others():
    order_money = copy.deepcopy(TXNS_202309[0])
    for key in ("id", "order_id", "order_create_time", "new_program_fee_amount", "is_cod", "future_block"):
        order_money.pop(key)
    data = {"order_id": ORDER_1, "statement_transactions": [
        {**order_money, "statement_id": STMT, "statement_time": ts(STATEMENT_AT), "sku_statement_transactions": [
            {"sku_id": SKU_A, "sku_name": "Red", "product_name": "Enamel mug", "quantity": 2},
            {"sku_id": SKU_B, "sku_name": "Blue", "product_name": "Enamel mug", "quantity": 1}]}]}
    result = run(capture(f"/finance/202309/orders/{ORDER_1}/statement_transactions", envelope(data)),
                 "tiktok.open_api.order_transactions")
    assert [(ln.key, ln.settlement_amount, ln.quantity, ln.detail) for ln in result.lines] == [
        (("sku", STMT, ORDER_1, SKU_A), D("29.35"), 2, SKU_SPLIT),
        (("sku", STMT, ORDER_1, SKU_B), D("0"), 1, SKU_SPLIT)]
    statement = run(by_statement_202309(), "tiktok.open_api.statement_transactions")
    assert result.lines[0].amounts == next(ln.amounts for ln in statement.lines if ln.reference == ORDER_1)
    assert result.lines[1].amounts == {} and result.lines[1].sku_name == "Blue"


def test_by_order_keys_are_the_settlement_exports_keys():
    """The API and the export of one statement write the same natural keys: one line per SKU, never two."""
    rows = [US_HEADER,
            us_row(statement=STMT, type="Order", id=ORDER_1, sku=SKU_A, qty="2", total="18.56", gross="28.00"),
            us_row(statement=STMT, type="Order", id=ORDER_1, sku=SKU_B, qty="1", total="10.79", gross="12.00"),
            us_row(statement=STMT2, type="Order", id=ORDER_1, sku=SKU_B, qty="1", total="-5.40", gross_refund="-6.00")]
    export = parse("TikTok_Shop1_settlement_2025-10.csv", csv_bytes(rows), account=SHOP)
    api = run(by_order_202309(), "tiktok.open_api.order_transactions")
    assert {ln.key for ln in export.lines} == {ln.key for ln in api.lines} == set(ORDER_LINES)
    assert {ln.detail for ln in export.lines} == {ln.detail for ln in api.lines} == {SKU_SPLIT}


def test_an_unsettled_by_order_transaction_is_one_estimate_per_order():
    data = {"order_id": ORDER_1, "statement_transactions": [
        {"id": "7500000000000000010", "type": "ORDER", "statement_id": "", "status": "UNSETTLED", "currency": "USD",
         "settlement_amount": "27.95", **flat(gross_sales_amount="30.00", referral_fee_amount="-2.05"),
         "sku_statement_transactions": [
             {"sku_id": SKU_A, "quantity": 1, "settlement_amount": "18.45",
              **flat(gross_sales_amount="20.00", referral_fee_amount="-1.55")},
             {"sku_id": SKU_B, "quantity": 1, "settlement_amount": "9.50",
              **flat(gross_sales_amount="10.00", referral_fee_amount="-0.50")}]}]}
    result = run(capture(f"/finance/202309/orders/{ORDER_1}/statement_transactions", envelope(data)),
                 "tiktok.open_api.order_transactions")
    [line] = result.lines
    assert (line.key, line.status, line.detail, line.settlement_amount, line.quantity, line.settled_time) == (
        ("unsettled_api", ORDER_1), IN_TRANSIT, SPLIT, D("27.95"), 2, None)
    assert line.amounts == {"sales": D("30.00"), "promotion_fee": D("-2.05")}
    assert line.extra["merged"] == "2"


# --------------------------------------------------------------------------------------------------------
# Unsettled orders (202507).

def unsettled() -> SourceInput:
    data = {"next_page_token": "", "total_count": 2, "sum_est_settlement_amount": "23.06",
            "sum_est_revenue_amount": "27.99", "sum_est_fee_amount": "-4.93", "sum_est_adjustment_amount": "0",
            "transactions": [
                {"id": "7600000000000000001", "type": "ORDER", "order_id": "576900000000000505",
                 "order_create_time": ts(ORDER_AT), "currency": "USD", "status": "UNSETTLED",
                 "unsettled_reason": "WAITING_FOR_PACKAGE_DELIVERY", "estimated_settlement": "Delivered + 8 days",
                 "est_revenue_amount": "18.00", "est_fee_tax_amount": "-3.69", "est_shipping_cost_amount": "0",
                 "est_settlement_amount": "14.31",
                 "revenue_breakdown": {"subtotal_before_discount_amount": "20.00", "seller_discount_amount": "-2.00"},
                 "fee_tax_breakdown": {"fee": {"transaction_fee_amount": "-0.54", "referral_fee_amount": "-1.44",
                                               "affiliate_commission_amount": "-1.71"},
                                       "tax": {"sales_tax_payment_amount": "1.44"}},
                 "shipping_cost_breakdown": {}},
                {"id": "7600000000000000002", "type": "ORDER", "order_id": "576900000000000606",
                 "order_create_time": ts(ORDER_AT), "currency": "USD", "status": "UNSETTLED",
                 "unsettled_reason": "WAITING_FOR_SETTLEMENT", "est_settlement_amount": "8.75",
                 "revenue_breakdown": {"subtotal_before_discount_amount": "9.99"},
                 "shipping_cost_breakdown": {"customer_paid_shipping_fee_amount": "4.99",
                                             "actual_shipping_fee_amount": "-4.99"},
                 "fee_tax_breakdown": {"fee": {"transaction_fee_amount": "-0.44", "referral_fee_amount": "-0.80"}}},
            ]}
    return capture("/finance/202507/orders/unsettled", envelope(data),
                   f"shop_id={SHOP}&search_time_ge=1759276800&search_time_lt=1761955200&sort_field=order_create_time")


def test_unsettled_orders_are_in_transit_estimates():
    result = run(unsettled(), "tiktok.open_api.unsettled")
    assert result.report_type == "api_unsettled"
    assert [(ln.key, ln.status, ln.detail, ln.settlement_amount, ln.settled_time, ln.statement_id)
            for ln in result.lines] == [
        (("unsettled_api", "576900000000000505"), IN_TRANSIT, SPLIT, D("14.31"), None, None),
        (("unsettled_api", "576900000000000606"), IN_TRANSIT, SPLIT, D("8.75"), None, None)]
    assert totals(result) == {"sales": D("29.99"), "promo_discount": D("-2.00"), "buyer_shipping": D("4.99"),
                              "platform_logistics": D("-4.99"), "other_platform_fee": D("-0.98"),
                              "promotion_fee": D("-2.24"), "platform_fee": D("-1.71"),
                              "settlement_amount": D("23.06")}
    first = result.lines[0]
    assert first.extra["unsettled_reason"] == "WAITING_FOR_PACKAGE_DELIVERY"
    assert first.extra["estimated_settlement"] == "Delivered + 8 days"
    assert ("sales_tax_payment_amount", D("1.44"), None) in [(f.name, f.amount, f.category) for f in first.fields]
    [held] = result.totals
    assert (held.kind, held.ref, held.amount, held.currency, held.at, held.scope) == (
        "on_hold", "", D("23.06"), "USD", CAPTURED,
        (("search_time_ge", "1759276800"), ("search_time_lt", "1761955200")))


# --------------------------------------------------------------------------------------------------------
# Money the tables do not explain, taxes the settlement includes, recognition, bad input.

def one_transaction(**fields) -> SourceInput:
    txn = {"id": "7500000000000000099", "type": "ORDER", "order_id": "576900000000000999", "currency": "GBP",
           **fields}
    return capture(f"/finance/202309/statements/{STMT}/statement_transactions",
                   envelope({"statement_transactions": [txn]}))


def test_a_tax_the_settlement_includes_is_counted():
    src = one_transaction(settlement_amount="11.20", gross_sales_amount="10.00", sales_tax_amount="1.20",
                          sales_tax_payment_amount="1.20", referral_fee_amount="0")
    line = run(src, "tiktok.open_api.statement_transactions").lines[0]
    assert line.amounts == {"sales": D("10.00"), "sales_tax": D("1.20")}
    assert [(f.name, f.category) for f in line.fields if f.name.startswith("sales_tax")] == [
        ("sales_tax_amount", "sales_tax"), ("sales_tax_payment_amount", None)]


def test_money_nothing_explains_is_counted_as_unexplained_and_said():
    src = one_transaction(settlement_amount="9.00", gross_sales_amount="10.00", mystery_amount="-0.40",
                          other_mystery_amount="-0.10")
    line = run(src, "tiktok.open_api.statement_transactions").lines[0]
    assert line.amounts == {"sales": D("10.00"), "other_platform_fee": D("-1.00")}
    assert line.extra["unexplained"] == "-1.00"
    fields = {f.name: (f.amount, f.category, f.unmapped) for f in line.fields}
    assert fields["unexplained"] == (D("-1.00"), "other_platform_fee", True)
    assert fields["mystery_amount"] == (D("-0.40"), None, True)  # kept, not counted: it does not explain it all


def test_saved_json_files_are_recognised_by_content():
    cases = {
        "statements.json": ({"statements": [{"id": STMT, "statement_time": 1, "settlement_amount": "1",
                                             "currency": "USD"}]}, "tiktok.open_api.statements"),
        "transactions.json": ({"transactions": TXNS_202501[:1]}, "tiktok.open_api.statement_transactions"),
        "order.json": (by_order_202501(), "tiktok.open_api.order_transactions"),
        "unsettled.json": ({"transactions": [{"order_id": "1", "est_settlement_amount": "1"}]},
                           "tiktok.open_api.unsettled"),
    }
    for name, (data, expected) in cases.items():
        for body in (envelope(data), data):  # with or without the response envelope
            adapter = registry.detect(saved(name, body))
            assert adapter is not None and adapter.name == expected, (name, adapter)


@pytest.mark.parametrize("body", [
    {"code": 0, "data": {"orders": [{"id": "576900000000000101", "status": "COMPLETED"}], "next_page_token": ""}},
    {"code": 0, "data": {"statements": "none"}},
    {"code": 0, "data": {"transactions": [1, 2]}},
    {"code": 0, "data": {"shops": [{"id": SHOP, "cipher": CIPHER}]}},
    {"success": True, "errorCode": 1000000, "result": {"resultList": []}},
    {"foo": 1},
])
def test_other_json_is_not_recognised(body):
    assert registry.detect(saved("other.json", body)) is None
    assert registry.detect(capture("/api/v2/something", body)) is None


def test_a_request_url_elsewhere_than_the_finance_api_is_not_claimed():
    body = envelope({"transactions": copy.deepcopy(TXNS_202501[:1])})
    assert registry.detect(capture("/api/v1/pay/statement/gray", body)) is None
    assert registry.detect(capture(f"/finance/202501/statements/{STMT}/statement_transactions", body)) is not None


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t.update(order_id=5.769e17), "float"),
    (lambda t: t.pop("currency"), "names no currency"),
    (lambda t: t.update(referral_fee_amount="12,3x"), "referral_fee_amount"),
    (lambda t: t.update(order_create_time="soon"), "order_create_time"),
    (lambda t: [t.pop(k) for k in ("order_id", "id")], "neither order_id"),
])
def test_bad_transactions_are_one_clear_error(mutate, message):
    txn = {"id": "7500000000000000099", "type": "ORDER", "order_id": "576900000000000999", "currency": "USD",
           "settlement_amount": "1.00", "gross_sales_amount": "1.00"}
    mutate(txn)
    src = capture(f"/finance/202309/statements/{STMT}/statement_transactions",
                  envelope({"statement_transactions": [txn]}))
    with pytest.raises(SourceError, match=message):
        registry.detect(src).parse(src)

"""TikTok Open API responses as TikTok sends them (real-layouts.md, "TikTok Shop Open API", and the official
field lists): no shop in the response, 202309's own field names (customer_shipping_fee_amount beside
customer_paid_shipping_fee_amount, shipping_cost_discount_amount as a term of shipping_cost_amount, Mexico's
isr_income_tax_amount / iva_vat_amount), 202501's newer fields, 202507's sfr_reimbursement, balance movements and
GMV ads among the adjustments. Every category to the cent; the result never depends on the order of the keys."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.pipeline import importer, ingest
from companion.reports import reconcile
from companion.sources import registry
from companion.sources.model import IN_TRANSIT, SETTLED, SPLIT, SourceError, SourceInput, StoreRef
from companion.sources.tabular import Hints, store_for_file
from companion.store import settlements, stores
from companion.store.models import SettlementLine, StatedTotal, Store
from companion.store.writer import run_inline
from tests.support.tables import totals
from tests.support.tiktok_statements import (
    MX_TXN,
    ORDER_AT,
    STATEMENT_AT,
    STMT,
    envelope,
    ts,
    txn,
)

D = Decimal
CAPTURED = datetime(2025, 6, 12, 8, 0, tzinfo=UTC)
NAME = "statement_7412300000000000001.json"


# A US local shop's statement, 202309. shipping_cost_amount = fbm + fbt + signature + customer paid (+ refund) +
# shipping_cost_discount (+ refund) + shipping_fee_subsidy + return shipping + insurance (TikTok's formula);
# settlement_amount = net_sales + shipping_cost + fee + adjustment.
US_TXNS = [
    {**txn("7500000000000001001", "ORDER", order_id="576900000000001001", gross_sales_amount="50.00",
           seller_discount_amount="-5.00", net_sales_amount="45.00", revenue_amount="45.00",
           after_seller_discounts_subtotal_amount="45.00", customer_shipping_fee_amount="7.99",
           customer_paid_shipping_fee_amount="5.99", fbm_shipping_cost_amount="-7.99",
           actual_shipping_fee_amount="-7.99", shipping_fee_subsidy_amount="1.00",
           shipping_cost_discount_amount="1.00", shipping_cost_amount="0.00", transaction_fee_amount="-1.40",
           referral_fee_amount="-4.00", affiliate_commission_amount="-4.50",
           affiliate_commission_before_pit="-4.50", fee_amount="-9.90", customer_payment_amount="54.59",
           sales_tax_amount="3.60", sales_tax_payment_amount="3.60", settlement_amount="35.10"),
     "order_create_time": ts(ORDER_AT)},
    {**txn("7500000000000001002", "ORDER", order_id="576900000000001002", gross_sales_amount="20.00",
           gross_sales_refund_amount="-20.00", seller_discount_amount="-2.00", seller_discount_refund_amount="2.00",
           customer_paid_shipping_fee_amount="4.99", customer_paid_shipping_fee_refund_amount="-4.99",
           customer_shipping_fee_amount="4.99", fbm_shipping_cost_amount="-4.99", actual_shipping_fee_amount="-4.99",
           return_shipping_fee_amount="-5.50", shipping_cost_discount_amount="0.80",
           refund_shipping_cost_discount_amount="-0.80", shipping_cost_amount="-10.49",
           refund_administration_fee_amount="-0.32", fee_amount="-0.32", customer_refund_amount="-22.99",
           settlement_amount="-10.81"),
     "order_create_time": ts(ORDER_AT)},
    txn("7500000000000001003", "GMV_PAYMENT_FOR_ADS", adjustment_id="7123000000000001003",
        adjustment_amount="-15.00", settlement_amount="-15.00"),
    txn("7500000000000001004", "Bill payment （negative balance）", adjustment_id="7123000000000001004",
        adjustment_amount="8.00", settlement_amount="8.00"),
    txn("7500000000000001005", "Sales proceed（negative balance）", adjustment_id="7123000000000001005",
        adjustment_amount="-2.00", settlement_amount="-2.00"),
    txn("7500000000000001006", "Bill deduction for negative balance", adjustment_id="7123000000000001006",
        adjustment_amount="-6.00", settlement_amount="-6.00"),
    txn("7500000000000001007", "RESERVE", adjustment_id="7123000000000001007", adjustment_amount="-3.00",
        settlement_amount="-3.00"),
]
US_DATA = {"statement_id": STMT, "statement_time": ts(STATEMENT_AT), "currency": "USD", "settlement_amount": "6.29",
           "revenue_amount": "45.00", "net_sales_amount": "45.00", "fee_amount": "-10.22",
           "shipping_cost_amount": "-10.49", "adjustment_amount": "-18.00", "total_count": 7, "next_page_token": "",
           "statement_transactions": US_TXNS}
# Profit: the balance movements (8.00 - 2.00 - 6.00 - 3.00 = -3.00) are kept but are no category.
US_TOTALS = {"sales": D("70.00"), "promo_discount": D("-5.00"), "buyer_shipping": D("5.99"),
             "income_refund": D("-18.00"), "platform_logistics": D("-18.48"), "other_platform_fee": D("-1.40"),
             "promotion_fee": D("-4.32"), "platform_fee": D("-4.50"), "ad_fee": D("-15.00"),
             "settlement_amount": D("6.29")}
BALANCE_MOVES = {"7123000000000001004": D("8.00"), "7123000000000001005": D("-2.00"),
                 "7123000000000001006": D("-6.00"), "7123000000000001007": D("-3.00")}


def saved(body: dict, account: str = "", store: StoreRef | None = None, name: str = NAME) -> SourceInput:
    return ingest.json_file_input(name, json.loads(json.dumps(body)), CAPTURED,
                                  hints=ingest.hints_for(name, account, store)).src


def parse(src: SourceInput, adapter: str):
    found = registry.detect(src)
    assert found is not None and found.name == adapter, found
    result = found.parse(src)
    for line in result.lines:  # every line adds up, but a balance movement, which is no category at all
        if line.extra.get("balance_move"):
            assert line.amounts == {}
        else:
            assert sum(line.amounts.values(), D(0)) == line.settlement_amount, line.key
    return result


def lines(result) -> list[tuple]:
    return [(ln.key, ln.status, ln.detail, ln.reference, ln.order_id, ln.statement_id, ln.txn_type, ln.currency,
             ln.settlement_amount, tuple(sorted(ln.amounts.items())), ln.settled_time, ln.order_time,
             tuple(ln.fields), tuple(sorted(ln.extra.items()))) for ln in result.lines]


def shuffled(value: object, rng: random.Random) -> object:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def test_a_202309_statement_as_tiktok_sends_it_imports_into_the_store_named_by_account():
    result = parse(saved(envelope(US_DATA), account="My US shop"), "tiktok.open_api.statement_transactions")
    assert totals(result) == US_TOTALS
    assert len(result.lines) == 7
    store = result.lines[0].store
    assert (store.platform, store.external_id, store.name, store.currency) == ("tiktok", "My US shop", "My US shop",
                                                                                "USD")
    assert {ln.store for ln in result.lines} == {store}
    assert [(ln.key, ln.status, ln.detail, ln.settled_time, ln.settled_time_approx) for ln in result.lines][:2] == [
        (("split", STMT, "576900000000001001"), SETTLED, SPLIT, STATEMENT_AT, False),
        (("split", STMT, "576900000000001002"), SETTLED, SPLIT, STATEMENT_AT, False)]
    [stated] = result.totals
    assert (stated.kind, stated.ref, stated.amount, stated.currency, stated.at) == (
        "statement", STMT, D("6.29"), "USD", STATEMENT_AT)
    assert dict(stated.scope) == {"revenue": "45", "fee": "-10.22", "adjustment": "-18", "shipping": "-10.49",
                                  "net_sales": "45"}

    by_ref = {ln.reference: ln for ln in result.lines}
    sale = by_ref["576900000000001001"]
    assert sale.amounts == {"sales": D("50.00"), "promo_discount": D("-3.00"), "buyer_shipping": D("5.99"),
                            "platform_logistics": D("-7.99"), "other_platform_fee": D("-1.40"),
                            "promotion_fee": D("-4.00"), "platform_fee": D("-4.50")}
    fields = {f.name: (f.amount, f.category) for f in sale.fields}
    # What the buyer paid is income; the expected buyer-borne fee is not.
    assert fields["customer_paid_shipping_fee_amount"] == (D("5.99"), "buyer_shipping")
    assert fields["customer_shipping_fee_amount"] == (D("7.99"), None)
    # The subsidy and the incentive are two terms of shipping_cost_amount: both counted, as the sum says.
    assert fields["shipping_fee_subsidy_amount"] == (D("1.00"), "promo_discount")
    assert fields["shipping_cost_discount_amount"] == (D("1.00"), "promo_discount")
    assert fields["fbm_shipping_cost_amount"] == (D("-7.99"), None)  # a part of the actual shipping fee
    assert fields["fee_amount"] == (D("-9.90"), None) and fields["sales_tax_payment_amount"] == (D("3.60"), None)

    refund = by_ref["576900000000001002"]
    assert refund.amounts == {"sales": D("20.00"), "income_refund": D("-18.00"), "promo_discount": D("-2.00"),
                              "platform_logistics": D("-10.49"), "promotion_fee": D("-0.32")}
    ads = by_ref["7123000000000001003"]
    assert (ads.txn_type, ads.amounts, ads.settlement_amount) == ("GMV_PAYMENT_FOR_ADS", {"ad_fee": D("-15.00")},
                                                                  D("-15.00"))
    for reference, amount in BALANCE_MOVES.items():
        move = by_ref[reference]
        assert (move.settlement_amount, move.amounts, move.status) == (amount, {}, SETTLED), reference
        assert "not profit" in move.extra["balance_move"]
        assert [(f.name, f.amount, f.category) for f in move.fields] == [("adjustment_amount", amount, None)]


def test_the_result_never_depends_on_the_order_of_the_keys():
    first = lines(parse(saved(envelope(US_DATA), "My US shop"), "tiktok.open_api.statement_transactions"))
    for seed in range(5):
        body = shuffled(envelope(US_DATA), random.Random(seed))
        assert lines(parse(saved(body, "My US shop"), "tiktok.open_api.statement_transactions")) == first, seed


def test_without_account_a_saved_response_follows_the_rule_for_files_that_name_no_store():
    src = saved(envelope(US_DATA))
    hints = Hints.of(src.payload)
    try:
        expected = store_for_file(hints, "tiktok", NAME, "", "USD", "UTC", "TikTok Shop")
    except SourceError as exc:
        with pytest.raises(SourceError) as refused:
            registry.detect(src).parse(src)
        assert str(refused.value) == str(exc) and "does not say which store" in str(exc)
    else:
        assert {ln.store for ln in registry.detect(src).parse(src).lines} == {expected}
    # A store --account names is that store, whatever the response says.
    shop = StoreRef("tiktok", "7495100000000000001", "US", "TikTok US 7495100000000000001", "USD",
                    "America/Los_Angeles")
    result = parse(saved(envelope(US_DATA), shop.name, shop), "tiktok.open_api.statement_transactions")
    assert {ln.store for ln in result.lines} == {shop}


def test_mexico_202309_names_its_taxes_and_the_refund_subsidy():
    data = {"statement_id": STMT, "statement_time": ts(STATEMENT_AT), "currency": "MXN",
            "settlement_amount": "370.50", "statement_transactions": [MX_TXN]}
    [line] = parse(saved(envelope(data), "Mi tienda MX"), "tiktok.open_api.statement_transactions").lines
    assert line.currency == "MXN" and line.settlement_amount == D("370.50")
    assert line.amounts == {"sales": D("500.00"), "promo_discount": D("-50.00"), "buyer_shipping": D("99.00"),
                            "platform_logistics": D("-99.00"), "promotion_fee": D("-36.00"),
                            "other_platform_fee": D("-15.00"), "other_tax": D("-4.50"), "vat": D("-36.00"),
                            "subsidy": D("12.00")}
    fields = {f.name: (f.category, f.unmapped) for f in line.fields}
    assert fields["isr_income_tax_amount"] == ("other_tax", False)
    assert fields["iva_vat_amount"] == ("vat", False)
    assert fields["platform_refund_subsidy_amount"] == ("subsidy", True)
    assert "unexplained" not in line.extra


def test_202501_fields_of_the_official_examples_are_read():
    order = {
        "id": "7500000000000003001", "type": "ORDER", "order_id": "579000000000003001",
        "order_create_time": ts(ORDER_AT), "settlement_amount": "61.93",
        "revenue_amount": "80.00", "revenue_breakdown": {
            "subtotal_before_discount_amount": "82.00", "seller_discount_amount": "-4.00",
            "refund_subtotal_before_discount_amount": "0", "seller_discount_refund_amount": "0",
            "cod_service_fee_amount": "0", "refund_cod_service_fee_amount": "0", "distant_item_fee_amount": "2.00"},
        "shipping_cost_amount": "-6.50", "shipping_cost_breakdown": {
            "actual_shipping_fee_amount": "-4.00", "international_leg_logistics_amount": "-2.00",
            "shipping_app_service_fee_amount": "-0.50", "customer_paid_shipping_fee_amount": "0",
            "supplementary_component": {"customer_shipping_fee_offset_amount": "0"}},
        "fee_tax_amount": "-11.57", "fee_tax_breakdown": {
            "fee": {"referral_fee_amount": "-6.40", "transaction_fee_amount": "-2.40",
                    "smart_promotion_fee_amount": "-1.00", "smart_promotion_fee_tax_amount": "-0.16"},
            "tax": {"sales_tax_referral_fee_amount": "-1.02", "cedular_tax": "-0.59"}},
    }
    data = {"id": STMT, "create_time": ts(STATEMENT_AT), "currency": "USD", "total_settlement_amount": "61.93",
            "transactions": [order]}
    [line] = parse(saved(envelope(data), "My US shop"), "tiktok.open_api.statement_transactions").lines
    assert line.amounts == {"sales": D("82.00"), "promo_discount": D("-4.00"), "other_income": D("2.00"),
                            "platform_logistics": D("-6.50"), "promotion_fee": D("-7.42"),
                            "other_platform_fee": D("-3.56"), "other_tax": D("-0.59")}
    flagged = {f.name for f in line.fields if f.unmapped}
    assert flagged == {"distant_item_fee_amount", "international_leg_logistics_amount",
                       "shipping_app_service_fee_amount", "smart_promotion_fee_amount",
                       "smart_promotion_fee_tax_amount", "sales_tax_referral_fee_amount", "cedular_tax"}
    assert "unexplained" not in line.extra


def test_202507_unsettled_carries_sfr_reimbursement():
    data = {"total_count": 1, "sum_est_settlement_amount": "17.20", "transactions": [{
        "id": "7600000000000004001", "type": "ORDER", "order_id": "579000000000004001", "currency": "USD",
        "order_create_time": ts(ORDER_AT), "status": "UNSETTLED", "unsettled_reason": "WAITING_FOR_SETTLEMENT",
        "est_settlement_amount": "17.20", "est_revenue_amount": "20.00",
        "revenue_breakdown": {"subtotal_before_discount_amount": "20.00"},
        "est_shipping_cost_amount": "-1.00",
        "shipping_cost_breakdown": {"actual_shipping_fee_amount": "-3.00", "sfr_reimbursement": "2.00"},
        "est_fee_tax_amount": "-1.80", "fee_tax_breakdown": {"fee": {"referral_fee_amount": "-1.80"}}}]}
    result = parse(saved(envelope(data), "My US shop", name="unsettled.json"), "tiktok.open_api.unsettled")
    [line] = result.lines
    assert (line.key, line.status, line.quantity) == (("unsettled_api", "579000000000004001"), IN_TRANSIT, 0)
    assert line.amounts == {"sales": D("20.00"), "platform_logistics": D("-1.00"), "promotion_fee": D("-1.80")}
    assert ("sfr_reimbursement", D("2.00"), "platform_logistics", True) in line.fields


# --------------------------------------------------------------------------------------------------------
# Through the importer and the store.

def test_import_with_account_then_again_adds_nothing_and_reconciles(db):
    content = json.dumps(envelope(US_DATA)).encode()
    parsed = importer.parse_file(NAME, content, "My US shop")
    first = run_inline(db, importer.commit_file, NAME, parsed).summary
    assert (first["account"], first["report_type"], first["added"]) == ("My US shop", "api_transactions", 7)
    again = run_inline(db, importer.commit_file, NAME, importer.parse_file(NAME, content, "My US shop")).summary
    assert (again["added"], again["updated"], again["skipped"]) == (0, 0, 7)
    assert SettlementLine.select().count() == 7 and Store.select().count() == 1
    checks = {(c["kind"], c["ref"]): c for c in reconcile.run("My US shop")["checks"]}
    assert checks[("statement", STMT)]["ok"] and checks[("statement", STMT)]["stored"] == "6.29"
    assert [k for k, c in checks.items() if not c["ok"]] == []  # balance movements are not "unmapped" lines
    assert StatedTotal.select().count() == 1


def test_a_cipher_joins_the_seller_center_store_once_a_capture_shows_both(db):
    def ref(external_id: str, aliases: tuple[str, ...] = ()) -> StoreRef:
        return StoreRef("tiktok", external_id, "", f"TikTok Shop {external_id}", "USD", "UTC", aliases)

    seller = StoreRef("tiktok", "7495100000000000001", "US", "TikTok US 7495100000000000001", "USD",
                      "America/Los_Angeles")

    def write(store_ref: StoreRef, reference: str) -> None:
        line = parse(saved(envelope({**US_DATA, "statement_transactions": [
            {**US_TXNS[2], "adjustment_id": reference}]}), "x"), "tiktok.open_api.statement_transactions").lines[0]
        line.store = store_ref
        run_inline(db, settlements.apply_lines, [line], reference, "capture")

    write(seller, "A1")  # the seller center's store
    write(ref("CIPHER1"), "A2")  # Open API captures known by the cipher alone: a store of their own
    assert Store.select().count() == 2
    joined = run_inline(db, stores.resolve, ref("7495100000000000001", ("CIPHER1",)))
    assert joined.name == seller.name and Store.select().count() == 1
    assert sorted(ln.reference for ln in SettlementLine.select()) == ["A1", "A2"]
    assert {ln.store_id for ln in SettlementLine.select()} == {joined.id}
    write(ref("CIPHER1"), "A3")  # later: the cipher alone lands in the joined store
    assert Store.select().count() == 1 and SettlementLine.select().count() == 3
    # A cipher store with no seller-center store yet simply becomes the shop's store.
    write(ref("CIPHER2"), "B1")
    shop = run_inline(db, stores.resolve, ref("7495100000000000002", ("CIPHER2",)))
    assert (shop.external_id, shop.name) == ("7495100000000000002", "TikTok Shop 7495100000000000002")
    assert Store.select().count() == 2


def test_a_capture_naming_both_shop_id_and_cipher_reports_the_cipher_as_an_alias():
    url = ("https://open-api.tiktokglobalshop.com/finance/202309/statements/7412300000000000001/statement_transactions"
           "?shop_id=7495100000000000001&shop_cipher=CIPHER1")
    src = SourceInput("json", "tiktok", url, CAPTURED, {"request": {"method": "GET", "url": url, "body": None},
                                                         "status": 200, "body": envelope(US_DATA)})
    store = parse(src, "tiktok.open_api.statement_transactions").lines[0].store
    assert (store.external_id, store.aliases) == ("7495100000000000001", ("CIPHER1",))

"""The profit engine, pure: allocation, costs by date, custom fees, estimates, currency conversion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from companion.ledger import allocation
from companion.ledger.categories import PLATFORM
from companion.ledger.engine import Bucket, CostVersion, Fee, Inputs, Slice, UnitEstimate, compute
from companion.ledger.fx import Rate, RateBook, RateMissing
from companion.ledger.money import to_storage

D = Decimal
NAMES = {1: "Shop"}
OCT = [Slice("2025-10", date(2025, 10, 1)), Slice("2025-10", date(2025, 10, 15)), Slice("2025-11", date(2025, 11, 1))]


def u(text: str) -> int:
    return to_storage(D(text))


def bucket(sku=None, *, order=None, msku=None, slice_=0, settled=True, qty=0, cost_qty=None, settlement="0",
           currency="USD", zero=0, **cats) -> Bucket:
    units = tuple(u(cats.get(k, "0")) for k in PLATFORM)
    return Bucket(1, currency, sku, msku, order, slice_, settled, qty, qty if cost_qty is None else cost_qty,
                  u(settlement), units, zero_unsettled=zero)


def rows_by_key(result, by_field: str) -> dict:
    return {(r["key"].get(by_field, ""), r["currency"]): r for r in result.rows}


@pytest.mark.parametrize("total, weights", [
    (100, [1, 1, 1]), (-100, [1, 2, 3]), (1, [5, 5]), (0, [1, 2]), (12345, [0, 0, 0]), (-7, [3, -3, 1]),
    (999_999_999, [7, 11, 13, 17]),
])
def test_split_units_is_exact(total, weights):
    parts = allocation.split_units(total, weights)
    assert sum(parts) == total and len(parts) == len(weights)
    assert all((p <= 0) if total <= 0 else (p >= 0) for p in parts)


def test_fee_without_sku_is_spread_over_the_months_skus_by_sales():
    inputs = Inputs(by="sku", store_names=NAMES, slices={1: OCT}, buckets=[
        bucket("A", qty=2, settlement="30.00", sales="30.00"),
        bucket("B", qty=1, settlement="10.00", sales="10.00"),
        bucket(None, settlement="-10.01", storage_fee="-10.01"),  # no SKU: spread 3:1
        bucket("A", slice_=2, qty=1, settlement="5.00", sales="5.00"),  # November: not a target of October's fee
    ])
    result = compute(inputs)
    rows = {r["key"]["sku_id"]: r for r in result.rows}
    assert set(rows) == {"A", "B"}
    assert rows["A"]["categories"]["storage_fee"] == "-7.51" and rows["A"]["allocated"] == "-7.51"
    assert rows["B"]["categories"]["storage_fee"] == "-2.50"
    assert rows["A"]["settlement_amount"] == "27.49" and rows["B"]["settlement_amount"] == "7.50"
    assert result.totals_by_currency["USD"]["settlement_amount"] == "34.99"
    assert result.totals_by_currency["USD"]["categories"]["storage_fee"] == "-10.01"  # nothing lost, nothing made
    by_store = compute(Inputs(by="store", store_names=NAMES, slices={1: OCT}, buckets=inputs.buckets))
    assert by_store.rows[0]["settlement_amount"] == "34.99" and by_store.rows[0]["allocated"] == "0.00"


def test_money_with_nothing_to_spread_over_stays_unallocated():
    result = compute(Inputs(by="order", store_names=NAMES, slices={1: OCT}, buckets=[
        bucket(None, settlement="-4.00", ad_fee="-4.00")]))
    assert [r["key"] for r in result.rows] == [{"account": "Shop", "order_id": "(unallocated)"}]
    assert result.rows[0]["categories"]["ad_fee"] == "-4.00"


def test_purchase_cost_takes_the_version_of_the_day_and_refunded_lines_sell_nothing():
    costs = [CostVersion("A", None, u("3.00"), "USD"), CostVersion("A", date(2025, 10, 15), u("3.50"), "USD")]
    result = compute(Inputs(by="sku", store_names=NAMES, slices={1: OCT}, costs=costs, buckets=[
        bucket("A", slice_=0, qty=2, settlement="20.00", sales="20.00"),
        bucket("A", slice_=1, qty=3, settlement="30.00", sales="30.00"),
        bucket("A", slice_=1, qty=1, cost_qty=0, settlement="0.00", sales="10.00", income_refund="-10.00"),
        bucket("B", qty=1, settlement="9.00", sales="9.00"),  # no cost known
    ]))
    rows = {r["key"]["sku_id"]: r for r in result.rows}
    assert rows["A"]["categories"]["purchase_cost"] == "-16.50"  # 2 × 3.00 + 3 × 3.50
    assert rows["A"]["cost"] == "-16.50" and rows["A"]["gross_profit"] == "33.50" and rows["A"]["quantity"] == 6
    assert rows["B"]["cost"] == "0.00"
    assert result.missing_costs == ["B"]


def test_cost_in_another_currency_is_its_own_row_or_converted_at_the_days_rate():
    costs = [CostVersion("A", None, u("20.00"), "CNY")]
    buckets = [bucket("A", slice_=0, qty=1, settlement="10.00", sales="10.00"),
               bucket("A", slice_=1, qty=1, settlement="10.00", sales="10.00")]
    plain = compute(Inputs(by="sku", store_names=NAMES, slices={1: OCT}, costs=costs, buckets=buckets))
    assert [(r["currency"], r["categories"]["purchase_cost"], r["settlement_amount"]) for r in plain.rows] == [
        ("CNY", "-40.00", "0.00"), ("USD", "0.00", "20.00")]
    rates = RateBook([Rate(date(2025, 10, 1), "USD", "CNY", D("7.10")), Rate(date(2025, 10, 14), "USD", "CNY",
                                                                             D("7.20"))])
    converted = compute(Inputs(by="sku", store_names=NAMES, slices={1: OCT}, costs=costs, buckets=buckets,
                               currency="USD", rates=rates))
    (row,) = converted.rows
    # 20 CNY at 1/7.10 on Oct 1 (2.8169…) and at 1/7.20 from Oct 15 (2.7777…), each rounded to 1/10000
    assert row["categories"]["purchase_cost"] == "-5.59"
    assert row["currency"] == "USD" and row["settlement_amount"] == "20.00"
    assert converted.rates_used == [
        {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.10", "inverted": True},
        {"date": "2025-10-14", "from": "USD", "to": "CNY", "rate": "7.20", "inverted": True}]
    with pytest.raises(RateMissing, match="no exchange rate for CNY→USD on or before 2025-10-01"):
        compute(Inputs(by="sku", store_names=NAMES, slices={1: OCT}, costs=costs, buckets=buckets, currency="USD",
                       rates=RateBook([])))


def test_custom_fees_land_by_level_and_dimension():
    buckets = [bucket("A", order="O1", msku="M", qty=1, settlement="30.00", sales="30.00"),
               bucket("B", order="O2", msku="M", qty=1, settlement="10.00", sales="10.00"),
               bucket("C", order="O2", msku="N", qty=1, settlement="60.00", sales="60.00")]
    fees = [Fee(1, "store", "", "2025-10", u("-10.00"), "USD", "rent"),
            Fee(1, "product", "M", "2025-10", u("-4.00"), "USD", "photos"),
            Fee(1, "order", "O2", "2025-10", u("-1.00"), "USD", "gift"),
            Fee(1, "store", "", "2025-09", u("-99.00"), "USD", "not in the period")]
    months = {1: {"2025-10"}}

    links = {("order", 1, "O2"): {"B": u("10.00"), "C": u("60.00")},  # the SKUs order O2 sold
             ("product", 1, "M"): {"O1": u("30.00"), "O2": u("10.00")}}  # the orders that sold MSKU M

    def run(by):
        return compute(Inputs(by=by, store_names=NAMES, slices={1: OCT}, buckets=buckets, fees=fees,
                              fee_months=months, msku_of_sku={"A": "M", "B": "M", "C": "N"}, links=links))

    store = run("store").rows[0]
    assert (store["categories"]["store_other_fee"], store["categories"]["product_other_fee"],
            store["categories"]["order_other_fee"], store["custom_fees"]) == ("-10.00", "-4.00", "-1.00", "-15.00")
    sku = {r["key"]["sku_id"]: r["categories"] for r in run("sku").rows}
    assert [sku[k]["store_other_fee"] for k in "ABC"] == ["-3.00", "-1.00", "-6.00"]
    assert [sku[k]["product_other_fee"] for k in "ABC"] == ["-3.00", "-1.00", "0.00"]  # MSKU M's SKUs by sales
    assert [sku[k]["order_other_fee"] for k in "ABC"] == ["0.00", "-0.14", "-0.86"]  # over O2's SKUs by sales
    msku = {r["key"]["msku"]: r["categories"] for r in run("msku").rows}
    assert (msku["M"]["product_other_fee"], msku["N"]["product_other_fee"]) == ("-4.00", "0.00")
    assert (msku["M"]["order_other_fee"], msku["N"]["order_other_fee"]) == ("-0.14", "-0.86")
    order = {r["key"]["order_id"]: r["categories"] for r in run("order").rows}
    assert (order["O1"]["order_other_fee"], order["O2"]["order_other_fee"]) == ("0.00", "-1.00")
    assert (order["O1"]["product_other_fee"], order["O2"]["product_other_fee"]) == ("-3.00", "-1.00")
    for by in ("store", "sku", "msku", "order"):
        assert run(by).totals_by_currency["USD"]["custom_fees"] == "-15.00", by


def test_unsettled_lines_are_marked_and_estimated_from_the_last_settled_one():
    last = UnitEstimate(2, u("17.00"), tuple(u({"sales": "20.00", "platform_fee": "-3.00"}.get(k, "0"))
                                             for k in PLATFORM))
    result = compute(Inputs(by="sku", store_names=NAMES, slices={1: OCT}, estimates={(1, "A", "USD"): last},
                            buckets=[bucket("A", qty=1, settlement="9.00", sales="9.00"),
                                     bucket("A", settled=False, qty=2, settlement="16.00", sales="16.00"),
                                     bucket("A", settled=False, qty=3, zero=3, settlement="0")]))
    (row,) = result.rows
    assert row["settlement_amount"] == "50.50"  # 9 + 16 + 3 × 8.50
    assert row["estimated"] == "41.50"
    assert row["categories"]["sales"] == "55.00" and row["categories"]["platform_fee"] == "-4.50"
    assert result.estimated_from_sku == 1

"""ledger.last_leg, pure: a self-delivered purchase's shipping split evenly over its sold orders, each stored
order of the report's stores and months taking its share as its last-leg cost, dated in its store's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from companion.ledger.engine import Fee
from companion.ledger.last_leg import SelfDelivered, SoldOrder, last_leg_fees

PAID = datetime(2025, 10, 2, 3, 0, tzinfo=UTC)
MONTHS = {1: ("2025-10", "2025-10"), 2: (None, "2025-11")}
ZONES = {1: "America/Los_Angeles", 2: "Asia/Shanghai"}


def purchase(no: str, shipping: int, *sold: str) -> SelfDelivered:
    return SelfDelivered(no, "CNY", shipping, None, PAID, sold)


def fee(store: int, order: str, month: str, units: int, no: str) -> Fee:
    return Fee(store, "order", order, month, units, "CNY", f"purchase {no} shipping", category="last_leg_cost")


def test_the_shipping_is_split_evenly_and_each_stored_order_takes_its_share():
    orders = [SoldOrder(2, "B", datetime(2025, 10, 31, 17, 0, tzinfo=UTC)),  # 11-01 in Shanghai: still shown
              SoldOrder(1, "A", datetime(2025, 10, 5, tzinfo=UTC)),
              SoldOrder(1, "C", None)]  # no time of its own: the purchase's payment dates it
    got = last_leg_fees([purchase("PO-1", 100_000, "A", "B", "C")], orders, MONTHS, ZONES)
    # 10.0000 over three orders: 3.3334 + 3.3333 + 3.3333 (the largest-remainder split keeps every unit)
    assert got == [fee(1, "A", "2025-10", -33_334, "PO-1"), fee(1, "C", "2025-10", -33_333, "PO-1"),
                   fee(2, "B", "2025-11", -33_333, "PO-1")]
    assert -sum(f.amount for f in got) == 100_000


def test_an_order_outside_the_months_or_stores_or_not_stored_takes_nothing():
    orders = [SoldOrder(1, "A", datetime(2025, 9, 30, 12, 0, tzinfo=UTC)),  # September in Los Angeles
              SoldOrder(3, "B", datetime(2025, 10, 5, tzinfo=UTC)),  # a store the report does not show
              SoldOrder(2, "D", datetime(2025, 12, 1, tzinfo=UTC))]  # after the last month
    assert last_leg_fees([purchase("PO-2", 90_000, "A", "B", "C", "D")], orders, MONTHS, ZONES) == []


def test_an_undated_order_of_an_undated_purchase_is_left_out_and_purchases_keep_their_order():
    undated = SelfDelivered("PO-0", "CNY", 10_000, None, None, ("A",))
    orders = [SoldOrder(1, "A", None), SoldOrder(1, "E", datetime(2025, 10, 9, tzinfo=UTC))]
    got = last_leg_fees([purchase("PO-9", 20_000, "E"), undated, purchase("PO-3", 10_000, "A", "E")], orders,
                        MONTHS, ZONES)
    assert got == [fee(1, "E", "2025-10", -20_000, "PO-9"), fee(1, "A", "2025-10", -5_000, "PO-3"),
                   fee(1, "E", "2025-10", -5_000, "PO-3")]

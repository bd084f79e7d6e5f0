"""Money, periods and the report shape: pure functions, exact values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from companion.ledger import categories
from companion.ledger.engine import Bucket, Inputs, Slice, compute
from companion.ledger.money import MoneyError, fmt, from_storage, parse_amount, to_storage
from companion.ledger.periods import PeriodError, parse_period
from companion.ledger.report import build

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("text, value", [
    ("12.34", "12.34"), ("-0.01", "-0.01"), ("1,234.50", "1234.50"), ("$1,234.50", "1234.50"),
    ("/", "0"), ("--", "0"), ("", "0"), (None, "0"), ("(5.00)", "-5.00"), ("USD 3.10", "3.10"),
    ("€ 2", "2"), ("￥88.8", "88.8"), (7, "7"), (Decimal("0.1"), "0.1"),
])
def test_parse_amount(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1.2.3", "NaN", "Infinity", True, [1]])
def test_parse_amount_refuses(text):
    with pytest.raises(MoneyError):
        parse_amount(text)


def test_storage_is_exact_and_refuses_hidden_rounding():
    assert to_storage(Decimal("12.3456")) == 123456
    assert from_storage(123456) == Decimal("12.3456")
    assert from_storage(-1) == Decimal("-0.0001")
    assert sum(from_storage(to_storage(Decimal("0.10"))) for _ in range(10)) == Decimal("1.00")
    with pytest.raises(MoneyError):
        to_storage(Decimal("0.00001"))
    assert fmt(Decimal("2.005")) == "2.01" and fmt(Decimal("-0")) in ("0.00", "-0.00") and fmt(Decimal("3")) == "3.00"


@pytest.mark.parametrize("text, first, last", [
    ("today", "2026-11-22", "2026-11-22"), ("yesterday", "2026-11-21", "2026-11-21"),
    ("last-7-days", "2026-11-16", "2026-11-22"), ("this-month", "2026-11-01", "2026-11-30"),
    ("this-year", "2026-01-01", "2026-12-31"), ("2024", "2024-01-01", "2024-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"), ("2025-12", "2025-12-01", "2025-12-31"),
    ("2025-03-04", "2025-03-04", "2025-03-04"), ("2025-01-01..2025-01-31", "2025-01-01", "2025-01-31"),
])
def test_periods(text, first, last):
    p = parse_period(text, TODAY)
    assert (p.first.isoformat(), p.last.isoformat()) == (first, last)


def test_period_all_and_errors():
    p = parse_period("all", TODAY)
    assert (p.first, p.last) == (None, None) and p.utc_bounds("UTC") == (None, None)
    for bad in ("last-week", "2025-13", "2025-02-30", "2025-02-01..2025-01-01", "2025-1-1"):
        with pytest.raises(PeriodError):
            parse_period(bad, TODAY)


def test_days_count_in_the_store_time_zone():
    start, end = parse_period("2025-03-09", TODAY).utc_bounds("America/Los_Angeles")  # DST starts that day
    assert start == datetime(2025, 3, 9, 8, 0, tzinfo=UTC)
    assert end == datetime(2025, 3, 10, 7, 0, tzinfo=UTC)


def _bucket(store_id: int, currency: str, quantity: int, settlement: str, **cats: str) -> Bucket:
    units = tuple(to_storage(Decimal(cats.get(k, "0"))) for k in categories.PLATFORM)
    return Bucket(store_id, currency, None, None, None, 0, True, quantity, 0, to_storage(Decimal(settlement)), units)


def _report(buckets: list[Bucket], by: str = "store") -> dict:
    names = {1: "A", 2: "B", 3: "C"}
    slices = {i: [Slice("2025-01", date(2025, 1, 1))] for i in names}
    inputs = Inputs(by=by, store_names=names, slices=slices, buckets=buckets)
    return build("settlement", {"from": "2025-01-01", "to": "2025-01-31"}, by, compute(inputs))


def test_report_shape_every_category_two_decimals_and_totals():
    a = _bucket(1, "USD", 3, "10.5", sales="12.5", platform_fee="-2")
    b = _bucket(2, "USD", 1, "1", sales="1", sales_tax="-0.125")
    rep = _report([b, a])
    assert [r["key"] for r in rep["rows"]] == [{"account": "A"}, {"account": "B"}]
    row = rep["rows"][0]
    assert list(row["categories"]) == list(categories.ALL)
    assert row["categories"]["sales"] == "12.50" and row["categories"]["platform_fee"] == "-2.00"
    assert row["categories"]["vat"] == "0.00"
    assert (row["platform_income"], row["platform_expense"], row["gross_profit"]) == ("12.50", "-2.00", "10.50")
    assert row["settlement_amount"] == "10.50" and row["quantity"] == 3 and row["currency"] == "USD"
    assert rep["totals"]["gross_profit"] == "11.38"  # 10.50 + 0.875, summed exactly then rounded
    assert rep["totals"]["tax"] == "-0.13" and rep["totals"]["quantity"] == 4
    assert rep["totals_by_currency"] == {"USD": rep["totals"]}
    c = _bucket(3, "GBP", 0, "1", sales="1")
    mixed = _report([a, c])
    assert "totals" not in mixed and sorted(mixed["totals_by_currency"]) == ["GBP", "USD"]
    empty = _report([], by="order")
    assert empty["rows"] == [] and empty["totals"]["gross_profit"] == "0.00"

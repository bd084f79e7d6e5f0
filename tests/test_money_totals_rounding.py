"""The payments and tax reports' totals are added up from the rows' unrounded sums and rounded once: two
rows of 0.005 show 0.01 each (half up) and total 0.01, where adding the rounded rows would say 0.02."""

from __future__ import annotations

from decimal import Decimal

from companion.ledger import payouts, taxes
from companion.ledger.taxes import CategorySums, TypeSums

D = Decimal


def payout(ref: str, lines_amount: str, amount: str | None = None) -> payouts.Payout:
    return payouts.Payout(1, ref, "statement", None, "USD", None if amount is None else D(amount), "paid", "", "",
                          None, None, 3, {"USD": D(lines_amount)}, 0)


def test_payout_totals_are_the_rounded_sum_not_the_sum_of_rounded_rows():
    kept = [payout("S1", "10.005", "10.005"), payout("S2", "0.005", "0.005")]
    rows = [payouts.payout_json(p, "Shop", "tiktok") for p in kept]
    assert [(r["amount"], r["lines_amount"]) for r in rows] == [("10.01", "10.01"), ("0.01", "0.01")]
    (total,) = payouts.totals(rows, [payouts.exact(p) for p in kept])
    assert (total["payouts"], total["amount"], total["lines_amount"], total["lines"]) == (2, "10.01", "10.01", 6)
    assert payouts.totals(rows)[0]["lines_amount"] == "10.02"  # what adding the rounded rows says


def test_on_hold_rows_add_up_unrounded_too():
    held = [payouts.HeldSum(1, "USD", 2, D("1.125"), D("1.125")), payouts.HeldSum(2, "USD", 1, D("1.125"))]
    rows = [payouts.held_json(h, f"Shop {h.store_id}", "tiktok") for h in held]
    assert [r["lines_amount"] for r in rows] == ["1.13", "1.13"]
    (total,) = payouts.totals(rows, [payouts.exact(h) for h in held])
    assert (total["status"], total["amount"], total["lines_amount"], total["lines"]) == ("on_hold", "1.13", "2.25", 3)


def test_tax_totals_are_the_rounded_sum_not_the_sum_of_rounded_rows():
    found = [(CategorySums({"sales_tax": D("-0.125")}, {"sales_tax": 1}, 1), "Shop A"),
             (CategorySums({"sales_tax": D("-0.125")}, {"sales_tax": 1}, 1), "Shop B")]
    rows, exact = [], []
    for sums, name in found:
        types = TypeSums({"sales_tax": D("-0.125")}, {"sales_tax": 1})
        rows.append(taxes.row_json(name, "tiktok", "US", "USD", sums, types))
        exact.append(taxes.exact(sums, types))
    assert [r["total"] for r in rows] == ["-0.13", "-0.13"]  # half away from zero
    usd = taxes.totals(rows, exact)["USD"]
    assert (usd["total"], usd["taxed_lines"], usd["types"]["sales_tax"]) == ("-0.25", 2, {"amount": "-0.25",
                                                                                         "lines": 2})
    assert taxes.totals(rows)["USD"]["total"] == "-0.26"  # what adding the rounded rows says

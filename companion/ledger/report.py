"""The contract's report JSON from the engine's rows and totals."""

from __future__ import annotations

from companion.ledger.engine import N, Result, body

BASES = ("settlement", "order")
DIMENSIONS = ("store", "sku", "msku", "order")


def build(basis: str, period: dict, by: str, result: Result) -> dict:
    report = {"basis": basis, "period": period, "by": by, "rows": result.rows,
              "totals_by_currency": result.totals_by_currency}
    if len(result.totals_by_currency) == 1:
        report["totals"] = next(iter(result.totals_by_currency.values()))
    elif not result.totals_by_currency:
        report["totals"] = body([0] * N, 0, 0)
    report["rules"] = result.rules
    if result.rates_used:
        report["rates"] = result.rates_used
    if result.missing_costs:
        report["skus_without_cost"] = result.missing_costs[:200]
    if result.estimated_from_sku:
        report["estimated_from_last_settled"] = result.estimated_from_sku
    return report

"""The sums a report takes of settlement lines, as SQL: one wording for the lines and for their day totals."""

from __future__ import annotations

from companion.ledger.categories import PLATFORM
from companion.sources.model import SETTLED

# quantity, units sold, settlement amount, then every platform category (PLATFORM order)
SUM_SQL: tuple[str, ...] = (
    'SUM("quantity")',
    # units sold, as ledger.profit.units_sold: a line whose refund wiped out its sale sold none
    'SUM(CASE WHEN "income_refund" < 0 AND "sales" + "promo_discount" + "income_refund" <= 0 THEN 0 '
    'ELSE "quantity" END)',
    'SUM("settlement_amount")', *(f'SUM("{c}")' for c in PLATFORM))
SUM_COLUMNS: tuple[str, ...] = ("quantity", "sold", "settlement_amount", *PLATFORM)  # of the day totals
ZERO_SQL = f"(\"status\" <> '{SETTLED}' AND \"settlement_amount\" = 0)"  # unsettled, no amount shown yet
ESTIMATED_SKU_SQL = f'CASE WHEN {ZERO_SQL} THEN "sku_id" END'  # the SKU, for the lines estimated from it

"""Schema version 12: indexes for the payments and tax reports (issue #18 points 2 and 3).

- `settlement_line_payout`: every line by store and statement, holding what a payout's sum needs (currency,
  status, settled time, amount), so the payments report adds up a year of statements from the index alone.
- `settlement_line_payout_time`: the statements of the lines settled in a period, from the index alone.
- `settlement_line_unsettled`: the lines on hold, by store and currency (the on-hold row).
- `settlement_line_taxed_settled` / `_taxed_order`: only the lines that carry a tax, per basis, with the tax
  columns and the currency, so the tax report adds up its categories and counts their lines from the index alone.
- `settlement_line_vat_settled` / `_vat_order`: only the lines with VAT or other tax, the categories a withheld
  tax or a duty is booked under, so the tax report reads the original fields of those lines and no others.
Queries must write the partial indexes' conditions as the same constants (store/taxes.py, store/payouts.py).
"""

TAXED = '("sales_tax" <> 0 OR "market_tax" <> 0 OR "vat" <> 0 OR "other_tax" <> 0)'
VAT_OR_OTHER = '("vat" <> 0 OR "other_tax" <> 0)'
SETTLED_ONLY = "\"status\" = 'settled' AND NOT \"superseded\""


TAXES = '"currency", "sales_tax", "market_tax", "vat", "other_tax"'
ORDER_TIME = '(COALESCE("order_time", "settled_time"))'
# name → (columns, condition). The flags and times of a partial index are in its column list too: SQLite (3.40)
# reads a partial index's own condition columns from the index only when it holds them, and the covering index
# then answers without reading any line.
INDEXES = {
    "settlement_line_payout": ('"store_id", "statement_id", "superseded", "currency", "status", "settled_time", '
                               '"settlement_amount"', ""),
    "settlement_line_payout_time": ('"store_id", "settled_time", "statement_id"', ""),
    "settlement_line_unsettled": ('"store_id", "currency"', "\"status\" <> 'settled' AND NOT \"superseded\""),
    "settlement_line_taxed_settled": (f'"store_id", "settled_time", "status", "superseded", {TAXES}',
                                      f"{SETTLED_ONLY} AND {TAXED}"),
    "settlement_line_taxed_order": (f'"store_id", {ORDER_TIME}, "superseded", "order_time", "settled_time", {TAXES}',
                                    f'NOT "superseded" AND {TAXED}'),
    "settlement_line_vat_settled": ('"store_id", "settled_time"', f"{SETTLED_ONLY} AND {VAT_OR_OTHER}"),
    "settlement_line_vat_order": (f'"store_id", {ORDER_TIME}', f'NOT "superseded" AND {VAT_OR_OTHER}'),
}


def up(migrator, db):
    for name, (columns, condition) in INDEXES.items():
        where = f" WHERE {condition}" if condition else ""
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "settlement_line" ({columns}){where}')

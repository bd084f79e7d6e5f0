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


def up(migrator, db):
    db.execute_sql('CREATE INDEX "settlement_line_payout" ON "settlement_line" ("store_id", "statement_id", '
                   '"superseded", "currency", "status", "settled_time", "settlement_amount")')
    db.execute_sql('CREATE INDEX "settlement_line_payout_time" ON "settlement_line" ("store_id", "settled_time", '
                   '"statement_id")')
    db.execute_sql('CREATE INDEX "settlement_line_unsettled" ON "settlement_line" ("store_id", "currency") '
                   "WHERE \"status\" <> 'settled' AND NOT \"superseded\"")
    # the flags and times in the column list too: SQLite reads a partial index's own condition columns from the
    # index only when it holds them (3.40), and the covering index then answers without reading any line
    taxes = '"currency", "sales_tax", "market_tax", "vat", "other_tax"'
    db.execute_sql('CREATE INDEX "settlement_line_taxed_settled" ON "settlement_line" ("store_id", "settled_time", '
                   f'"status", "superseded", {taxes}) WHERE {SETTLED_ONLY} AND {TAXED}')
    db.execute_sql('CREATE INDEX "settlement_line_taxed_order" ON "settlement_line" ("store_id", '
                   f'(COALESCE("order_time", "settled_time")), "superseded", "order_time", "settled_time", {taxes}) '
                   f'WHERE NOT "superseded" AND {TAXED}')
    db.execute_sql('CREATE INDEX "settlement_line_vat_settled" ON "settlement_line" ("store_id", "settled_time") '
                   f'WHERE {SETTLED_ONLY} AND {VAT_OR_OTHER}')
    db.execute_sql('CREATE INDEX "settlement_line_vat_order" ON "settlement_line" '
                   f'("store_id", (COALESCE("order_time", "settled_time"))) WHERE NOT "superseded" AND {VAT_OR_OTHER}')

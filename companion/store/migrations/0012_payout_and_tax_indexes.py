"""Schema version 12: indexes for the payments and tax reports (issue #18 points 2 and 3).

- `settlement_line_payout`: every line by store and statement, holding what a payout's sum needs (currency,
  status, settled time, amount), so the payments report adds up a year of statements from the index alone.
- `settlement_line_payout_time`: the statements of the lines settled in a period, from the index alone.
- `settlement_line_unsettled`: the lines on hold, by store and currency (the on-hold row).
- `settlement_line_taxed_settled` / `_taxed_order`: only the lines that carry a tax, per basis, so the tax
  report reads those lines and no others.
Queries must write the partial indexes' conditions as the same constants (store/taxes.py, store/payouts.py).
"""

TAXED = '("sales_tax" <> 0 OR "market_tax" <> 0 OR "vat" <> 0 OR "other_tax" <> 0)'


def up(migrator, db):
    db.execute_sql('CREATE INDEX "settlement_line_payout" ON "settlement_line" ("store_id", "statement_id", '
                   '"superseded", "currency", "status", "settled_time", "settlement_amount")')
    db.execute_sql('CREATE INDEX "settlement_line_payout_time" ON "settlement_line" ("store_id", "settled_time", '
                   '"statement_id")')
    db.execute_sql('CREATE INDEX "settlement_line_unsettled" ON "settlement_line" ("store_id", "currency") '
                   "WHERE \"status\" <> 'settled' AND NOT \"superseded\"")
    db.execute_sql('CREATE INDEX "settlement_line_taxed_settled" ON "settlement_line" ("store_id", "settled_time") '
                   f"WHERE \"status\" = 'settled' AND NOT \"superseded\" AND {TAXED}")
    db.execute_sql('CREATE INDEX "settlement_line_taxed_order" ON "settlement_line" '
                   f'("store_id", (COALESCE("order_time", "settled_time"))) WHERE NOT "superseded" AND {TAXED}')

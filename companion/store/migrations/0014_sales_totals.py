"""Schema version 14: pre-added sales day totals beside the day totals of version 6 (issue #18 point 7).

The sales report's money comes from `line_total`'s category sums; what those cannot give is its units of
sale lines and its distinct orders. `sales_total` holds, per store, basis ('s' settlement, 'o' order),
local day (date ordinal in the store's zone) and currency: the distinct orders with a sale line that day
and the units of those sale lines. A week's or a year's orders are the sum of its days' counts less each
order's extra days inside it, so `sales_order_day` lists every day of each order with sale lines on two or
more local days, and `sales_order_gap` counts their pairs of consecutive days per later day and days
between (an order's days inside a range beyond the first are its pairs inside it: a year reads a few
thousand of these, not one row per listed day). They are replaced with `line_total`
(companion/store/sales_totals.py, called by line_totals' rebuild) and are read only where
`line_total_dirty` says nothing in the range is stale.
The tables are created if not there yet: a database rebuilt from version 5 runs this again.
"""

STORE = '"store_id" INTEGER NOT NULL REFERENCES "store" ("id") ON DELETE CASCADE'


def up(migrator, db):
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "sales_total" ({STORE}, "basis" VARCHAR(1) NOT NULL, '
        '"day" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "orders" INTEGER NOT NULL, '
        '"units" BIGINT NOT NULL, PRIMARY KEY ("store_id", "basis", "day", "currency"))')
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "sales_order_day" ({STORE}, "basis" VARCHAR(1) NOT NULL, '
        '"currency" VARCHAR(3) NOT NULL, "order_id" VARCHAR(128) NOT NULL, "day" INTEGER NOT NULL, '
        'PRIMARY KEY ("store_id", "basis", "order_id", "currency", "day"))')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "sales_order_day_store_basis_day" '
                   'ON "sales_order_day" ("store_id", "basis", "day")')
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "sales_order_gap" ({STORE}, "basis" VARCHAR(1) NOT NULL, '
        '"day" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "gap" INTEGER NOT NULL, '
        '"pairs" INTEGER NOT NULL, PRIMARY KEY ("store_id", "basis", "day", "currency", "gap"))')
    # The day totals added up before this version have no sales totals beside them: every store with lines
    # is added up again as a whole (-1), the way version 6 started.
    db.execute_sql('INSERT INTO "line_total_dirty" ("store_id", "hour") '
                   'SELECT DISTINCT "store_id", -1 FROM "settlement_line" WHERE 1 = 1 ON CONFLICT DO NOTHING')

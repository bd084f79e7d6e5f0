"""Schema version 15: the sales day totals of version 14 per SKU as well (issue #18, the sales report by SKU).

`line_total` keeps a SKU only for the lines estimated from it, so the sales report by SKU could not read
its money from there: `sales_sku_total` holds, per store, basis ('s' settlement, 'o' order), local day (date
ordinal in the store's zone), currency and SKU ('' for lines without one) the distinct orders with a sale
line of the SKU that day, the units of those lines and the sums of every category the sales report reads
(in storage units, as `line_total`). An order can sell one SKU on several days: `sales_sku_order_day` lists
every day of each (order, SKU) whose sale lines fall on two or more local days, and `sales_sku_order_gap`
counts their pairs of consecutive days per SKU, later day and days between, as `sales_order_gap` does per
store. They are replaced with the other totals (companion/store/sales_sku_totals.py) and read only where
`line_total_dirty` says nothing in the range is stale.
The tables are created if not there yet: a database rebuilt from version 5 runs this again.
"""

STORE = '"store_id" INTEGER NOT NULL REFERENCES "store" ("id") ON DELETE CASCADE'
# The categories the sales report read at this version (ledger.sales.CATEGORIES).
CATEGORIES = ("sales", "promo_discount", "subsidy", "buyer_shipping", "income_refund", "sales_tax", "market_tax",
              "vat", "other_tax")


def up(migrator, db):
    sums = ", ".join(f'"{c}" BIGINT NOT NULL DEFAULT 0' for c in CATEGORIES)
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "sales_sku_total" ({STORE}, "basis" VARCHAR(1) NOT NULL, '
        '"day" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "sku" VARCHAR(128) NOT NULL, '
        f'"orders" INTEGER NOT NULL, "units" BIGINT NOT NULL, {sums}, '
        'PRIMARY KEY ("store_id", "basis", "day", "currency", "sku"))')
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "sales_sku_order_day" ({STORE}, "basis" VARCHAR(1) NOT NULL, '
        '"currency" VARCHAR(3) NOT NULL, "sku" VARCHAR(128) NOT NULL, "order_id" VARCHAR(128) NOT NULL, '
        '"day" INTEGER NOT NULL, PRIMARY KEY ("store_id", "basis", "order_id", "currency", "sku", "day"))')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "sales_sku_order_day_store_basis_day" '
                   'ON "sales_sku_order_day" ("store_id", "basis", "day")')
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "sales_sku_order_gap" ({STORE}, "basis" VARCHAR(1) NOT NULL, '
        '"day" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "sku" VARCHAR(128) NOT NULL, '
        '"gap" INTEGER NOT NULL, "pairs" INTEGER NOT NULL, '
        'PRIMARY KEY ("store_id", "basis", "day", "currency", "sku", "gap"))')
    # The totals added up before this version have none per SKU beside them: every store with lines is added
    # up again as a whole (-1), the way versions 6 and 14 started.
    db.execute_sql('INSERT INTO "line_total_dirty" ("store_id", "hour") '
                   'SELECT DISTINCT "store_id", -1 FROM "settlement_line" WHERE 1 = 1 ON CONFLICT DO NOTHING')

"""Schema version 6: pre-added totals of settlement lines per store and local day, and what is stale in them.

A report of a year adds up about a million lines; the same figures come from a few thousand day totals.
`line_total` holds, per store, basis ('s' settlement, 'o' order), local day (date ordinal in the store's
time zone; NULL for lines without a time), currency, settled flag, "unsettled with no amount" flag and, for
those lines only, the SKU (the order basis estimates them per SKU): the sums the report would take.
`line_total_built` says which time zone a store's totals were added up in (a changed zone rebuilds them).
`line_total_dirty` holds the UTC hours of changed lines (-1: the whole store; -2: lines without a time),
written by the code that writes lines (companion/store/line_totals.py `mark_*`). Row triggers were tried
and measured: on SQLite each one makes every inserted row open a statement journal, and an import of
100,000 rows took 1.4 s longer (25 % of its time).
"""

# The platform categories of the profit model as they stood at this version.
PLATFORM = ("sales", "promo_discount", "subsidy", "buyer_shipping", "other_income", "income_refund", "fee_refund",
            "platform_fee", "platform_logistics", "promotion_fee", "ad_fee", "adjustment", "storage_fee", "penalty",
            "other_platform_fee", "sales_tax", "market_tax", "vat", "other_tax")
SUMS = ("quantity", "sold", "settlement_amount", *PLATFORM)


def up(migrator, db):
    sums = ", ".join(f'"{c}" BIGINT NOT NULL DEFAULT 0' for c in SUMS)
    db.execute_sql(
        'CREATE TABLE "line_total" ("store_id" INTEGER NOT NULL REFERENCES "store" ("id") ON DELETE CASCADE, '
        '"basis" VARCHAR(1) NOT NULL, "day" INTEGER, "currency" VARCHAR(3) NOT NULL, "sku" VARCHAR(128), '
        f'"settled" BOOLEAN NOT NULL, "zero" BOOLEAN NOT NULL, {sums})')
    db.execute_sql('CREATE INDEX "line_total_store_basis_day" ON "line_total" ("store_id", "basis", "day")')
    db.execute_sql('CREATE TABLE "line_total_dirty" ("store_id" INTEGER NOT NULL, "hour" BIGINT NOT NULL, '
                   'PRIMARY KEY ("store_id", "hour"))')
    db.execute_sql('CREATE TABLE "line_total_built" ("store_id" INTEGER NOT NULL PRIMARY KEY '
                   'REFERENCES "store" ("id") ON DELETE CASCADE, "timezone" VARCHAR(64) NOT NULL)')
    # Lines stored before this version: every store that has some is stale as a whole (-1).
    db.execute_sql('INSERT INTO "line_total_dirty" ("store_id", "hour") '
                   'SELECT DISTINCT "store_id", -1 FROM "settlement_line"')

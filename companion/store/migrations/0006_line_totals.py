"""Schema version 6: pre-added totals of settlement lines per store and local day, and what is stale in them.

A report of a year adds up about a million lines; the same figures come from a few thousand day totals.
`line_total` holds, per store, basis ('s' settlement, 'o' order), local day (date ordinal in the store's
time zone; NULL for lines without a time), currency, settled flag, "unsettled with no amount" flag and, for
those lines only, the SKU (the order basis estimates them per SKU): the sums the report would take.
`line_total_built` says which time zone a store's totals were added up in (a changed zone rebuilds them).

The database itself marks what changed: triggers on settlement_line write the UTC hour of each inserted,
updated or deleted line's times into `line_total_dirty` (-2: a line without a time), so no write path can
forget it. Reports read lines for whatever is stale; the daemon rebuilds stale days when it is idle
(companion/store/line_totals.py).
"""

from peewee import PostgresqlDatabase

# The platform categories of the profit model as they stood at this version.
PLATFORM = ("sales", "promo_discount", "subsidy", "buyer_shipping", "other_income", "income_refund", "fee_refund",
            "platform_fee", "platform_logistics", "promotion_fee", "ad_fee", "adjustment", "storage_fee", "penalty",
            "other_platform_fee", "sales_tax", "market_tax", "vat", "other_tax")
SUMS = ("quantity", "sold", "settlement_amount", *PLATFORM)

# The UTC hours a line row touches, on either basis; NULL time: -2.
_HOURS_SQLITE = ("({r}.\"store_id\", COALESCE({r}.\"settled_time\" / 3600000, -2)), "
                 "({r}.\"store_id\", COALESCE(COALESCE({r}.\"order_time\", {r}.\"settled_time\") / 3600000, -2))")
_HOURS_PG = ("SELECT DISTINCT r.\"store_id\", h FROM {t} AS r, LATERAL (VALUES "
             "(COALESCE(r.\"settled_time\" / 3600000, -2)), "
             "(COALESCE(COALESCE(r.\"order_time\", r.\"settled_time\") / 3600000, -2))) AS v(h)")


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
    if isinstance(db, PostgresqlDatabase):
        _pg_triggers(db)
    else:
        _sqlite_triggers(db)
    # Lines stored before this version: every store that has some is stale as a whole (-1).
    db.execute_sql('INSERT INTO "line_total_dirty" ("store_id", "hour") '
                   'SELECT DISTINCT "store_id", -1 FROM "settlement_line"')


def _sqlite_triggers(db):
    for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        values = ", ".join(_HOURS_SQLITE.format(r=r) for r in rows)
        db.execute_sql(f'CREATE TRIGGER "line_total_mark_{event.lower()}" AFTER {event} ON "settlement_line" '
                       f'BEGIN INSERT OR IGNORE INTO "line_total_dirty" ("store_id", "hour") VALUES {values}; END')


def _pg_triggers(db):
    """Statement triggers with transition tables: one INSERT per statement, however many rows it wrote."""
    mark = 'INSERT INTO "line_total_dirty" ("store_id", "hour") {select} ON CONFLICT DO NOTHING;'
    db.execute_sql(
        'CREATE FUNCTION "line_total_mark"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
        f"IF TG_OP <> 'DELETE' THEN {mark.format(select=_HOURS_PG.format(t='new_rows'))} END IF; "
        f"IF TG_OP <> 'INSERT' THEN {mark.format(select=_HOURS_PG.format(t='old_rows'))} END IF; "
        "RETURN NULL; END $$")
    for event, tables in (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS "
                                                                          "new_rows"),
                          ("DELETE", "OLD TABLE AS old_rows")):
        db.execute_sql(f'CREATE TRIGGER "line_total_mark_{event.lower()}" AFTER {event} ON "settlement_line" '
                       f'REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION "line_total_mark"()')

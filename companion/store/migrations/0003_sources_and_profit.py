"""Schema version 3: what the sources and the profit engine need.

settlement_line gains the seller's SKU (msku), the order or adjustment it settles (reference), how much
detail its source has (detail) and whether a more detailed line replaced it (superseded), and its
statement. New tables: totals the platforms state (stated_total), which reports arrived for which store
and month (coverage), SKU unit costs, custom fees, exchange rates.
"""

from peewee import BigIntegerField, BooleanField, CharField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        id = IntegerField(primary_key=True)

    migrator.migrate(
        migrator.add_column("settlement_line", "msku", CharField(max_length=128, null=True)),
        migrator.add_column("settlement_line", "reference", CharField(max_length=128, null=True)),
        migrator.add_column("settlement_line", "detail", IntegerField(default=1)),
        migrator.add_column("settlement_line", "statement_id", CharField(max_length=128, null=True)),
        migrator.add_column("settlement_line", "superseded", BooleanField(default=False)),
        migrator.add_column("store", "families", TextField(default="")),
        migrator.add_column("raw_capture", "account", CharField(max_length=200, default="")),
        migrator.add_index("settlement_line", ("store_id", "reference"), False),
        migrator.add_index("settlement_line", ("store_id", "statement_id"), False),
        migrator.add_index("settlement_line", ("store_id", "settled_time"), False),
        # Reports filter by store and time; these are covered by the index above and the one below, and
        # every index costs each of the thousands of rows a sync inserts.
        migrator.drop_index("settlement_line", "settlement_line_store_id"),
        migrator.drop_index("settlement_line", "settlement_line_status_settled_time"),
        migrator.drop_index("settlement_line", "settlement_line_order_time"),
    )
    # The order basis counts a line by its order time, or its settlement time when it has none.
    db.execute_sql('CREATE INDEX "settlement_line_store_id_order_basis_time" ON "settlement_line" '
                   '("store_id", (COALESCE("order_time", "settled_time")))')

    class StatedTotal(Base):
        store = ForeignKeyField(Store, on_delete="CASCADE")
        kind = CharField(max_length=32)
        ref = CharField(max_length=128, default="")
        scope = TextField(default="")
        amount = BigIntegerField(null=True)
        currency = CharField(max_length=3, default="")
        count = IntegerField(null=True)
        at = BigIntegerField(null=True)
        capture = CharField(max_length=64, default="")
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("store", "kind", "ref", "scope"), True),)

    class Coverage(Base):
        store = ForeignKeyField(Store, on_delete="CASCADE")
        month = CharField(max_length=7)
        report_type = CharField(max_length=64)
        capture = CharField(max_length=64)
        lines = IntegerField(default=0)
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("store", "month", "report_type", "capture"), True),)

    class SkuCost(Base):
        sku_id = CharField(max_length=128)
        msku = CharField(max_length=128, null=True)
        effective_from = CharField(max_length=10, default="")
        unit_cost = BigIntegerField()
        currency = CharField(max_length=3)
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("sku_id", "effective_from"), True),)

    class CustomFee(Base):
        level = CharField(max_length=8)
        store = ForeignKeyField(Store, on_delete="CASCADE")
        target = CharField(max_length=128, default="")
        month = CharField(max_length=7)
        name = CharField(max_length=200, default="")
        amount = BigIntegerField()
        currency = CharField(max_length=3)
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("level", "store", "target", "month", "name"), True),)

    class FxRate(Base):
        day = CharField(max_length=10)
        base = CharField(max_length=3)
        quote = CharField(max_length=3)
        rate = CharField(max_length=40)
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("base", "quote", "day"), True),)

    db.create_tables([StatedTotal, Coverage, SkuCost, CustomFee, FxRate])

"""Schema version 13: per-unit logistics and other costs (issue #18 point 5; seed 002's 头程 / 尾程 / 其他成本),
dated like SKU unit costs, from a per-unit figure or spread from a shipment's bill."""

from peewee import AutoField, BigIntegerField, CharField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class UnitCharge(Base):
        id = AutoField()
        kind = CharField(max_length=16)
        sku_id = CharField(max_length=128)
        effective_from = CharField(max_length=10, default="")
        unit_cost = BigIntegerField()
        currency = CharField(max_length=3)
        shipment = CharField(max_length=128, default="")
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("kind", "sku_id", "effective_from"), True),)

    db.create_tables([UnitCharge])

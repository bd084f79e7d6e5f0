"""Schema version 10: purchase records (issue #18 point 4). One purchase_order row per (source, order_no) with
its goods lines (purchase_item), the platform orders it serves (purchase_link), and the SKU map that ties a
supplier's SKU to a shop SKU, for every store (store NULL) or for one store."""

from peewee import BigIntegerField, BooleanField, CharField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        id = IntegerField(primary_key=True)

    class PurchaseOrder(Base):
        source = CharField(max_length=16)
        order_no = CharField(max_length=128)
        supplier = TextField(default="")
        status = CharField(max_length=16)
        currency = CharField(max_length=3)
        goods = BigIntegerField(default=0)
        shipping = BigIntegerField(default=0)
        adjustment = BigIntegerField(default=0)
        total = BigIntegerField(default=0)
        placed_at = BigIntegerField(null=True)
        paid_at = BigIntegerField(null=True)
        self_delivery = BooleanField(default=False)
        capture = CharField(max_length=64, default="")
        recorded_at = BigIntegerField()
        updated_at = BigIntegerField()

        class Meta:
            indexes = ((("source", "order_no"), True),)

    class PurchaseItem(Base):
        purchase = ForeignKeyField(PurchaseOrder, on_delete="CASCADE")
        position = IntegerField(default=0)
        sku = CharField(max_length=128)
        name = TextField(default="")
        quantity = IntegerField(default=0)
        unit_price = BigIntegerField(default=0)
        amount = BigIntegerField(default=0)
        supplier_item = CharField(max_length=128, default="")

        class Meta:
            indexes = ((("sku",), False),)

    class PurchaseLink(Base):
        purchase = ForeignKeyField(PurchaseOrder, on_delete="CASCADE")
        order_id = CharField(max_length=128)

        class Meta:
            indexes = ((("purchase", "order_id"), True), (("order_id",), False))

    class SkuMap(Base):
        supplier_sku = CharField(max_length=128)
        store = ForeignKeyField(Store, on_delete="CASCADE", null=True)
        sku_id = CharField(max_length=128)
        recorded_at = BigIntegerField()

        class Meta:
            indexes = ((("supplier_sku", "store"), True),)

    db.create_tables([PurchaseOrder, PurchaseItem, PurchaseLink, SkuMap])

"""Schema version 1: stores, orders, settlement lines, raw captures, pairing tokens, settings."""

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

CATEGORY_COLUMNS = (
    "sales", "promo_discount", "subsidy", "buyer_shipping", "other_income", "income_refund", "fee_refund",
    "platform_fee", "platform_logistics", "promotion_fee", "ad_fee", "adjustment", "storage_fee", "penalty",
    "other_platform_fee", "sales_tax", "market_tax", "vat", "other_tax",
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        id = AutoField()
        platform = CharField(max_length=32)
        external_id = CharField(max_length=128)
        region = CharField(max_length=16, default="")
        name = CharField(max_length=200, unique=True)
        currency = CharField(max_length=3, default="")
        timezone = CharField(max_length=64, default="UTC")
        created_at = BigIntegerField()

        class Meta:
            indexes = ((("platform", "external_id"), True),)

    class Order(Base):
        id = AutoField()
        store = ForeignKeyField(Store, on_delete="CASCADE")
        order_id = CharField(max_length=128)
        placed_at = BigIntegerField(null=True)
        currency = CharField(max_length=3, default="")

        class Meta:
            indexes = ((("store", "order_id"), True),)

    class OrderLine(Base):
        id = AutoField()
        order = ForeignKeyField(Order, on_delete="CASCADE")
        sku_id = CharField(max_length=128)
        sku_name = TextField(default="")
        msku = CharField(max_length=128, default="")
        quantity = IntegerField(default=0)
        unit_price = BigIntegerField(null=True)
        currency = CharField(max_length=3, default="")

        class Meta:
            indexes = ((("order", "sku_id"), True),)

    class SettlementLine(Base):
        id = AutoField()
        store = ForeignKeyField(Store, on_delete="CASCADE")
        natural_key = TextField()
        digest = CharField(max_length=40)
        status = CharField(max_length=16)
        txn_type = CharField(max_length=64, default="")
        order_id = CharField(max_length=128, null=True)
        sku_id = CharField(max_length=128, null=True)
        sku_name = TextField(null=True)
        quantity = IntegerField(default=0)
        currency = CharField(max_length=3)
        order_time = BigIntegerField(null=True)
        settled_time = BigIntegerField(null=True)
        settled_time_approx = BooleanField(default=False)
        settlement_amount = BigIntegerField(default=0)
        source_fields = TextField(default="[]")
        extra = TextField(default="{}")
        capture = CharField(max_length=64, default="")
        created_at = BigIntegerField()
        updated_at = BigIntegerField()

        class Meta:
            indexes = ((("store", "natural_key"), True),)

    for key in CATEGORY_COLUMNS:
        SettlementLine._meta.add_field(key, BigIntegerField(default=0))

    class RawCapture(Base):
        id = AutoField()
        capture_id = CharField(max_length=64, unique=True)
        site = CharField(max_length=32)
        kind = CharField(max_length=16)
        url = TextField(default="")
        name = TextField(default="")
        captured_at = BigIntegerField()
        received_at = BigIntegerField()
        size = IntegerField()
        sha256 = CharField(max_length=64)
        encoding = CharField(max_length=16)
        payload = BlobField()
        adapter = CharField(max_length=64, default="")
        parser_version = IntegerField(default=0)
        outcome = CharField(max_length=16)
        message = TextField(default="")
        added = IntegerField(default=0)
        updated = IntegerField(default=0)
        skipped = IntegerField(default=0)

    class PairingToken(Base):
        id = AutoField()
        name = CharField(max_length=200)
        token_hash = CharField(max_length=64, unique=True)
        created_at = BigIntegerField()
        last_seen_at = BigIntegerField(null=True)
        revoked_at = BigIntegerField(null=True)

    class Setting(Base):
        key = CharField(max_length=100, primary_key=True)
        value = TextField()
        updated_at = BigIntegerField()

    db.create_tables([Store, Order, OrderLine, SettlementLine, RawCapture, PairingToken, Setting])

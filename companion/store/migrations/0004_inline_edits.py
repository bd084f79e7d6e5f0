"""Schema version 4: the seller's inline edits of the Finance view's expense tab, and their audit log."""

from peewee import AutoField, BigIntegerField, BooleanField, CharField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        id = IntegerField(primary_key=True)

    class LineEdit(Base):
        id = AutoField()
        store = ForeignKeyField(Store, on_delete="CASCADE", index=False)
        natural_key = TextField()
        settlement_price = BigIntegerField(null=True)
        purchase_price = BigIntegerField(null=True)
        other_fees = BigIntegerField(null=True)
        purchase_order = CharField(max_length=128, null=True)
        updated_at = BigIntegerField()

        class Meta:
            indexes = ((("store", "natural_key"), True),)

    class EditLog(Base):
        id = AutoField()
        store = ForeignKeyField(Store, on_delete="CASCADE", index=False)
        natural_key = TextField()
        field = CharField(max_length=32)
        old = TextField(null=True)
        new = TextField(null=True)
        at = BigIntegerField()
        undo_of = IntegerField(null=True)
        undone = BooleanField(default=False)

        class Meta:
            indexes = ((("store", "natural_key"), False),)

    db.create_tables([LineEdit, EditLog])

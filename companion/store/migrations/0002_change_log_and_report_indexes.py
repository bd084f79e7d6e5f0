"""Schema version 2: the change log behind `rev`, and indexes the period reports filter on."""

from peewee import BigIntegerField, CharField, IntegerField, Model


def up(migrator, db):
    class ChangeLog(Model):
        rev = IntegerField(primary_key=True)
        at = BigIntegerField()
        source = CharField(max_length=16)
        account = CharField(max_length=200, null=True)
        added = IntegerField(default=0)
        updated = IntegerField(default=0)
        removed = IntegerField(default=0)

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([ChangeLog])
    migrator.migrate(
        migrator.add_index("settlement_line", ("status", "settled_time"), False),
        migrator.add_index("settlement_line", ("order_time",), False),
        migrator.add_index("settlement_line", ("order_id",), False),
    )

"""Schema version 7: auto-sync schedules per store and the record of every sync run (issue: tray, schedules
and unattended Sync Settlement)."""

from peewee import BigIntegerField, CharField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Store(Base):
        id = IntegerField(primary_key=True)

    class SyncSchedule(Base):
        store = ForeignKeyField(Store, on_delete="CASCADE", unique=True)
        every_seconds = IntegerField(null=True)
        at_times = CharField(max_length=200, default="")
        next_run_at = BigIntegerField(null=True)
        last_run_at = BigIntegerField(null=True)
        last_status = CharField(max_length=32, default="")
        last_message = TextField(default="")
        updated_at = BigIntegerField()

    class SyncRun(Base):
        store = ForeignKeyField(Store, on_delete="CASCADE", null=True)
        account = CharField(max_length=200, default="")
        site = CharField(max_length=32, default="")
        trigger = CharField(max_length=16)
        via = CharField(max_length=16, default="")
        status = CharField(max_length=32)
        pages = IntegerField(default=0)
        records = IntegerField(default=0)
        started_at = BigIntegerField()
        finished_at = BigIntegerField(null=True)
        duration_ms = IntegerField(null=True)
        error = TextField(default="")

        class Meta:
            indexes = ((("started_at",), False),)

    db.create_tables([SyncSchedule, SyncRun])

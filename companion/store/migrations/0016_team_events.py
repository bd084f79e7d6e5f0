"""Schema version 16: `team_event`, the events about shared data other than settlement changes (a store renamed,
settings saved, a schedule set, the data replaced by a restore or a cloud pull) that the other daemons on one
PostgreSQL schema read by id (issue #20; companion/store/team_events.py). Never backed up or restored.

`sync_schedule.claimed_at`: when a daemon last claimed a scheduled sync of the store (epoch milliseconds); the
others whose scheduler fires the same run find it claimed and let it be (companion/automation/schedules.py)."""

from peewee import AutoField, CharField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class TeamEvent(Base):
        id = AutoField()
        origin = CharField(max_length=32)
        events = TextField()

    db.create_tables([TeamEvent], safe=True)
    if "claimed_at" not in {c.name for c in db.get_columns("sync_schedule")}:
        db.execute_sql('ALTER TABLE "sync_schedule" ADD COLUMN "claimed_at" BIGINT')

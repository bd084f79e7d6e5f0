"""Schema version 9: a sync run and a schedule's last run keep their refusal's catalog code and params beside
the English sentence (issue #16 point 6), so the Finance view says a past run's error in the seller's language
after a reload, not only when the run's event arrives. Runs stored before keep "" (the view shows their English)."""

from peewee import CharField, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("sync_run", "error_code", CharField(max_length=64, default="")),
        migrator.add_column("sync_run", "error_params", TextField(default="")),
        migrator.add_column("sync_schedule", "last_code", CharField(max_length=64, default="")),
        migrator.add_column("sync_schedule", "last_params", TextField(default="")),
    )

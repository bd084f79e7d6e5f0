"""Persistence: Peewee models, database setup, migrations, the one writer, idempotent upserts."""

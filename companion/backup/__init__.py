"""Backups: the file format, consistent snapshots of any schema version, the checked restore."""

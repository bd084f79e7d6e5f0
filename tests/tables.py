"""Moved to tests/support/tables.py. Only the tests/test_sources_*.py modules still import it from here;
this file goes when they import from tests.support (tests/test_house_rules.py lists them until then)."""

from tests.support.tables import categories_match_settlement, csv_bytes, file_src, parse, totals, xlsx

__all__ = ["categories_match_settlement", "csv_bytes", "file_src", "parse", "totals", "xlsx"]

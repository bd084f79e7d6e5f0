"""Moved to tests/support/builders.py. Only the tests/test_sources_*.py modules still import it from here;
this file goes when they import from tests.support (tests/test_house_rules.py lists them until then)."""

from tests.support.builders import HOST, SELLER, order_list_capture, order_row

__all__ = ["HOST", "SELLER", "order_list_capture", "order_row"]

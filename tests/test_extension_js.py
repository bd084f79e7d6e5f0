"""The extension's pure JavaScript helpers (scrubbing, site descriptors, outbox, the sync driver's answer
log), tested with node:test; the whole extension is tested in Chromium under tests/browser."""

from __future__ import annotations

from tests.support.node_tests import run_node_tests


def test_extension_helpers_pass_node_test():
    run_node_tests("tests/extension", "the extension's unit tests")

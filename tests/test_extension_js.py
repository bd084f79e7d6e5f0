"""The extension's pure JavaScript helpers (scrubbing, site descriptors, outbox, the sync driver's answer
log), tested with node:test; the whole extension is tested in Chromium under tests/browser."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.support import REPO


def test_extension_helpers_pass_node_test():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("SHOPTALLY_REQUIRE_BROWSER") == "1":
            pytest.fail("node is not installed: the extension's unit tests need Node.js 18 or newer")
        pytest.skip("node is not installed")
    proc = subprocess.run([node, "--test", "tests/extension/"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass 11" in proc.stdout, proc.stdout[-2000:]

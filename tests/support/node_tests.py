"""JavaScript unit tests under node:test: every *.test.js file of a folder, run together; how many tests
there are is read from the files themselves (each `test(...)` or `it(...)` call), never written down."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.support import REPO

DECLARED = re.compile(r"^\s*(?:test|it)(?:\.\w+)?\s*\(", re.MULTILINE)  # test("…", …), it.skip("…", …)
SUMMARY = re.compile(r"^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$", re.MULTILINE)


def declared_tests(folder: str) -> dict[str, int]:
    """File (relative to the repository) → the tests it declares, for each *.test.js of `folder`."""
    return {str(path.relative_to(REPO)): len(DECLARED.findall(path.read_text(encoding="utf-8")))
            for path in sorted((REPO / folder).glob("*.test.js"))}


def run_node_tests(folder: str, what: str) -> None:
    """Runs the files; every declared test must have run and passed, and there must be some."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("SHOPTALLY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"node is not installed: {what} need Node.js 18 or newer")
        pytest.skip("node is not installed")
    files = declared_tests(folder)
    declared = sum(files.values())
    assert files and all(files.values()), f"{folder}: a *.test.js file declares no test: {files}"
    proc = subprocess.run([node, "--test", "--test-reporter=tap", *files], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    summary = {key: int(n) for key, n in SUMMARY.findall(proc.stdout)}
    assert (summary.get("tests"), summary.get("pass"), summary.get("fail")) == (declared, declared, 0), (
        files, summary, proc.stdout[-2000:])
    assert summary.get("cancelled", 0) == summary.get("skipped", 0) == summary.get("todo", 0) == 0, summary

"""Real Chromium with the real unpacked extension, a real daemon, fixture seller centers over HTTPS.

Recipe: ../shared/design/browser-testing.md. These tests need Debian's `chromium` and `chromium-driver`;
without them they are skipped, unless SHOPTALLY_REQUIRE_BROWSER=1 (CI sets it) makes that a failure.
They run on the SQLite default: what the daemon does with a capture is tested on both databases elsewhere.
The browser, pairing and the reads of the daemon's database are in tests/support/browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import Browser, browser_missing
from tests.support.certs import make_certificate
from tests.support.daemon import Daemon
from tests.support.finance_view import load_export
from tests.support.seller_centers import HOSTS, SellerCenters


@pytest.fixture(scope="session")
def browser_available() -> None:
    missing = browser_missing()
    if missing:
        if os.environ.get("SHOPTALLY_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory, browser_available) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("cert"), HOSTS)


@pytest.fixture
def centers(certificate):
    server = SellerCenters().start(*certificate)
    yield server
    server.stop()


@pytest.fixture
def daemon(tmp_path):
    with Daemon(tmp_path / "data", None) as d:
        yield d


@pytest.fixture
def browser(tmp_path, centers, browser_available):
    b = Browser(tmp_path, centers)
    yield b
    b.quit()


@pytest.fixture
def loaded(daemon, tmp_path):
    """A daemon holding a 120-row US Order details export of September 2025, imported through the CLI."""
    return load_export(daemon, tmp_path)

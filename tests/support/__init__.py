"""What the tests share, in one place: builders of messages, captures and report files (`builders`,
`tables`), the in-process app's clients (`app`), the real program run as subprocesses (`daemon`), the
fixture seller centers and their certificate (`seller_centers`, `certs`), Chromium driven by Selenium
(`browser`). Test modules and conftest files import shared code from here and never from one another
(tests/test_house_rules.py checks it)."""

from __future__ import annotations

import os
from pathlib import Path

from companion.extension_id import EXTENSION_ID

REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-token-" + "x" * 32  # the data dir's token of the in-process service (conftest's `service`)
EXT_ORIGIN = f"chrome-extension://{EXTENSION_ID}"
PG_URL = os.environ.get("SHOPTALLY_TEST_DATABASE_URL", "")

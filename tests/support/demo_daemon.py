"""`shoptally serve --demo` on a temporary folder it makes itself (no --data-dir), in a test's own platform data
dir (XDG_DATA_HOME) and temp dir (TMPDIR), so the demo pointer and the demo's folder are the test's."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.support.daemon import Daemon, clean_env

DEMO_TIMEOUT = 240.0  # it generates six months of four stores before it listens (about 8 s on an idle machine)
SAID = re.compile(r"^Demo data dir: (.+)$", re.M)


def home_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment whose platform data dir is HOME/xdg/shoptally and whose temp dir is HOME/tmp."""
    (home / "xdg").mkdir(parents=True, exist_ok=True)
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return clean_env(XDG_DATA_HOME=str(home / "xdg"), TMPDIR=str(home / "tmp"), **extra)


def default_dir(home: Path) -> Path:
    """The platform data dir of home_env(home): where commands naming no data dir look."""
    return (home / "xdg" / "shoptally").resolve()


class DemoDaemon(Daemon):
    """The demo daemon; its data dir is learnt from what it prints, then it is waited for as any daemon."""

    def __init__(self, home: Path, *extra: str) -> None:
        super().__init__(home / "logs", None, "--demo", *extra, env=home_env(home), pass_data_dir=False)

    def wait_ready(self) -> dict:
        deadline = time.monotonic() + DEMO_TIMEOUT
        while not (found := SAID.search(self.printed())):
            if self.proc.poll() is not None:
                raise AssertionError(f"serve --demo exited with {self.proc.returncode}: {self.printed()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"serve --demo said no data dir within {DEMO_TIMEOUT}s: {self.printed()}")
            time.sleep(0.05)
        self.data_dir = Path(found[1])
        return super().wait_ready()

    def printed(self) -> str:
        """Its output so far, read through a file object of our own (the log's offset is the daemon's)."""
        return Path(self._log.name).read_text()

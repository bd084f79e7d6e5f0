"""Unattended Sync Settlement: with no extension connected, the daemon starts Chromium itself (Selenium, its
own profile in the data dir, the real extension), runs the sync against the fixture seller center, closes
the browser and records the run; a schedule on a short interval does the same by itself."""

from __future__ import annotations

import sqlite3
import subprocess
from decimal import Decimal

from tests.support.browser import CHROMEDRIVER, CHROMIUM, stored_lines, wait_for
from tests.support.daemon import Daemon, clean_env
from tests.support.seller_centers import HOSTS, amount_of


def unattended_env(centers) -> dict[str, str]:
    rules = ", ".join(f"MAP {h}:443 127.0.0.1:{centers.port}" for h in HOSTS)
    args = (f"--disable-gpu --disable-quic --ignore-certificate-errors --lang=en-US "
            f"'--host-resolver-rules={rules}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'")
    return clean_env(SHOPTALLY_MIN_SYNC_INTERVAL="1", SHOPTALLY_BROWSER=str(CHROMIUM),
                     SHOPTALLY_CHROMEDRIVER=str(CHROMEDRIVER), SHOPTALLY_BROWSER_ARGS=args,
                     # ceilings far above an idle run (a sync ~15 s, its first progress ~1 s after the
                     # command): a browser started on a busy machine took over 30 s to answer (CI under load)
                     SHOPTALLY_SYNC_TIMEOUT="600", SHOPTALLY_SYNC_STALL_TIMEOUT="120")


def browsers_on(profile) -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if f"--user-data-dir={profile}" in line]


def test_schedules_run_unattended_syncs_in_a_browser_the_daemon_starts(tmp_path, centers):
    with Daemon(tmp_path / "data", None, env=unattended_env(centers)) as daemon:
        # no browser of the seller's is connected: run-now starts one of its own
        result = daemon.cli("schedule", "run-now")
        assert result.code == 0, result.out + result.err
        assert result.out.splitlines()[-1] == "done: 30 records, 4 pages via browser"
        expected = {"settled": (23, sum(amount_of(r) for r in centers.settled)),
                    "in_transit": (7, sum(amount_of(r) for r in centers.on_hold))}
        assert stored_lines(daemon) == expected and expected["settled"][1] == Decimal("577.07")
        profile = daemon.data_dir / "browser-profile"
        assert profile.is_dir() and browsers_on(profile) == []  # closed after the run
        con = sqlite3.connect(f"file:{daemon.data_dir / 'shoptally.db'}?mode=ro", uri=True)
        (store,), = con.execute("SELECT name FROM store").fetchall()
        con.close()

        # a schedule every second: the next run fires by itself, through a browser it starts again
        result = daemon.cli("schedule", "set", store, "--every", "1s")
        assert result.code == 0, result.err
        run = wait_for(lambda: next((r for r in daemon.get("/api/automation")["runs"]
                                     if r["trigger"] == "schedule" and r["status"] != "running"), None),
                       "a scheduled run", timeout=300)
        assert daemon.cli("schedule", "set", store, "off").code == 0
        assert (run["account"], run["status"], run["via"], run["pages"], run["records"]) == (
            store, "done", "browser", 4, 30)
        assert run["duration_ms"] > 0 and run["error"] == ""
        assert stored_lines(daemon) == expected  # the same records again: nothing added
        wait_for(lambda: not daemon.get("/api/automation")["running"], "the last run to end", timeout=300)
        wait_for(lambda: browsers_on(profile) == [], "the sync browser to close")

        # the seller center logged the profile out: the run says so and what to do
        centers.logged_out = True
        result = daemon.cli("schedule", "run-now", store)
        assert result.code == 1
        assert result.out.splitlines()[-1].startswith("login_expired: 0 records, 0 pages via browser; not logged in")
        assert result.out.rstrip().endswith("run `shoptally browser login` and log in to the seller center again")
        assert stored_lines(daemon) == expected

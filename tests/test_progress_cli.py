"""The CLI's progress bar (issue #17.7), as the seller sees it: the real `shoptally` with its stderr on a
pseudo-terminal (python's pty) draws the bar there and ends it at 100% with the rows, while stdout is byte for
byte what it is with no terminal; a pipe and --json get no bar at all. Offline and through a running daemon."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

from companion.store.db import sqlite_url
from tests.support import REPO
from tests.support.daemon import PROGRAM, Daemon, clean_env, cli
from tests.support.tables import bench_export

BIG_ROWS = 32_000  # about 8.8 MB: read in units, as a large export is
KEY = "草莓-mug-2026"
SUMMARY = "{path}: tiktok order_details → TikTok US BenchShop: 32000 added, 0 updated, 0 skipped\n"


def on_terminal(*args: str, timeout: float = 300) -> tuple[int, str, str]:
    """`shoptally ARGS` with stderr on a pseudo-terminal (stdout a pipe): exit code, stdout, what the terminal
    showed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([*PROGRAM, *args], cwd=REPO, env=clean_env(COLUMNS="200"), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = b""
    while True:  # until the program (and so the terminal's last writer) is gone
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: no writer left
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read()
    code = proc.wait(timeout)
    os.close(master)
    return code, out.decode(), shown.decode()


def final_states(shown: str) -> list[str]:
    """Each bar's last drawing (a bar is redrawn after carriage returns and ends with a newline)."""
    lines = shown.replace("\r\n", "\n").split("\n")
    return [line.rsplit("\r", 1)[-1].replace("\x1b[K", "") for line in lines if "\r" in line]


def test_import_on_a_terminal_draws_the_bar_and_prints_the_same(tmp_path: Path):
    path = bench_export(tmp_path, BIG_ROWS)
    plain = cli(tmp_path / "plain", None, "import", str(path))
    assert plain.code == 0 and plain.err == ""  # a pipe: no bar
    code, out, shown = on_terminal("import", "--data-dir", str(tmp_path / "tty"), str(path))
    assert code == 0
    assert out == plain.out == SUMMARY.format(path=path)
    last = final_states(shown)[-1]
    assert re.fullmatch(rf"import {re.escape(path.name)}  \[#{{20}}\] 100%  32,000/32,000 rows  [\d,]+ rows/s  "
                        r"in \d+:\d\d", last), repr(shown[-400:])
    assert shown.endswith("\n")
    assert re.search(r"\] +\d{1,2}%  [\d,]+/32,00[01] rows", shown), shown  # drawn while it ran, not only at the end


def test_json_on_a_terminal_draws_nothing(tmp_path: Path):
    path = bench_export(tmp_path, 50)
    plain = cli(tmp_path / "plain", None, "import", str(path), "--json")
    code, out, shown = on_terminal("import", "--data-dir", str(tmp_path / "tty"), str(path), "--json")
    assert (code, shown) == (0, "")
    assert out == plain.out and '"added": 50' in out


def test_import_through_a_daemon_draws_the_bar_from_its_events(tmp_path: Path):
    path = bench_export(tmp_path, BIG_ROWS)
    data = tmp_path / "data"
    with Daemon(data, sqlite_url(data / "shoptally.db")):
        code, out, shown = on_terminal("import", "--data-dir", str(data), str(path))
    assert code == 0
    assert out == SUMMARY.format(path=path)
    assert re.fullmatch(rf"import {re.escape(path.name)}  \[#{{20}}\] 100%  32,000/32,000 rows  .*",
                        final_states(shown)[-1])


def test_backup_restore_and_cloud_push_draw_their_bars(tmp_path: Path):
    data = tmp_path / "data"
    assert cli(data, None, "import", str(bench_export(tmp_path, 300))).code == 0
    backup = tmp_path / "b.shoptally-backup"
    code, out, shown = on_terminal("backup", "--data-dir", str(data), "create", "--out", str(backup))
    assert code == 0 and out.startswith(f"backup written to {backup}: 300 settlement lines")
    assert re.fullmatch(r"backup  \[#{20}\] 100%  ([\d,]+)/\1 rows  .*", final_states(shown)[-1]), shown
    code, out, shown = on_terminal("backup", "--data-dir", str(data), "restore", str(backup), "--yes")
    assert code == 0 and out.startswith("restored b.shoptally-backup: 300 settlement lines")
    states = final_states(shown)
    assert [s.split("  [")[0] for s in states] == ["restore safety backup", "restore"], states
    assert all("100%" in s for s in states)
    target = (tmp_path / "cloud").as_uri()
    code, out, shown = on_terminal("cloud", "--data-dir", str(data), "push", "--key", KEY, "--label", "laptop",
                                   "--target", target)
    assert code == 0 and out.startswith("uploaded 300 settlement lines as laptop")
    states = final_states(shown)
    assert [s.split("  [")[0] for s in states] == ["cloud push backup", "cloud push upload"], states
    assert states[-1].split("  ")[2] == f"{int(out.split('(')[1].split()[0]) / 1e6:,.1f}/" \
        f"{int(out.split('(')[1].split()[0]) / 1e6:,.1f} MB"
    code, out, shown = on_terminal("cloud", "--data-dir", str(data), "pull", "--key", KEY, "--target", target,
                                   "--dry-run")
    assert code == 0 and out.startswith("cloud copy from laptop")
    assert [s.split("  [")[0] for s in final_states(shown)] == ["cloud pull download"] and "100%" in shown
    code, out, shown = on_terminal("reparse", "--data-dir", str(data))
    assert code == 0 and out.startswith("1 raw captures and files read again")
    assert final_states(shown)[-1].startswith("reparse  [####################] 100%  1/1 rows")

"""`serve --demo` on a temporary folder says where it is, and commands that name no data dir find it while it
runs (issue #17.4): through a pointer it leaves in the platform data dir, which a daemon on that data dir, a
named data dir or database, and a demo that is gone all override. Real `shoptally` processes throughout."""

from __future__ import annotations

import json
import os
import re

from companion.config import sqlite_url
from tests.support.daemon import Daemon, recv, run, send
from tests.support.demo_daemon import DemoDaemon, default_dir, home_env


def note(data) -> str:
    return f"shoptally: using the running demo's data dir {data} (name --data-dir for another)"


def refusal(data) -> str:
    return (f"shoptally: {data} holds no shoptally data (no shoptally.db): name the data dir with --data-dir, "
            "or import files into it first (`shoptally import FILE`)")


def not_running(data) -> str:
    return f"shoptally: the daemon is not running on {data}: start it with `shoptally serve`"


async def pending_request(d: DemoDaemon, name: str) -> tuple[object, str]:
    ext = await d.extension()
    await send(ext, {"type": "pair_request", "name": name})
    answer = await recv(ext)
    assert answer["type"] == "pair_pending", answer
    return ext, answer["code"]


async def test_serve_demo_says_its_data_dir_and_commands_naming_none_reach_it(tmp_path):
    home = tmp_path / "home"
    env = home_env(home)
    async with DemoDaemon(home) as d:
        data = d.data_dir
        assert data.parent == (home / "tmp").resolve() and data.name.startswith("shoptally-demo-")
        printed = d.printed().splitlines()
        first = printed.index(f"Demo data dir: {data}")
        assert printed[first:first + 5] == [
            f"Demo data dir: {data}",
            "Other shoptally commands that name no data dir use it while this demo runs, e.g.:",
            f"  shoptally pair approve --data-dir {data}",
            f"  shoptally report --period all --data-dir {data}",
            f"  shoptally open --data-dir {data}"]
        pointer = default_dir(home) / "demo.json"
        assert json.loads(pointer.read_text()) == {"pid": d.pid, "data_dir": str(data)}

        ext, code = await pending_request(d, "Chrome demo")
        listed = run(["pair", "list"], env=env)
        assert listed.code == 0 and listed.err_lines == [note(data)], listed
        assert re.fullmatch(rf"pending  {code}  Chrome demo  \(since [^)]+\)\n", listed.out), listed.out
        approved = run(["pair", "approve"], env=env)  # the README's command, with no --data-dir
        assert approved.code == 0 and approved.err_lines == [note(data)], approved
        assert re.fullmatch(rf"paired Chrome demo \(code {code}, id \d+\)\n", approved.out), approved.out
        assert (await recv(ext))["type"] == "paired"

        # offline reads go to the demo's database too: the same report as the printed command's
        mine = run(["report", "--period", "all", "--json"], env=env)
        printed_cmd = run(["report", "--period", "all", "--data-dir", str(data), "--json"], env=env)
        assert (mine.code, printed_cmd.code, printed_cmd.err) == (0, 0, "")
        assert mine.json == printed_cmd.json and len(mine.json["rows"]) == 9, mine.out
        assert mine.err_lines == [note(data)]
    assert not pointer.exists()  # removed on exit
    after = run(["pair", "list"], env=env)
    assert (after.code, after.out, after.err_lines) == (1, "", [not_running(default_dir(home))])
    report = run(["report"], env=env)
    assert (report.code, report.out, report.err_lines) == (2, "", [refusal(default_dir(home))])


async def test_a_daemon_on_the_default_data_dir_and_a_named_one_win_over_the_demo(tmp_path):
    home, named = tmp_path / "home", tmp_path / "named"
    env = home_env(home)
    async with DemoDaemon(home) as demo:
        await pending_request(demo, "Chrome demo")  # only the demo has one: `pair list` tells whose it reached
        by_flag = run(["pair", "list", "--data-dir", str(named)], env=env)
        assert (by_flag.code, by_flag.out, by_flag.err_lines) == (1, "", [not_running(named)])
        by_env = run(["pair", "list"], env=home_env(home, SHOPTALLY_DATA_DIR=str(named)))
        assert (by_env.code, by_env.out, by_env.err_lines) == (1, "", [not_running(named)])
        own_db = run(["report", "--json"], env=home_env(home, SHOPTALLY_DATABASE_URL=sqlite_url(tmp_path / "own.db")))
        assert (own_db.code, own_db.err, own_db.json["rows"]) == (0, "", [])  # a named database: not the demo's
        with Daemon(default_dir(home), None, env=env, pass_data_dir=False):
            real = run(["pair", "list"], env=env)
            assert (real.code, real.out, real.err) == (0, "no pending pairing requests\n", "")
        again = run(["pair", "list"], env=env)  # the real daemon gone: the demo again
        assert again.code == 0 and again.out.startswith("pending  ") and again.err_lines == [note(demo.data_dir)]


def test_a_pointer_left_by_a_killed_demo_leads_nowhere(tmp_path):
    home = tmp_path / "home"
    env = home_env(home)
    with DemoDaemon(home) as d:
        d.kill()  # no clean-up at all
        pointer = default_dir(home) / "demo.json"
        assert json.loads(pointer.read_text())["pid"] == d.pid
        listed = run(["pair", "list"], env=env)
        assert (listed.code, listed.out, listed.err_lines) == (1, "", [not_running(default_dir(home))])
        report = run(["report"], env=env)
        assert (report.code, report.out, report.err_lines) == (2, "", [refusal(default_dir(home))])
        assert os.listdir(default_dir(home)) == ["demo.json"]  # nothing created beside it

"""The real `shoptally` program as subprocesses: daemon files and settings, refusals, pairing, sync, crash safety.

Each test runs on a fresh database (SQLite, and PostgreSQL when SHOPTALLY_TEST_DATABASE_URL is set) and a
temporary data dir; daemons are started with `--port 0 --no-tray` and always stopped (SIGTERM, then kill).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest
from platformdirs import user_data_dir
from websockets.exceptions import ConnectionClosed

from companion import __version__, config
from companion.store.db import sqlite_url
from tests.support.builders import hello, order_list_capture, order_row
from tests.support.daemon import (
    Daemon,
    acli,
    child_pids,
    clean_env,
    cli,
    close_code,
    next_event,
    query,
    recv,
    run,
    scalar,
    send,
    wait_gone,
)


def says_not_running(res, data_dir: Path) -> bool:
    """Exit 1 and one stderr line saying the daemon is not running, naming the data dir it looked in."""
    return (res.code == 1 and res.out == "" and len(res.err_lines) == 1 and "not running" in res.err_lines[0]
            and f" {data_dir.resolve()}" in res.err_lines[0])


UNREACHABLE_PG = "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2"


# files and settings -------------------------------------------------------------------------------------
def test_config_resolve_precedence_and_platform_default(tmp_path):
    default_dir = Path(user_data_dir("shoptally", appauthor=False)).expanduser().resolve()
    cfg = config.resolve(env={})
    assert cfg.data_dir == default_dir
    assert cfg.database_url == sqlite_url(default_dir / "shoptally.db")

    env_dir, flag_dir = tmp_path / "from-env", tmp_path / "from-flag"
    cfg = config.resolve(env={"SHOPTALLY_DATA_DIR": str(env_dir)})
    assert cfg.data_dir == env_dir and cfg.database_url == sqlite_url(env_dir / "shoptally.db")
    cfg = config.resolve(str(flag_dir), env={"SHOPTALLY_DATA_DIR": str(env_dir)})
    assert cfg.data_dir == flag_dir and cfg.database_url == sqlite_url(flag_dir / "shoptally.db")

    env_url, flag_url = "postgresql://env@127.0.0.1/env", "postgresql://flag@127.0.0.1/flag"
    assert config.resolve(str(flag_dir), env={"SHOPTALLY_DATABASE_URL": env_url}).database_url == env_url
    assert config.resolve(str(flag_dir), flag_url, env={"SHOPTALLY_DATABASE_URL": env_url}).database_url == flag_url
    assert config.resolve(None, flag_url, env={}).database_url == flag_url


def test_token_and_daemon_json_lifecycle(db_url, tmp_path):
    data = tmp_path / "data"
    with Daemon(data, db_url) as d:
        token_path = data / "token"
        assert stat.S_IMODE(token_path.stat().st_mode) == 0o600
        token = d.token
        assert len(token) >= 32 and token == token_path.read_text().strip()
        info = json.loads((data / "daemon.json").read_text())
        assert set(info) == {"pid", "port", "url", "version"}
        assert info["pid"] == d.pid and isinstance(info["port"], int) and 0 < info["port"] < 65536
        assert info["port"] != config.DEFAULT_PORT
        assert info["url"] == f"http://127.0.0.1:{info['port']}/" and info["version"] == __version__ == "0.1.0"
        assert d.get("/api/ping") == {"app": "shoptally", "version": "0.1.0", "protocol": 1}
        # --port 0 again, beside it on another data dir: another free port
        with Daemon(tmp_path / "other", db_url) as other:
            assert other.port != d.port
            assert other.get("/api/ping")["app"] == "shoptally"
        code = d.stop()
        assert code == 0, d.output()
        assert not (data / "daemon.json").exists()
        assert token_path.read_text().strip() == token
    with Daemon(data, db_url) as again:  # a restart keeps the token
        assert again.pid != info["pid"]
        assert again.token == token and stat.S_IMODE(token_path.stat().st_mode) == 0o600
        again.proc.send_signal(signal.SIGINT)  # Ctrl-C is a clean exit too
        assert again.proc.wait(10) == 0, again.output()
        assert not (data / "daemon.json").exists()


def test_data_dir_flag_beats_env_through_the_cli(db_url, tmp_path):
    env_dir, flag_dir = tmp_path / "env-dir", tmp_path / "flag-dir"
    env = clean_env(SHOPTALLY_DATA_DIR=str(env_dir))
    with Daemon(env_dir, db_url, env=env, pass_data_dir=False) as d:  # env only: the daemon lives there
        assert json.loads((env_dir / "daemon.json").read_text())["pid"] == d.pid
        assert (env_dir / "token").exists()
        assert d.stop() == 0
    with Daemon(flag_dir, db_url, env=env) as d:  # env and --data-dir: the flag wins
        assert json.loads((flag_dir / "daemon.json").read_text())["pid"] == d.pid
        assert not (env_dir / "daemon.json").exists()
        by_env = run(["pair", "list"], env=env)  # no flag: the env dir, where nothing runs
        assert says_not_running(by_env, env_dir), by_env
        by_flag = cli(flag_dir, None, "pair", "list", env=env)
        assert by_flag.code == 0 and by_flag.out == "no pending pairing requests\n"


def test_database_url_flag_beats_env_beats_sqlite_in_data_dir(db_url, tmp_path):
    data = tmp_path / "data"
    cap = tmp_path / "cap.json"
    cap.write_text(json.dumps(order_list_capture([order_row(1, "1.00")])))
    # env names a database nobody can reach: used when no flag is given…
    broken = clean_env(SHOPTALLY_DATABASE_URL=UNREACHABLE_PG)
    res = cli(data, None, "report", "--period", "all", "--json", env=broken)
    assert res.code == 1 and res.out == ""
    assert "127.0.0.1:1/nothing" in res.err_lines[0]  # the error names the database it could not open
    # …and ignored when --database-url is
    res = cli(data, db_url, "import", str(cap), "--json", env=broken)
    assert res.code == 0, res.err
    assert res.json["files"][0]["added"] == 1
    assert scalar(db_url, "SELECT COUNT(*) FROM settlement_line") == 1
    # env alone: that database
    res = cli(data, None, "import", str(cap), "--json", env=clean_env(SHOPTALLY_DATABASE_URL=db_url))
    assert res.code == 0, res.err
    assert res.json["files"][0]["added"] == 0 and res.json["files"][0]["skipped"] == 1
    assert not (data / "shoptally.db").exists()
    # neither: a SQLite file inside the data dir
    res = cli(data, None, "import", str(cap), "--json")
    assert res.code == 0, res.err
    assert res.json["files"][0]["added"] == 1
    assert (data / "shoptally.db").is_file()
    assert scalar(sqlite_url(data / "shoptally.db"), "SELECT COUNT(*) FROM settlement_line") == 1


# refusals to start --------------------------------------------------------------------------------------
def test_second_daemon_on_the_same_data_dir_exits_with_one_line(db_url, tmp_path):
    data = tmp_path / "data"
    with Daemon(data, db_url) as first:
        res = first.cli("serve", "--port", "0", "--no-tray")
        assert res.code != 0
        assert res.out == ""
        assert len(res.err_lines) == 1, res.err
        assert "already running" in res.err_lines[0] and first.info["url"] in res.err_lines[0]
        assert json.loads((data / "daemon.json").read_text()) == first.info  # left alone
        assert first.get("/api/ping")["app"] == "shoptally"
        assert first.stop() == 0


def test_port_taken_by_another_program_exits_with_one_line(db_url, tmp_path):
    data = tmp_path / "data"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = cli(data, db_url, "serve", "--port", str(port), "--no-tray")
    assert res.code != 0
    assert len(res.err_lines) == 1, res.err
    assert f"port {port}" in res.err_lines[0] and "--port" in res.err_lines[0]
    assert not (data / "daemon.json").exists()


# pairing --------------------------------------------------------------------------------------------------
def test_commands_needing_the_daemon_say_it_is_not_running(tmp_path):
    data = tmp_path / "data"
    for args in (("pair", "list"), ("pair", "approve"), ("pair", "revoke", "1"), ("sync",)):
        res = cli(data, None, *args)
        assert says_not_running(res, data), (args, res)


def test_pair_options_before_or_after_the_action(db_url, tmp_path):
    """The contract: all commands take --data-dir and --database-url; users also write them last."""
    data = tmp_path / "data"
    with Daemon(data, db_url):
        after = run(["pair", "list", "--data-dir", str(data), "--database-url", db_url])
        assert (after.code, after.out, after.err) == (0, "no pending pairing requests\n", "")
        before = run(["pair", "--data-dir", str(data), "--database-url", db_url, "list"])
        assert (before.code, before.out, before.err) == (0, "no pending pairing requests\n", "")
        nothing = run(["pair", "--data-dir", str(data), "approve"])  # not reset by the action's own options
        assert nothing.code == 2 and len(nothing.err_lines) == 1 and "no extension is waiting" in nothing.err


async def test_pair_request_approve_hello_and_revoke(db_url, tmp_path):
    async with Daemon(tmp_path / "data", db_url) as d:
        events, _ = await d.events()
        ext = await d.extension()
        await send(ext, {"type": "pair_request", "name": "Chrome test"})
        pending = await recv(ext)
        assert set(pending) == {"type", "code"} and pending["type"] == "pair_pending"
        code = pending["code"]
        assert re.fullmatch(r"[A-Z2-9]{6}", code)
        requested = await next_event(events, "pairing.requested")
        assert (requested["code"], requested["name"]) == (code, "Chrome test")

        listed = await d.acli("pair", "list")
        assert (listed.code, listed.err) == (0, "")
        lines = listed.out.splitlines()
        assert len(lines) == 1 and code in lines[0] and "Chrome test" in lines[0]
        state = (await d.acli("pair", "list", "--json")).json
        assert state["paired"] == []
        assert [(p["code"], p["name"]) for p in state["pending"]] == [(code, "Chrome test")]

        approved = await d.acli("pair", "approve")  # no code: the only pending one
        assert (approved.code, approved.err) == (0, "")
        assert code in approved.out and "Chrome test" in approved.out
        paired = await recv(ext)
        assert set(paired) == {"type", "token"} and paired["type"] == "paired"
        token = paired["token"]
        assert len(token) >= 32 and token != d.token

        nothing = await d.acli("pair", "approve")
        assert nothing.code == 2 and len(nothing.err_lines) == 1 and "no extension is waiting" in nothing.err

        welcomed = await d.extension(hello_token=token)  # asserts the exact welcome
        state = (await d.acli("pair", "list", "--json")).json
        assert state["pending"] == [] and [p["name"] for p in state["paired"]] == ["Chrome test"]
        pairing_id = state["paired"][0]["id"]
        assert f"id {pairing_id}" in approved.out
        listed = await d.acli("pair", "list")
        assert len(listed.out.splitlines()) == 2 and f"#{pairing_id}  Chrome test" in listed.out.splitlines()[1]

        revoked = await d.acli("pair", "revoke", str(pairing_id))
        assert (revoked.code, revoked.err) == (0, "")
        assert f"#{pairing_id}" in revoked.out and "1 connection(s) closed" in revoked.out
        assert await close_code(welcomed) == 4401
        retry = await d.extension()
        await send(retry, hello(token))
        assert await close_code(retry) == 4401
        assert (await d.acli("pair", "list", "--json")).json == {"pending": [], "pending_total": 0, "paired": []}

        unknown = await d.acli("pair", "revoke", str(pairing_id + 100))
        assert (unknown.code, unknown.out) == (2, "")  # not found: exit 2 (companion/errors.py)
        assert len(unknown.err_lines) == 1 and f"id {pairing_id + 100}" in unknown.err_lines[0]
        await d.extension(hello_token=d.token)  # the data dir's own token is not affected


# sync -------------------------------------------------------------------------------------------------------
async def test_sync_is_relayed_and_progress_becomes_an_event(db_url, tmp_path):
    async with Daemon(tmp_path / "data", db_url) as d:
        alone = await d.acli("sync")
        assert alone.code == 1 and alone.out == ""
        assert len(alone.err_lines) == 1 and "no browser extension is connected" in alone.err_lines[0]

        events, _ = await d.events()
        ext = await d.extension(hello_token=d.token)
        started = await d.acli("sync")
        assert (started.code, started.err) == (0, "")
        command = await recv(ext)
        command_id = command["id"]
        assert command == {"type": "command", "command": "sync", "site": "tiktok", "account": None, "id": command_id}
        assert re.fullmatch(r"[0-9a-f-]{36}", command_id) and command_id in started.out
        assert await next_event(events, "sync.started") == {
            "event": "sync.started", "command_id": command_id, "site": "tiktok", "account": None}

        await send(ext, {"type": "progress", "command_id": command_id, "stage": "settled", "pages": 2,
                         "records": 100, "message": "page 2"})
        assert await next_event(events, "sync.progress") == {
            "event": "sync.progress", "command_id": command_id, "stage": "settled", "pages": 2, "records": 100,
            "message": "page 2"}
        await send(ext, {"type": "progress", "command_id": command_id, "stage": "done", "pages": 3,
                         "records": 120, "message": ""})
        assert (await next_event(events, "sync.progress"))["stage"] == "done"
        # the CLI's sync is a SyncRun like a schedule's: in Recent syncs and in the daemon's log
        while (ended := (await next_event(events, "sync.run"))["run"])["status"] == "running":
            pass
        assert ended["command_id"] == command_id
        run = d.get("/api/automation")["runs"][0]
        assert {k: run[k] for k in ("id", "account", "trigger", "status", "via", "pages", "records", "error")} == {
            "id": ended["id"], "account": None, "trigger": "cli", "status": "done", "via": "extension", "pages": 3,
            "records": 120, "error": ""}
        log = d.output()
        assert f"sync run {run['id']} started (all stores, tiktok, trigger cli)" in log
        assert (f"sync run {run['id']} ended (all stores, tiktok, trigger cli): done via extension, 120 records, "
                "3 pages") in log
        assert d.token not in log

        unknown = await d.acli("sync", "--account", "No such store")
        assert unknown.code == 2 and len(unknown.err_lines) == 1  # an unknown store: exit 2, as offline
        assert unknown.err_lines[0].startswith("shoptally: no store named 'No such store'")


async def test_sync_wait_prints_progress_and_exits_by_the_outcome(db_url, tmp_path):
    async with Daemon(tmp_path / "data", db_url, env=clean_env(SHOPTALLY_SYNC_STALL_TIMEOUT="1.5")) as d:
        alone = await d.acli("sync", "--wait")
        assert (alone.code, alone.out) == (1, "")
        assert len(alone.err_lines) == 1 and "no browser extension is connected" in alone.err_lines[0]

        ext = await d.extension(hello_token=d.token)
        waiting = asyncio.create_task(d.acli("sync", "--wait"))
        command = await recv(ext)
        for stage, pages, records in (("settled", 1, 50), ("settled", 2, 100), ("on_hold", 3, 120)):
            await send(ext, {"type": "progress", "command_id": command["id"], "stage": stage, "pages": pages,
                             "records": records, "message": f"page {pages}"})
        await send(ext, {"type": "progress", "command_id": command["id"], "stage": "done", "pages": 3,
                         "records": 120, "message": ""})
        done = await waiting
        assert (done.code, done.err) == (0, "")
        assert done.out.splitlines() == [
            "sync started on tiktok", "settled: 1 pages, 50 records (page 1)", "settled: 2 pages, 100 records (page 2)",
            "on_hold: 3 pages, 120 records (page 3)", "done: 120 records, 3 pages via extension"]

        waiting = asyncio.create_task(d.acli("sync", "--wait"))
        command = await recv(ext)
        await send(ext, {"type": "progress", "command_id": command["id"], "stage": "error", "pages": 1,
                         "records": 40, "message": "the settlement page did not load"})
        failed = await waiting
        assert failed.code == 1 and failed.out.splitlines() == ["sync started on tiktok"]
        assert failed.err_lines == ["shoptally: the sync failed: the settlement page did not load (40 records, "
                                    "1 pages stored)"]
        runs = d.get("/api/automation")["runs"]
        assert [(r["trigger"], r["status"], r["records"]) for r in runs[:2]] == [("cli", "error", 40),
                                                                                ("cli", "done", 120)]

        # a seller center that stops answering: no progress for the stall timeout (1.5 s here, 30 s by default)
        events, _ = await d.events()
        waiting = asyncio.create_task(d.acli("sync", "--wait"))
        command = await recv(ext)
        await send(ext, {"type": "progress", "command_id": command["id"], "stage": "settled", "pages": 1,
                         "records": 50, "message": "page 1"})
        stalled = await waiting
        why = "the seller center did not answer for 1.5 s while waiting for settled after 1 pages (page 1)"
        assert stalled.code == 1 and stalled.out.splitlines() == ["sync started on tiktok",
                                                                  "settled: 1 pages, 50 records (page 1)"]
        assert stalled.err_lines == [f"shoptally: the sync failed: {why} (50 records, 1 pages stored)"]
        while (progress := await next_event(events, "sync.progress"))["stage"] != "error":
            pass
        assert progress == {"event": "sync.progress", "command_id": command["id"], "stage": "error", "pages": 1,
                            "records": 50, "message": why, "code": "sync_stalled_said",
                            "params": {"seconds": "1.5", "stage": "settled", "pages": 1, "message": "page 1"}}
        run = d.get("/api/automation")["runs"][0]
        assert (run["trigger"], run["status"], run["error"], run["records"]) == ("cli", "timeout", why, 50)


# errors -----------------------------------------------------------------------------------------------------
async def test_a_command_whose_socket_closes_unanswered_goes_to_the_next_socket_once(db_url, tmp_path):
    """A browser the daemon starts reconnects once it is given the port: a sync command sent down the socket it
    was closing is sent again to the socket that says hello next, and only a command nobody answered."""
    async with Daemon(tmp_path / "data", db_url) as d:
        first = await d.extension(hello_token=d.token)
        waiting = asyncio.create_task(d.acli("sync", "--wait"))
        command = await recv(first)
        await first.close()  # gone before any progress
        second = await d.extension(hello_token=d.token)
        again = await recv(second)
        assert again == command  # the same command, the same id
        await send(second, {"type": "progress", "command_id": command["id"], "stage": "done", "pages": 1,
                            "records": 5, "message": ""})
        done = await waiting
        assert (done.code, done.out.splitlines()[-1]) == (0, "done: 5 records, 1 pages via extension")

        # a command that was answered is not sent again when its socket closes
        waiting = asyncio.create_task(d.acli("sync", "--wait"))
        command = await recv(second)
        await send(second, {"type": "progress", "command_id": command["id"], "stage": "settled", "pages": 1,
                            "records": 5, "message": "page 1"})  # read before the close: one socket, in order
        third = await d.extension(hello_token=d.token)
        await second.close()
        await send(third, {"type": "progress", "command_id": command["id"], "stage": "done", "pages": 1,
                           "records": 5, "message": ""})
        assert (await waiting).code == 0
        with pytest.raises(TimeoutError):
            await recv(third, timeout=1)  # nothing was sent again

        # an unanswered command whose socket closes while another is open goes to that one at once
        fourth = await d.extension(hello_token=d.token)
        waiting = asyncio.create_task(d.acli("sync", "--wait"))
        command = await recv(fourth)  # the most recently connected
        await fourth.close()
        assert await recv(third) == command
        await send(third, {"type": "progress", "command_id": command["id"], "stage": "done", "pages": 1,
                           "records": 5, "message": ""})
        assert (await waiting).code == 0


def test_debug_shows_a_traceback_and_without_it_one_line(db_url, tmp_path):
    data = tmp_path / "data"
    assert cli(data, db_url, "report", "--period", "all", "--json").code == 0  # the database exists now
    plain = cli(data, db_url, "report", "--period", "nonsense")
    assert (plain.code, plain.out) == (2, "")  # bad input: exit 2 (companion/errors.py)
    assert len(plain.err_lines) == 1 and plain.err_lines[0].startswith("shoptally: period 'nonsense' ")
    debug = cli(data, db_url, "report", "--period", "nonsense", "--debug")
    assert (debug.code, debug.out) == (2, "")
    assert "Traceback (most recent call last):" in debug.err
    assert debug.err_lines[-1] == plain.err_lines[0]
    bad_url = cli(data, "mysql://127.0.0.1/db", "report", "--period", "all")
    assert (bad_url.code, bad_url.out) == (2, "")
    assert len(bad_url.err_lines) == 1 and bad_url.err_lines[0].startswith("shoptally: ")


def test_database_url_credentials_are_not_printed(tmp_path):
    for url in ("mysql://someone:s3cret@127.0.0.1/db", "sqlite://someone:s3cret@host/db",
                "postgresql://someone:s3cret@127.0.0.1:1/db?connect_timeout=2"):
        res = cli(tmp_path / "data", url, "report", "--period", "all")
        # a URL of an unsupported kind is bad input (2); a database that cannot be reached, a failure (1)
        assert res.code == (1 if url.startswith("postgresql") else 2) and res.err.startswith("shoptally: "), url
        # Once the database URL's password was repeated in this message.
        assert "s3cret" not in res.err, res.err


def test_unreachable_database_is_one_line_without_debug(tmp_path):
    res = cli(tmp_path / "data", UNREACHABLE_PG, "report", "--period", "all")
    assert (res.code, res.out) == (1, "")
    assert res.err_lines[0].startswith("shoptally: ") and "127.0.0.1:1/nothing" in res.err_lines[0]
    assert "nobody" not in res.err  # the URL's user (and password) are not shown
    # Once psycopg2's multi-line message went out as three lines.
    assert len(res.err_lines) == 1, res.err


def test_first_command_on_a_fresh_database_prints_only_its_own_line(db_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("colour,weight\nred,3\n")
    res = cli(tmp_path / "data", db_url, "import", str(bad))
    assert res.code == 2 and res.out == ""
    # Once INFO logs (schema migration) came before the one error line.
    assert len(res.err_lines) == 1, res.err
    assert res.err_lines[0].startswith(f"shoptally: {bad}: ")


async def test_sigterm_with_sockets_open_exits_promptly(db_url, tmp_path):
    data = tmp_path / "data"
    async with Daemon(data, db_url) as d:
        ext = await d.extension(hello_token=d.token)
        events, _ = await d.events()
        d.proc.terminate()
        exited = await asyncio.to_thread(wait_exit, d.proc, 5)  # the loop keeps serving the sockets meanwhile
        if exited is None:
            d.proc.kill()
        # Once open WebSockets kept aiohttp's graceful shutdown waiting up to 60 s.
        assert exited == 0, "still running 5 s after SIGTERM with an extension and a view connected"
        assert not (data / "daemon.json").exists()
        for ws in (ext, events):
            assert await close_code(ws, timeout=2) is not None  # a close frame, not a dropped connection


def test_sigterm_right_after_daemon_json_appears_is_clean(tmp_path):
    """A script that waits for daemon.json and then stops the daemon must get a clean exit."""
    unclean = []
    for attempt in range(5):
        d = Daemon(tmp_path / f"data{attempt}", None)
        try:
            d.start(wait=False)
            path = d.data_dir / "daemon.json"
            deadline = time.monotonic() + 15
            while json_pid(path) != d.pid:
                assert time.monotonic() < deadline and d.proc.poll() is None, d.output()
            d.proc.terminate()
            code = d.proc.wait(15)
            if (code, path.exists()) != (0, False):
                unclean.append((attempt, code, path.exists()))
        finally:
            d.__exit__(None, None, None)
    # Once daemon.json was written before the signal handlers, so an early SIGTERM was unclean.
    assert unclean == [], unclean


def json_pid(path: Path) -> int | None:
    try:
        return json.loads(path.read_text())["pid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def wait_exit(proc, seconds: float) -> int | None:
    try:
        return proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return None


# crash safety -----------------------------------------------------------------------------------------------
CAPTURES, ROWS = 60, 200


async def test_sigkill_mid_stream_keeps_every_acked_capture_whole(db_url, tmp_path):
    data = tmp_path / "data"
    caps = [order_list_capture([order_row(c * 1000 + i, "1.25") for i in range(ROWS)],
                               captured_at="2025-03-15T20:00:00+00:00") for c in range(CAPTURES)]
    acked: list[str] = []
    async with Daemon(data, db_url) as d:
        ws = await d.extension(hello_token=d.token)

        async def stream() -> None:
            with contextlib.suppress(ConnectionClosed):
                for cap in caps:
                    await send(ws, cap)

        sender = asyncio.create_task(stream())
        helpers: set[int] = set()
        try:
            while True:
                msg = await recv(ws, timeout=30)
                assert msg["type"] == "ack" and (msg["added"], msg["updated"], msg["skipped"]) == (ROWS, 0, 0), msg
                acked.append(msg["id"])
                if len(acked) == 5:
                    helpers = child_pids(d.pid)  # the parsing process (and multiprocessing's tracker)
                    os.kill(d.pid, signal.SIGKILL)  # while captures are still in flight
        except ConnectionClosed:
            pass
        await sender
        d.proc.wait(10)
        assert d.proc.returncode == -9
        assert helpers, "the daemon should parse captures in a process of its own"
        assert wait_gone(helpers) == set(), "parsing processes must not outlive a killed daemon"
        stale = json.loads((data / "daemon.json").read_text())
        assert stale["pid"] == d.pid  # a killed daemon cannot clean up
        assert says_not_running(await acli(data, db_url, "pair", "list"), data)
    assert 5 <= len(acked) < CAPTURES, len(acked)

    async with Daemon(data, db_url) as d:  # starts although daemon.json is stale
        assert d.pid != stale["pid"]
        stored = {c["id"]: c for c in d.get("/api/captures?limit=500")["captures"]}
        assert set(acked) <= set(stored)
        assert all(c["outcome"] == "parsed" and c["added"] == ROWS for c in stored.values())
        per_capture = dict(query(db_url, "SELECT capture, COUNT(*) FROM settlement_line GROUP BY capture"))
        assert per_capture == {cid: ROWS for cid in stored}  # no capture partially stored
        assert scalar(db_url, "SELECT COUNT(*) FROM settlement_line") == ROWS * len(stored)
        if db_url.startswith("sqlite"):
            assert query(db_url, "PRAGMA integrity_check") == [("ok",)]

        # the extension sends what it kept queued again: acked ones change nothing, the rest are stored
        ws = await d.extension(hello_token=d.token)
        for cap in caps:
            await send(ws, cap)
        replies = [await recv(ws, timeout=30) for _ in caps]
        by_id = {r["id"]: r for r in replies}
        assert set(by_id) == {c["id"] for c in caps}
        for cid, r in by_id.items():
            assert r["type"] == "ack"
            if cid in stored:
                assert (r["added"], r["skipped"], r.get("duplicate")) == (0, ROWS, True)
            else:
                assert (r["added"], r["skipped"]) == (ROWS, 0)
        assert scalar(db_url, "SELECT COUNT(*) FROM settlement_line") == ROWS * CAPTURES
        await ws.close()
        helpers = child_pids(d.pid)
        assert helpers
        assert await asyncio.to_thread(d.stop) == 0
        assert wait_gone(helpers, 5) == set()


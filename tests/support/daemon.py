"""Run the real `shoptally` program as subprocesses: CLI commands, daemons, and WebSocket clients for them;
the database they use, read directly."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from companion.store.db import make_database
from tests.support import EXT_ORIGIN, REPO
from tests.support.builders import hello

PROGRAM = [sys.executable, "-m", "companion"]
START_TIMEOUT = 60.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
STOP_TIMEOUT = 10.0


def clean_env(**extra: str) -> dict[str, str]:
    """The test runner's environment without any SHOPTALLY_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTALLY_")}
    env.update(extra)
    return env


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def json(self):
        return json.loads(self.out)


def run(args: list[str], env: dict[str, str] | None = None, timeout: float = 180) -> Result:
    """`shoptally ARGS` with stdin not a terminal; exit code, stdout and stderr."""
    proc = subprocess.run([*PROGRAM, *args], cwd=REPO, env=env or clean_env(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def cli(data_dir: Path, db_url: str | None, *args: str, env: dict[str, str] | None = None) -> Result:
    """`shoptally COMMAND --data-dir D [--database-url U] REST...`: the options follow the command word,
    which also works for commands with actions (`pair --data-dir D list`)."""
    common = ["--data-dir", str(data_dir)] + (["--database-url", db_url] if db_url else [])
    return run([args[0], *common, *args[1:]], env=env)


async def acli(data_dir: Path, db_url: str | None, *args: str, env: dict[str, str] | None = None) -> Result:
    """`cli` off the event loop, so open WebSockets keep being served while the command runs."""
    return await asyncio.to_thread(cli, data_dir, db_url, *args, env=env)


def report(data: Path, db_url: str | None) -> dict:
    """`shoptally report --period 2025-09 --json`, which must succeed."""
    res = cli(data, db_url, "report", "--period", "2025-09", "--json")
    assert res.code == 0, res.err
    return json.loads(res.out)


class Daemon:
    """`shoptally serve --port 0 --no-tray` on a data dir; use as a context manager so it always stops."""

    def __init__(self, data_dir: Path, db_url: str | None, *extra: str, env: dict[str, str] | None = None,
                 pass_data_dir: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.db_url = db_url
        self.extra = list(extra)
        self.env = env
        self.pass_data_dir = pass_data_dir
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}
        self.clients: list[ClientConnection] = []
        self._log = None

    # lifecycle ------------------------------------------------------------------------------------
    def start(self, wait: bool = True) -> Daemon:
        args = [*PROGRAM, "serve", "--port", "0", "--no-tray"]
        if self.pass_data_dir:
            args += ["--data-dir", str(self.data_dir)]
        if self.db_url:
            args += ["--database-url", self.db_url]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = (self.data_dir.parent / f"daemon-{self.data_dir.name}-{time.monotonic_ns()}.log").open("w+")
        self.proc = subprocess.Popen([*args, *self.extra], cwd=REPO, env=self.env or clean_env(),
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        if wait:
            try:
                self.wait_ready()
            except BaseException:
                self.stop()  # __exit__ does not run when __enter__ fails
                raise
        return self

    def wait_ready(self) -> dict:
        """Until DATA_DIR/daemon.json names this process (a stale one from a killed daemon does not count)."""
        deadline = time.monotonic() + START_TIMEOUT
        path = self.data_dir / "daemon.json"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited with {self.proc.returncode}: {self.output()}")
            try:
                info = json.loads(path.read_text())
            except (OSError, ValueError):
                info = None
            if isinstance(info, dict) and info.get("pid") == self.proc.pid:
                self.info = info
                # Answering a request means its event loop is waiting to stop, with its signal handlers in
                # place (they are installed just after daemon.json is written; see test_sigterm_right_after_
                # daemon_json_appears_is_clean).
                with contextlib.suppress(OSError, ValueError):
                    if self.get("/api/ping").get("app") == "shoptally":
                        return info
            time.sleep(0.02)
        raise AssertionError(f"daemon did not write daemon.json within {START_TIMEOUT}s: {self.output()}")

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it does not exit in time; the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL: no cleanup at all (daemon.json stays behind)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(STOP_TIMEOUT)

    def output(self) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def __enter__(self) -> Daemon:
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            if self._log is not None:
                self._log.close()

    async def __aenter__(self) -> Daemon:
        return await asyncio.to_thread(self.__enter__)

    async def __aexit__(self, *exc) -> None:
        """Client sockets first (an open one holds up a SIGTERM'd daemon), then the daemon, off the loop."""
        for ws in self.clients:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        await asyncio.to_thread(self.__exit__, *exc)

    # talking to it --------------------------------------------------------------------------------
    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def port(self) -> int:
        return self.info["port"]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return (self.data_dir / "token").read_text().strip()

    def get(self, path: str) -> dict:
        """GET an API path as the CLI does (with the data dir's token); the JSON answer."""
        return json.loads(self.fetch(path))

    def fetch(self, path: str, method: str = "GET", body: dict | None = None) -> bytes:
        """The bytes of an answer to a call with the token; an HTTPError for a refusal."""
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        req = urllib.request.Request(f"{self.base}{path}", method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
        with _NO_PROXY.open(req, timeout=30) as resp:
            return resp.read()

    def view(self, rest: str = "/") -> str:
        """The Finance view's address `rest` (`/?period=all#reset`) reached through the sign-in link, as the tray
        opens it: the browser gets its session and lands on `rest` without the token."""
        path, _, fragment = rest.partition("#")
        _, _, query = path.partition("?")
        link = f"{self.base}/?token={self.token}" + (f"&{query}" if query else "")
        return link + (f"#{fragment}" if fragment else "")

    def cli(self, *args: str) -> Result:
        return cli(self.data_dir, self.db_url, *args)

    async def acli(self, *args: str) -> Result:
        return await acli(self.data_dir, self.db_url, *args)

    async def extension(self, hello_token: str | None = None) -> ClientConnection:
        """A socket on /ws/extension; with `hello_token`, already welcomed."""
        ws = await connect(f"ws://127.0.0.1:{self.port}/ws/extension", origin=EXT_ORIGIN,
                           max_size=16 * 1024 * 1024, open_timeout=30, proxy=None)
        self.clients.append(ws)
        if hello_token is not None:
            await send(ws, hello(hello_token))
            welcome = await recv(ws)
            assert {k: welcome.get(k) for k in ("type", "protocol", "app_version")} == {
                "type": "welcome", "protocol": 1, "app_version": "0.1.0"}, welcome
            assert welcome["settings"]["order_sync_mode"] in ("all", "pending", "new"), welcome
        return ws

    async def events(self) -> tuple[ClientConnection, int]:
        """A socket on /ws/events and the rev its hello reported."""
        ws = await connect(f"ws://127.0.0.1:{self.port}/ws/events", origin=f"http://127.0.0.1:{self.port}",
                           additional_headers={"Authorization": f"Bearer {self.token}"}, open_timeout=30, proxy=None)
        self.clients.append(ws)
        first = await recv(ws)
        assert first["event"] == "hello", first
        return ws, first["rev"]


@contextlib.asynccontextmanager
async def maybe_daemon(via: str, data: Path, db_url: str) -> AsyncIterator[Daemon | None]:
    """A running daemon (commands go through it), or none (commands work offline on a migrated database)."""
    if via == "daemon":
        async with Daemon(data, db_url) as d:
            yield d
        return
    # The first command on a new database logs its migrations to stderr (see test_cli_daemon's
    # test_first_command_on_a_fresh_database_prints_only_its_own_line); create it first.
    assert (await acli(data, db_url, "report", "--period", "all", "--json")).code == 0
    yield None


# processes -----------------------------------------------------------------------------------------------
def child_pids(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux /proc), e.g. the daemon's parsing processes."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    found.add(int(entry.name))
    return found


def wait_gone(pids: set[int], timeout: float = 30.0) -> set[int]:
    """Those of `pids` still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {p for p in alive if Path(f"/proc/{p}").exists() and not _zombie(p)}
        time.sleep(0.05)
    return alive


def _zombie(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return (Path(f"/proc/{pid}") / "stat").read_text().rpartition(")")[2].split()[0] == "Z"
    return False


# WebSocket messages ---------------------------------------------------------------------------------
async def send(ws: ClientConnection, obj: dict) -> None:
    await ws.send(json.dumps(obj))


async def recv(ws: ClientConnection, timeout: float = 30) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def next_event(events: ClientConnection, name: str, timeout: float = 30) -> dict:
    """The next event called `name`, skipping others; `at` (commit time) dropped from settlement events."""
    while True:
        event = await recv(events, timeout)
        if event["event"] == name:
            event.pop("at", None)
            return event


async def close_code(ws: ClientConnection, timeout: float = 30) -> int | None:
    """Read until the server closes the socket; the close code it sent."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd is not None else None


# the database, read directly -------------------------------------------------------------------------
def query(db_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one SQL statement against the database at `db_url`, on a connection of its own."""
    db = make_database(db_url)
    db.connect()
    try:
        return list(db.execute_sql(sql, params).fetchall())
    finally:
        db.close()


def scalar(db_url: str, sql: str, params: tuple = ()):
    return query(db_url, sql, params)[0][0]


def table_counts(db_url: str) -> dict[str, int]:
    """Rows in each table a backup holds."""
    from companion.backup import snapshot

    db = make_database(db_url)
    db.connect()
    try:
        return {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in snapshot.data_tables(db)}
    finally:
        db.close()

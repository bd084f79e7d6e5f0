"""A small Linux desktop for the tray tests: Xvfb on a free display, a session D-Bus (GTK's tray backends
talk to it), Debian's `trayer` as the system tray the icon docks into, and xdotool to click and type.

Every wait is on a state (a window appears, a menu closes) with a generous ceiling; nothing sleeps to pass."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support import REPO
from tests.support.daemon import PROGRAM, Daemon

T = TypeVar("T")
PROGRAMS = ("Xvfb", "dbus-daemon", "trayer", "xdotool")
APT = ("xvfb dbus-daemon trayer xdotool gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1 "
       "(and PyGObject: pip install -e '.[test]' builds it with libgirepository1.0-dev libcairo2-dev pkg-config)")
TRAYER_TRIES = 3
WAIT = 30.0  # the ceiling of every wait on a window; each one takes well under a second on an idle machine


def missing(backend: str) -> list[str]:
    """What this machine lacks to run the tray's `backend` on a virtual desktop."""
    lacking = [p for p in PROGRAMS if not shutil.which(p)]
    try:
        import gi

        gi.require_version("Gtk", "3.0")
        if backend == "appindicator":
            gi.require_version("AyatanaAppIndicator3", "0.1")
    except (ImportError, ValueError) as exc:
        lacking.append(f"PyGObject with GTK 3{' and AyatanaAppIndicator3' if backend == 'appindicator' else ''} "
                       f"({exc})")
    return lacking


def require(backend: str) -> None:
    """Skip with what to install, unless CI asks that these tests run (SHOPTALLY_REQUIRE_BROWSER=1): fail then."""
    lacking = missing(backend)
    if not lacking:
        return
    why = f"the tray's desktop test needs {', '.join(lacking)}: apt-get install {APT}"
    if os.environ.get("SHOPTALLY_REQUIRE_BROWSER") == "1":
        pytest.fail(why)
    pytest.skip(why)


def wait_for(check: Callable[[], T | None], what: str, timeout: float = WAIT) -> T:
    """Poll `check` until it answers something truthy; its answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.05)


@dataclass
class Desktop:
    display: str
    bus: str

    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.bus}

    def xdotool(self, *args: str) -> str:
        res = subprocess.run(["xdotool", *args], env={**os.environ, **self.env()}, capture_output=True, text=True,
                             timeout=WAIT)
        return res.stdout if res.returncode == 0 else ""  # `search` exits 1 when it finds nothing

    def visible_windows(self, pid: int) -> set[str]:
        """The windows of process `pid` shown on the screen: its tray icon, and its menus while they are open
        (GTK also maps helper windows off screen, at -100,-100, while a menu holds the pointer)."""
        shown = self.xdotool("search", "--onlyvisible", "--pid", str(pid)).split()
        return {w for w in shown if (g := self.geometry(w)) and g["X"] >= 0 and g["Y"] >= 0}

    def geometry(self, window: str) -> dict[str, int]:
        """X, Y, WIDTH, HEIGHT (empty when the window has gone)."""
        lines = self.xdotool("getwindowgeometry", "--shell", window).split()
        return {k: int(v) for k, _, v in (line.partition("=") for line in lines) if k != "SCREEN"}

    def size(self, window: str) -> tuple[int, int]:
        g = self.geometry(window)
        return g["WIDTH"], g["HEIGHT"]

    def click(self, window: str, button: int) -> None:
        width, height = self.size(window)
        self.xdotool("mousemove", "--window", window, str(width // 2), str(height // 2), "click", str(button))

    def keys(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "50", *keys)


def _xvfb() -> tuple[subprocess.Popen, str]:
    """Xvfb on the first free display; it writes the number to the pipe once it accepts connections."""
    ready, told = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(told), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(told,))
    os.close(told)
    with os.fdopen(ready) as pipe:
        said = select.select([pipe], [], [], WAIT)[0]
        number = pipe.readline().strip() if said else ""
    if not number.isdigit() or proc.poll() is not None:
        proc.kill()
        raise AssertionError("Xvfb did not start")
    return proc, f":{number}"


def _session_bus() -> tuple[subprocess.Popen, str]:
    """A private session bus (a desktop login has one; GTK's tray backends connect to it)."""
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    said = select.select([proc.stdout], [], [], WAIT)[0]
    address = proc.stdout.readline().strip() if said else ""
    if not address:
        proc.kill()
        raise AssertionError("dbus-daemon did not start")
    return proc, address


def _panel(desk: Desktop, procs: list[subprocess.Popen]) -> None:
    """trayer's panel shown; a trayer that exits or shows nothing is started again (CI once saw a trayer that
    never showed its panel, a few hundred runs show it within a second), and the last one's words are told."""
    said = ""

    def shown() -> str:
        return desk.xdotool("search", "--onlyvisible", "--class", "trayer")

    for _ in range(TRAYER_TRIES):
        log = tempfile.TemporaryFile("w+")  # a file, not a pipe: a chatty trayer never blocks on it
        proc = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "200", "--height", "32"],
            env={**os.environ, **desk.env()}, stdout=subprocess.DEVNULL, stderr=log)
        procs.append(proc)
        try:
            wait_for(lambda p=proc: p.poll() is not None or shown(), "trayer's panel", timeout=WAIT / TRAYER_TRIES)
        except AssertionError:
            pass
        if proc.poll() is None and shown():
            return
        proc.kill()
        proc.wait(10)
        procs.remove(proc)
        log.seek(0)
        said = log.read().strip()
        log.close()
    raise AssertionError(f"trayer showed no panel in {TRAYER_TRIES} tries ({WAIT:.0f}s); it said: {said[-500:]!r}")


@contextlib.contextmanager
def desktop() -> Iterator[Desktop]:
    """Xvfb, a session bus and trayer's panel shown at the screen's top right; all stopped afterwards."""
    procs: list[subprocess.Popen] = []
    try:
        xvfb, display = _xvfb()
        procs.append(xvfb)
        bus_proc, bus = _session_bus()
        procs.append(bus_proc)
        desk = Desktop(display, bus)
        _panel(desk, procs)
        yield desk
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


class TrayDaemon(Daemon):
    """`shoptally serve --port 0` with its tray (support.daemon's Daemon runs with --no-tray); `program` replaces
    `python -m companion`, e.g. to run it without a package."""

    def __init__(self, data_dir: Path, env: dict[str, str], program: list[str] = PROGRAM) -> None:
        super().__init__(data_dir, None, env=env)
        self.program = program

    def start(self, wait: bool = True) -> TrayDaemon:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = (self.data_dir.parent / f"tray-daemon-{time.monotonic_ns()}.log").open("w+")
        self.proc = subprocess.Popen([*self.program, "serve", "--port", "0", "--data-dir", str(self.data_dir)],
                                     cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        if wait:
            try:
                self.wait_ready()
            except BaseException:
                self.stop()
                raise
        return self

    def tray_lines(self) -> list[str]:
        """The log's tray lines, without their time stamps."""
        return [line.split(" ", 2)[2] for line in self.output().splitlines() if "companion.tray" in line]

"""The tray: its menu model (pystray's dummy backend) calls the right daemon actions; the real icon under Xvfb
starts and stops cleanly; without a display the daemon runs headless after one log line."""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from companion.sources.model import StoreRef
from companion.store import stores
from companion.store.models import SyncRun
from companion.store.writer import run_inline
from companion.tray.state import TrayState
from tests.support import REPO, TOKEN
from tests.support.app import FakeExtension
from tests.support.builders import ext_headers
from tests.support.daemon import PROGRAM, clean_env

SHOP = StoreRef("tiktok", "7495001", "US", "Mug shop", "USD", "America/Los_Angeles")


def dummy_pystray(monkeypatch):
    monkeypatch.setenv("PYSTRAY_BACKEND", "dummy")
    import pystray

    assert pystray.Icon.__module__ == "pystray._base"  # the dummy backend's Icon is the bare base class
    return pystray


def items_of(menu) -> dict:
    return {item.text: item for item in menu.items if item.text and item is not type(menu).SEPARATOR}


async def test_a_team_viewers_tray_offers_no_change(service, db, monkeypatch):
    """A daemon connected to a team's database as a viewer (docs/team.md) refuses syncs, resets and pairings:
    its tray greys them out; the other items stay."""
    from companion.store import roles
    from companion.tray import menu
    from companion.tray.actions import TrayActions

    pystray = dummy_pystray(monkeypatch)
    actions = TrayActions(service, asyncio.get_running_loop(), open_url=lambda _url: None,
                          open_folder=lambda _path: True, notify=lambda _text: None)
    icon = pystray.Icon("shoptally", menu=menu.build(pystray, actions))

    def enabled() -> dict[str, bool]:
        return {text: item.enabled for text, item in items_of(icon.menu).items()}

    changes = {"Sync Settlement now", "Reset settlements…", "Pair extension…"}
    assert all(enabled()[text] for text in changes)  # on SQLite (no roles): offered
    roles.remember(db, roles.Access(roles.VIEWER))
    assert {text for text, on in enabled().items() if not on} == changes | {"Pause auto-sync"}  # no scheduler


async def test_each_menu_item_calls_its_daemon_action(client, service, db, monkeypatch, tmp_path):
    from companion.automation.scheduler import AutoSync
    from companion.tray import menu
    from companion.tray.actions import TrayActions

    pystray = dummy_pystray(monkeypatch)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    run_inline(db, lambda: stores.resolve(SHOP))
    opened, folders, notes, quits = [], [], [], []
    service.quit = lambda: quits.append(True)
    service.autosync = AutoSync(service, service.runner)
    await service.autosync.start()
    loop = asyncio.get_running_loop()
    actions = TrayActions(service, loop, open_url=opened.append, open_folder=lambda p: folders.append(p) or True,
                          notify=notes.append)
    icon = pystray.Icon("shoptally", menu=menu.build(pystray, actions))
    top = items_of(icon.menu)
    assert list(top) == ["Open Finance", "Sync Settlement now", "Reset settlements…", "Pause auto-sync",
                         "Pair extension…", "Open data folder", "Start at login", "Quit"]
    click = lambda item: asyncio.to_thread(item, icon)  # noqa: E731 - the tray calls items on its own thread
    url = f"http://127.0.0.1:{client.port}/?token={TOKEN}"  # opened signed in: the view sets its own cookie

    await click(top["Open Finance"])
    await click(top["Reset settlements…"])
    assert opened == [url, url + "#reset"]

    ext = await FakeExtension(client, delay=0.05).connect()
    try:
        submenu = await asyncio.to_thread(lambda: items_of(top["Sync Settlement now"].submenu))
        assert list(submenu) == ["All stores", "Mug shop"]
        await click(submenu["Mug shop"])
        for _ in range(100):
            runs = await service.read(lambda: [(r.account, r.trigger, r.status) for r in SyncRun.select()])
            if runs and runs[0][2] != "running":
                break
            await asyncio.sleep(0.05)
        assert runs == [("Mug shop", "tray", "done")]
        assert [(c["site"], c["account"]) for c in ext.commands] == [("tiktok", "Mug shop")]
    finally:
        await ext.close()

    await click(top["Pause auto-sync"])
    for _ in range(50):
        if service.autosync.paused:
            break
        await asyncio.sleep(0.05)
    assert service.autosync.paused and items_of(icon.menu).keys() >= {"Resume auto-sync"}
    await click(items_of(icon.menu)["Resume auto-sync"])
    for _ in range(50):
        if not service.autosync.paused:
            break
        await asyncio.sleep(0.05)
    assert not service.autosync.paused

    ws = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ws.send_json({"type": "pair_request", "name": "Chrome"})
    code = (await ws.receive_json(timeout=5))["code"]
    await click(top["Pair extension…"])
    assert notes[-1] == f"Pairing code: {code}" and opened[-1] == url + "#settings"
    await ws.close()

    await click(top["Open data folder"])
    assert folders == [service.cfg.data_dir]

    autostart_file = tmp_path / "config" / "autostart" / "shoptally.desktop"
    assert not top["Start at login"].checked
    await click(top["Start at login"])
    assert top["Start at login"].checked and autostart_file.is_file()
    text = autostart_file.read_text()
    assert f"Exec={os.sys.executable} -m companion serve --data-dir {service.cfg.data_dir}\n" in text
    await click(top["Start at login"])
    assert not autostart_file.exists() and not top["Start at login"].checked

    await click(top["Quit"])
    for _ in range(50):
        if quits:
            break
        await asyncio.sleep(0.05)
    assert quits == [True]
    await service.autosync.stop()


def test_the_tooltip_says_the_state():
    state = TrayState()
    assert state.mood == "idle" and state.tooltip() == "shoptally · no extension connected"
    assert state.apply({"event": "extension.connected", "connections": 1})
    assert state.apply({"event": "sync.run", "run": {"status": "running", "account": "Mug shop"}})
    assert state.mood == "syncing" and state.tooltip() == "shoptally · syncing Mug shop… · extension connected"
    state.apply({"event": "sync.run", "run": {"status": "login_expired", "account": "Mug shop",
                                              "finished_at": "2026-11-22T10:00:00+00:00", "error": "not logged in"}})
    assert state.mood == "error" and state.tooltip().endswith(": login_expired · error: not logged in")
    state.apply({"event": "sync.run", "run": {"status": "done", "finished_at": "2026-11-22T11:00:00+00:00"}})
    assert state.mood == "connected" and "error" not in state.tooltip()
    assert not state.apply({"event": "tk-settlement.updated"})


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            info = json.loads(path.read_text())
            if info.get("pid") == proc.pid:
                return info
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError("the daemon did not start")


def _serve(tmp_path: Path, env: dict) -> tuple[subprocess.Popen, Path]:
    data = tmp_path / "data"
    log = tmp_path / "daemon.log"
    proc = subprocess.Popen([*PROGRAM, "serve", "--port", "0", "--data-dir", str(data)], cwd=REPO, env=env,
                            stdin=subprocess.DEVNULL, stdout=log.open("w"), stderr=subprocess.STDOUT)
    _wait_for(data / "daemon.json", proc)
    return proc, log


@pytest.fixture
def xvfb(tmp_path):
    if not shutil.which("Xvfb"):
        if os.environ.get("SHOPTALLY_REQUIRE_BROWSER") == "1":
            pytest.fail("Xvfb is not installed (apt-get install xvfb)")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    # Xvfb takes the first free display and writes its number to the pipe once it accepts connections
    ready, told = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(told), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(told,))
    os.close(told)
    with os.fdopen(ready) as pipe:
        said = select.select([pipe], [], [], 30)[0]
        number = pipe.readline().strip() if said else ""  # "" too when Xvfb exits without a display
    if not number.isdigit() or proc.poll() is not None:
        proc.kill()
        pytest.fail("Xvfb did not start")
    display = f":{number}"
    yield display
    proc.terminate()
    proc.wait(10)


def test_the_tray_starts_on_a_display_and_stops_cleanly(tmp_path, xvfb):
    proc, log = _serve(tmp_path, clean_env(DISPLAY=xvfb))
    deadline = time.monotonic() + 10
    while "tray: icon shown" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"the daemon with its tray did not stop on SIGTERM; its log:\n{log.read_text()}")
    text = log.read_text()
    assert code == 0, text
    assert "tray: icon shown" in text and "Traceback" not in text
    assert not (tmp_path / "data" / "daemon.json").exists()


def test_without_a_display_one_line_and_the_daemon_runs_headless(tmp_path):
    env = {k: v for k, v in clean_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc, log = _serve(tmp_path, env)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    lines = [line for line in log.read_text().splitlines() if "tray" in line]
    assert len(lines) == 1 and lines[0].endswith("tray: no display (DISPLAY is not set); running without a tray icon")

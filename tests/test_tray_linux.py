"""The tray's menu on a Linux desktop: the real daemon with pystray's GTK or AppIndicator backend (PyGObject,
installed by the `tray` extra), docked in Debian's trayer on Xvfb. xdotool clicks the icon, picks
Sync Settlement now → All stores and Reset settlements… by keyboard, as a seller would; the sync reaches the
connected extension and Reset opens the Finance view where its confirmation is (docs/security.md). Without
PyGObject the icon still shows and the log says, in one line, how to get the menu (docs/tray.md)."""

from __future__ import annotations

import asyncio
import http.cookiejar
import signal
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.daemon import clean_env, recv, send
from tests.support.desktop import Desktop, TrayDaemon, desktop, require, wait_for

BROWSER_SCRIPT = '#!/bin/sh\necho "$1" >> "$(dirname "$0")/opened"\n'


def browser(tmp_path: Path) -> tuple[str, Path]:
    """A BROWSER for Python's webbrowser: it writes each address it is asked to open to a file."""
    script = tmp_path / "browser"
    script.write_text(BROWSER_SCRIPT)
    script.chmod(0o755)
    return f"{script} %s", tmp_path / "opened"


def menus(desk: Desktop, d: TrayDaemon, icon: str) -> set[str]:
    return desk.visible_windows(d.pid) - {icon}


def the_icon(desk: Desktop, d: TrayDaemon) -> str:
    """The daemon's one visible window while no menu is open: its icon docked in trayer (a backend may replace
    the window when the icon's picture changes, so it is looked up each time)."""
    return wait_for(lambda: (shown := desk.visible_windows(d.pid)) and len(shown) == 1 and shown.pop(),
                    "the icon docked in trayer")


def open_menu(desk: Desktop, d: TrayDaemon) -> str:
    """Right-click the icon (GTK's StatusIcon and AppIndicator's fallback both pop the menu up on it); the icon."""
    icon = the_icon(desk, d)
    desk.click(icon, 3)
    wait_for(lambda: len(menus(desk, d, icon)) == 1, "the tray menu to open")
    return icon


def pick(desk: Desktop, d: TrayDaemon, icon: str, *keys: str) -> None:
    """Walk the open menu with `keys`, then Return on the item reached; wait until every menu has closed."""
    for key in keys:
        before = len(menus(desk, d, icon))
        desk.keys(key)
        if key == "Right":  # a submenu opens
            wait_for(lambda n=before: len(menus(desk, d, icon)) == n + 1, "the submenu to open")
    desk.keys("Return")
    wait_for(lambda: not menus(desk, d, icon), "the menu to close")


def signed_in_page(link: str) -> tuple[int, str]:
    """Follows the tray's link as a browser would (cookies kept): the status and address it lands on."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(link.partition("#")[0], timeout=10) as resp:
        return resp.status, resp.url


@pytest.mark.parametrize("backend, stop", [("appindicator", signal.SIGTERM), ("gtk", signal.SIGINT)])
async def test_the_menu_syncs_and_opens_reset(tmp_path, backend, stop):
    require(backend)
    command, opened = browser(tmp_path)
    with desktop() as desk:
        env = clean_env(**desk.env(), PYSTRAY_BACKEND=backend, BROWSER=command)
        async with TrayDaemon(tmp_path / "data", env) as d:
            icon_shown = f"INFO companion.tray.run: tray: icon shown ({backend} backend)"
            await asyncio.to_thread(wait_for, lambda: icon_shown in d.tray_lines(), "the icon to be shown")
            ext = await d.extension(hello_token=d.token)

            # Sync Settlement now → All stores: the second item, its submenu's first
            icon = await asyncio.to_thread(open_menu, desk, d)
            await asyncio.to_thread(pick, desk, d, icon, "Down", "Down", "Right")
            sync = await recv(ext, timeout=30)
            assert sync == {"type": "command", "command": "sync", "site": "tiktok", "account": None,
                            "id": sync["id"]}
            await send(ext, {"type": "progress", "command_id": sync["id"], "stage": "done", "pages": 2,
                             "records": 7, "message": ""})

            def ended() -> dict | None:
                runs = d.get("/api/automation")["runs"]
                return runs[0] if runs and runs[0]["status"] != "running" else None

            run = await asyncio.to_thread(wait_for, ended, "the sync run to end")
            assert {k: run[k] for k in ("account", "trigger", "status", "via", "records")} == {
                "account": None, "trigger": "tray", "status": "done", "via": "extension", "records": 7}

            # Reset settlements…: the third item opens the view signed in, at its Reset part, where the
            # confirmation (the store, how many records go) opens on a click in the page, never from a URL
            icon = await asyncio.to_thread(open_menu, desk, d)
            await asyncio.to_thread(pick, desk, d, icon, "Down", "Down", "Down")
            link = await asyncio.to_thread(wait_for, lambda: opened.exists() and opened.read_text(),
                                           "the browser to be asked to open the view")
            assert link == d.view("/#reset") + "\n"
            assert await asyncio.to_thread(signed_in_page, link.strip()) == (200, f"{d.base}/")

            d.proc.send_signal(stop)  # Ctrl+C in the terminal, or the session ending
            assert await asyncio.to_thread(d.proc.wait, 30) == 0, d.output()
            lines = d.tray_lines()
            assert lines[0] == icon_shown, d.output()
            assert "INFO companion.tray.run: tray: Sync Settlement started: all stores" in lines
            assert not [line for line in lines if "no menu" in line or "could not" in line], d.output()
            assert "Traceback" not in d.output()
            assert not (tmp_path / "data" / "daemon.json").exists()


def test_without_pygobject_the_icon_shows_and_one_line_says_how_to_get_the_menu(tmp_path):
    require("gtk")
    # The real program with PyGObject unimportable, as after a plain `pip install shoptally`
    program = [sys.executable, "-c", "import sys; sys.modules['gi'] = None; "
               "from companion.cli.main import main; raise SystemExit(main())"]
    with desktop() as desk, TrayDaemon(tmp_path / "data", clean_env(**desk.env()), program=program) as d:
        wait_for(lambda: any("icon shown" in line for line in d.tray_lines()), "the icon to be shown")
        # pystray's X11 icon names its window's class after the icon, not the process: found by that. It is made
        # every time; it docks in trayer's panel most times (about 1 run in 6 here, pystray's X11 backend leaves
        # it unmapped: a race in pystray, not looked into: the seller's fix is the menu's backends above)
        icon = wait_for(lambda: desk.xdotool("search", "--classname", "shoptallySystemTrayIcon"),
                        "the X11 icon's window").split()
        assert len(icon) == 1, icon
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(30) == 0, d.output()
        lines = d.tray_lines()
    assert lines[:2] == [
        "WARNING companion.tray.run: tray: the icon has no menu: PyGObject is not installed; for the menu: pip "
        "install 'shoptally[tray]' (its build needs Debian's libgirepository1.0-dev libcairo2-dev pkg-config), "
        "or Debian's python3-gi gir1.2-ayatanaappindicator3-0.1 with a venv made with --system-site-packages; "
        "see docs/tray.md. Every menu action is also in the Finance view",
        "INFO companion.tray.run: tray: icon shown (xorg backend, no menu)",
    ]
    # pystray's X11 loop sometimes misses its own window's end when stopped from another thread; the daemon
    # then ends the process itself after a few seconds (tray/run.py's _close_tray), still with exit code 0
    assert lines[2:] in ([], ["INFO companion.tray.run: tray: the icon did not close; exiting"]), lines

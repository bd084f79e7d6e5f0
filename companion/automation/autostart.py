"""Start at login, the way each system expects it: a desktop file in ~/.config/autostart (Linux, XDG), a
LaunchAgent (macOS), the HKCU Run key (Windows). Also opening the data folder in the file manager."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from companion.errors import Conflict

NAME = "shoptally"
LAUNCH_AGENT = "com.shoptally.daemon"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class AutostartError(Conflict):
    pass


def command(data_dir: Path | None = None) -> list[str]:
    """What starts the daemon at login: this Python, this package, and the data dir it runs on now."""
    args = [sys.executable, "-m", "companion", "serve"]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    return args


def supported() -> bool:
    return sys.platform.startswith("linux") or sys.platform in ("darwin", "win32")


def _desktop_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / f"{NAME}.desktop"


def _launch_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT}.plist"


def enabled() -> bool:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, NAME)
            return True
        except OSError:
            return False
    if sys.platform == "darwin":
        return _launch_agent().is_file()
    return _desktop_file().is_file()


def desktop_entry(args: list[str]) -> str:
    exec_line = " ".join(shlex.quote(a) for a in args)
    return ("[Desktop Entry]\nType=Application\nName=shoptally\n"
            "Comment=Profit and settlement ledger for TikTok Shop, Temu and SHEIN sellers\n"
            f"Exec={exec_line}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n")


def launch_agent_plist(args: list[str]) -> bytes:
    import plistlib

    return plistlib.dumps({"Label": LAUNCH_AGENT, "ProgramArguments": args, "RunAtLoad": True,
                           "ProcessType": "Interactive"})


def set_enabled(on: bool, data_dir: Path | None = None) -> None:
    args = command(data_dir)
    try:
        if sys.platform == "win32":
            import subprocess as sp
            import winreg

            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                if on:
                    winreg.SetValueEx(key, NAME, 0, winreg.REG_SZ, sp.list2cmdline(args))
                else:
                    try:
                        winreg.DeleteValue(key, NAME)
                    except FileNotFoundError:
                        pass
            return
        path = _launch_agent() if sys.platform == "darwin" else _desktop_file()
        if not on:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        if sys.platform == "darwin":
            tmp.write_bytes(launch_agent_plist(args))
        else:
            tmp.write_text(desktop_entry(args), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise AutostartError.of("auto_autostart_failed", reason=exc.strerror or str(exc)) from exc


def open_folder(path: Path) -> bool:
    """Show the folder in the file manager; False where there is none (a server without a desktop)."""
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]
            return True
        opener = "open" if sys.platform == "darwin" else shutil.which("xdg-open")
        if not opener or (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
                          and not os.environ.get("WAYLAND_DISPLAY")):
            return False
        subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return True
    except OSError:
        return False

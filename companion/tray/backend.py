"""Which pystray backend the tray got, and what to tell a Linux seller whose tray would show no menu.

pystray tries AppIndicator, then GTK (both need PyGObject), then plain X11, which shows an icon without a menu.
A pip install has no PyGObject unless the `tray` extra is asked for, so the fallback is silent and common: the
daemon says once why the menu is missing and how to get it (docs/tray.md)."""

from __future__ import annotations

import os
from typing import Any

GET_THE_MENU = ("for the menu: pip install 'shoptally[tray]' (its build needs Debian's libgirepository1.0-dev "
                "libcairo2-dev pkg-config), or Debian's python3-gi gir1.2-ayatanaappindicator3-0.1 with a venv made "
                "with --system-site-packages; see docs/tray.md. Every menu action is also in the Finance view")


def name(pystray: Any) -> str:
    """`appindicator`, `gtk`, `xorg`, `win32`, `darwin` or `dummy`: the module pystray's Icon came from."""
    return pystray.Icon.__module__.rpartition(".")[2].lstrip("_")


def has_menu(pystray: Any) -> bool:
    return bool(getattr(pystray.Icon, "HAS_MENU", True))


def why_no_menu() -> str:
    """Why pystray fell back to its X11 backend: the first of PyGObject, GTK 3's bindings, GTK on this display
    that is missing."""
    if os.environ.get("PYSTRAY_BACKEND") == "xorg":
        return "PYSTRAY_BACKEND=xorg asks for pystray's X11 backend, which has no menu"
    try:
        import gi
    except ImportError:
        return "PyGObject is not installed"
    try:
        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk
    except (ImportError, ValueError) as exc:
        return f"PyGObject finds no GTK 3 ({exc}; Debian: gir1.2-gtk-3.0)"
    if not Gtk.init_check()[0]:
        return "GTK 3 could not open the display"
    return "pystray could not load its AppIndicator or GTK backend"


def no_menu_line() -> str:
    """The one line the daemon logs when its Linux tray has no menu."""
    return f"tray: the icon has no menu: {why_no_menu()}; {GET_THE_MENU}"


def session_bus_problem() -> str:
    """Why GTK's tray backends cannot start here ("" when they can): they talk to the session D-Bus, which
    every desktop login has but a bare X session or an ssh -X shell may lack."""
    try:
        from gi.repository import Gio

        Gio.bus_get_sync(Gio.BusType.SESSION, None)
        return ""
    except Exception as exc:  # noqa: BLE001 - GLib.Error, or no Gio: either way the backend would fail
        return " ".join(str(exc).split())[:160]


def choose(pystray: Any) -> tuple[Any, str]:
    """The Icon class to use and, when it shows no menu, the one line to log. A GTK backend without a session
    D-Bus would fail before showing anything: pystray's X11 icon (no menu) is shown instead."""
    if not has_menu(pystray):
        return pystray.Icon, no_menu_line()
    if name(pystray) not in ("gtk", "appindicator") or not (problem := session_bus_problem()):
        return pystray.Icon, ""
    try:
        from pystray import _xorg
    except Exception:  # noqa: BLE001 - no X11 backend either: the GTK one fails and the daemon runs headless
        return pystray.Icon, ""
    return _xorg.Icon, (f"tray: the icon has no menu: the menu needs a session D-Bus, which every desktop login "
                        f"has ({problem}); showing an icon without a menu. Every menu action is also in the "
                        "Finance view")

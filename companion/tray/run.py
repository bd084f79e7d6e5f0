"""`shoptally serve` with a tray icon: pystray on the main thread, the daemon (server, scheduler) on its own
event loop in a second thread. Without a display or a usable tray, one log line and the daemon runs headless;
never a modal error."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from companion.tray import backend

log = logging.getLogger(__name__)


def load_pystray() -> tuple[Any | None, str]:
    """pystray, or None and why not (no display, no backend): importing it without a display raises
    Xlib's DisplayNameError, not ImportError, so anything it raises means "no tray"."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None, "no display (DISPLAY is not set)"
    try:
        import pystray

        return pystray, ""
    except Exception as exc:  # noqa: BLE001 - any failure to load a tray backend means: run headless
        return None, f"no tray available ({exc.__class__.__name__}: {' '.join(str(exc).split())[:120]})"


def serve(run_daemon: Callable[..., Any], cfg, port: int, **kwargs: Any) -> None:
    """Runs the daemon, with the tray where one can be shown. Raises what run_daemon raises (DaemonError)."""
    pystray, why = load_pystray()
    if pystray is None:  # said once the daemon runs: a daemon that cannot start says only why
        asyncio.run(run_daemon(cfg, port, started=lambda _s: log.info("tray: %s; running without a tray icon", why),
                               **kwargs))
        return
    icon_class, no_menu = backend.choose(pystray)
    if no_menu:  # Linux without PyGObject (or a session D-Bus): pystray's X11 icon, which has no menu
        log.warning("%s", no_menu)
    started = threading.Event()
    holder: dict[str, Any] = {}

    def on_started(service) -> None:
        holder["service"], holder["loop"] = service, asyncio.get_running_loop()
        started.set()

    tray_done = threading.Event()

    def daemon_thread() -> None:
        try:
            asyncio.run(run_daemon(cfg, port, started=on_started, signals=False, **kwargs))
        except BaseException as exc:  # handed to the main thread, which raises it
            holder["error"] = exc
        finally:
            started.set()
            _close_tray(holder, tray_done)

    thread = threading.Thread(target=daemon_thread, name="shoptally-daemon")
    thread.start()
    started.wait()
    if "error" in holder:
        thread.join()
        raise holder["error"]
    service, loop = holder["service"], holder["loop"]

    def quit_daemon(*_args) -> None:
        if service.quit is not None:
            loop.call_soon_threadsafe(service.quit)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, quit_daemon)
    shown, failed = threading.Event(), threading.Event()
    kind = icon_class.__module__.rpartition(".")[2].lstrip("_")

    def setup(icon) -> None:
        """On pystray's setup thread once the icon's loop runs: show it, and give Ctrl+C back to the daemon
        (pystray's GTK backends set SIGINT to its default, which would kill the process without cleaning up)."""
        if failed.is_set():  # released by _release_setup_thread: nothing to show
            return
        icon.visible = True
        shown.set()
        log.info("tray: icon shown (%s backend%s)", kind, "" if icon_class.HAS_MENU else ", no menu")
        if kind in ("gtk", "appindicator"):
            from gi.repository import GLib

            def give_back_ctrl_c() -> bool:  # on the main thread: signal handlers can only be set there
                signal.signal(signal.SIGINT, quit_daemon)
                return False  # once

            GLib.idle_add(give_back_ctrl_c)

    icon = None
    try:
        icon = make_icon(pystray, service, loop, icon_class)
        holder["icon"] = icon
        if not thread.is_alive():  # the daemon ended while the icon was being made
            icon = None
        if icon is not None:
            icon.run(setup=setup)
    except Exception as exc:  # noqa: BLE001 - a tray that fails at run time: go on headless
        if shown.is_set():  # e.g. GTK's icon closing asks a desktop without a notification service to hide one
            log.info("tray: the icon closed (%s)", _one_line(exc))
        else:
            log.info("tray: the icon could not be shown (%s); running without a tray icon", _one_line(exc))
            failed.set()
            _release_setup_thread(icon)
    finally:
        tray_done.set()
        holder.pop("icon", None)
    while thread.is_alive():  # the icon ended (Quit, or no tray): the daemon runs until it is stopped
        thread.join(0.5)
    if "error" in holder:
        raise holder["error"]


def _release_setup_thread(icon) -> None:
    """pystray starts its setup thread (not a daemon thread) before the backend starts, and it waits until the
    icon is ready: after a backend that failed first, that thread would keep the process from ever exiting."""
    waiting = getattr(icon, "_Icon__queue", None)  # pystray._base.Icon's private queue, read by that thread
    if waiting is not None:
        waiting.put(False)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


class _NoTrayToDockInto(logging.Filter):
    """pystray's X11 backend logs a traceback each time it finds no system tray to dock into (a desktop
    without one, Xvfb): one line of ours says it instead, and the daemon runs on."""

    said = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "Failed to dock icon" not in record.getMessage():
            return True
        if not self.said:
            self.said = True
            log.info("tray: this desktop has no system tray to show the icon in; use the Finance view")
        return False


def _close_tray(holder: dict, tray_done: threading.Event) -> None:
    """The daemon has stopped: end the icon's loop on the main thread. A stop() that lands before the icon's
    loop started is lost on some backends, so it is repeated; an icon that still will not close after a few
    seconds must not keep a stopped daemon's process alive."""
    for _ in range(20):
        icon = holder.get("icon")
        if icon is not None:
            try:
                icon.stop()
            except Exception:  # noqa: BLE001 - a backend not running yet; tried again
                pass
        if tray_done.wait(0.25):
            return
        if icon is None and "service" not in holder:  # the daemon never started: no icon will come
            return
    log.info("tray: the icon did not close; exiting")
    logging.shutdown()
    os._exit(1 if "error" in holder else 0)


def make_icon(pystray: Any, service, loop: asyncio.AbstractEventLoop, icon_class: Any = None):
    from companion.tray import menu, payment_watch
    from companion.tray.actions import TrayActions
    from companion.tray.state import TrayState, image

    logging.getLogger("pystray._base").addFilter(_NoTrayToDockInto())
    state = TrayState(connected=service.connected_extensions())
    icon = (icon_class or pystray.Icon)("shoptally", image(state.mood), state.tooltip())
    actions = TrayActions(service, loop, notify=lambda text: _notify(icon, text))
    icon.menu = menu.build(pystray, actions)

    def show(mood: str, tooltip: str) -> None:
        icon.icon, icon.title = image(mood), tooltip

    def on_event(event: dict) -> None:  # on the daemon's loop: what the icon shows changes on the UI thread
        if state.apply(event):
            on_ui_thread(show, state.mood, state.tooltip())
            if event.get("event") == "sync.run" and event["run"].get("status") not in ("running", "skipped"):
                run = event["run"]
                _notify(icon, f"Sync of {run.get('account') or 'all stores'}: {run['status']}"
                              + (f" ({run['error'][:100]})" if run.get("error") else ""))
        if event.get("event") in ("autosync.updated", "stores.updated", "tk-settlement.updated"):
            actions.store_names = []  # re-read when the Sync submenu opens next
            icon.update_menu()

    loop.call_soon_threadsafe(service.bus.add_listener, on_event)
    payments = payment_watch.watch(service, lambda text: _notify(icon, text), loop)
    loop.call_soon_threadsafe(service.bus.add_listener, payments)
    loop.call_soon_threadsafe(payments, {"event": "settings.updated"})  # a look once the tray is up
    return icon


def on_ui_thread(fn: Callable[..., None], *args: Any) -> None:
    """Hand a change of the icon to the thread that runs the tray. macOS: AppKit's main thread, through
    PyObjC's AppHelper.callAfter. The other backends marshal it themselves (Windows posts a message to its
    window, GTK and AppIndicator go through GLib's main loop, X11 holds its display lock)."""
    if sys.platform == "darwin":
        try:
            from PyObjCTools import AppHelper

            AppHelper.callAfter(fn, *args)
            return
        except ImportError:
            pass
    fn(*args)


def _notify(icon, text: str) -> None:
    """A desktop notification where the backend has them; otherwise the log."""
    log.info("tray: %s", text)
    if getattr(icon, "HAS_NOTIFICATION", False):
        try:
            icon.notify(text, "shoptally")
        except Exception:  # noqa: BLE001 - a notification is a courtesy
            pass

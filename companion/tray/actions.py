"""What each tray menu item does, as calls into the daemon running on its own event loop in another thread.

The tray runs on the main thread (macOS requires it); the server and the scheduler run on the daemon's loop.
Every action hands its work to that loop with `run_coroutine_threadsafe` / `call_soon_threadsafe` and
returns at once, so the menu never freezes; each one has its twin in the Finance view.
"""

from __future__ import annotations

import asyncio
import logging
import webbrowser
from concurrent.futures import Future
from typing import TYPE_CHECKING

from companion.automation import autostart
from companion.store import stores

if TYPE_CHECKING:
    from companion.core.service import Service

log = logging.getLogger(__name__)


class TrayActions:
    def __init__(self, service: Service, loop: asyncio.AbstractEventLoop,
                 open_url=webbrowser.open, open_folder=autostart.open_folder, notify=None) -> None:
        self.service = service
        self.loop = loop
        self._open_url = open_url
        self._open_folder = open_folder
        self.notify = notify or (lambda text: log.info("tray: %s", text))
        self.store_names: list[str] = []

    @property
    def url(self) -> str:
        """Every page the tray opens is opened signed in (server/signin.py)."""
        return self.service.signin_link()

    def _on_loop(self, coro) -> Future:
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        fut.add_done_callback(self._report)
        return fut

    def _report(self, fut: Future) -> None:
        if not fut.cancelled() and fut.exception() is not None:
            self.notify(str(fut.exception()))

    # the menu's items -----------------------------------------------------------------------------------
    def open_finance(self) -> None:
        self._open_url(self.url)

    def sync_now(self, account: str | None = None) -> Future:
        self.notify(f"Sync Settlement started: {account or 'all stores'}")
        return self._on_loop(self.service.runner.run(account, "tray"))

    def reset(self) -> None:
        """Opens the view, which says where its Reset button is: the confirmation (naming the store and how many
        records go) opens on a click there, never from a URL (docs/security.md)."""
        self._open_url(self.url + "#reset")

    @property
    def paused(self) -> bool:
        return bool(self.service.autosync and self.service.autosync.paused)

    @property
    def can_change(self) -> bool:
        """False on a team viewer's daemon (docs/team.md): syncs, resets and pairings would all be refused."""
        return not self.service.read_only

    @property
    def can_pause(self) -> bool:
        return self.service.autosync is not None

    def toggle_pause(self) -> Future | None:
        if self.service.autosync is None:
            self.notify("this daemon runs without its scheduler (--no-scheduler)")
            return None
        return self._on_loop(self.service.autosync.set_paused(not self.service.autosync.paused))

    def pair(self) -> None:
        """Says the pending pairing code (the extension's popup shows the same) and opens the view's pairing."""
        codes = [p.code for p in self.service.pending.shown()]  # the newest, as the view lists them
        self.notify(f"Pairing code: {', '.join(codes)}" if codes else
                    "No extension is asking to pair: open the shoptally extension's popup in your browser")
        self._open_url(self.url + "#settings")

    def open_data_folder(self) -> bool:
        return self._open_folder(self.service.cfg.data_dir)

    @property
    def autostart(self) -> bool:
        return autostart.enabled()

    def toggle_autostart(self) -> None:
        try:
            autostart.set_enabled(not autostart.enabled(), self.service.cfg.data_dir)
        except autostart.AutostartError as exc:
            self.notify(str(exc))

    def quit(self) -> None:
        if self.service.quit is not None:
            self.loop.call_soon_threadsafe(self.service.quit)

    def refresh_stores(self) -> list[str]:
        """The names for the Sync submenu (read on the daemon's loop's reader pool)."""
        if self.service.stopping:  # the daemon is shutting down: its readers are going away
            return self.store_names
        fut = asyncio.run_coroutine_threadsafe(self.service.read(lambda: [s.name for s in stores.all_stores()]),
                                               self.loop)
        try:
            self.store_names = fut.result(timeout=5)
        except Exception:  # keep the last list; the menu must not hang on a slow database
            if not self.service.stopping:  # a read cut short by the shutdown is no news
                log.warning("tray: the store list could not be read")
        return self.store_names

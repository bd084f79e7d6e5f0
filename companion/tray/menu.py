"""The tray menu, built from TrayActions: the same items on every system whose tray has menus."""

from __future__ import annotations

from typing import Any

from companion.tray.actions import TrayActions


def build(pystray: Any, actions: TrayActions) -> Any:
    """A pystray.Menu. Items whose state changes (pause, start at login, stores) are re-read each time the
    menu opens, so `icon.update_menu()` after an event is enough."""
    Item, Menu = pystray.MenuItem, pystray.Menu

    def store_items():
        names = actions.store_names or actions.refresh_stores()
        return [Item("All stores", lambda: actions.sync_now(None)), Menu.SEPARATOR,
                *(Item(name, _sync_one(actions, name)) for name in names)]

    return Menu(
        Item("Open Finance", lambda: actions.open_finance(), default=True),
        Item("Sync Settlement now", Menu(store_items), enabled=lambda _item: actions.can_change),
        Item("Reset settlements…", lambda: actions.reset(), enabled=lambda _item: actions.can_change),
        Item(lambda _item: "Resume auto-sync" if actions.paused else "Pause auto-sync",
             lambda: actions.toggle_pause(), enabled=lambda _item: actions.can_pause),
        Item("Pair extension…", lambda: actions.pair(), enabled=lambda _item: actions.can_change),
        Item("Open data folder", lambda: actions.open_data_folder()),
        Item("Start at login", lambda: actions.toggle_autostart(), checked=lambda _item: actions.autostart),
        Menu.SEPARATOR,
        Item("Quit", lambda: actions.quit()),
    )


def _sync_one(actions: TrayActions, name: str):
    return lambda: actions.sync_now(name)

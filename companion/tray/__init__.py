"""The tray icon: pystray on the main thread, the daemon on its own event loop (see tray/run.py)."""

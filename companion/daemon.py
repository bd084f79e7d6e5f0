"""`shoptally serve`: one daemon per data dir, listening on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import shlex
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from companion import __version__
from companion.automation.runner import SyncRunner
from companion.automation.scheduler import AutoSync
from companion.backup.snapshot import open_database
from companion.config import (
    Config,
    DataDirLock,
    ensure_token,
    keep_private,
    read_daemon_info,
    remove_demo_pointer,
    write_daemon_info,
    write_demo_pointer,
)
from companion.core.service import Service
from companion.errors import Failed
from companion.pipeline import demo as demo_data
from companion.server import limits
from companion.server.app import create_app
from companion.store import roles

log = logging.getLogger(__name__)


class DaemonError(Failed):
    """A reason the daemon cannot start, in one sentence."""


def bind_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            raise DaemonError(
                f"port {port} is in use by another program: start with --port N to choose another "
                "(or --port 0 for any free port)") from exc
        raise DaemonError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}): choose another with --port N") from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


def already_running_message(cfg: Config) -> str:
    info = read_daemon_info(cfg)
    where = info.get("url") if info else "an address not yet written to daemon.json"
    return f"a daemon is already running on {cfg.data_dir} at {where}"


def demo_lines(cfg: Config, pointer: Path | None) -> list[str]:
    """What `serve --demo` tells the seller: the data dir (a temporary folder nobody would find otherwise)
    and commands that reach it."""
    where = shlex.quote(str(cfg.data_dir))
    found = ("Other shoptally commands that name no data dir use it while this demo runs, e.g.:"
             if pointer is not None else "Commands reach it with --data-dir, e.g.:")
    return [f"Demo data dir: {cfg.data_dir}", found,
            f"  shoptally pair approve --data-dir {where}",
            f"  shoptally report --period all --data-dir {where}",
            f"  shoptally open --data-dir {where}"]


def build_service(cfg: Config, db, token: str, parse_processes: int | None = None) -> Service:
    """The Service with the sync runner it drives syncs through: the one place the layers are put together."""

    service = Service(cfg, db, token, parse_processes)
    service.runner = SyncRunner(service)
    return service


async def run_daemon(cfg: Config, port: int, ready: asyncio.Event | None = None,
                     stop: asyncio.Event | None = None, demo: bool = False, scheduler: bool = True,
                     started: Callable[[Service], None] | None = None, signals: bool = True,
                     demo_pointer: Path | None = None) -> None:
    """`started(service)`: called on the loop once the server listens (the tray binds to it). `signals`
    False: the caller (the tray's main thread) handles SIGINT/SIGTERM and sets `stop`. `demo_pointer`: a
    file (config.demo_pointer_path) naming this data dir while the daemon runs, so commands that name no
    data dir find a demo on a temporary folder."""

    lock = DataDirLock(cfg.lock_path)
    if not lock.acquire():
        raise DaemonError(already_running_message(cfg))
    runner = None
    service = None
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    # Handlers first: a signal during start-up then ends in the same clean shutdown as one later.
    for sig in (signal.SIGINT, signal.SIGTERM) if signals else ():
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        token = ensure_token(cfg)
        keep_private(cfg)
        sock = bind_socket(port)
        db = await loop.run_in_executor(None, lambda: open_database(cfg.database_url, backup_dir=cfg.backups_dir))
        if demo and not roles.read_only(db):  # a viewer's daemon shows the team's data as it is
            log.info("generating the demo dataset…")
            await loop.run_in_executor(None, demo_data.populate_if_empty, db)
        service = build_service(cfg, db, token)
        service.port = sock.getsockname()[1]
        service.start(loop)
        app = create_app(service)
        # the connection cap and the head, body and idle deadlines (companion/server/limits.py)
        server_limits = limits.Limits.from_env()
        gate = limits.Gate(server_limits)
        limits.install(app, gate)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, **server_limits.handler_args())
        await runner.setup()
        await limits.GuardedSite(runner, sock, gate).start()
        url = f"http://127.0.0.1:{service.port}/"
        if scheduler and not service.read_only:  # a viewer syncs nothing: its captures would all be refused
            service.autosync = AutoSync(service, service.runner)
            await service.autosync.start()
        service.quit = stop.set
        if demo_pointer is not None:  # before daemon.json: whoever sees the daemon ready finds the pointer too
            write_demo_pointer(demo_pointer, cfg.data_dir)
        write_daemon_info(cfg, {"pid": os.getpid(), "port": service.port, "url": url, "version": __version__})
        log.info("shoptally %s listening on %s (data: %s)", __version__, url, cfg.data_dir)
        if service.role is not None:
            log.info("connected to the team's database as %s%s", service.role,
                     ": read-only (no changes, no syncs, no schedules)" if service.read_only else "")
        if demo:
            print("\n".join(demo_lines(cfg, demo_pointer)), flush=True)
        if sys.stdout.isatty():  # the seller's terminal, never a log file: the link holds the token
            print(f"Open the Finance view: {service.signin_link()}", flush=True)
        if started is not None:
            started(service)
        if ready is not None:
            ready.set()
        await stop.wait()
        log.info("shutting down")
        if service is not None:
            service.stopping = True
    finally:
        if service is not None and service.autosync is not None:
            await service.autosync.stop()
        if runner is not None:
            await runner.cleanup()
        if service is not None:
            service.stop()
        with contextlib.suppress(FileNotFoundError):
            if (read_daemon_info(cfg) or {}).get("pid") == os.getpid():
                cfg.daemon_path.unlink()
        if demo_pointer is not None:
            with contextlib.suppress(OSError):
                remove_demo_pointer(demo_pointer)
        lock.release()
        for sig in (signal.SIGINT, signal.SIGTERM) if signals else ():
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)

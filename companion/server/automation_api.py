"""Settings → Automation and the tray's actions over HTTP: schedules, runs, pause, the sync browser's login
window, the data folder, start at login. Every tray action exists here, because on Linux a pip-installed
tray has no menu."""

from __future__ import annotations

import asyncio

from aiohttp import web

from companion.automation import autostart, browser, schedules
from companion.errors import Conflict, Unprocessable
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import stores

routes = web.RouteTableDef()


@routes.get("/api/automation")
async def automation_state(request: web.Request) -> web.Response:
    service = request.app[SERVICE]

    def read() -> dict:
        return {"schedules": schedules.listing(), "runs": schedules.recent_runs(20)}

    state = await service.read(read)
    auto = service.autosync
    return web.json_response({
        **state, "scheduler": auto is not None, "paused": bool(auto and auto.paused),
        "running": service.runner.current, "data_dir": str(service.cfg.data_dir),
        "autostart": autostart.enabled(), "autostart_supported": autostart.supported(),
        "min_every": schedules.describe_every(schedules.min_every())})


@routes.post("/api/schedules")
async def set_schedule(request: web.Request) -> web.Response:
    """{"account": NAME, "every": "6h"} | {"account": NAME, "at": "09:00,21:00"} | {"account": NAME, "off": true}"""
    body = await read_json(request)
    service = request.app[SERVICE]
    account = str(body.get("account") or "")
    every = body.get("every")
    at = body.get("at")
    row = await service.writer.run(schedules.set_schedule, account, None if every is None else str(every),
                                   None if at is None else str(at), bool(body.get("off")))
    if service.autosync is not None:
        await service.autosync.reload(account)
        row = next((s for s in await service.read(schedules.listing) if s["account"] == account), None)
    service.bus.publish({"event": "schedules.updated", "account": account})
    return web.json_response({"schedule": row})


@routes.post("/api/schedules/run-now")
async def run_now(request: web.Request) -> web.Response:
    """Starts a sync of one store (or all) the way a schedule would, and answers at once; its record comes as
    `sync.run` events and in /api/automation."""
    body = await read_json(request)
    service = request.app[SERVICE]
    account = body.get("account") or None
    if account is not None:
        await service.read(stores.by_name, str(account))  # an unknown store: NotFound
    service.start_task(service.runner.run(account, str(body.get("trigger") or "manual")))
    return web.json_response({"started": True, "account": account, "queued": service.runner.busy}, status=202)


@routes.post("/api/autosync")
async def pause_or_resume(request: web.Request) -> web.Response:
    body = await read_json(request)
    service = request.app[SERVICE]
    if service.autosync is None:
        raise Conflict.of("no_scheduler")
    if not isinstance(body.get("paused"), bool):
        raise Unprocessable.of("send_paused")
    await service.autosync.set_paused(body["paused"])
    return web.json_response({"paused": service.autosync.paused})


@routes.post("/api/browser/login")
async def browser_login(request: web.Request) -> web.Response:
    """Opens the sync browser's profile in a window on this machine, for the seller to log in once."""
    service = request.app[SERVICE]
    lock = browser.ProfileLock(service.cfg.data_dir)
    if not lock.acquire():
        raise Conflict.of("sync_browser_in_use")
    try:
        proc = browser.open_for_login(service.cfg.data_dir)
    except browser.BrowserMissing:
        lock.release()
        raise

    async def hold() -> None:  # the profile stays locked until the seller closes the window
        try:
            await asyncio.get_running_loop().run_in_executor(None, proc.wait)
        finally:
            lock.release()

    service.start_task(hold())
    return web.json_response({"opened": True})


@routes.post("/api/open-data-folder")
async def open_data_folder(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    opened = autostart.open_folder(service.cfg.data_dir)
    return web.json_response({"opened": opened, "path": str(service.cfg.data_dir)})


@routes.post("/api/autostart")
async def set_autostart(request: web.Request) -> web.Response:
    body = await read_json(request)
    if not isinstance(body.get("enabled"), bool):
        raise Unprocessable.of("send_enabled")
    autostart.set_enabled(body["enabled"], request.app[SERVICE].cfg.data_dir)
    return web.json_response({"enabled": autostart.enabled()})


@routes.post("/api/quit")
async def quit_daemon(request: web.Request) -> web.Response:
    """The tray's Quit, from the view: the daemon stops cleanly (daemon.json removed) after answering."""
    service = request.app[SERVICE]
    if service.quit is None:
        raise Conflict.of("cannot_stop_here")
    asyncio.get_running_loop().call_later(0.2, service.quit)
    return web.json_response({"stopping": True})

"""The view's Sync Data dialog over HTTP: upload the dataset, preview a download, merge it."""

from __future__ import annotations

from aiohttp import web

from companion.cloud import crypto, sync
from companion.core.events import ProgressEvents
from companion.errors import Unprocessable
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import app_settings

routes = web.RouteTableDef()


async def _args(request: web.Request) -> tuple[dict, str, str]:
    body = await read_json(request)
    key = body.get("key")
    crypto.check_key(key)
    service = request.app[SERVICE]
    stored = (await service.read(app_settings.get_all)).get("cloud_target") or ""
    target = app_settings.keep_password(str(body.get("target") or ""), stored) or stored
    if not target:
        raise Unprocessable.of("no_sync_target")
    return body, key, target


@routes.post("/api/cloud/push")
async def push(request: web.Request) -> web.Response:
    body, key, target = await _args(request)
    service = request.app[SERVICE]
    with ProgressEvents(service.bus, "cloud push", body.get("progress_id")) as report:
        return web.json_response(await service.read(sync.push, service.db, key, str(body.get("label") or ""),
                                                    target, report))


@routes.post("/api/cloud/pull")
async def pull(request: web.Request) -> web.Response:
    """{"key", "target"?, "dry_run": true} previews; without dry_run it merges, and every open view reloads."""
    body, key, target = await _args(request)
    service = request.app[SERVICE]
    with ProgressEvents(service.bus, "cloud pull", body.get("progress_id")) as report:
        return web.json_response(await service.cloud_pull(key, target, not body.get("dry_run"), report))

"""The view's Sync Data dialog over HTTP: upload the dataset, preview a download, merge it."""

from __future__ import annotations

from aiohttp import web

from companion.cloud import crypto, sync, targets
from companion.core.service import ServiceError
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import app_settings

routes = web.RouteTableDef()


async def _args(request: web.Request) -> tuple[dict, str, str]:
    body = await read_json(request)
    key = body.get("key")
    try:
        crypto.check_key(key)
    except crypto.SyncKeyError as exc:
        raise ServiceError(str(exc), 422) from exc
    service = request.app[SERVICE]
    target = str(body.get("target") or (await service.read(app_settings.get_all)).get("cloud_target") or "")
    if not target:
        raise ServiceError("no sync target: set one in Settings → Data Management (file:///FOLDER, webdavs://… or "
                           "s3://BUCKET/PREFIX)", 422)
    return body, key, target


@routes.post("/api/cloud/push")
async def push(request: web.Request) -> web.Response:
    body, key, target = await _args(request)
    service = request.app[SERVICE]
    try:
        res = await service.read(sync.push, service.db, key, str(body.get("label") or ""), target)
    except (sync.SyncError, targets.TargetError, crypto.SyncKeyError) as exc:
        raise ServiceError(str(exc), 422) from exc
    return web.json_response(res)


@routes.post("/api/cloud/pull")
async def pull(request: web.Request) -> web.Response:
    """{"key", "target"?, "dry_run": true} previews; without dry_run it merges, and every open view reloads."""
    body, key, target = await _args(request)
    service = request.app[SERVICE]
    try:
        if body.get("dry_run"):
            return web.json_response((await service.read(sync.pull, service.db, key, target, False))[0])
        res, change = await service.writer.run(sync.pull, service.db, key, target, True)
    except (sync.SyncError, targets.TargetError) as exc:
        raise ServiceError(str(exc), 422) from exc
    if change is not None:
        service.bus.publish(change.event())
    service.bus.publish({"event": "app.reload", "reason": "cloud"})
    return web.json_response(res)

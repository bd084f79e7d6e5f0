"""Settings → Data Management → Backup / Restore over HTTP: list, create, upload, restore."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web

from companion.backup import archive, restore, snapshot
from companion.core.events import ProgressEvents
from companion.errors import TooLarge, Unprocessable
from companion.server.api import read_json
from companion.server.keys import SERVICE

routes = web.RouteTableDef()
MAX_UPLOAD = 4 << 30  # a backup file sent by the view (4 GiB)


def _listing(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob(f"*{archive.SUFFIX}"), reverse=True):
        try:
            m = archive.read_manifest(path)
        except archive.BackupError:
            continue
        out.append({"name": path.name, "created_at": m.get("created_at"), "reason": m.get("reason"),
                    "version": m.get("version"), "tables": m.get("tables"), "bytes": path.stat().st_size})
    return out


@routes.get("/api/backups")
async def list_backups(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    folder = service.cfg.backups_dir
    return web.json_response({"folder": str(folder), "backups": await service.read(_listing, folder)})


@routes.post("/api/backup/create")
async def create_backup(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    path = snapshot.new_path(service.cfg.backups_dir, "manual")
    body = await read_json(request) if request.can_read_body else {}
    with ProgressEvents(service.bus, "backup", body.get("progress_id"), path.name) as report:
        manifest = await service.read(snapshot.create, service.db, path, "manual", None, report)
    return web.json_response({"file": str(path), "name": path.name, "manifest": manifest})


@routes.post("/api/backup/upload")
async def upload_backup(request: web.Request) -> web.Response:
    """The view's file chooser: the bytes are stored in the backups folder once they check out as a backup."""
    service = request.app[SERVICE]
    name = Path(request.query.get("name") or "uploaded").name
    folder = service.cfg.backups_dir
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    loop = asyncio.get_running_loop()
    fh = tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False)  # noqa: SIM115 - closed below
    tmp = Path(fh.name)
    try:  # however the upload ends short of a kept backup (too large, refused, the browser gone), no .part stays
        with fh:
            async for chunk in request.content.iter_chunked(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise TooLarge.of("backup_upload_too_large", gib=MAX_UPLOAD >> 30, file=name)
                await loop.run_in_executor(None, fh.write, chunk)  # the disk, not the event loop, waits
        try:
            await service.read(restore.check, tmp)
        except archive.BackupError as exc:
            # named as uploaded, not as stored meanwhile
            raise Unprocessable(exc.message, file=name, code=exc.code, params=exc.params) from exc
        stem = name[: -len(archive.SUFFIX)] if name.endswith(archive.SUFFIX) else name
        target = folder / f"{stem}{archive.SUFFIX}"
        n = 1
        while target.exists():
            target = folder / f"{stem}-{n}{archive.SUFFIX}"
            n += 1
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)  # gone already when it was kept under its name
    return web.json_response({"name": target.name})


@routes.post("/api/backup/restore")
async def restore_backup(request: web.Request) -> web.Response:
    """{"name": a file in the backups folder} or {"path": an absolute path on this machine}."""
    body = await read_json(request)
    service = request.app[SERVICE]
    if body.get("name"):
        path = service.cfg.backups_dir / Path(str(body["name"])).name
    elif body.get("path") and Path(str(body["path"])).is_absolute():
        path = Path(str(body["path"]))
    else:
        raise Unprocessable.of("restore_send_name")
    with ProgressEvents(service.bus, "restore", body.get("progress_id"), path.name) as report:  # the view's bar
        return web.json_response(await service.restore(path, report))

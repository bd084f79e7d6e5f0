"""JSON API for the Finance view and the CLI: thin handlers over Service."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from aiohttp import web

from companion.core.events import ProgressEvents
from companion.errors import BadInput, Forbidden, ShoptallyError
from companion.pipeline import importer
from companion.reports import reconcile as checks
from companion.server.keys import SERVICE
from companion.server.security import bearer_ok
from companion.store import stores

MAX_JSON_BODY = 100 * 1024 * 1024  # an import of a large export, base64-encoded
routes = web.RouteTableDef()


def _service(request: web.Request):
    return request.app[SERVICE]


async def read_json(request: web.Request) -> dict:
    """A request's JSON object body, or BadInput saying what is wrong with it."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise BadInput.of("body_not_json") from exc
    if not isinstance(body, dict):
        raise BadInput.of("body_not_object")
    return body


@web.middleware
async def service_errors(request: web.Request, handler):
    """The one place an error becomes an HTTP answer: its kind carries the status (companion/errors.py)."""
    try:
        return await handler(request)
    except ShoptallyError as exc:
        return web.json_response(exc.json(), status=exc.status)


# What a viewer's daemon still does when asked by POST: nothing here writes to the team's database (a backup
# and a cloud push only read it; the others concern this computer, or a request nobody answered yet).
READ_ONLY_POSTS = frozenset({"/api/browser/login", "/api/open-data-folder", "/api/autostart", "/api/quit",
                             "/api/backup/create", "/api/backup/upload", "/api/cloud/push", "/api/pairing/deny"})


@web.middleware
async def read_only_guard(request: web.Request, handler):
    """Connected as a team's viewer (store/roles.py): every other change is refused with one sentence, before
    the handler reads a body or starts work (the writer would refuse it too, later, one write at a time)."""
    if (request.method not in ("GET", "HEAD", "OPTIONS") and request.path.startswith("/api/")
            and request.path not in READ_ONLY_POSTS and _service(request).read_only):
        raise Forbidden.of("team_read_only")
    return await handler(request)


@routes.get("/api/ping")
async def ping(request: web.Request) -> web.Response:
    return web.json_response(_service(request).ping())


@routes.get("/api/status")
async def status(request: web.Request) -> web.Response:
    return web.json_response(await _service(request).status())


def report_args(request: web.Request, by: str | None = None) -> dict:
    """The report's arguments from a request's query (the JSON report and its CSV, XLSX and PDF forms)."""
    q = request.query
    return {"period": q.get("period") or "this-month", "basis": q.get("basis") or "settlement",
            "by": by or q.get("by") or "store", "account": q.get("account") or None,
            "currency": q.get("currency") or None}


@routes.get("/api/report")
async def report(request: web.Request) -> web.Response:
    return web.json_response(await _service(request).report(**report_args(request)))


@routes.get("/api/stores")
async def list_stores(request: web.Request) -> web.Response:

    rows = await _service(request).read(lambda: [
        {"name": s.name, "platform": s.platform, "region": s.region, "external_id": s.external_id,
         "currency": s.currency, "timezone": s.timezone} for s in stores.all_stores()])
    return web.json_response({"stores": rows})


@routes.get("/api/changes")
async def changes_since(request: web.Request) -> web.Response:
    try:
        since = int(request.query.get("since", "0"))
    except ValueError as exc:
        raise BadInput.of("since_not_whole") from exc
    return web.json_response(await _service(request).changes_since(since))


@routes.get("/api/captures")
async def captures(request: web.Request) -> web.Response:
    try:
        limit = min(max(int(request.query.get("limit") or 50), 1), 500)
    except ValueError as exc:
        raise BadInput.of("limit_not_whole") from exc
    rows = await _service(request).recent_captures(limit, request.query.get("outcome") or None)
    return web.json_response({"captures": rows})


@routes.post("/api/reset")
async def reset(request: web.Request) -> web.Response:
    body = await read_json(request)
    account = body.get("account")
    if account is not None and not isinstance(account, str):
        raise BadInput.of("account_not_name")
    if not account and body.get("all") is not True:
        raise BadInput.of("reset_needs_account")
    result = await _service(request).reset(account or None)
    return web.json_response({"account": account or None, "removed": sum(c.removed for c in result.changes),
                              "rev": result.changes[-1].rev if result.changes else None})


@routes.post("/api/import")
async def import_files(request: web.Request) -> web.Response:
    """Files sent as base64 (the Finance view), or named by path (the CLI on this machine: only with the
    data dir's token, never for a browser page)."""
    body = await read_json(request)
    service, summaries, errors = _service(request), [], []
    paths = body.get("paths")
    if paths is not None:
        if not bearer_ok(request):
            raise Forbidden.of("import_path_needs_token")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise BadInput.of("import_send_paths")
        with ProgressEvents(service.bus, "import", body.get("progress_id")) as report:
            for path in paths:
                report.name = Path(path).name
                try:
                    content = await service.read(importer.read_file, Path(path))
                    summaries.append(await service.import_file(Path(path).name, content,
                                                               body.get("account") or None, report))
                except ShoptallyError as exc:
                    errors.append(_import_error(path, exc))
        return web.json_response({"files": summaries, "errors": errors})
    files = body.get("files")
    if not isinstance(files, list) or not files:
        raise BadInput.of("import_send_files")
    if not all(isinstance(item, dict) for item in files):
        raise BadInput.of("import_file_not_object")
    with ProgressEvents(service.bus, "import", body.get("progress_id")) as report:  # the view's bar
        for item in files:
            name = report.name = str(item.get("name") or "file")
            try:
                content = base64.b64decode(item.get("content_base64") or "", validate=True)
            except (binascii.Error, ValueError):
                errors.append(BadInput.of("content_not_base64", file=name).json())
                continue
            account = item.get("account") or body.get("account") or None  # a file's own store: the view's picker
            try:
                summaries.append(await service.import_file(name, content, str(account) if account else None,
                                                           report))
            except ShoptallyError as exc:
                errors.append(_import_error(name, exc))
    return web.json_response({"files": summaries, "errors": errors})


def _import_error(name: str, exc: ShoptallyError) -> dict:
    """A refused file; one that could go to several stores lists them, so the view can ask which."""
    error = {"file": name, "message": str(exc), "code": exc.code, "params": exc.params}
    if getattr(exc, "choices", None):
        error["choices"] = list(exc.choices)
    return error


@routes.post("/api/figures/{kind}")
async def import_figures(request: web.Request) -> web.Response:
    body = await read_json(request)
    name = str(body.get("name") or "figures.csv")
    try:
        content = base64.b64decode(body.get("content_base64") or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadInput.of("content_not_base64", file=name) from exc
    return web.json_response(await _service(request).import_figures(request.match_info["kind"], name, content))


@routes.post("/api/reparse")
async def reparse(request: web.Request) -> web.Response:
    body = await read_json(request)
    service = _service(request)
    with ProgressEvents(service.bus, "reparse", body.get("progress_id")) as report:
        return web.json_response(await service.reparse(body.get("site") or None, report))


@routes.get("/api/reconcile")
async def reconcile(request: web.Request) -> web.Response:

    return web.json_response(await _service(request).read(checks.run, request.query.get("account") or None))


@routes.get("/api/pairing")
async def pairing_state(request: web.Request) -> web.Response:
    return web.json_response(await _service(request).pairing_state())


@routes.post("/api/pairing/approve")
async def approve(request: web.Request) -> web.Response:
    body = await read_json(request)
    return web.json_response(await _service(request).approve(body.get("code") or None))


@routes.post("/api/pairing/deny")
async def deny(request: web.Request) -> web.Response:
    body = await read_json(request)
    return web.json_response(_service(request).deny(body.get("code") or None))


@routes.post("/api/pairing/revoke")
async def revoke(request: web.Request) -> web.Response:
    body = await read_json(request)
    try:
        pairing_id = int(body.get("id"))
    except (TypeError, ValueError) as exc:
        raise BadInput.of("revoke_send_id") from exc
    return web.json_response(await _service(request).revoke(pairing_id))


@routes.post("/api/sync")
async def sync(request: web.Request) -> web.Response:
    body = await read_json(request)
    trigger = str(body.get("trigger") or "view")
    if trigger not in ("view", "cli", "tray"):
        raise BadInput.of("trigger_unknown", trigger=trigger)
    return web.json_response(await _service(request).runner.start(body.get("account") or None, trigger,
                                                                  body.get("site") or None))

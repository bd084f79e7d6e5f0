"""Settings → Data Management: the seller's modes (sent to the extension), store settings, exchange rates."""

from __future__ import annotations

from aiohttp import web

from companion.errors import BadInput
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import app_settings, stores
from companion.store.models import FxRate

routes = web.RouteTableDef()


@routes.get("/api/settings")
async def get_settings(request: web.Request) -> web.Response:
    current = await request.app[SERVICE].read(app_settings.get_all)
    return web.json_response({"settings": app_settings.shown(current), "choices": app_settings.CHOICES})


@routes.post("/api/settings")
async def save_settings(request: web.Request) -> web.Response:
    body = await read_json(request)
    service = request.app[SERVICE]
    current = await service.writer.run(app_settings.save, body)
    await service.settings_changed(current)
    return web.json_response({"settings": app_settings.shown(current)})


@routes.post("/api/stores/update")
async def update_store(request: web.Request) -> web.Response:
    body = await read_json(request)
    account = str(body.get("account") or "")
    patch = {k: body[k] for k in ("name", "timezone", "currency") if k in body}
    service = request.app[SERVICE]
    store = await service.writer.run(stores.update, account, patch)
    service.bus.publish({"event": "stores.updated", "account": account, "name": store.name})
    return web.json_response({"name": store.name, "timezone": store.timezone, "currency": store.currency})


@routes.get("/api/fx")
async def list_rates(request: web.Request) -> web.Response:

    def rows() -> list[dict]:
        return [{"date": r.day, "from": r.base, "to": r.quote, "rate": r.rate}
                for r in FxRate.select().order_by(FxRate.day.desc(), FxRate.base, FxRate.quote).limit(1000)]

    return web.json_response({"rates": await request.app[SERVICE].read(rows)})


@routes.post("/api/fx")
async def add_rate(request: web.Request) -> web.Response:
    """One dated rate typed in the view, through the same checks as `shoptally fx import`."""
    body = await read_json(request)
    fields = [str(body.get(k) or "").strip() for k in ("date", "from", "to", "rate")]
    if any("," in f or "\n" in f for f in fields):
        raise BadInput("a rate's fields cannot contain commas or line breaks")
    content = ("date,from,to,rate\r\n" + ",".join(fields) + "\r\n").encode()
    return web.json_response(await request.app[SERVICE].import_figures("fx", "rate typed in the view", content))

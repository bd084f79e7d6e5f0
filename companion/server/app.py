"""Assemble the aiohttp application around a Service."""

from __future__ import annotations

from pathlib import Path
from weakref import WeakSet

from aiohttp import WSCloseCode, web

from companion.core.service import Service
from companion.server import (
    api,
    automation_api,
    backup_api,
    chart_api,
    cloud_api,
    export_api,
    money_reports_api,
    sales_api,
    security,
    settings_api,
    signin,
    view_api,
)
from companion.server.events_ws import events_socket
from companion.server.extension_ws import extension_socket
from companion.server.keys import PORT, SERVICE, SOCKETS

STATIC = Path(__file__).with_name("static")


async def _close_sockets(app: web.Application) -> None:
    for ws in list(app[SOCKETS]):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"shoptally is shutting down")


def create_app(service: Service, port: int | None = None) -> web.Application:
    """`port` None: the port is read from the service once the socket is bound (`--port 0`)."""
    app = web.Application(
        middlewares=[security.host_guard, security.signin_guard, security.csrf_guard, api.service_errors,
                     api.read_only_guard],
        client_max_size=api.MAX_JSON_BODY,
    )
    app[SERVICE] = service
    app[PORT] = (lambda: port) if port is not None else (lambda: service.port)
    app[SOCKETS] = WeakSet()
    app.on_shutdown.append(_close_sockets)
    app.on_response_prepare.append(security.security_headers)
    app.router.add_get("/", signin.index)
    app.router.add_static("/static/", STATIC, show_index=False)
    app.router.add_get("/ws/events", events_socket)
    app.router.add_get("/ws/extension", extension_socket)
    app.router.add_routes(view_api.routes)
    app.router.add_routes(export_api.routes)
    app.router.add_routes(chart_api.routes)
    app.router.add_routes(money_reports_api.routes)
    app.router.add_routes(settings_api.routes)
    app.router.add_routes(automation_api.routes)
    app.router.add_routes(backup_api.routes)
    app.router.add_routes(cloud_api.routes)
    app.router.add_routes(sales_api.routes)
    app.router.add_routes(api.routes)
    return app

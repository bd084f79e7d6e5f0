"""Typed application keys shared by the server's modules."""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakSet

from aiohttp import web

from companion.core.service import Service

SERVICE = web.AppKey("service", Service)
PORT = web.AppKey("port", Callable[[], int])
# Open WebSockets, closed with 1001 on shutdown so clients see a clean close and the daemon exits at once.
SOCKETS = web.AppKey("sockets", WeakSet)

"""WS /ws/events: live events for Finance views on our own origin."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import WSMsgType, web

from companion.server.keys import SERVICE, SOCKETS
from companion.server.security import origin_allowed, own_origins, port_of


async def events_socket(request: web.Request) -> web.StreamResponse:
    if not origin_allowed(request, own_origins(port_of(request))):
        return web.json_response({"error": "forbidden_origin"}, status=403)
    service = request.app[SERVICE]
    # No permessage-deflate: events are a few hundred bytes, and compressing each for every view costs
    # more CPU than it saves on a loopback socket.
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024, compress=False)
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    # Subscribed inside the try: a view that leaves before its hello (or a hello that cannot be read) must not
    # leave a subscription behind that fills with every later event.
    sub = service.bus.subscribe()
    sender: asyncio.Task | None = None
    try:
        rev = await service.current_rev()
        await ws.send_json({"event": "hello", "rev": rev, "app_version": service.ping()["version"]})
        sender = asyncio.create_task(_pump(ws, sub))
        async for msg in ws:
            if msg.type == WSMsgType.TEXT and msg.data == "ping":
                await ws.send_str('{"event":"pong"}')
    except ConnectionError:  # the view went away mid-send: nothing to answer
        pass
    finally:
        service.bus.unsubscribe(sub)
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
    return ws


async def _pump(ws: web.WebSocketResponse, sub) -> None:
    while not ws.closed:
        text = await sub.queue.get()
        if sub.overflowed:
            await ws.close(code=1013, message=b"too far behind; reconnect and catch up by rev")
            return
        await ws.send_str(text)

"""WS /ws/extension: hello/pairing, captures with ack/rejected, commands and progress, known splits."""

from __future__ import annotations

import asyncio
import json
import logging
import re

from aiohttp import WSCloseCode, WSMsgType, web

from companion import PROTOCOL_VERSION, __version__
from companion.core.service import ExtensionConn
from companion.pipeline import ingest
from companion.server.keys import SERVICE, SOCKETS
from companion.server.limits import Limits
from companion.store import known_splits

log = logging.getLogger(__name__)
MAX_FRAME = 64 * 1024 * 1024
INLINE_JSON_LIMIT = 64 * 1024  # larger frames are decoded off the event loop
_TYPE_FIRST = re.compile(r'\s*\{\s*"type"\s*:\s*"([A-Za-z_]{1,32})"')
IN_FLIGHT = 8  # captures per socket being parsed or written at once
CLOSE_BAD_TOKEN = 4401
CLOSE_INCOMPATIBLE = 4400
CLOSE_SILENT = 4408


def _error(code: str, message: str, **extra) -> dict:
    return {"type": "error", "error": code, "message": message, **extra}


async def extension_socket(request: web.Request) -> web.StreamResponse:
    service = request.app[SERVICE]
    allowed = {f"chrome-extension://{i}" for i in service.cfg.extension_ids}
    if request.headers.get("Origin") not in allowed:
        return web.json_response({"error": "forbidden_origin"}, status=403)
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME)
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    send_lock = asyncio.Lock()

    async def send(obj: dict) -> None:
        async with send_lock:
            if not ws.closed:
                await ws.send_str(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))

    async def close(code: int, reason: str) -> None:
        await ws.close(code=code, message=reason.encode())

    conn = ExtensionConn(send=send, close=close)
    slots = asyncio.Semaphore(IN_FLIGHT)
    tasks: set[asyncio.Task] = set()
    async def handle(msg) -> None:
        if msg.type == WSMsgType.TEXT:
            await _on_text(service, conn, msg.data, send, close, slots, tasks)
        elif msg.type == WSMsgType.BINARY:
            await send(_error("malformed", "frames must be JSON text"))
        elif msg.type == WSMsgType.ERROR:
            log.info("extension socket closed: %s", ws.exception())

    try:
        # An upgraded socket has no HTTP deadline left but counts against the connection cap: one that never
        # speaks is closed, so silent sockets cannot hold the cap (the extension says hello at once).
        try:
            first = await ws.receive(timeout=Limits.from_env().header_timeout)
        except TimeoutError:
            await close(CLOSE_SILENT, "no hello in time: connect again and send hello first")
            return ws
        if first.type not in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            await handle(first)
            async for msg in ws:
                await handle(msg)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        service.disconnected(conn)
    return ws


async def _on_text(service, conn: ExtensionConn, data: str, send, close, slots, tasks) -> None:
    if len(data) > INLINE_JSON_LIMIT:
        # A large frame is a capture (its type comes first, as the extension writes it): the parsing
        # process decodes it, so the loop never spends a page's worth of JSON decoding.
        peeked = _TYPE_FIRST.match(data, 0, 256)
        if peeked and peeked.group(1) == "capture":
            await _dispatch_capture(service, conn, data, send, slots, tasks)
            return
    try:
        msg = json.loads(data) if len(data) <= INLINE_JSON_LIMIT else await service.read(json.loads, data)
    except ValueError as exc:
        await send(_error("malformed", f"not valid JSON: {exc}"))
        return
    except RecursionError:  # the socket stays open; a capture is refused for good, by its id
        peeked = _TYPE_FIRST.match(data, 0, 256)
        cid = ingest.peek_id(data[:512].encode()) if peeked and peeked.group(1) == "capture" else None
        await send({"type": "rejected", "id": cid, "error": ingest.TOO_DEEP} if cid
                   else _error("malformed", "the frame's JSON is nested too deeply to read"))
        return
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        await send(_error("malformed", "each frame must be a JSON object with a string 'type'"))
        return
    kind = msg["type"]
    if kind == "hello":
        await _hello(service, conn, msg, send, close)
    elif kind == "pair_request":
        await _pair_request(service, conn, msg, send)
    elif kind == "capture":
        await _dispatch_capture(service, conn, msg, send, slots, tasks)
    elif kind in ("progress", "ping"):
        if not conn.welcomed:
            await send(_error("not_welcomed", f"send hello with a token before {kind!r}"))
        elif kind == "progress":
            service.progress(conn, msg)
        else:
            await send({"type": "pong"})
    elif kind == "known_splits":
        await _known_splits(service, conn, msg, send)
    else:
        await send(_error("unknown_type", f"unknown message type {kind[:64]!r}"))


async def _dispatch_capture(service, conn: ExtensionConn, frame: str | dict, send, slots, tasks) -> None:
    """Up to IN_FLIGHT captures per socket are parsed and written at once; the rest wait to be read."""
    if not conn.welcomed:
        await send(_error("not_welcomed", "send hello with a token before 'capture'"))
        return
    await slots.acquire()
    task = asyncio.create_task(_capture(service, frame, send, slots))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def _hello(service, conn: ExtensionConn, msg: dict, send, close) -> None:
    if msg.get("protocol") != PROTOCOL_VERSION:
        await send({"type": "incompatible", "protocol": PROTOCOL_VERSION, "app_version": __version__,
                    "message": f"this shoptally speaks protocol {PROTOCOL_VERSION}; update the older side"})
        await close(CLOSE_INCOMPATIBLE, "incompatible protocol")
        return
    conn.extension_version = str(msg.get("extension_version") or "")[:32]
    if not await service.hello(conn, msg.get("token")):
        await close(CLOSE_BAD_TOKEN, "token not accepted: pair the extension again")
        return
    # with the seller's settings the extension acts on (what Sync Settlement walks, the 1688 modes)
    settings = (await service.extension_settings())["settings"]
    await send({"type": "welcome", "protocol": PROTOCOL_VERSION, "app_version": __version__, "settings": settings})


async def _pair_request(service, conn: ExtensionConn, msg: dict, send) -> None:
    if conn.welcomed:
        await send(_error("already_paired", "this connection is already welcomed"))
        return
    # never refused: a flood of other requests cannot keep the seller's extension out (core/pairing_requests.py)
    code = service.request_pair(conn, str(msg.get("name") or "browser"))
    await send({"type": "pair_pending", "code": code})


async def _known_splits(service, conn: ExtensionConn, msg: dict, send) -> None:
    """Which of a list page's orders already have their fee split stored: the sync fetches only the others."""
    cid = msg.get("id") if isinstance(msg.get("id"), str) and 1 <= len(msg["id"]) <= 64 else None
    if not conn.welcomed:
        await send(_error("not_welcomed", "send hello with a token before 'known_splits'", id=cid))
        return
    try:
        if cid is None:
            raise known_splits.BadRequest("id must be a string of 1 to 64 characters")
        site, status, refs = known_splits.check(msg.get("site"), msg.get("status"), msg.get("references"))
    except known_splits.BadRequest as exc:
        await send(_error("malformed", str(exc), id=cid))
        return
    try:
        found = await service.read(known_splits.known, site, status, refs)
    except Exception as exc:  # answered all the same: the extension must not wait for an answer that never comes
        log.exception("known splits %s could not be read", cid)
        await send(_error("internal", f"known splits could not be read: {exc.__class__.__name__}", id=cid))
        return
    await send({"type": "known_splits", "id": cid, "references": found})


async def _capture(service, frame: str | dict, send, slots: asyncio.Semaphore) -> None:
    cid = frame.get("id") if isinstance(frame, dict) and isinstance(frame.get("id"), str) else None
    try:
        out = await service.ingest_capture(frame)
    except ingest.MalformedFrame as exc:
        await send(_error("malformed", str(exc)))
        return
    except ingest.CaptureError as exc:
        await send({"type": "rejected", "id": exc.capture_id or cid, "error": str(exc)})
        return
    except Exception as exc:  # a database failure must not go unanswered: the extension keeps it queued
        log.exception("capture %s could not be stored", cid)
        await send(_error("internal", f"capture could not be stored: {exc.__class__.__name__}", id=cid))
        return
    finally:
        slots.release()
    if out.outcome == "error":
        await send({"type": "rejected", "id": out.capture_id, "error": out.message})
        return
    ack = {"type": "ack", "id": out.capture_id, "added": out.added, "updated": out.updated,
           "skipped": out.skipped, "outcome": out.outcome}
    if out.duplicate:
        ack["duplicate"] = True
    await send(ack)


__all__ = ["extension_socket", "WSCloseCode"]

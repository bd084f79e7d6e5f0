"""WS /ws/extension: hello/pairing, captures with ack/rejected, commands and progress, known splits."""

from __future__ import annotations

import asyncio
import json
import logging
import re

from aiohttp import WSCloseCode, WSMsgType, web

from companion import PROTOCOL_VERSION, __version__
from companion.core.service import ExtensionConn
from companion.errors import ShoptallyError, plain_params, render
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


def _error(error: str, code: str, params: dict | None = None, **extra) -> dict:
    """A protocol error: `error` is its kind (the extension acts on it), `message` the English sentence and
    `code`/`params` the catalog's (companion/server/static/messages.json), so it can be said in Chinese too."""
    params = plain_params(params)
    return {"type": "error", "error": error, "message": render(code, params), "code": code, "params": params,
            **extra}


def _refused(error: str, exc: ShoptallyError, **extra) -> dict:
    return {"type": "error", "error": error, "message": str(exc), "code": exc.code, "params": exc.params, **extra}


def _rejected(capture_id: str | None, message: str, code: str = "", params: dict | None = None) -> dict:
    """A capture refused for good; with its catalog code when it has one."""
    out = {"type": "rejected", "id": capture_id, "error": message}
    if code:
        out.update(code=code, params=plain_params(params))
    return out


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
            await send(_error("malformed", "server_frame_not_text"))
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
        await send(_error("malformed", "import_frame_not_json", {"detail": str(exc)}))
        return
    except RecursionError:  # the socket stays open; a capture is refused for good, by its id
        peeked = _TYPE_FIRST.match(data, 0, 256)
        cid = ingest.peek_id(data[:512].encode()) if peeked and peeked.group(1) == "capture" else None
        await send(_rejected(cid, render("import_capture_too_deep", {}), "import_capture_too_deep") if cid
                   else _error("malformed", "server_frame_too_deep"))
        return
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        await send(_error("malformed", "server_frame_no_type"))
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
            await send(_error("not_welcomed", "server_hello_first", {"kind": kind}))
        elif kind == "progress":
            service.progress(conn, msg)
        else:
            await send({"type": "pong"})
    elif kind == "known_splits":
        await _known_splits(service, conn, msg, send)
    else:
        await send(_error("unknown_type", "server_type_unknown", {"kind": kind[:64]}))


async def _dispatch_capture(service, conn: ExtensionConn, frame: str | dict, send, slots, tasks) -> None:
    """Up to IN_FLIGHT captures per socket are parsed and written at once; the rest wait to be read."""
    if not conn.welcomed:
        await send(_error("not_welcomed", "server_hello_first", {"kind": "capture"}))
        return
    await slots.acquire()
    task = asyncio.create_task(_capture(service, frame, send, slots))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def _hello(service, conn: ExtensionConn, msg: dict, send, close) -> None:
    if msg.get("protocol") != PROTOCOL_VERSION:
        said = {"protocol": PROTOCOL_VERSION}
        await send({"type": "incompatible", "protocol": PROTOCOL_VERSION, "app_version": __version__,
                    "message": render("server_protocol_other", said), "code": "server_protocol_other",
                    "params": said})
        await close(CLOSE_INCOMPATIBLE, "incompatible protocol")
        return
    conn.extension_version = str(msg.get("extension_version") or "")[:32]
    if not await service.hello(conn, msg.get("token")):
        await close(CLOSE_BAD_TOKEN, "token not accepted: pair the extension again")
        return
    # with the seller's settings the extension acts on (what Sync Settlement walks, the 1688 modes)
    settings = (await service.extension_settings())["settings"]
    await send({"type": "welcome", "protocol": PROTOCOL_VERSION, "app_version": __version__, "settings": settings})
    await service.redeliver(conn)


async def _pair_request(service, conn: ExtensionConn, msg: dict, send) -> None:
    if conn.welcomed:
        await send(_error("already_paired", "server_already_welcomed"))
        return
    # never refused: a flood of other requests cannot keep the seller's extension out (core/pairing_requests.py)
    code = service.request_pair(conn, str(msg.get("name") or "browser"))
    await send({"type": "pair_pending", "code": code})


async def _known_splits(service, conn: ExtensionConn, msg: dict, send) -> None:
    """Which of a list page's orders already have their fee split stored: the sync fetches only the others."""
    cid = msg.get("id") if isinstance(msg.get("id"), str) and 1 <= len(msg["id"]) <= 64 else None
    if not conn.welcomed:
        await send(_error("not_welcomed", "server_hello_first", {"kind": "known_splits"}, id=cid))
        return
    try:
        if cid is None:
            raise known_splits.BadRequest.of("server_splits_id")
        site, status, refs = known_splits.check(msg.get("site"), msg.get("status"), msg.get("references"))
    except known_splits.BadRequest as exc:
        await send(_refused("malformed", exc, id=cid))
        return
    try:
        found = await service.read(known_splits.known, site, status, refs)
    except Exception as exc:  # answered all the same: the extension must not wait for an answer that never comes
        log.exception("known splits %s could not be read", cid)
        await send(_error("internal", "server_splits_unread", {"reason": exc.__class__.__name__}, id=cid))
        return
    await send({"type": "known_splits", "id": cid, "references": found})


async def _capture(service, frame: str | dict, send, slots: asyncio.Semaphore) -> None:
    cid = frame.get("id") if isinstance(frame, dict) and isinstance(frame.get("id"), str) else None
    try:
        out = await service.ingest_capture(frame)
    except ingest.MalformedFrame as exc:
        await send(_refused("malformed", exc))
        return
    except ingest.CaptureError as exc:
        await send(_rejected(exc.capture_id or cid, str(exc), exc.code, exc.params))
        return
    except Exception as exc:  # a database failure must not go unanswered: the extension keeps it queued
        log.exception("capture %s could not be stored", cid)
        await send(_error("internal", "server_capture_unstored", {"reason": exc.__class__.__name__}, id=cid))
        return
    finally:
        slots.release()
    if out.outcome == "error":
        await send(_rejected(out.capture_id, out.message, out.code, out.params))
        return
    ack = {"type": "ack", "id": out.capture_id, "added": out.added, "updated": out.updated,
           "skipped": out.skipped, "outcome": out.outcome}
    if out.duplicate:
        ack["duplicate"] = True
    await send(ack)


__all__ = ["extension_socket", "WSCloseCode"]

"""What one local program may hold of the daemon's HTTP server: a cap on open connections, and deadlines for a
request's head and body. aiohttp has its own idle timeout (`keepalive_timeout`) and head size limits, which
`handler_args` sets; the cap and the two deadlines it lacks are here, wrapped around each connection's
aiohttp protocol (`GuardedSite`) with one middleware that says when a request's head has been read.

- Cap: over `max_connections` open connections, a new one is answered 429 and closed at once; the open ones
  (the Finance view's and the extension's WebSockets among them) are left alone.
- Head: a request head must be complete `header_timeout` seconds after its first byte (after the connection
  opens, for the first request), or the connection is closed.
- Body: a request body gets `body_timeout` seconds, plus one second for every BODY_MIN_RATE bytes that
  arrive; a body that trickles slower is cut, and the handler reading it answers 408. Time the daemon itself
  is not reading (its buffer is full) does not count against the client.
- Idle: aiohttp closes a connection that sends no new request for `idle_timeout` seconds.

A WebSocket is a request whose handler runs for the socket's life: once its upgrade head is read, no deadline
applies to it; it counts against the cap while it is open.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from companion.errors import ShoptallyError, TooMany

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 256  # SHOPTALLY_MAX_CONNECTIONS
HEADER_TIMEOUT = 10.0  # seconds, SHOPTALLY_HEADER_TIMEOUT
BODY_TIMEOUT = 30.0  # seconds, SHOPTALLY_BODY_TIMEOUT
IDLE_TIMEOUT = 30.0  # seconds, SHOPTALLY_IDLE_TIMEOUT
BODY_MIN_RATE = 64 * 1024  # bytes that buy a body one more second
MAX_LINE = 8190  # bytes of the request line and of one header (aiohttp's default, said here)
BACKLOG = 128


class BodyTimeout(ShoptallyError, TimeoutError):
    """A request body that did not arrive in time: a bad request (its kind), answered 408. Not a ValueError, so
    no handler takes it for bad JSON; a TimeoutError, so aiohttp closes the connection quietly after the
    handler's answer instead of waiting for the rest of the body."""

    status, exit_code, kind = 408, 2, "bad_input"


@dataclass(frozen=True)
class Limits:
    max_connections: int = MAX_CONNECTIONS
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        return cls(max_connections=int(_positive(env, "SHOPTALLY_MAX_CONNECTIONS", MAX_CONNECTIONS)),
                   header_timeout=_positive(env, "SHOPTALLY_HEADER_TIMEOUT", HEADER_TIMEOUT),
                   body_timeout=_positive(env, "SHOPTALLY_BODY_TIMEOUT", BODY_TIMEOUT),
                   idle_timeout=_positive(env, "SHOPTALLY_IDLE_TIMEOUT", IDLE_TIMEOUT))

    def handler_args(self) -> dict:
        """aiohttp's own limits, for `web.AppRunner(..., **limits.handler_args())`."""
        return {"keepalive_timeout": self.idle_timeout, "max_line_size": MAX_LINE, "max_field_size": MAX_LINE}


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e9:
        log.warning("%s=%r is not a positive number; using %s", name, text, default)
        return default
    return value


def _answer(status: int, reason: str, error: ShoptallyError) -> bytes:
    """A whole HTTP answer written before aiohttp has a request: the error's JSON and the security headers."""
    body = json.dumps(error.json()).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\nRetry-After: 1\r\n"
            "X-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
            "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n")
    return head.encode() + body


class Gate:
    """The open connections of one server and the middleware that tells each when its request was read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: dict[object, _Connection] = {}  # aiohttp's protocol of each admitted connection → ours
        self.refused = 0
        self._full = False
        self.refusal = _answer(429, "Too Many Requests", TooMany(
            f"shoptally has {limits.max_connections} connections open, its limit "
            "(SHOPTALLY_MAX_CONNECTIONS); try again when some have closed"))

        @web.middleware
        async def request_read(request: web.Request, handler):
            conn = self.open.get(request.protocol)
            if conn is None:
                return await handler(request)
            conn.request_started(request)
            try:
                return await handler(request)
            finally:
                conn.request_ended()

        self.middleware = request_read

    def admit(self) -> bool:
        if len(self.open) < self.limits.max_connections:
            if self._full:
                self._full = False
                log.warning("connections below the limit again; %d were refused", self.refused)
            return True
        self.refused += 1
        if not self._full:
            self._full = True
            log.warning("%d connections are open, the limit (SHOPTALLY_MAX_CONNECTIONS): new ones are refused",
                        len(self.open))
        return False


_HEAD, _REQUEST, _IDLE = "head", "request", "idle"


class _Connection(asyncio.Protocol):
    """One accepted connection in front of aiohttp's protocol for it (`inner`), which does all the HTTP."""

    def __init__(self, gate: Gate, make_inner) -> None:
        self.gate = gate
        self.make_inner = make_inner
        self.inner = None  # None: refused, or not yet made
        self.transport: asyncio.Transport | None = None
        self.state = _HEAD
        self.deadline = 0.0
        self.timer: asyncio.TimerHandle | None = None
        self.body: web.Request | None = None  # the request whose body is on a deadline

    # asyncio.Protocol ---------------------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport
        if not self.gate.admit():
            transport.write(self.gate.refusal)
            transport.close()
            return
        self.inner = self.make_inner()
        self.gate.open[self.inner] = self
        self.inner.connection_made(transport)
        self._head_deadline()

    def data_received(self, data: bytes) -> None:
        if self.inner is None:
            return
        if self.state == _IDLE:
            self._head_deadline()
        elif self.body is not None:
            self.deadline += len(data) / BODY_MIN_RATE
        self.inner.data_received(data)

    def eof_received(self):
        return self.inner.eof_received() if self.inner is not None else None

    def connection_lost(self, exc) -> None:
        self._stop_timer()
        self.body = None
        if self.inner is not None:
            self.gate.open.pop(self.inner, None)
            self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    # the request's progress, from the middleware --------------------------------------------------------
    def request_started(self, request: web.Request) -> None:
        self.state = _REQUEST
        self._stop_timer()
        if request.body_exists and not request.content.is_eof():
            self.body = request
            self._arm(self.gate.limits.body_timeout)

    def request_ended(self) -> None:
        self.state = _IDLE  # aiohttp's idle timeout runs now; the next byte starts a head deadline
        self.body = None
        self._stop_timer()

    # deadlines --------------------------------------------------------------------------------------
    def _head_deadline(self) -> None:
        self.state = _HEAD
        self._arm(self.gate.limits.header_timeout)

    def _arm(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + seconds
        if self.timer is None:
            self.timer = loop.call_at(self.deadline, self._check)

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _check(self) -> None:
        self.timer = None
        loop = asyncio.get_running_loop()
        if self.inner is None or self.transport is None or self.transport.is_closing():
            return
        if self.state == _HEAD:
            if loop.time() < self.deadline:
                self.timer = loop.call_at(self.deadline, self._check)
                return
            log.debug("closing a connection whose request head took over %ss", self.gate.limits.header_timeout)
            self.inner.force_close()
        elif self.body is not None:
            if self.body.content.is_eof():
                self.body = None
                return
            if not self.transport.is_reading():  # the daemon's buffer is full: the client is not the slow one
                self.deadline = max(self.deadline, loop.time() + 1)
            if loop.time() < self.deadline:
                self.timer = loop.call_at(self.deadline, self._check)
                return
            log.debug("cutting a request body that arrived slower than the limits")
            self.body.content.set_exception(BodyTimeout(
                f"the request body did not arrive in time (SHOPTALLY_BODY_TIMEOUT is {self.gate.limits.body_timeout:g} "
                f"s, plus a second for each {BODY_MIN_RATE // 1024} KiB)"))
            self.body = None


class GuardedSite(web.BaseSite):
    """`web.SockSite` with each connection behind the gate: `await GuardedSite(runner, sock, gate).start()`.
    The runner's app needs `gate.middleware` first among its middlewares (`install`)."""

    def __init__(self, runner: web.BaseRunner, sock: socket.socket, gate: Gate) -> None:
        super().__init__(runner, backlog=BACKLOG)
        self._sock = sock
        self._gate = gate

    @property
    def name(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None, "runner.setup() comes first"
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _Connection(self._gate, server), sock=self._sock, backlog=self._backlog)


def install(app: web.Application, gate: Gate) -> None:
    """The gate's middleware before the app's own (before `runner.setup()`, which freezes the app)."""
    app.middlewares.insert(0, gate.middleware)

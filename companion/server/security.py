"""Localhost servers are attacked through the browser: Host, Origin and same-origin checks live here."""

from __future__ import annotations

from aiohttp import web

from companion.errors import NotSignedIn
from companion.server.keys import PORT, SERVICE

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset(f"{h}:{port}" for h in LOCAL_HOSTS)


def own_origins(port: int) -> frozenset[str]:
    return frozenset({f"http://127.0.0.1:{port}", f"http://localhost:{port}", f"http://[::1]:{port}"})


def port_of(request: web.Request) -> int:
    return request.app[PORT]()


@web.middleware
async def host_guard(request: web.Request, handler):
    """DNS-rebinding defence: any Host but our own loopback name and port gets 400, upgrades included."""
    if request.headers.get("Host", "").lower() not in allowed_hosts(port_of(request)):
        return web.json_response({"error": "bad_host", "message": "this server answers only on 127.0.0.1"},
                                 status=400)
    return await handler(request)


def bearer_ok(request: web.Request) -> bool:
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        return False
    return request.app[SERVICE].token_ok(auth[len("Bearer "):].strip())


def session_cookie(port: int) -> str:
    """The session cookie's name. Browsers keep cookies per host, not per port: two daemons on 127.0.0.1 (the
    demo beside the seller's own) each need their own name, or signing in to one signs out the other."""
    return f"shoptally-session-{port}"


def session_ok(request: web.Request) -> bool:
    return request.app[SERVICE].session_ok(request.cookies.get(session_cookie(port_of(request))))


def signed_in(request: web.Request) -> bool:
    """Proof of the seller: the data dir's token (CLI, tray, scripts) or the Finance view's session cookie."""
    return bearer_ok(request) or session_ok(request)


def same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in own_origins(port_of(request))
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


# Endpoints that take a file's bytes as the body. application/octet-stream, like JSON, is not a content type a
# web page can send to another origin without a preflight, so it keeps the same protection.
RAW_UPLOADS = frozenset({"/api/backup/upload"})
OPEN_PATHS = frozenset({"/api/ping"})  # reveals nothing: any page may ask whether shoptally runs
PROOF_NEEDED = "sign in first: open the Finance view from the tray menu or with `shoptally open`"


def needs_proof(path: str) -> bool:
    return (path.startswith("/api/") and path not in OPEN_PATHS) or path == "/ws/events"


@web.middleware
async def signin_guard(request: web.Request, handler):
    """Reads are guarded like changes: another user or program of this machine can reach 127.0.0.1 as well as
    the seller can, so every API call and the events socket need the token or the view's session. The page
    itself and its static files hold no data; /ws/extension has its own pairing (extension_ws.py)."""
    if needs_proof(request.path) and not signed_in(request):
        return web.json_response(NotSignedIn(PROOF_NEEDED).json(), status=NotSignedIn.status)
    return await handler(request)


@web.middleware
async def csrf_guard(request: web.Request, handler):
    """State-changing API calls: the local token (CLI) or a same-origin page (the Finance view) only. Reads
    that another site's page sends (an <img> or a link to an export) are refused too: they could not read the
    answer, but they could make the daemon build a large export again and again."""
    if request.path.startswith("/api/") and request.path not in OPEN_PATHS \
            and request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site") and not bearer_ok(request):
        return web.json_response(
            {"error": "forbidden", "message": "the daemon answers only the Finance view and the CLI"}, status=403)
    if request.method not in SAFE_METHODS and request.path.startswith("/api/"):
        if not (bearer_ok(request) or same_origin(request)):
            return web.json_response(
                {"error": "forbidden", "message": "changes are accepted only from the Finance view or the CLI"},
                status=403)
        binary = request.path in RAW_UPLOADS and request.content_type == "application/octet-stream"
        if request.content_type != "application/json" and not binary:
            return web.json_response({"error": "bad_request", "message": "send JSON (application/json)"},
                                     status=415)
    return await handler(request)


def origin_allowed(request: web.Request, allowed: frozenset[str] | set[str]) -> bool:
    return request.headers.get("Origin") in allowed


# Clickjacking and friends: no page may frame ours, and the Finance view runs only its own files. The view is
# plain same-origin modules and one stylesheet (no inline script, style or event handler), talks JSON with
# fetch and listens on /ws/events, so everything it needs is 'self' plus this daemon's own ws:// origin.
def content_security_policy(request: web.BaseRequest) -> str:
    own_ws = ""
    host = request.headers.get("Host", "").lower()
    if host in allowed_hosts(port_of(request)) and not host.startswith("["):  # CSP has no syntax for [::1]
        own_ws = f" ws://{host}"  # 'self' covers it in current Chromium; named too, for older engines
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            f"connect-src 'self'{own_ws}; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-src 'none'; frame-ancestors 'none'")


async def security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """on_response_prepare: every answer (pages, static files, JSON, errors, refusals, WebSocket upgrades)."""
    headers = response.headers
    headers["X-Frame-Options"] = "DENY"
    headers["Content-Security-Policy"] = content_security_policy(request)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"

"""Signing the browser in: `/?token=…` (the link the tray, `shoptally open` and `shoptally serve` give) becomes an
HttpOnly, SameSite=Strict session cookie, and the address bar loses the token at once."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from companion.server.keys import SERVICE
from companion.server.security import port_of, session_cookie, signed_in

STATIC = Path(__file__).with_name("static")
SESSION_DAYS = 30  # then the seller opens the view once more from the tray or with `shoptally open`
NO_CACHE = {"Cache-Control": "no-store"}


async def index(request: web.Request) -> web.StreamResponse:
    """The Finance view for a signed-in browser; a page saying how to sign in for any other."""
    token = request.query.get("token")
    if token is not None:
        return sign_in(request, token)
    if not signed_in(request):
        return web.FileResponse(STATIC / "signed-out.html", status=401, headers=NO_CACHE)
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def sign_in(request: web.Request, token: str) -> web.StreamResponse:
    service = request.app[SERVICE]
    if not service.token_ok(token):
        return web.FileResponse(STATIC / "signed-out.html", status=403, headers=NO_CACHE)
    rest = [(k, v) for k, v in request.query.items() if k != "token"]  # the view's filters and tab stay
    response = web.Response(status=303, headers={**NO_CACHE, "Location": "/" + (f"?{urlencode(rest)}" if rest else "")})
    response.set_cookie(session_cookie(port_of(request)), service.view_session(), path="/", httponly=True,
                        samesite="Strict", max_age=SESSION_DAYS * 24 * 3600)
    return response


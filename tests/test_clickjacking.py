"""Issue #13, item 1: no other site may frame the Finance view, the view runs under a strict content security
policy, and nothing in its URL opens or runs an action that deletes or replaces data. The browser half (the
frame refused, `/#reset` opening nothing, the view working under the policy) is
tests/browser/test_no_reset_from_url.py."""

from __future__ import annotations

import re

import pytest

from companion.server.app import STATIC
from tests.support.app import get
from tests.support.builders import view_headers


def policy(resp) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive → sources."""
    out = {}
    for part in resp.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in out, f"{name} twice"
        out[name] = sources
    return out


def assert_guarded(resp, port: int) -> None:
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    csp = policy(resp)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]  # no 'unsafe-inline', no eval
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"] and csp["frame-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"] and csp["img-src"] == ["'self'", "data:"]
    # The view's live updates: its own ws:// origin, this port only (never ws://*:* or another local port).
    assert csp["connect-src"] in (["'self'", f"ws://127.0.0.1:{port}"], ["'self'"])


@pytest.mark.parametrize("path, status", [
    ("/", 200),  # the Finance view
    ("/static/finance.js", 200),  # a static file
    ("/static/finance.css", 200),
    ("/api/status", 200),  # a JSON answer
    ("/api/report?account=Nobody", 404),  # an error answer of the API
    ("/no/such/page", 404),  # the router's own 404
    ("/static/nothing.js", 404),
    ("/ws/events", 403),  # a WebSocket upgrade refused (no Origin of ours)
])
async def test_every_answer_refuses_framing(client, path, status):
    resp = await get(client, path, status)
    assert_guarded(resp, client.port)
    assert policy(resp)["connect-src"] == ["'self'", f"ws://127.0.0.1:{client.port}"]


async def test_refusals_and_upgrades_carry_the_headers_too(client):
    # DNS rebinding refused by the Host guard: no ws:// source is made from a Host that is not ours.
    resp = await client.get("/", headers={"Host": f"evil.example:{client.port}"})
    assert resp.status == 400
    assert_guarded(resp, client.port)
    assert "evil" not in resp.headers["Content-Security-Policy"]
    assert policy(resp)["connect-src"] == ["'self'"]
    # A change from another origin refused by the CSRF guard.
    resp = await client.post("/api/reset", json={"all": True},
                             headers={"Host": f"127.0.0.1:{client.port}", "Origin": "http://evil.example"})
    assert resp.status == 403
    assert_guarded(resp, client.port)
    # The upgrade the view makes (101).
    ws = await client.ws_connect("/ws/events", headers=view_headers(client.port))
    try:
        assert_guarded(ws._response, client.port)
    finally:
        await ws.close()
    # localhost is ours too: the view loaded there listens on ws://localhost:port.
    resp = await client.get("/", headers={"Host": f"localhost:{client.port}"})
    assert resp.status == 200
    assert policy(resp)["connect-src"] == ["'self'", f"ws://localhost:{client.port}"]


def test_the_view_needs_nothing_the_policy_refuses():
    """No inline script, style or event handler in the page, and no code the policy would block in its modules:
    under script-src/style-src 'self' they would silently stop working."""
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert "<style" not in page
    assert re.findall(r"\s(on[a-z]+|style)\s*=", page) == [], "inline handlers and style attributes are blocked"
    assert "javascript:" not in page
    for js in STATIC.glob("*.js"):
        code = js.read_text(encoding="utf-8")
        for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function", "setAttribute(\"on",
                    "setAttribute(\"style\"", "cssText", "document.write"):
            assert bad not in code, f"{js.name}: {bad}"


def test_no_destructive_action_from_the_url():
    """What the view does with its URL (hash or query) selects tabs and filters; it never clicks, opens a
    dialog or posts anything (the browser test opens /#reset for real)."""
    code = (STATIC / "finance.js").read_text(encoding="utf-8")
    url_lines = [line for line in code.splitlines() if re.search(r"location\.(hash|search|href)", line)]
    assert url_lines, "finance.js reads its URL somewhere"
    for line in url_lines:
        assert not re.search(r"\.click\(|showModal|\.show\(|post\(|fetch\(|confirm\(|getJSON", line), line
    for js in STATIC.glob("*.js"):
        if js.name != "finance.js":
            assert not re.search(r"location\.(hash|search)|hashchange", js.read_text(encoding="utf-8")), js.name

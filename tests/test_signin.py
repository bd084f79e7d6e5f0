"""Reads need proof of the seller: another program or user of this machine reaches 127.0.0.1 as well as the
seller does, so every API call and the events socket need the data dir's token or the Finance view's session,
which the sign-in link (tray, `shoptally open`, `shoptally serve`) gives a browser as an HttpOnly cookie."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import select
import signal
import stat
import subprocess
import time
import urllib.error
import urllib.request

import aiohttp
import pytest
from websockets.asyncio.client import connect

from companion.store import app_settings
from tests.support import REPO, TOKEN
from tests.support.daemon import PROGRAM, Daemon, clean_env, cli, next_event

REFUSAL = {"error": "refused", "kind": "not_signed_in", "code": "not_signed_in", "params": {},
           "message": "sign in first: open the Finance view from the tray menu or with `shoptally open`"}


def api_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) the daemon answers under /api/ (placeholders filled in) and the events socket."""
    found = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method in ("GET", "POST", "DELETE", "PUT") and (path.startswith("/api/") or path == "/ws/events"):
            found.add((route.method, re.sub(r"\{[^}]+\}", "x", path)))
    return sorted(found)


async def test_every_read_and_change_needs_the_token_or_the_session(client, stranger):
    routes = api_routes(client.server.app)
    assert len(routes) >= 40 and ("GET", "/api/report") in routes and ("GET", "/ws/events") in routes
    # a local program can forge any header a browser would send: Origin, Sec-Fetch-Site, a cookie of its own
    forged = {"Origin": f"http://127.0.0.1:{client.port}", "Sec-Fetch-Site": "same-origin",
              "Cookie": f"shoptally-session-{client.port}={TOKEN}"}
    for method, path in routes:
        if path == "/api/ping":
            continue
        resp = await stranger.request(method, path, headers=forged, json={} if method != "GET" else None)
        assert (resp.status, await resp.json()) == (401, REFUSAL), (method, path)
    assert (await stranger.get("/api/ping")).status == 200  # reveals only that shoptally runs
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await stranger.ws_connect("/ws/events", headers={"Origin": f"http://127.0.0.1:{client.port}"})
    assert refused.value.status == 401
    # the token (CLI, scripts) and the view's session (the `client` fixture signed in) each suffice
    assert (await stranger.get("/api/report", headers={"Authorization": f"Bearer {TOKEN}"})).status == 200
    assert (await stranger.get("/api/report", headers={"Authorization": "Bearer wrong"})).status == 401
    assert (await client.get("/api/report")).status == 200
    ws = await client.ws_connect("/ws/events", headers={"Origin": f"http://127.0.0.1:{client.port}"})
    assert (await ws.receive_json(timeout=30))["event"] == "hello"
    await ws.close()


async def test_the_sign_in_link_sets_an_httponly_strict_cookie_and_drops_the_token(stranger, service):
    # without a session the page says how to sign in, and shows nothing of the seller's
    page = await stranger.get("/")
    text = await page.text()
    assert page.status == 401 and "shoptally open" in text and "Open Finance" in text and "<script" not in text
    assert (await stranger.get("/static/finance.js")).status == 200  # code, no data
    wrong = await stranger.get("/?token=not-the-token", allow_redirects=False)
    assert wrong.status == 403 and "Set-Cookie" not in wrong.headers
    assert (await stranger.get("/api/status")).status == 401

    signed = await stranger.get(f"/?token={TOKEN}&period=2025-10&tab=settings", allow_redirects=False)
    assert signed.status == 303 and signed.headers["Location"] == "/?period=2025-10&tab=settings"
    assert signed.headers["Cache-Control"] == "no-store"
    cookie = signed.headers["Set-Cookie"]
    name, _, rest = cookie.partition("=")
    value = rest.partition(";")[0]
    assert name == f"shoptally-session-{stranger.port}"
    assert value == service.view_session() and len(value) == 64 and TOKEN not in cookie
    attributes = {a.strip().partition("=")[0].lower(): a.strip().partition("=")[2] for a in cookie.split(";")[1:]}
    assert attributes == {"httponly": "", "samesite": "Strict", "path": "/", "max-age": str(30 * 24 * 3600)}
    # the browser keeps it: the page and every read now answer
    assert (await stranger.get("/")).status == 200
    assert (await stranger.get("/api/status")).status == 200

    # a changed cookie, or one with another daemon's name, proves nothing
    for bad in ({name: value[:-1] + ("0" if value[-1] != "0" else "1")}, {"shoptally-session-1": value}):
        stranger.session.cookie_jar.clear()
        stranger.session.cookie_jar.update_cookies(bad)
        assert (await stranger.get("/api/status")).status == 401, bad


async def test_the_storage_password_is_never_shown(client, service):
    target = "webdavs://seller:s3cr%40t-pass@dav.example.com/shoptally/"
    subs = service.bus.subscribe()
    try:
        saved = await client.post("/api/settings", json={"cloud_target": target},
                                  headers={"Origin": f"http://127.0.0.1:{client.port}"})
        shown = "webdavs://seller:••••••@dav.example.com/shoptally/"
        assert (await saved.json())["settings"]["cloud_target"] == shown
        assert json.loads(subs.queue.get_nowait())["settings"]["cloud_target"] == shown  # the event too
        got = await client.get("/api/settings")
        assert (await got.json())["settings"]["cloud_target"] == shown
        assert "s3cr" not in await got.text()
        assert (await service.read(app_settings.get_all))["cloud_target"] == target
        # the view sends back what it was shown: the stored password stays; a new address replaces it
        await client.post("/api/settings", json={"cloud_target": shown},
                          headers={"Origin": f"http://127.0.0.1:{client.port}"})
        assert (await service.read(app_settings.get_all))["cloud_target"] == target
        assert app_settings.keep_password(shown, target) == target
        assert app_settings.keep_password("webdavs://seller:••••••@other.example.com/", target) == \
            "webdavs://seller:••••••@other.example.com/"
        assert app_settings.hide_password("s3://bucket/prefix") == "s3://bucket/prefix"
    finally:
        service.bus.unsubscribe(subs)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_shoptally_open_signs_a_browser_in_and_files_stay_private(db_url, tmp_path):
    data = tmp_path / "data"
    db_url = None if db_url.startswith("sqlite") else db_url  # SQLite: the database file in the data dir
    data.mkdir(mode=0o755)
    (data / "backups").mkdir(mode=0o755)
    old = data / "backups" / "older.shoptally-backup"  # left readable by an earlier version
    old.write_bytes(b"x")
    old.chmod(0o644)
    with Daemon(data, db_url) as d:
        printed = cli(data, db_url, "open", "--print")
        assert printed.code == 0, printed.err
        link = printed.out.strip()
        assert link == f"http://127.0.0.1:{d.port}/?token={d.token}"
        try:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{d.base}/api/status", timeout=10)
            raise AssertionError("read without proof")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))
        with browser.open(link, timeout=10) as landed:
            assert landed.url == f"{d.base}/" and b"Finance" in landed.read()
        with browser.open(f"{d.base}/api/status", timeout=10) as status:
            assert status.status == 200
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        async with connect(f"ws://127.0.0.1:{d.port}/ws/events", origin=d.base, proxy=None,
                           additional_headers={"Cookie": cookie}) as ws:
            assert json.loads(await ws.recv())["event"] == "hello"
            d.fetch("/api/settings", "POST", {"order_sync_mode": "pending"})
            assert (await next_event(ws, "settings.updated"))["settings"]["order_sync_mode"] == "pending"
        made = cli(data, db_url, "backup", "create")
        assert made.code == 0, made.err
        backups = sorted((data / "backups").iterdir())
        assert len(backups) == 2
        assert {p.name: _mode(p) for p in backups} == {p.name: 0o600 for p in backups}
        assert (_mode(data), _mode(data / "backups"), _mode(data / "token"), _mode(data / "daemon.json")) == \
            (0o700, 0o700, 0o600, 0o600)
        if not db_url:  # SQLite in the data dir
            assert _mode(data / "shoptally.db") == 0o600
    none = cli(data, db_url, "open", "--print")
    assert none.code == 1 and "not running" in none.err and "token" not in none.err


def test_serve_prints_the_sign_in_link_on_a_terminal_only(tmp_path):
    data = tmp_path / "data"
    master, slave = os.openpty()
    proc = subprocess.Popen([*PROGRAM, "serve", "--port", "0", "--no-tray", "--no-scheduler", "--data-dir",
                             str(data)], cwd=REPO, env=clean_env(), stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE)
    os.close(slave)
    try:
        seen, deadline = b"", time.monotonic() + 30
        while b"Open the Finance view: " not in seen or not seen.endswith(b"\n"):
            assert time.monotonic() < deadline and proc.poll() is None, seen
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 4096)
        token = (data / "token").read_text().strip()
        port = json.loads((data / "daemon.json").read_text())["port"]
        assert seen.decode().strip().splitlines()[-1] == f"Open the Finance view: http://127.0.0.1:{port}/?token={token}"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, log = proc.communicate(timeout=20)
        os.close(master)
    assert token.encode() not in log  # the log (stderr) names the address only
    assert f"listening on http://127.0.0.1:{port}/".encode() in log

"""CLI → running daemon: found through daemon.json, authenticated with the data dir's token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from companion.config import Config, read_daemon_info, read_token
from companion.errors import ShoptallyError, Unavailable


class DaemonUnavailable(Unavailable):
    """The daemon stopped answering mid-call."""


class DaemonRefused(ShoptallyError):
    """The daemon answered with an error: its status, and the exit code that status has (companion/errors.py),
    so a command exits the same with or without a daemon."""

    def __init__(self, message: str, status: int, kind: str = "") -> None:
        super().__init__(message, status)
        self.kind = kind or self.kind


def running_daemon(cfg: Config) -> str | None:
    """The base URL of the daemon serving this data dir, or None when none answers."""
    info = read_daemon_info(cfg)
    if not info:
        return None
    base = f"http://127.0.0.1:{info['port']}"
    try:
        with urllib.request.urlopen(f"{base}/api/ping", timeout=3) as resp:
            ping = json.load(resp)
    except (OSError, ValueError):
        return None
    return base if ping.get("app") == "shoptally" else None


def call(cfg: Config, base: str, method: str, path: str, body: dict | None = None, timeout: float = 600) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}{path}", data=data, method=method)
    req.add_header("Authorization", f"Bearer {read_token(cfg)}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:
        try:
            answer = json.load(exc)
        except ValueError:
            answer = {}
        raise DaemonRefused(answer.get("message") or str(exc.reason), exc.code, answer.get("kind") or "") from exc
    except OSError as exc:
        raise DaemonUnavailable(f"the daemon at {base} stopped answering ({exc})") from exc


def call_following(cfg: Config, base: str, path: str, body: dict, progress=None, timeout: float = 600) -> dict:
    """POST `body` to `path`, and meanwhile follow the daemon's `progress` events of this call (its
    `progress_id`, made here) on /ws/events into `progress` (the CLI's bar). Without a bar, or when the events
    socket cannot be opened, a plain call: the bar is a help, never a reason to fail."""
    if progress is None:
        return call(cfg, base, "POST", path, body, timeout)
    import threading
    import uuid

    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    op = uuid.uuid4().hex
    url = "ws" + base.removeprefix("http") + "/ws/events"
    try:
        ws = connect(url, origin=base, additional_headers={"Authorization": f"Bearer {read_token(cfg)}"},
                     open_timeout=5, proxy=None)
    except (OSError, WebSocketException, TimeoutError):
        return call(cfg, base, "POST", path, body, timeout)
    try:
        ws.recv(timeout=5)  # the hello: from here on no event of this call is missed
    except (OSError, WebSocketException, TimeoutError):
        ws.close()
        return call(cfg, base, "POST", path, body, timeout)
    outcome: dict = {}

    def post() -> None:
        try:
            outcome["answer"] = call(cfg, base, "POST", path, {**body, "progress_id": op}, timeout)
        except BaseException as exc:  # raised again on the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=post, name="shoptally-call", daemon=True)
    worker.start()
    with ws:
        _follow(ws, op, worker, progress)
        worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["answer"]


def _follow(ws, op: str, worker, progress) -> None:
    """This call's progress events until its end event (the daemon sends it after the operation's last
    report); once the answer is in, at most TRAIL seconds more (an event lost with a view too slow)."""
    import time

    from websockets.exceptions import WebSocketException

    deadline = None
    while deadline is None or time.monotonic() < deadline:
        if deadline is None and not worker.is_alive():
            deadline = time.monotonic() + TRAIL
        try:
            ev = json.loads(ws.recv(timeout=0.2))
        except TimeoutError:
            continue
        except (WebSocketException, OSError, ValueError):
            return
        if ev.get("event") != "progress" or ev.get("op") != op:
            continue
        if ev.get("end"):
            return
        progress(ev["done"], ev.get("total"), ev.get("unit") or "rows", ev.get("stage") or "")


TRAIL = 2.0

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

"""What every JSON capture shares: the request it answered (its URL, path and body), as the extension posts it.

A capture's payload is `{"request": {"url", "method", "headers", "body"}, "status", "body"}`; a saved .json
file may have no request at all, so each reader gives "" or {} for what is missing.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from companion.sources.model import SourceInput


def request_url(src: SourceInput) -> str:
    request = src.payload.get("request") if isinstance(src.payload, dict) else None
    return str((request or {}).get("url") or "") if isinstance(request, dict) else ""


def request_path(src: SourceInput) -> str:
    return urlsplit(request_url(src)).path


def request_body(request: dict) -> dict:
    """The JSON object a POST sent (the page's filters, page number, store), or {} when it sent none."""
    raw = request.get("body")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}

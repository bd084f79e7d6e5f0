"""Source URLs and requests without secrets: a page's tokens, signatures, credentials and session never get
stored. The same rules as the extension's lib/scrub.js, applied again on the way in (a capture may come from
an older extension, or from anything that holds a pairing)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_PARAMS = frozenset(
    {"token", "sign", "signature", "x-bogus", "x_bogus", "_signature", "mstoken", "a_bogus", "access_token",
     "accesstoken", "refresh_token", "auth", "authorization", "cookie", "session", "sessionid", "session_id",
     "sid", "csrf", "csrftoken", "csrf_token", "x-csrf-token", "verifyfp", "fp", "anti-content", "anticontent",
     "password", "passwd", "app_secret", "secret", "ticket", "x-tt-params",
     "_aop_signature",  # the 1688 open platform's request signature
     # signed download links (S3, CloudFront, GCS)
     "x-amz-signature", "x-amz-credential", "key-pair-id", "policy", "googleaccessid"}
)
# Kept on purpose: `shop_cipher` names a TikTok shop in Open API requests (it opens nothing without the app's
# key, access token and signature, which are dropped) and is how a capture finds its store (docs/sources.md).
KEPT_HEADERS = frozenset({"mallid", "content-type"})  # they say which store a request is for
MAX_DEPTH = 20


def is_secret(name: object) -> bool:
    low = str(name).lower()
    return low in SECRET_PARAMS or low.endswith(("token", "_sign", "secret"))


def scrub_url(url: str) -> str:
    """The URL without credentials (user:pass@), secret query parameters or fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_secret(k)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def kept_headers(headers: object) -> dict[str, str]:
    """Only the allow-listed request headers (lowercase names), from an object, a list of pairs or a list of
    {"name", "value"} objects (as a HAR file and the Temu adapter have them)."""
    pairs = headers.items() if isinstance(headers, dict) else headers if isinstance(headers, list) else []
    out = {}
    for pair in pairs:
        if isinstance(pair, dict):
            pair = (pair.get("name"), pair.get("value"))
        if isinstance(pair, (list, tuple)) and len(pair) >= 2 and str(pair[0]).lower() in KEPT_HEADERS:
            out[str(pair[0]).lower()] = str(pair[1])[:200]
    return out


def scrub_body(value: object, depth: int = 0) -> object:
    """A decoded JSON request body without secret keys at any depth."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {k: scrub_body(v, depth + 1) for k, v in value.items() if not is_secret(k)}
    if isinstance(value, list):
        return [scrub_body(v, depth + 1) for v in value]
    return value


def scrub_body_text(body: str) -> str:
    """A request body sent as text (by older senders; the extension sends it decoded): JSON without secret
    keys, or form fields without secret names; text that is neither stays as it is."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, (dict, list)):
        clean = scrub_body(value)
        return body if clean == value else json.dumps(clean, ensure_ascii=False, separators=(",", ":"))
    fields = parse_qsl(body, keep_blank_values=True)
    if not any(is_secret(k) for k, _ in fields):
        return body
    return urlencode([(k, v) for k, v in fields if not is_secret(k)])


def scrub_request(request: dict) -> dict:
    """A capture's `payload.request` without credentials: its URL scrubbed (always present, "" when none),
    allow-listed headers only, a body without secret keys."""
    clean = {**request, "url": scrub_url(str(request.get("url") or ""))}
    if "headers" in request:
        clean["headers"] = kept_headers(request.get("headers"))
    if "body" in request:
        body = request.get("body")
        clean["body"] = scrub_body_text(body) if isinstance(body, str) else scrub_body(body)
    return clean


def scrub_message(msg: dict) -> dict:
    """A `capture` message without credentials: the one rule for captures arriving (pipeline/ingest), kept
    ones (migration 0008), backups and cloud bundles written or read. The `url` is scrubbed (always present,
    "" when none), and so is `payload.request` when there is one. Returns `msg` itself when nothing changes,
    else a new message that shares everything else with it."""
    url = scrub_url(str(msg.get("url") or ""))
    payload = msg.get("payload")
    request = payload.get("request") if isinstance(payload, dict) else None
    clean_request = scrub_request(request) if isinstance(request, dict) else request
    if url == msg.get("url") and clean_request == request:
        return msg
    out = {**msg, "url": url}
    if clean_request != request:
        out["payload"] = {**payload, "request": clean_request}
    return out


def message_bytes(msg: dict) -> bytes:
    """A capture message as the store keeps it (encoding "frame"); UnicodeEncodeError for text that is not
    valid Unicode (half of a surrogate pair)."""
    return json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode()


def scrub_frame(data: bytes) -> bytes | None:
    """A kept capture message (its JSON text) without credentials, or None when scrubbing changes nothing (so it
    stays byte for byte) or it is not a readable message (nothing in it can be told apart to scrub)."""
    try:
        msg = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(msg, dict):
        return None
    clean = scrub_message(msg)
    if clean is msg:
        return None
    try:
        return message_bytes(clean)
    except UnicodeEncodeError:
        return json.dumps(clean, separators=(",", ":")).encode()


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))

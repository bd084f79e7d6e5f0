"""Source URLs and requests without secrets: a page's tokens, signatures, credentials and session never get
stored. The same rules as the extension's lib/scrub.js, applied again on the way in (a capture may come from
an older extension, or from anything that holds a pairing)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_PARAMS = frozenset(
    {"token", "sign", "signature", "x-bogus", "x_bogus", "_signature", "mstoken", "a_bogus", "access_token",
     "accesstoken", "refresh_token", "auth", "authorization", "cookie", "session", "sessionid", "session_id",
     "sid", "csrf", "csrftoken", "csrf_token", "x-csrf-token", "verifyfp", "fp", "anti-content", "anticontent",
     "password", "passwd", "app_secret", "secret", "ticket", "shop_cipher", "x-tt-params",
     # signed download links (S3, CloudFront, GCS)
     "x-amz-signature", "x-amz-credential", "key-pair-id", "policy", "googleaccessid"}
)
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
    """Only the allow-listed request headers (lowercase names), from an object or a list of pairs."""
    pairs = headers.items() if isinstance(headers, dict) else headers if isinstance(headers, list) else []
    out = {}
    for pair in pairs:
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


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))

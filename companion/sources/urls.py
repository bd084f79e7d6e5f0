"""Source URLs without secrets: the page's own token/sign parameters never get stored."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_PARAMS = frozenset(
    {"token", "sign", "signature", "x-bogus", "_signature", "mstoken", "access_token",
     "auth", "authorization", "session", "sessionid", "cookie", "x-tt-params", "verifyfp", "fp", "a_bogus"}
)


def scrub_url(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SECRET_PARAMS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))

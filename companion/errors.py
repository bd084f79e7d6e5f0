"""One error vocabulary: every refusal a user can meet is one of these kinds, carrying its HTTP status and its
exit code, so the server's one middleware and the CLI's one handler answer the same condition the same way.

| kind           | HTTP | exit | when                                                                |
|----------------|------|------|---------------------------------------------------------------------|
| BadInput       | 400  | 2    | a request, option or value is malformed                             |
| Unprocessable  | 422  | 2    | a file or body was read but its content is refused                  |
| TooLarge       | 413  | 2    | over a size limit                                                   |
| NotSignedIn    | 401  | 2    | no token and no Finance view session: the request proves no seller  |
| Forbidden      | 403  | 2    | not allowed (wrong token, refused origin)                           |
| NotFound       | 404  | 2    | an unknown store, file, pairing or backup                           |
| Conflict, Busy | 409  | 1    | something else is running, or the state changed since; try again    |
| Cancelled      | 400  | 1    | the user said no at a confirmation                                  |
| TooMany        | 429  | 1    | too many requests of a kind at once                                 |
| Unavailable    | 503  | 1    | a needed party is absent (no daemon, no extension, no browser)      |
| Failed         | 500  | 1    | the operation could not be carried out (disk, database, parser)     |

The file an error concerns is its `file` attribute; `str(error)` puts it in front of the sentence.

Every refusal also carries a `code` (a stable snake_case id) and `params` (the values in its sentence), so the
Finance view can say it in the page's language: the catalog of codes, with an English and a Chinese template
each, is companion/server/static/messages.json (data, not a module: the view loads the same file the server
renders from). `Kind.of("code", **params)` renders the English sentence from the catalog; a refusal raised
with a sentence and no code gets its kind as code and the view shows the English sentence.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

CATALOG = Path(__file__).parent / "server" / "static" / "messages.json"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """code -> {"en": template, "zh": template}; templates are str.format with named placeholders."""
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def render(code: str, params: dict, lang: str = "en") -> str:
    """A code's sentence in `lang` (en or zh); English where the language has no template. A param that is
    itself a refusal ({code, params, message}: the problem a row-locating sentence wraps) is said first."""
    entry = catalog()[code]
    filled = {k: say(v, lang) if is_said(v) else v for k, v in params.items()}
    return (entry.get(lang) or entry["en"]).format(**filled)


def is_said(value) -> bool:
    """A nested refusal as params carry it (see coded)."""
    return isinstance(value, dict) and "message" in value and "code" in value


def say(value: dict, lang: str = "en") -> str:
    """A nested refusal's sentence: from the catalog when it knows the code, else its English as sent."""
    if value.get("code") in catalog():
        try:
            return render(value["code"], value.get("params") or {}, lang)
        except (KeyError, IndexError, ValueError):
            pass
    return str(value["message"])


def coded(code: str, params: dict, message: str) -> dict:
    """A refusal as a param of another (the row-locating sentence around a cell's problem)."""
    return {"code": code, "params": params, "message": message}


def _plain(value):
    """A param as JSON can carry it: text, numbers, booleans and null as they are, a nested refusal as its
    {code, params, message}, anything else as text."""
    if is_said(value):
        return coded(str(value["code"]), {k: _plain(v) for k, v in (value.get("params") or {}).items()},
                     str(value["message"]))
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity: the view could not read the answer
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def plain_params(params: dict | None) -> dict:
    return {k: _plain(v) for k, v in (params or {}).items()}


class ShoptallyError(Exception):
    """A refusal with one sentence for the user. `status`: the HTTP status; `exit_code`: the CLI's exit."""

    status = 400
    exit_code = 2
    kind = "bad_input"

    def __init__(self, message: str, status: int | None = None, *, file: str | None = None,
                 exit_code: int | None = None, code: str | None = None, params: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.code = code or self.kind
        self.params = plain_params(params)
        if status is not None:  # a status given where the kind is chosen at run time
            self.status = status
            self.exit_code = exit_code if exit_code is not None else exit_code_for(status)
        elif exit_code is not None:
            self.exit_code = exit_code

    @classmethod
    def of(cls, code: str, /, *, file: str | None = None, status: int | None = None, **params):
        """The refusal of a catalog code: its English sentence rendered from the catalog with `params`."""
        return cls(render(code, params), status, file=file, code=code, params=params)

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message

    def json(self) -> dict:
        """The HTTP answer: `message` is the English sentence (file first); `code` and `params` let the view
        say it in its language (messages.js), putting the file in front the same way."""
        out = {"error": "refused", "kind": self.kind, "code": self.code, "params": self.params,
               "message": str(self)}
        if self.file:
            out["file"] = self.file
        return out


class BadInput(ShoptallyError, ValueError):
    status, exit_code, kind = 400, 2, "bad_input"


class Unprocessable(BadInput):
    status, exit_code, kind = 422, 2, "unprocessable"


class TooLarge(BadInput):
    status, exit_code, kind = 413, 2, "too_large"


class NotSignedIn(ShoptallyError):
    status, exit_code, kind = 401, 2, "not_signed_in"


class Forbidden(ShoptallyError):
    status, exit_code, kind = 403, 2, "forbidden"


class NotFound(ShoptallyError, LookupError):
    status, exit_code, kind = 404, 2, "not_found"


class Conflict(ShoptallyError):
    status, exit_code, kind = 409, 1, "conflict"


class Busy(Conflict):
    status, exit_code, kind = 409, 1, "busy"


class Cancelled(ShoptallyError):
    """The user answered no at a confirmation: nothing was done."""

    status, exit_code, kind = 400, 1, "cancelled"


class TooMany(ShoptallyError):
    status, exit_code, kind = 429, 1, "too_many"


class Unavailable(ShoptallyError):
    status, exit_code, kind = 503, 1, "unavailable"


class Failed(ShoptallyError, RuntimeError):
    status, exit_code, kind = 500, 1, "failed"


KINDS: tuple[type[ShoptallyError], ...] = (BadInput, Unprocessable, TooLarge, NotSignedIn, Forbidden, NotFound,
                                           Conflict, TooMany, Unavailable, Failed)


def exit_code_for(status: int) -> int:
    """The exit code of an HTTP status: the CLI relaying a daemon's refusal exits as it would offline."""
    for kind in KINDS:
        if kind.status == status:
            return kind.exit_code
    return 2 if 400 <= status < 500 else 1


def of_status(status: int, message: str, file: str | None = None) -> ShoptallyError:
    """The error of a status a daemon answered with, for the CLI that relays it."""
    for kind in KINDS:
        if kind.status == status:
            return kind(message, file=file)
    return ShoptallyError(message, status, file=file)

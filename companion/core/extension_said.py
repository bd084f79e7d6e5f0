"""What the extension says about a sync, checked before views and stored runs repeat it.

The extension ends a sync with its English sentence and, beside it, a catalog code (`ext_*`, the same codes
extension/lib/sync_errors.js fills) and params, so the Finance view can say it in the seller's language. A
socket may send anything: a code outside the `ext_` family, params the code's template cannot be filled
from, or oversized text would make a view say something the extension never meant, so such a code is
dropped and the sentence alone is kept, clipped.
"""

from __future__ import annotations

import math
import re

from companion.errors import catalog, render

MESSAGE_CHARS = 2000  # a sentence longer than this is clipped: the view shows it in one notice
PARAM_CHARS = 1000  # the extension clips its params to this; longer ones are not the extension's
MAX_PARAMS = 12
_NAME = re.compile(r"[a-z_]{1,32}")


def counts(msg: dict) -> dict:
    """The progress message's stage (short text) and page and record counts (whole numbers), those present
    and well formed."""
    said = {}
    if isinstance(msg.get("stage"), str) and 0 < len(msg["stage"]) <= 32:
        said["stage"] = msg["stage"]
    for key in ("pages", "records"):
        value = msg.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
            said[key] = value
    return said


def message(msg: dict) -> str:
    """The progress message's sentence as text, clipped."""
    return str(msg.get("message") or "")[:MESSAGE_CHARS]


def coded(msg: dict) -> dict:
    """{"code", "params"} when the progress message carries an `ext_` code with params its template takes;
    {} otherwise."""
    code, params = msg.get("code"), msg.get("params", {})
    if not (isinstance(code, str) and code.startswith("ext_") and code in catalog() and isinstance(params, dict)):
        return {}
    if len(params) > MAX_PARAMS or not all(isinstance(k, str) and _NAME.fullmatch(k) and _plain(v)
                                           for k, v in params.items()):
        return {}
    try:
        render(code, params)
        render(code, params, "zh")
    except (KeyError, IndexError, ValueError):
        return {}
    return {"code": code, "params": dict(params)}


def _plain(value: object) -> bool:
    if isinstance(value, str):
        return len(value) <= PARAM_CHARS
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) and math.isfinite(value)

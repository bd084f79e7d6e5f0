"""The extension's stable ID, derived from the public `key` pinned in extension/manifest.json."""

from __future__ import annotations

import base64
import hashlib

# Chromium's rule: first 32 hex digits of sha256(DER public key), 0-f mapped to a-p.
EXTENSION_ID = "gkfelbjboffmnfkjgjhjjdgjpbobcacl"


def id_from_key(key_b64: str) -> str:
    digest = hashlib.sha256(base64.b64decode(key_b64)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)

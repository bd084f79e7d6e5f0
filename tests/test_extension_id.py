"""The extension ID the daemon pins equals the one Chromium derives from the manifest's key."""

from __future__ import annotations

import json
from pathlib import Path

from companion.extension_id import EXTENSION_ID, id_from_key

MANIFEST = Path(__file__).resolve().parents[1] / "extension" / "manifest.json"


def test_manifest_key_gives_the_pinned_id():
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["manifest_version"] == 3
    assert id_from_key(manifest["key"]) == EXTENSION_ID
    assert len(EXTENSION_ID) == 32 and set(EXTENSION_ID) <= set("abcdefghijklmnop")


def test_only_the_public_key_is_committed():
    needles = (b"-----BEGIN " + b"PRIVATE KEY", b"-----BEGIN RSA " + b"PRIVATE KEY")
    for path in (MANIFEST.parent.parent / "extension").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(n in data for n in needles), path
            assert path.suffix not in (".pem", ".crx"), path

"""scripts/package_extension.py: the same sources give the same zip; the store build has no key."""

from __future__ import annotations

import json
import zipfile

from scripts.package_extension import EXTENSION, build


def test_the_zip_holds_every_extension_file_byte_for_byte_and_is_reproducible(tmp_path):
    first = build(tmp_path / "a", store=False)
    second = build(tmp_path / "b", store=False)
    assert first.name == "shoptally-extension-0.1.0.zip"
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        names = zf.namelist()
        expected = sorted(p.relative_to(EXTENSION).as_posix() for p in EXTENSION.rglob("*") if p.is_file())
        assert names == expected
        for name in names:
            if name != "manifest.json":
                assert zf.read(name) == (EXTENSION / name).read_bytes(), name
        packed = json.loads(zf.read("manifest.json"))
    assert packed == json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    for cs in packed["content_scripts"]:
        assert all(js in names for js in cs["js"])
    assert {"_locales/en/messages.json", "_locales/zh_CN/messages.json", "icons/icon128.png"} <= set(names)


def test_the_store_build_leaves_out_the_key_and_nothing_else(tmp_path):
    with zipfile.ZipFile(build(tmp_path, store=True)) as zf:
        packed = json.loads(zf.read("manifest.json"))
    source = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    assert "key" in source and "key" not in packed
    source.pop("key")
    assert packed == source

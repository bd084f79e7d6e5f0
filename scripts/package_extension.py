#!/usr/bin/env python3
"""Builds the browser extension as a zip: for "Load unpacked" (unzip it) or the Chrome Web Store.

    .venv/bin/python scripts/package_extension.py [--out dist/] [--store]

The zip holds exactly the files the extension uses (manifest, scripts, pages, locales), in a fixed order
with fixed timestamps, so the same sources always give the same bytes. `--store` leaves out the
manifest's `key`: the Chrome Web Store refuses manifests that carry one and gives the extension its own
ID, which the daemon must then be told (SHOPTALLY_EXTENSION_IDS, see docs/extension.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTENSION = REPO / "extension"
KINDS = {".js", ".json", ".html", ".css", ".png", ".svg"}
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def files() -> list[Path]:
    """Every file the extension ships, sorted; refuses stray files so nothing unintended is published."""
    found = sorted(p for p in EXTENSION.rglob("*") if p.is_file())
    stray = [p.relative_to(EXTENSION).as_posix() for p in found if p.suffix not in KINDS]
    if stray:
        raise SystemExit(f"extension/ holds files that are not part of an extension: {', '.join(stray)}; move them")
    return found


def manifest(store: bool) -> bytes:
    data = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    for path in [*(s for cs in data.get("content_scripts", []) for s in cs.get("js", [])),
                 data["background"]["service_worker"], data["action"]["default_popup"], data["options_ui"]["page"]]:
        if not (EXTENSION / path).is_file():
            raise SystemExit(f"manifest.json names {path}, which does not exist")
    if store:
        data.pop("key", None)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def build(out_dir: Path, store: bool) -> Path:
    version = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))["version"]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"shoptally-extension-{version}{'-store' if store else ''}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files():
            name = path.relative_to(EXTENSION).as_posix()
            content = manifest(store) if name == "manifest.json" else path.read_bytes()
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="folder for the zip (default dist/)")
    parser.add_argument("--store", action="store_true", help="without the manifest's key, for the Chrome Web Store")
    args = parser.parse_args(argv)
    target = build(args.out, args.store)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Builds the browser extension as a zip: for "Load unpacked" (unzip it) or the Chrome Web Store.

    .venv/bin/python scripts/package_extension.py [--out dist/] [--store]

The zip holds exactly the files the extension uses (manifest, scripts, pages, locales), in a fixed order
with fixed timestamps, so the same sources always give the same bytes. `--store` leaves out the
manifest's `key`: the Chrome Web Store refuses manifests that carry one and gives the extension its own
ID, which the daemon must then be told (SHOPTALLY_EXTENSION_IDS, see docs/extension.md).
The work is companion.automation.extension_files.pack (also `shoptally extension pack`); this script packs
the checkout's extension/ folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a file from a checkout without an install

from companion.automation.extension_files import pack  # noqa: E402
from companion.errors import ShoptallyError  # noqa: E402

EXTENSION = REPO / "extension"


def build(out_dir: Path, store: bool) -> Path:
    """The checkout's extension/ as a zip in out_dir."""
    return pack(out_dir, store, source=EXTENSION)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="folder for the zip (default dist/)")
    parser.add_argument("--store", action="store_true", help="without the manifest's key, for the Chrome Web Store")
    args = parser.parse_args(argv)
    try:
        target = build(args.out, args.store)
    except ShoptallyError as exc:
        raise SystemExit(str(exc)) from None
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the browser extension's files are, and its zip: the unattended sync loads the folder, the seller loads
it by hand ("Load unpacked", `shoptally extension path`) or publishes the zip (`shoptally extension pack`).

The top-level extension/ folder of the checkout is the one source; the wheel carries a copy of it as
companion/extension/ (pyproject.toml and setup.py say how), a plain folder on disk, so a pip or pipx install has
the same files to point Chrome at.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from companion.errors import Failed, Unavailable

ENV = "SHOPTALLY_EXTENSION_DIR"
PACKAGE = Path(__file__).resolve().parents[1]  # companion/
CHECKOUT = PACKAGE.parent / "extension"  # beside companion/ in a checkout (and an editable install)
INSTALLED = PACKAGE / "extension"  # inside the installed package (a wheel)
KINDS = {".js", ".json", ".html", ".css", ".png", ".svg"}
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


class ExtensionMissing(Unavailable):
    """No folder holding the extension's manifest.json where shoptally looks."""


def extension_dir() -> Path:
    """The unpacked extension: SHOPTALLY_EXTENSION_DIR when set (and then only it), else the checkout's
    extension/, else the installed package's copy; refuses naming where it looked when none holds a manifest."""
    named = os.environ.get(ENV)
    if named:
        candidates = [Path(named)]
    else:
        # The checkout's folder counts only beside its pyproject.toml: in an installed package, companion/'s
        # parent is site-packages, whose extension/ would be another distribution's.
        in_checkout = (PACKAGE.parent / "pyproject.toml").is_file()
        candidates = [CHECKOUT, INSTALLED] if in_checkout else [INSTALLED]
    for path in candidates:
        if (path / "manifest.json").is_file():
            return path
    raise ExtensionMissing.of("auto_extension_dir_bad", path=str(candidates[-1]))


def files(source: Path) -> list[Path]:
    """Every file the extension ships, sorted; refuses stray files so nothing unintended is published."""
    found = sorted(p for p in source.rglob("*") if p.is_file())
    stray = [p.relative_to(source).as_posix() for p in found if p.suffix not in KINDS]
    if stray:
        raise Failed(f"{source} holds files that are not part of an extension: {', '.join(stray)}; move them")
    return found


def manifest(source: Path, store: bool) -> bytes:
    """manifest.json as packed, after checking the files it names exist; `store` drops the `key`."""
    data = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for path in [*(s for cs in data.get("content_scripts", []) for s in cs.get("js", [])),
                 data["background"]["service_worker"], data["action"]["default_popup"], data["options_ui"]["page"]]:
        if not (source / path).is_file():
            raise Failed(f"manifest.json names {path}, which does not exist")
    if store:
        data.pop("key", None)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def pack(out_dir: Path, store: bool = False, *, source: Path | None = None) -> Path:
    """The extension as a zip in out_dir (created if needed), returned: exactly the extension's files in a fixed
    order with fixed timestamps, so the same sources give the same bytes. `store` leaves out the manifest's
    `key`: the Chrome Web Store refuses manifests carrying one (docs/extension.md). `source` defaults to
    extension_dir()."""
    source = source or extension_dir()
    version = json.loads((source / "manifest.json").read_text(encoding="utf-8"))["version"]
    packed_manifest = manifest(source, store)
    shipped = files(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"shoptally-extension-{version}{'-store' if store else ''}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in shipped:
            name = path.relative_to(source).as_posix()
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, packed_manifest if name == "manifest.json" else path.read_bytes())
    return target

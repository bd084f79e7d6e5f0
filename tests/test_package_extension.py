"""The extension's files: the zip (scripts/package_extension.py, extension_files.pack) is reproducible and the
store build has no key; the wheel carries every extension file byte for byte as companion/extension/, where an
installed package's extension_dir() finds it; SHOPTALLY_EXTENSION_DIR and the checkout come first."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from companion.automation import browser, extension_files
from companion.automation.extension_files import ExtensionMissing, extension_dir, pack
from companion.errors import Failed
from scripts.package_extension import EXTENSION, REPO, build

WHEEL_SOURCES = ("pyproject.toml", "setup.py", "README.md", "companion", "extension")


def source_files() -> dict[str, bytes]:
    return {p.relative_to(EXTENSION).as_posix(): p.read_bytes() for p in sorted(EXTENSION.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel as `pip wheel --no-deps .` builds it, once per session, from a copy of the sources (a stale
    build/ folder in the checkout must not fill in a file the configuration leaves out)."""
    work = tmp_path_factory.mktemp("wheel")
    for name in WHEEL_SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, work / "src" / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (work / "src").mkdir(exist_ok=True)
            shutil.copy2(REPO / name, work / "src" / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--disable-pip-version-check",
                           str(work / "src"), "-w", str(work / "dist")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [built] = (work / "dist").glob("shoptally-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel unpacked, as pip lays it out in site-packages."""
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


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


def test_pack_gives_the_scripts_bytes_and_the_script_keeps_its_options(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPTALLY_EXTENSION_DIR", raising=False)
    for store, name in ((False, "shoptally-extension-0.1.0.zip"), (True, "shoptally-extension-0.1.0-store.zip")):
        args = [sys.executable, str(REPO / "scripts" / "package_extension.py"), "--out", str(tmp_path / "script")]
        done = subprocess.run([*args, *(["--store"] if store else [])], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"{tmp_path / 'script' / name}\n"
        ours = pack(tmp_path / "pack", store)
        assert ours == tmp_path / "pack" / name
        assert ours.read_bytes() == (tmp_path / "script" / name).read_bytes()
        assert pack(tmp_path / "again", store=store).read_bytes() == ours.read_bytes()


def test_pack_refuses_a_stray_file_and_writes_no_zip(tmp_path):
    source = tmp_path / "extension"
    shutil.copytree(EXTENSION, source)
    (source / "notes.txt").write_text("draft")
    with pytest.raises(Failed) as refused:
        pack(tmp_path / "out", source=source)
    assert str(refused.value) == f"{source} holds files that are not part of an extension: notes.txt; move them"
    assert not (tmp_path / "out").exists()


def test_the_wheel_carries_every_extension_file_byte_for_byte(wheel):
    prefix = "companion/extension/"
    with zipfile.ZipFile(wheel) as zf:
        carried = {n[len(prefix):]: zf.read(n) for n in zf.namelist() if n.startswith(prefix)}
        record = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))).decode()
    assert carried == source_files()
    assert all(f"{prefix}{name}," in record for name in carried)  # pip installs (and uninstalls) each one


def test_an_installed_package_finds_its_own_copy_and_packs_the_same_zip(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SHOPTALLY_EXTENSION_DIR"}
    env["PYTHONPATH"] = str(installed)
    code = ("from companion.automation.extension_files import extension_dir, pack; import sys; "
            "print(extension_dir()); print(pack(__import__('pathlib').Path(sys.argv[1])))")
    # cwd without companion/: the unpacked wheel is what imports, as from site-packages
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "zip")], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    found, zipped = done.stdout.splitlines()
    assert found == str((installed / "companion" / "extension").resolve())
    assert Path(zipped).read_bytes() == build(tmp_path / "checkout", store=False).read_bytes()


def test_an_installed_package_without_the_extension_refuses_naming_where_it_looked(installed, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(installed / "companion", site / "companion", ignore=shutil.ignore_patterns("extension"))
    env = {k: v for k, v in os.environ.items() if k != "SHOPTALLY_EXTENSION_DIR"} | {"PYTHONPATH": str(site)}
    code = "from companion.automation.extension_files import extension_dir; extension_dir()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"companion.automation.extension_files.ExtensionMissing: the extension folder "
        f"{(site / 'companion' / 'extension').resolve()} has no manifest.json: set SHOPTALLY_EXTENSION_DIR to the "
        "unpacked extension")


def test_extension_dir_is_the_named_folder_else_the_checkouts(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPTALLY_EXTENSION_DIR", raising=False)
    assert extension_dir() == EXTENSION == extension_files.CHECKOUT
    assert browser.extension_dir() == EXTENSION
    named = tmp_path / "unpacked"
    named.mkdir()
    (named / "manifest.json").write_text("{}")
    monkeypatch.setenv("SHOPTALLY_EXTENSION_DIR", str(named))
    assert extension_dir() == named
    assert browser.extension_dir() == named


def test_a_named_folder_without_a_manifest_is_refused_not_passed_over(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPTALLY_EXTENSION_DIR", str(tmp_path))
    message = (f"the extension folder {tmp_path} has no manifest.json: set SHOPTALLY_EXTENSION_DIR to the unpacked "
               "extension")
    with pytest.raises(ExtensionMissing) as refused:
        extension_dir()
    assert (str(refused.value), refused.value.code) == (message, "auto_extension_dir_bad")
    with pytest.raises(browser.BrowserMissing) as missing:  # what an unattended run reports as browser_missing
        browser.extension_dir()
    assert (str(missing.value), missing.value.code, missing.value.params) == (
        message, "auto_extension_dir_bad", {"path": str(tmp_path)})

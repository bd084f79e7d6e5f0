"""The house's rules, checked with the suite: the import contracts of pyproject.toml ([tool.importlinter]) and
a root of companion/ that holds only the entry point, the daemon's wiring, config and the error vocabulary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOT_MODULES = {"__init__.py", "__main__.py", "daemon.py", "config.py", "errors.py", "extension_id.py"}


def test_imports_point_down_the_layers_and_no_package_has_a_circle():
    lint = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(lint), "--config", str(REPO / "pyproject.toml"), "--no-cache"], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "2 kept, 0 broken" in res.stdout, res.stdout


def test_the_root_of_the_package_holds_only_a_handful_of_modules():
    assert {p.name for p in (REPO / "companion").glob("*.py")} == ROOT_MODULES
    # every folder of the package is a package (a namespace folder would be left out of the wheel)
    folders = [p for p in (REPO / "companion").rglob("*") if p.is_dir() and p.name != "__pycache__"
               and "static" not in p.parts and "migrations" not in p.parts]
    assert [p for p in folders if not (p / "__init__.py").exists()] == []


def test_every_platform_folder_is_registered_once_and_brings_its_adapters():
    """Adding a marketplace is a folder under sources/ and its name in registry.PLATFORMS: one is not enough."""
    from companion.sources import registry

    folders = sorted(p.parent.name for p in (REPO / "companion" / "sources").glob("*/__init__.py"))
    assert sorted(registry.PLATFORMS) == folders and len(set(registry.PLATFORMS)) == len(registry.PLATFORMS)
    for name in registry.PLATFORMS:
        adapters = [a for a in registry.ADAPTERS if a.name.split(".")[0] == name]
        assert adapters, f"sources/{name} registers no adapter"
    assert len({a.name for a in registry.ADAPTERS}) == len(registry.ADAPTERS)

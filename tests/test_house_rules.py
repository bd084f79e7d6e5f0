"""The test suite's own house rules, read from its source with `ast`: code the tests share lives in
tests/support and is imported from there; no module imports a test module or a conftest (pytest loads
those itself, and a test module imported by another runs its module code twice under two names)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SUPPORT = "tests.support"


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "tests").rglob("*.py") if "__pycache__" not in p.parts)


def module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> set[str]:
    """Every module `path` imports, at any depth of its code, relative imports resolved. `from X import a, b`
    imports X.a and X.b where those are modules, and X itself where one of them is not."""
    package = module_of(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]

    def is_module(dotted: str) -> bool:
        where = root.joinpath(*dotted.split("."))
        return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            modules = [f"{module}.{alias.name}" for alias in node.names if is_module(f"{module}.{alias.name}")]
            found.update(modules)
            if len(modules) < len(node.names):
                found.add(module)
    return found


def is_test_module(module: str, local: set[str]) -> bool:
    """A test module or a conftest: by its name under tests/, or a bare name of one of the files there."""
    last = module.rpartition(".")[2]
    ours = module == "tests" or module.startswith("tests.") or module in local
    return ours and (last.startswith("test_") or last == "conftest")


def shared_from_elsewhere(module: str, local: set[str]) -> bool:
    """Code of the suite imported from outside tests/support (or by a bare name, as a script would)."""
    if module in local:
        return True
    if module == "tests" or not module.startswith("tests."):
        return False
    return not (module == SUPPORT or module.startswith(SUPPORT + "."))


def broken_rules(root: Path = ROOT) -> dict[str, set[str]]:
    """File (relative to `root`) → the modules it imports against the rules."""
    files = python_files(root)
    local = {p.stem for p in files} - {"__init__"}  # bare names a sys.path hack could make importable
    broken: dict[str, set[str]] = {}
    for path in files:
        name = path.relative_to(root).as_posix()
        mine = module_of(path, root)
        in_support = mine == SUPPORT or mine.startswith(SUPPORT + ".")
        shim = name in ("tests/tables.py", "tests/helpers.py")
        for module in imports_of(path, root):
            if is_test_module(module, local) or (not in_support and not shim and shared_from_elsewhere(module, local)):
                broken.setdefault(name, set()).add(module)
    return broken


def test_no_module_imports_a_test_module_and_shared_code_comes_from_tests_support():
    broken = {path: sorted(modules) for path, modules in broken_rules().items() if modules}
    assert broken == {}, "move what is shared into tests/support and import it from there"


def test_the_rules_see_every_kind_of_import(tmp_path):
    """The checker itself, on a made-up suite: absolute, relative and bare imports of a test module, a
    conftest, and shared code kept outside tests/support are all found; tests/support is fine."""
    for name in ("__init__", "conftest", "test_backup", "test_cloud", "test_tray", "test_chart", "helpers",
                 "browser/__init__", "browser/conftest", "support/__init__", "support/daemon"):
        (tmp_path / "tests" / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "tests" / f"{name}.py").write_text("", encoding="utf-8")
    (tmp_path / "tests" / "browser" / "test_probe.py").write_text(
        "from . import conftest\nfrom .. import test_backup\nfrom ..test_cloud import KEY\nimport tests.test_tray\n"
        "def later():\n    import test_chart\n    from tests import helpers\n"
        "from tests.support.daemon import cli\nfrom tests import support\nimport companion.daemon\n", encoding="utf-8")
    (tmp_path / "tests" / "support" / "daemon.py").write_text("from tests.conftest import TOKEN\n", encoding="utf-8")
    assert broken_rules(tmp_path) == {
        "tests/browser/test_probe.py": {"tests.browser.conftest", "tests.test_backup", "tests.test_cloud",
                                        "tests.test_tray", "test_chart", "tests.helpers"},
        "tests/support/daemon.py": {"tests.conftest"},
    }

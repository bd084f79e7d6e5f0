"""The command line as a seller meets it first (issue #17 points 1-3 and 5): global options before or after the
command, read-only commands refusing a data dir that holds no data (and creating nothing), writing commands
and `serve` working on a new one, every `--help` with its options described and an example, a closed pipe
ending quietly, and `extension path|pack`. Real `shoptally` processes throughout."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from companion.cli.parser import build_parser
from companion.config import sqlite_url
from tests.support import REPO
from tests.support.builders import order_list_capture, order_row
from tests.support.daemon import PROGRAM, Daemon, clean_env, run

ORDERS = 1500  # `report --by order` of them is ~200 KB of text: more than a pipe holds


def refusal(data: Path) -> str:
    return (f"shoptally: {data} holds no shoptally data (no shoptally.db): name the data dir with --data-dir, "
            "or import files into it first (`shoptally import FILE`)")


def seeded(tmp_path: Path, orders: int = 3) -> Path:
    """A data dir holding `orders` settled TikTok orders, imported with the options before the command."""
    data, cap = tmp_path / "data", tmp_path / "capture.json"
    cap.write_text(json.dumps(order_list_capture([order_row(n, f"{n}.00") for n in range(1, orders + 1)])))
    res = run(["--data-dir", str(data), "import", str(cap)])
    assert res.code == 0 and res.err == "", res
    return data


# 2. global options --------------------------------------------------------------------------------------------
def test_global_options_go_before_or_after_the_command(tmp_path):
    data = seeded(tmp_path)
    d, other = str(data), tmp_path / "other"
    forms = [["--data-dir", d, "report", "--period", "all", "--json"],
             ["report", "--data-dir", d, "--period", "all", "--json"],
             ["report", "--period", "all", "--json", "--data-dir", d],
             ["--data-dir", str(other), "report", "--period", "all", "--data-dir", d, "--json"],  # the last wins
             # a database named before the command beats the data dir's (which holds none)
             ["--database-url", sqlite_url(data / "shoptally.db"), "--data-dir", str(other), "report", "--period",
              "all", "--json"]]
    results = [run(form) for form in forms]
    assert [(r.code, r.err) for r in results] == [(0, "")] * len(forms), results
    assert all(r.json == results[0].json for r in results)
    assert [row["settlement_amount"] for row in results[0].json["rows"]] == ["6.00"]
    assert not other.exists()
    for form in (["--data-dir", d, "schedule", "list", "--json"], ["schedule", "--data-dir", d, "list", "--json"],
                 ["schedule", "list", "--json", "--data-dir", d]):
        res = run(form)
        assert (res.code, res.err, res.json["schedules"]) == (0, "", []), (form, res)
    plain = run(["--data-dir", d, "report", "--period", "nonsense"])
    assert (plain.code, plain.out) == (2, "") and len(plain.err_lines) == 1
    for form in (["--debug", "--data-dir", d, "report", "--period", "nonsense"],
                 ["--data-dir", d, "report", "--period", "nonsense", "--debug"]):
        debug = run(form)
        assert (debug.code, debug.out) == (2, "") and "Traceback (most recent call last):" in debug.err, form
        assert debug.err_lines[-1] == plain.err_lines[0]


# 3. a data dir that holds no data ----------------------------------------------------------------------------
def read_only_commands(tmp_path: Path) -> list[list[str]]:
    return [["report"], ["report", "--period", "all", "--json"], ["reconcile"], ["reparse"],
            ["reset", "--all", "--yes"], ["schedule", "list"], ["schedule", "set", "Shop", "--every", "6h"],
            ["backup", "create"],
            ["cloud", "push", "--key", "a long sync key", "--label", "laptop", "--target",
             f"file://{tmp_path / 'cloud'}"]]


def test_read_only_commands_refuse_a_data_dir_without_data_naming_it_and_create_nothing(tmp_path):
    typo, empty = tmp_path / "typo", tmp_path / "empty"
    empty.mkdir()
    for data in (typo, empty):
        for args in read_only_commands(tmp_path):
            for form in (["--data-dir", str(data), *args], [*args, "--data-dir", str(data)]):
                res = run(form)
                assert (res.code, res.out, res.err_lines) == (2, "", [refusal(data)]), (form, res)
    assert not typo.exists() and os.listdir(empty) == [] and not (tmp_path / "cloud").exists()
    # naming no data dir: the platform's, named the same way
    xdg = tmp_path / "xdg"
    res = run(["report"], env=clean_env(XDG_DATA_HOME=str(xdg)))
    assert (res.code, res.out, res.err_lines) == (2, "", [refusal(xdg / "shoptally")])
    assert not xdg.exists()


def test_writing_commands_and_serve_work_on_a_new_data_dir(tmp_path):
    data = seeded(tmp_path)  # import into a new data dir
    report = run(["--data-dir", str(data), "report", "--period", "all", "--json"]).json
    costs = tmp_path / "costs.csv"
    costs.write_text("sku_id,unit_cost,currency\nSKU1,2.00,USD\n")
    res = run(["--data-dir", str(tmp_path / "costs-only"), "costs", "import", str(costs)])
    assert (res.code, res.out, res.err) == (0, f"{costs}: costs: 1 added, 0 updated, 0 skipped\n", "")

    backup = tmp_path / "backup.zip"
    assert run(["--data-dir", str(data), "backup", "create", "--out", str(backup)]).code == 0
    restored = tmp_path / "restored"
    res = run(["--data-dir", str(restored), "backup", "restore", str(backup), "--yes"])
    assert res.code == 0 and res.err == "", res
    assert run(["--data-dir", str(restored), "report", "--period", "all", "--json"]).json == report

    target = f"file://{tmp_path / 'cloud'}"
    pushed = run(["--data-dir", str(data), "cloud", "push", "--key", "a long sync key", "--label", "office",
                  "--target", target])
    assert pushed.code == 0, pushed
    pulled_dir = tmp_path / "pulled"
    pulled = run(["--data-dir", str(pulled_dir), "cloud", "pull", "--key", "a long sync key", "--target", target,
                  "--yes"])
    assert pulled.code == 0 and pulled.err == "", pulled
    assert run(["--data-dir", str(pulled_dir), "report", "--period", "all", "--json"]).json == report

    served = tmp_path / "served" / "data"
    with Daemon(served, None):
        assert (served / "shoptally.db").is_file()
        res = run(["--data-dir", str(served), "report", "--json"])
        assert (res.code, res.err, res.json["rows"]) == (0, "", [])


# 5. --help, and a reader that goes away ------------------------------------------------------------------------
def parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command words, parser) of the program and of every command and action."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, (*path, name))


def words(text: str) -> str:
    return " ".join(text.split())


def test_every_help_describes_each_option_and_shows_an_example():
    seen = []
    for path, parser in parsers(build_parser()):
        res = run([*path, "--help"])
        assert (res.code, res.err) == (0, ""), (path, res)
        assert "\nexamples:\n" in res.out, (path, res.out)
        examples = res.out.split("\nexamples:\n", 1)[1]
        command = " ".join(("shoptally", *path))
        assert re.search(rf"^  {re.escape(command)}( |$)", examples, re.M), (path, examples)
        for action in parser._actions:
            described = (action._choices_actions if isinstance(action, argparse._SubParsersAction) else [action])
            for each in described:
                assert each.help, (path, each.dest)  # every option, argument and command has a description
                assert words(each.help) in words(res.out), (path, each.help)
        seen.append(" ".join(path))
    assert {"", "report", "pair approve", "costs import", "schedule set", "cloud pull", "extension pack"} <= set(seen)


def closed_pipe(args: list[str]) -> subprocess.CompletedProcess:
    """`shoptally ARGS` writing into a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([*PROGRAM, *args], cwd=REPO, env=clean_env(), stdin=subprocess.DEVNULL, stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)


def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path):
    data = str(seeded(tmp_path, ORDERS))
    for args in (["report", "--period", "all", "--by", "order"], ["report", "--period", "all", "--json"],
                 ["schedule", "list"], ["reconcile", "--json"]):
        res = closed_pipe(["--data-dir", data, *args])
        assert (res.returncode, res.stderr) == (141, ""), (args, res)  # 128 + SIGPIPE, as a shell tool
    for args in (["--help"], ["report", "--help"], ["--version"]):
        res = closed_pipe(args)
        assert (res.returncode, res.stderr) == (0, ""), (args, res)  # argparse's own output: exit 0, quiet
    shell = subprocess.run(
        ["bash", "-c", '"$0" -m companion report --period all --by order --data-dir "$1" | head -1; '
                       'echo "exit ${PIPESTATUS[0]}"', sys.executable, data],
        cwd=REPO, env=clean_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert shell.stdout.splitlines() == ["settlement basis, start .. now, by order", "exit 141"], shell.stdout
    assert shell.stderr == ""


# 1. the extension ----------------------------------------------------------------------------------------------
def test_extension_path_and_pack(tmp_path):
    res = run(["extension", "path"])
    assert (res.code, res.err, res.out) == (0, "", f"{REPO / 'extension'}\n")
    manifest = json.loads((REPO / "extension" / "manifest.json").read_text())
    out = tmp_path / "dist"
    for flags, name, has_key in (([], f"shoptally-extension-{manifest['version']}.zip", True),
                                 (["--store"], f"shoptally-extension-{manifest['version']}-store.zip", False)):
        res = run(["extension", "pack", "--out", str(out), *flags])
        assert (res.code, res.err, res.out) == (0, "", f"{out / name}\n"), res
        with zipfile.ZipFile(out / name) as zf:
            packed = json.loads(zf.read("manifest.json"))
            assert "background.js" in zf.namelist() or manifest["background"]["service_worker"] in zf.namelist()
        assert ("key" in packed) == has_key and packed["version"] == manifest["version"]
    missing = tmp_path / "nothing"
    res = run(["extension", "path"], env=clean_env(SHOPTALLY_EXTENSION_DIR=str(missing)))
    assert (res.code, res.out) == (1, "") and res.err_lines == [
        f"shoptally: the extension folder {missing} has no manifest.json: set SHOPTALLY_EXTENSION_DIR to the "
        "unpacked extension"]

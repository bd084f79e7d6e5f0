"""Every command the README shows runs, so the README cannot rot: each `shoptally …` line of its ```bash,
```sh and ```console blocks is typed into a real shell (bash, the venv's `shoptally` first on PATH) against a
temporary data dir and HOME, in README order, beside a real daemon on that data dir. An output block
(```text or ```json) right after a block of one command is that command's exact output. A command that
cannot run here (a daemon that runs until stopped, a browser window, a seller's account, a set-up step) is
listed below by its exact text with the reason, so a new README command either runs or is listed on purpose.
`serve --demo` is started for real and must serve the demo's stores."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support import REPO
from tests.support.daemon import Daemon, clean_env

README = REPO / "README.md"
BIN = Path(sys.executable).parent  # the venv's bin: its `shoptally` script is what a README reader runs
COMMAND_TIMEOUT = 120.0  # one CLI command; they take about a second on an idle machine
DEMO_TIMEOUT = 240.0  # `serve --demo` generates six months of four stores first (about 12 s idle)

# Commands not run here, by their exact text (comment removed), and why.
SKIPPED = {
    "shoptally serve": "runs until stopped, on the default port 47810 (the daemon the other commands use is "
                       "started with --port 0)",
    "shoptally serve --port 48000": "runs until stopped, on a fixed port",
    "shoptally serve --port 0": "runs until stopped; the other commands here run beside such a daemon",
    "shoptally serve --demo": "its --data-dir form is started by test_serve_demo (this one only differs in "
                              "the temporary folder it makes)",
    "shoptally open": "opens a browser window",
    "shoptally import ~/Downloads/*.xlsx --account \"TikTok US MugHouse\"": "the seller's own downloaded exports",
    "shoptally schedule run-now \"TikTok US MugHouse\"": "a real sync: a seller center logged in, in a browser "
                                                         "(tests/browser/test_unattended_sync.py)",
    "shoptally browser login": "opens a browser window for the seller to log in",
    "shoptally pair approve": "needs an extension asking to pair (tests/test_cli_daemon.py approves one)",
    "shoptally pair approve 5D4WUM": "needs an extension asking to pair with that code",
    "shoptally pair deny 5D4WUM": "needs an extension asking to pair with that code",
    "shoptally pair revoke 1": "needs a paired browser",
    "shoptally team init --database-url 'postgresql://admin@db.example.com/shop?schema=team'":
        "needs a PostgreSQL server and its administrator (tests/test_team_roles.py runs it)",
    "shoptally team add-user bob --role editor --database-url 'postgresql://admin@db.example.com/shop?schema=team'":
        "needs a PostgreSQL server and its administrator (tests/test_team_roles.py runs it)",
    "scripts/test": "runs this whole suite (set-up command; .ci/run runs it)",
}

# Commands run here that end otherwise than with exit 0, as the README says they do: (exit code, words).
EXPECTED = {
    "shoptally reset --account \"TikTok US 7495100000000000001\"":
        (1, "pass --yes to confirm"),  # not a terminal here: it says how many records and asks for --yes
    "shoptally sync": (1, "no browser extension is connected"),
    "shoptally sync --account \"TikTok US 7495100000000000001\"": (1, "no browser extension is connected"),
    "shoptally sync --wait": (1, "no browser extension is connected"),
}

# Started for real by test_serve_demo, with --port 0 --no-tray added.
DEMO = "shoptally serve --demo --data-dir ~/shoptally-demo"
DEMO_STORES = {"MugHouse US", "Tazas MX", "Temu 家居旗舰店", "SHEIN Trendy Shop", "Shopify Harbor Goods",
               "eBay Mug Corner", "Walmart Home Basics", "Shopee Rattan Room", "AliExpress Outdoor Gear"}
NO_UNITS = {"Shopee Rattan Room", "AliExpress Outdoor Gear"}  # their exports hold no quantities
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
COMMENT = re.compile(r"\s+#\s.*$")


@dataclass
class Block:
    lang: str
    body: str
    commands: list[str]
    output: Block | None = None  # the output block right after a block of one command


def _commands(lang: str, body: str) -> list[str]:
    """The commands of a shell block: its lines (a console block's `$ ` lines), continuations joined,
    trailing comments removed."""
    lines = body.replace("\\\n", " ").splitlines()
    if lang == "console":
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    out = []
    for line in lines:
        text = COMMENT.sub("", line).strip()
        if text and not text.startswith("#"):
            out.append(text)
    return out


def readme_blocks(text: str) -> list[Block]:
    """The README's shell blocks in order, each with the output block that directly follows it."""
    blocks: list[Block] = []
    last_end, last_shell = -1, None
    for m in FENCE.finditer(text):
        lang, body = m.group(1), m.group(2)
        if lang in ("bash", "sh", "console"):
            last_shell = Block(lang, body, _commands(lang, body))
            blocks.append(last_shell)
        elif (lang in ("text", "json") and last_shell is not None and len(last_shell.commands) == 1
              and not text[last_end:m.start()].strip()):
            last_shell.output = Block(lang, body, [])
        if lang not in ("bash", "sh", "console"):
            last_shell = None
        last_end = m.end()
    return blocks


def readme_commands() -> list[str]:
    return [c for b in readme_blocks(README.read_text(encoding="utf-8")) for c in b.commands]


def shell_env(home: Path, data_dir: Path) -> dict[str, str]:
    """What a seller's shell has: the venv's bin first on PATH, a HOME, and here a data dir of the test's."""
    return clean_env(HOME=str(home), SHOPTALLY_DATA_DIR=str(data_dir), TMPDIR=str(home),
                     PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def shell(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT)


def test_the_readme_shows_commands_in_shell_blocks() -> None:
    """The parse finds the README's commands (a README rewritten with bare ``` blocks would pass vacuously)."""
    commands = readme_commands()
    assert "shoptally import docs/examples/TikTok本土_MugHouse_结算报告_2025-10.xlsx" in commands
    assert "scripts/test" in commands
    assert DEMO in commands
    assert len([c for c in commands if c.startswith("shoptally ")]) >= 30


def test_every_readme_command_is_run_or_listed() -> None:
    """A new command in the README runs here, or is listed in SKIPPED with its reason; no entry of the
    lists names a command the README no longer shows."""
    commands = readme_commands()
    for command in commands:
        if command not in SKIPPED:
            assert command.startswith("shoptally "), f"{command!r} is neither a shoptally command nor listed"
    shown = set(commands)
    for listed in (*SKIPPED, *EXPECTED, DEMO):
        assert listed in shown, f"{listed!r} is listed here but the README no longer shows it"


def _same_output(block: Block, stdout: str, command: str) -> None:
    if block.lang == "json":
        assert json.loads(stdout) == json.loads(block.body), command
    else:
        got = [line.rstrip() for line in stdout.strip("\n").splitlines()]
        assert got == [line.rstrip() for line in block.body.strip("\n").splitlines()], command


def test_readme_commands_run(tmp_path: Path) -> None:
    """Every command of the README that is not listed, in order, beside a daemon on the same fresh data dir."""
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = shell_env(home, data)
    assert (BIN / "shoptally").exists(), f"no shoptally script beside {sys.executable}"
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    ran = 0
    with Daemon(data, None, "--no-scheduler", env=env) as daemon:
        for block in blocks:
            for command in block.commands:
                if command in SKIPPED or command == DEMO:
                    continue
                res = shell(command, env)
                said = res.stdout + res.stderr
                assert "Traceback" not in said, f"{command}\n{said}"
                code, words = EXPECTED.get(command, (0, ""))
                assert res.returncode == code, f"{command}: exit {res.returncode}\n{said}"
                if code == 0:
                    assert res.stdout.strip(), f"{command} printed nothing\n{res.stderr}"
                    if block.output is not None:
                        _same_output(block.output, res.stdout, command)
                    if command == "shoptally open --print":  # exactly the link that signs a browser in
                        assert res.stdout.strip() == f"{daemon.base}/?token={daemon.token}"
                else:
                    assert words in res.stderr, f"{command}\n{said}"
                ran += 1
    assert ran >= 25


def _get(url: str, token: str = "") -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with _NO_PROXY.open(urllib.request.Request(url, headers=headers), timeout=60) as resp:
        return json.loads(resp.read())


def _wait_for_daemon(proc: subprocess.Popen, data_dir: Path, log: Path) -> dict:
    """Until daemon.json names this process and its port answers /api/ping."""
    deadline = time.monotonic() + DEMO_TIMEOUT
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"serve --demo exited with {proc.returncode}:\n{log.read_text()}"
        try:
            info = json.loads((data_dir / "daemon.json").read_text())
        except (OSError, ValueError):
            info = None
        if isinstance(info, dict) and info.get("pid") == proc.pid:
            try:
                if _get(f"{info['url']}api/ping").get("app") == "shoptally":
                    return info
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"serve --demo did not answer /api/ping within {DEMO_TIMEOUT}s:\n{log.read_text()}")


def test_serve_demo(tmp_path: Path) -> None:
    """The README's `serve --demo --data-dir ~/shoptally-demo` (with --port 0 --no-tray) serves the demo's
    four stores: the Finance view's report holds them, and it says which data dir it made."""
    home = tmp_path / "home"
    home.mkdir()
    data = home / "shoptally-demo"
    env = shell_env(home, tmp_path / "unused")
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["bash", "-c", f"exec {DEMO} --port 0 --no-tray"], cwd=REPO, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        info = _wait_for_daemon(proc, data, log)
        token = (data / "token").read_text().strip()
        report = _get(f"{info['url']}api/report?period=all&by=store", token)
        stores = {row["key"]["account"] for row in report["rows"]}
        assert stores == DEMO_STORES, report
        assert all((row["quantity"] > 0) != (row["key"]["account"] in NO_UNITS) for row in report["rows"]), report
        assert str(data) in log.read_text()
        cli = shell(f"shoptally report --period all --data-dir {data}", env)
        assert cli.returncode == 0, cli.stderr
        assert all(name in cli.stdout for name in DEMO_STORES), cli.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(60)
    assert proc.returncode == 0, log.read_text()
    assert not (data / "daemon.json").exists()



LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.M)


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_readme_links_resolve() -> None:
    """Every link of the README to a file of this repository (and to a heading in it) leads somewhere, so
    each item of "What works" can be found."""
    text = README.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        doc = (REPO / path) if path else README
        assert doc.exists(), f"README links to {target}, which does not exist"
        if anchor:
            headings = {_slug(h) for h in HEADING.findall(doc.read_text(encoding="utf-8"))}
            assert anchor in headings, f"README links to {target}: no such heading in {doc.name}"

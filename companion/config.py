"""Where things live: data dir, database URL, port, token, daemon.json. CLI > env > default."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from platformdirs import user_data_dir

from companion.extension_id import EXTENSION_ID

DEFAULT_PORT = 47810
APP_NAME = "shoptally"
TOKEN_FILE = "token"
DAEMON_FILE = "daemon.json"
LOCK_FILE = "daemon.lock"
DB_FILE = "shoptally.db"
DEMO_POINTER_FILE = "demo.json"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass
class Config:
    data_dir: Path
    database_url: str
    extension_ids: tuple[str, ...] = field(default=(EXTENSION_ID,))

    @property
    def token_path(self) -> Path:
        return self.data_dir / TOKEN_FILE

    @property
    def daemon_path(self) -> Path:
        return self.data_dir / DAEMON_FILE

    @property
    def lock_path(self) -> Path:
        return self.data_dir / LOCK_FILE

    @property
    def backups_dir(self) -> Path:
        """Automatic backups (before a migration or a restore, weekly) and, by default, manual ones."""
        return self.data_dir / "backups"


def resolve(data_dir: str | None = None, database_url: str | None = None,
            env: os._Environ | dict | None = None) -> Config:
    env = os.environ if env is None else env
    chosen = data_dir or env.get("SHOPTALLY_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser().resolve()
    url = database_url or env.get("SHOPTALLY_DATABASE_URL") or sqlite_url(path / DB_FILE)
    extra = tuple(i.strip() for i in env.get("SHOPTALLY_EXTENSION_IDS", "").split(",") if i.strip())
    return Config(path, url, (EXTENSION_ID, *extra))


def holds_no_database(cfg: Config) -> bool:
    """True when the database is the data dir's own SQLite file and it does not exist: a data dir nothing was
    ever stored in (a typo, or a first run). A database named by URL (PostgreSQL, a file elsewhere) is the
    seller's explicit choice and is not judged here."""
    return cfg.database_url == sqlite_url(cfg.data_dir / DB_FILE) and not (cfg.data_dir / DB_FILE).exists()


def demo_pointer_path() -> Path:
    """Where a `serve --demo` on a temporary folder says which folder it uses, while it runs: in the platform's
    data dir, the one commands use when the seller names no data dir (and no database)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)).expanduser().resolve() / DEMO_POINTER_FILE


def write_demo_pointer(path: Path, data_dir: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "data_dir": str(data_dir)}))
    os.replace(tmp, path)


def read_demo_pointer(path: Path) -> tuple[int, Path] | None:
    """(pid, data dir) of the demo that wrote the pointer, or None. Whether it still runs is the caller's
    question (it asks the demo's daemon, so a pointer left by a killed demo leads nowhere)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not (isinstance(doc, dict) and isinstance(doc.get("pid"), int) and isinstance(doc.get("data_dir"), str)):
        return None
    return doc["pid"], Path(doc["data_dir"])


def remove_demo_pointer(path: Path) -> None:
    """Only this process's pointer: a later demo may have replaced it."""
    found = read_demo_pointer(path)
    if found is not None and found[0] == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


PRIVATE_FILES = (TOKEN_FILE, DAEMON_FILE, LOCK_FILE, DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", DB_FILE + "-journal")


def keep_private(cfg: Config) -> None:
    """The data dir, its database and its backups readable by the seller's own account only (0700 / 0600):
    the finance data of a shared computer is nobody else's. New files are private by the umask the CLI sets;
    this fixes what an earlier version left readable. Best effort: a folder of another owner is left alone."""
    if os.name != "posix":
        return
    for folder in (cfg.data_dir, cfg.backups_dir):
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    candidates = [cfg.data_dir / name for name in PRIVATE_FILES]
    with contextlib.suppress(OSError):
        candidates += [p for p in cfg.backups_dir.iterdir() if p.is_file()]
    for path in candidates:
        with contextlib.suppress(OSError):
            path.chmod(0o600)


def ensure_token(cfg: Config) -> str:
    """The token file, created once with mode 0600. Its content is never logged; the one URL that holds it is
    the sign-in link below, which the seller's own tray, terminal and browser see."""
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(cfg.token_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_token(cfg)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(32))
    return read_token(cfg)


def read_token(cfg: Config) -> str:
    return cfg.token_path.read_text().strip()


def signin_link(port: int, token: str) -> str:
    """The link that opens the Finance view signed in (server/signin.py turns it into a session cookie and
    drops the token from the address bar): the tray's Open Finance, `shoptally open`, `shoptally serve`."""
    return f"http://127.0.0.1:{port}/?token={quote(token, safe='')}"


def write_daemon_info(cfg: Config, info: dict) -> None:
    tmp = cfg.daemon_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info))
    os.replace(tmp, cfg.daemon_path)


def read_daemon_info(cfg: Config) -> dict | None:
    try:
        info = json.loads(cfg.daemon_path.read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("port"), int) else None


class DataDirLock:
    """An OS lock on the data dir: released by the OS even when the daemon is killed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held for the daemon's lifetime
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

"""The backup file: one ZIP with `manifest.json` and `data.jsonl.gz`, every table of the dataset as JSON lines.

A logical export rather than a copy of the SQLite file: the same file restores into SQLite or PostgreSQL,
an older one is migrated on the way in, and the cloud bundle (issue: cross-device sync) is this file,
encrypted. `data.jsonl.gz` holds, per table, a header line `{"table": NAME, "columns": [...]}` and then one
JSON array per row; bytes are `{"$b64": "..."}`. The manifest names the app, format, app version, schema
(applied migrations), when and why it was made, the rows per table and the sha256 of `data.jsonl.gz`.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from companion.errors import Unprocessable
from companion.store.progress import Progress, silent

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl.gz"
MAX_MANIFEST = 1 << 20
SUFFIX = ".shoptally-backup"


class BackupError(Unprocessable):
    """A backup file that cannot be used: one sentence, and the file as the error's `file`."""


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: Iterable[tuple]


def _encode(value):
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _decode(value):
    if isinstance(value, dict):
        return base64.b64decode(value["$b64"])
    return value


class _Hashing(io.RawIOBase):
    """A writable that hashes and counts what passes through to the zip member."""

    def __init__(self, out) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.digest.update(b)
        self.size += len(b)
        self.out.write(b)
        return len(b)


REPORT_EVERY = 256  # rows between two progress reports (each costs a clock read)


def write(path: Path, manifest: dict, tables: Iterable[Table], progress: Progress = silent,
          total: int | None = None, stage: str = "backup") -> dict:
    """Write the archive to `path`, streamed (a large dataset never sits in memory whole), through a
    temporary file renamed at the end: a killed backup leaves no half file under the name. Returns the
    manifest as written, with counts and checksum. `progress`: rows written, of `total`."""
    tmp = path.with_name(path.name + ".part")
    counts: dict[str, int] = {}
    written = 0
    progress(0, total, "rows", stage)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
            with z.open(DATA, "w", force_zip64=True) as member:
                hashing = _Hashing(member)
                gz = gzip.GzipFile(fileobj=hashing, mode="wb", compresslevel=6, mtime=0)
                buffered = io.BufferedWriter(gz, buffer_size=1 << 20)  # one compress call per MiB, not per row
                try:
                    for table in tables:
                        buffered.write(json.dumps({"table": table.name, "columns": table.columns}).encode() + b"\n")
                        n = 0
                        for row in table.rows:
                            buffered.write(json.dumps([_encode(v) for v in row], ensure_ascii=False,
                                                      separators=(",", ":")).encode() + b"\n")
                            n += 1
                            if not n % REPORT_EVERY:
                                progress(written + n, total, "rows", stage)
                        counts[table.name] = n
                        written += n
                        progress(written, total, "rows", stage)
                finally:
                    buffered.close()  # closes the gzip stream too, writing its trailer
            out = {**manifest, "format": FORMAT, "tables": counts, "sha256": hashing.digest.hexdigest(),
                   "size": hashing.size}
            z.writestr(MANIFEST, json.dumps(out, ensure_ascii=False, indent=1))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    progress(written, written, "rows", stage)
    return out


def read_manifest(path: Path) -> dict:
    """The manifest of a backup file, checked to be ours; raises BackupError naming the file."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(MANIFEST)
            if info.file_size > MAX_MANIFEST:
                raise BackupError.of("backup_manifest_too_large", file=name)
            manifest = json.loads(z.read(MANIFEST))
    except FileNotFoundError:
        raise BackupError.of("backup_no_such_file", file=name) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        raise BackupError.of("backup_no_manifest", file=name) from None
    if not isinstance(manifest, dict) or manifest.get("app") != "shoptally":
        raise BackupError.of("backup_not_ours", file=name)
    if manifest.get("format") != FORMAT:
        raise BackupError.of("backup_format_unknown", value=manifest.get("format"), supported=FORMAT, file=name)
    return manifest


def verify(path: Path) -> dict:
    """Manifest checked and the data's sha256 and size compared, before anything is changed."""
    manifest = read_manifest(path)
    digest = hashlib.sha256()
    size = 0
    try:
        with zipfile.ZipFile(path) as z, z.open(DATA) as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise BackupError.of("backup_data_unreadable", file=path.name) from None
    if size != manifest.get("size") or digest.hexdigest() != manifest.get("sha256"):
        raise BackupError.of("backup_checksum_mismatch", file=path.name)
    return manifest


def tables(path: Path) -> Iterator[Table]:
    """The tables of a verified file, each read lazily (a table's rows must be consumed before the next). A
    checksum proves only that the file was not changed after it was made: every line is still bounded and
    checked, so a crafted file is refused in one sentence instead of exhausting memory."""
    with zipfile.ZipFile(path) as z, z.open(DATA) as raw, gzip.GzipFile(fileobj=raw) as gz:
        lines = _bounded_lines(gz, path.name)
        pending: dict | None = None
        while True:
            header = pending or _next_json(lines, path.name)
            pending = None
            if header is None:
                return
            if not (isinstance(header.get("table"), str) and isinstance(header.get("columns"), list)):
                raise BackupError.of("backup_data_table_header", file=path.name)
            holder: list[dict] = []

            def rows(holder=holder, header=header) -> Iterator[tuple]:
                for line in lines:
                    item = _json(line, path.name)
                    if isinstance(item, dict):
                        holder.append(item)
                        return
                    if not isinstance(item, list) or len(item) != len(header["columns"]):
                        raise BackupError.of("backup_data_row_columns", table=header["table"], file=path.name)
                    yield tuple(_decode(v) for v in item)

            yield Table(header["table"], header["columns"], rows())
            if holder:
                pending = holder[0]


# The longest row a backup holds is a raw capture of an imported file (256 MiB, compressed, then base64); a
# row longer than SHAPE_CHECK must be such a row: few values, one of them long.
MAX_LINE = 512 << 20
SHAPE_CHECK = 1 << 20
MAX_VALUES = 4096


def _bounded_lines(gz, name: str) -> Iterator[bytes]:
    while line := gz.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE:
            raise BackupError.of("backup_data_line_too_long", mib=MAX_LINE >> 20, file=name)
        if len(line) > SHAPE_CHECK and line.count(b",") + line.count(b"[") + line.count(b"{") > MAX_VALUES:
            raise BackupError.of("backup_data_too_many_values", file=name)
        yield line


def _json(line: bytes, name: str):
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        raise BackupError.of("backup_data_not_json", file=name) from None


def _next_json(lines: Iterator[bytes], name: str) -> dict | None:
    for line in lines:
        item = _json(line, name)
        if not isinstance(item, dict):
            raise BackupError.of("backup_data_rows_first", file=name)
        return item
    return None

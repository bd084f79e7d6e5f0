"""A backup whose checksum holds can still be crafted: its lines are bounded and checked, and a crafted file is
refused in one line, exit 2, with nothing changed (a 300 MiB line of small values once exhausted memory)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import zipfile
from pathlib import Path

from companion.backup import archive
from tests.support import TOKEN
from tests.support.builders import view_headers
from tests.support.daemon import cli, report, table_counts
from tests.support.tables import bench_export as export


def _crafted(good: Path, folder: Path, name: str, data: bytes) -> Path:
    """`good`'s manifest over other data, its checksum and size made to match: it passes `verify`."""
    body = gzip.compress(data, mtime=0)
    path = folder / f"{name}.shoptally-backup"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        manifest = json.loads(src.read(archive.MANIFEST))
        manifest.update(sha256=hashlib.sha256(body).hexdigest(), size=len(body))
        dst.writestr(archive.MANIFEST, json.dumps(manifest))
        dst.writestr(archive.DATA, body)
    archive.verify(path)
    return path


def test_crafted_data_with_a_good_checksum_is_refused_in_one_line_and_changes_nothing(db_url, tmp_path):
    data = tmp_path / "data"
    assert cli(data, db_url, "import", str(export(tmp_path, 20))).code == 0
    good = tmp_path / "good.shoptally-backup"
    assert cli(data, db_url, "backup", "create", "--out", str(good)).code == 0
    before, counts = report(data, db_url), table_counts(db_url)
    header = b'{"table":"store","columns":["id","name"]}\n'
    many = b"[[" + b"1," * (archive.SHAPE_CHECK // 2) + b"1],2]\n"  # 1 MiB of small values, 2 KiB gzipped
    cases = {
        "many": (header + many, "a line of its data holds more values than any row of a table (a crafted or "
                                "damaged file)"),
        "garbage": (header + b"not json\n", "its data is not what shoptally writes (a line that is not JSON)"),
        "deep": (header + b"[" * 100_000 + b"]" * 100_000 + b"\n",
                 "its data is not what shoptally writes (a line that is not JSON)"),
        "orphan": (b"[1,2]\n", "its data is not what shoptally writes (rows before their table)"),
        "shape": (header + b"[1,2,3]\n", "its data is not what shoptally writes (a row of store that does not "
                                         "match its columns)"),
    }
    for name, (lines, message) in cases.items():
        path = _crafted(good, tmp_path, name, lines)
        assert len(path.read_bytes()) < 64 * 1024, name  # small files: the danger was in what they unpack to
        res = cli(data, db_url, "backup", "restore", str(path), "--yes")
        assert (res.code, res.out, res.err) == (2, "", f"shoptally: {path.name}: {message}\n"), name
        assert report(data, db_url) == before and table_counts(db_url) == counts, name
        # a refused restore changed nothing, so it leaves no safety backup behind either
        assert list((data / "backups").glob("*pre-restore*")) == [], name


async def _parts(folder: Path, until_none: bool) -> list[Path]:
    """The .part files in `folder`, once there are none (or the deadline passed): the handler's cleanup runs
    after the client is gone, so the test waits for that state rather than sleeping."""
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        parts = list(folder.glob("*.part")) if folder.exists() else []
        if not parts or not until_none or asyncio.get_running_loop().time() > deadline:
            return parts
        await asyncio.sleep(0.05)


async def test_an_upload_that_ends_short_of_a_backup_leaves_no_part_file(client, service):
    folder = service.cfg.backups_dir
    headers = {**view_headers(client.port), "Content-Type": "application/octet-stream"}
    resp = await client.post("/api/backup/upload?name=notes.shoptally-backup", data=b"not a backup" * 1000,
                             headers=headers)
    answer = await resp.json()
    assert (resp.status, answer["kind"], answer["file"]) == (422, "unprocessable", "notes.shoptally-backup")
    assert await _parts(folder, until_none=True) == []
    # the browser goes away half-way through a large upload
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write((f"POST /api/backup/upload?name=big.shoptally-backup HTTP/1.1\r\nHost: 127.0.0.1:{client.port}\r\n"
                  f"Origin: http://127.0.0.1:{client.port}\r\nAuthorization: Bearer {TOKEN}\r\n"
                  "Content-Type: application/octet-stream\r\n"
                  f"Content-Length: {50 << 20}\r\n\r\n").encode() + b"x" * (3 << 20))
    await writer.drain()
    deadline = asyncio.get_running_loop().time() + 10
    while not list(folder.glob("*.part")) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)  # the upload has begun: its .part exists
    assert list(folder.glob("*.part"))
    writer.close()
    assert await _parts(folder, until_none=True) == []
    assert [p.name for p in folder.iterdir()] == []

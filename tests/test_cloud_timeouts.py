"""A storage that never answers: the pull's download runs off the writer (captures and edits go on), and every
cloud call gives up within its timeout with one sentence; a download larger than any bundle is refused; the
downloaded file is removed however a pull ends."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from companion.cloud import crypto, sync, targets
from companion.store.workers import Inline, complete

KEY = "草莓-mug-2026"
READ_TIMEOUT = 2


@pytest.fixture
def silent():
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte; `accepted` is set at
    the first connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)
            accepted.set()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()
    for conn in held:
        conn.close()


@pytest.fixture
def short_timeouts(monkeypatch, tmp_path):
    monkeypatch.setenv("SHOPTALLY_CLOUD_CONNECT_TIMEOUT", "2")
    monkeypatch.setenv("SHOPTALLY_CLOUD_READ_TIMEOUT", str(READ_TIMEOUT))
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    return temp


async def test_a_pull_from_a_silent_webdav_server_holds_up_no_write_and_fails_in_time(service, silent,
                                                                                    short_timeouts):
    port, accepted = silent
    target = f"webdav://127.0.0.1:{port}/x/"
    started = time.monotonic()
    pull = asyncio.create_task(service.cloud_pull(KEY, target, write=True))
    assert await asyncio.to_thread(accepted.wait, 10)
    # the download waits on the server; the writer is free: a write goes through at once
    assert await asyncio.wait_for(service.writer.run(lambda: 1), 1) == 1
    assert not pull.done()
    with pytest.raises(targets.TargetError) as failed:
        await pull
    assert time.monotonic() - started < READ_TIMEOUT + 5
    assert str(failed.value) == (f"webdav://127.0.0.1:{port}/x/: the WebDAV server did not answer in time (connect "
                                 f"timeout 2 s, read timeout {READ_TIMEOUT} s); try again later")
    assert list(short_timeouts.iterdir()) == []  # the pull's folder is gone


def test_push_and_a_preview_to_a_silent_server_fail_in_time(db, silent, short_timeouts):
    port, _accepted = silent
    target = f"webdav://u:secret@127.0.0.1:{port}/x/"
    message = (f"webdav://***@127.0.0.1:{port}/x/: the WebDAV server did not answer in time (connect timeout 2 s, "
               f"read timeout {READ_TIMEOUT} s); try again later")
    for run in (lambda: sync.push(db, KEY, "office", target),
                lambda: complete(sync.pull_into(Inline(db), KEY, target, write=False))):
        started = time.monotonic()
        with pytest.raises(targets.TargetError) as failed:
            run()
        assert time.monotonic() - started < READ_TIMEOUT + 5
        assert str(failed.value) == message
    assert list(short_timeouts.iterdir()) == []


def test_s3_client_has_timeouts_and_a_silent_endpoint_fails_in_time(silent, short_timeouts):
    port, _accepted = silent
    target = targets.open_target(f"s3://k:s@bucket/x?endpoint=http://127.0.0.1:{port}")
    config = target.client.meta.config
    assert (config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"]) == (2, READ_TIMEOUT, 2)
    started = time.monotonic()
    with pytest.raises(targets.TargetError) as failed:
        target.get("name")
    assert time.monotonic() - started < 2 * READ_TIMEOUT + 5  # two attempts at most
    assert str(failed.value).startswith(f"s3://***@bucket/x?endpoint=http://127.0.0.1:{port}: cannot reach the "
                                        "storage (Read timeout on endpoint URL")


def test_a_download_larger_than_any_bundle_is_refused_and_its_file_removed(db, tmp_path, monkeypatch,
                                                                         short_timeouts):
    cloud = tmp_path / "cloud"
    target = f"file://{cloud}"
    sync.push(db, KEY, "office", target)
    bundle = cloud / crypto.object_name(KEY)
    assert complete(sync.pull_into(Inline(db), KEY, target, write=True))["merged"] is True
    monkeypatch.setattr(targets, "MAX_DOWNLOAD", bundle.stat().st_size - 1)
    with pytest.raises(targets.TargetError) as failed:
        complete(sync.pull_into(Inline(db), KEY, target, write=True))
    assert str(failed.value) == (f"{cloud}: the cloud copy is larger than {targets.MAX_DOWNLOAD} bytes, more than any "
                                 "push makes; nothing was merged")
    assert list(short_timeouts.iterdir()) == []


def test_the_capped_read_refuses_a_stream_longer_than_announced(monkeypatch):
    import io

    monkeypatch.setattr(targets, "MAX_DOWNLOAD", 10)
    monkeypatch.setattr(targets, "CHUNK", 4)
    assert targets._read_capped(io.BytesIO(b"x" * 10), None, "t") == b"x" * 10
    with pytest.raises(targets.TargetError):
        targets._read_capped(io.BytesIO(b"x" * 11), 5, "t")  # a server that says less than it sends
    with pytest.raises(targets.TargetError):
        targets._read_capped(io.BytesIO(b""), 11, "t")  # refused before anything is read


def test_the_timeouts_default_and_ignore_nonsense(monkeypatch):
    monkeypatch.setenv("SHOPTALLY_CLOUD_READ_TIMEOUT", "soon")
    monkeypatch.delenv("SHOPTALLY_CLOUD_CONNECT_TIMEOUT", raising=False)
    assert (targets.connect_timeout(), targets.read_timeout()) == (10, 60)

"""Credentials kept by an older version leave for good (issue #13 item 5): migration 0008 scrubs every kept
capture with the rule captures arriving get, the backup made before it holds none, every backup and cloud
bundle written holds none, and a restore of an old backup or a pull of an old device's bundle brings none
back. Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion.backup import archive, restore, snapshot
from companion.cloud import crypto, sync
from companion.pipeline import ingest
from companion.sources.urls import scrub_message
from companion.store.db import close_database, make_database, migration_runner
from companion.store.models import RawCapture, SettlementLine, database
from companion.store.workers import Inline, complete
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.builders import order_list_capture, order_row

SECRETS = ("hunter2", "s3cr3t-app", "rt-123", "sig-abc", "AKIAEXAMPLE", "csrf-999", "cookie-val", "xyz-auth",
           "pw-456", "nested-secret", "SECRET", "SIG")
V7 = "0007_sync_schedules"
KEY = "草莓-mug-2026"


def leaky_capture(capture_id: str = "leaky-1") -> dict:
    """A TikTok order-list capture as a sender that scrubbed nothing sends it."""
    cap = order_list_capture([order_row(1, "3.00"), order_row(2, "-1.25", trade_type="Refund")],
                             capture_id=capture_id, captured_at="2025-11-02T08:00:00+00:00")
    cap["url"] = "https://seller:hunter2@seller-us.tiktok.com/finance/bills?tab=settled&app_secret=s3cr3t-app#x"
    request = cap["payload"]["request"]
    request["url"] += "&refresh_token=rt-123&X-Amz-Signature=sig-abc&X-Amz-Credential=AKIAEXAMPLE&page=2"
    request["headers"] = {"Content-Type": "application/json", "Cookie": "sessionid=cookie-val",
                          "Authorization": "Bearer xyz-auth", "x-csrf-token": "csrf-999"}
    request["body"] = {"page_size": 50, "password": "pw-456", "filter": {"app_secret": "nested-secret", "tab": 2}}
    return cap


def leaks(text: str | bytes) -> list[str]:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return [s for s in SECRETS if s in text]


def store_unscrubbed(cap: dict) -> None:
    """The capture and its lines kept as an older version kept them: the frame as it arrived (inside the
    models' database's transaction)."""
    prepared = ingest.prepare_frame(json.dumps(cap))
    frame = json.dumps(cap).encode()
    raw = prepared.raw
    raw.url, raw.size, raw.sha256 = cap["url"], len(frame), hashlib.sha256(frame).hexdigest()
    raw.compressed = zlib.compress(frame)
    ingest.commit(prepared)


def old_database(url: str, target: str | None = V7):
    """A database at schema `target` (None: this version's) whose models are bound to it."""
    old = make_database(url)
    old.connect()
    migration_runner(old).up(target=target)
    database.initialize(old)
    return old


def backup_text(path: Path) -> str:
    """A backup's data as text, every kept payload in it decompressed."""
    with zipfile.ZipFile(path) as z:
        data = gzip.decompress(z.read(archive.DATA)).decode()
    out = [data]
    for line in data.splitlines():
        for value in json.loads(line) if line.startswith("[") else []:
            if isinstance(value, dict) and "$b64" in value:
                out.append(zlib.decompress(base64.b64decode(value["$b64"])).decode())
    return "\n".join(out)


def old_backup(path: Path, target: str | None = V7) -> Path:
    """A backup as an older shoptally wrote it (nothing scrubbed) of a database at schema `target` (None: this
    version's; a crafted file) holding the leaky capture."""
    old = old_database(f"sqlite:///{path.with_suffix('.db')}", target)
    run_inline(old, store_unscrubbed, leaky_capture("from-old"))
    with old.atomic():
        manifest = {"app": "shoptally", "version": "0.1.0", "schema": snapshot.applied_migrations(old),
                    "created_at": datetime.now(UTC).isoformat(), "reason": "manual", "database": "sqlite"}
        archive.write(path, manifest, snapshot.tables_of(old))
    old.close()
    assert leaks(backup_text(path))  # what the old version wrote does hold them
    return path


def assert_kept_clean(capture_id: str) -> None:
    row = RawCapture.get(RawCapture.capture_id == capture_id)
    data = zlib.decompress(row.payload)
    assert leaks(data) == [] and leaks(row.url) == []
    assert (row.size, row.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    msg = json.loads(data)
    assert msg["url"] == row.url == "https://seller-us.tiktok.com/finance/bills?tab=settled"
    assert msg["payload"]["request"]["headers"] == {"content-type": "application/json"}
    assert msg["payload"]["request"]["body"] == {"page_size": 50, "filter": {"tab": 2}}
    assert msg["payload"]["request"]["url"].endswith("&page=2")
    assert msg["payload"]["body"] == leaky_capture()["payload"]["body"]  # the response, as it arrived


def lines() -> list[tuple]:
    return sorted((ln.natural_key, str(ln.settlement_amount), ln.status, ln.order_id, ln.capture)
                  for ln in SettlementLine.select())


@pytest.fixture
def migrated(db_url, tmp_path):
    """The test's database made by version 7 with a capture kept unscrubbed and one kept clean, then opened by
    this version (as the daemon opens it: a backup first, then the migrations). Before the `db` fixture."""
    old = old_database(db_url)
    run_inline(old, store_unscrubbed, leaky_capture())
    clean = order_list_capture([order_row(7, "9.99")], capture_id="clean-1")
    clean["payload"]["request"]["url"] = clean["payload"]["request"]["url"].replace("&token=SECRET&sign=SIG", "")
    run_inline(old, ingest.commit, ingest.prepare_frame(json.dumps(clean)))
    before = {"lines": lines(), "clean": RawCapture.get(RawCapture.capture_id == "clean-1").payload}
    assert leaks(zlib.decompress(RawCapture.get(RawCapture.capture_id == "leaky-1").payload))
    old.close()
    backups = tmp_path / "backups"
    snapshot.open_database(db_url, backup_dir=backups)
    close_database()
    (before["backup"],) = backups.iterdir()
    return before


async def test_the_migration_scrubs_kept_captures_and_the_backup_before_it_holds_none(migrated, client, service, db):
    assert_kept_clean("leaky-1")
    assert bytes(RawCapture.get(RawCapture.capture_id == "clean-1").payload) == bytes(migrated["clean"])
    assert lines() == migrated["lines"] and len(lines()) == 3  # the money is untouched
    listed = await (await get(client, "/api/captures")).json()
    assert leaks(json.dumps(listed)) == []
    assert {c["id"]: c["url"] for c in listed["captures"]}["leaky-1"] == "https://seller-us.tiktok.com/finance/bills?tab=settled"
    # the backup taken right before migrating holds no credential either
    assert "pre-migration" in migrated["backup"].name and leaks(backup_text(migrated["backup"])) == []
    # a reparse of the scrubbed capture gives the same lines
    res = await service.reparse(None)
    assert (res["captures"], res["added"], res["updated"], res["errors"]) == (2, 0, 0, [])
    assert lines() == migrated["lines"]
    # running it again changes nothing, byte for byte
    kept = [(r.url, bytes(r.payload), r.size, r.sha256) for r in RawCapture.select().order_by(RawCapture.id)]
    (step,) = [m for m in migration_runner(db).migrations() if m.name == "0008_scrub_kept_captures"]
    run_inline(db, step.load().up, None, db)
    assert [(r.url, bytes(r.payload), r.size, r.sha256) for r in RawCapture.select().order_by(RawCapture.id)] == kept


def test_the_migration_reads_a_batch_at_a_time_and_reaches_every_capture(db):
    def keep_many() -> None:
        for n in range(23):
            store_unscrubbed(leaky_capture(f"many-{n}"))

    run_inline(db, keep_many)
    (step,) = [m for m in migration_runner(db).migrations() if m.name == "0008_scrub_kept_captures"]
    module = step.load()
    module.BATCH = 5
    run_inline(db, module.up, None, db)
    for n in range(23):
        assert_kept_clean(f"many-{n}")


def test_a_backup_of_a_database_holding_credentials_holds_none(db, tmp_path):
    run_inline(db, store_unscrubbed, leaky_capture())
    assert leaks(zlib.decompress(RawCapture.get().payload))
    out = snapshot.create(db, tmp_path / "b.shoptally-backup")
    assert out["tables"]["raw_capture"] == 1
    text = backup_text(tmp_path / "b.shoptally-backup")
    assert leaks(text) == [] and "order_records" in text  # the response is kept


@pytest.mark.parametrize("schema", [V7, None], ids=["old-version", "this-version"])
def test_a_restore_of_a_backup_holding_credentials_keeps_none(db, tmp_path, schema):
    path = old_backup(tmp_path / "old.shoptally-backup", schema)
    database.initialize(db)
    res = complete(restore.restore_file(Inline(db), path, tmp_path / "backups"))
    assert res["tables"]["raw_capture"] == 1 and res["tables"]["settlement_line"] == 2
    assert_kept_clean("from-old")


@pytest.mark.parametrize("schema", [V7, None], ids=["old-version", "this-version"])
def test_a_pull_of_a_bundle_holding_credentials_keeps_none(db, tmp_path, schema):
    path = old_backup(tmp_path / "old.shoptally-backup", schema)
    database.initialize(db)
    cloud = tmp_path / "cloud"
    cloud.mkdir()
    (cloud / crypto.object_name(KEY)).write_bytes(crypto.encrypt(KEY, path.read_bytes()))
    res = complete(sync.pull_into(Inline(db), KEY, f"file://{cloud}", True))
    assert res["tables"]["raw_capture"]["added"] == 1 and res["tables"]["settlement_line"]["added"] == 2
    assert_kept_clean("from-old")


def test_one_rule_for_every_shape_a_request_came_in():
    cap = leaky_capture()
    clean = scrub_message(cap)
    assert clean is not cap and leaks(json.dumps(clean)) == [] and leaks(json.dumps(cap))
    assert scrub_message(clean) is clean  # nothing left to drop: the same message back
    request = {"method": "POST", "url": "https://agentseller.temu.com/api/x", "headers": [
        {"name": "MallId", "value": "634"}, {"name": "Cookie", "value": "cookie-val"}],
        "body": json.dumps({"mallId": 634, "refresh_token": "rt-123"})}
    clean = scrub_message({"url": "", "payload": {"request": request}})["payload"]["request"]
    assert clean["headers"] == {"mallid": "634"} and json.loads(clean["body"]) == {"mallId": 634}
    form = {"url": "", "payload": {"request": {"url": "", "body": "user=me&password=pw-456&page=2"}}}
    assert scrub_message(form)["payload"]["request"]["body"] == "user=me&page=2"
    plain = {"url": "", "payload": {"request": {"url": "", "body": "just text"}}}
    assert scrub_message(plain) is plain

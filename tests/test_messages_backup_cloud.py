"""Backup, cloud and automation refusals reach the Finance view with a catalog code (issue #16 point 6): the
API's answer carries the code and its params beside the English sentence, so the view says it in Chinese;
a refusal wrapping another (the cloud copy's problem) carries that one nested."""

from __future__ import annotations

import pytest

from companion import errors
from companion.automation import schedules
from companion.cloud import crypto
from companion.sources.model import StoreRef
from companion.store import stores
from companion.store.writer import run_inline
from tests.support.builders import view_headers

KEY = "草莓-mug-2026"
SHOP = StoreRef("tiktok", "7495001", "US", "Mug shop", "USD", "America/Los_Angeles")


async def _post(client, path: str, body: dict) -> tuple[int, dict]:
    resp = await client.post(path, json=body, headers=view_headers(client.port))
    return resp.status, await resp.json()


@pytest.fixture
def shop(db):
    run_inline(db, stores.resolve, SHOP)


async def test_restoring_a_file_that_is_not_a_backup_is_refused_with_its_code(client, service):
    folder = service.cfg.backups_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.shoptally-backup").write_text("these are my notes", encoding="utf-8")
    status, body = await _post(client, "/api/backup/restore", {"name": "notes.shoptally-backup"})
    assert status == 422
    assert (body["code"], body["params"], body["file"]) == ("backup_no_manifest", {}, "notes.shoptally-backup")
    assert body["message"] == ("notes.shoptally-backup: not a shoptally backup (or a truncated one): it has no "
                               "readable manifest")
    assert errors.render(body["code"], body["params"], "zh") == \
        "不是 shoptally 备份（或是不完整的备份）：没有可读取的清单文件"


async def test_a_cloud_pull_with_a_wrong_key_is_refused_with_its_code(client, tmp_path):
    target = f"file://{tmp_path / 'cloud'}"
    status, body = await _post(client, "/api/cloud/push", {"key": KEY, "label": "office", "target": target})
    assert status == 200, body
    status, body = await _post(client, "/api/cloud/pull", {"key": "a-wrong-key", "target": target, "dry_run": True})
    assert status == 422
    assert (body["code"], body["params"]) == ("cloud_no_bundle", {"target": target})
    assert body["message"] == (f"no bundle for this key at {target}: push from the other device first, with the "
                               "same sync key")
    assert errors.render(body["code"], body["params"], "zh") == \
        f"{target} 上没有这个密钥的同步包：请先在另一台设备上用同一个同步密钥上传"
    status, body = await _post(client, "/api/cloud/pull", {"key": "short", "target": target, "dry_run": True})
    assert (status, body["code"], body["params"]) == (422, "cloud_key_short", {"min": 6})
    assert errors.render(body["code"], body["params"], "zh") == "同步密钥至少需要 6 个字符"


async def test_a_cloud_copy_that_is_not_a_backup_carries_the_backup_refusal_nested(client, tmp_path):
    folder = tmp_path / "cloud"
    folder.mkdir()
    (folder / crypto.object_name(KEY)).write_bytes(crypto.encrypt(KEY, b"not a zip file"))
    status, body = await _post(client, "/api/cloud/pull", {"key": KEY, "target": f"file://{folder}",
                                                           "dry_run": True})
    assert status == 422 and body["code"] == "cloud_copy_unusable_in"
    problem = {"code": "backup_no_manifest", "params": {},
               "message": "not a shoptally backup (or a truncated one): it has no readable manifest"}
    assert body["params"] == {"name": "bundle.shoptally-backup", "problem": problem}
    assert body["message"] == f"the cloud copy is not usable: bundle.shoptally-backup: {problem['message']}"
    assert errors.render(body["code"], body["params"], "zh") == \
        "云端副本无法使用：bundle.shoptally-backup：不是 shoptally 备份（或是不完整的备份）：没有可读取的清单文件"
    # a bundle sealed with another key: the decryption's own code, not a sentence only
    (folder / crypto.object_name(KEY)).write_bytes(crypto.encrypt("another-key", b"x"))
    status, body = await _post(client, "/api/cloud/pull", {"key": KEY, "target": f"file://{folder}",
                                                           "dry_run": True})
    assert (status, body["code"], body["params"]) == (422, "cloud_cannot_decrypt", {})
    assert errors.render(body["code"], {}, "zh") == "无法解密云端副本：同步密钥不同，或同步包已被改动或不完整"


async def test_a_bad_schedule_through_the_api_is_refused_with_its_code(client, service, shop):
    status, body = await _post(client, "/api/schedules", {"account": "Mug shop", "every": "5s"})
    assert status == 422
    assert (body["code"], body["params"]) == ("auto_every_range", {"value": "5s", "low": "15m"})
    assert body["message"] == "--every '5s': choose between 15m and 7d"
    assert errors.render(body["code"], body["params"], "zh") == "间隔“5s”：请选择 15m 到 7d 之间的间隔"
    status, body = await _post(client, "/api/schedules", {"account": "Mug shop", "at": "25:00"})
    assert (status, body["code"], body["params"]) == (422, "auto_at_bad", {"value": "25:00"})
    assert body["message"] == "--at: '25:00' is not a time of day such as 09:00 or 21:30 (24-hour clock)"


async def test_a_run_without_a_browser_carries_its_code_and_the_hint_nested(client, service, shop, monkeypatch):
    """The sync.run event, the run the runner answers and the run as stored (the view's runs table after a
    reload, and the schedule's last run) all say why in the view's language."""
    monkeypatch.setenv("SHOPTALLY_BROWSER", "/nonexistent/chromium")
    run = await service.runner.run("Mug shop", "manual")
    assert (run["status"], run["code"]) == ("browser_missing", "auto_browser_named_bad")
    assert run["params"]["value"] == "/nonexistent/chromium" and run["params"]["hint"]["code"] == "auto_install_hint"
    hint = run["params"]["hint"]["message"]
    assert run["error"] == f"SHOPTALLY_BROWSER='/nonexistent/chromium' is not a program: {hint}"
    assert errors.render(run["code"], run["params"], "zh").startswith(
        "SHOPTALLY_BROWSER=“/nonexistent/chromium”不是一个程序：请安装 Chromium 及其驱动")
    stored = await service.read(schedules.recent_runs, 1)
    assert (stored[0]["error"], stored[0]["code"], stored[0]["params"]) == (run["error"], run["code"], run["params"])
    await service.writer.run(schedules.set_schedule, "Mug shop", "6h")
    await service.runner.run("Mug shop", "schedule")
    [listed] = await service.read(schedules.listing)
    assert (listed["last_message"], listed["last_code"], listed["last_params"]) == (
        run["error"], "auto_browser_named_bad", run["params"])


def test_the_cli_keeps_its_english_sentences(db, shop):
    with pytest.raises(schedules.ScheduleError) as refused:
        run_inline(db, schedules.set_schedule, "Mug shop")
    assert (refused.value.code, refused.value.message) == ("auto_schedule_choose", "give one of --every, --at or off")
    with pytest.raises(crypto.SyncKeyError, match=r"^the sync key must be at least 6 characters$"):
        crypto.check_key("abc")

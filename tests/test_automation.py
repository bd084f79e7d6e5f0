"""Schedules, sync runs and the scheduler, in process against a real database and the extension protocol
(a client speaking it answers the sync command the way the extension does)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from companion.automation import scheduler as scheduler_module
from companion.automation import schedules
from companion.automation.scheduler import AutoSync
from companion.sources.model import StoreRef
from companion.store import stores
from companion.store.models import Setting, SyncRun, SyncSchedule
from companion.store.notify import postgres
from companion.store.writer import run_inline
from tests.support.app import FakeExtension
from tests.support.builders import view_headers

SHOP = StoreRef("tiktok", "7495001", "US", "Mug shop", "USD", "America/Los_Angeles")
TEMU = StoreRef("temu", "634418", "", "Temu 磁带店", "CNY", "Asia/Shanghai")


@pytest.fixture
def shops(db):
    run_inline(db, lambda: [stores.resolve(SHOP), stores.resolve(TEMU)])


@pytest.mark.parametrize("every, message", [
    ("6", "write a number and a unit, such as 30m, 6h or 1d"),
    ("5m", "choose between 15m and 7d"),
    ("8d", "choose between 15m and 7d"),
    ("six hours", "write a number and a unit"),
])
def test_bad_intervals_are_refused_with_what_to_write(db, shops, every, message):
    with pytest.raises(schedules.ScheduleError, match=message):
        run_inline(db, schedules.set_schedule, "Mug shop", every)
    assert SyncSchedule.select().count() == 0


@pytest.mark.parametrize("at, message", [
    ("9", "'9' is not a time of day such as 09:00"),
    ("24:00", "'24:00' is not a time of day"),
    ("09:00,", None),
    (",", "give times of day such as 09:00,21:00"),
])
def test_times_of_day_are_checked(db, shops, at, message):
    if message is None:
        assert run_inline(db, schedules.set_schedule, "Mug shop", None, at)["at"] == ["09:00"]
        return
    with pytest.raises(schedules.ScheduleError, match=message):
        run_inline(db, schedules.set_schedule, "Mug shop", None, at)


def test_next_run_of_times_of_day_is_in_the_store_zone(db, shops):
    row = SyncSchedule(every_seconds=None, at_times="09:00,21:00")
    after = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
    assert schedules.next_run(row, "America/Los_Angeles", after) == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    assert schedules.next_run(row, "Asia/Shanghai", after) == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    every = SyncSchedule(every_seconds=6 * 3600, at_times="")
    assert schedules.next_run(every, "UTC", after) == after + timedelta(hours=6)


def test_the_cli_sets_lists_and_turns_off_schedules_offline(db_url, tmp_path, capsys):
    from companion.cli.main import main
    from companion.store.db import close_database, open_database

    db = open_database(db_url)
    run_inline(db, lambda: stores.resolve(SHOP))
    close_database()
    common = ["--data-dir", str(tmp_path / "d"), "--database-url", db_url]
    assert main(["schedule", "set", "Mug shop", "--every", "6h", *common]) == 0
    assert "Mug shop: auto-sync every 6h; next run " in capsys.readouterr().out
    assert main(["schedule", "set", "Mug shop", "--every", "2m", *common]) == 2
    assert capsys.readouterr().err.strip() == "shoptally: --every '2m': choose between 15m and 7d"
    assert main(["schedule", "set", "Nope", "--at", "09:00", *common]) == 2
    assert "Nope" in capsys.readouterr().err
    assert main(["schedule", "set", "Mug shop", "--every", "6h", "--at", "09:00", *common]) == 2
    capsys.readouterr()
    assert main(["schedule", "list", "--json", *common]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["account"], s["every"], s["at"]) for s in listed["schedules"]] == [("Mug shop", "6h", None)]
    assert main(["schedule", "set", "Mug shop", "off", *common]) == 0
    assert capsys.readouterr().out.strip() == "Mug shop: auto-sync off"
    assert main(["schedule", "list", *common]) == 0
    assert "no schedules" in capsys.readouterr().out
    assert main(["schedule", "run-now", *common]) == 1
    assert "the daemon is not running" in capsys.readouterr().err


class WatchedScheduler(AsyncIOScheduler):
    """AutoSync's scheduler noting each job it submits and each run of one that ends, so that a test waits
    until the scheduler has dealt with everything due up to a moment instead of sleeping through it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submitted: list[str] = []
        self.ended: list[str] = []
        self.add_listener(self._note, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _note(self, event) -> None:
        (self.submitted if event.code == EVENT_JOB_SUBMITTED else self.ended).append(event.job_id)

    def fired(self) -> list[str]:
        """The ids of the jobs submitted so far, in order, markers left out."""
        return [job_id for job_id in self.submitted if not job_id.startswith("marker-")]

    async def passed(self, moment: datetime | None = None) -> None:
        """Until a marker job due at `moment` (now by default) has run, and every job submitted until then
        has ended. The scheduler submits each pass's due jobs together, so a job due at or before the marker
        was submitted with it or before it."""
        moment = moment or datetime.now(UTC)
        reached = asyncio.Event()

        async def mark() -> None:
            reached.set()

        self.add_job(mark, DateTrigger(run_date=moment), id=f"marker-{uuid.uuid4().hex}")
        wait = max(0.0, (moment - datetime.now(UTC)).total_seconds())
        await asyncio.wait_for(reached.wait(), wait + 10)
        deadline = time.monotonic() + 10
        while Counter(self.submitted) - Counter(self.ended):  # some submitted run has not ended yet
            assert time.monotonic() < deadline, (self.submitted, self.ended)
            await asyncio.sleep(0.02)


async def runs(service) -> list[SyncRun]:
    return await service.read(lambda: list(SyncRun.select().order_by(SyncRun.id)))


async def test_runs_never_overlap_and_a_store_is_not_queued_twice(client, service, shops):
    ext = await FakeExtension(client, delay=0.4).connect()
    try:
        results = await asyncio.gather(service.runner.run("Mug shop", "manual"),
                                       service.runner.run("Mug shop", "schedule"),
                                       service.runner.run("Temu 磁带店", "schedule"))
    finally:
        await ext.close()
    assert [r["status"] for r in results] == ["done", "skipped", "done"]
    assert results[1]["error"] == "a sync of this store is already queued or running"
    assert sorted((c["site"], c["account"]) for c in ext.commands) == [("temu", "Temu 磁带店"),
                                                                       ("tiktok", "Mug shop")]
    done = sorted((r for r in await runs(service) if r.status == "done"), key=lambda r: r.started_at)
    assert sorted((r.account, r.via, r.pages, r.records) for r in done) == [("Mug shop", "extension", 4, 30),
                                                                           ("Temu 磁带店", "extension", 4, 30)]
    assert done[1].started_at >= done[0].finished_at  # whichever came second waited for the first
    assert all(r.duration_ms >= 400 for r in done)


async def test_a_logged_out_seller_center_ends_the_run_as_login_expired(client, service, shops):
    ext = await FakeExtension(client, delay=0.05, error="not logged in: log in to the seller center").connect()
    try:
        run = await service.runner.run("Mug shop", "manual")
    finally:
        await ext.close()
    assert (run["status"], run["via"], run["error"]) == ("login_expired", "extension",
                                                         "not logged in: log in to the seller center")
    row = await service.read(lambda: SyncSchedule.get_or_none())
    assert row is None  # no schedule: the run is only in the runs list
    state = await (await client.get("/api/automation", headers=view_headers(client.port))).json()
    assert [(r["account"], r["status"]) for r in state["runs"]] == [("Mug shop", "login_expired")]


async def test_without_a_browser_the_run_says_what_to_install(client, service, shops, monkeypatch):
    monkeypatch.setenv("SHOPTALLY_BROWSER", "/nonexistent/chromium")
    run = await service.runner.run("Mug shop", "manual")
    assert run["status"] == "browser_missing" and run["via"] == "browser"
    assert run["error"].startswith("SHOPTALLY_BROWSER='/nonexistent/chromium' is not a program: install Chromium")


async def test_a_run_missed_while_the_daemon_was_off_runs_once_at_start(client, service, shops, monkeypatch):
    monkeypatch.setenv("SHOPTALLY_MIN_SYNC_INTERVAL", "1")
    monkeypatch.setattr(scheduler_module, "AsyncIOScheduler", WatchedScheduler)
    await service.writer.run(schedules.set_schedule, "Mug shop", "1h")
    missed = datetime.now(UTC) - timedelta(hours=5)  # five runs were due while the daemon was off
    await service.writer.run(schedules.note_next, (await service.read(stores.by_name, "Mug shop")).id, missed)
    ext = await FakeExtension(client, delay=0.05).connect()
    auto = AutoSync(service, service.runner)
    await auto.start()
    try:
        for _ in range(100):
            if [r for r in await runs(service) if r.status != "running"]:
                break
            await asyncio.sleep(0.05)
        # a second run, were one due by now, was started by the time the scheduler passes this moment
        await auto.scheduler.passed()
        store_id = (await service.read(stores.by_name, "Mug shop")).id
        assert auto.scheduler.fired() == [f"catch-up-{store_id}"]
        (next_run,) = auto.jobs().values()  # the catch-up job is gone; the schedule's next run is an hour away
        assert datetime.fromisoformat(next_run) > datetime.now(UTC) + timedelta(minutes=59)
    finally:
        await auto.stop()
        await ext.close()
    assert [(r.account, r.trigger, r.status) for r in await runs(service)] == [("Mug shop", "catch-up", "done")]
    row = await service.read(lambda: SyncSchedule.get())
    assert row.last_status == "done"
    assert timedelta(minutes=59) < row.next_run_at - datetime.now(UTC) <= timedelta(hours=1)


async def test_a_schedule_fires_on_its_interval_and_pause_stops_it(client, service, shops, monkeypatch):
    monkeypatch.setenv("SHOPTALLY_MIN_SYNC_INTERVAL", "1")
    monkeypatch.setattr(scheduler_module, "AsyncIOScheduler", WatchedScheduler)
    ext = await FakeExtension(client, delay=0.05).connect()
    auto = AutoSync(service, service.runner)
    service.autosync = auto
    await auto.start()
    h = view_headers(client.port)
    try:
        resp = await client.post("/api/schedules", json={"account": "Mug shop", "every": "1s"}, headers=h)
        assert resp.status == 200 and (await resp.json())["schedule"]["every"] == "1s"
        for _ in range(100):
            if len([r for r in await runs(service) if r.status == "done"]) >= 2:
                break
            await asyncio.sleep(0.05)
        assert [r.trigger for r in await runs(service)][:2] == ["schedule", "schedule"]
        resp = await client.post("/api/autosync", json={"paused": True}, headers=h)
        assert (await resp.json()) == {"paused": True}
        assert list(auto.jobs().values()) == [None]  # the store's job is paused: no next run
        await auto.scheduler.passed()  # a run that fired before the pause has ended
        count, fired = len(await runs(service)), len(auto.scheduler.fired())
        # past the moment the 1 s schedule would have fired again
        await auto.scheduler.passed(datetime.now(UTC) + timedelta(seconds=1.5))
        assert auto.scheduler.fired()[fired:] == []
        assert len(await runs(service)) == count  # paused: nothing fired
        state = await (await client.get("/api/automation", headers=h)).json()
        assert state["paused"] is True and state["schedules"][0]["last_status"] == "done"
        resp = await client.post("/api/schedules", json={"account": "Mug shop", "off": True}, headers=h)
        assert (await resp.json()) == {"schedule": None}
        assert auto.jobs() == {}
    finally:
        await auto.stop()
        await ext.close()


async def test_schedule_api_refusals(client, service, shops):
    h = view_headers(client.port)
    resp = await client.post("/api/schedules", json={"account": "Mug shop", "every": "1m"}, headers=h)
    assert resp.status == 422 and (await resp.json())["message"] == "--every '1m': choose between 15m and 7d"
    resp = await client.post("/api/schedules", json={"account": "Nope", "every": "6h"}, headers=h)
    assert resp.status == 404
    resp = await client.post("/api/autosync", json={"paused": True}, headers=h)
    assert resp.status == 409 and "--no-scheduler" in (await resp.json())["message"]
    resp = await client.post("/api/schedules/run-now", json={"account": "Nope"}, headers=h)
    assert resp.status == 404
    assert await service.read(lambda: SyncSchedule.select().count()) == 0


async def test_a_run_due_while_the_machine_slept_runs_once_on_wake(client, service, shops, monkeypatch):
    """Asleep, the event loop's timer for the next run does not advance (it counts monotonic time) while
    the wall clock does: the job is due by the clock, its timer still far off. The scheduler's waker finds
    it and runs it once, however many runs the sleep skipped."""
    monkeypatch.setenv("SHOPTALLY_MIN_SYNC_INTERVAL", "1")
    monkeypatch.setattr(scheduler_module, "WAKE_EVERY", 0.2)
    monkeypatch.setattr(scheduler_module, "AsyncIOScheduler", WatchedScheduler)
    await service.writer.run(schedules.set_schedule, "Mug shop", "1h")
    ext = await FakeExtension(client, delay=0.05).connect()
    auto = AutoSync(service, service.runner)
    await auto.start()
    try:
        store_id = (await service.read(stores.by_name, "Mug shop")).id
        job = auto.scheduler.get_job(str(store_id))
        assert job.next_run_time > datetime.now(UTC) + timedelta(minutes=59)
        await auto.scheduler.passed()  # the scheduler has looked at its jobs and set its timer for that hour
        # what a three-hour sleep looks like to the scheduler: its job store says the run was due long ago
        job.next_run_time = datetime.now(UTC) - timedelta(hours=3)
        auto.scheduler._lookup_jobstore("default").update_job(job)
        for _ in range(60):
            if [r for r in await runs(service) if r.status != "running"]:
                break
            await asyncio.sleep(0.05)
        # once the scheduler passes this moment every run due by now was started and has ended: one only
        await auto.scheduler.passed()
        assert auto.scheduler.fired() == [str(store_id)]
        assert datetime.fromisoformat(auto.jobs()[str(store_id)]) > datetime.now(UTC) + timedelta(minutes=59)
    finally:
        await auto.stop()
        await ext.close()
    assert [(r.trigger, r.status) for r in await runs(service)] == [("schedule", "done")]


def test_browser_login_says_what_to_install_and_waits_for_a_running_sync(tmp_path, monkeypatch, capsys):
    from companion.automation import browser
    from companion.cli.main import main

    data = tmp_path / "d"
    data.mkdir()
    monkeypatch.setenv("SHOPTALLY_BROWSER", "/nonexistent/chromium")
    assert main(["browser", "login", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("shoptally: SHOPTALLY_BROWSER='/nonexistent/chromium' is not a program: install Chromium")
    assert len(err.splitlines()) == 1
    held = browser.ProfileLock(data)
    assert held.acquire()  # an unattended sync holds the profile
    try:
        assert main(["browser", "login", "--data-dir", str(data)]) == 1
        assert capsys.readouterr().err.strip() == (
            "shoptally: the sync browser's profile is in use (a sync is running, or it is open already): "
            "try again when it is done")
    finally:
        held.release()


async def test_the_weekly_backup_runs_and_keeps_the_newest(client, service, shops, monkeypatch):
    from companion.backup import archive

    monkeypatch.setenv("SHOPTALLY_BACKUP_KEEP", "2")
    auto = AutoSync(service, service.runner)
    await auto.start()
    try:
        job = auto.scheduler.get_job("weekly-backup")
        first_due = job.next_run_time - datetime.now(UTC)
        assert timedelta(minutes=9) < first_due <= timedelta(minutes=10)  # no weekly backup yet: soon after start
        for week in range(3):
            if week:  # a week later: on PostgreSQL, where a team's daemons share it, this week's claim has aged
                await service.writer.run(
                    lambda: Setting.delete().where(Setting.key == schedules.WEEKLY_CLAIM).execute())
            await job.func()
        folder = service.cfg.backups_dir
        kept = sorted(p.name for p in folder.glob(f"*weekly*{archive.SUFFIX}"))
        assert len(kept) == 2 and all(archive.verify(folder / name)["reason"] == "weekly" for name in kept)
        if postgres(service.db) is not None:  # the same week again (another daemon of the team): none made
            await job.func()
            assert sorted(p.name for p in folder.glob(f"*weekly*{archive.SUFFIX}")) == kept
        assert archive.verify(folder / kept[0])["tables"]["store"] == 2
        await auto.set_paused(True)
        assert auto.scheduler.get_job("weekly-backup").next_run_time is not None  # pausing syncs keeps backups
    finally:
        await auto.stop()
    # a daemon started again finds last week's backup: the next one is due a week after it
    again = AutoSync(service, service.runner)
    await again.start()
    try:
        due = again.scheduler.get_job("weekly-backup").next_run_time - datetime.now(UTC)
        assert timedelta(days=6, hours=23) < due <= timedelta(days=7)
    finally:
        await again.stop()


async def test_saving_the_auto_sync_setting_pauses_and_resumes_the_scheduler(client, service, shops):
    auto = AutoSync(service, service.runner)
    service.autosync = auto
    await auto.start()
    h = view_headers(client.port)
    try:
        await service.writer.run(schedules.set_schedule, "Mug shop", "6h")
        await auto.reload("Mug shop")
        store_id = str((await service.read(stores.by_name, "Mug shop")).id)
        resp = await client.post("/api/settings", json={"auto_sync": "paused", "order_sync_mode": "new"}, headers=h)
        assert resp.status == 200 and (await resp.json())["settings"]["order_sync_mode"] == "new"
        assert auto.paused and auto.jobs() == {store_id: None}
        resp = await client.post("/api/settings", json={"auto_sync": "on"}, headers=h)
        assert resp.status == 200 and not auto.paused and auto.jobs()[store_id] is not None
    finally:
        await auto.stop()

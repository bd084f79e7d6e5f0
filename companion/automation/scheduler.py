"""Auto-sync: APScheduler in the daemon's event loop fires each store's schedule; the SyncRunner runs it.

- A schedule's next run is stored; a daemon starting after that time (the machine was off, the daemon not
  running) runs it once at start ("catch-up"), then keeps the rhythm from there.
- A run missed while the machine slept runs once on wake: the scheduler is woken every 30 s (the event
  loop's timers do not count time asleep), finds the run due and, jobs being coalesced, runs it once.
- Pausing stops every sync job and is stored (`auto_sync` setting); resuming starts the rhythm again from
  now, without running what the pause skipped. The weekly backup is not paused.
- Several daemons on one PostgreSQL schema (team mode) all fire the same schedules: each firing is claimed in
  the database (schedules.claim), and only the daemon that claimed it runs it; the weekly backup is claimed
  for the week the same way (schedules.claim_weekly_backup), so one machine of the team makes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from companion.automation import schedules
from companion.automation.runner import SyncRunner
from companion.backup import snapshot
from companion.core.service import Service
from companion.store import app_settings, stores
from companion.store.models import Store

log = logging.getLogger(__name__)
WAKE_EVERY = 30.0  # seconds
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


class AutoSync:
    def __init__(self, service: Service, runner: SyncRunner) -> None:
        self.service = service
        self.runner = runner
        self.scheduler: AsyncIOScheduler | None = None
        self.paused = False
        self._waker: asyncio.Task | None = None
        self._fired: set[asyncio.Task] = set()

    async def start(self) -> None:
        """In the daemon's running loop."""
        self.scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), job_defaults=JOB_DEFAULTS,
                                          timezone=UTC)
        settings = await self.service.read(app_settings.get_all)
        self.paused = settings.get("auto_sync") == "paused"
        self.scheduler.start()
        for row, store in await self.service.read(schedules.all_schedules):
            await self._add(row, store, catch_up=not self.paused)
        self._add_weekly_backup()
        self._waker = asyncio.get_running_loop().create_task(self._wake())
        log.info("auto-sync: %d schedule(s)%s", len(self.scheduler.get_jobs()), ", paused" if self.paused else "")

    async def stop(self) -> None:
        if self._waker is not None:
            self._waker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waker
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def reload(self, account: str) -> None:
        """After `schedule set`: the store's job as now stored (none when turned off)."""

        store = await self.service.read(stores.by_name, account)
        self._remove(store.id)
        for row, s in await self.service.read(schedules.all_schedules):
            if s.id == store.id:
                await self._add(row, s, catch_up=False)

    async def set_paused(self, paused: bool) -> None:
        """Stores the setting; the scheduler follows through Service.settings_changed, as for any settings save."""
        current = await self.service.writer.run(app_settings.save, {"auto_sync": "paused" if paused else "on"})
        await self.service.settings_changed(current)
        await self.follow(current)  # (done already when this is the daemon's scheduler)

    async def follow(self, settings: dict) -> None:
        """Pause or resume as the `auto_sync` setting now says (nothing when it says what is already so)."""
        paused = settings.get("auto_sync") == "paused"
        if paused == self.paused:
            return
        self.paused = paused
        assert self.scheduler is not None
        if paused:  # the sync jobs only: the weekly backup goes on
            for job in self._sync_jobs():
                job.pause()
        else:  # the rhythm starts again from now: what the pause skipped is not made up
            for job in self._sync_jobs():
                job.remove()
            now = datetime.now(UTC)
            for row, store in await self.service.read(schedules.all_schedules):
                row.next_run_at = schedules.next_run(row, store.timezone, now)
                await self.service.writer.run(schedules.note_next, store.id, row.next_run_at)
                await self._add(row, store, catch_up=False)
        self.service.bus.publish({"event": "autosync.updated", "paused": paused})

    def _sync_jobs(self) -> list:
        if self.scheduler is None:
            return []
        return [job for job in self.scheduler.get_jobs() if job.id != "weekly-backup"]

    def jobs(self) -> dict[str, str | None]:
        """Store id → next run (ISO), as the scheduler has it (None: paused)."""
        return {job.id: job.next_run_time.isoformat() if job.next_run_time else None for job in self._sync_jobs()}

    # ------------------------------------------------------------------------------------------------
    async def _add(self, row, store, catch_up: bool) -> None:
        assert self.scheduler is not None
        now = datetime.now(UTC)
        due = row.next_run_at
        if catch_up and due is not None and due <= now:
            self.scheduler.add_job(self._fire, DateTrigger(run_date=now), args=[store.id, "catch-up"],
                                   id=f"catch-up-{store.id}", replace_existing=True)
            due = None
        if row.every_seconds:
            first = due if due is not None and due > now else now + timedelta(seconds=row.every_seconds)
            trigger = IntervalTrigger(seconds=row.every_seconds, start_date=first, timezone=UTC)
        else:
            hours = sorted({int(t.split(":")[0]) for t in row.at_times.split(",")})
            minutes = sorted({int(t.split(":")[1]) for t in row.at_times.split(",")})
            if len(minutes) == 1 or len(hours) == 1:  # one cron expression says it exactly
                trigger = CronTrigger(hour=",".join(map(str, hours)), minute=",".join(map(str, minutes)),
                                      timezone=store.timezone)
            else:
                trigger = _AtTimes(row.at_times.split(","), store.timezone)
        job = self.scheduler.add_job(self._fire, trigger, args=[store.id, "schedule"], id=str(store.id),
                                     replace_existing=True)
        if self.paused:
            job.pause()
        elif job.next_run_time is not None:
            await self.service.writer.run(schedules.note_next, store.id, job.next_run_time.astimezone(UTC))

    def _remove(self, store_id: int) -> None:
        assert self.scheduler is not None
        for job_id in (str(store_id), f"catch-up-{store_id}"):
            with contextlib.suppress(Exception):
                self.scheduler.remove_job(job_id)

    async def _fire(self, store_id: int, trigger: str) -> None:

        store = await self.service.read(Store.get_or_none, Store.id == store_id)
        if store is None:
            self._remove(store_id)
            return
        job = self.scheduler.get_job(str(store_id)) if self.scheduler else None
        following = job.next_run_time.astimezone(UTC) if job is not None and job.next_run_time else None
        if not await self.service.writer.run(schedules.claim, store_id, datetime.now(UTC), following):
            log.info("auto-sync of %s: not run here (another daemon on this database claimed it)", store.name)
            return
        try:
            await self.runner.run(store.name, trigger)
        except Exception:
            log.exception("auto-sync of %s failed", store.name)

    def _add_weekly_backup(self) -> None:
        """A backup every week into DATA_DIR/backups, keeping the newest few (SHOPTALLY_BACKUP_KEEP, default 8).
        Due a week after the newest weekly backup; a daemon that was off longer makes it a minute after start."""

        assert self.scheduler is not None
        folder = self.service.cfg.backups_dir
        newest = snapshot.backups_of(folder, "weekly")
        now = datetime.now(UTC)
        due = now + timedelta(minutes=10)
        if newest:
            due = max(snapshot.made_at(newest[-1]) + timedelta(days=7), now + timedelta(minutes=1))

        async def weekly() -> None:
            path = snapshot.new_path(folder, "weekly")
            try:
                if not await self.service.writer.run(schedules.claim_weekly_backup, datetime.now(UTC)):
                    log.info("weekly backup: another daemon on this database made this week's")
                    return
                manifest = await self.service.read(snapshot.create, self.service.db, path, "weekly")
                gone = await self.service.read(snapshot.keep_latest, folder, "weekly", backup_keep())
                log.info("weekly backup %s (%d rows)%s", path.name, sum(manifest["tables"].values()),
                         f"; removed {len(gone)} older" if gone else "")
            except Exception:
                log.exception("the weekly backup failed")

        self.scheduler.add_job(weekly, IntervalTrigger(weeks=1, start_date=due, timezone=UTC),
                               id="weekly-backup", replace_existing=True)

    async def _wake(self) -> None:
        while True:
            await asyncio.sleep(WAKE_EVERY)
            if self.scheduler is not None and self.scheduler.running:
                self.scheduler.wakeup()


def backup_keep() -> int:
    import os

    raw = os.environ.get("SHOPTALLY_BACKUP_KEEP", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 8


class _AtTimes(CronTrigger):
    """Times of day that one cron expression cannot say (09:15 and 21:40): the earliest of one cron per time."""

    def __init__(self, times: list[str], timezone: str) -> None:
        self._parts = [CronTrigger(hour=int(t.split(":")[0]), minute=int(t.split(":")[1]), timezone=timezone)
                       for t in times]
        super().__init__(timezone=timezone)

    def get_next_fire_time(self, previous_fire_time, now):
        found = [t.get_next_fire_time(previous_fire_time, now) for t in self._parts]
        found = [f for f in found if f is not None]
        return min(found) if found else None

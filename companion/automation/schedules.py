"""Auto-sync schedules and the record of sync runs, as `shoptally schedule` and the view's Automation section
keep them. Database functions only: the scheduler (automation/scheduler.py) acts on them."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta

from companion.errors import Unprocessable
from companion.store import notify, stores, team_events
from companion.store.fields import now_utc
from companion.store.models import Setting, Store, SyncRun, SyncSchedule

MIN_EVERY_SECONDS = 15 * 60  # a seller center asked more often than this gains nothing and may throttle
MAX_EVERY_SECONDS = 7 * 86_400
MAX_AT_TIMES = 24
_EVERY = re.compile(r"^\s*(\d{1,6})\s*(s|m|h|d)\s*$", re.IGNORECASE)
_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


class ScheduleError(Unprocessable):
    """A schedule refused, in one sentence that says what to write instead."""


def min_every() -> int:
    """The shortest interval allowed; SHOPTALLY_MIN_SYNC_INTERVAL (seconds) lowers it for tests and demos."""
    raw = os.environ.get("SHOPTALLY_MIN_SYNC_INTERVAL", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else MIN_EVERY_SECONDS


def parse_every(text: str) -> int:
    m = _EVERY.match(str(text))
    if not m:
        raise ScheduleError.of("auto_every_bad", value=text)
    seconds = int(m.group(1)) * _UNIT[m.group(2).lower()]
    if not min_every() <= seconds <= MAX_EVERY_SECONDS:
        raise ScheduleError.of("auto_every_range", value=text, low=describe_every(min_every()))
    return seconds


def parse_at(text: str) -> list[str]:
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    if not items:
        raise ScheduleError.of("auto_at_empty")
    if len(items) > MAX_AT_TIMES:
        raise ScheduleError.of("auto_at_too_many", count=MAX_AT_TIMES)
    times = set()
    for item in items:
        m = _AT.match(item)
        if not m:
            raise ScheduleError.of("auto_at_bad", value=item)
        times.add(f"{int(m.group(1)):02d}:{m.group(2)}")
    return sorted(times)


def describe_every(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def set_schedule(account: str, every: str | None = None, at: str | None = None, off: bool = False) -> dict | None:
    """In the writer's transaction: replace a store's schedule (None back when turned off). Raises
    stores.UnknownAccount or ScheduleError."""
    store = stores.by_name(account)
    if [every is not None, at is not None, off].count(True) != 1:
        raise ScheduleError.of("auto_schedule_choose")
    team_events.share([{"event": "schedules.updated", "account": account}])
    if off:
        SyncSchedule.delete().where(SyncSchedule.store == store.id).execute()
        return None
    seconds = parse_every(every) if every is not None else None
    times = ",".join(parse_at(at)) if at is not None else ""
    row = SyncSchedule.get_or_none(SyncSchedule.store == store.id) or SyncSchedule(store=store.id)
    row.every_seconds, row.at_times, row.updated_at = seconds, times, now_utc()
    row.next_run_at = next_run(row, store.timezone, now_utc())
    row.save()
    return schedule_json(row, store)


def next_run(row: SyncSchedule, tz: str, after: datetime) -> datetime:
    """The first time after `after` the schedule fires: every N seconds from `after`, or the next listed time
    of day in the store's zone."""
    from zoneinfo import ZoneInfo

    if row.every_seconds:
        return after + timedelta(seconds=row.every_seconds)
    zone = ZoneInfo(tz)
    local = after.astimezone(zone)
    for days in range(0, 3):
        day = (local + timedelta(days=days)).date()
        for text in row.at_times.split(","):
            h, m = map(int, text.split(":"))
            at = datetime(day.year, day.month, day.day, h, m, tzinfo=zone)
            if at > local:
                return at.astimezone(UTC)
    raise ScheduleError.of("auto_schedule_no_time")  # unreachable for a checked schedule


def all_schedules() -> list[tuple[SyncSchedule, Store]]:
    return [(row, row.store) for row in SyncSchedule.select(SyncSchedule, Store).join(Store).order_by(Store.name)]


def schedule_json(row: SyncSchedule, store: Store) -> dict:
    return {"account": store.name, "platform": store.platform, "timezone": store.timezone,
            "every": describe_every(row.every_seconds) if row.every_seconds else None,
            "at": row.at_times.split(",") if row.at_times else None,
            "next_run_at": _iso(row.next_run_at), "last_run_at": _iso(row.last_run_at),
            "last_status": row.last_status, "last_message": row.last_message,
            **_said(row.last_code, row.last_params, "last_")}


def listing() -> list[dict]:
    return [schedule_json(row, store) for row, store in all_schedules()]


def note_next(store_id: int, when: datetime | None) -> None:
    SyncSchedule.update(next_run_at=when).where(SyncSchedule.store == store_id).execute()


WEEKLY_CLAIM = "team_weekly_backup_at"  # a setting of no Settings page: when a daemon last claimed the backup
CLAIM_WINDOW = 30.0  # seconds: firings of one run on several daemons' clocks fall within it


def claim(store_id: int, now: datetime, following: datetime | None) -> bool:
    """In the writer's transaction, under the schema's write turn: whether this daemon runs the store's scheduled
    sync that fired now. With several daemons on one PostgreSQL schema, each one's scheduler fires the same
    schedule; the first to claim it runs it, the others find it claimed within the window (the shorter of
    CLAIM_WINDOW and half the interval, so the next run is never taken for this one) and let it be. `following`:
    when the schedule fires next, noted for every daemon."""
    row = SyncSchedule.get_or_none(SyncSchedule.store == store_id)
    if row is None:
        return False
    window = timedelta(seconds=min(CLAIM_WINDOW, row.every_seconds / 2 if row.every_seconds else CLAIM_WINDOW))
    if row.claimed_at is not None and now - window < row.claimed_at <= now + window:
        return False
    row.claimed_at = now
    if following is not None:
        row.next_run_at = following
    row.save()
    return True


def claim_weekly_backup(now: datetime) -> bool:
    """In the writer's transaction: whether this daemon makes the weekly backup due now. On PostgreSQL, where
    several daemons share the data, the first one due in a week claims it and the others let it be; on SQLite
    the one daemon always makes it."""
    if notify.postgres(Setting._meta.database) is None:
        return True
    row = Setting.get_or_none(Setting.key == WEEKLY_CLAIM)
    if row is not None and now - datetime.fromtimestamp(json.loads(row.value), UTC) < timedelta(days=6):
        return False
    value = json.dumps(now.timestamp())
    Setting.insert(key=WEEKLY_CLAIM, value=value, updated_at=now).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value, Setting.updated_at: now}).execute()
    return True


def start_run(account: str | None, site: str, trigger: str) -> int:
    store = Store.get_or_none(Store.name == account) if account else None
    run = SyncRun.create(store=store, account=account or "", site=site, trigger=trigger, status="running",
                         started_at=now_utc())
    return run.id


def finish_run(run_id: int, status: str, via: str = "", pages: int = 0, records: int = 0, error: str = "",
               code: str = "", params: dict | None = None) -> dict:
    """Record how a run ended; a scheduled store's schedule shows it as its last run. `code`/`params`: the error's
    catalog code, kept so the view says a past run's error in its language."""
    run = SyncRun.get_by_id(run_id)
    run.status, run.via, run.pages, run.records, run.error = status, via, int(pages), int(records), error[:2000]
    kept = json.dumps(params or {}, ensure_ascii=False) if code else ""
    run.error_code, run.error_params = (code, kept) if len(kept) <= 4000 else ("", "")
    run.finished_at = now_utc()
    run.duration_ms = int((run.finished_at - run.started_at).total_seconds() * 1000)
    run.save()
    if run.store_id is not None:
        SyncSchedule.update(last_run_at=run.started_at, last_status=status, last_message=error[:500],
                            last_code=run.error_code, last_params=run.error_params).where(
            SyncSchedule.store == run.store_id).execute()
    return run_json(run)


def skipped_run(account: str | None, site: str, trigger: str, why: str, code: str = "",
                params: dict | None = None) -> dict:
    return finish_run(start_run(account, site, trigger), "skipped", error=why, code=code, params=params)


def recent_runs(limit: int = 50) -> list[dict]:
    rows = SyncRun.select().order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(max(1, min(limit, 500)))
    return [run_json(r) for r in rows]


def run_json(run: SyncRun) -> dict:
    return {"id": run.id, "account": run.account or None, "site": run.site, "trigger": run.trigger, "via": run.via,
            "status": run.status, "pages": run.pages, "records": run.records, "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "duration_ms": run.duration_ms, "error": run.error,
            **_said(run.error_code, run.error_params)}


def _said(code: str, params: str, prefix: str = "") -> dict:
    """A stored error's code and params as the view's say() reads them; nothing for a run stored without."""
    if not code:
        return {}
    try:
        loaded = json.loads(params or "{}")
    except ValueError:
        return {}
    return {f"{prefix}code": code, f"{prefix}params": loaded if isinstance(loaded, dict) else {}}


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None

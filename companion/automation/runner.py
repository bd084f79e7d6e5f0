"""One Sync Settlement at a time, whoever asks for it (a schedule, the tray, the view, `shoptally schedule
run-now`): through the connected extension when there is one, else through the browser shoptally starts
itself. Every run is recorded with how it ended."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from typing import TYPE_CHECKING

from companion.automation import browser, schedules
from companion.core.service import SyncStalled
from companion.errors import Conflict, ShoptallyError, catalog, coded, render
from companion.store import stores

if TYPE_CHECKING:
    from companion.core.service import Service

log = logging.getLogger(__name__)
SYNC_TIMEOUT = 4 * 3600  # seconds a sync may take in all: a first sync of years of orders, each split asked for
# at detail_rate (3 a second), takes hours; a seller center that stops answering is caught by STALL_TIMEOUT
STALL_TIMEOUT = 30  # seconds without progress before a sync counts as failed (the seller center stopped answering)
CONNECT_TIMEOUT = 45  # seconds for the started browser's extension to connect
LOGIN_WORDS = ("not logged in", "log in", "login")


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.replace(".", "", 1).isdigit() and float(raw) > 0 else default


def sync_timeout() -> float:
    return _seconds("SHOPTALLY_SYNC_TIMEOUT", SYNC_TIMEOUT)


def stall_timeout() -> float:
    """Seconds without a progress message from the extension after which a sync fails."""
    return _seconds("SHOPTALLY_SYNC_STALL_TIMEOUT", STALL_TIMEOUT)


class SyncRunner:
    def __init__(self, service: Service, headless: bool = True) -> None:
        self.service = service
        self.headless = headless
        self._lock = asyncio.Lock()  # two syncs never overlap: one browser profile, one seller session
        self._wanted: set[str] = set()  # stores queued or running ("" for all stores)
        self.current: dict | None = None  # the run going on, for the tray and the view
        self.last: dict | None = None

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def start(self, account: str | None, trigger: str, site: str | None = None) -> dict:
        """A sync asked for by the view, the CLI or the tray through the API: refused at once (one sentence) when
        no extension is connected, the store is unknown or already queued or running; else run in the background
        like any other (a SyncRun, Recent syncs, the daemon's log). Answers the command id its progress carries."""
        self.service.require_extension()
        if account:  # an unknown store raises stores.UnknownAccount
            site = site or (await self.service.read(stores.by_name, account)).platform
        if (account or "") in self._wanted:
            raise Conflict.of("sync_store_queued", account=account) if account else Conflict.of("sync_all_queued")
        command_id = str(uuid.uuid4())
        queued = self.busy
        self.service.start_task(self.run(account, trigger, site, command_id))
        return {"command_id": command_id, "site": site or "tiktok", "account": account, "trigger": trigger,
                "queued": queued}

    async def run(self, account: str | None, trigger: str, site: str | None = None,
                  command_id: str | None = None) -> dict:
        """Run (or queue behind the one running) a sync of one store, or of all when `account` is None.
        A store already queued or running is not queued twice: that request is recorded as skipped.
        `command_id`: the id the sync command (and so its progress events) carries, when the caller chose it."""
        key = account or ""
        duplicate = key in self._wanted
        if not duplicate:
            self._wanted.add(key)  # before any await: the next request for this store sees it at once
        command_id = command_id or str(uuid.uuid4())
        try:
            if account and not site:  # an unknown store raises stores.UnknownAccount
                site = (await self.service.read(stores.by_name, account)).platform
            site = site or "tiktok"
            if duplicate:
                run = await self.service.writer.run(schedules.skipped_run, account, site, trigger,
                                                    render("sync_already_queued", {}), "sync_already_queued", {})
                self._publish(run, command_id)
                return run
            async with self._lock:
                run_id = await self.service.writer.run(schedules.start_run, account, site, trigger)
                self.current = {"id": run_id, "account": account, "site": site, "trigger": trigger}
                self._publish({**self.current, "status": "running"}, command_id)
                log.info("sync run %s started (%s, %s, trigger %s)", run_id, account or "all stores", site, trigger)
                outcome = await self._sync(account, site, command_id)
                run = await self.service.writer.run(lambda: schedules.finish_run(run_id, **outcome))
                self.current, self.last = None, run
                self._publish(run, command_id)
                log.info("sync run %s ended (%s, %s, trigger %s): %s via %s, %s records, %s pages%s", run_id,
                         account or "all stores", site, trigger, run["status"], run["via"] or "-", run["records"],
                         run["pages"], f": {run['error']}" if run["error"] else "")
                return run
        finally:
            if not duplicate:
                self._wanted.discard(key)

    def _publish(self, run: dict, command_id: str) -> None:
        self.service.bus.publish({"event": "sync.run", "run": {**run, "command_id": command_id}})

    async def _sync(self, account: str | None, site: str, command_id: str) -> dict:
        if self.service.connected_extensions():
            try:
                return _outcome(await self.service.sync_and_wait(account, sync_timeout(), site, command_id,
                                                                 stall_timeout()), "extension")
            except SyncStalled as exc:
                return self._stalled(exc, command_id, "extension")
            except ShoptallyError as exc:  # it went away between the check and the command
                return _refused(exc, "error", "extension")
            except TimeoutError:
                return _ended("timeout", "extension", "sync_extension_timeout", seconds=f"{sync_timeout():.0f}")
        return await self._unattended(account, site, command_id)

    def _stalled(self, exc: SyncStalled, command_id: str, via: str) -> dict:
        """The run's record of a sync that stopped answering, and its end as a progress event (the view shows it)."""
        pages, records = int(exc.last.get("pages") or 0), int(exc.last.get("records") or 0)
        self.service.bus.publish({"event": "sync.progress", "command_id": command_id, "stage": "error",
                                  "pages": pages, "records": records, "message": str(exc), "code": exc.code,
                                  "params": exc.params})
        return {"status": "timeout", "via": via, "pages": pages, "records": records, "error": str(exc),
                "code": exc.code, "params": exc.params}

    async def _unattended(self, account: str | None, site: str, command_id: str) -> dict:
        loop = asyncio.get_running_loop()
        lock = browser.ProfileLock(self.service.cfg.data_dir)
        if not lock.acquire():
            return _ended("error", "browser", "sync_profile_open")
        driver = None
        try:
            try:
                s = browser.setup(self.service.cfg.data_dir, self.headless)
                driver = await loop.run_in_executor(None, browser.start, s)
                await loop.run_in_executor(None, browser.hand_over, driver, s, self.service.port,
                                           self.service.own_token())
            except (browser.BrowserMissing, browser.ExtensionNotLoaded) as exc:
                status = "browser_missing" if isinstance(exc, browser.BrowserMissing) else "error"
                return _refused(exc, status, "browser")
            deadline = time.monotonic() + CONNECT_TIMEOUT
            while not self.service.connected_extensions():
                if time.monotonic() > deadline:
                    return _ended("error", "browser", "sync_connect_timeout", seconds=CONNECT_TIMEOUT)
                await asyncio.sleep(0.2)
            try:
                return _outcome(await self.service.sync_and_wait(account, sync_timeout(), site, command_id,
                                                                 stall_timeout()), "browser")
            except SyncStalled as exc:
                return self._stalled(exc, command_id, "browser")
            except TimeoutError:
                return _ended("timeout", "browser", "sync_browser_timeout", seconds=f"{sync_timeout():.0f}")
            except ShoptallyError as exc:
                return _refused(exc, "error", "browser")
        finally:
            if driver is not None:
                await loop.run_in_executor(None, browser.stop, driver)
            lock.release()


def _outcome(progress: dict, via: str) -> dict:
    """A run's record from the extension's last progress message."""
    pages, records = int(progress.get("pages") or 0), int(progress.get("records") or 0)
    if progress.get("stage") == "done":
        return {"status": "done", "via": via, "pages": pages, "records": records}
    message = str(progress.get("message") or "")
    own = progress.get("code")  # the extension's code (ext_*), checked by core.extension_said
    if own:
        login = own == "ext_not_logged_in"
    else:  # an older extension: its sentence only
        login = any(w in message.lower() for w in LOGIN_WORDS)
    status = "login_expired" if login else "error"
    if login and via == "browser":  # the seller logs in through the browser shoptally starts
        said = _ended(status, via, "sync_login_expired_browser",
                      message=coded(own, progress["params"], message) if own else message)
    elif own:
        said = _ended(status, via, own, **progress["params"])
    elif not message:
        said = _ended(status, via, "sync_failed")
    else:  # the sentence of an extension that sends no code, in English: Chinese frames it
        said = _ended(status, via, "sync_login_expired" if login else "sync_extension_failed", message=message)
    return {**said, "pages": pages, "records": records}


def _ended(status: str, via: str, code: str, **params) -> dict:
    """A run's record of how it ended: `error` the English sentence (stored, read by the CLI), `code` and
    `params` for the view's language (the sync.run event carries them; the stored run does not)."""
    return {"status": status, "via": via, "error": render(code, params), "code": code, "params": params}


def _refused(exc: ShoptallyError, status: str, via: str) -> dict:
    """A refusal that ended a run: its own code when the catalog has it, else its sentence framed by one."""
    if exc.code in catalog() and not exc.file:
        return {"status": status, "via": via, "error": str(exc), "code": exc.code, "params": exc.params}
    return _ended(status, via, "sync_browser_unusable" if via == "browser" else "sync_extension_failed",
                  message=str(exc))

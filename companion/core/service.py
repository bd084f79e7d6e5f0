"""The daemon's operations, shared by the HTTP API, the extension channel and the tray.

Service is the daemon's Workers: reads run in a thread pool, parsing in the parsing processes, writes through
the one writer; nothing here blocks the event loop. The operations themselves live in pipeline/, backup/ and
cloud/, written once for the daemon and for a CLI command run without one.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from peewee import Database

from companion import PROTOCOL_VERSION, __version__
from companion.backup import restore
from companion.cloud import sync as cloud_sync
from companion.config import Config, signin_link
from companion.core import extension_said
from companion.core.change_feed import ChangeFeed
from companion.core.events import EventBus
from companion.core.pairing_requests import PendingPair, PendingPairs
from companion.errors import BadInput, Conflict, NotFound, render
from companion.pipeline import importer, ingest, reparse, seller_figures
from companion.pipeline.parsing import ParsePool, ParserCrashed, default_processes
from companion.reports import reporting
from companion.store import app_settings, captures, changes, line_totals, pairing, roles, settlements, stores
from companion.store.connection import DatabaseUnreachable, read_once_more
from companion.store.notify import Listener, postgres
from companion.store.progress import Progress
from companion.store.writer import Writer

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(eq=False)
class ExtensionConn:
    """One extension socket; `send` puts a JSON message on it."""

    send: Callable[[dict], Any]
    close: Callable[[int, str], Any]
    conn_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    welcomed: bool = False
    pairing_id: int | None = None  # None with welcomed: authenticated by the data dir's token
    name: str = ""
    extension_version: str = ""
    pending_code: str | None = None
    connected_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class SyncStalled(TimeoutError):
    """The extension sent no progress for `seconds`: the seller center (or the extension) stopped answering."""

    def __init__(self, seconds: float, last: dict) -> None:
        stage, message = str(last.get("stage") or "sent"), str(last.get("message") or "")
        # code and params: the view says it in its language (companion/server/static/messages.json)
        if stage == "sent":
            self.code, self.params = "sync_stalled_start", {"seconds": f"{seconds:g}"}
        else:
            self.code = "sync_stalled_said" if message else "sync_stalled"
            self.params = {"seconds": f"{seconds:g}", "stage": stage, "pages": last.get("pages") or 0,
                           **({"message": message} if message else {})}
        super().__init__(render(self.code, self.params))
        self.last = last


class Service:
    def __init__(self, cfg: Config, db: Database, token: str, parse_processes: int | None = None) -> None:
        """`parse_processes`: how many parsing processes (0: parse on threads here); None: the default."""
        self.cfg = cfg
        self.db = db
        self._token = token
        self.bus = EventBus()
        # on PostgreSQL, the changes of every daemon on the database, once each (core/change_feed.py)
        self.feed = ChangeFeed(self.bus, self.read)
        self.listener: Listener | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.writer = Writer(db, after_commit=self._after_commit, idle=line_totals.rebuild_step)
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="shoptally-read")
        self.parser = ParsePool(default_processes() if parse_processes is None else parse_processes)
        self.extensions: dict[str, ExtensionConn] = {}
        self.pending = PendingPairs()  # pairing requests waiting for the seller (core/pairing_requests.py)
        self.commands: dict[str, dict] = {}
        self._sync_waiters: dict[str, asyncio.Future] = {}
        self._sync_last: dict[str, dict] = {}  # each waited-for sync's last progress and when it came
        self._tasks: set[asyncio.Task] = set()
        self.runner: Any = None  # the sync runner (automation.runner.SyncRunner), attached by daemon.build_service
        self.autosync = None  # the scheduler (automation.scheduler.AutoSync), when the daemon runs one
        self.quit: Callable[[], None] | None = None  # stops the daemon (the tray's and the view's Quit)
        self.port = 0
        # the database as the reads last found it: `ok` False from a read that failed after a reconnect
        # until the next read that succeeds (/api/status reports it, the view shows it)
        self.db_state: dict = {"ok": True, "since": None, "error": None}
        # set when the daemon begins to shut down: reads may fail from then on, and that is no news (the tray)
        self.stopping = False

    @property
    def role(self) -> str | None:
        """owner | editor | viewer of the team's PostgreSQL schema (store/roles.py); None on SQLite."""
        return roles.of(self.db).role

    @property
    def read_only(self) -> bool:
        """Connected as a viewer: the view shows figures, and every change is refused (`team_read_only`)."""
        return roles.read_only(self.db)

    # lifecycle -------------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.bus.bind(loop)
        self._loop = loop
        pg = postgres(self.db)
        if pg is not None:
            self.feed.shared = self._shared
            # the rev the views start from, known before any commit of ours: a catch-up that learnt it later
            # would count a commit whose own event is still on its way to the loop as published already
            try:
                self.feed.last = changes.current_rev()
            except Exception:  # the database is away: the first catch-up learns it
                log.warning("changes of other daemons: the current rev could not be read at start")
            self.listener = Listener(pg, self._team_heard)
            self.listener.start()
        self.writer.start()
        self.parser.warm()

    def _team_heard(self, rev: int | None, event: int | None) -> None:
        """On the listener's thread: a commit to the schema (ours or a teammate's), or a new connection."""
        if rev is not None or event is not None:
            self.writer.team_committed()
        self._loop.call_soon_threadsafe(self.feed.heard, rev, event)

    def stop(self) -> None:
        self.stopping = True
        if self.listener is not None:
            self.listener.stop()
        self.parser.shutdown()
        self.writer.stop()
        self.pool.shutdown(wait=True)

    def _after_commit(self, result: object) -> None:
        events = getattr(result, "events", None)
        if not events:
            return
        if self.listener is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self.feed.local, list(events))
        else:
            self.bus.publish_threadsafe(events)

    def _shared(self, event: dict) -> None:
        """Another daemon's event about the shared data (on the loop): published here as that daemon published
        it there, with what this daemon does about it itself (its scheduler, its extensions)."""
        kind = event.get("event")
        if kind == "settings.updated":  # read here: the event never carries a setting (a storage password)
            self.start_task(self._settings_elsewhere())
        elif kind == "schedules.updated" and self.autosync is not None:
            self.start_task(self._schedule_elsewhere(event))
        else:
            self.bus.publish(event)

    async def _settings_elsewhere(self) -> None:
        await self.settings_changed(await self.read(app_settings.get_all))

    async def _schedule_elsewhere(self, event: dict) -> None:
        try:
            await self.autosync.reload(str(event.get("account") or ""))
        except NotFound:  # the store went meanwhile: its job is gone with it
            pass
        self.bus.publish(event)

    def start_task(self, coro) -> asyncio.Task:
        """A background task of the daemon's (a sync run, a login window): kept until it ends, its failure logged."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("background task failed: %s", t.exception())

        task.add_done_callback(done)
        return task

    # the Workers every operation runs on (companion/store/workers.py) -----------------------------
    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a read thread. A connection the server dropped (PostgreSQL restarted) is replaced and
        the read runs once more; when the database still does not answer, DatabaseUnreachable (503)."""
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self.pool, read_once_more, self.db, fn, *args)
        except DatabaseUnreachable as exc:
            if self.db_state["ok"]:
                log.error("%s", exc)
                self.db_state = {"ok": False, "since": datetime.now(UTC).isoformat(), "error": str(exc)}
            else:
                self.db_state["error"] = str(exc)
            raise
        if not self.db_state["ok"]:
            log.info("the database answers again")
            self.db_state = {"ok": True, "since": datetime.now(UTC).isoformat(), "error": None}
        return result

    async def parse(self, fn: Callable[..., T], *args: Any) -> T:
        return await self.parser.run(fn, *args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        return await self.writer.run(fn, *args)

    def announce(self, events: Iterable[dict]) -> None:
        """A restore's or a cloud pull's events (on the loop): the database's content was replaced. On
        PostgreSQL the change recorded them as a team event (store/team_events.py), which every daemon's feed,
        this one's included, publishes in its place among the other changes: nothing to do here."""
        if self.listener is None:
            self.feed.replaced(list(events))

    def token_ok(self, candidate: object) -> bool:
        return isinstance(candidate, str) and hmac.compare_digest(candidate.encode(), self._token.encode())

    def view_session(self) -> str:
        """The Finance view's session cookie: derived from the token, so it survives a restart of the daemon and
        ends when the token is replaced; it cannot be turned back into the token."""
        return hmac.new(self._token.encode(), b"shoptally finance view session 1", "sha256").hexdigest()

    def signin_link(self) -> str:
        return signin_link(self.port, self._token)

    def session_ok(self, candidate: object) -> bool:
        return isinstance(candidate, str) and hmac.compare_digest(candidate.encode(), self.view_session().encode())

    # settlement data ---------------------------------------------------------------------------
    async def ingest_capture(self, frame: str | dict) -> ingest.Outcome:
        """A capture message (decoded, or still the frame's text) → parsed in a parsing process → stored.
        Raises ingest.CaptureError for a message the protocol refuses (and, on a viewer's daemon, every capture:
        refused for good, so the extension does not send it again and again)."""
        if self.read_only:
            cid = ingest.peek_id(frame[:512].encode()) if isinstance(frame, str) else frame.get("id")
            raise ingest.CaptureError(render("team_read_only", {}), cid if isinstance(cid, str) else None,
                                      code="team_read_only", params={})
        try:
            prepared = await self.parser.run(ingest.prepare_frame, frame)
        except ParserCrashed as exc:
            raise ingest.CaptureError(exc.message, frame.get("id") if isinstance(frame, dict) else None,
                                      code=exc.code, params=exc.params) from exc
        return await self.writer.run(ingest.commit, prepared)

    async def import_file(self, name: str, content: bytes, account: str | None = None,
                          progress: Progress | None = None) -> dict:
        return await importer.import_file(self, name, content, account, progress)

    async def import_figures(self, kind: str, name: str, content: bytes) -> dict:
        """Costs, custom fees or exchange rates from a CSV file: all rows or none."""
        return await seller_figures.import_figures(self, kind, name, content)

    async def reparse(self, site: str | None, progress: Progress | None = None) -> dict:
        return await reparse.run(self, site, progress)

    async def restore(self, path: Path, progress: Progress | None = None) -> dict:
        return await restore.restore_file(self, path, self.cfg.backups_dir, progress)

    async def cloud_pull(self, key: str, target: str, write: bool, progress: Progress | None = None) -> dict:
        return await cloud_sync.pull_into(self, key, target, write, progress)

    async def reset(self, account: str | None) -> settlements.WriteResult:
        return await self.writer.run(settlements.reset, account)

    async def report(self, **kwargs: Any) -> dict:
        return await self.read(lambda: reporting.profit_report(**kwargs))

    async def current_rev(self) -> int:
        return await self.read(changes.current_rev)

    async def changes_since(self, rev: int) -> dict:
        def go() -> dict:
            return {"rev": changes.current_rev(), "changes": changes.since(rev)}

        return await self.read(go)

    async def recent_captures(self, limit: int, outcome: str | None) -> list[dict]:
        return await self.read(captures.recent, limit, outcome)

    def ping(self) -> dict:
        return {"app": "shoptally", "version": __version__, "protocol": PROTOCOL_VERSION}

    async def status(self) -> dict:
        """Answers while the database is down too: `rev` is then null and `database` says why."""
        try:
            rev: int | None = await self.current_rev()
        except DatabaseUnreachable:
            rev = None
        return {
            **self.ping(), "rev": rev, "port": self.port,
            "extensions": [self._conn_json(c) for c in self.extensions.values() if c.welcomed],
            "pending_pairs": self._shown_pairs(),
            "views": self.bus.subscriber_count,
            "database": dict(self.db_state),
            "role": self.role,
        }

    # extensions and pairing ----------------------------------------------------------------------
    async def hello(self, conn: ExtensionConn, token: object) -> bool:
        """True when the token is the data dir's token or a live paired token."""
        if self.token_ok(token):
            conn.pairing_id = None
        else:
            if not isinstance(token, str) or not token:
                return False
            row = await self.read(pairing.check, token)
            if row is None:
                return False
            conn.pairing_id, conn.name = row.id, row.name
            if not self.read_only:  # a viewer's daemon writes nothing, not even when a browser was last seen
                await self.writer.run(pairing.touch, row.id)
        conn.welcomed = True
        self.extensions[conn.conn_id] = conn
        self.bus.publish({"event": "extension.connected", "connections": self._welcomed_count()})
        return True

    def disconnected(self, conn: ExtensionConn) -> None:
        was = self.extensions.pop(conn.conn_id, None)
        if conn.pending_code:
            self.pending.pop(conn.pending_code)
        if was is not None:
            self.bus.publish({"event": "extension.disconnected", "connections": self._welcomed_count()})
        # a command sent on this socket and never answered may have been lost with it (a browser the daemon
        # started reconnects once it is given the port: a command sent just then went down the closing socket)
        lost = [c for c in self.commands.values()
                if c["conn"] == conn.conn_id and c["stage"] == "sent" and c["id"] in self._sync_waiters]
        for command in lost:
            command["stage"] = "undelivered"
        if lost and self._welcomed_count():
            self.start_task(self.redeliver(max(self.require_extension(), key=lambda c: c.connected_at)))

    async def redeliver(self, conn: ExtensionConn) -> None:
        """Commands whose socket closed before any answer go to `conn` (the extension ignores a command id it
        has seen, so one that did arrive does not run twice)."""
        for command in [c for c in self.commands.values()
                        if c["stage"] == "undelivered" and c["id"] in self._sync_waiters]:  # still awaited
            command["stage"], command["conn"] = "sent", conn.conn_id
            log.info("command %s sent again: its socket closed before any answer", command["id"])
            await conn.send({k: command[k] for k in ("type", "id", "command", "site", "account")})

    def request_pair(self, conn: ExtensionConn, name: str) -> str:
        """The socket's pairing code: its waiting request's, or a new one. Never refused for a flood of other
        requests (core/pairing_requests.py)."""
        self._expire_pairs()
        if conn.pending_code and conn.pending_code in self.pending:
            return conn.pending_code
        # shown in `pair list`, the view and the tray: no newline or terminal escape may reach them
        conn.name = "".join(ch for ch in name[:200] if ch.isprintable()).strip() or "browser"
        pend, dropped = self.pending.add(conn.name, conn)
        conn.pending_code = pend.code
        self._pairs_gone(dropped, "server_pairing_crowded")
        asyncio.get_running_loop().call_later(self.pending.ttl + 0.05, self._expire_pairs)
        self.bus.publish({"event": "pairing.requested", **pend.json()})
        return pend.code

    async def approve(self, code: str | None) -> dict:
        roles.refuse_if_read_only(self.db)  # pairings are stored in the team's database (docs/team.md)
        code = self._pick_pending(code)
        pend = self.pending.pop(code)
        token = secrets.token_urlsafe(32)
        row = await self.writer.run(pairing.add, pend.name, token)
        pend.conn.pending_code = None
        await pend.conn.send({"type": "paired", "token": token})
        self.bus.publish({"event": "pairing.approved", "code": code, "id": row.id, "name": pend.name})
        return {"id": row.id, "name": pend.name, "code": code}

    def deny(self, code: str) -> dict:
        code = self._pick_pending(code)
        pend = self.pending.pop(code)
        pend.conn.pending_code = None
        self.bus.publish({"event": "pairing.denied", "code": code})
        return {"code": code, "name": pend.name}

    async def revoke(self, pairing_id: int) -> dict:
        if not 1 <= pairing_id < 2**63 or not await self.writer.run(pairing.revoke, pairing_id):
            raise NotFound.of("pairing_unknown", id=pairing_id)
        closed = 0
        for conn in list(self.extensions.values()):
            if conn.pairing_id == pairing_id:
                await conn.close(4401, "pairing revoked")
                closed += 1
        self.bus.publish({"event": "pairing.revoked", "id": pairing_id})
        return {"id": pairing_id, "closed": closed}

    async def pairing_state(self) -> dict:
        """`pending`: the newest waiting requests (of `pending_total`), newest first, with their time."""
        shown = self._shown_pairs()
        return {"pending": shown, "pending_total": len(self.pending), "paired": await self.read(pairing.active)}

    def _shown_pairs(self) -> list[dict]:
        self._expire_pairs()
        return [p.json() for p in self.pending.shown()]

    def _expire_pairs(self) -> None:
        self._pairs_gone(self.pending.expire(), "server_pairing_expired", seconds=f"{self.pending.ttl:g}")

    def _pairs_gone(self, gone: list[PendingPair], why: str, **params) -> None:
        """Requests dropped unanswered: their sockets hear it (the extension asks again with a new code).
        `why`: the catalog code of the sentence, so the extension can say it in its language."""
        for pend in gone:
            pend.conn.pending_code = None
            said = {"pairing_code": pend.code, **params}
            self.start_task(pend.conn.send({"type": "error", "error": "pairing_expired", "message": render(why, said),
                                            "code": why, "params": said}))
            self.bus.publish({"event": "pairing.expired", "code": pend.code})

    def _pick_pending(self, code: object) -> str:
        if code is not None and not isinstance(code, str):
            raise BadInput.of("pairing_code_not_text")
        self._expire_pairs()
        if code:
            code = code.strip().upper()
            if code not in self.pending:
                raise NotFound.of("pairing_code_unknown", code=code)
            return code
        if not self.pending:
            raise NotFound.of("pairing_none_waiting")
        if len(self.pending) > 1:
            shown = [p.code for p in self.pending.shown()]
            raise Conflict.of("pairing_many_waiting", count=len(self.pending),
                              codes=", ".join(shown) + (", …" if len(shown) < len(self.pending) else ""))
        return next(iter(self.pending))

    # commands ------------------------------------------------------------------------------------
    def require_extension(self) -> list[ExtensionConn]:
        """The welcomed extension connections; Conflict (one sentence) when there is none."""
        targets = [c for c in self.extensions.values() if c.welcomed]
        if not targets:
            raise Conflict.of("no_extension")
        return targets

    async def sync(self, account: str | None = None, site: str | None = None, command_id: str | None = None) -> dict:
        targets = self.require_extension()
        if account:
            store = await self.read(stores.by_name, account)
            site = site or store.platform
        command = {"type": "command", "id": command_id or str(uuid.uuid4()), "command": "sync",
                   "site": site or "tiktok", "account": account}
        conn = max(targets, key=lambda c: c.connected_at)  # the most recently connected browser
        await conn.send(command)
        self.commands[command["id"]] = {**command, "stage": "sent", "conn": conn.conn_id}
        self.bus.publish({"event": "sync.started", "command_id": command["id"], "site": command["site"],
                          "account": account})
        return {"command_id": command["id"], "site": command["site"], "account": account}

    def progress(self, conn: ExtensionConn, msg: dict) -> None:
        cid = str(msg.get("command_id") or "")[:64]
        event = {"event": "sync.progress", "command_id": cid}
        event.update(extension_said.counts(msg))
        if "message" in msg:
            event["message"] = extension_said.message(msg)
        event.update(extension_said.coded(msg))
        if cid in self.commands:
            self.commands[cid]["stage"] = msg.get("stage")
        if cid in self._sync_last:  # a sign of life: the stall clock starts again
            self._sync_last[cid] = {**event, "at": asyncio.get_running_loop().time()}
        waiter = self._sync_waiters.get(cid)
        if waiter is not None and msg.get("stage") in ("done", "error") and not waiter.done():
            waiter.set_result(event)
        self.bus.publish(event)

    async def sync_and_wait(self, account: str | None, timeout: float, site: str | None = None,
                            command_id: str | None = None, stall: float = 30) -> dict:
        """Send Sync Settlement and wait for the extension's last progress message (`done` means stored).
        Raises ShoptallyError when no extension is connected, TimeoutError when it does not finish in time,
        SyncStalled when `stall` seconds pass without a progress message."""
        command_id = command_id or str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future = loop.create_future()
        self._sync_waiters[command_id] = waiter  # before sending: its answer may come at once
        self._sync_last[command_id] = {"stage": "sent", "at": loop.time()}
        try:
            started = await self.sync(account, site, command_id)
            end = loop.time() + timeout
            while not waiter.done():
                last = self._sync_last[command_id]
                quiet_until = last["at"] + stall
                left = min(end, quiet_until) - loop.time()
                if left <= 0:
                    if loop.time() >= end:
                        raise TimeoutError
                    raise SyncStalled(stall, last)
                await asyncio.wait({waiter}, timeout=left)
            return {**started, **waiter.result()}
        finally:
            self._sync_waiters.pop(command_id, None)
            self._sync_last.pop(command_id, None)

    async def settings_changed(self, current: dict) -> None:
        """Every open view hears of it; every connected extension gets the settings it acts on."""
        self.bus.publish({"event": "settings.updated", "settings": app_settings.shown(current)})
        if self.autosync is not None:  # pause / resume auto-sync, whoever saved the setting
            await self.autosync.follow(current)
        message = {"type": "settings", "settings": app_settings.for_extension(current)}
        for conn in list(self.extensions.values()):
            if conn.welcomed:
                await conn.send(message)

    async def extension_settings(self) -> dict:
        return {"type": "settings", "settings": app_settings.for_extension(await self.read(app_settings.get_all))}

    def connected_extensions(self) -> int:
        return self._welcomed_count()

    def own_token(self) -> str:
        """The data dir's token, for the browser shoptally starts itself (never logged, never sent elsewhere)."""
        return self._token

    # helpers -------------------------------------------------------------------------------------
    def _welcomed_count(self) -> int:
        return sum(1 for c in self.extensions.values() if c.welcomed)

    @staticmethod
    def _conn_json(c: ExtensionConn) -> dict:
        return {"id": c.conn_id, "name": c.name, "pairing_id": c.pairing_id,
                "extension_version": c.extension_version, "connected_at": c.connected_at.isoformat()}


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

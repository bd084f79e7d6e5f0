"""The payments and tax reports for the Finance view's Payments and Taxes tabs (and anything else that asks):
the same query words as /api/report (period, basis, account), read in the service's read pool; a refused
argument answers 400 with its catalog code. After an answer, the sums a next request reads are warmed, once
per data rev."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from aiohttp import web

from companion.reports.payments import payments_report
from companion.reports.reporting import stores_of
from companion.reports.taxes import tax_report
from companion.server.keys import SERVICE
from companion.store import changes, payouts, taxes

routes = web.RouteTableDef()


@dataclass
class _Warmups:
    """One service's warm-ups: those under way (the task held, lest it be collected before it runs), and the
    data rev each (report, stores) was last warmed for."""

    running: dict[tuple, asyncio.Task] = field(default_factory=dict)
    done: dict[tuple, int] = field(default_factory=dict)


_STATE: WeakKeyDictionary = WeakKeyDictionary()  # service → _Warmups
MAX_KEPT = 256  # (report, stores) pairs remembered; then forgotten all at once (a warm-up more, never a wrong sum)


@routes.get("/api/reports/payments")
async def payments(request: web.Request) -> web.Response:
    """Query: period (default this-month; the payout date, in each store's zone), account (all stores)."""
    q = request.query
    service = request.app[SERVICE]
    body = await service.read(payments_report, q.get("period") or "this-month", q.get("account") or None)
    # then every statement of the stores shown is added up once for this data rev (store.payouts.warm), so the
    # next period the seller picks is read from those sums instead of a year of lines
    rev, ids = await service.read(_targets, q.get("account") or None)
    _warm(service, ("payments", tuple(ids)), rev, payouts.warm, ids)
    return web.json_response(body)


def _warm(service, key: tuple, rev: int, work, *args) -> bool:
    """Start a warm-up after the answer, unless one for `key` is under way or already done at `rev`: the sums
    are kept per rev, so a second request of the same data scans nothing again. Whether one started."""
    state = _STATE.setdefault(service, _Warmups())
    if key in state.running or state.done.get(key) == rev:
        return False
    task = asyncio.get_running_loop().create_task(service.read(work, *args))
    state.running[key] = task
    task.add_done_callback(lambda t: _warmed(state, key, rev, t))
    return True


def _warmed(state: _Warmups, key: tuple, rev: int, task: asyncio.Task) -> None:
    """A warm-up that failed (the daemon stopping, the database gone) only leaves the sums to be read again:
    it is not counted as done."""
    state.running.pop(key, None)
    if task.cancelled() or task.exception() is not None:
        return
    if len(state.done) >= MAX_KEPT:
        state.done.clear()
    state.done[key] = rev


def _targets(account: str | None) -> tuple[int, list[int]]:
    """The data rev (read first: sums warmed after it are at least that fresh) and the stores shown."""
    return changes.current_rev(), [s.id for s in stores_of(account)]


@routes.get("/api/reports/tax")
async def tax(request: web.Request) -> web.Response:
    """Query: period (default this-month), basis (settlement), account (all stores)."""
    q = request.query
    service = request.app[SERVICE]
    body = await service.read(tax_report, q.get("period") or "this-month", q.get("basis") or "settlement",
                              q.get("account") or None)
    # then each store's tax days are added up once for this data rev (store.taxes.warm): the next period or
    # basis is read from them
    rev, zones = await service.read(_zoned_targets, q.get("account") or None)
    _warm(service, ("tax", tuple(zones)), rev, taxes.warm, zones)
    return web.json_response(body)


def _zoned_targets(account: str | None) -> tuple[int, list[tuple[int, str]]]:
    return changes.current_rev(), [(s.id, s.timezone) for s in stores_of(account)]

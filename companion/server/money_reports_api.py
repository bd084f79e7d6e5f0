"""The payments and tax reports for the Finance view's Payments and Taxes tabs (and anything else that asks):
the same query words as /api/report (period, basis, account), read in the service's read pool; a refused
argument answers 400 with its catalog code."""

from __future__ import annotations

import asyncio

from aiohttp import web

from companion.reports.payments import payments_report
from companion.reports.reporting import stores_of
from companion.reports.taxes import tax_report
from companion.server.keys import SERVICE
from companion.store import payouts, taxes

routes = web.RouteTableDef()
_WARMING: set = set()  # the warm-ups under way (a task nobody holds may be collected before it runs)


@routes.get("/api/reports/payments")
async def payments(request: web.Request) -> web.Response:
    """Query: period (default this-month; the payout date, in each store's zone), account (all stores)."""
    q = request.query
    service = request.app[SERVICE]
    body = await service.read(payments_report, q.get("period") or "this-month", q.get("account") or None)
    # then every statement of the stores shown is added up once for this data rev (store.payouts.warm), so the
    # next period the seller picks is read from those sums instead of a year of lines
    ids = await service.read(_store_ids, q.get("account") or None)
    _warm(service.read(payouts.warm, ids))
    return web.json_response(body)


def _warm(work) -> None:
    """Run a warm-up after the answer, holding the task until it ends."""
    task = asyncio.get_running_loop().create_task(work)
    _WARMING.add(task)
    task.add_done_callback(_warmed)


def _warmed(task: asyncio.Task) -> None:
    """A warm-up that failed (the daemon stopping, the database gone) only leaves the sums to be read again."""
    _WARMING.discard(task)
    if not task.cancelled():
        task.exception()


def _store_ids(account: str | None) -> list[int]:
    return [s.id for s in stores_of(account)]


@routes.get("/api/reports/tax")
async def tax(request: web.Request) -> web.Response:
    """Query: period (default this-month), basis (settlement), account (all stores)."""
    q = request.query
    service = request.app[SERVICE]
    body = await service.read(tax_report, q.get("period") or "this-month", q.get("basis") or "settlement",
                              q.get("account") or None)
    # then each store's tax days are added up once for this data rev (store.taxes.warm): the next period or
    # basis is read from them
    zones = await service.read(_store_zones, q.get("account") or None)
    _warm(service.read(taxes.warm, zones))
    return web.json_response(body)


def _store_zones(account: str | None) -> list[tuple[int, str]]:
    return [(s.id, s.timezone) for s in stores_of(account)]

"""The payments and tax reports for the Finance view's Payments and Taxes tabs (and anything else that asks):
the same query words as /api/report (period, basis, account), read in the service's read pool; a refused
argument answers 400 with its catalog code."""

from __future__ import annotations

from aiohttp import web

from companion.reports.payments import payments_report
from companion.reports.taxes import tax_report
from companion.server.keys import SERVICE

routes = web.RouteTableDef()


@routes.get("/api/reports/payments")
async def payments(request: web.Request) -> web.Response:
    """Query: period (default this-month; the payout date, in each store's zone), account (all stores)."""
    q = request.query
    body = await request.app[SERVICE].read(payments_report, q.get("period") or "this-month",
                                           q.get("account") or None)
    return web.json_response(body)


@routes.get("/api/reports/tax")
async def taxes(request: web.Request) -> web.Response:
    """Query: period (default this-month), basis (settlement), account (all stores)."""
    q = request.query
    body = await request.app[SERVICE].read(tax_report, q.get("period") or "this-month",
                                           q.get("basis") or "settlement", q.get("account") or None)
    return web.json_response(body)

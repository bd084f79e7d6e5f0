"""The Finance view's chart endpoint: net profit per store by day, week or month (companion.reports.chart_data)."""

from __future__ import annotations

from aiohttp import web

from companion.reports import chart_data
from companion.server.keys import SERVICE

routes = web.RouteTableDef()


@routes.get("/api/chart")
async def chart(request: web.Request) -> web.Response:
    """Query: period (default this-month), basis (settlement), account (all stores), step (day), currency
    (as recorded; a code converts every point as /api/report converts the cards). Reads the database in the
    service's read pool; a refused argument (or a missing exchange rate) answers 400 with the reason.
    The answer repeats the query it was drawn from (`query`, without currency), so the chart can ask for
    the same chart converted when the view's currency filter says so."""
    q = request.query
    args = (q.get("period") or "this-month", q.get("basis") or "settlement", q.get("account") or None,
            q.get("step") or "day")
    body = await request.app[SERVICE].read(chart_data.net_profit_series, *args, None, q.get("currency") or None)
    body["query"] = {k: v for k, v in zip(("period", "basis", "account", "step"), args, strict=True) if v}
    return web.json_response(body)

"""GET /api/reports/sales: the sales report (companion.reports.sales_report) for the Finance view's Sales tab
and scripts, with the profit report's query parameters (api.report_args) plus `group` (day, week, month)."""

from __future__ import annotations

from aiohttp import web

from companion.errors import BadInput
from companion.reports.sales_report import MAX_ROWS, sales_report
from companion.server.api import report_args
from companion.server.keys import SERVICE

routes = web.RouteTableDef()


@routes.get("/api/reports/sales")
async def sales(request: web.Request) -> web.Response:
    """Query: period (this-month), basis (settlement), by (store or sku), account (all stores), group (day),
    limit (every row: at most MAX_ROWS; the view asks for the rows it draws). A currency is refused: the
    sales report keeps every currency apart and converts none."""
    args = report_args(request)
    if args.pop("currency"):
        raise BadInput.of("sales_no_currency", currency=request.query.get("currency"))
    args["group"] = request.query.get("group") or "day"
    if request.query.get("limit"):
        try:
            args["limit"] = min(max(int(request.query["limit"]), 1), MAX_ROWS)
        except ValueError as exc:
            raise BadInput.of("limit_not_whole") from exc
    return web.json_response(await request.app[SERVICE].read(lambda: sales_report(**args)))

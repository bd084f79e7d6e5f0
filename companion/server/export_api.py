"""The Finance view's file exports besides the CSV: the income table as XLSX, the period's summary as PDF.

Each takes `lang` (en or zh, en by default): the words of the file (headers, labels) follow the view's
language; its figures do not change."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from aiohttp import web

from companion.errors import BadInput
from companion.reports import finance_view
from companion.reports.exports.language import lang_of
from companion.server.api import report_args
from companion.server.keys import SERVICE

routes = web.RouteTableDef()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 256 * 1024


@routes.get("/api/lines/export.xlsx")
async def export_xlsx(request: web.Request) -> web.StreamResponse:
    """An XLSX file is a zip that is complete only once closed, so it cannot be streamed as rows are read:
    a read thread writes it to a temporary file (constant memory), which is then sent and deleted."""
    f = finance_view.Filters.from_query(request.query)
    lang = lang_of(request.query.get("lang"))
    tab = request.query.get("tab") or "income"
    if tab not in ("income", "expense"):
        raise BadInput.of("tab_unknown", ext="xlsx")
    from companion.reports.exports import xlsx_table  # imported when asked: the daemon starts without it

    write = xlsx_table.income_xlsx if tab == "income" else xlsx_table.expense_xlsx
    return await _send_xlsx(request, tab, partial(write, lang=lang), f)


@routes.get("/api/report.xlsx")
async def report_xlsx(request: web.Request) -> web.StreamResponse:
    """The profit tab as the view shows it: the report by store, SKU, MSKU or order, as a workbook."""
    args = report_args(request)
    lang = lang_of(request.query.get("lang"))
    report = await request.app[SERVICE].report(**args)
    from companion.reports.exports import xlsx_table

    return await _send_xlsx(request, f"profit-by-{args['by']}", partial(xlsx_table.profit_xlsx, lang=lang), report)


async def _send_xlsx(request: web.Request, what: str, write, source) -> web.StreamResponse:
    fd, name = tempfile.mkstemp(prefix="shoptally-", suffix=".xlsx")
    os.close(fd)
    path = Path(name)
    try:
        await request.app[SERVICE].read(write, source, path)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        response = web.StreamResponse(headers={
            "Content-Type": XLSX_TYPE,
            "Content-Disposition": f'attachment; filename="shoptally-{what}-{stamp}.xlsx"',
            "Cache-Control": "no-store"})
        response.content_length = path.stat().st_size
        await response.prepare(request)
        with path.open("rb") as fh:
            while chunk := await asyncio.to_thread(fh.read, CHUNK):
                await response.write(chunk)
        await response.write_eof()
        return response
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


@routes.get("/api/summary.pdf")
async def summary(request: web.Request) -> web.Response:
    args = report_args(request, by="store")
    lang = lang_of(request.query.get("lang"))
    period, account = args["period"], args["account"]
    # the service runs the report in the read pool and answers its refusals (bad period, unknown store) with 400
    report = await request.app[SERVICE].report(**args)
    # fpdf and its font tools cost a quarter of a second to import: a daemon that never prints one never pays it
    from companion.reports.exports.summary_pdf import summary_pdf, title_for

    pdf = await request.app[SERVICE].read(summary_pdf, report, title_for(account, lang), lang)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", period)  # the period is the user's text: keep the header plain
    return web.Response(body=pdf, headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="shoptally-summary-{safe}.pdf"',
        "Cache-Control": "no-store"})

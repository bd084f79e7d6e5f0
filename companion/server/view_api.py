"""The Finance view's table endpoints: a page of lines, the CSV export (streamed), one line's fields."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from aiohttp import web

from companion.errors import BadInput, NotFound
from companion.reports import finance_view
from companion.reports.exports import csv_table
from companion.reports.exports.language import lang_of
from companion.server.api import read_json, report_args
from companion.server.keys import SERVICE
from companion.store import edits, line_table, settlements

routes = web.RouteTableDef()
_DONE = object()


def _filters(request: web.Request) -> finance_view.Filters:
    return finance_view.Filters.from_query(request.query)


async def _page(request: web.Request, fn) -> web.Response:
    return web.json_response(await request.app[SERVICE].read(fn, _filters(request)))


@routes.get("/api/lines")
async def lines(request: web.Request) -> web.Response:
    return await _page(request, finance_view.income_page)


@routes.get("/api/lines/{line_id:\\d+}")
async def line_fields(request: web.Request) -> web.Response:
    found = await request.app[SERVICE].read(line_table.fields_of, int(request.match_info["line_id"]))
    if found is None:
        raise NotFound.of("line_unknown")
    return web.json_response(found)


@routes.get("/api/reset/preview")
async def reset_preview(request: web.Request) -> web.Response:
    """How many settlement records a Reset of this store (or of all stores) would delete: the view's
    confirmation names the number before anything is deleted."""

    account = request.query.get("account") or None
    count = await request.app[SERVICE].read(settlements.count_records, account)
    return web.json_response({"account": account, "records": count})


@routes.get("/api/lines/export.csv")
async def export_csv(request: web.Request) -> web.StreamResponse:
    """Streamed as it is read: a thread of its own walks the rows (one database cursor, one connection)
    and hands chunks over a small queue, so memory stays flat for a million rows and a slow download
    holds up only that thread."""
    f = _filters(request)
    lang = lang_of(request.query.get("lang"))
    tab = request.query.get("tab") or "income"
    if tab not in ("income", "expense"):
        raise BadInput.of("tab_unknown", ext="csv")
    rows_csv = csv_table.income_csv if tab == "income" else csv_table.expense_csv
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue(maxsize=8)
    stop = threading.Event()
    db = request.app[SERVICE].db

    def produce() -> None:
        try:
            for chunk in rows_csv(f, lang=lang):
                if stop.is_set():
                    return
                asyncio.run_coroutine_threadsafe(queue.put(chunk), loop).result()
            asyncio.run_coroutine_threadsafe(queue.put(_DONE), loop).result()
        except Exception as exc:  # noqa: BLE001 - handed to the request, which answers with it
            if not stop.is_set():
                asyncio.run_coroutine_threadsafe(queue.put(exc), loop).result()
        finally:
            if not db.is_closed():
                db.close()

    threading.Thread(target=produce, name="shoptally-export", daemon=True).start()
    first = await queue.get()
    if isinstance(first, finance_view.ViewError):
        stop.set()
        raise BadInput(first.message, file=first.file, code=first.code, params=first.params)
    if isinstance(first, Exception):
        stop.set()
        raise first
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    response = web.StreamResponse(headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="shoptally-{tab}-{stamp}.csv"',
        "Cache-Control": "no-store"})
    await response.prepare(request)
    try:
        chunk = first
        while chunk is not _DONE:
            if isinstance(chunk, Exception):
                raise chunk
            await response.write(chunk.encode("utf-8"))
            chunk = await queue.get()
    finally:
        stop.set()
        while not queue.empty():  # let a producer blocked on a full queue finish
            queue.get_nowait()
    await response.write_eof()
    return response


@routes.get("/api/expenses")
async def expenses(request: web.Request) -> web.Response:
    return await _page(request, finance_view.expense_page)


@routes.post("/api/edits")
async def save_edit(request: web.Request) -> web.Response:
    """One figure of one line, as the seller typed it; saved, logged and announced to every open view."""

    body = await read_json(request)
    try:
        line_id = int(body.get("line_id"))
    except (TypeError, ValueError) as exc:
        raise BadInput.of("edit_send_line") from exc
    saved = await request.app[SERVICE].writer.run(edits.save, line_id, str(body.get("field") or ""), body.get("value"))
    return web.json_response(saved.json())


@routes.post("/api/edits/undo")
async def undo_edit(request: web.Request) -> web.Response:

    body = await read_json(request)
    edit_id = body.get("edit")
    if edit_id is not None and not isinstance(edit_id, int):
        raise BadInput.of("undo_edit_not_number")
    saved = await request.app[SERVICE].writer.run(edits.undo, edit_id)
    return web.json_response(saved.json())


@routes.get("/api/edits")
async def edit_history(request: web.Request) -> web.Response:

    try:
        limit = min(max(int(request.query.get("limit") or 50), 1), 500)
    except ValueError as exc:
        raise BadInput.of("limit_not_whole") from exc
    return web.json_response({"edits": await request.app[SERVICE].read(edits.history, limit)})


@routes.get("/api/report.csv")
async def report_csv(request: web.Request) -> web.Response:
    """The profit tab as the view shows it: the report by store, SKU, MSKU or order, as CSV."""
    args = report_args(request)
    lang = lang_of(request.query.get("lang"))
    report = await request.app[SERVICE].report(**args)
    by = args["by"]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return web.Response(body=csv_table.profit_csv(report, lang).encode("utf-8"), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="shoptally-profit-by-{by}-{stamp}.csv"',
        "Cache-Control": "no-store"})

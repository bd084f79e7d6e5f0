"""Settings → SKU costs: the table of unit costs by SKU with their dated versions; one version added or
changed; versions deleted. A CSV dropped on the table goes to POST /api/figures/costs (the same reader and
rows as `shoptally costs import`).

Writes go through the writer like every other edit, and each records a change, so every open view hears
`data.changed` and refreshes its figures. Amounts travel as exact decimal text. The handlers are put on
settings_api's route table (see there), the Settings tab's endpoints being one group.
"""

from __future__ import annotations

from aiohttp import web

from companion.errors import BadInput
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import sku_costs


async def list_costs(request: web.Request) -> web.Response:
    search = request.query.get("q", "")
    if len(search) > sku_costs.MAX_TEXT:
        raise BadInput.of("q_too_long", most=sku_costs.MAX_TEXT)
    return web.json_response(await request.app[SERVICE].read(sku_costs.table, search))


async def put_cost(request: web.Request) -> web.Response:
    """Add a version, or with `replaces` (the start date the version had) change one."""
    typed = sku_costs.check(await read_json(request))
    saved = await request.app[SERVICE].writer.run(sku_costs.put, typed)
    return web.json_response(saved.json())


async def delete_cost(request: web.Request) -> web.Response:
    """One version (`effective_from`, "" for from the start), or every version of the SKU with all: true."""
    body = await read_json(request)
    sku = body.get("sku_id")
    if not isinstance(sku, str) or not sku.strip():
        raise BadInput.of("cost_delete_send_sku")
    if body.get("all") is True:
        since = None
    elif "effective_from" in body:
        since = sku_costs.check_date("effective_from", body["effective_from"])
    else:
        raise BadInput.of("cost_delete_send_date")
    saved = await request.app[SERVICE].writer.run(sku_costs.delete, sku.strip(), since)
    return web.json_response(saved.json())


def add_to(routes: web.RouteTableDef) -> None:
    routes.get("/api/costs")(list_costs)
    routes.post("/api/costs")(put_cost)
    routes.post("/api/costs/delete")(delete_cost)

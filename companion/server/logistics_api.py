"""Settings → logistics costs: the per-unit first-leg, last-leg and other costs stored (`shoptally logistics
import`, or a CSV dropped on the section, which goes to POST /api/figures/logistics), and one version deleted.
Put on settings_api's route table like costs_api."""

from __future__ import annotations

from aiohttp import web

from companion.errors import BadInput
from companion.ledger.unit_charges import KINDS
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import sku_costs, unit_charges


async def list_charges(request: web.Request) -> web.Response:
    return web.json_response(await request.app[SERVICE].read(unit_charges.table))


async def delete_charge(request: web.Request) -> web.Response:
    """Body {kind, sku_id, effective_from}: "" for the version from the start."""
    body = await read_json(request)
    kind, sku = body.get("kind"), body.get("sku_id")
    if kind not in KINDS:
        raise BadInput.of("charge_kind_unknown", value=str(kind)[:40])
    if not isinstance(sku, str) or not sku.strip() or len(sku) > sku_costs.MAX_TEXT:
        raise BadInput.of("cost_delete_send_sku")
    since = sku_costs.check_date("effective_from", body.get("effective_from"))
    saved = await request.app[SERVICE].writer.run(unit_charges.delete, kind, sku.strip(), since)
    return web.json_response(saved.json())


def add_to(routes: web.RouteTableDef) -> None:
    routes.get("/api/logistics")(list_charges)
    routes.post("/api/logistics/delete")(delete_charge)

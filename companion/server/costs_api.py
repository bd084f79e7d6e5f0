"""Settings → SKU costs: the table of unit costs by SKU with their dated versions; one version added or
changed; versions deleted. A CSV dropped on the table goes to POST /api/figures/costs (the same reader and
rows as `shoptally costs import`). Beside them: the purchase records and the SKU map (imported through POST
/api/figures/purchases and /api/figures/skumap; one of each deleted), the 1688 payment notice, each store's
costing, and each Shopify store's sales with or without tax.

Writes go through the writer like every other edit, and each records a change, so every open view hears
`data.changed` and refreshes its figures. Amounts travel as exact decimal text. The handlers are put on
settings_api's route table (see there), the Settings tab's endpoints being one group.
"""

from __future__ import annotations

from aiohttp import web

from companion.errors import BadInput
from companion.reports import purchase_notice
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import costing, purchases, sales_tax, sku_costs, sku_map


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


async def list_purchases(request: web.Request) -> web.Response:
    """The purchase records (CSV import, 1688 captures), newest first, with their items and sold orders."""
    search = request.query.get("q", "")
    if len(search) > purchases.MAX_SEARCH:
        raise BadInput.of("q_too_long", most=purchases.MAX_SEARCH)
    return web.json_response(await request.app[SERVICE].read(purchases.table, search))


async def unpaid_purchases(request: web.Request) -> web.Response:
    """The 1688 payment notice of a period (the view's banner): sold orders whose linked purchase is unpaid."""
    period = request.query.get("period", "this-month")
    account = request.query.get("account") or None
    if len(period) > 64 or (account is not None and len(account) > 200):
        raise BadInput.of("q_too_long", most=200)
    return web.json_response(await request.app[SERVICE].read(purchase_notice.unpaid, period, account))


async def list_sku_map(request: web.Request) -> web.Response:
    return web.json_response(await request.app[SERVICE].read(sku_map.table))


def _text_field(body: dict, key: str, code: str, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > sku_costs.MAX_TEXT:
        raise BadInput.of(code)
    return value.strip()


async def delete_purchase(request: web.Request) -> web.Response:
    """Body {order_no, source?}: one purchase order with its items and links (no source: the only one of that
    number)."""
    body = await read_json(request)
    order_no = _text_field(body, "order_no", "purchase_delete_send_order")
    source = _text_field(body, "source", "purchase_delete_send_order", required=False)
    saved = await request.app[SERVICE].writer.run(purchases.delete, order_no, source)
    return web.json_response(saved.json())


async def delete_sku_map(request: web.Request) -> web.Response:
    """Body {supplier_sku, store?}: one SKU map entry, a store's own or ("" / none) the one for every store."""
    body = await read_json(request)
    sku = _text_field(body, "supplier_sku", "skumap_delete_send_sku")
    store = body.get("store") or ""
    if not isinstance(store, str) or len(store) > sku_costs.MAX_TEXT:
        raise BadInput.of("account_not_name")
    saved = await request.app[SERVICE].writer.run(sku_map.delete, sku, store.strip())
    return web.json_response(saved.json())


async def list_costing(request: web.Request) -> web.Response:
    return web.json_response({"stores": await request.app[SERVICE].read(costing.listing),
                              "methods": list(costing.METHODS)})


async def set_costing(request: web.Request) -> web.Response:
    """{account, method}: one store's costing (fixed | moving_average)."""
    body = await read_json(request)
    account = body.get("account")
    if not isinstance(account, str) or not account.strip():
        raise BadInput.of("account_not_name")
    method = costing.check(body.get("method"))
    saved = await request.app[SERVICE].writer.run(costing.set_method, account.strip(), method)
    return web.json_response(saved.json())


async def list_sales_tax(request: web.Request) -> web.Response:
    return web.json_response({"stores": await request.app[SERVICE].read(sales_tax.listing),
                              "choices": list(sales_tax.CHOICES)})


async def set_sales_tax(request: web.Request) -> web.Response:
    """{account, sales_tax}: whether one Shopify store's sales include tax (excluded | included)."""
    body = await read_json(request)
    account = body.get("account")
    if not isinstance(account, str) or not account.strip() or len(account) > 200:
        raise BadInput.of("account_not_name")
    choice = sales_tax.check(body.get("sales_tax"))
    saved = await request.app[SERVICE].writer.run(sales_tax.set_choice, account.strip(), choice)
    return web.json_response(saved.json())


def add_to(routes: web.RouteTableDef) -> None:
    routes.get("/api/costs")(list_costs)
    routes.post("/api/costs")(put_cost)
    routes.post("/api/costs/delete")(delete_cost)
    routes.get("/api/purchases")(list_purchases)
    routes.get("/api/purchases/unpaid")(unpaid_purchases)
    routes.post("/api/purchases/delete")(delete_purchase)
    routes.get("/api/skumap")(list_sku_map)
    routes.post("/api/skumap/delete")(delete_sku_map)
    routes.get("/api/costing")(list_costing)
    routes.post("/api/costing")(set_costing)
    routes.get("/api/sales-tax")(list_sales_tax)
    routes.post("/api/sales-tax")(set_sales_tax)

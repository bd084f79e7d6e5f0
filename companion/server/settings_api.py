"""Settings → Data Management: the seller's modes (sent to the extension), store settings, exchange rates,
custom fees, and (costs_api.py) SKU costs.

A rate or fee typed in the view is read as a one-row CSV by the same reader as `shoptally fx|fees import`,
so the rules are one; its refusal drops the file and row the reader names ("row 2, …"), leaving the
sentence that names the field.
"""

from __future__ import annotations

import csv
import io

from aiohttp import web

from companion.errors import BadInput, NotFound, Unprocessable, catalog
from companion.ledger.inputs import InputError
from companion.server import costs_api, logistics_api
from companion.server.api import read_json
from companion.server.keys import SERVICE
from companion.store import app_settings, seller_inputs, sku_costs, stores
from companion.store.models import CustomFee, FxRate, Store

routes = web.RouteTableDef()
costs_api.add_to(routes)
logistics_api.add_to(routes)


@routes.get("/api/settings")
async def get_settings(request: web.Request) -> web.Response:
    current = await request.app[SERVICE].read(app_settings.get_all)
    return web.json_response({"settings": app_settings.shown(current), "choices": app_settings.CHOICES})


@routes.post("/api/settings")
async def save_settings(request: web.Request) -> web.Response:
    body = await read_json(request)
    service = request.app[SERVICE]
    current = await service.writer.run(app_settings.save, body)
    await service.settings_changed(current)
    return web.json_response({"settings": app_settings.shown(current)})


@routes.post("/api/stores/update")
async def update_store(request: web.Request) -> web.Response:
    body = await read_json(request)
    account = str(body.get("account") or "")
    patch = {k: body[k] for k in ("name", "timezone", "currency") if k in body}
    service = request.app[SERVICE]
    store = await service.writer.run(stores.update, account, patch)
    service.bus.publish({"event": "stores.updated", "account": account, "name": store.name})
    return web.json_response({"name": store.name, "timezone": store.timezone, "currency": store.currency})


@routes.get("/api/fx")
async def list_rates(request: web.Request) -> web.Response:

    def rows() -> list[dict]:
        return [{"date": r.day, "from": r.base, "to": r.quote, "rate": r.rate}
                for r in FxRate.select().order_by(FxRate.day.desc(), FxRate.base, FxRate.quote).limit(1000)]

    return web.json_response({"rates": await request.app[SERVICE].read(rows)})


@routes.post("/api/fx")
async def add_rate(request: web.Request) -> web.Response:
    """One dated rate typed in the view, through the same checks as `shoptally fx import`."""
    body = await read_json(request)
    fields = [str(body.get(k) or "").strip() for k in ("date", "from", "to", "rate")]
    if any("," in f or "\n" in f for f in fields):
        raise BadInput.of("rate_field_commas")
    return web.json_response(await _one_row(request, "fx", ("date", "from", "to", "rate"), fields))


async def _one_row(request: web.Request, kind: str, header: tuple[str, ...], fields: list[str]) -> dict:
    """One rate or fee typed in the view, through the reader of its CSV import; refusals name the field."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, fields])
    try:
        return await request.app[SERVICE].import_figures(kind, f"{kind} typed in the view", buf.getvalue().encode())
    except InputError as exc:
        # the one row's refusal without "row 2": its cell_ twin in the catalog, the same sentence less the row
        typed = "cell_" + exc.code.removeprefix("row_")
        if exc.code.startswith("row_") and typed in catalog():
            raise Unprocessable.of(typed, **{k: v for k, v in exc.params.items() if k != "row"}) from None
        raise Unprocessable(exc.message.removeprefix("row 2, ").removeprefix("row 2: "), code=exc.code,
                            params=exc.params) from None


@routes.post("/api/fx/delete")
async def delete_rate(request: web.Request) -> web.Response:
    body = await read_json(request)
    day, base, quote = (str(body.get(k) or "").strip().upper() for k in ("date", "from", "to"))

    def delete() -> seller_inputs.Saved:
        removed = FxRate.delete().where((FxRate.day == day) & (FxRate.base == base) & (FxRate.quote == quote)).execute()
        if not removed:
            raise NotFound.of("rate_unknown", base=base, quote=quote, day=day)
        return seller_inputs.finish(seller_inputs.Saved(removed=removed), "fx")

    return web.json_response((await request.app[SERVICE].writer.run(delete)).json())


FEE_FIELDS = ("level", "account", "target", "month", "name", "amount", "currency")


@routes.get("/api/fees")
async def list_fees(request: web.Request) -> web.Response:
    """The seller's custom fees, latest month first (at most 1000); amounts as typed: a cost positive."""

    def rows() -> list[dict]:
        query = (CustomFee.select(CustomFee, Store.name).join(Store)
                 .order_by(CustomFee.month.desc(), Store.name, CustomFee.level, CustomFee.target, CustomFee.name)
                 .limit(1000))
        return [{"id": f.id, "level": f.level, "account": f.store.name, "target": f.target, "month": f.month,
                 "name": f.name, "amount": sku_costs.amount_text(-f.amount),
                 "currency": f.currency} for f in query]

    return web.json_response({"fees": await request.app[SERVICE].read(rows)})


@routes.post("/api/fees")
async def add_fee(request: web.Request) -> web.Response:
    """One fee typed in the view (level, account, target, month, name, amount, currency), checked by the
    reader of `shoptally fees import`; the same fee (level, store, target, month, name) is replaced."""
    body = await read_json(request)
    fields = []
    for key in FEE_FIELDS:
        value = body.get(key)
        if value is not None and not isinstance(value, (str, int)) or isinstance(value, bool):
            raise BadInput.of("field_not_text", field=key)
        fields.append(str(value if value is not None else "").strip())
    return web.json_response(await _one_row(request, "fees", FEE_FIELDS, fields))


@routes.post("/api/fees/delete")
async def delete_fee(request: web.Request) -> web.Response:
    body = await read_json(request)
    fee_id = body.get("id")
    if not isinstance(fee_id, int) or isinstance(fee_id, bool) or not 0 < fee_id < 2**63:
        raise BadInput.of("fee_delete_send_id")

    def delete() -> seller_inputs.Saved:
        if not CustomFee.delete().where(CustomFee.id == fee_id).execute():
            raise NotFound.of("fee_unknown", id=fee_id)
        return seller_inputs.finish(seller_inputs.Saved(removed=1), "fees")

    return web.json_response((await request.app[SERVICE].writer.run(delete)).json())

"""SKU unit costs typed in the Finance view: the table (each SKU's cost in force and its dated versions),
one version added or changed, versions deleted.

Why its own checks rather than the CSV reader's: a cost typed in a form has no file or row to name, so each
refusal names the form's field (`unit_cost: …`). The rules are the same as `shoptally costs import`
(ledger/inputs.py), and a version is the same row either way (SKU and start date), so a cost typed in the
view and one imported from a file replace each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from companion.errors import NotFound, Unprocessable
from companion.ledger import currencies
from companion.ledger.inputs import CostRow
from companion.ledger.money import CENT, MAX_UNITS, MoneyError, fmt, parse_amount, to_storage
from companion.store import seller_inputs
from companion.store.models import SkuCost

MAX_TEXT = 128
MAX_SKUS = 2000  # the table's rows at most; a search narrows it


class CostError(Unprocessable):
    """A cost typed in the view that cannot be saved; the sentence names the field."""


@dataclass(frozen=True)
class Typed:
    row: CostRow
    replaces: str | None  # the start date ("" for from the start) of the version this edit changes, if any


def amount_text(value: Decimal) -> str:
    """Exact decimal text: two decimals, or the four a cost may have (1.2345 stays 1.2345)."""
    return fmt(value) if value == value.quantize(CENT) else str(value.normalize())


def _text(body: dict, field: str, required: bool) -> str:
    value = body.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CostError.of("field_not_text", field=field)
    value = value.strip()
    if required and not value:
        raise CostError.of("sku_empty", field=field)
    if len(value) > MAX_TEXT:
        raise CostError.of("field_too_long", field=field, most=MAX_TEXT)
    return value


def check_date(field: str, value: object) -> str:
    """'' (from the start) or a real YYYY-MM-DD date between 2000 and 2099."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise CostError.of("cost_date_not_date", field=field, value=value)
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise CostError.of("date_not_in_calendar", field=field, value=value) from None
    if not 2000 <= day.year <= 2099:
        raise CostError.of("date_out_of_range", field=field, value=value)
    return day.isoformat()


def check(body: dict) -> Typed:
    """A cost version from the view's form, checked field by field; CostError names the first bad one."""
    sku = _text(body, "sku_id", True)
    if re.match(r"^\d(\.\d+)?[eE]\+\d+$", sku):
        raise CostError.of("sku_rounded", value=sku)
    msku = _text(body, "msku", False) or None
    raw = body.get("unit_cost")
    if raw is None or (isinstance(raw, str) and not raw.strip()) or isinstance(raw, bool):
        raise CostError.of("unit_cost_empty")
    text = raw.strip() if isinstance(raw, str) else raw
    try:
        cost = parse_amount(text)
    except MoneyError as exc:
        raise (CostError.of("cell_not_amount", column="unit_cost", value=text) if isinstance(text, str) else
               CostError.of("unit_cost_not_amount", field="unit_cost", detail=str(exc))) from None
    try:
        to_storage(cost)
    except MoneyError as exc:  # the same sentences as a CSV's cell, so Chinese has them in its words
        scaled = cost.scaleb(4)
        if not cost.is_finite():
            raise CostError.of("unit_cost_not_amount", field="unit_cost", detail=str(exc)) from None
        if scaled != scaled.to_integral_value():
            raise CostError.of("cell_too_many_decimals", column="unit_cost", value=str(cost)) from None
        raise CostError.of("cell_amount_too_large", column="unit_cost", value=str(cost),
                           most=f"{MAX_UNITS // 10_000:,}") from None
    if cost < 0:
        raise CostError.of("unit_cost_negative", value=raw)
    currency = currencies.code(body.get("currency"))
    if currency is None:
        raise CostError.of("currency_unknown", field="currency", value=body.get("currency"))
    since = check_date("effective_from", body.get("effective_from"))
    replaces = body.get("replaces")
    replaced = None if replaces is None else check_date("replaces", replaces)
    return Typed(CostRow(sku, cost, currency, date.fromisoformat(since) if since else None, msku), replaced)


def put(typed: Typed) -> seller_inputs.Saved:
    """Inside the writer's transaction: add a version, or change one (its figure, currency or start date)."""
    row = typed.row
    since = row.effective_from.isoformat() if row.effective_from else ""
    moved = typed.replaces is not None and typed.replaces != since
    if moved:
        old = SkuCost.get_or_none((SkuCost.sku_id == row.sku_id) & (SkuCost.effective_from == typed.replaces))
        if old is None:
            raise (NotFound.of("cost_version_gone", sku=row.sku_id, since=typed.replaces) if typed.replaces
                   else NotFound.of("cost_version_gone_start", sku=row.sku_id))
        if SkuCost.get_or_none((SkuCost.sku_id == row.sku_id) & (SkuCost.effective_from == since)) is not None:
            raise (CostError.of("cost_version_taken", sku=row.sku_id, since=since) if since
                   else CostError.of("cost_version_taken_start", sku=row.sku_id))
        old.delete_instance()
    saved = seller_inputs.save_costs([row])
    if moved and saved.added:  # the same version, moved to another date: one change, not an addition
        saved.changes[-1].added, saved.changes[-1].updated = 0, 1
        saved.added, saved.updated = 0, 1
    return saved


def delete(sku_id: str, since: str | None) -> seller_inputs.Saved:
    """Inside the writer's transaction: one version (`since`: its start date, "" for from the start) or,
    with `since` None, every version of the SKU."""
    where = SkuCost.sku_id == sku_id
    if since is not None:
        where &= SkuCost.effective_from == since
    removed = SkuCost.delete().where(where).execute()
    if not removed:
        if since is None:
            raise NotFound.of("cost_none", sku=sku_id)
        # "from the start" is its own code, so each language says it in its own words
        raise NotFound.of("cost_none_from", sku=sku_id, since=since) if since else \
            NotFound.of("cost_none_from_start", sku=sku_id)
    return seller_inputs.finish(seller_inputs.Saved(removed=removed), "costs")


def table(search: str = "", today: date | None = None) -> dict:
    """Every SKU with a cost (at most MAX_SKUS; `search` matches SKU ID or MSKU): the version in force
    `today` (or, when every version starts later, the first one), and every version, newest first."""
    today = today or date.today()
    query = SkuCost.select().order_by(SkuCost.sku_id, SkuCost.effective_from)
    needle = search.strip()
    if needle:
        found = SkuCost.select(SkuCost.sku_id).where(SkuCost.sku_id.contains(needle) | SkuCost.msku.contains(needle))
        query = query.where(SkuCost.sku_id.in_(found))  # every version of a SKU one version matches
    skus: dict[str, list[SkuCost]] = {}
    truncated = False
    for row in query:
        if row.sku_id not in skus and len(skus) >= MAX_SKUS:
            truncated = True
            break
        skus.setdefault(row.sku_id, []).append(row)
    out = []
    for sku, rows in skus.items():
        versions = [{"effective_from": r.effective_from, "unit_cost": amount_text(r.unit_cost),
                     "currency": r.currency, "msku": r.msku or "",
                     "recorded_at": r.recorded_at.isoformat() if r.recorded_at else ""} for r in rows]
        started = [v for v in versions if v["effective_from"] <= today.isoformat()]  # "" sorts first
        current = started[-1] if started else versions[0]
        msku = next((r.msku for r in reversed(rows) if r.msku), "")
        out.append({"sku_id": sku, "msku": msku, "current": current, "versions": versions[::-1]})
    return {"costs": out, "truncated": truncated}

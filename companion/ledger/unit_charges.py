"""Logistics and other per-unit costs the seller pays outside the platform (seed 002's 头程 / 尾程 / 其他成本),
read from CSV.

Seed 002 counts them like the purchase cost: per unit sold, at the figure in force on the sale's day. A seller
knows them in one of two ways, and one file may mix both:
- per unit: `kind,sku_id,unit_cost,currency[,effective_from]` (a forwarder's price per piece);
- per shipment: `kind,shipment,date,sku_id,units,shipment_cost,currency`: a head-haul shipment's bill spread
  over its units equally (seed 002: "by units"), so each SKU of the shipment costs `shipment_cost / all its
  units` per unit from the shipment's date, rounded half up to 1/10000 (the ledger's unit of storage).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from companion.ledger.inputs import InputError, _amount, _currency, _date, _rows

KINDS = ("first_leg", "last_leg", "other")  # each lands in the category `<kind>_cost` of the cost group
_KIND_WORDS = {"first_leg": "first_leg", "head": "first_leg", "头程": "first_leg", "last_leg": "last_leg",
               "tail": "last_leg", "尾程": "last_leg", "other": "other", "其他": "other"}
STEP = Decimal("0.0001")


@dataclass(frozen=True)
class ChargeRow:
    kind: str  # first_leg | last_leg | other
    sku_id: str
    unit_cost: Decimal  # per unit, positive: what one unit costs
    currency: str
    effective_from: date | None
    shipment: str = ""  # the shipment it was spread from, "" for a per-unit figure


@dataclass
class _Shipment:
    first_row: int
    kind: str
    day: date
    currency: str
    cost: Decimal | None
    units: dict[str, int]


def read_charges(name: str, text: str) -> list[ChargeRow]:
    """Every row checked; InputError names the file, row and column of the first bad one."""
    rows = _rows(name, text, ("kind", "sku_id", "currency"), {
        "kind": ("type", "cost_kind"), "sku_id": ("sku", "sku id"), "unit_cost": ("cost", "unit cost"),
        "currency": ("cur",), "effective_from": ("from", "effective from"), "shipment": ("shipment_id",),
        "date": ("shipped", "ship_date"), "units": ("quantity", "qty"), "shipment_cost": ("shipment cost",)})
    out: list[ChargeRow] = []
    shipments: dict[str, _Shipment] = {}
    seen: dict[tuple, int] = {}
    for number, row in rows:
        kind = _KIND_WORDS.get(row.get("kind", "").strip().lower())
        if kind is None:
            raise InputError.of("row_charge_kind_unknown", row=number, value=row.get("kind", ""), file=name)
        sku = row.get("sku_id", "")
        if not sku:
            raise InputError.of("row_sku_empty", row=number, file=name)
        currency = _currency(name, number, row.get("currency", ""))
        shipment = row.get("shipment", "")
        if shipment:
            _shipment_row(name, number, row, kind, sku, currency, shipments)
            continue
        if not row.get("unit_cost"):
            raise InputError.of("row_charge_no_cost", row=number, file=name)
        cost = _amount(name, number, "unit_cost", row["unit_cost"])
        if cost < 0:
            raise InputError.of("row_cost_negative", row=number, value=str(cost), file=name)
        since = _date(name, number, "effective_from", row["effective_from"]) if row.get("effective_from") else None
        _once(name, number, seen, (kind, sku, since))
        out.append(ChargeRow(kind, sku, cost, currency, since))
    for ref, s in shipments.items():
        if s.cost is None:
            raise InputError.of("row_shipment_no_cost", row=s.first_row, shipment=ref, file=name)
        per_unit = (s.cost / sum(s.units.values())).quantize(STEP, rounding=ROUND_HALF_UP)
        for sku in s.units:
            _once(name, s.first_row, seen, (s.kind, sku, s.day))
            out.append(ChargeRow(s.kind, sku, per_unit, s.currency, s.day, ref))
    return out


def _shipment_row(name: str, number: int, row: dict[str, str], kind: str, sku: str, currency: str,
                  shipments: dict[str, _Shipment]) -> None:
    ref = row["shipment"]
    if not row.get("date"):
        raise InputError.of("row_shipment_no_date", row=number, shipment=ref, file=name)
    day = _date(name, number, "date", row["date"])
    text = row.get("units", "")
    if not text.isdigit() or int(text) <= 0 or int(text) > 10_000_000:
        raise InputError.of("row_units_not_count", row=number, value=text, file=name)
    cost = None
    if row.get("shipment_cost"):
        cost = _amount(name, number, "shipment_cost", row["shipment_cost"])
        if cost < 0:
            raise InputError.of("row_shipment_cost_negative", row=number, value=str(cost), file=name)
    s = shipments.get(ref)
    if s is None:
        s = shipments[ref] = _Shipment(number, kind, day, currency, cost, {})
    elif (s.kind, s.day, s.currency) != (kind, day, currency):
        raise InputError.of("row_shipment_differs", row=number, shipment=ref, first=s.first_row, file=name)
    elif cost is not None and s.cost is not None and cost != s.cost:
        raise InputError.of("row_shipment_cost_differs", row=number, shipment=ref, value=str(cost),
                            first_value=str(s.cost), file=name)
    elif cost is not None:
        s.cost = cost
    if sku in s.units:
        raise InputError.of("row_shipment_sku_twice", row=number, shipment=ref, sku=sku, file=name)
    s.units[sku] = int(text)


def _once(name: str, number: int, seen: dict[tuple, int], key: tuple) -> None:
    if key in seen:
        kind, sku, since = key
        raise (InputError.of("row_charge_twice", row=number, kind=kind, sku=sku, since=since.isoformat(),
                             first=seen[key], file=name) if since else
               InputError.of("row_charge_twice_start", row=number, kind=kind, sku=sku, first=seen[key], file=name))
    seen[key] = number

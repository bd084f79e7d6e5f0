"""`shoptally costs|fees|fx|logistics|purchases|skumap import`: the seller's own figures, read whole, then stored
in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.errors import NotFound
from companion.ledger import inputs, unit_charges
from companion.sources import purchase_csv
from companion.sources.tables import decode_text
from companion.store import purchases, seller_inputs, sku_map
from companion.store import unit_charges as stored_charges
from companion.store.stores import UnknownAccount
from companion.store.workers import Workers

# kind → (reader: name, text → rows; writer: rows → Saved, run in the writer's transaction)
KINDS: dict[str, tuple[Callable[[str, str], list], Callable[[list], Any]]] = {
    "costs": (inputs.read_costs, seller_inputs.save_costs),
    "fees": (inputs.read_fees, seller_inputs.save_fees),
    "fx": (inputs.read_rates, seller_inputs.save_rates),
    "logistics": (unit_charges.read_charges, stored_charges.save_charges),
    "purchases": (purchase_csv.read_purchases, purchases.save_imported),
    "skumap": (inputs.read_sku_map, sku_map.save),
}
MAX_BYTES = 64 * 1024 * 1024


def read(kind: str, name: str, content: bytes) -> list:
    """Every row checked, or InputError naming the file, row and column."""
    if len(content) > MAX_BYTES:
        raise inputs.InputError.of("import_too_large", file=name, size=f"{len(content):,}",
                                   most=MAX_BYTES // (1024 * 1024))
    try:
        text = decode_text(name, content)
    except ValueError as exc:  # the decoder names the file first
        raise inputs.InputError(str(exc).removeprefix(f"{name}: "), file=name, code=getattr(exc, "code", None),
                                params=getattr(exc, "params", None)) from exc
    return KINDS[kind][0](name, text)


def save(kind: str, rows: list):
    return KINDS[kind][1](rows)


async def import_figures(workers: Workers, kind: str, name: str, content: bytes) -> dict:
    """`shoptally costs|fees|fx|logistics|purchases|skumap import` and POST /api/figures/KIND, with or without a
    daemon: all rows or none."""
    if kind not in KINDS:
        raise NotFound.of("import_figures_unknown", kind=kind)
    rows = await workers.read(read, kind, name, content)
    try:
        saved = await workers.write(save, kind, rows)
    except UnknownAccount as exc:
        raise NotFound(exc.message, file=name, code=exc.code, params=exc.params) from exc
    return {"file": name, "kind": kind, **saved.json()}

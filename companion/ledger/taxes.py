"""The tax report's types: the profit model's four tax categories, told apart further by the platform's own
field names where those say more (a VAT the platform withheld is not a VAT the seller charged; a customs duty
is booked as other tax but is a duty).

Pure: the store hands over each store's category sums and line counts, and, for the lines whose original
fields name a withheld tax or a duty, those fields; this module moves that money from the category's own type
to `withheld` or `duty` and counts the lines again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from companion.ledger.categories import GROUPS
from companion.ledger.money import ZERO, fmt

TAX_CATEGORIES: tuple[str, ...] = GROUPS["tax"]  # sales_tax, market_tax, vat, other_tax
TYPES: tuple[str, ...] = ("sales_tax", "vat", "withheld", "duty", "market_tax", "other")
TYPE_OF_CATEGORY = {"sales_tax": "sales_tax", "market_tax": "market_tax", "vat": "vat", "other_tax": "other"}

# Words of an original field name (lower case, runs of other characters as "_") that make it withheld or a duty.
# TikTok SEA exports: "VAT withheld by TikTok Shop", "PIT withheld by TikTok Shop"; Open API: pit,
# pit_withheld_from_ads_commission, cedular_tax; Mexico 202309: isr_income_tax_amount, iva_vat_amount (the
# income tax and VAT the platform retains); duties: anti-dumping duty, customs duty, customs clearance.
_WITHHELD = re.compile(r"(^|_)(withheld|withholding|pit|isr|iva|cedular)(_|$)")
_DUTY = re.compile(r"(^|_)(duty|duties|customs|anti_dumping|dumping)(_|$)")
# what an SQL LIKE may look for first, so only lines that could hold such a field are read
LIKE_WORDS: tuple[str, ...] = ("withheld", "withholding", "pit", "isr", "iva", "cedular", "duty", "duties",
                               "customs", "dumping")


def _words(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def special_type(name: str) -> str | None:
    """`withheld` or `duty` when the field's name says so; None when its category tells all."""
    words = _words(name)
    if _WITHHELD.search(words):
        return "withheld"
    if _DUTY.search(words):
        return "duty"
    return None


@dataclass
class CategorySums:
    """One store's lines in one currency: each tax category's total and how many lines carry it."""

    amounts: dict[str, Decimal] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    taxed_lines: int = 0  # lines with any tax


@dataclass(frozen=True)
class TaxedLine:
    """A line whose fields may name a withheld tax or a duty: its category amounts and original fields
    (name, amount, category)."""

    amounts: dict[str, Decimal]
    fields: list[tuple[str, Decimal, str | None]]


@dataclass
class TypeSums:
    amounts: dict[str, Decimal] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    by_field: dict[tuple[str, str], list] = field(default_factory=dict)  # (type, field name) → [amount, lines]


def add_line(delta: TypeSums, line: TaxedLine) -> None:
    """What one line's withheld or duty fields move between types, added to `delta` (additive over lines, so
    days of it can be kept and added up for any period)."""
    moved: dict[str, Decimal] = {}
    into: dict[str, Decimal] = {}
    for name, amount, category in line.fields:
        if category not in TAX_CATEGORIES or not amount:
            continue
        kind = special_type(name)
        if kind is None:
            continue
        moved[category] = moved.get(category, ZERO) + amount
        into[kind] = into.get(kind, ZERO) + amount
        entry = delta.by_field.setdefault((kind, name), [ZERO, 0])
        entry[0] += amount
        entry[1] += 1
    for category, amount in moved.items():
        t = TYPE_OF_CATEGORY[category]
        delta.amounts[t] = delta.amounts.get(t, ZERO) - amount
        if line.amounts.get(category, ZERO) - amount == 0 and line.amounts.get(category, ZERO) != 0:
            delta.lines[t] = delta.lines.get(t, 0) - 1  # all of the category's money here was withheld or duty
    for kind, amount in into.items():
        delta.amounts[kind] = delta.amounts.get(kind, ZERO) + amount
        delta.lines[kind] = delta.lines.get(kind, 0) + 1


def add_types(into: TypeSums, other: TypeSums) -> None:
    for t, amount in other.amounts.items():
        into.amounts[t] = into.amounts.get(t, ZERO) + amount
    for t, n in other.lines.items():
        into.lines[t] = into.lines.get(t, 0) + n
    for key, (amount, n) in other.by_field.items():
        entry = into.by_field.setdefault(key, [ZERO, 0])
        entry[0] += amount
        entry[1] += n


def add_sums(into: CategorySums, other: CategorySums) -> None:
    into.taxed_lines += other.taxed_lines
    for c, amount in other.amounts.items():
        into.amounts[c] = into.amounts.get(c, ZERO) + amount
    for c, n in other.lines.items():
        into.lines[c] = into.lines.get(c, 0) + n


def by_type(sums: CategorySums, special: list[TaxedLine] | TypeSums) -> TypeSums:
    """The category totals as types: each category's money in its own type, except what fields of the
    `special` lines (or their added-up `add_line` delta) name as withheld or duty. Line counts: a line counts
    once in every type it holds money of."""
    out = TypeSums()
    for category in TAX_CATEGORIES:
        amount = sums.amounts.get(category, ZERO)
        if amount or sums.lines.get(category):
            t = TYPE_OF_CATEGORY[category]
            out.amounts[t] = out.amounts.get(t, ZERO) + amount
            out.lines[t] = out.lines.get(t, 0) + sums.lines.get(category, 0)
    if isinstance(special, TypeSums):
        add_types(out, special)
    else:
        for line in special:
            add_line(out, line)
    for t in list(out.amounts):
        if out.amounts[t] == 0 and out.lines.get(t, 0) <= 0:
            out.amounts.pop(t)
            out.lines.pop(t, None)
    return out


def row_json(store_name: str, platform: str, region: str, currency: str, sums: CategorySums, types: TypeSums
             ) -> dict:
    """One store and currency of the tax report, as the API and the CLI give it."""
    total = sum((sums.amounts.get(c, ZERO) for c in TAX_CATEGORIES), ZERO)
    return {
        "account": store_name, "platform": platform, "region": region, "currency": currency,
        "total": fmt(total), "taxed_lines": sums.taxed_lines,
        "categories": {c: {"amount": fmt(sums.amounts.get(c, ZERO)), "lines": sums.lines.get(c, 0)}
                       for c in TAX_CATEGORIES},
        "types": {t: {"amount": fmt(types.amounts.get(t, ZERO)), "lines": types.lines.get(t, 0)} for t in TYPES},
        "fields": [{"type": kind, "name": name, "amount": fmt(v[0]), "lines": v[1]}
                   for (kind, name), v in sorted(types.by_field.items())],
    }


def exact(sums: CategorySums, types: TypeSums) -> tuple[Decimal, dict[str, Decimal]]:
    """A row's total and type amounts unrounded: what totals() adds up, so a currency's total is its rounded
    sum, never the sum of rounded rows (a cent apart when rows carry fractions of a cent)."""
    return (sum((sums.amounts.get(c, ZERO) for c in TAX_CATEGORIES), ZERO),
            {t: types.amounts.get(t, ZERO) for t in TYPES})


def totals(rows: list[dict], amounts: list[tuple[Decimal, dict[str, Decimal]]] | None = None) -> dict[str, dict]:
    """Per currency: every type's total and line count over the rows (never across currencies). `amounts`:
    each row's exact() (else the rows' own text), added up unrounded and rounded once."""
    out: dict[str, dict] = {}
    if amounts is None:
        amounts = [(Decimal(r["total"]), {k: Decimal(r["types"][k]["amount"]) for k in TYPES}) for r in rows]
    for r, (total, by_type) in zip(rows, amounts, strict=True):
        t = out.setdefault(r["currency"], {"total": ZERO, "taxed_lines": 0,
                                           "types": {k: [ZERO, 0] for k in TYPES}})
        t["total"] += total
        t["taxed_lines"] += r["taxed_lines"]
        for k in TYPES:
            t["types"][k][0] += by_type[k]
            t["types"][k][1] += r["types"][k]["lines"]
    return {c: {"total": fmt(t["total"]), "taxed_lines": t["taxed_lines"],
                "types": {k: {"amount": fmt(v[0]), "lines": v[1]} for k, v in t["types"].items()}}
            for c, t in sorted(out.items())}

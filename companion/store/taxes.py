"""What the tax report reads: per store and currency, each tax category's total and how many lines carry it,
and the original fields of the lines that may name a withheld tax or a duty.

Only lines that carry a tax are read, through migration 0012's partial indexes (`settlement_line_taxed_*`):
the conditions are written as the same constants (reports.counted(..., literal=True) and TAXED)."""

from __future__ import annotations

import json
from decimal import Decimal

from companion.ledger.money import from_storage
from companion.ledger.taxes import LIKE_WORDS, TAX_CATEGORIES, CategorySums, TaxedLine
from companion.store import bulk
from companion.store.models import SettlementLine
from companion.store.reports import counted

_LINES = SettlementLine._meta.table_name
TAXED = "(" + " OR ".join(f'"{c}" <> 0' for c in TAX_CATEGORIES) + ")"
# the categories a withheld tax or a duty is booked under (sources/tiktok: VAT / PIT withheld, ISR, IVA,
# cedular tax, customs and anti-dumping duties): only lines with these are read for their fields
VAT_OR_OTHER = '("vat" <> 0 OR "other_tax" <> 0)'


def _db():
    return SettlementLine._meta.database


def category_sums(basis: str, bounds: dict[int, tuple[int | None, int | None]]
                  ) -> dict[tuple[int, str], CategorySums]:
    """(store, currency) → the tax categories' totals and line counts of the lines the report counts. One query
    per store: a condition over several stores (OR) would not use the partial index."""
    db = _db()
    sums = ", ".join(f'SUM("{c}"), SUM(CASE WHEN "{c}" <> 0 THEN 1 ELSE 0 END)' for c in TAX_CATEGORIES)
    out = {}
    for store_id, bound in bounds.items():
        condition, params = counted(basis, {store_id: bound}, db.param, literal=True)
        sql = (f'SELECT "currency", COUNT(*), {sums} FROM "{_LINES}" WHERE {condition} AND {TAXED} '
               'GROUP BY "currency"')
        with bulk.wrap_errors:
            rows = db.execute_sql(sql, params).fetchall()
        for currency, taxed, *values in rows:
            found = CategorySums(taxed_lines=int(taxed))
            for i, c in enumerate(TAX_CATEGORIES):
                found.amounts[c] = from_storage(int(values[2 * i] or 0))
                found.lines[c] = int(values[2 * i + 1] or 0)
            out[(store_id, currency)] = found
    return out


def special_lines(basis: str, bounds: dict[int, tuple[int | None, int | None]]
                  ) -> dict[tuple[int, str], list[TaxedLine]]:
    """(store, currency) → the counted lines with VAT or other tax whose original fields may name a withheld
    tax or a duty (a first cut by words; ledger.taxes decides by the whole name). One query per store."""
    db = _db()
    words = " OR ".join(f'LOWER("source_fields") LIKE {db.param}' for _ in LIKE_WORDS)
    columns = ", ".join(f'"{c}"' for c in TAX_CATEGORIES)
    out: dict[tuple[int, str], list[TaxedLine]] = {}
    for store_id, bound in bounds.items():
        condition, params = counted(basis, {store_id: bound}, db.param, literal=True)
        params = [*params, *(f"%{w}%" for w in LIKE_WORDS)]  # parameters: psycopg reads a bare % as one
        sql = (f'SELECT "currency", {columns}, "source_fields" FROM "{_LINES}" '
               f"WHERE {condition} AND {VAT_OR_OTHER} AND ({words})")
        with bulk.wrap_errors:
            rows = db.execute_sql(sql, params).fetchall()
        for currency, *values in rows:
            amounts = {c: from_storage(int(v or 0)) for c, v in zip(TAX_CATEGORIES, values[:-1], strict=True)}
            fields = []
            for item in json.loads(values[-1] or "[]"):
                category = item[2] if len(item) > 2 else None
                fields.append((str(item[0]), Decimal(str(item[1])), category))
            out.setdefault((store_id, currency), []).append(TaxedLine(amounts, fields))
    return out

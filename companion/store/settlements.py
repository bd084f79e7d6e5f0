"""Idempotent upsert of normalized settlement lines by natural key, and reset."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from peewee import Field, Model, chunked

from companion.ledger.categories import PLATFORM
from companion.sources.model import SETTLED, Line
from companion.store import changes, stores
from companion.store.changes import Change
from companion.store.fields import now_utc
from companion.store.models import Order, OrderLine, SettlementLine, Store

_CHUNK = 300


@dataclass
class WriteResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    changes: list[Change] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]


# Built once: json.dumps with options builds an encoder per call, a third of the cost of these small documents.
_KEY_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DIGEST_JSON = json.JSONEncoder(ensure_ascii=False, default=str)
_FIELDS_JSON = json.JSONEncoder(ensure_ascii=False)
_EXTRA_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_NO_AMOUNTS = dict.fromkeys(PLATFORM, 0)


def natural_key(line: Line) -> str:
    return _KEY_JSON.encode(list(line.key))


def _ms(dt) -> int | None:
    return None if dt is None else int(dt.timestamp() * 1000)


def _digest(line: Line) -> str:
    """What the line says; an approximate settlement time is not part of it (recapture must not move it)."""
    doc = [
        line.status, line.txn_type, line.order_id, line.sku_id, line.sku_name, line.quantity, line.currency,
        _ms(line.order_time), None if line.settled_time_approx else _ms(line.settled_time),
        str(line.settlement_amount), sorted((k, str(v)) for k, v in line.amounts.items() if v),
        [(f.name, str(f.amount), f.category, f.unmapped) for f in line.fields], sorted(line.extra.items()),
    ]
    return hashlib.sha1(_DIGEST_JSON.encode(doc).encode()).hexdigest()


def _row(line: Line, store_id: int, key: str, digest: str, capture_id: str) -> dict:
    row = {
        "store": store_id, "natural_key": key, "digest": digest, "status": line.status,
        "txn_type": line.txn_type, "order_id": line.order_id, "sku_id": line.sku_id, "sku_name": line.sku_name,
        "quantity": line.quantity, "currency": line.currency, "order_time": line.order_time,
        "settled_time": line.settled_time, "settled_time_approx": line.settled_time_approx,
        "settlement_amount": line.settlement_amount,
        "source_fields": _FIELDS_JSON.encode(
            [{"name": f.name, "amount": str(f.amount), "category": f.category, "unmapped": f.unmapped}
             for f in line.fields]),
        "extra": _EXTRA_JSON.encode(line.extra),
        "capture": capture_id,
    }
    row.update(_NO_AMOUNTS)  # every category column, in PLATFORM order; then the line's own amounts
    for key_, value in line.amounts.items():
        if key_ in _NO_AMOUNTS:
            row[key_] = value
    return row


def apply_lines(lines: list[Line], capture_id: str, source: str) -> WriteResult:
    """Inside the writer's transaction. Returns counts and one change (rev) per store that changed."""
    result = WriteResult()
    by_store: dict[int, tuple[Store, dict[str, Line]]] = {}
    resolved: dict = {}
    for line in lines:
        ref_key = (line.store.platform, line.store.external_id)
        store = resolved.get(ref_key) or resolved.setdefault(ref_key, stores.resolve(line.store))
        _, keyed = by_store.setdefault(store.id, (store, {}))
        key = natural_key(line)
        if key in keyed:
            result.skipped += 1  # the same line twice in one batch (repeated export block): last wins
        keyed[key] = line
    for store, keyed in by_store.values():
        result.accounts.append(store.name)
        added, updated, skipped = _upsert_store(store, keyed, capture_id)
        result.added += added
        result.updated += updated
        result.skipped += skipped
        _upsert_orders(store, keyed.values())
        if added or updated:
            result.changes.append(changes.record(Change(source, store.name, added, updated)))
    return result


def _upsert_store(store: Store, keyed: dict[str, Line], capture_id: str) -> tuple[int, int, int]:
    existing: dict[str, tuple[int, str, str, object]] = {}
    columns = (SettlementLine.id, SettlementLine.natural_key, SettlementLine.digest, SettlementLine.status,
               SettlementLine.settled_time)
    for row in _select_in(columns, SettlementLine.store, store.id, SettlementLine.natural_key, list(keyed)):
        existing[row[1]] = (row[0], row[2], row[3], row[4])
    inserts, added, updated, skipped = [], 0, 0, 0
    now = now_utc()
    for key, line in keyed.items():
        digest = _digest(line)
        old = existing.get(key)
        if old is None:
            inserts.append(_row(line, store.id, key, digest, capture_id))
            added += 1
            continue
        line_id, old_digest, old_status, old_settled = old
        if old_digest == digest or (old_status == SETTLED and line.status != SETTLED):
            skipped += 1  # unchanged, or a stale in-transit view of a line already settled
            continue
        row = _row(line, store.id, key, digest, capture_id)
        if line.settled_time_approx and old_settled is not None and old_status == SETTLED:
            row["settled_time"] = old_settled
            row.pop("settled_time_approx")
        row["updated_at"] = now
        SettlementLine.update(**row).where(SettlementLine.id == line_id).execute()
        updated += 1
    _insert_many(SettlementLine, inserts)
    return added, updated, skipped


def _upsert_orders(store: Store, lines) -> None:
    orders: dict[str, Line] = {}
    for line in lines:
        if line.order_id and (line.order_id not in orders or line.order_time):
            orders[line.order_id] = line
    if not orders:
        return
    known = {r[1]: (r[0], r[2]) for r in _select_in(
        (Order.id, Order.order_id, Order.placed_at), Order.store, store.id, Order.order_id, list(orders))}
    new = [{"store": store.id, "order_id": oid, "placed_at": ln.order_time, "currency": ln.currency}
           for oid, ln in orders.items() if oid not in known]
    _insert_many(Order, new)
    for oid, (pk, placed) in known.items():
        if placed is None and orders[oid].order_time is not None:
            Order.update(placed_at=orders[oid].order_time).where(Order.id == pk).execute()
    with_sku = [ln for ln in lines if ln.order_id and ln.sku_id]
    if with_sku:
        ids = {r[1]: r[0] for r in _select_in((Order.id, Order.order_id), Order.store, store.id, Order.order_id,
                                               list({ln.order_id for ln in with_sku}))}
        for ln in with_sku:
            OrderLine.insert(order=ids[ln.order_id], sku_id=ln.sku_id, sku_name=ln.sku_name or "",
                             quantity=ln.quantity, currency=ln.currency).on_conflict_ignore().execute()


def _insert_many(model: type[Model], rows: list[dict]) -> None:
    """`model.insert_many(batch).execute()` per chunk of rows keyed by field name, without the query tree.

    Peewee builds a node per value and walks it to render SQL: most of a capture's write time. This sends
    the same statement and the same values (each field's db_value; defaults and NULLs filled in as
    insert_many fills them, callables once per row in column order), minus PostgreSQL's RETURNING, whose
    ids nobody reads.
    """
    if not rows:
        return
    meta = model._meta
    first = list(rows[0])
    order = {f: i for i, f in enumerate(meta.sorted_fields)}
    fields = sorted([meta.fields[name] for name in first] + [f for f in meta.defaults if f.name not in rows[0]],
                    key=order.__getitem__)
    slot = {f.name: i for i, f in enumerate(fields)}
    absent = [i for i, f in enumerate(fields) if f.name not in rows[0]]
    makers = [meta.defaults[fields[i]] for i in absent]
    pick = itemgetter(*first) if len(first) > 1 else None
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    head = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES '
    one = f"({', '.join([meta.database.param] * len(fields))})"
    for batch in chunked(rows, _CHUNK):
        given: list = [None] * len(fields)
        try:  # every row has the first row's fields (the usual case): take them all at once
            picked = list(zip(*map(pick, batch), strict=True)) if pick is not None else None
        except KeyError:
            picked = None
        if picked is not None:
            for name, values in zip(first, picked, strict=True):
                given[slot[name]] = values
            if absent:
                made = zip(*[[m() if callable(m) else m for m in makers] for _ in batch], strict=True)
                for i, values in zip(absent, made, strict=True):
                    given[i] = values
        converted = [_column(f, meta.defaults, batch, values) for f, values in zip(fields, given, strict=True)]
        params = list(chain.from_iterable(zip(*converted, strict=True)))
        meta.database.execute_sql(head + ", ".join([one] * len(batch)), params)


def _select_in(columns: tuple[Field, ...], owner: Field, owner_id: int, key: Field, keys: list) -> list[tuple]:
    """`Model.select(*columns).where((owner == owner_id) & key.in_(chunk)).tuples()` over chunks of keys.

    The same SQL and converted values, rendered directly: Peewee's IN of 300 values cost more than the query.
    """
    meta = key.model._meta
    param = meta.database.param
    names = ", ".join(f'"{c.column_name}"' for c in columns)
    head = (f'SELECT {names} FROM "{meta.table_name}" WHERE ("{owner.column_name}" = {param}) '
            f'AND ("{key.column_name}" IN (')
    converters = [c.python_value for c in columns]
    out: list[tuple] = []
    for chunk in chunked(keys, _CHUNK):
        cursor = meta.database.execute_sql(head + ", ".join([param] * len(chunk)) + "))",
                                           [owner.db_value(owner_id), *map(key.db_value, chunk)])
        out += [tuple(c(v) for c, v in zip(converters, row, strict=True)) for row in cursor.fetchall()]
    return out


_MISSING = object()


def _column(field: Field, defaults: dict, batch: list[dict], given: tuple | None = None) -> list:
    """One column's database values for a batch, as insert_many would send them; `given`: the rows' values."""
    convert = field.db_value
    default = defaults.get(field, _MISSING)
    if given is not None:
        raw: tuple | list = given
    else:  # rows that differ in their fields: each looked up, missing ones filled in
        raw = [row.get(field.name, _MISSING) for row in batch]
        if _MISSING in raw:
            _fill_missing(field, default, raw)
    if default is _MISSING or callable(default):
        return [convert(v) for v in raw]
    fixed = convert(default)  # most category amounts are the field's own default 0: convert it once
    return [fixed if v is default else convert(v) for v in raw]


def _fill_missing(field: Field, default: object, raw: list) -> None:
    """A row without this field: its default (called per row when callable), else NULL, else an error."""
    for i, value in enumerate(raw):
        if value is _MISSING:
            if default is not _MISSING:
                raw[i] = default() if callable(default) else default
            elif field.null:
                raw[i] = None
            else:
                raise ValueError(f"Missing value for {field.name}.")


def reset(store_name: str | None) -> WriteResult:
    """Delete settlement lines of one store (by name) or of all stores: one change either way."""
    query = SettlementLine.delete()
    if store_name is not None:
        query = query.where(SettlementLine.store == stores.by_name(store_name).id)
    result = WriteResult()
    removed = query.execute()
    if removed:
        result.changes.append(changes.record(Change("reset", store_name, removed=removed)))
    return result


def count_lines(store_name: str | None = None) -> int:
    q = SettlementLine.select()
    if store_name:
        q = q.join(Store).where(Store.name == store_name)
    return q.count()

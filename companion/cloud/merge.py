"""Merging a downloaded dataset into this one: by natural key, the newer edit wins, nothing is deleted that
the bundle merely lacks. The bundle is first loaded into a scratch SQLite database (migrated to this
version), then compared table by table; a dry run counts without writing.

What merges: stores (by platform and platform id; a new one keeps its name, or gets " (2)" if a different
store here has it), settlement lines (newer `updated_at` with different content wins), orders, inline edits
(newer wins) and their audit log (entries added), SKU costs, custom fees, exchange rates and settings (newer
`recorded_at`/`updated_at` wins), stated totals, report coverage and raw captures (added when missing, without
credentials: a bundle of a device running an older version may hold them).
What stays per device: pairings, schedules and sync runs, the change log.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from companion.backup import restore, snapshot
from companion.store import bulk, captures, line_totals, supersession
from companion.store.changes import Change, record

CHUNK = 1000


def _q(cols) -> str:
    return ", ".join(f'"{c}"' for c in cols)


def _bool_columns(db, table: str) -> set[str]:
    """Columns PostgreSQL keeps as boolean (SQLite's scratch copy holds 0 and 1 for them)."""
    from peewee import PostgresqlDatabase

    real = snapshot.real_db(db)
    if not isinstance(real, PostgresqlDatabase):
        return set()
    rows = real.execute_sql("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                            "current_schema() AND table_name = %s AND data_type = 'boolean'", (table,))
    return {r[0] for r in rows.fetchall()}


@dataclass(frozen=True)
class Spec:
    table: str
    key: tuple[str, ...]
    newer: str | None  # the column whose larger value wins; None: an existing row is never replaced


SPECS = (
    Spec("settlement_line", ("store_id", "natural_key"), "updated_at"),
    Spec("order", ("store_id", "order_id"), None),
    Spec("line_edit", ("store_id", "natural_key"), "updated_at"),
    Spec("edit_log", ("store_id", "natural_key", "field", "at"), None),
    Spec("sku_cost", ("sku_id", "effective_from"), "recorded_at"),
    Spec("custom_fee", ("level", "store_id", "target", "month", "name"), "recorded_at"),
    Spec("fx_rate", ("day", "base", "quote"), "recorded_at"),
    Spec("unit_charge", ("kind", "sku_id", "effective_from"), "recorded_at"),
    Spec("setting", ("key",), "updated_at"),
    Spec("stated_total", ("store_id", "kind", "ref", "scope"), "recorded_at"),
    Spec("coverage", ("store_id", "month", "report_type", "capture"), None),
    Spec("raw_capture", ("capture_id",), None),
)
LOOKUP_BY_STORE = {"settlement_line", "order", "line_edit"}  # large: looked up a chunk at a time


@contextlib.contextmanager
def scratch(bundle: Path, manifest: dict | None = None) -> Iterator:
    """The bundle's dataset (checked like a backup, unless `manifest` says it was) in a scratch SQLite database
    of this version's schema."""
    manifest = manifest if manifest is not None else restore.check(bundle)
    with restore.scratch_copy(bundle, manifest) as db:
        yield db, manifest


def _store_map(src, dst, write: bool) -> tuple[dict[int, int], dict]:
    """Incoming store id → this database's (a new store gets an id here, or -n in a dry run)."""
    cols = [c for c in snapshot.columns_of(src, "store") if c != "id"]
    mine = {(p, e): i for i, p, e in dst.execute_sql('SELECT "id", "platform", "external_id" FROM "store"').fetchall()}
    names = {r[0] for r in dst.execute_sql('SELECT "name" FROM "store"').fetchall()}
    out, counts = {}, {"added": 0, "updated": 0, "skipped": 0}
    for row in src.execute_sql(f'SELECT "id", {_q(cols)} FROM "store"'):
        values = dict(zip(cols, row[1:], strict=True))
        found = mine.get((values["platform"], values["external_id"]))
        if found is not None:
            out[row[0]] = found
            counts["skipped"] += 1
            continue
        counts["added"] += 1
        name, n = values["name"], 2
        while name in names:
            name, n = f"{values['name']} ({n})", n + 1
        names.add(name)
        values["name"] = name
        if write:
            dst.execute_sql(f'INSERT INTO "store" ({_q(cols)}) VALUES ({", ".join([dst.param] * len(cols))})',
                            [values[c] for c in cols])
            out[row[0]] = dst.execute_sql('SELECT "id" FROM "store" WHERE "name" = ' + dst.param, [name]).fetchone()[0]
        else:
            out[row[0]] = -row[0]
    return out, counts


def merge(src, dst, write: bool) -> tuple[dict, Change | None]:
    """Counts per table of what the bundle adds, updates and skips here; with `write`, done (inside the
    caller's transaction on `dst`), and the change recorded for the views (None when nothing changed)."""
    stores, store_counts = _store_map(src, dst, write)
    result = {"store": store_counts}
    changed_refs: dict[int, set[str]] = {}
    for spec in SPECS:
        if spec.table not in snapshot.data_tables(src) or spec.table not in snapshot.data_tables(dst):
            continue
        result[spec.table] = _merge_table(src, dst, spec, stores, write, changed_refs)
    change = None
    if write:
        for store_id, refs in changed_refs.items():
            line_totals.mark_store(store_id)
            refs.discard("")
            if refs:
                supersession.refresh(store_id, refs)
        lines = result.get("settlement_line", {})
        if any(sum(c[k] for k in ("added", "updated")) for c in result.values()):
            change = record(Change("cloud", None, added=lines.get("added", 0), updated=lines.get("updated", 0)))
    return result, change


def _merge_table(src, dst, spec: Spec, stores: dict[int, int], write: bool, changed_refs: dict) -> dict:
    cols = [c for c in snapshot.columns_of(src, spec.table) if c != "id"]
    local_cols = set(snapshot.columns_of(dst, spec.table))
    cols = [c for c in cols if c in local_cols]
    key_at = [cols.index(k) for k in spec.key]
    store_at = cols.index("store_id") if "store_id" in cols else None
    counts = {"added": 0, "updated": 0, "skipped": 0}
    has_id = "id" in local_cols  # `setting` is keyed by its key alone
    everything = None
    if spec.table not in LOOKUP_BY_STORE:
        rows = dst.execute_sql(f'SELECT {_q(["id"] if has_id else spec.key[:1])}, {_q(cols)} FROM "{spec.table}"')
        everything = {tuple(r[1 + i] for i in key_at): (r[0], tuple(r[1:])) for r in rows.fetchall()}
    bools = [i for i, c in enumerate(cols) if c in _bool_columns(dst, spec.table)]
    cursor = src.execute_sql(f'SELECT {_q(cols)} FROM "{spec.table}"')
    while batch := cursor.fetchmany(CHUNK):
        incoming = []
        for r in batch:
            r = list(r)
            if store_at is not None:
                r[store_at] = stores[r[store_at]]
            for i in bools:
                r[i] = None if r[i] is None else bool(r[i])
            incoming.append(tuple(r))
        found = everything if everything is not None else _lookup(dst, spec, cols, incoming, key_at)
        inserts, updates = [], []
        for row in incoming:
            key = tuple(row[i] for i in key_at)
            have = found.get(key)
            if have is None:
                inserts.append(row)
                counts["added"] += 1
            elif spec.newer and _newer(row, have[1], cols.index(spec.newer)) and _differs(row, have[1], cols):
                updates.append((*row, have[0]))
                counts["updated"] += 1
            else:
                counts["skipped"] += 1
                continue
            if spec.table == "settlement_line" and row[store_at] > 0:
                changed_refs.setdefault(row[store_at], set()).add(row[cols.index("reference")] or "")
        if write:
            if spec.table == "raw_capture":
                inserts = list(captures.scrub_rows(cols, inserts))
            bulk.insert_rows(dst, spec.table, cols, inserts)
            if has_id:
                bulk.update_rows(dst, spec.table, cols, updates)
            else:
                p = dst.param
                sets = ", ".join(f'"{c}" = {p}' for c in cols)
                for row in updates:
                    dst.execute_sql(f'UPDATE "{spec.table}" SET {sets} WHERE "{spec.key[0]}" = {p}',
                                    [*row[:-1], row[-1]])
    return counts


def _lookup(dst, spec: Spec, cols: list[str], rows: list[tuple], key_at: list[int]) -> dict:
    """This database's rows with the same (store_id, second key column) as these, by key."""
    out = {}
    second = spec.key[1]
    by_store: dict[int, list] = {}
    for row in rows:
        by_store.setdefault(row[key_at[0]], []).append(row[key_at[1]])
    for store_id, keys in by_store.items():
        if store_id < 0:  # a store that is new here: nothing of it exists yet
            continue
        for r in bulk.select_in(dst, spec.table, ("id", *cols), "store_id", store_id, second, keys):
            out[tuple(r[1 + i] for i in key_at)] = (r[0], tuple(r[1:]))
    return out


def _newer(row: tuple, have: tuple, at: int) -> bool:
    return (row[at] or 0) > (have[at] or 0)


def _differs(row: tuple, have: tuple, cols: list[str]) -> bool:
    skip = {"updated_at", "recorded_at", "capture"}
    return any(a != b for c, a, b in zip(cols, row, have, strict=True) if c not in skip)

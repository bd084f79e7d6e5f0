"""What the payments report reads: the payouts platforms state, the stored lines of each statement summed,
the lines on hold, and a statement's payment id and status as its lines' own fields give them.

The sums read migration 0012's indexes: a statement's lines from `settlement_line_payout` alone, the lines
on hold from `settlement_line_unsettled` (its condition written as the same constants)."""

from __future__ import annotations

import json
import threading
from weakref import WeakKeyDictionary

from peewee import chunked

from companion.ledger.money import from_storage
from companion.ledger.payouts import HeldSum, LineSum, StatedPayout
from companion.sources.model import SETTLED
from companion.store import bulk, changes
from companion.store.fields import EPOCH, MILLISECOND
from companion.store.models import SettlementLine, StatedTotal

_LINES = SettlementLine._meta.table_name
# a line's own fields that name its payment, as the adapters keep them in `extra` (TikTok's order list keys,
# the export's column headers)
PAYMENT_ID_KEYS = ("payment_id", "Payment ID")
PAYMENT_STATUS_KEYS = ("payment_status", "Payment status", "Status")


def _db():
    return SettlementLine._meta.database


def _time(ms) -> object:
    return None if ms is None else EPOCH + int(ms) * MILLISECOND


def stated(store_ids: list[int]) -> tuple[list[StatedPayout], dict[tuple[int, str], tuple]]:
    """The statements and payouts stated for these stores (the latest recorded of each), and the latest
    overall on-hold total per store and currency: (store, currency) → (amount, at)."""
    if not store_ids:
        return [], {}
    rows = (StatedTotal.select().where(StatedTotal.store.in_(store_ids)
                                       & StatedTotal.kind.in_(("statement", "payout", "on_hold")))
            .order_by(StatedTotal.recorded_at, StatedTotal.id))
    latest: dict[tuple[int, str, str], StatedTotal] = {}
    held: dict[tuple[int, str], tuple] = {}
    for row in rows:
        if row.kind == "on_hold":
            if not row.scope:  # a per-reason figure is part of the overall one
                held[(row.store_id, row.currency)] = (row.amount, row.at)
            continue
        latest[(row.store_id, row.kind, row.ref)] = row  # recorded later wins
    out = []
    for (store_id, kind, ref), row in latest.items():
        details = {str(k): str(v) for k, v in json.loads(row.scope)} if row.scope else {}
        out.append(StatedPayout(store_id, kind, ref, row.amount, row.currency, row.at, details))
    return out, held


def statements_settled_in(bounds: dict[int, tuple[int | None, int | None]]) -> set[tuple[int, str]]:
    """(store, statement) of every statement with a line settled in the store's [start, end) epoch ms: the
    payouts a period can hold besides those stated in it (index `settlement_line_payout_time` alone)."""
    db = _db()
    p = db.param
    out: set[tuple[int, str]] = set()
    for store_id, (start, end) in bounds.items():
        sql = f'SELECT DISTINCT "statement_id" FROM "{_LINES}" WHERE "store_id" = {p} AND "statement_id" IS NOT NULL'
        params: list = [store_id]
        if start is not None:
            sql += f' AND "settled_time" >= {p}'
            params.append(start)
        if end is not None:
            sql += f' AND "settled_time" < {p}'
            params.append(end)
        with bulk.wrap_errors:
            out.update((store_id, ref) for (ref,) in db.execute_sql(sql, params).fetchall())
    return out


def statement_sums(refs: set[tuple[int, str]]) -> list[LineSum]:
    """These statements' stored lines, per currency and settled or not (superseded lines never count), read
    from index `settlement_line_payout` alone."""
    db = _db()
    p = db.param
    by_store: dict[int, list[str]] = {}
    for store_id, ref in refs:
        by_store.setdefault(store_id, []).append(ref)
    out: list[LineSum] = []
    for store_id, wanted in by_store.items():
        for chunk in chunked(sorted(wanted), bulk.SELECT_CHUNK):
            sql = (f'SELECT "statement_id", "currency", CASE WHEN "status" = \'{SETTLED}\' THEN 1 ELSE 0 END AS '
                   f'settled, COUNT(*), SUM("settlement_amount"), MAX("settled_time") FROM "{_LINES}" '
                   f'WHERE "store_id" = {p} AND "statement_id" IN ({", ".join([p] * len(chunk))}) '
                   'AND NOT "superseded" GROUP BY "statement_id", "currency", settled')
            with bulk.wrap_errors:
                rows = db.execute_sql(sql, [store_id, *chunk]).fetchall()
            out += [LineSum(store_id, ref, cur, bool(settled), int(n), from_storage(int(units or 0)), _time(last))
                    for ref, cur, settled, n, units, last in rows]
    return out


# Every statement's sums per store, as of a change rev (changes.current_rev: every write of lines records one,
# which is also what tells the views to refresh), per database. A year of daily statements of five stores is a
# million lines: adding them up takes most of a second, reading them from here a few milliseconds. Filled after a
# payments report has answered (warm), so the view's next filter change finds it; stale the moment a rev passes.
_CACHE: WeakKeyDictionary = WeakKeyDictionary()
_LOCK = threading.Lock()


def _cache() -> dict[int, tuple[int, list[LineSum], dict[tuple[int, str], tuple[str, str]]]]:
    db = _db()
    real = getattr(db, "obj", db)  # the DatabaseProxy's database
    with _LOCK:
        return _CACHE.setdefault(real, {})


def cached_sums(store_ids: list[int], rev: int
                ) -> tuple[list[LineSum], dict[tuple[int, str], tuple[str, str]]] | None:
    """Every statement's sums of these stores as of `rev`, and their lines' payment words (line_words), or None
    when any store has none that fresh."""
    cache = _cache()
    sums: list[LineSum] = []
    words: dict[tuple[int, str], tuple[str, str]] = {}
    for store_id in store_ids:
        found = cache.get(store_id)
        if found is None or found[0] != rev:
            return None
        sums += found[1]
        words.update(found[2])
    return sums, words


def warm(store_ids: list[int]) -> None:
    """Add up every statement of these stores (those not yet added up at the current rev) for cached_sums.
    The rev is read first: sums read after it are at least that fresh, and a later write passes it."""
    rev = changes.current_rev()
    cache = _cache()
    for store_id in store_ids:
        found = cache.get(store_id)
        if found is not None and found[0] == rev:
            continue
        sums = store_sums(store_id)
        cache[store_id] = (rev, sums, line_words({store_id: sorted({s.ref for s in sums})}))


def store_sums(store_id: int) -> list[LineSum]:
    """Every statement of one store, summed per currency and settled or not (index `settlement_line_payout`)."""
    db = _db()
    p = db.param
    sql = (f'SELECT "statement_id", "currency", CASE WHEN "status" = \'{SETTLED}\' THEN 1 ELSE 0 END AS settled, '
           f'COUNT(*), SUM("settlement_amount"), MAX("settled_time") FROM "{_LINES}" WHERE "store_id" = {p} '
           'AND "statement_id" IS NOT NULL AND NOT "superseded" GROUP BY "statement_id", "currency", settled')
    with bulk.wrap_errors:
        rows = db.execute_sql(sql, [store_id]).fetchall()
    return [LineSum(store_id, ref, cur, bool(settled), int(n), from_storage(int(units or 0)), _time(last))
            for ref, cur, settled, n, units, last in rows]


def held_sums(store_ids: list[int], stated_held: dict[tuple[int, str], tuple]) -> list[HeldSum]:
    """Per store and currency, the lines not settled yet, with the on-hold total stated in that currency."""
    if not store_ids:
        return []
    db = _db()
    p = db.param
    sql = (f'SELECT "store_id", "currency", COUNT(*), SUM("settlement_amount") FROM "{_LINES}" '
           f'WHERE "status" <> \'{SETTLED}\' AND NOT "superseded" AND "store_id" IN '
           f'({", ".join([p] * len(store_ids))}) GROUP BY "store_id", "currency"')
    with bulk.wrap_errors:
        rows = db.execute_sql(sql, store_ids).fetchall()
    found = {(s, cur): (int(n), from_storage(int(units or 0))) for s, cur, n, units in rows}
    out = []
    for key in sorted(set(found) | set(stated_held)):
        n, amount = found.get(key, (0, from_storage(0)))
        st_amount, st_at = stated_held.get(key, (None, None))
        out.append(HeldSum(key[0], key[1], n, amount, st_amount, st_at))
    return out


def line_words(refs: dict[int, list[str]]) -> dict[tuple[int, str], tuple[str, str]]:
    """(store, statement) → (payment id, payment status) from one stored line of each statement (a statement
    is paid by one payment): a lookup by index `settlement_line_payout` per statement."""
    db = _db()
    p = db.param
    sql = (f'SELECT "extra" FROM "{_LINES}" WHERE "store_id" = {p} AND "statement_id" = {p} AND NOT "superseded" '
           'LIMIT 1')
    out: dict[tuple[int, str], tuple[str, str]] = {}
    with bulk.wrap_errors:
        cursor = db.cursor()
        for store_id, wanted in refs.items():
            for ref in sorted(set(wanted)):
                cursor.execute(sql, (store_id, ref))
                row = cursor.fetchone()
                try:
                    fields = json.loads(row[0] or "{}") if row else {}
                except ValueError:
                    continue
                pid = next((str(fields[k]) for k in PAYMENT_ID_KEYS if fields.get(k)), "")
                status = next((str(fields[k]) for k in PAYMENT_STATUS_KEYS if fields.get(k)), "")
                if pid or status:
                    out[(store_id, ref)] = (pid, status)
    return out

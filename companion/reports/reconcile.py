"""`shoptally reconcile`: the stored lines against every total the platforms state about them.

- a statement (or bill) amount against the settled lines of that statement;
- the on-hold total the seller center showed against the unsettled lines stored now;
- a list's record count against the lines stored from it: fewer means the sync missed pages;
- a file's own total (a summary row) against the lines that file brought;
- every line whose categories do not add up to what the platform pays for it (a column no mapping
  explains); a line that moves the shop's balance (it has no categories: not profit) is not such a line.
Amounts are compared exactly; a difference is reported with both figures. A total stated in another currency
than the lines it is compared with is named as a currency mismatch, never as a difference.
"""

from __future__ import annotations

import json

from peewee import fn

from companion.ledger.categories import PLATFORM
from companion.ledger.money import fmt, from_storage
from companion.sources.model import IN_TRANSIT, SETTLED
from companion.sources.tiktok.open_api import BALANCE_MOVE
from companion.store import stores
from companion.store.models import SettlementLine, StatedTotal, Store

_LIVE = SettlementLine.superseded == False  # noqa: E712 - SQL, not Python


def run(account: str | None = None) -> dict:
    targets = [stores.by_name(account)] if account else stores.all_stores()
    checks: list[dict] = []
    for store in targets:
        for stated in StatedTotal.select().where(StatedTotal.store == store.id).order_by(
                StatedTotal.kind, StatedTotal.ref):
            check = _check(store, stated)
            if check is not None:
                checks.append(check)
        checks.extend(_unexplained(store))
    problems = [c for c in checks if not c["ok"]]
    return {"checks": checks, "problems": problems}


def _scope(stated: StatedTotal) -> dict[str, str]:
    return dict(json.loads(stated.scope)) if stated.scope else {}


def _base(store: Store, stated: StatedTotal) -> dict:
    return {"account": store.name, "kind": stated.kind, "ref": stated.ref, "scope": _scope(stated),
            "currency": stated.currency, "at": stated.at.isoformat() if stated.at else None}


def _check(store: Store, stated: StatedTotal) -> dict | None:
    out = _base(store, stated)
    query = SettlementLine.select(fn.COUNT(SettlementLine.id),
                                  fn.SUM(SettlementLine.settlement_amount).coerce(False)).where(
        (SettlementLine.store == store.id) & _LIVE)
    if stated.kind == "statement":
        # any status: a bill SHEIN has issued but not paid yet holds lines still in transit
        query = query.where(SettlementLine.statement_id == stated.ref)
        what = f"statement {stated.ref}"
    elif stated.kind == "on_hold":
        query = query.where(SettlementLine.status == IN_TRANSIT)
        scope = _scope(stated)
        if scope:
            return None  # a per-reason on-hold figure: the overall one is checked
        what = "on-hold total"
    elif stated.kind in ("file_total", "file_statement"):
        query = query.where(SettlementLine.capture == stated.capture)
        what = f"file total {stated.ref}".strip()
    elif stated.kind == "listing":
        return _listing(store, stated, out)
    else:
        return {**out, "ok": True, "checked": False, "message": f"{stated.kind} {stated.ref}: not checked"}
    count, units = query.tuples().first() or (0, None)
    stored = from_storage(int(units or 0))  # raw storage units: the SUM is not converted
    if stated.amount is None:
        return {**out, "ok": True, "checked": False, "lines": count, "message": f"{what}: no amount stated"}
    currencies = sorted({c for (c,) in query.select(SettlementLine.currency).distinct().tuples() if c})
    if stated.currency and currencies and currencies != [stated.currency]:
        total = "the statement" if stated.kind == "statement" else "the total"
        out.update(stated=fmt(stated.amount), lines=count, checked=True, currency_mismatch=True,
                   lines_currency=", ".join(currencies))
        return {**out, "ok": False, "message": f"{what}: currency mismatch: {total} is in {stated.currency}, "
                                               f"the lines in {', '.join(currencies)}"}
    stated_amount = stated.amount
    out.update(stated=fmt(stated_amount), stored=fmt(stored), lines=count, checked=True)
    if count == 0 and stated_amount != 0:
        return {**out, "ok": False, "message": f"{what}: the platform states {fmt(stated_amount)} "
                                               f"{stated.currency}, and no line of it is stored"}
    if stored != stated_amount:
        return {**out, "ok": False, "difference": fmt(stated_amount - stored),
                "message": f"{what}: the platform states {fmt(stated_amount)} {stated.currency}, the {count} stored "
                           f"lines add up to {fmt(stored)} (difference {fmt(stated_amount - stored)})"}
    return {**out, "ok": True, "message": f"{what}: {fmt(stored)} {stated.currency} in {count} lines, as stated"}


def _listing(store: Store, stated: StatedTotal, out: dict) -> dict:
    """A list's record count (TikTok's total_record) against the lines stored from that list."""
    scope = _scope(stated)
    families = [f for f in (scope.pop("family", "") or _default_family(store)).split(",") if f]
    what = "list" + (f" ({', '.join(f'{k} {v}' for k, v in sorted(scope.items()))})" if scope else "")
    if not families:  # a list whose records do not become lines (SHEIN's bills): nothing to count
        return {**out, "ok": True, "checked": False, "stated_count": stated.count,
                "message": f"{what}: {stated.count} records; not counted against lines"}
    in_family = SettlementLine.natural_key.startswith(f'["{families[0]}"')
    for family in families[1:]:
        in_family |= SettlementLine.natural_key.startswith(f'["{family}"')
    query = SettlementLine.select(fn.COUNT(SettlementLine.id)).where((SettlementLine.store == store.id) & in_family)
    status = scope.get("settlement_status") or scope.get("status")
    if status is not None:
        query = query.where(SettlementLine.status == (IN_TRANSIT if status in ("1", IN_TRANSIT) else SETTLED))
    stored = query.scalar() or 0
    out.update(stated_count=stated.count, stored_count=stored, checked=stated.count is not None)
    if stated.count is not None and stored < stated.count:
        return {**out, "ok": False, "message": f"{what}: the platform lists {stated.count} records, {stored} are "
                                               "stored: the sync is incomplete; run Sync Settlement again"}
    return {**out, "ok": True, "message": f"{what}: {stored} of {stated.count} records stored"}


def _default_family(store: Store) -> str:
    """Lists stated before their scope named a family: only TikTok's order list had one."""
    return "order_list" if store.platform == "tiktok" else ""


def _unexplained(store: Store) -> list[dict]:
    """Lines whose categories do not add up to their settlement amount."""
    total = SettlementLine.settlement_amount
    parts = sum((getattr(SettlementLine, c) for c in PLATFORM[1:]), getattr(SettlementLine, PLATFORM[0]))
    rows = (SettlementLine.select(SettlementLine.natural_key, SettlementLine.settlement_amount.coerce(False),
                                  parts.coerce(False).alias("parts"), SettlementLine.currency)
            .where((SettlementLine.store == store.id) & _LIVE & (total != parts)
                   & ~SettlementLine.extra.contains(f'"{BALANCE_MOVE}"'))
            .order_by(SettlementLine.id).limit(100).tuples())
    out = []
    for key, paid, counted, currency in rows:
        amount, counted_amount = from_storage(int(paid)), from_storage(int(counted))
        out.append({"account": store.name, "kind": "line", "ref": key, "currency": currency, "ok": False,
                    "checked": True, "stated": fmt(amount), "stored": fmt(counted_amount),
                    "message": f"line {key}: the platform pays {fmt(amount)} {currency}, its categories add up "
                               f"to {fmt(counted_amount)}; a column of this report is not mapped yet"})
    return out


def text(found: dict) -> list[str]:
    def label(c: dict) -> str:
        return "ok  " if c["ok"] else "CURR" if c.get("currency_mismatch") else "DIFF"

    lines = [f"{c['account']}: {label(c)} {c['message']}" for c in found["checks"]]
    checked = sum(1 for c in found["checks"] if c.get("checked"))
    mismatched = sum(1 for c in found["problems"] if c.get("currency_mismatch"))
    summary = f"{checked} checks, {len(found['problems']) - mismatched} differences"
    lines.append(summary + (f", {mismatched} currency mismatches" if mismatched else ""))
    return lines

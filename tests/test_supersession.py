"""Supersession in the store: one order described by several reports is counted once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from companion.ledger.money import fmt
from companion.sources.model import IN_TRANSIT, NET, SETTLED, SPLIT, Line, StoreRef
from companion.store import rowplan, settlements
from companion.store.models import SettlementLine
from companion.store.writer import run_inline

SHOP = StoreRef("tiktok", "7495100000000000001", "CB", "TikTok CB Shop", "USD", "Asia/Shanghai")
WHEN = datetime(2025, 10, 6, 8, 0, tzinfo=UTC)


def line(family: str, n: str, amount: str, detail: int, *, status: str = SETTLED, statement: str | None = "S1",
         reference: str = "576900000000000101") -> Line:
    value = Decimal(amount)
    return Line(SHOP, (family, reference, n), status, "Order", "USD", value, {"sales": value},
                order_id=reference, settled_time=WHEN if status == SETTLED else None, reference=reference,
                detail=detail, statement_id=statement)


def write(db, *lines: Line) -> None:
    run_inline(db, settlements.apply_plan, rowplan.plan(list(lines), "c-" + lines[0].key[0]), "test")


def live() -> dict[tuple[str, str], str]:
    """(family, n) → amount of the lines reports count, to the cent."""
    rows = SettlementLine.select().where(SettlementLine.superseded == False)  # noqa: E712
    return {tuple(json.loads(r.natural_key)[::2]): fmt(r.settlement_amount) for r in rows}


def test_of_two_reports_of_equal_detail_the_newer_counts_and_all_its_lines_together(db):
    write(db, line("income", "1", "20.00", SPLIT), line("income", "2", "9.35", SPLIT))
    assert live() == {("income", "1"): "20.00", ("income", "2"): "9.35"}
    write(db, line("txn_detail", "1", "29.35", SPLIT))  # the same order, from another report, later
    assert live() == {("txn_detail", "1"): "29.35"}
    write(db, line("income", "2", "9.40", SPLIT))  # the first report changed since: it is the newer again
    assert live() == {("income", "1"): "20.00", ("income", "2"): "9.40"}
    write(db, line("txn_detail", "1", "29.35", SPLIT))  # the same data again changes nothing
    assert live() == {("income", "1"): "20.00", ("income", "2"): "9.40"}


def test_more_detail_wins_whatever_the_age_and_settled_beats_an_estimate(db):
    write(db, line("order_list", "1", "29.35", NET))
    write(db, line("pending", "1", "31.00", SPLIT, status=IN_TRANSIT, statement=None))
    assert live() == {("order_list", "1"): "29.35"}  # newer and more detailed, but only an estimate
    write(db, line("income", "1", "29.35", SPLIT))
    write(db, line("order_list", "1", "29.30", NET))  # changed later, still less detail
    assert live() == {("income", "1"): "29.35"}


def test_lines_of_two_statements_never_replace_each_other(db):
    write(db, line("income", "1", "29.35", SPLIT, statement="S1"))
    write(db, line("txn_detail", "1", "-5.40", SPLIT, statement="S2"))  # a refund settled later
    assert live() == {("income", "1"): "29.35", ("txn_detail", "1"): "-5.40"}

"""Property tests: categories add up to what the platform states, import order and repetition change nothing."""

from __future__ import annotations

import random
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.pipeline import importer
from companion.pipeline.ingest import commit, prepare, prepare_capture
from companion.reports import reporting
from companion.sources.model import StoreRef
from companion.store.db import close_database, open_database, sqlite_url
from companion.store.writer import run_inline
from tests.support.builders import order_list_capture, order_row
from tests.support.tables import US_HEADER, csv_bytes, parse, us_row

cents = st.integers(min_value=-50_000, max_value=50_000).map(lambda c: Decimal(c).scaleb(-2))
PARTS = ("gross", "gross_refund", "discount", "discount_refund", "tts_ship", "fbt_ship", "fbt_fulfil", "fbt_reimb",
         "offset", "cust_ship", "cust_ship_refund", "subsidy", "return_ship", "txn", "referral", "refund_admin",
         "affiliate", "partner", "shop_ads", "cofunded", "campaign")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def us_rows(draw) -> list[tuple[dict, Decimal]]:
    """Rows of a US "Order details" sheet with random amounts; each row's total is the sum of its parts, as the
    platform computes it. Adjustment rows carry only their adjustment amount."""
    rows = []
    for n in range(draw(st.integers(min_value=1, max_value=6))):
        if draw(st.booleans()):
            values = {p: draw(cents) for p in draw(st.sets(st.sampled_from(PARTS), min_size=1, max_size=8))}
            total = sum(values.values(), Decimal(0))
            values.update(type="Order", id=f"5769{n:012d}", sku=f"1729{n:015d}", qty="1")
        else:
            amount = draw(cents)
            reason = draw(st.sampled_from(["FBT warehouse service fee", "Chargeback", "Lost package", ""]))
            values = {"type": "Adjustment", "id": f"7123{n:012d}", "adj": amount, "reason": reason}
            total = amount
        rows.append(({k: str(v) for k, v in values.items()}, total))
    return rows


@given(us_rows())
@SETTINGS
def test_every_lines_categories_add_up_to_the_total_the_platform_states(rows):
    content = csv_bytes([US_HEADER, *(us_row(total=str(total), **values) for values, total in rows)])
    result = parse("TikTok_Shop_结算_2025-10.csv", content)
    assert len(result.lines) == len(rows)
    for line, (_, total) in zip(result.lines, rows, strict=True):
        assert line.settlement_amount == total
        assert sum(line.amounts.values(), Decimal(0)) == total, (line.key, line.amounts)


def _fresh_db():
    folder = tempfile.mkdtemp(prefix="shoptally-prop-")
    return open_database(sqlite_url(Path(folder) / "p.db"))


def _report_all() -> list[dict]:
    return [reporting.profit_report(period="all", basis=basis, by=by, now=None)["rows"]
            for basis in ("settlement", "order") for by in ("store", "sku", "order")]


@st.composite
def inputs(draw) -> list[tuple[str, object]]:
    """Order-list captures (settled and on hold) and an export of some of the same orders, as import steps."""
    seller = "7495100000000000001"
    steps: list[tuple[str, object]] = []
    orders = draw(st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=8, unique=True))
    for n in orders:
        amount = draw(cents)
        settled = draw(st.booleans())
        row = {**order_row(n, str(amount), status=2 if settled else 1), "statement_id": "7400000000000001"}
        steps.append(("capture", order_list_capture([row], seller=seller, on_hold=not settled,
                                                    captured_at="2025-10-07T00:00:00+00:00")))
    exported = [n for n in orders if draw(st.booleans())]
    if exported:
        rows = [us_row(type="Order", id=f"5769{n:012d}", sku=f"1729{n:015d}", qty="1", gross="10.00",
                       referral="-1.00", total="9.00", created="2025/10/01") for n in exported]
        steps.append(("file", csv_bytes([US_HEADER, *rows])))
    return steps


def _apply(db, steps) -> None:
    for kind, item in steps:
        if kind == "capture":
            run_inline(db, commit, prepare(prepare_capture(item)))
        else:  # imported with --account naming the shop the captures come from
            shop = StoreRef("tiktok", "7495100000000000001", "US", "TikTok US 7495100000000000001", "USD",
                            "America/Los_Angeles")
            parsed = importer.parse_file("export.csv", item, shop.name, shop)
            run_inline(db, importer.commit_file, "export.csv", parsed)


@given(inputs(), st.randoms(use_true_random=False))
@SETTINGS
def test_import_order_does_not_change_the_results_and_twice_is_once(steps, rnd: random.Random):
    db = _fresh_db()
    try:
        _apply(db, steps)
        expected = _report_all()
        _apply(db, steps)  # everything again: nothing changes
        assert _report_all() == expected
    finally:
        close_database()
    shuffled = list(steps)
    rnd.shuffle(shuffled)
    db = _fresh_db()
    try:
        _apply(db, shuffled)
        assert _report_all() == expected
    finally:
        close_database()

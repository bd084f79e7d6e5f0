"""The payments report over a real database: an imported TikTok US export (two statements), the statement
list the seller center shows (amounts, reserve, payable, payment id and status), the lines on hold and the
on-hold total. Every figure worked out by hand, to the cent."""

from __future__ import annotations

from datetime import UTC, datetime

from companion.ledger.payouts import status_of_word
from companion.pipeline import importer
from companion.pipeline.ingest import commit, prepare, prepare_capture
from companion.reports.payments import payments_report
from companion.sources.model import StoreRef
from companion.store.models import StatedTotal
from companion.store.writer import run_inline
from tests.support.builders import SELLER, order_list_capture, order_row, tiktok_capture
from tests.support.builders import usd as money
from tests.support.tables import US_HEADER, US_ROWS, csv_bytes

SHOP = StoreRef("tiktok", SELLER, "US", f"TikTok US {SELLER}", "USD", "America/Los_Angeles")
NOW = datetime(2025, 10, 25, 12, 0, tzinfo=UTC)
S1, S2, S3 = "7400000000000001", "7400000000000002", "7400000000000003"


def capture(path: str, data: dict) -> dict:
    return tiktok_capture(path, data, at=NOW)


def store(db, msg: dict):
    return run_inline(db, commit, prepare(prepare_capture(msg)))


def load(db, s3_status: str = "PROCESSING"):
    parsed = importer.parse_file("export.csv", csv_bytes([US_HEADER, *US_ROWS]), SHOP.name, SHOP)
    run_inline(db, importer.commit_file, "export.csv", parsed)
    # S1 holds export rows 1-6: 29.35 + 12.10 - 13.59 + 42.51 - 12.40 - 25.00 = 32.97; S2 row 7: 8.00
    store(db, capture("/api/v1/pay/statement/list/detail", {"total_record": 3, "statement_records": [
        {"statement_id": S1, "statement_time": 1_759_708_800_000, "payment_id": "PAY0001",
         "settle_amount": money("32.97"), "total_reserve_amount": money("1.50"), "payable_amount": money("31.47")},
        {"statement_id": S2, "statement_time": 1_760_313_600_000, "settle_amount": money("9.00")},
        {"statement_id": S3, "statement_time": 1_760_918_400_000, "settle_amount": money("5.00"),
         "payment_status": s3_status},
    ]}))
    store(db, order_list_capture([order_row(90, "40.00", status=1), order_row(91, "2.25", status=1)],
                                 on_hold=True))
    store(db, capture("/api/v1/pay/statement/stat/info", {"to_settle_amount_stat": {
        "amount": money("50.00"), "reasons_detail": []}}))


def test_each_payout_with_its_status_reserve_and_reconciliation(db):
    load(db)
    rep = payments_report("this-month", now=NOW)
    assert rep["period"] == {"from": "2025-10-01", "to": "2025-10-31"}
    rows = {r["ref"]: r for r in rep["rows"]}
    assert [r["ref"] for r in rep["rows"]] == ["", S3, S2, S1]  # on hold first, then newest first
    held = rows[""]
    assert (held["kind"], held["status"], held["amount"], held["lines_amount"], held["lines"], held["difference"],
            held["reconciled"]) == ("on_hold", "on_hold", "50.00", "42.25", 2, "7.75", False)
    s1 = rows[S1]
    assert (s1["date"], s1["currency"], s1["amount"], s1["reserve"], s1["payable"], s1["payment_id"]) == (
        "2025-10-06T00:00:00+00:00", "USD", "32.97", "1.50", "31.47", "PAY0001")
    assert (s1["status"], s1["lines"], s1["lines_amount"], s1["difference"], s1["reconciled"]) == (
        "paid", 6, "32.97", "0.00", True)
    assert s1["source_status"] == "Paid"  # the export's Status column, its lines' own word
    s2 = rows[S2]
    assert (s2["status"], s2["amount"], s2["lines_amount"], s2["lines"], s2["difference"], s2["check"]) == (
        "paid", "9.00", "8.00", 1, "1.00", "difference")
    assert s2["payment_id"] == "PAY0001"  # from its line's Payment ID column
    s3 = rows[S3]
    assert (s3["status"], s3["source_status"], s3["amount"], s3["lines"], s3["lines_amount"], s3["difference"]) == (
        "processing", "PROCESSING", "5.00", 0, None, "5.00")
    assert rep["unreconciled"] == 3
    assert rep["totals"] == [
        {"currency": "USD", "status": "paid", "payouts": 2, "amount": "41.97", "lines_amount": "40.97", "lines": 7,
         "unreconciled": 1},
        {"currency": "USD", "status": "processing", "payouts": 1, "amount": "5.00", "lines_amount": "0.00",
         "lines": 0, "unreconciled": 1},
        {"currency": "USD", "status": "on_hold", "payouts": 1, "amount": "50.00", "lines_amount": "42.25",
         "lines": 2, "unreconciled": 1}]


def test_the_period_filters_on_the_payout_date_and_past_periods_have_no_on_hold_row(db):
    load(db)
    rep = payments_report("2025-10-01..2025-10-10", now=NOW)
    assert [r["ref"] for r in rep["rows"]] == [S1]
    assert payments_report("2025-09", now=NOW)["rows"] == []
    assert [r["ref"] for r in payments_report("all", account=SHOP.name, now=NOW)["rows"]] == ["", S3, S2, S1]


def test_a_later_capture_moves_the_status_on_without_a_second_statement(db):
    load(db)
    load(db, s3_status="PAID")
    assert StatedTotal.select().where((StatedTotal.kind == "statement") & (StatedTotal.ref == S3)).count() == 1
    s3 = next(r for r in payments_report("this-month", now=NOW)["rows"] if r["ref"] == S3)
    assert (s3["status"], s3["source_status"]) == ("paid", "PAID")
    s1 = next(r for r in payments_report("this-month", now=NOW)["rows"] if r["ref"] == S1)
    assert (s1["reserve"], s1["payment_id"]) == ("1.50", "PAY0001")


def test_status_words():
    assert [status_of_word(w) for w in ("PAID", "Paid", "PROCESSING", "unpaid", "已打款", "待打款", "FAILED",
                                        "2", "", None)] == [
        "paid", "paid", "processing", "processing", "paid", "processing", "on_hold", None, None, None]


def test_the_sums_kept_after_a_report_are_the_same_and_never_outlive_a_change(db):
    from companion.store import changes, payouts
    from companion.store.models import Store

    load(db)
    cold = payments_report("this-month", now=NOW)
    ids = [s.id for s in Store.select()]
    payouts.warm(ids)
    assert payouts.cached_sums(ids, changes.current_rev()) is not None
    assert payments_report("this-month", now=NOW) == cold
    # a new line of statement S2 (a reimbursement row of the same export): the next report counts it
    row = list(US_ROWS[6])
    row[US_HEADER.index("Order/adjustment ID  ")] = "7123000000000000009"
    parsed = importer.parse_file("more.csv", csv_bytes([US_HEADER, row]), SHOP.name, SHOP)
    run_inline(db, importer.commit_file, "more.csv", parsed)
    s2 = next(r for r in payments_report("this-month", now=NOW)["rows"] if r["ref"] == S2)
    assert (s2["lines"], s2["lines_amount"], s2["difference"], s2["reconciled"]) == (2, "16.00", "-7.00", False)


def test_a_shein_bill_known_from_its_lines(db):
    from tests.support.tables import P_ROWS, PLATFORM_NAME, platform_book

    name = f"{PLATFORM_NAME}.xlsx"
    parsed = importer.parse_file(name, platform_book(), "", None)
    run_inline(db, importer.commit_file, name, parsed)
    rep = payments_report("2024-08", now=datetime(2024, 8, 30, tzinfo=UTC))
    (bill,) = rep["rows"]
    # every row of the export is bill B240815001, paid: 14.75 in all (tests/test_sources_shein.py's P_EXPECTED);
    # the last pay date (2024-08-22, a day in China) dates it; no stated amount to check it against
    assert (bill["platform"], bill["ref"], bill["status"], bill["currency"], bill["lines"], bill["lines_amount"]) == (
        "shein", "B240815001", "paid", "USD", len(P_ROWS), "14.75")
    assert (bill["date"], bill["amount"], bill["check"], bill["reconciled"]) == (
        "2024-08-21T16:00:00+00:00", None, "not_stated", None)


def test_lines_in_another_currency_than_the_payout_are_named_never_summed_under_its_currency():
    from decimal import Decimal

    from companion.ledger.payouts import Payout, payout_json, totals

    p = Payout(1, "ST1", "statement", datetime(2025, 10, 6, tzinfo=UTC), "USD", Decimal("10.00"), "paid", "", "",
               None, None, 2, {"EUR": Decimal("9.00")}, 0)
    row = payout_json(p, "Shop", "tiktok")
    assert (row["lines_amount"], row["check"], row["lines_currency"], row["reconciled"]) == (
        None, "currency_mismatch", "EUR", False)
    assert totals([row]) == [{"currency": "USD", "status": "paid", "payouts": 1, "amount": "10.00",
                              "lines_amount": "0.00", "lines": 2, "unreconciled": 1}]

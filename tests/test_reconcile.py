"""`shoptally reconcile`: stored lines against the statements, on-hold totals and list counts platforms state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from companion.pipeline import importer
from companion.pipeline.ingest import commit, prepare, prepare_capture
from companion.reports import reconcile
from companion.sources.model import StoreRef
from companion.store.writer import run_inline
from tests.support.builders import SELLER, TEMU_FUND, order_list_capture, order_row, temu_capture, temu_fund_row
from tests.support.builders import tiktok_capture as capture
from tests.support.builders import usd as money
from tests.support.tables import US_HEADER, US_ROWS, csv_bytes

SHOP = StoreRef("tiktok", SELLER, "US", f"TikTok US {SELLER}", "USD", "America/Los_Angeles")


def store(db, msg: dict):
    return run_inline(db, commit, prepare(prepare_capture(msg)))


def test_statements_on_hold_and_list_counts_are_checked_exactly(db):
    parsed = importer.parse_file("export.csv", csv_bytes([US_HEADER, *US_ROWS]), SHOP.name, SHOP)
    run_inline(db, importer.commit_file, "export.csv", parsed)
    # statement 7400000000000001 holds rows 1-6 (32.97), 7400000000000002 row 7 (8.00)
    store(db, capture("/api/v1/pay/statement/list/detail", {"total_record": 3, "statement_records": [
        {"statement_id": "7400000000000001", "statement_time": 1_759_708_800_000, "settle_amount": money("32.97")},
        {"statement_id": "7400000000000002", "statement_time": 1_760_313_600_000, "settle_amount": money("9.00")},
        {"statement_id": "7400000000000003", "statement_time": 1_760_918_400_000, "settle_amount": money("5.00")},
    ]}))
    on_hold = order_list_capture([order_row(90, "40.00", status=1)], on_hold=True)
    on_hold["payload"]["body"]["data"]["total_record"] = 3  # the list has 3 records; one page was captured
    store(db, on_hold)
    store(db, capture("/api/v1/pay/statement/stat/info", {"to_settle_amount_stat": {
        "amount": money("50.00"), "reasons_detail": []}}))

    found = reconcile.run()
    by_ref = {(c["kind"], c["ref"]): c for c in found["checks"]}
    first = by_ref[("statement", "7400000000000001")]
    assert (first["ok"], first["stated"], first["stored"], first["lines"]) == (True, "32.97", "32.97", 6)
    second = by_ref[("statement", "7400000000000002")]
    assert (second["ok"], second["difference"]) == (False, "1.00")
    assert second["message"] == ("statement 7400000000000002: the platform states 9.00 USD, the 1 stored lines add "
                                 "up to 8.00 (difference 1.00)")
    third = by_ref[("statement", "7400000000000003")]
    assert (third["ok"], third["message"]) == (
        False, "statement 7400000000000003: the platform states 5.00 USD, and no line of it is stored")
    held = by_ref[("on_hold", "")]
    assert (held["ok"], held["stated"], held["stored"]) == (False, "50.00", "40.00")
    listing = next(c for c in found["checks"] if c["kind"] == "listing")
    assert (listing["ok"], listing["stated_count"], listing["stored_count"]) == (False, 3, 1)
    assert "the sync is incomplete" in listing["message"]
    assert sorted((c["kind"], c["ref"]) for c in found["problems"]) == [
        ("listing", ""), ("on_hold", ""), ("statement", "7400000000000002"), ("statement", "7400000000000003")]
    assert reconcile.text(found)[-1] == f"{len(found['checks'])} checks, 4 differences"


def test_lines_whose_categories_do_not_add_up_are_listed(db):
    header = [*US_HEADER, "Mystery charge"]
    row = [*US_ROWS[1], "-0.50"]
    row[US_HEADER.index("Total settlement amount")] = "11.10"  # 12.10 - 0.50 mystery - 0.50 nobody explains
    parsed = importer.parse_file("export.csv", csv_bytes([header, row]), SHOP.name, SHOP)
    run_inline(db, importer.commit_file, "export.csv", parsed)
    found = reconcile.run(SHOP.name)
    (line,) = [c for c in found["checks"] if c["kind"] == "line"]
    assert (line["ok"], line["stated"], line["stored"]) == (False, "11.10", "12.10")
    assert "a column of this report is not mapped yet" in line["message"]


def test_temu_lists_count_their_own_family_and_an_unpaid_shein_bill_counts_its_pending_lines(db):
    rows = [temu_fund_row("2025-09-05 10:00:00", "交易收入", "18.50", 1, orderSn="PO-211-001"),
            temu_fund_row("2025-09-10 12:00:00", "履约违规", "5.00", 2)]
    body = {"beginTime": 1_756_656_000_000, "endTime": 1_759_247_999_000, "pageSize": 2, "pageNum": 1}
    store(db, temu_capture(TEMU_FUND, {"total": 3, "resultList": rows}, body=body))
    bill = {"reportOrderNo": "B240905002", "settlementStatus": 2, "estimateIncomeMoneyTotal": "13.10",
            "currencyCode": "USD"}
    items = {"reportOrderNo": "B240905002", "bzOrderNo": "GSUS2409050001", "secondOrderTypeName": "订单收入",
             "site": "US", "currencyCode": "USD", "settlementStatus": 2, "itemList": [
                 {"supplierSku": "M-1", "supplyPriceTotal": 9.0, "activityReportAmount": 0.9, "incomeAmount": 8.1,
                  "goodsCount": 1},
                 {"supplierSku": "M-2", "supplyPriceTotal": "5.00", "incomeAmount": "5.00", "goodsCount": 2}]}
    shein = {"type": "capture", "id": str(uuid.uuid4()), "site": "shein",
             "url": "https://sso.geiwohuo.com/#/gsfs/finance-management/list",
             "captured_at": datetime(2024, 9, 6, tzinfo=UTC).isoformat(), "kind": "json",
             "payload": {"request": {"method": "POST", "body": '{"page": 1, "perPage": 30}', "url": (
                 "https://sso.geiwohuo.com/gsfs/finance/reportOrder/dualMode/reportOrderList?supplierId=100200")},
                 "status": 200, "body": {"code": "0", "msg": "OK", "info": {"data": [bill, items],
                                                                            "meta": {"count": 9}}}}}
    store(db, shein)

    by_kind = {(c["account"].split()[0], c["kind"]): c for c in reconcile.run()["checks"]}
    listing = by_kind[("Temu", "listing")]
    assert (listing["ok"], listing["checked"], listing["stated_count"], listing["stored_count"]) == (False, True, 3, 2)
    assert listing["message"].endswith("the platform lists 3 records, 2 are stored: the sync is incomplete; "
                                       "run Sync Settlement again")
    unpaid = by_kind[("SHEIN", "statement")]  # not paid yet: its lines are still in transit
    assert (unpaid["ok"], unpaid["stated"], unpaid["stored"], unpaid["lines"]) == (True, "13.10", "13.10", 2)
    bills = by_kind[("SHEIN", "listing")]  # the list counts bills, which are not lines
    assert (bills["ok"], bills["checked"], bills["stated_count"]) == (True, False, 9)


def test_a_statement_list_completes_the_months_its_statements_fall_in(db):
    from companion.reports import reporting

    parsed = importer.parse_file("export.csv", csv_bytes([US_HEADER, *US_ROWS]), SHOP.name, SHOP)
    run_inline(db, importer.commit_file, "export.csv", parsed)
    now = datetime(2025, 11, 20, tzinfo=UTC)

    def october() -> dict:
        [entry] = reporting.profit_report(period="2025-10", now=now)["completeness"]
        return entry

    assert (october()["colour"], october()["missing_optional"]) == ("orange", ["statements or api_statements"])
    store(db, capture("/api/v1/pay/statement/list/detail", {"total_record": 1, "statement_records": [
        {"statement_id": "7400000000000009", "statement_time": 1_762_041_600_000, "settle_amount": money("1.00")},
    ]}))  # 2025-11-02: November has a statement, October still none
    assert october()["colour"] == "orange"
    store(db, capture("/api/v1/pay/statement/list/detail", {"total_record": 1, "statement_records": [
        {"statement_id": "7400000000000001", "statement_time": 1_759_708_800_000, "settle_amount": money("32.97")},
    ]}))  # 2025-10-06
    assert october() == {"account": SHOP.name, "month": "2025-10", "status": "complete", "colour": "green",
                         "present": ["order_details", "statements"], "missing_required": [], "missing_optional": []}


def test_an_order_list_line_takes_its_statements_time_whichever_arrives_first(db):
    from companion.store.models import SettlementLine

    def row(n: int, statement: str) -> dict:
        return {**order_row(n, "10.00"), "statement_id": statement}

    def times() -> dict[str, tuple[datetime, bool]]:
        return {line.statement_id: (line.settled_time, line.settled_time_approx) for line in SettlementLine.select()}

    captured = datetime(2025, 11, 2, 8, 0, tzinfo=UTC)
    listed = store(db, order_list_capture([row(1, "7400000000000001")], captured_at=captured.isoformat()))
    assert times() == {"7400000000000001": (captured, True)}  # no better date known yet
    statements = capture("/api/v1/pay/statement/list/detail", {"total_record": 2, "statement_records": [
        {"statement_id": "7400000000000001", "statement_time": 1_759_708_800_000, "settle_amount": money("10.00")},
        {"statement_id": "7400000000000002", "statement_time": 1_760_313_600_000, "settle_amount": money("10.00")},
    ]})
    moved = store(db, statements)
    assert (listed.added, moved.added, moved.updated) == (1, 0, 1)  # the line moved to October 6: views refresh
    assert times() == {"7400000000000001": (datetime(2025, 10, 6, tzinfo=UTC), False)}
    # the statement known first: a new line takes its date as it is written, counted once as added
    second = store(db, order_list_capture([row(2, "7400000000000002")], captured_at=captured.isoformat()))
    assert (second.added, second.updated) == (1, 0)
    assert times()["7400000000000002"] == (datetime(2025, 10, 13, tzinfo=UTC), False)
    # the same rows captured again change nothing, and keep the statement's date
    again = store(db, order_list_capture([row(1, "7400000000000001")], captured_at=datetime.now(UTC).isoformat()))
    assert (again.added, again.updated) == (0, 0)
    assert times()["7400000000000001"] == (datetime(2025, 10, 6, tzinfo=UTC), False)


def test_a_statement_in_another_currency_is_a_currency_mismatch_not_a_difference(db):
    parsed = importer.parse_file("export.csv", csv_bytes([US_HEADER, *US_ROWS]), SHOP.name, SHOP)
    run_inline(db, importer.commit_file, "export.csv", parsed)  # USD lines of statement 7400000000000001
    store(db, capture("/api/v1/pay/statement/list/detail", {"total_record": 1, "statement_records": [
        {"statement_id": "7400000000000001", "statement_time": 1_759_708_800_000,
         "settle_amount": {"amount": "25.12", "currency": "GBP"}}]}))
    found = reconcile.run(SHOP.name)
    [check] = [c for c in found["checks"] if c["kind"] == "statement"]
    assert (check["ok"], check["currency_mismatch"], check["stated"], check["lines"]) == (False, True, "25.12", 6)
    assert check["message"] == ("statement 7400000000000001: currency mismatch: the statement is in GBP, "
                                "the lines in USD")
    assert "difference" not in check and "stored" not in check
    assert reconcile.text(found)[0].startswith(f"{SHOP.name}: CURR ")
    assert reconcile.text(found)[-1].endswith("0 differences, 1 currency mismatches")

"""The tax report over a real database: a local Vietnam shop's export (VAT and PIT withheld by TikTok Shop), a
cross-border Malaysian income export (SST), a Mexican Open API statement (ISR and IVA the platform retains),
and a US export whose sales tax the marketplace remits (no tax line). Figures to the cent, worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from companion.ledger.taxes import special_type
from companion.pipeline import importer
from companion.reports.taxes import tax_report
from companion.store.writer import run_inline
from tests.support.tables import csv_bytes, us_workbook
from tests.support.tiktok_sea import MY_HEADER, MY_ROWS, vn_book
from tests.support.tiktok_statements import MX_TXN, STATEMENT_AT, STMT, envelope, ts

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
VN_SHOP, MY_SHOP = "TikTok VN Saigon Mugs", "TikTok CB MY Gadgets"


def load(db, name: str, content: bytes, account: str = "") -> None:
    parsed = importer.parse_file(name, content, account, importer.account_store(account or None))
    run_inline(db, importer.commit_file, name, parsed)


def shops(db) -> None:
    load(db, "TikTok_Saigon Mugs_settlement_2025-10.xlsx", vn_book())
    load(db, "TikTok跨境_MY Gadgets_income_2025-10.csv", csv_bytes([MY_HEADER, *MY_ROWS]))
    load(db, "TikTok本土_MugHouse_结算报告_2025-10.xlsx", us_workbook())


def test_taxes_by_type_store_region_and_currency(db):
    shops(db)
    rep = tax_report("2025-10", now=NOW)
    assert (rep["kind"], rep["basis"]) == ("tax", "settlement")
    assert rep["period"] == {"from": "2025-10-01", "to": "2025-10-31"}
    rows = {r["account"]: r for r in rep["rows"]}
    assert sorted(rows) == [MY_SHOP, VN_SHOP]  # the US shop's sales tax is remitted by the marketplace: none here
    vn = rows[VN_SHOP]
    assert (vn["region"], vn["currency"], vn["total"], vn["taxed_lines"]) == ("VN", "VND", "-6750.00", 1)
    assert vn["categories"] == {
        "sales_tax": {"amount": "0.00", "lines": 0}, "market_tax": {"amount": "0.00", "lines": 0},
        "vat": {"amount": "-4500.00", "lines": 1}, "other_tax": {"amount": "-2250.00", "lines": 1}}
    # VAT and PIT withheld by TikTok Shop are withheld, whatever category they are booked under
    assert vn["types"] == {"sales_tax": {"amount": "0.00", "lines": 0}, "vat": {"amount": "0.00", "lines": 0},
                           "withheld": {"amount": "-6750.00", "lines": 1}, "duty": {"amount": "0.00", "lines": 0},
                           "market_tax": {"amount": "0.00", "lines": 0}, "other": {"amount": "0.00", "lines": 0}}
    assert vn["fields"] == [
        {"type": "withheld", "name": "PIT withheld by TikTok Shop", "amount": "-2250.00", "lines": 1},
        {"type": "withheld", "name": "VAT withheld by TikTok Shop", "amount": "-4500.00", "lines": 1}]
    my = rows[MY_SHOP]
    assert (my["region"], my["currency"], my["total"], my["taxed_lines"]) == ("CB", "MYR", "-0.80", 1)
    assert my["types"]["sales_tax"] == {"amount": "-0.80", "lines": 1} and my["fields"] == []
    assert rep["totals_by_currency"]["VND"]["types"]["withheld"] == {"amount": "-6750.00", "lines": 1}
    assert sorted(rep["totals_by_currency"]) == ["MYR", "VND"]


def test_both_bases_and_the_period(db):
    shops(db)
    # order basis: the VN order was placed 20 October, the MY one 2 October
    order = {r["account"]: r["total"] for r in tax_report("2025-10", basis="order", now=NOW)["rows"]}
    assert order == {VN_SHOP: "-6750.00", MY_SHOP: "-0.80"}
    # the MY order settled 12 October (China time): not in the first ten days; placed 2 October: in them
    assert [r["account"] for r in tax_report("2025-10-01..2025-10-10", now=NOW)["rows"]] == []
    assert [r["account"] for r in tax_report("2025-10-01..2025-10-10", basis="order", now=NOW)["rows"]] == [MY_SHOP]
    assert tax_report("2025-09", now=NOW)["rows"] == []
    assert [r["account"] for r in tax_report("2025-10", account=VN_SHOP, now=NOW)["rows"]] == [VN_SHOP]


def test_mexico_isr_and_iva_retained_by_the_platform(db):
    data = {"statement_id": STMT, "statement_time": ts(STATEMENT_AT), "currency": "MXN",
            "settlement_amount": "370.50", "statement_transactions": [MX_TXN]}
    load(db, f"statement_{STMT}.json", json.dumps(envelope(data)).encode(), "Mi tienda MX")
    (row,) = tax_report("2025-06", now=NOW)["rows"]
    assert (row["account"], row["currency"], row["total"], row["taxed_lines"]) == ("Mi tienda MX", "MXN", "-40.50", 1)
    assert row["categories"]["vat"] == {"amount": "-36.00", "lines": 1}
    assert row["categories"]["other_tax"] == {"amount": "-4.50", "lines": 1}
    assert row["types"]["withheld"] == {"amount": "-40.50", "lines": 1}
    assert row["types"]["vat"] == {"amount": "0.00", "lines": 0}
    assert [(f["name"], f["amount"]) for f in row["fields"]] == [("isr_income_tax_amount", "-4.50"),
                                                                 ("iva_vat_amount", "-36.00")]


def test_field_names_that_say_more_than_their_category():
    assert [special_type(n) for n in ("VAT withheld by TikTok Shop", "PIT withheld by TikTok Shop",
                                      "isr_income_tax_amount", "iva_vat_amount", "cedular_tax", "Customs duty",
                                      "anti_dumping_duty", "Customs clearance fee", "SST", "Sales tax payment",
                                      "vat", "capital")] == [
        "withheld", "withheld", "withheld", "withheld", "withheld", "duty", "duty", "duty", None, None, None, None]


def test_the_days_kept_after_a_report_give_the_same_figures_and_never_outlive_a_change(db):
    from companion.store import taxes
    from companion.store.models import Store

    shops(db)
    cases = [(p, b) for p in ("2025-10", "2025-10-01..2025-10-10", "2025-10-31", "all")
             for b in ("settlement", "order")]
    cold = {case: tax_report(case[0], basis=case[1], now=NOW) for case in cases}
    taxes.warm([(s.id, s.timezone) for s in Store.select()])
    assert {case: tax_report(case[0], basis=case[1], now=NOW) for case in cases} == cold
    # another shop's taxes arrive: the kept days are not used for it, nor for the others
    data = {"statement_id": STMT, "statement_time": ts(STATEMENT_AT), "currency": "MXN",
            "settlement_amount": "370.50", "statement_transactions": [MX_TXN]}
    load(db, f"statement_{STMT}.json", json.dumps(envelope(data)).encode(), "Mi tienda MX")
    shown = {r["account"]: r["total"] for r in tax_report("all", now=NOW)["rows"]}
    assert shown == {VN_SHOP: "-6750.00", MY_SHOP: "-0.80", "Mi tienda MX": "-40.50"}

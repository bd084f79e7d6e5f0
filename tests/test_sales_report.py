"""The sales report (issue #18.1) over a real database, both bases, day/week/month, by store and SKU, three
stores in three time zones, two currencies kept apart, a refund settled a month after its sale; plus an
imported TikTok US export, the CLI and the HTTP route. Every figure worked out by hand (docs/reports.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.cli.main import main
from companion.errors import BadInput
from companion.ledger import sales
from companion.pipeline import importer
from companion.reports.sales_report import sales_report
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, SourceField, StoreRef
from companion.store import settlements
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.builders import LA, SH
from tests.support.tables import US_NAME, us_workbook

UK = StoreRef("tiktok", "4410", "GB", "TikTok UK Teapots", "GBP", "Europe/London")
NOW = datetime(2025, 12, 15, 12, 0, tzinfo=UTC)
FIGURES = ("orders", "units", "gross_sales", "seller_discounts", "platform_discounts", "refunds", "net_sales",
           "shipping", "taxes", "total_sales", "average_order_value", "refund_rate")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def sale(store: StoreRef, n: int, order: str, sku: str, qty: int, ordered: str, settled: str | None,
         currency: str | None = None, **amounts: str) -> Line:
    """A line of an order with these category amounts (seller's side signs); settled: None = in transit."""
    values = {k: Decimal(v) for k, v in amounts.items()}
    return Line(store=store, key=("t", str(n)), status=SETTLED if settled else IN_TRANSIT, txn_type="Order",
                currency=currency or store.currency, settlement_amount=sum(values.values(), Decimal(0)),
                amounts=values, fields=[SourceField(k, v, k) for k, v in values.items()], order_id=order,
                sku_id=sku, sku_name=sku, quantity=qty, order_time=utc(ordered),
                settled_time=utc(settled) if settled else None, reference=order, detail=SKU_SPLIT,
                statement_id="ST1" if settled else None)


LINES = [
    # Los Angeles (UTC-7 in October, UTC-8 from 2 November)
    sale(LA, 1, "A1", "SKU-1", 2, "2025-10-03T16:00", "2025-10-06T18:00", sales="40.00", promo_discount="-4.00",
         buyer_shipping="5.99"),                                            # ordered 3 Oct, settled 6 Oct there
    sale(LA, 2, "A1", "SKU-2", 1, "2025-10-03T16:00", "2025-10-06T18:00", sales="15.50"),
    sale(LA, 3, "A2", "SKU-1", 1, "2025-10-07T05:00", "2025-10-08T06:30", sales="20.00", promo_discount="-2.00",
         subsidy="1.50", buyer_shipping="4.99", sales_tax="1.60"),          # ordered 6 Oct 22:00, settled 7 Oct 23:30
    sale(LA, 4, "A2", "SKU-1", 1, "2025-10-07T05:00", "2025-11-03T20:00", income_refund="-18.00",
         buyer_shipping="-4.99"),                                           # A2 refunded, settled in November
    sale(LA, 5, "A3", "SKU-2", 3, "2025-10-30T17:00", "2025-11-01T06:00", sales="45.00"),  # 31 Oct 23:00 there
    sale(LA, 6, "A4", "SKU-1", 1, "2025-10-20T18:00", None, sales="30.00"),  # not settled yet
    sale(LA, 7, "A1", "SKU-3", 1, "2025-10-03T16:00", "2025-10-09T18:00", sales="10.00"),  # A1's 3rd line, 9 Oct
    # Shanghai (UTC+8)
    sale(SH, 8, "B1", "SKU-9", 1, "2025-10-30T02:00", "2025-10-31T17:00", sales="12.00", sales_tax="0.96"),
    # London (UTC+1 in October), in pounds and one line in euros
    sale(UK, 9, "C1", "SKU-T", 2, "2025-10-12T10:00", "2025-10-15T10:00", sales="25.00", promo_discount="-2.50",
         vat="-4.17"),
    sale(UK, 10, "C2", "SKU-T", 1, "2025-10-15T11:00", "2025-10-15T11:00", currency="EUR", sales="30.00"),
    sale(UK, 11, "C3", "SKU-T", 1, "2025-10-20T10:00", "2025-10-20T10:00", sales="10.00",
         income_refund="-10.00"),                                           # refunded in full on its own line
]


@pytest.fixture
def seeded(db):
    run_inline(db, settlements.apply_lines, LINES, "seed", "import")
    return db


def report(**kw):
    kw.setdefault("period", "2025-10")
    return sales_report(now=NOW, **kw)


def figs(row: dict) -> tuple:
    return tuple(row[f] for f in FIGURES)


def rows_of(rep: dict) -> dict[tuple, tuple]:
    return {(r["step"], *r["key"].values(), r["currency"]): figs(r) for r in rep["rows"]}


LA_OCT_SETTLED = (3, 8, "130.50", "6.00", "1.50", "0.00", "124.50", "10.98", "1.60", "137.08", "41.50", "0.0000")
UK_OCT_GBP = (2, 2, "35.00", "2.50", "0.00", "10.00", "22.50", "0.00", "-4.17", "18.33", "11.25", "0.2857")
UK_OCT_EUR = (1, 1, "30.00", "0.00", "0.00", "0.00", "30.00", "0.00", "0.00", "30.00", "30.00", "0.0000")


def test_month_by_store_on_the_settlement_basis_keeps_currencies_and_zones_apart(seeded):
    rep = report(group="month")
    assert (rep["kind"], rep["basis"], rep["group"], rep["by"]) == ("sales", "settlement", "month", "store")
    assert rep["period"] == {"from": "2025-10-01", "to": "2025-10-31"}
    # LA: A1 (3 lines on 6 and 9 Oct), A2, A3 (31 Oct in LA though 1 Nov in UTC); A4 unsettled; A2's refund is
    # November's. Shanghai's B1 settled on 1 Nov there: not October's.
    assert rows_of(rep) == {("2025-10", LA.name, "USD"): LA_OCT_SETTLED,
                            ("2025-10", UK.name, "EUR"): UK_OCT_EUR,
                            ("2025-10", UK.name, "GBP"): UK_OCT_GBP}
    assert {c: figs(t) for c, t in rep["totals_by_currency"].items()} == {
        "EUR": UK_OCT_EUR, "GBP": UK_OCT_GBP, "USD": LA_OCT_SETTLED}


def test_a_refund_settled_later_counts_in_its_own_month_on_the_settlement_basis(seeded):
    rep = report(period="2025-11", group="month")
    la = (0, 0, "0.00", "0.00", "0.00", "18.00", "-18.00", "-4.99", "0.00", "-22.99", None, None)
    sh = (1, 1, "12.00", "0.00", "0.00", "0.00", "12.00", "0.00", "0.96", "12.96", "12.00", "0.0000")
    assert rows_of(rep) == {("2025-11", LA.name, "USD"): la, ("2025-11", SH.name, "USD"): sh}
    # both stores in dollars: one total, orders of the two stores added (they share none)
    assert figs(rep["totals_by_currency"]["USD"]) == (
        1, 1, "12.00", "0.00", "0.00", "18.00", "-6.00", "-4.99", "0.96", "-10.03", "-6.00", "1.5000")


def test_the_order_basis_counts_by_order_time_with_unsettled_lines_and_the_refund(seeded):
    rep = report(basis="order", group="month", account=LA.name)
    # A1..A4 ordered in October; A2's refund goes with its order; AOV 136.50 / 4 = 34.125 → 34.13 (half up)
    assert rows_of(rep) == {("2025-10", LA.name, "USD"): (
        4, 9, "160.50", "6.00", "1.50", "18.00", "136.50", "5.99", "1.60", "144.09", "34.13", "0.1121")}
    both = report(basis="order", group="month")
    assert figs(both["totals_by_currency"]["USD"])[:3] == (5, 10, "172.50")  # and Shanghai's B1, 30 Oct there


def test_days_and_monday_weeks_in_the_store_zone_and_an_order_counted_once_a_week(seeded):
    days = rows_of(report(group="day", account=LA.name))
    assert days == {
        ("2025-10-06", LA.name, "USD"): (1, 3, "55.50", "4.00", "0.00", "0.00", "51.50", "5.99", "0.00", "57.49",
                                         "51.50", "0.0000"),
        ("2025-10-07", LA.name, "USD"): (1, 1, "20.00", "2.00", "1.50", "0.00", "18.00", "4.99", "1.60", "24.59",
                                         "18.00", "0.0000"),
        ("2025-10-09", LA.name, "USD"): (1, 1, "10.00", "0.00", "0.00", "0.00", "10.00", "0.00", "0.00", "10.00",
                                         "10.00", "0.0000"),
        ("2025-10-31", LA.name, "USD"): (1, 3, "45.00", "0.00", "0.00", "0.00", "45.00", "0.00", "0.00", "45.00",
                                         "45.00", "0.0000")}
    weeks = report(group="week", account=LA.name)
    # A1 sold on 6 and 9 October: one order in the week of Monday 6 October, not two
    assert rows_of(weeks) == {
        ("2025-10-06", LA.name, "USD"): (2, 5, "85.50", "6.00", "1.50", "0.00", "79.50", "10.98", "1.60", "92.08",
                                         "39.75", "0.0000"),
        ("2025-10-27", LA.name, "USD"): (1, 3, "45.00", "0.00", "0.00", "0.00", "45.00", "0.00", "0.00", "45.00",
                                         "45.00", "0.0000")}
    last = weeks["rows"][-1]
    assert (last["from"], last["to"]) == ("2025-10-27", "2025-10-31")  # the week clipped to the period
    assert figs(weeks["totals_by_currency"]["USD"]) == LA_OCT_SETTLED


def test_by_sku_orders_count_in_each_sku_but_once_in_the_total(seeded):
    rep = report(group="month", by="sku", account=LA.name)
    assert rows_of(rep) == {
        ("2025-10", LA.name, "SKU-1", "USD"): (2, 3, "60.00", "6.00", "1.50", "0.00", "54.00", "10.98", "1.60",
                                               "66.58", "27.00", "0.0000"),
        ("2025-10", LA.name, "SKU-2", "USD"): (2, 4, "60.50", "0.00", "0.00", "0.00", "60.50", "0.00", "0.00",
                                               "60.50", "30.25", "0.0000"),
        ("2025-10", LA.name, "SKU-3", "USD"): (1, 1, "10.00", "0.00", "0.00", "0.00", "10.00", "0.00", "0.00",
                                               "10.00", "10.00", "0.0000")}
    assert figs(rep["totals_by_currency"]["USD"]) == LA_OCT_SETTLED  # A1 in three SKUs: one order


def test_a_limit_writes_out_the_first_rows_and_the_totals_of_all(seeded):
    whole = report(group="day", by="sku")
    assert whole["row_count"] == len(whole["rows"]) == 8
    for limit in (1, 4, 8, 50):
        assert report(group="day", by="sku", limit=limit) == {**whole, "rows": whole["rows"][:limit]}
    by_store = report(group="week")
    assert by_store["row_count"] == len(by_store["rows"]) == 5
    assert report(group="week", limit=2)["rows"] == by_store["rows"][:2]


def test_a_period_without_lines_and_bad_arguments(seeded):
    empty = report(period="2025-08")
    assert empty["rows"] == [] and empty["totals_by_currency"] == {}
    for kw, code in (({"group": "hour"}, "report_step_unknown"), ({"by": "msku"}, "sales_by_unknown"),
                     ({"basis": "cash"}, "report_basis_unknown"), ({"period": "soon"}, "period_unknown"),
                     ({"period": "2020-01-01..2025-12-31"}, "report_points_day")):
        with pytest.raises(BadInput) as exc:
            report(**kw)
        assert exc.value.code == code


def test_the_metric_formulas_and_their_rounding():
    # storage units: 1/10000
    sums = sales.SalesSums(3, 4, (1_000_000, -5_000, 0, 20_000, -333_300, 1_000, 0, -2_000, 0))
    row = sales.row_json(sums)
    assert figs(row) == (3, 4, "100.00", "0.50", "0.00", "33.33", "66.17", "2.00", "-0.10", "68.07", "22.06",
                         "0.3333")


def test_an_imported_tiktok_export_gives_its_sales_figures(db):
    """The TikTok US export the profit report's tests import: 4 order rows (one refunded in full) and three
    adjustments (no sales: left out). Categories as seed 002 maps them: sales = Gross sales; promo_discount =
    Seller discount + Shipping fee subsidy; income_refund = Gross sales refund + Seller discount refund;
    buyer_shipping = Customer-paid shipping fee (+ its refund); Sales tax payment is not part of the settlement
    (TikTok remits it), so taxes are 0."""
    parsed = importer.parse_file(f"{US_NAME}.xlsx", us_workbook(), "", importer.account_store(None))
    run_inline(db, importer.commit_file, f"{US_NAME}.xlsx", parsed)
    (row,) = report(group="month")["rows"]
    # gross 40.00 + 15.50 + 25.00 + 60.00 = 140.50; seller discounts 4.00 - 1.00 (shipping fee subsidy) + 2.50
    # = 5.50; refunds 25.00 - 2.50 (seller discount refund) = 22.50; net 140.50 - 5.50 - 22.50 = 112.50;
    # shipping 5.99 + 4.99 - 4.99 = 5.99; total 118.49; orders ...101, ...202, ...303 = 3 (...202 refunded on
    # its own row: an order, no units); units 2 + 1 + 3 = 6; AOV 112.50 / 3 = 37.50; rate 22.50 / 140.50
    assert figs(row) == (3, 6, "140.50", "5.50", "0.00", "22.50", "112.50", "5.99", "0.00", "118.49", "37.50",
                         "0.1601")


def test_the_cli_prints_the_sales_table_and_its_json(seeded, db_url, tmp_path, capsys):
    common = ["--data-dir", str(tmp_path / "d"), "--database-url", db_url]
    assert main(["report", "--kind", "sales", "--period", "2025-10", "--group", "month", *common]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "sales, settlement basis, 2025-10-01 .. 2025-10-31, by month and store"
    la = next(line for line in out if line.startswith("2025-10") and LA.name in line)
    assert la.split()[-12:] == ["3", "8", "130.50", "6.00", "1.50", "0.00", "124.50", "10.98", "1.60", "137.08",
                                "41.50", "0.00%"]
    gbp = next(line for line in out if line.startswith("TOTAL") and "GBP" in line)
    assert gbp.split()[-1] == "28.57%"
    assert main(["report", "--kind", "sales", "--period", "2025-10", "--by", "sku", "--json", *common]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["kind"] == "sales" and figs(rep["totals_by_currency"]["USD"]) == LA_OCT_SETTLED
    assert main(["report", "--kind", "sales", "--currency", "USD", *common]) != 0
    assert "keeps every currency apart" in capsys.readouterr().err
    assert main(["report", "--period", "2025-10", *common]) == 0  # --kind profit stays the default
    assert capsys.readouterr().out.startswith("settlement basis, 2025-10-01 .. 2025-10-31, by store")


async def test_the_http_route_answers_the_report_and_refuses_with_a_reason(client, service, db):
    run_inline(db, settlements.apply_lines, LINES, "seed", "import")
    body = await (await get(client, "/api/reports/sales?period=2025-10&group=week&by=sku&basis=order"
                                    f"&account={LA.name.replace(' ', '%20')}")).json()
    assert body["kind"] == "sales" and (body["group"], body["by"], body["basis"]) == ("week", "sku", "order")
    assert figs(body["totals_by_currency"]["USD"])[:3] == (4, 9, "160.50")
    body = await (await get(client, "/api/reports/sales?period=2025-10&group=month")).json()
    assert figs(body["totals_by_currency"]["GBP"]) == UK_OCT_GBP
    whole = await (await get(client, "/api/reports/sales?period=2025-10&by=sku")).json()
    assert whole["row_count"] == len(whole["rows"]) == 8
    first = await (await get(client, "/api/reports/sales?period=2025-10&by=sku&limit=3")).json()
    assert first == {**whole, "rows": whole["rows"][:3]}  # the rows the view draws, the totals of all
    for query, status, words in (("group=hour", 400, "step 'hour'"), ("by=order", 400, "store, sku"),
                                 ("account=Nobody", 404, "no store named 'Nobody'"),
                                 ("currency=USD", 400, "keeps every currency apart"),
                                 ("limit=all", 400, "limit must be a whole number")):
        body = await (await get(client, f"/api/reports/sales?{query}", status)).json()
        assert body["error"] == "refused" and words in body["message"], body

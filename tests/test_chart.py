"""The Finance view's chart: net profit per store by day, week and month over a real database, two stores in
time zones half a world apart, a store fee, cents that only add up when reconciled, days that have not
happened (no point, not a zero), a reporting currency (every point converted as the report converts), the
refusals, the HTTP endpoint, and the drawing module under node:test. Figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from companion.ledger.fx import Rate
from companion.ledger.periods import PeriodError
from companion.pipeline import seller_figures
from companion.reports import chart_data, reporting
from companion.sources.model import IN_TRANSIT, SETTLED, SKU_SPLIT, Line, SourceField, StoreRef
from companion.store import seller_inputs, settlements, stores
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.builders import LA, SH
from tests.support.node_tests import run_node_tests

UT = StoreRef("shein", "881", "US", "SHEIN Cents", "USD", "UTC")
UK = StoreRef("tiktok", "4410", "GB", "TikTok UK Teapots", "GBP", "Europe/London")
OCT_NOV = "2025-10-01..2025-11-30"
NOW = datetime(2025, 12, 15, 12, 0, tzinfo=UTC)


def line(store: StoreRef, n: int, amount: str, when: datetime, status: str = SETTLED, sku: str = "SKU-1") -> Line:
    """A line whose gross profit is `amount`: sales of amount + 1.00 less a 1.00 platform fee, in the store's
    currency."""
    value = Decimal(amount)
    return Line(store=store, key=("t", str(n)), status=status, txn_type="Order", currency=store.currency,
                settlement_amount=value, amounts={"sales": value + 1, "platform_fee": Decimal("-1.00")},
                fields=[SourceField("Gross sales", value + 1, "sales"), SourceField("Fee", Decimal("-1.00"),
                                                                                     "platform_fee")],
                order_id=f"9{n:05d}", sku_id=sku, sku_name="Mug", quantity=1, order_time=when,
                settled_time=when if status == SETTLED else None, reference=f"9{n:05d}", detail=SKU_SPLIT,
                statement_id="ST1" if status == SETTLED else None)


def seed(db) -> None:
    lines = [
        line(LA, 1, "10.00", datetime(2025, 10, 5, 18, 0, tzinfo=UTC)),  # 5 Oct 11:00 in Los Angeles
        line(LA, 2, "25.50", datetime(2025, 10, 31, 23, 30, tzinfo=UTC)),  # 31 Oct 16:30 there: still October
        line(LA, 3, "7.25", datetime(2025, 11, 1, 8, 0, tzinfo=UTC)),  # 1 Nov 01:00
        line(LA, 4, "-3.00", datetime(2025, 11, 10, 12, 0, tzinfo=UTC)),
        line(LA, 5, "4.00", datetime(2025, 10, 1, 12, 0, tzinfo=UTC), status=IN_TRANSIT),  # ordered 1 Oct 05:00
        line(SH, 6, "99.99", datetime(2025, 10, 31, 17, 0, tzinfo=UTC)),  # 1 Nov 01:00 in Shanghai
        line(SH, 7, "0.01", datetime(2025, 10, 10, 0, 0, tzinfo=UTC)),  # 10 Oct 08:00
        line(SH, 8, "5.00", datetime(2025, 11, 30, 17, 30, tzinfo=UTC)),  # 1 Dec 01:30: after the period
    ]
    run_inline(db, settlements.apply_lines, lines, "seed", "import")
    fees = f"level,account,target,month,amount,currency,name\r\nstore,{LA.name},,2025-11,30.00,USD,rent\r\n"
    run_inline(db, seller_figures.save, "fees", seller_figures.read("fees", "fees.csv", fees.encode()))


def series(chart: dict) -> dict[str, list[str]]:
    return {s["account"]: s["points"] for s in chart["series"]}


def nonzero(chart: dict) -> dict[str, dict[str, str]]:
    return {s["account"]: {label: p for label, p in zip(chart["labels"], s["points"], strict=True) if p != "0.00"}
            for s in chart["series"]}


def report_profit(period: str, basis: str = "settlement", now: datetime = NOW, currency: str | None = None
                  ) -> dict[str, Decimal]:
    rows = reporting.profit_report(period=period, basis=basis, by="store", now=now, currency=currency)["rows"]
    return {r["key"]["account"]: Decimal(r["gross_profit"]) for r in rows}


def sums(chart: dict) -> dict[str, Decimal]:
    return {s["account"]: sum((Decimal(p) for p in s["points"] if p is not None), Decimal(0))
            for s in chart["series"]}


def test_by_day_each_store_counts_its_own_days_and_the_fee_lands_on_the_first(db):
    seed(db)
    chart = chart_data.net_profit_series(OCT_NOV, "settlement", None, "day", now=NOW)
    assert chart["step"] == "day" and chart["period"] == {"from": "2025-10-01", "to": "2025-11-30"}
    assert len(chart["labels"]) == 61 and chart["labels"][:2] == ["2025-10-01", "2025-10-02"]
    assert all(len(s["points"]) == 61 for s in chart["series"])
    assert [(s["account"], s["currency"]) for s in chart["series"]] == [(SH.name, "USD"), (LA.name, "USD")]
    assert nonzero(chart) == {
        LA.name: {"2025-10-05": "10.00", "2025-10-31": "25.50", "2025-11-01": "-22.75", "2025-11-10": "-3.00"},
        SH.name: {"2025-10-10": "0.01", "2025-11-01": "99.99"},
    }  # 1 Nov in Los Angeles: 7.25 and November's 30.00 rent
    assert sums(chart) == report_profit(OCT_NOV) == {LA.name: Decimal("9.75"), SH.name: Decimal("100.00")}


def test_by_iso_week_clipped_to_the_period(db):
    seed(db)
    chart = chart_data.net_profit_series(OCT_NOV, "settlement", None, "week", now=NOW)
    assert chart["labels"] == ["2025-10-01", "2025-10-06", "2025-10-13", "2025-10-20", "2025-10-27", "2025-11-03",
                               "2025-11-10", "2025-11-17", "2025-11-24"]  # 1 Oct is a Wednesday
    assert chart["ranges"][0] == {"from": "2025-10-01", "to": "2025-10-05"}
    assert chart["ranges"][4] == {"from": "2025-10-27", "to": "2025-11-02"}
    assert series(chart) == {
        LA.name: ["10.00", "0.00", "0.00", "0.00", "2.75", "0.00", "-3.00", "0.00", "0.00"],
        SH.name: ["0.00", "0.01", "0.00", "0.00", "99.99", "0.00", "0.00", "0.00", "0.00"],
    }


def test_by_month_points_are_the_reports_of_each_month_and_add_up(db):
    seed(db)
    chart = chart_data.net_profit_series(OCT_NOV, "settlement", None, "month", now=NOW)
    assert chart["labels"] == ["2025-10", "2025-11"]
    assert series(chart) == {LA.name: ["35.50", "-25.75"], SH.name: ["0.01", "99.99"]}
    for k, month in enumerate(chart["labels"]):
        assert {name: Decimal(p[k]) for name, p in series(chart).items()} == report_profit(month)
    assert sums(chart) == report_profit(OCT_NOV)


def test_a_period_starting_after_the_first_leaves_the_months_fees_out_like_the_report(db):
    seed(db)
    for step in ("day", "week", "month"):
        chart = chart_data.net_profit_series("2025-11-02..2025-11-30", "settlement", None, step, now=NOW)
        assert sums(chart) == report_profit("2025-11-02..2025-11-30") == {LA.name: Decimal("-3.00")}


def test_order_basis_counts_lines_in_transit_on_their_order_day(db):
    seed(db)
    chart = chart_data.net_profit_series(OCT_NOV, "order", LA.name, "day", now=NOW)
    assert nonzero(chart)[LA.name]["2025-10-01"] == "4.00"
    month = chart_data.net_profit_series(OCT_NOV, "order", LA.name, "month", now=NOW)
    assert series(month) == {LA.name: ["39.50", "-25.75"]}
    assert sums(month)[LA.name] == report_profit(OCT_NOV, "order")[LA.name]


def test_all_spans_the_data_and_each_store_adds_up_to_its_report(db):
    seed(db)
    chart = chart_data.net_profit_series("all", "settlement", None, "month", now=NOW)
    assert chart["period"] == {"from": "2025-10-05", "to": "2025-12-01"}
    assert chart["labels"] == ["2025-10", "2025-11", "2025-12"]
    assert series(chart) == {LA.name: ["35.50", "-25.75", "0.00"], SH.name: ["0.01", "99.99", "5.00"]}
    for step in ("day", "week"):
        assert sums(chart_data.net_profit_series("all", "settlement", None, step, now=NOW)) == report_profit("all")


def test_a_relative_period_is_each_stores_own_month(db):
    """At 03:00 UTC on 1 November it is still October in Los Angeles and already November in Shanghai."""
    seed(db)
    now = datetime(2025, 11, 1, 3, 0, tzinfo=UTC)
    chart = chart_data.net_profit_series("this-month", "settlement", None, "day", now=now)
    assert chart["period"] == {"from": "2025-10-01", "to": "2025-11-30"} and chart["through"] == "2025-11-01"
    assert len(chart["labels"]) == 32 and chart["labels"][-1] == "2025-11-01"  # nothing after Shanghai's today
    # 1 November has not come in Los Angeles: no figure there (null), where Shanghai has one
    assert nonzero(chart) == {LA.name: {"2025-10-05": "10.00", "2025-10-31": "25.50", "2025-11-01": None},
                              SH.name: {"2025-11-01": "99.99"}}
    assert sums(chart) == report_profit("this-month", now=now)


def test_days_that_have_not_happened_have_no_point(db):
    """15 December, noon UTC: this month is fifteen days so far, not thirty-one with sixteen zeros."""
    seed(db)
    run_inline(db, settlements.apply_lines, [line(LA, 9, "2.40", datetime(2025, 12, 3, 20, 0, tzinfo=UTC))],
               "seed", "import")
    chart = chart_data.net_profit_series("this-month", "settlement", None, "day", now=NOW)
    assert chart["period"] == {"from": "2025-12-01", "to": "2025-12-31"} and chart["through"] == "2025-12-15"
    assert chart["labels"] == [f"2025-12-{d:02d}" for d in range(1, 16)]
    assert nonzero(chart) == {LA.name: {"2025-12-03": "2.40"}, SH.name: {"2025-12-01": "5.00"}}
    assert all(len(s["points"]) == 15 and None not in s["points"] for s in chart["series"])
    assert sums(chart) == report_profit("this-month") == {LA.name: Decimal("2.40"), SH.name: Decimal("5.00")}
    week = chart_data.net_profit_series("this-month", "settlement", None, "week", now=NOW)
    assert week["labels"] == ["2025-12-01", "2025-12-08", "2025-12-15"]  # 1 December 2025 is a Monday
    assert week["ranges"][-1] == {"from": "2025-12-15", "to": "2025-12-15"}
    assert series(week) == {LA.name: ["2.40", "0.00", "0.00"], SH.name: ["5.00", "0.00", "0.00"]}
    month = chart_data.net_profit_series("this-year", "settlement", None, "month", now=NOW)
    assert month["labels"][-1] == "2025-12" and month["ranges"][-1] == {"from": "2025-12-01", "to": "2025-12-15"}
    assert month["period"] == {"from": "2025-01-01", "to": "2025-12-31"} and len(month["labels"]) == 12
    # 20:00 UTC: 16 December in Shanghai, still the 15th in Los Angeles
    late = chart_data.net_profit_series("this-month", "settlement", None, "day",
                                        now=datetime(2025, 12, 15, 20, 0, tzinfo=UTC))
    assert late["through"] == "2025-12-16" and late["labels"][-1] == "2025-12-16"
    assert series(late)[LA.name][-2:] == ["0.00", None] and series(late)[SH.name][-2:] == ["0.00", "0.00"]
    # a period still to come: nothing to draw
    assert chart_data.net_profit_series("2026-01", "settlement", None, "day", now=NOW) == {
        "step": "day", "period": {"from": "2026-01-01", "to": "2026-01-31"}, "through": None, "labels": [],
        "ranges": [], "series": []}


def seed_pounds(db) -> None:
    """A London store: 10.00 GBP on 20 October, 20.00 on 5 November; a pound is 1.25 dollars from 1 October,
    1.31 from 1 November."""
    run_inline(db, settlements.apply_lines, [line(UK, 20, "10.00", datetime(2025, 10, 20, 12, 0, tzinfo=UTC)),
                                             line(UK, 21, "20.00", datetime(2025, 11, 5, 12, 0, tzinfo=UTC))],
               "seed", "import")
    run_inline(db, seller_inputs.save_rates, [Rate(date(2025, 10, 1), "GBP", "USD", Decimal("1.25")),
                                              Rate(date(2025, 11, 1), "GBP", "USD", Decimal("1.31"))])


def test_a_reporting_currency_converts_every_point_like_the_report(db):
    seed(db)
    seed_pounds(db)
    recorded = chart_data.net_profit_series(OCT_NOV, "settlement", None, "month", now=NOW)
    assert "currency" not in recorded
    assert [(s["account"], s["currency"], s["points"]) for s in recorded["series"]] == [
        (SH.name, "USD", ["0.01", "99.99"]), (UK.name, "GBP", ["10.00", "20.00"]),
        (LA.name, "USD", ["35.50", "-25.75"])]
    dollars = chart_data.net_profit_series(OCT_NOV, "settlement", None, "month", now=NOW, currency="usd")
    assert dollars["currency"] == "USD"
    assert [(s["account"], s["currency"], s["points"]) for s in dollars["series"]] == [
        (SH.name, "USD", ["0.01", "99.99"]), (UK.name, "USD", ["12.50", "26.20"]),  # 10.00 x 1.25, 20.00 x 1.31
        (LA.name, "USD", ["35.50", "-25.75"])]
    for step in ("day", "week"):
        chart = chart_data.net_profit_series(OCT_NOV, "settlement", None, step, now=NOW, currency="USD")
        assert sums(chart) == report_profit(OCT_NOV, currency="USD")
        assert {s["currency"] for s in chart["series"]} == {"USD"}
    assert nonzero(chart_data.net_profit_series(OCT_NOV, "settlement", UK.name, "day", now=NOW, currency="USD")
                   ) == {UK.name: {"2025-10-20": "12.50", "2025-11-05": "26.20"}}
    pounds = chart_data.net_profit_series(OCT_NOV, "settlement", None, "month", now=NOW, currency="GBP")
    assert series(pounds)[LA.name][0] == "28.40"  # 35.50 / 1.25
    assert sums(pounds) == report_profit(OCT_NOV, currency="GBP")
    with pytest.raises(reporting.ReportError, match="no exchange rate for USD→EUR on or before 2025-10-05"):
        chart_data.net_profit_series(OCT_NOV, "settlement", None, "month", now=NOW, currency="EUR")
    with pytest.raises(reporting.ReportError, match="'DOLLARS' is not a currency code"):
        chart_data.net_profit_series(OCT_NOV, "settlement", None, "month", now=NOW, currency="dollars")


def test_cents_finer_than_a_cent_still_add_up_to_the_report(db):
    """Nine days of 0.125 each: every day's own report says 0.13, nine of them 1.17, but the period's 1.13."""
    lines = [line(UT, 100 + d, "0.125", datetime(2025, 12, d, 12, 0, tzinfo=UTC)) for d in range(1, 10)]
    run_inline(db, settlements.apply_lines, lines, "seed", "import")
    period = "2025-12-01..2025-12-09"
    assert report_profit("2025-12-01") == {UT.name: Decimal("0.13")}
    chart = chart_data.net_profit_series(period, "settlement", None, "day", now=NOW)
    assert series(chart) == {UT.name: ["0.13", "0.12", "0.13", "0.13", "0.12", "0.12", "0.13", "0.12", "0.13"]}
    assert sums(chart) == report_profit(period) == {UT.name: Decimal("1.13")}
    for step in ("week", "month"):
        assert sums(chart_data.net_profit_series(period, "settlement", None, step, now=NOW)) == report_profit(period)


def test_one_store_and_no_data(db):
    seed(db)
    chart = chart_data.net_profit_series(OCT_NOV, "settlement", SH.name, "month", now=NOW)
    assert series(chart) == {SH.name: ["0.01", "99.99"]}
    empty = chart_data.net_profit_series("2024-01", "settlement", None, "week", now=NOW)
    assert empty["series"] == [] and len(empty["labels"]) == 5


def test_nothing_stored_at_all(db):
    chart = chart_data.net_profit_series("all", "settlement", None, "day", now=NOW)
    assert chart == {"step": "day", "period": {"from": None, "to": None}, "through": None, "labels": [],
                     "ranges": [], "series": []}


def test_refusals(db):
    seed(db)
    # counted to today (15 December 2025), not to the period's end: days to come make no points
    with pytest.raises(ValueError, match=r"2024-01-01..2025-12-15 by day makes 715 points, more than 400: too many "
                                         r"points: choose week or month"):
        chart_data.net_profit_series("2024-01-01..2025-12-31", "settlement", None, "day", now=NOW)
    assert len(chart_data.net_profit_series("2024-01-01..2025-12-31", "settlement", None, "week", now=NOW)["labels"]) \
        == 103
    with pytest.raises(ValueError, match="step 'hour' is not one of: day, week, month"):
        chart_data.net_profit_series(OCT_NOV, "settlement", None, "hour", now=NOW)
    with pytest.raises(reporting.ReportError, match="basis 'cash'"):
        chart_data.net_profit_series(OCT_NOV, "cash", None, "day", now=NOW)
    with pytest.raises(PeriodError):
        chart_data.net_profit_series("last-year", "settlement", None, "day", now=NOW)
    with pytest.raises(stores.UnknownAccount, match="no store named 'Nobody'"):
        chart_data.net_profit_series(OCT_NOV, "settlement", "Nobody", "day", now=NOW)


def test_step_counts():
    day = datetime.fromisoformat
    assert chart_data.count_steps(day("2025-10-01").date(), day("2025-11-30").date(), "week") == 9
    assert chart_data.count_steps(day("2025-10-06").date(), day("2025-10-12").date(), "week") == 1
    assert chart_data.count_steps(day("2024-12-31").date(), day("2025-01-01").date(), "month") == 2
    assert chart_data.count_steps(day("0001-01-01").date(), day("9999-12-31").date(), "day") == 3652059


@pytest.fixture
def chart_client(client):
    return client


async def test_http_answers_the_chart_and_refuses_with_a_reason(chart_client, service, db):
    await service.writer.run(settlements.apply_lines, [], "none", "import")
    seed(db)
    body = await (await get(chart_client, f"/api/chart?period={OCT_NOV}&step=month")).json()
    assert body["labels"] == ["2025-10", "2025-11"]
    assert series(body) == {LA.name: ["35.50", "-25.75"], SH.name: ["0.01", "99.99"]}
    query = f"period={OCT_NOV}&step=week&basis=order&account=TikTok%20US%20Mugs"
    body = await (await get(chart_client, f"/api/chart?{query}")).json()
    assert [s["account"] for s in body["series"]] == [LA.name] and len(body["labels"]) == 9
    assert body["query"] == {"period": OCT_NOV, "basis": "order", "account": LA.name,
                             "step": "week"}  # asked again with currency= when the view converts
    seed_pounds(db)
    body = await (await get(chart_client, f"/api/chart?period={OCT_NOV}&step=month&currency=USD")).json()
    assert body["currency"] == "USD" and series(body)[UK.name] == ["12.50", "26.20"]
    body = await (await get(chart_client, f"/api/chart?period={OCT_NOV}&step=month")).json()
    assert "currency" not in body and [s["currency"] for s in body["series"]] == ["USD", "GBP", "USD"]
    for query, words in (("step=hour", "step 'hour'"), ("period=2020-01-01..2025-12-31", "too many points"),
                         ("account=Nobody", "no store named 'Nobody'"), ("basis=cash", "basis 'cash'"),
                         ("period=soon", "period 'soon'"),
                         (f"period={OCT_NOV}&currency=EUR", "no exchange rate for USD→EUR"),
                         ("currency=dollars", "not a currency code")):
        # an unknown store is 404 on every endpoint (companion/errors.py); any other bad query 400
        body = await (await get(chart_client, f"/api/chart?{query}", 404 if "Nobody" in query else 400)).json()
        assert body["error"] == "refused" and words in body["message"], body


def test_chart_js_passes_node_test():
    run_node_tests("tests/view", "the chart's unit tests")

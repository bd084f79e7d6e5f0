"""Custom fees count in every period: `all` and a from-only range (`YYYY-MM-DD..`, no end) as a year or a
month does, on both bases, in /api/report, /api/chart and the report's CSV. The data is the README's: the
TikTok settlement export and the Temu PO file of docs/examples/ with docs/examples/fees.csv, and three fees
more: one of a month before MugHouse's first line (September), one of a month after Temu's last line
(October), and one of a month to come (2099-01), which no period up to today counts. Figures worked out by
hand from the example files; the months add up to `all`.

The bug this holds down: `all` left out the fees of the month of a store's first line, because the months
whose fees count were those whose 1st lay inside the days with lines (the first line came after the 1st).
"""

from __future__ import annotations

import base64
import csv
import io
from decimal import Decimal
from pathlib import Path

from tests.support.app import get
from tests.support.builders import view_headers

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
MUGS, TEMU = "TikTok US MugHouse", "Temu 我的店"
MORE_FEES = ("level,account,target,month,amount,currency,name\r\n"
             f"store,{MUGS},,2025-09,7.00,USD,rent before the first line\r\n"
             f"store,{TEMU},,2025-10,2.25,USD,rent after the last line\r\n"
             f"store,{MUGS},,2099-01,100.00,USD,rent to come\r\n")
D = Decimal

# period → basis → store → (custom fees, gross profit), and the total's
EXPECTED = {
    "all": {
        "settlement": {TEMU: (D("-2.25"), D("23.55")), MUGS: (D("-41.50"), D("-0.53")),
                       "TOTAL": (D("-43.75"), D("23.02"))},
        "order": {TEMU: (D("-2.25"), D("23.55")), MUGS: (D("-41.50"), D("-0.53")),
                  "TOTAL": (D("-43.75"), D("23.02"))},
    },
    "2025": {
        "settlement": {TEMU: (D("-2.25"), D("23.55")), MUGS: (D("-41.50"), D("-0.53")),
                       "TOTAL": (D("-43.75"), D("23.02"))},
        "order": {TEMU: (D("-2.25"), D("23.55")), MUGS: (D("-41.50"), D("-0.53")),
                  "TOTAL": (D("-43.75"), D("23.02"))},
    },
    "2025-09": {
        "settlement": {TEMU: (D("0.00"), D("25.80")), MUGS: (D("-7.00"), D("-7.00")),
                       "TOTAL": (D("-7.00"), D("18.80"))},
        "order": {TEMU: (D("0.00"), D("25.80")), MUGS: (D("-7.00"), D("20.86")),
                  "TOTAL": (D("-7.00"), D("46.66"))},
    },
    "2025-10": {
        "settlement": {TEMU: (D("-2.25"), D("-2.25")), MUGS: (D("-34.50"), D("6.47")),
                       "TOTAL": (D("-36.75"), D("4.22"))},
        "order": {TEMU: (D("-2.25"), D("-2.25")), MUGS: (D("-34.50"), D("-21.39")),
                  "TOTAL": (D("-36.75"), D("-23.64"))},
    },
}
# from the 1st of October on, without an end: October's fees (and none to come), October's lines
EXPECTED["2025-10-01.."] = EXPECTED["2025-10"]


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


async def seed(client) -> None:
    files = [{"name": p.name, "content_base64": b64(p.read_bytes())} for p in (
        EXAMPLES / "TikTok本土_MugHouse_结算报告_2025-10.xlsx", EXAMPLES / "Temu半托管_我的店_PO明细账单_2025-09.csv")]
    resp = await client.post("/api/import", json={"files": files}, headers=view_headers(client.port))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["errors"] == [] and [(f["account"], f["added"]) for f in body["files"]] == [(MUGS, 7), (TEMU, 3)]
    for name, content in (("fees.csv", (EXAMPLES / "fees.csv").read_bytes()), ("more.csv", MORE_FEES.encode())):
        resp = await client.post("/api/figures/fees", json={"name": name, "content_base64": b64(content)},
                                 headers=view_headers(client.port))
        assert resp.status == 200, await resp.text()


async def report(client, period: str, basis: str, by: str = "store") -> dict:
    return await (await get(client, f"/api/report?period={period}&basis={basis}&by={by}")).json()


def figures(rep: dict) -> dict[str, tuple[Decimal, Decimal]]:
    """store (and TOTAL) → (custom fees, gross profit), exact; one currency (USD) throughout."""
    assert {r["currency"] for r in rep["rows"]} <= {"USD"} and set(rep["totals_by_currency"]) <= {"USD"}
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for r in rep["rows"]:
        fees, profit = out.get(r["key"]["account"], (D(0), D(0)))
        out[r["key"]["account"]] = (fees + D(r["custom_fees"]), profit + D(r["gross_profit"]))
    out["TOTAL"] = (D(rep["totals"]["custom_fees"]), D(rep["totals"]["gross_profit"]))
    return out


async def test_every_period_counts_its_months_custom_fees_on_both_bases(client):
    await seed(client)
    for period, bases in EXPECTED.items():
        for basis, expected in bases.items():
            for by in ("store", "sku", "order"):  # fees land on rows differently; the stores' sums do not change
                assert figures(await report(client, period, basis, by)) == expected, (period, basis, by)


async def test_the_months_add_up_to_all_and_to_the_year(client):
    await seed(client)
    for basis in ("settlement", "order"):
        months = [figures(await report(client, f"2025-{m:02d}", basis)) for m in range(1, 13)]
        summed = {key: (sum((m[key][0] for m in months if key in m), D(0)),
                        sum((m[key][1] for m in months if key in m), D(0))) for key in (TEMU, MUGS, "TOTAL")}
        assert summed == figures(await report(client, "all", basis)) == figures(await report(client, "2025", basis))
        assert summed["TOTAL"][0] == D("-43.75")


async def test_a_range_starting_after_the_first_leaves_that_months_fees_out(client):
    """The rule for a start that is given: a month's fees count when the period holds its 1st."""
    await seed(client)
    rep = figures(await report(client, "2025-10-02..", "settlement"))
    assert rep["TOTAL"] == (D("0.00"), D("40.97"))  # MugHouse's October lines, no fee
    rep = figures(await report(client, "2025-09-15..", "settlement"))
    assert rep[MUGS][0] == D("-34.50") and rep[TEMU][0] == D("-2.25")  # October's, not September's


async def test_the_chart_of_all_draws_the_fees_and_adds_up_to_the_report(client):
    await seed(client)
    for basis in ("settlement", "order"):
        expected = {k: v[1] for k, v in EXPECTED["all"][basis].items() if k != "TOTAL"}
        for step in ("month", "week", "day"):
            chart = await (await get(client, f"/api/chart?period=all&basis={basis}&step={step}")).json()
            sums = {s["account"]: sum((D(p) for p in s["points"] if p is not None), D(0)) for s in chart["series"]}
            assert sums == expected, (basis, step)
        chart = await (await get(client, f"/api/chart?period=all&basis={basis}&step=month")).json()
        points = {s["account"]: dict(zip(chart["labels"], s["points"], strict=True)) for s in chart["series"]}
        # MugHouse's October point holds October's fees though its first line came after the 1st, its
        # September point September's, before any line; Temu's October point its fee after its last line
        assert {m: D(points[MUGS][m]) for m in ("2025-09", "2025-10")} == {
            m: EXPECTED[m][basis][MUGS][1] for m in ("2025-09", "2025-10")}, basis
        assert D(points[TEMU]["2025-10"]) == D("-2.25")


async def test_the_report_csv_of_all_has_the_fees(client):
    await seed(client)
    resp = await get(client, "/api/report.csv?period=all&by=store")
    rows = list(csv.DictReader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    fees = [k for k in rows[0] if k.lower().replace("_", " ").startswith("custom fees")]
    assert len(fees) == 1, list(rows[0])
    shown = {r[next(iter(rows[0]))]: D(r[fees[0]]) for r in rows}
    assert shown[MUGS] == D("-41.50") and shown[TEMU] == D("-2.25")

"""`shoptally import`, `report` and `reset` as subprocesses, offline and through a running daemon.

Captures carry fixed `captured_at` / `placed_time`, so every figure is known: settled rows take the capture
time as their (approximate) settlement time, in-transit rows have none and count only on the order basis.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.ledger.categories import ALL
from tests.support.builders import order_list_capture, order_row
from tests.support.daemon import acli, cli, maybe_daemon, next_event, query, scalar

US_SELLER, UK_SELLER = "7495100000000000001", "7495200000000000002"
US, UK = f"TikTok US {US_SELLER}", f"TikTok GB {UK_SELLER}"  # US: America/Los_Angeles, GB: Europe/London
ORDER_LIST = {"platform": "tiktok", "report_type": "order_list"}
# The profit model's category keys (../reference/profit-model.md), in its order.
CATEGORY_KEYS = (
    "sales", "promo_discount", "subsidy", "buyer_shipping", "other_income", "income_refund", "fee_refund",
    "platform_fee", "platform_logistics", "promotion_fee", "ad_fee", "adjustment", "storage_fee", "penalty",
    "other_platform_fee", "sales_tax", "market_tax", "vat", "other_tax",
    "product_other_fee", "store_other_fee", "order_other_fee",
    "purchase_cost", "first_leg_cost", "last_leg_cost", "other_cost",
)
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def row(n: int, amount: str, placed: str, **kw) -> dict:
    r = order_row(n, amount, **kw)
    r["placed_time"] = ms(placed)
    return r


# US store, settled 2025-03-15 13:00 Los Angeles: placed 2025-02-10, 2025-02-28 23:30 LA (03-01 UTC), 2025-03-02
C1 = order_list_capture([row(1, "100.00", "2025-02-10T20:00:00+00:00"),
                         row(2, "25.50", "2025-03-01T07:30:00+00:00"),
                         row(3, "-5.25", "2025-03-02T20:00:00+00:00", trade_type="Refund")],
                        seller=US_SELLER, captured_at="2025-03-15T20:00:00+00:00")
# US store, on hold (in transit): placed 2025-03-18
C2 = order_list_capture([row(4, "40.00", "2025-03-18T20:00:00+00:00", status=1)], seller=US_SELLER, on_hold=True,
                        captured_at="2025-03-20T20:00:00+00:00")
# US store, settled 2025-04-01 05:00 UTC = 2025-03-31 22:00 in Los Angeles: March in the store's zone
C3 = order_list_capture([row(5, "10.01", "2025-03-30T20:00:00+00:00")], seller=US_SELLER,
                        captured_at="2025-04-01T05:00:00+00:00")
# UK store (GBP), settled 2025-03-10
C4 = order_list_capture([row(6, "7.77", "2025-03-01T12:00:00+00:00", currency="GBP")], seller=UK_SELLER,
                        host="seller-uk.tiktok.com", captured_at="2025-03-10T12:00:00+00:00")


def write(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc))
    return path


def summary(path: Path, account: str | None, added: int, updated: int = 0, skipped: int = 0) -> dict:
    return {"file": str(path), **ORDER_LIST, "account": account, "added": added, "updated": updated,
            "skipped": skipped}


def lines_per_store(db_url: str) -> dict[str, int]:
    return dict(query(db_url, "SELECT s.name, COUNT(l.id) FROM store s LEFT JOIN settlement_line l "
                              "ON l.store_id = s.id GROUP BY s.name"))


def max_rev(db_url: str) -> int:
    return scalar(db_url, "SELECT COALESCE(MAX(rev), 0) FROM change_log")


async def settlement_events(events, added: int) -> list[dict]:
    """tk-settlement.updated events until `added` lines were announced."""
    got: list[dict] = []
    while sum(e["added"] for e in got) < added:
        got.append(await next_event(events, "tk-settlement.updated"))
    return got


# import -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("via", ["offline", "daemon"])
async def test_import_json_captures_bad_and_missing_files(via, db_url, tmp_path):
    data = tmp_path / "data"
    listed = write(tmp_path / "list.json", [C1, C2])  # a list of capture messages
    single = write(tmp_path / "single.json", C4)  # one capture message
    later = write(tmp_path / "later.json", C3)
    bad = tmp_path / "bad.csv"
    bad.write_text("colour,weight,when\nred,3,2025-01-01\n")
    missing = tmp_path / "missing.json"
    # one good capture and one the protocol refuses: the whole file is refused, nothing of it stored
    partial = write(tmp_path / "partial.json", [
        order_list_capture([row(50, "9.99", "2025-03-05T20:00:00+00:00")], seller=US_SELLER),
        {**order_list_capture([row(51, "1.00", "2025-03-05T20:00:00+00:00")]), "captured_at": "yesterday"}])
    async with maybe_daemon(via, data, db_url) as d:
        events, rev0 = (await d.events()) if d else (None, max_rev(db_url))

        res = await acli(data, db_url, "import", str(listed), str(bad), str(single), str(missing), str(partial),
                         "--json")
        assert res.code == 2
        assert res.json == {"files": [summary(listed, US, 4), summary(single, UK, 1)]}
        assert len(res.err_lines) == 3, res.err
        assert res.err_lines[0].startswith(f"shoptally: {bad}: ") and "not a settlement report" in res.err_lines[0]
        assert res.err_lines[1].startswith(f"shoptally: {missing}: ") and "cannot be read" in res.err_lines[1]
        assert res.err_lines[2].startswith(f"shoptally: {partial}: ") and "captured_at" in res.err_lines[2]
        assert lines_per_store(db_url) == {US: 4, UK: 1}
        assert sorted(r[0] for r in query(db_url, "SELECT capture_id FROM raw_capture")) == sorted(
            [C1["id"], C2["id"], C4["id"]])  # nothing kept from bad.csv or partial.json
        assert scalar(db_url, "SELECT COUNT(*) FROM raw_capture WHERE name = 'bad.csv'") == 0
        rev1 = max_rev(db_url)
        assert rev1 > rev0
        if events:
            got = await settlement_events(events, 5)
            assert [e["rev"] for e in got] == list(range(rev0 + 1, rev1 + 1))  # one by one, none skipped
            assert {(e["account"], e["updated"], e["removed"]) for e in got} == {(US, 0, 0), (UK, 0, 0)}
            assert sum(e["added"] for e in got if e["account"] == US) == 4

        again = await acli(data, db_url, "import", str(listed), "--json")
        assert (again.code, again.err) == (0, "")
        (s,) = again.json["files"]
        assert {k: s[k] for k in ("file", "platform", "report_type", "added", "updated", "skipped")} == {
            "file": str(listed), **ORDER_LIST, "added": 0, "updated": 0, "skipped": 4}

        only_bad = await acli(data, db_url, "import", str(bad))
        assert (only_bad.code, only_bad.out) == (2, "")
        assert len(only_bad.err_lines) == 1 and only_bad.err_lines[0].startswith(f"shoptally: {bad}: ")

        res = await acli(data, db_url, "import", str(later))  # the plain-text summary: one line per file
        assert (res.code, res.err) == (0, "")
        assert len(res.out.splitlines()) == 1 and str(later) in res.out and US in res.out and "1 added" in res.out
        assert lines_per_store(db_url) == {US: 5, UK: 1}
        assert max_rev(db_url) == rev1 + 1  # the re-import and the bad file changed nothing
        if events:
            assert await next_event(events, "tk-settlement.updated") == {
                "event": "tk-settlement.updated", "account": US, "added": 1, "updated": 0, "removed": 0,
                "rev": rev1 + 1}


@pytest.mark.parametrize("via", ["offline", "daemon"])
async def test_reimport_summary_still_names_the_account(via, db_url, tmp_path):
    data = tmp_path / "data"
    listed = write(tmp_path / "list.json", [C1, C2])
    async with maybe_daemon(via, data, db_url):
        first = await acli(data, db_url, "import", str(listed), "--json")
        assert first.json == {"files": [summary(listed, US, 4)]}
        again = await acli(data, db_url, "import", str(listed), "--json")
        # The summary names the account even when a re-import changes nothing.
        assert again.json == {"files": [summary(listed, US, 0, skipped=4)]}


def test_import_error_line_names_the_file_once(db_url, tmp_path):
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("colour,weight\nred,3\n")
    assert cli(data, db_url, "report", "--period", "all", "--json").code == 0
    res = cli(data, db_url, "import", str(bad))
    assert res.code == 2
    # Once the offline path named the file twice (the path given, then its base name).
    assert len(res.err_lines) == 1, res.err
    assert res.err_lines[0].startswith(f"shoptally: {bad}: not a settlement report"), res.err
    assert res.err_lines[0].count("bad.csv") == 1, res.err


# report -------------------------------------------------------------------------------------------------
def figures(amount: str, estimated: str = "0.00") -> dict:
    """A report row body for lines that only carry a net settlement amount (all of it `sales`)."""
    categories = {k: "0.00" for k in CATEGORY_KEYS}
    categories["sales"] = amount
    return {"quantity": 0, "categories": categories, "settlement_amount": amount, "platform_income": amount,
            "platform_expense": "0.00", "tax": "0.00", "custom_fees": "0.00", "cost": "0.00",
            "gross_profit": amount, "estimated": estimated, "allocated": "0.00"}


def expected(basis: str, first: str | None, last: str | None, rows: list[tuple]) -> dict:
    """rows: (account, currency, amount[, of which from unsettled lines]), in account order."""
    rep = {"basis": basis, "period": {"from": first, "to": last}, "by": "store",
           "rows": [{"key": {"account": r[0]}, "currency": r[1], **figures(*r[2:])} for r in rows],
           "totals_by_currency": {r[1]: figures(*r[2:]) for r in sorted(rows, key=lambda r: r[1])}}
    if len(rep["totals_by_currency"]) == 1:
        rep["totals"] = next(iter(rep["totals_by_currency"].values()))
    elif not rows:
        rep["totals"] = figures("0.00")
    return rep


def contract_part(rep: dict) -> dict:
    """The report without the stated rules and the completeness table (checked on their own)."""
    return {k: v for k, v in rep.items() if k not in ("rules", "completeness")}


def money_fields(rep: dict):
    for body in [*rep["rows"], *rep["totals_by_currency"].values(), *([rep["totals"]] if "totals" in rep else [])]:
        yield from body["categories"].values()
        yield from (body[k] for k in ("settlement_amount", "platform_income", "platform_expense", "tax",
                                      "custom_fees", "cost", "gross_profit"))


async def test_report_json_periods_and_bases(db_url, tmp_path):
    data = tmp_path / "data"
    captures = write(tmp_path / "captures.json", [C1, C2, C3, C4])
    res = await acli(data, db_url, "import", str(captures), "--json")
    assert res.code == 0, res.err
    assert res.json["files"][0]["added"] == 6

    cases = [  # (args, expected report)
        (("--period", "all"), expected("settlement", None, None, [(UK, "GBP", "7.77"), (US, "USD", "130.26")])),
        (("--period", "all", "--account", US), expected("settlement", None, None, [(US, "USD", "130.26")])),
        (("--period", "2025"), expected("settlement", "2025-01-01", "2025-12-31",
                                        [(UK, "GBP", "7.77"), (US, "USD", "130.26")])),
        (("--period", "2025-03", "--account", US), expected("settlement", "2025-03-01", "2025-03-31",
                                                            [(US, "USD", "130.26")])),
        # 2025-04-01 05:00 UTC is still March 31 in Los Angeles
        (("--period", "2025-04"), expected("settlement", "2025-04-01", "2025-04-30", [])),
        (("--period", "2025-03-31"), expected("settlement", "2025-03-31", "2025-03-31", [(US, "USD", "10.01")])),
        (("--period", "2025-03-15"), expected("settlement", "2025-03-15", "2025-03-15", [(US, "USD", "120.25")])),
        (("--period", "2025-03-16..2025-03-31", "--basis", "settlement"),
         expected("settlement", "2025-03-16", "2025-03-31", [(US, "USD", "10.01")])),
        (("--period", "2025-03-01..2025-03-14"), expected("settlement", "2025-03-01", "2025-03-14",
                                                          [(UK, "GBP", "7.77")])),
        # order basis: by placed time, in-transit lines (the 40.00) included
        (("--period", "all", "--basis", "order", "--account", US),
         expected("order", None, None, [(US, "USD", "170.26", "40.00")])),
        (("--period", "2025-02", "--basis", "order", "--account", US),
         expected("order", "2025-02-01", "2025-02-28", [(US, "USD", "125.50")])),
        (("--period", "2025-02-28", "--basis", "order", "--account", US),
         expected("order", "2025-02-28", "2025-02-28", [(US, "USD", "25.50")])),
        (("--period", "2025-03", "--basis", "order"),
         expected("order", "2025-03-01", "2025-03-31", [(UK, "GBP", "7.77"), (US, "USD", "44.76", "40.00")])),
        (("--period", "2025-03-18..2025-03-18", "--basis", "order"),
         expected("order", "2025-03-18", "2025-03-18", [(US, "USD", "40.00", "40.00")])),
        (("--period", "2025-03-18..2025-03-18", "--basis", "settlement"),
         expected("settlement", "2025-03-18", "2025-03-18", [])),
    ]
    results = await asyncio.gather(*(acli(data, db_url, "report", "--json", *args) for args, _ in cases))
    for (args, want), got in zip(cases, results, strict=True):
        assert (got.code, got.err) == (0, ""), args
        rep = got.json
        assert contract_part(rep) == want, args
        assert rep["rules"][0] == "gross_profit = platform_income + platform_expense + tax + custom_fees + cost"
        assert all(MONEY.match(v) for v in money_fields(rep)), args
        for body in rep["rows"]:
            assert tuple(body["categories"]) == CATEGORY_KEYS == ALL
        assert ("totals" in rep) == (len({r["currency"] for r in rep["rows"]}) <= 1), args

    # the period words, counted in the first store's zone (Europe/London): nothing in them, same shape
    today = datetime.now(ZoneInfo("Europe/London")).date()
    words = {"today": (today, today), "yesterday": (today - timedelta(days=1),) * 2,
             "last-7-days": (today - timedelta(days=6), today),
             "this-month": (today.replace(day=1), (today.replace(day=28) + timedelta(days=4)).replace(day=1)
                            - timedelta(days=1)),
             "this-year": (today.replace(month=1, day=1), today.replace(month=12, day=31))}
    got = await asyncio.gather(*(acli(data, db_url, "report", "--json", "--period", w) for w in words))
    for (word, (first, last)), r in zip(words.items(), got, strict=True):
        assert (r.code, r.err) == (0, ""), word
        assert contract_part(r.json) == expected("settlement", first.isoformat(), last.isoformat(), []), word
    default = await acli(data, db_url, "report", "--json")  # this month, settlement basis, by store
    assert contract_part(default.json) == expected("settlement", *(d.isoformat() for d in words["this-month"]), [])
    # report completeness per store and month: the order list is TikTok's settlement data; no statement list
    complete = results[0].json["completeness"]
    assert complete == [
        {"account": account, "month": "2025-03", "status": "required_in", "colour": "orange",
         "present": ["order_list"], "missing_required": [], "missing_optional": ["statements or api_statements"]}
        for account in (UK, US)]

    bad = await asyncio.gather(*(acli(data, db_url, "report", "--period", p)
                                 for p in ("nonsense", "2025-13", "2025-02-30", "2025-03-31..2025-03-01")))
    for p, r in zip(("nonsense", "2025-13", "2025-02-30", "2025-03-31..2025-03-01"), bad, strict=True):
        assert (r.code, r.out) == (2, ""), p  # bad input: exit 2
        assert len(r.err_lines) == 1 and r.err_lines[0].startswith(f"shoptally: period '{p}'"), (p, r.err)


# reset -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("via", ["offline", "daemon"])
async def test_reset_one_store_and_all(via, db_url, tmp_path):
    data = tmp_path / "data"
    captures = write(tmp_path / "captures.json", [C1, C2, C3, C4])
    async with maybe_daemon(via, data, db_url) as d:
        assert (await acli(data, db_url, "import", str(captures))).code == 0
        assert lines_per_store(db_url) == {US: 5, UK: 1}
        events, rev0 = (await d.events()) if d else (None, max_rev(db_url))

        for args in (("--account", UK), ("--all",)):
            unconfirmed = await acli(data, db_url, "reset", *args)  # stdin is not a terminal
            assert (unconfirmed.code, unconfirmed.out) == (1, "")
            assert len(unconfirmed.err_lines) == 1 and "--yes" in unconfirmed.err, unconfirmed.err
            assert lines_per_store(db_url) == {US: 5, UK: 1}

        unknown = await acli(data, db_url, "reset", "--account", "No such store", "--yes")
        assert (unknown.code, unknown.out) == (2, "")  # an unknown store: exit 2
        assert len(unknown.err_lines) == 1 and "'No such store'" in unknown.err, unknown.err
        assert max_rev(db_url) == rev0

        one = await acli(data, db_url, "reset", "--account", UK, "--yes")
        assert (one.code, one.err) == (0, "")
        assert len(one.out.splitlines()) == 1 and "deleted 1 " in one.out and UK in one.out
        assert lines_per_store(db_url) == {US: 5, UK: 0}
        every = await acli(data, db_url, "reset", "--all", "--yes")
        assert (every.code, every.err) == (0, "")
        assert len(every.out.splitlines()) == 1 and "deleted 5 " in every.out and "all stores" in every.out
        assert lines_per_store(db_url) == {US: 0, UK: 0}
        assert max_rev(db_url) == rev0 + 2
        assert query(db_url, "SELECT rev, source, account, added, updated, removed FROM change_log "
                             f"WHERE rev > {rev0} ORDER BY rev") == [
            (rev0 + 1, "reset", UK, 0, 0, 1), (rev0 + 2, "reset", None, 0, 0, 5)]
        if events:
            assert await next_event(events, "tk-settlement.updated") == {
                "event": "tk-settlement.updated", "account": UK, "added": 0, "updated": 0, "removed": 1,
                "rev": rev0 + 1}
            assert await next_event(events, "tk-settlement.updated") == {
                "event": "tk-settlement.updated", "account": None, "added": 0, "updated": 0, "removed": 5,
                "rev": rev0 + 2}

        nothing = await acli(data, db_url, "reset", "--all", "--yes")  # nothing left: no change, no rev
        assert (nothing.code, nothing.err) == (0, "") and "deleted 0 " in nothing.out
        assert max_rev(db_url) == rev0 + 2

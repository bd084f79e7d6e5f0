"""The US export of tests/support/tables.py as a profit report sees it: the seller's figures worked out by hand in
tests/test_profit_report.py, and the calls that load it and ask for the report (October 2025)."""

from __future__ import annotations

from datetime import UTC, datetime

from companion.pipeline import importer, seller_figures
from companion.reports import reporting
from companion.store.writer import run_inline
from tests.support.tables import US_NAME, us_workbook

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
STORE = "TikTok US MugHouse"
COSTS = b"sku_id,unit_cost,currency,effective_from,msku\r\n" \
        b"1729000000000000001,6.00,USD,,\r\n" \
        b"1729000000000000002,35,CNY,2025-10-01,MUG-BLUE\r\n" \
        b"1729000000000000004,7.50,USD,,\r\n" \
        b"1729000000000000004,8.00,USD,2025-10-10,\r\n"
FEES = (f"level,account,target,month,amount,currency,name\r\n"
        f"store,{STORE},,2025-10,30.00,USD,warehouse rent\r\n"
        f"product,{STORE},MUG-RED,2025-10,5.00,USD,photos\r\n"
        f"order,{STORE},576900000000000303,2025-10,2.00,USD,gift box\r\n"
        f"store,{STORE},,2025-09,99.00,USD,last month\r\n").encode()
RATES = b"date,from,to,rate\r\n2025-10-01,USD,CNY,7.00\r\n2025-11-01,USD,CNY,7.20\r\n"


def load(db, name=f"{US_NAME}.xlsx", content=None, account=""):
    parsed = importer.parse_file(name, content or us_workbook(), account, importer.account_store(account or None))
    return run_inline(db, importer.commit_file, name, parsed).summary


def figures(db):
    for kind, content in (("costs", COSTS), ("fees", FEES), ("fx", RATES)):
        run_inline(db, seller_figures.save, kind, seller_figures.read(kind, f"{kind}.csv", content))


def report(**kw):
    kw.setdefault("period", "2025-10")
    return reporting.profit_report(now=NOW, **kw)


def pick(row: dict, *names: str) -> tuple:
    return tuple(row["categories"][n] if n in row["categories"] else row[n] for n in names)

"""The money reports' warm-up (server/money_reports_api.py) runs once per data rev: a second request of the
same stores at the same rev starts no new scan, nor does one while a warm-up is under way; a write (a new rev)
warms again."""

from __future__ import annotations

import asyncio

from companion.pipeline import importer
from companion.store import payouts, taxes
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.tables import US_HEADER, US_ROWS, csv_bytes, us_workbook
from tests.support.tiktok_sea import vn_book

US_FILE = "TikTok本土_MugHouse_结算报告_2025-10.xlsx"


ENDED: list = []  # warm-ups that returned, of either report


async def settled(calls: list, *more: list) -> None:
    """Until every warm-up started has returned."""
    for _ in range(1000):
        if len(ENDED) == sum(len(c) for c in (calls, *more)):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("a warm-up did not end")


def counting(monkeypatch, module) -> list:
    calls: list = []
    real = module.warm

    def warm(targets):
        calls.append(list(targets))
        try:
            return real(targets)
        finally:
            ENDED.append(module.__name__)

    monkeypatch.setattr(module, "warm", warm)
    return calls


async def test_a_second_request_at_the_same_rev_starts_no_new_scan(client, db, monkeypatch):
    for name, content in ((US_FILE, us_workbook()), ("TikTok_Saigon Mugs_settlement_2025-10.xlsx", vn_book())):
        run_inline(db, importer.commit_file, name, importer.parse_file(name, content, "", None))
    ENDED.clear()
    paid, taxed = counting(monkeypatch, payouts), counting(monkeypatch, taxes)

    await get(client, "/api/reports/payments?period=2025-10")
    await settled(paid, taxed)
    await get(client, "/api/reports/payments?period=2025-09")  # another period, the same stores and rev
    await get(client, "/api/reports/payments?period=2025-10")
    await settled(paid, taxed)
    assert len(paid) == 1

    await get(client, "/api/reports/tax?period=2025-10&basis=order")  # two at once: the second finds it running
    await get(client, "/api/reports/tax?period=2025-10&basis=settlement")
    await settled(paid, taxed)
    await get(client, "/api/reports/tax?period=2025-09")
    await settled(paid, taxed)
    assert len(taxed) == 1

    # a write is a new rev: the next request warms again, once
    more = "more.csv"
    run_inline(db, importer.commit_file, more, importer.parse_file(more, csv_bytes([US_HEADER, US_ROWS[1]]),
                                                                   "TikTok US MugHouse", None))
    for _ in range(2):
        await get(client, "/api/reports/payments?period=2025-10")
        await settled(paid, taxed)
    assert len(paid) == 2
    # the stores of one account are other stores: warmed once for themselves
    await get(client, "/api/reports/payments?period=2025-10&account=TikTok%20US%20MugHouse")
    await get(client, "/api/reports/payments?period=2025-10&account=TikTok%20US%20MugHouse")
    await settled(paid, taxed)
    assert len(paid) == 3 and len(paid[2]) == 1

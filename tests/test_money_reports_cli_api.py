"""`shoptally report --kind payments|tax` as a subprocess, and GET /api/reports/payments and /api/reports/tax
of the real app: the same figures as the report functions, refusals with their reason."""

from __future__ import annotations

from companion.pipeline import importer
from companion.store.writer import run_inline
from tests.support.app import get
from tests.support.daemon import acli
from tests.support.tables import US_HEADER, US_ROWS, csv_bytes, us_workbook
from tests.support.tiktok_sea import vn_book

US_FILE = "TikTok本土_MugHouse_结算报告_2025-10.csv"
VN_FILE = "TikTok_Saigon Mugs_settlement_2025-10.xlsx"


async def test_cli_payments_and_tax(db_url, tmp_path):
    data = tmp_path / "data"
    (tmp_path / US_FILE).write_bytes(csv_bytes([US_HEADER, *US_ROWS]))
    (tmp_path / VN_FILE).write_bytes(vn_book())
    res = await acli(data, db_url, "import", str(tmp_path / US_FILE), str(tmp_path / VN_FILE), "--json")
    assert res.code == 0, res.err

    res = await acli(data, db_url, "report", "--kind", "payments", "--period", "2025-10", "--json")
    assert res.code == 0, res.err
    rows = [(r["account"], r["ref"], r["payment_id"], r["status"], r["lines"], r["lines_amount"], r["check"])
            for r in res.json["rows"]]
    # statements known from their lines only: dated by their lines, no amount stated to check them against
    assert ("TikTok US MugHouse", "7400000000000002", "PAY0001", "paid", 1, "8.00", "not_stated") in rows
    assert ("TikTok US MugHouse", "7400000000000001", "PAY0001", "paid", 6, "32.97", "not_stated") in rows
    res = await acli(data, db_url, "report", "--kind", "payments", "--period", "2025-10")
    assert res.code == 0, res.err
    assert res.out.splitlines()[0] == "payments, payout date 2025-10-01 .. 2025-10-31"
    assert any("7400000000000001" in ln and "32.97" in ln and "PAY0001" in ln for ln in res.out.splitlines())

    res = await acli(data, db_url, "report", "--kind", "tax", "--period", "2025-10", "--basis", "order", "--json")
    assert res.code == 0, res.err
    (vn,) = res.json["rows"]
    assert (vn["account"], vn["currency"], vn["types"]["withheld"]) == (
        "TikTok VN Saigon Mugs", "VND", {"amount": "-6750.00", "lines": 1})
    res = await acli(data, db_url, "report", "--kind", "tax", "--period", "2025-10")
    assert res.code == 0, res.err
    assert "-6,750.00 (1)" in res.out and "'VAT withheld by TikTok Shop' -4,500.00 in 1 lines" in res.out

    res = await acli(data, db_url, "report", "--kind", "tax", "--period", "2025-13")
    assert res.code != 0 and "2025-13" in res.err
    res = await acli(data, db_url, "report", "--kind", "payments", "--account", "Nobody")
    assert res.code != 0 and "Nobody" in res.err
    res = await acli(data, db_url, "report", "--help")
    assert "--kind tax" in res.out and "--kind payments" in res.out


async def test_api_payments_and_tax(client, db):
    for name, content in ((f"{US_FILE[:-4]}.xlsx", us_workbook()), (VN_FILE, vn_book())):
        parsed = importer.parse_file(name, content, "", None)
        run_inline(db, importer.commit_file, name, parsed)
    body = await (await get(client, "/api/reports/payments?period=2025-10-01..2025-10-10")).json()
    assert body["kind"] == "payments" and body["period"] == {"from": "2025-10-01", "to": "2025-10-10"}
    assert [(r["ref"], r["lines"], r["lines_amount"], r["status"]) for r in body["rows"]] == [
        ("7400000000000001", 6, "32.97", "paid")]
    body = await (await get(client, "/api/reports/payments?period=2025-10&account=TikTok%20VN%20Saigon%20Mugs")).json()
    assert body["rows"] == []  # the VN export names no statement
    body = await (await get(client, "/api/reports/tax?period=2025-10&basis=order")).json()
    assert [(r["account"], r["region"], r["total"]) for r in body["rows"]] == [
        ("TikTok VN Saigon Mugs", "VN", "-6750.00")]
    assert body["totals_by_currency"]["VND"]["types"]["withheld"] == {"amount": "-6750.00", "lines": 1}
    refused = await (await get(client, "/api/reports/tax?basis=sideways", 400)).json()
    assert refused["code"] == "report_basis_unknown"
    refused = await (await get(client, "/api/reports/payments?period=someday", 400)).json()
    assert "someday" in refused["message"]
    await get(client, "/api/reports/payments?account=Nobody", 404)

"""A file that names no store (no --account, no 平台_店铺_报告名_时间 name) goes to the one store of its platform and
region; with none, to a new store named after them; with several, it is refused listing them, and the view's
import offers them in a picker."""

from __future__ import annotations

from decimal import Decimal

from tests.support.app import import_files, upload
from tests.support.daemon import cli
from tests.support.tables import US_NAME, us_workbook

BOOK = us_workbook()


def _file(name: str, account: str | None = None) -> dict:
    return upload(name, BOOK, account)


async def _stores(client) -> dict[str, Decimal]:
    body = await (await client.get("/api/report?period=all&by=store")).json()
    return {row["key"]["account"]: Decimal(row["gross_profit"]) for row in body["rows"]}


async def test_a_file_naming_no_store_finds_its_store_or_asks(client):
    # the one TikTok US store there is (named by a file's name) takes a file that names none
    named = (await import_files(client, _file(f"{US_NAME}.xlsx")))["files"][0]
    assert (named["account"], named["added"]) == ("TikTok US MugHouse", 7) and "note" not in named
    again = (await import_files(client, _file("settlement.xlsx")))["files"][0]
    assert (again["account"], again["added"], again["note"]) == (
        "TikTok US MugHouse", 0,
        "the file names no store: imported into TikTok US MugHouse, the only store it can belong to")
    profit = (await _stores(client))["TikTok US MugHouse"]

    # with a second TikTok US store, a file naming none must say which
    cups = (await import_files(client, _file(US_NAME.replace("MugHouse", "Cups") + ".xlsx")))["files"][0]
    assert cups["account"] == "TikTok US Cups"
    asked = await import_files(client, _file("settlement (2).xlsx"))
    assert asked["files"] == []
    assert asked["errors"] == [{
        "file": "settlement (2).xlsx", "choices": ["TikTok US Cups", "TikTok US MugHouse"],
        "code": "src_store_choice", "params": {"count": 2, "where": "TikTok US",
                                               "names": "TikTok US Cups, TikTok US MugHouse"},
        "message": "settlement (2).xlsx: does not say which store it belongs to and there are 2 TikTok US stores "
                   "(TikTok US Cups, TikTok US MugHouse): import it with --account STORE, one of them"}]
    # the view's picker sends the file again with the store chosen
    picked = (await import_files(client, _file("settlement (2).xlsx", account="TikTok US MugHouse")))["files"][0]
    assert (picked["account"], picked["added"]) == ("TikTok US MugHouse", 0)

    # the kept file remembers its store: a reparse puts it back there though the choice is no longer unique
    resp = await client.post("/api/reparse", json={}, headers={"Origin": f"http://127.0.0.1:{client.port}"})
    body = await resp.json()
    assert (resp.status, body["errors"], body["added"], body["updated"]) == (200, [], 0, 0), body
    assert await _stores(client) == {"TikTok US MugHouse": profit, "TikTok US Cups": profit}


def test_the_cli_lists_the_stores_and_exits_2(db_url, tmp_path):
    data = tmp_path / "data"
    for name in ("settlement.xlsx", f"{US_NAME}.xlsx", "again.xlsx"):
        (tmp_path / name).write_bytes(BOOK)
    made = cli(data, db_url, "import", str(tmp_path / "settlement.xlsx"))
    assert made.code == 0 and made.out.startswith(f"{tmp_path / 'settlement.xlsx'}: tiktok "), made.err
    assert made.out.rstrip().endswith("→ TikTok US: 7 added, 0 updated, 0 skipped "
                                      "(the file names no store: imported into a new store TikTok US)")
    assert cli(data, db_url, "import", str(tmp_path / f"{US_NAME}.xlsx")).code == 0
    asked = cli(data, db_url, "import", str(tmp_path / "again.xlsx"))
    assert asked.code == 2 and asked.out == ""
    assert asked.err_lines == [
        f"shoptally: {tmp_path / 'again.xlsx'}: does not say which store it belongs to and there are 2 "
        "TikTok US stores (TikTok US, TikTok US MugHouse): import it with --account STORE, one of them"]
    chosen = cli(data, db_url, "import", str(tmp_path / "again.xlsx"), "--account", "TikTok US MugHouse")
    assert chosen.code == 0 and "→ TikTok US MugHouse: 0 added" in chosen.out

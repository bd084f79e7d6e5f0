"""A report file's refusal carries its catalog code (issue #16 point 6): real bad files imported through the API and
the importer answer with the code and params of what is wrong with them, so the Finance view says it in Chinese,
and no parser of companion/sources says a file's problem in a plain sentence of its own any more."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import errors
from companion.pipeline import importer
from companion.store.workers import Inline, complete
from tests.support.app import import_files, upload
from tests.support.tables import US_HEADER, US_NAME, csv_bytes, us_row, us_workbook

REPO = Path(__file__).resolve().parents[1]
PRODUCT = US_HEADER.index("Product name")  # column J


def rows(n: int) -> list[list[str]]:
    return [us_row(type="Order", id=f"5769{i:012d}", sku=f"1729{i:015d}", qty="1", created="2025/10/01",
                   gross="10.00", referral="-1.00", total="9.00") for i in range(n)]


async def refused(client, name: str, content: bytes) -> dict:
    """The one refusal of an import of one file through POST /api/import."""
    answer = await import_files(client, upload(name, content))
    assert answer["files"] == [] and len(answer["errors"]) == 1, answer
    return answer["errors"][0]


async def test_an_amount_cell_that_is_not_an_amount_is_said_at_its_row_with_the_cell_inside(client):
    data = rows(3)
    data[1][US_HEADER.index("Gross sales")] = "ten dollars"
    error = await refused(client, f"{US_NAME}.csv", csv_bytes([US_HEADER, *data]))
    assert error["code"] == "src_at_row" and error["file"] == f"{US_NAME}.csv"
    assert error["params"] == {"sheet": US_NAME, "row": 3, "problem": {
        "code": "src_cell_not_amount", "params": {"value": "ten dollars"}, "message": "'ten dollars' is not an amount"}}
    assert error["message"] == f"{US_NAME}.csv: sheet '{US_NAME}', row 3: 'ten dollars' is not an amount"
    assert errors.render(error["code"], error["params"], "zh") == f"工作表“{US_NAME}”第 3 行：“ten dollars”不是金额"


async def test_a_file_in_no_encoding_a_seller_center_writes_says_so_in_chinese(client):
    error = await refused(client, "orders.csv", b"A,B\r\n\xff,1\r\n")
    assert (error["code"], error["params"], error["file"]) == ("src_not_text", {"byte": 5}, "orders.csv")
    assert error["message"] == "orders.csv: not text in UTF-8, UTF-16 or GB18030 (byte 5)"
    assert errors.render(error["code"], error["params"], "zh") == \
        "不是 UTF-8、UTF-16 或 GB18030 编码的文本（第 5 字节处）"


async def test_a_damaged_spreadsheet_and_a_spreadsheet_that_is_none_say_so_in_chinese(client):
    error = await refused(client, f"{US_NAME}.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    assert (error["code"], error["file"]) == ("src_spreadsheet_damaged", f"{US_NAME}.xlsx")
    reason = error["params"]["reason"]
    assert error["params"] == {"reason": reason} and reason
    assert error["message"] == f"{US_NAME}.xlsx: the spreadsheet is damaged ({reason})"
    assert errors.render(error["code"], error["params"], "zh") == f"电子表格已损坏（{reason}）"

    error = await refused(client, "orders.xlsx", b"Order ID,Amount\r\n1,2\r\n")
    assert (error["code"], error["params"]) == ("src_not_spreadsheet", {})
    assert error["message"] == "orders.xlsx: is named like a spreadsheet but is not one (the file may be damaged)"
    assert errors.render(error["code"], error["params"], "zh") == "文件名是电子表格，内容却不是（文件可能已损坏）"


async def test_a_cell_too_long_says_where_it_is_in_chinese(client):
    data = rows(3)
    data[1][PRODUCT] = "y" * 40_000
    error = await refused(client, f"{US_NAME}.csv", csv_bytes([US_HEADER, *data]))
    assert (error["code"], error["file"]) == ("src_cell_too_long", f"{US_NAME}.csv")
    assert error["params"] == {"sheet": US_NAME, "row": 3, "col": "J", "size": "40,000", "limit": "32,767"}
    assert error["message"] == (f"{US_NAME}.csv: sheet '{US_NAME}', row 3, column J: a cell of 40,000 characters "
                                "is over the limit of 32,767 a cell may hold (Excel's own)")
    assert errors.render(error["code"], error["params"], "zh") == (
        f"工作表“{US_NAME}”第 3 行 J 列：单元格有 40,000 个字符，"
        "超过了一个单元格最多 32,767 个字符的上限（Excel 自身的上限）")


def test_the_importer_says_a_cell_over_the_csv_modules_own_limit_by_its_code(db):
    data = rows(3)
    data[1][PRODUCT] = "y" * 140_000
    with pytest.raises(importer.FileError) as raised:
        complete(importer.import_file(Inline(db), f"{US_NAME}.csv", csv_bytes([US_HEADER, *data]), None))
    error = raised.value.json()
    assert (error["code"], error["params"]) == (
        "src_cell_over_limit", {"sheet": US_NAME, "row": 3, "col": "J", "size": "131,072", "limit": "32,767"})
    assert error["message"] == (f"{US_NAME}.csv: sheet '{US_NAME}', row 3, column J: a cell of more than 131,072 "
                                "characters is over the limit of 32,767 a cell may hold (Excel's own)")
    assert errors.render(error["code"], error["params"], "zh") == (
        f"工作表“{US_NAME}”第 3 行 J 列：单元格超过 131,072 个字符，"
        "超过了一个单元格最多 32,767 个字符的上限（Excel 自身的上限）")


async def test_a_file_naming_no_store_among_several_asks_in_chinese(client):
    for shop in ("MugHouse", "Cups"):
        assert (await import_files(client, upload(US_NAME.replace("MugHouse", shop) + ".xlsx", us_workbook())))["files"]
    error = await refused(client, "settlement.xlsx", us_workbook())
    assert (error["code"], error["choices"]) == ("src_store_choice", ["TikTok US Cups", "TikTok US MugHouse"])
    assert error["params"] == {"count": 2, "where": "TikTok US", "names": "TikTok US Cups, TikTok US MugHouse"}
    assert error["message"] == ("settlement.xlsx: does not say which store it belongs to and there are 2 TikTok US "
                                "stores (TikTok US Cups, TikTok US MugHouse): import it with --account STORE, one of "
                                "them")
    assert errors.render(error["code"], error["params"], "zh") == (
        "没有注明属于哪个店铺，而 TikTok US 店铺有 2 个（TikTok US Cups, TikTok US MugHouse）："
        "请用 --account 店铺名 把它导入其中一个")


def test_a_wrong_quantity_time_or_id_cell_carries_its_code():
    from companion.sources import cells
    from companion.sources.model import SourceError

    said = {}
    calls = {"quantity": lambda: cells.quantity("2.5"), "float quantity": lambda: cells.quantity(2.5),
             "time": lambda: cells.when("yesterday", "UTC"), "day": lambda: cells.when("2025-02-30", "UTC"),
             "id": lambda: cells.text_id("1.729E+18", "SKU ID"), "nan": lambda: cells.money(float("nan"))}
    for what, call in calls.items():
        with pytest.raises(SourceError) as raised:
            call()
        said[what] = (raised.value.code, raised.value.params, str(raised.value))
    assert said["quantity"] == ("src_quantity_not_whole", {"value": "2.5"}, "quantity '2.5' is not a whole number")
    assert said["float quantity"] == ("src_quantity_value_not_whole", {"value": "2.5"},
                                      "quantity 2.5 is not a whole number")
    assert said["time"][:2] == ("src_time_unreadable", {"value": "yesterday"})
    assert said["day"][0] == "src_time_invalid" and said["day"][2].startswith("time '2025-02-30' is not a valid date (")
    assert said["id"] == ("src_id_turned_into_number", {"what": "SKU ID", "value": "1.729E+18"},
                          "SKU ID '1.729E+18' was turned into a number by a spreadsheet program and lost its digits; "
                          "export the report again and import the original file")
    assert said["nan"] == ("src_value_not_amount", {"value": "nan"}, "nan is not an amount")  # text: JSON carries it
    assert errors.render(*said["quantity"][:2], "zh") == "数量“2.5”不是整数"
    assert errors.render(*said["id"][:2], "zh") == \
        "SKU ID“1.729E+18”被表格软件转成了数字，丢失了位数；请重新导出报表并导入原始文件"



def test_a_row_label_and_an_account_of_another_platform_keep_their_codes():
    from companion.sources import tabular
    from companion.sources.headers import Located
    from companion.sources.mapping import TOTAL, marked
    from companion.sources.model import SourceError, StoreRef
    from companion.sources.tabular import Hints, Mapping

    located = Located({"total": 0}, [], ["Total"])
    with pytest.raises(SourceError) as raised:
        tabular.split(["ten"], located, Mapping(marked(TOTAL, "total")), "order 7: ")
    assert (raised.value.code, str(raised.value)) == ("src_row_labelled", "order 7: 'ten' is not an amount")
    assert raised.value.params["problem"]["code"] == "src_cell_not_amount"
    assert errors.render(raised.value.code, raised.value.params, "zh") == "出错位置 order 7: “ten”不是金额"

    hints = Hints(store=StoreRef("shein", "S1", name="SHEIN S1"), account="SHEIN S1")
    with pytest.raises(SourceError) as raised:
        tabular.store_for_file(hints, "tiktok", "settlement.xlsx")
    assert (raised.value.code, raised.value.params, raised.value.file) == (
        "src_account_other_platform", {"platform": "tiktok", "account": "SHEIN S1", "store_platform": "shein"},
        "settlement.xlsx")
    assert str(raised.value) == "settlement.xlsx is a tiktok report, but --account 'SHEIN S1' is a shein store"
    assert errors.render(raised.value.code, raised.value.params, "zh") == \
        "是 tiktok 的报表，但 --account 指定的“SHEIN S1”是 shein 的店铺"

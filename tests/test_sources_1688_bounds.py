"""1688 figures are bounded where they are read: a negative or absurd quantity (over 1,000,000 units), an
amount below 0 or over 100 million yuan, and a number that is not finite are refused with one sentence naming
the file, the row and the column (the export), or the answer's key (the open platform's trade JSON)."""

from __future__ import annotations

import copy

import pytest

from companion.sources.alibaba1688.trade_info import TradeInfoJson
from companion.sources.model import SourceError, SourceInput
from tests.support.alibaba1688 import ROWS
from tests.support.tables import RECEIVED, csv_bytes, parse, xlsx

NAME = "1688_买家订单_2025-10.xlsx"
CSV = NAME.replace(".xlsx", ".csv")
PRICE, QUANTITY, PAID = 19, 20, 8  # 单价(元), 数量, 实付款(元)
AT = f"{NAME}: sheet '订单列表', row 3: "


@pytest.mark.parametrize(("column", "value", "said"), [
    (QUANTITY, "-3", "数量: -3 is not a quantity a 1688 goods line has (0 to 1,000,000 units)"),
    (QUANTITY, "1000001", "数量: 1000001 is not a quantity a 1688 goods line has (0 to 1,000,000 units)"),
    (QUANTITY, 1e300, "数量: 1e+300 is not a quantity a 1688 goods line has (0 to 1,000,000 units)"),
    (PRICE, "-6.80", "单价(元): -6.80 is not an amount a 1688 order states (0 to 100,000,000 yuan)"),
    (PRICE, "100000000.01", "单价(元): 100000000.01 is not an amount a 1688 order states (0 to 100,000,000 yuan)"),
])
def test_an_export_cell_out_of_range_is_refused_by_file_row_and_column(column, value, said):
    rows = copy.deepcopy(ROWS)
    rows[2][column] = value  # the first order's second goods row
    with pytest.raises(SourceError) as refused:
        parse(NAME, xlsx({"订单列表": rows}))
    assert str(refused.value) == AT + said + "; export or save the orders again"


@pytest.mark.parametrize(("column", "value", "said"), [
    (QUANTITY, "inf", "数量: quantity 'inf' is not a whole number"),
    (QUANTITY, "NaN", "数量: quantity 'NaN' is not a whole number"),
    (PAID, "Infinity", "实付款(元): 'Infinity' is not an amount"),
    (PAID, "NaN", "实付款(元): 'NaN' is not an amount"),
])
def test_an_export_cell_that_is_not_a_finite_number_is_refused_by_row_and_column(column, value, said):
    rows = copy.deepcopy(ROWS)
    rows[1][column] = value
    with pytest.raises(SourceError) as refused:
        parse(CSV, csv_bytes(rows))
    assert str(refused.value) == f"{CSV}: sheet '{CSV[:-4]}', row 2: {said}"


def trade(price: object, quantity: object, amount: object, total: object = "30.00") -> dict:
    item = {"productID": 612345678902, "name": "牛皮纸礼盒", "price": price, "quantity": quantity, "itemAmount": amount}
    base = {"idOfStr": "3312345678901234568", "status": "waitbuyerpay", "totalAmount": total,
            "sumProductPayment": "30.00", "shippingFee": "0", "createTime": "20251005140209000+0800"}
    return {"result": {"baseInfo": base, "productItems": [item]}, "success": "true"}


def src(body: dict) -> SourceInput:
    return SourceInput("json", "1688", "https://trade.1688.com/order/buyer_order_list.htm", RECEIVED,
                       {"request": {"method": "POST", "url": "", "body": None}, "status": 200, "body": body})


@pytest.mark.parametrize(("body", "said"), [
    (trade("15.00", -2, "30.00"), "result.productItems[0].quantity: -2 is not a quantity a 1688 goods line has "
                                  "(0 to 1,000,000 units)"),
    (trade("15.00", 2_000_000, "30.00"), "result.productItems[0].quantity: 2000000 is not a quantity a 1688 goods "
                                         "line has (0 to 1,000,000 units)"),
    (trade("1e9", 2, "30.00"), "result.productItems[0].price: 1e9 is not an amount a 1688 order states "
                               "(0 to 100,000,000 yuan)"),
    (trade("15.00", 2, "-30.00"), "result.productItems[0].itemAmount: -30.00 is not an amount a 1688 order "
                                  "states (0 to 100,000,000 yuan)"),
    (trade("15.00", 2, "30.00", total=-1), "result.baseInfo.totalAmount: -1 is not an amount a 1688 order states "
                                           "(0 to 100,000,000 yuan)"),
])
def test_a_trade_answer_out_of_range_is_refused_naming_its_key(body, said):
    with pytest.raises(SourceError) as refused:
        TradeInfoJson().parse(src(body))
    assert str(refused.value) == said + "; export or save the orders again"


@pytest.mark.parametrize("value", [float("inf"), float("nan"), "NaN", "-Infinity"])
def test_a_trade_answer_number_that_is_not_finite_is_refused_naming_its_key(value):
    with pytest.raises(SourceError) as refused:
        TradeInfoJson().parse(src(trade(value, 2, "30.00")))
    assert str(refused.value).startswith("result.productItems[0].price: ")
    assert refused.value.code == "alibaba1688_key_not_amount"


def test_the_bounds_themselves_are_read():
    rows = copy.deepcopy(ROWS)
    rows[2][QUANTITY], rows[2][PRICE] = "1000000", "100000000"
    purchases = parse(NAME, xlsx({"订单列表": rows})).purchases
    assert (purchases[0].items[1].quantity, str(purchases[0].items[1].unit_price)) == (1_000_000, "100000000")
    body = trade("0", 0, "0")
    assert TradeInfoJson().parse(src(body)).purchases[0].items[0].quantity == 0

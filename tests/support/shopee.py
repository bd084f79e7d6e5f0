"""Shopee income reports (我的收入 > 已完成拨款 export) for tests, written from the columns of real exports
(docs/sources.md (shopee)): a Malaysian workbook (Summary + Income with two rows of column groups and View By
rows), an Indonesian one with seed 002's columns, a Chinese one of the cross-border seller centre and a
Vietnamese one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tests.support.tables import xlsx

# Malaysia: the Income sheet's header as the export writes it ------------------------------------------------
MY_HEADER = [
    "Sequence No.", "View By", "Order ID", "refund id", "Product ID", "Product Name", "Order Creation Date",
    "Payout Completed Date", "Release Channel", "Order Type", "Hot Listing", "Total Released Amount (RM)",
    "Product Price", "Refund Amount", "Shipping Fee Paid by Buyer (excl. SST)",
    "Shipping Fee Charged by Logistic Provider", "Seller Paid Shipping Fee SST", "Shipping Rebate From Shopee",
    "Reverse Shipping Fee", "Reverse Shipping Fee SST", "Saver Programme Shipping Fee Savings", "Return to Seller Fee",
    "Rebate Provided by Shopee", "Voucher Sponsored by Seller", "Cofund Voucher Sponsored by Seller",
    "Coin Cashback Sponsored by Seller", "Cofund Coin Cashback Sponsored by Seller", "Commission Fee (incl. SST)",
    "Service Fee (Incl. SST)", "Transaction Fee (Incl. SST)", "AMS Commission Fee", "Saver Programme Fee (Incl. SST)",
    "Ads Escrow Top Up Fee", "Username (Buyer)", "Amount Paid By Buyer", "Transaction Fee Rate (%)",
    "Buyer Payment Method", "Buyer Payment Method Details_1(if applicable)", "Payment Details / Installment Plan",
    "Shipping Fee Promotion by Seller", "Shipping provider", "Courier Name", "Voucher Code From Seller",
    "Lost Compensation", "Cash refund to buyer amount", "Pro-rated coin offset for return refund Items",
    "Pro-rated Shopee voucher offset for returned items",
    "Pro-rated Bank Payment Channel Promotion  for return refund Items",
    "Pro-rated Shopee Payment Channel Promotion  for return refund Items",
]
MY_MONEY_FROM, MY_MONEY_TO = MY_HEADER.index("Total Released Amount (RM)"), MY_HEADER.index("Ads Escrow Top Up Fee")
MY_GROUPS = [
    ["Order Info", *[""] * 10, "Released Amount Details", *[""] * 21, "Buyer Info", *[""] * 5, "Reference Info"],
    [*[""] * 11, "Order Income", "Merchandise Subtotal", "", "Shipping Subtotal", *[""] * 7, "Vouchers and Rebates",
     *[""] * 4, "Fees and Charges"],
]
MY_NAME = "Shopee_MaxiMart_Income_2026-04.xlsx"


def key_of(header: str) -> str:
    """A header as a keyword: 'Commission Fee (incl. SST)' → commission_fee_incl_sst."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def my_row(seq: int, order: str, view: str = "Order", product: tuple[str, str] = ("-", "-"), **money: str) -> list:
    """An Income row: every money column written (0 when not given), text columns as the export fills them.
    `money`: headers as keywords (key_of)."""
    row: dict[str, object] = {h: "0.00" for h in MY_HEADER[MY_MONEY_FROM:MY_MONEY_TO + 1]}
    row.update({"Sequence No.": seq, "View By": view, "Order ID": order, "refund id": "" if view == "Order" else "-",
                "Product ID": product[0], "Product Name": product[1], "Order Creation Date": "2026-04-02",
                "Payout Completed Date": "2026-04-08", "Release Channel": "Seller Wallet",
                "Order Type": "Normal Order", "Hot Listing": "NO"})
    if view == "Order":
        row.update({"Username (Buyer)": f"buyer{seq}", "Transaction Fee Rate (%)": "3.78",
                    "Buyer Payment Method": "Online Banking", "Shipping provider": "Standard Delivery",
                    "Courier Name": "SPX Express", "Lost Compensation": "0.00", "Cash refund to buyer amount": "0.00"})
    names = {key_of(h): h for h in MY_HEADER}
    for key, value in money.items():
        row[names[key]] = value
    return [row.get(h, "") for h in MY_HEADER]


_FIRST = dict(total_released_amount_rm="50.11", product_price="64.60",
              shipping_fee_charged_by_logistic_provider="-4.90", shipping_rebate_from_shopee="4.90",
              commission_fee_incl_sst="-7.67", service_fee_incl_sst="-4.38", transaction_fee_incl_sst="-2.44")
MY_ROWS = [
    # 64.60 - 4.90 + 4.90 - 7.67 - 4.38 - 2.44 = 50.11; its product row repeats the money and is not counted again
    my_row(1, "260402AB1CDEF1", **_FIRST, amount_paid_by_buyer="61.37"),
    my_row(2, "260402AB1CDEF1", view="Sku", product=("1234567890", "Rattan basket"), **_FIRST),
    # every Vouchers and Fees column: 120.00 + 4.90 - 9.80 - 0.29 + 4.90 + 3.00 - 10.00 - 2.00 - 1.50 - 0.80
    #   - 12.72 - 6.36 - 4.00 - 3.60 - 0.50 - 5.00 = 76.23
    my_row(3, "260403GH2JKLM2", total_released_amount_rm="76.23", product_price="120.00",
           shipping_fee_paid_by_buyer_excl_sst="4.90", shipping_fee_charged_by_logistic_provider="-9.80",
           seller_paid_shipping_fee_sst="-0.29", shipping_rebate_from_shopee="4.90", rebate_provided_by_shopee="3.00",
           voucher_sponsored_by_seller="-10.00", cofund_voucher_sponsored_by_seller="-2.00",
           coin_cashback_sponsored_by_seller="-1.50", cofund_coin_cashback_sponsored_by_seller="-0.80",
           commission_fee_incl_sst="-12.72", service_fee_incl_sst="-6.36", transaction_fee_incl_sst="-4.00",
           ams_commission_fee="-3.60", saver_programme_fee_incl_sst="-0.50", ads_escrow_top_up_fee="-5.00",
           amount_paid_by_buyer="111.40", shipping_fee_promotion_by_seller="1.00"),
    # a return and refund: 40.00 - 40.00 - 4.90 - 0.29 = -5.19
    my_row(4, "260325NP3QRST3", total_released_amount_rm="-5.19", product_price="40.00", refund_amount="-40.00",
           reverse_shipping_fee="-4.90", reverse_shipping_fee_sst="-0.29", refund_id="2604050RFD0001"),
    # a lost parcel: Lost Compensation (a reference column of MY files) is exactly what the row lacks: counted
    my_row(5, "260320UV4WXYZ4", total_released_amount_rm="25.10", return_to_seller_fee="-4.90",
           lost_compensation="30.00"),
    # two rows that look the same (an order released twice in one export): two lines
    my_row(6, "260404BB5CCDD5", total_released_amount_rm="13.50", product_price="15.00",
           commission_fee_incl_sst="-1.50", sequence_no="6"),
    my_row(6, "260404BB5CCDD5", total_released_amount_rm="13.50", product_price="15.00",
           commission_fee_incl_sst="-1.50", sequence_no="6"),
]
MY_TOTAL = "173.25"  # 50.11 + 76.23 - 5.19 + 25.10 + 13.50 + 13.50


def my_summary(total: str = MY_TOTAL) -> list[list[object]]:
    return [
        ["Income Report", "", "", ""], ["", "", "", ""], ["Report Details", "", "", ""],
        ["Username (Seller)", "maximart.my", "", ""], ["From", "2026-04-01", "", ""], ["to", "2026-04-08", "", ""],
        ["", "", "", ""], ["Income Summary", "", "", "RM"], ["1. Total Revenue", "", "", "229.70"],
        ["2. Total Expenses", "", "", "-56.45"], ["", "", "", ""], ["3. Total Released Amount", "", "", total],
    ]


ADJUSTMENT_HEADER = ["Sequence No.", "Adjustment Complete Date", "Adjustment Type | Description", "Adjustment Reason",
                     "Adjustment Amount", "Linked Order No.", "Payout Completed Date"]
ADJUSTMENT_ROWS = [  # the type and reason texts are illustrations; the columns are the export's
    [1, "2026-04-07", "Shipping Fee Adjustment | Overcharged shipping fee", "Weight discrepancy", "3.20",
     "260403GH2JKLM2", "2026-04-08"],
    [2, "2026-04-07", "Others | Marketing credit deducted", "", "-15.00", "-", "2026-04-08"],
    [3, "2026-04-07", "Others | Marketing credit deducted", "", "-15.00", "-", "2026-04-08"],
    ["Total Amount", "", "", "", "-26.80", "", ""],
]


def my_book(rows: Sequence[Sequence[object]] = MY_ROWS, header: Sequence[object] = MY_HEADER,
            summary: list | None = None, wrong_dimension: bool = False,
            adjustments: Sequence[Sequence[object]] = ()) -> bytes:
    return xlsx({
        "Summary": my_summary() if summary is None else summary,
        "Income": [*MY_GROUPS, header, *rows],
        "Service Fee Details": [["", "", "Service Fee (Incl. SST)"], ["Sequence No.", "Order ID", "Cashback Programme"],
                                [1, "260402AB1CDEF1", "-3.84"]],
        "Adjustment": [ADJUSTMENT_HEADER, *adjustments],
    }, wrong_dimension=wrong_dimension)


# Indonesia: the seed's columns (Original product price, Your Seller product promotion, …), amounts in Rupiah -----
ID_HEADER = [
    "Sequence No.", "Order ID", "refund id", "Username (Buyer)", "Order Creation Date", "Payout Completed Date",
    "Total Released Amount (Rp)", "Original product price", "Your Seller product promotion", "Refund Amount",
    "Rebate Provided by Shopee", "Voucher Sponsored by Seller", "Coin Cashback Sponsored by Seller",
    "Shipping Fee Paid by Buyer", "Shipping Fee Discount from 3PL", "Shipping Rebate From Shopee",
    "Trade-in Bonus by Seller", "Actual Shipping Fee", "Reverse Shipping Fee", "Return to Sender Shipping Fee",
    "AMS Commission Fee", "Commission fee", "Service Fee", "Transaction Fee", "Buyer Paid Installation Fee",
    "Actual Installation Fee", "Seller Order Processing Fee", "Campaign Fee", "Custom Tax", "Seller Adjustment - 1",
]
ID_PREAMBLE = [["Username (Seller)", "From", "to"], ["tokoku.id", "2026-06-15", "2026-06-21"], [], [],
               ["subtotal(Rp)"]]
ID_NAME = "Income.released.id.20260615_20260621.xlsx"


def id_row(seq: int, order: str, **money: int) -> list:
    names = {key_of(h): h for h in ID_HEADER}
    row: dict[str, object] = {h: 0 for h in ID_HEADER[6:]}
    row.update({"Sequence No.": seq, "Order ID": order, "refund id": "", "Username (Buyer)": f"pembeli{seq}",
                "Order Creation Date": "2026-06-12", "Payout Completed Date": "2026-06-18"})
    for key, value in money.items():
        row[names[key]] = value
    return [row[h] for h in ID_HEADER]


ID_ROWS = [
    # 250000 - 25000 + 5000 - 10000 - 2500 + 15000 + 3000 + 12000 - 30000 - 20000 - 12500 - 10000 - 5000 - 1250
    #   - 1250 + 5000 - 8000 = 164500
    id_row(1, "2606121A2B3C4D", total_released_amount_rp=164500, original_product_price=250000,
           your_seller_product_promotion=-25000, rebate_provided_by_shopee=5000, voucher_sponsored_by_seller=-10000,
           coin_cashback_sponsored_by_seller=-2500, shipping_fee_paid_by_buyer=15000,
           shipping_fee_discount_from_3pl=3000, shipping_rebate_from_shopee=12000, actual_shipping_fee=-30000,
           ams_commission_fee=-12500, commission_fee=-20000, service_fee=-10000, transaction_fee=-5000,
           seller_order_processing_fee=-1250, campaign_fee=-1250, buyer_paid_installation_fee=5000,
           actual_installation_fee=-8000),
    # a refund: 80000 - 80000 - 9000 - 9500 + 0 = -18500; trade-in bonus by the seller -20000; a tax, an adjustment
    id_row(2, "2606101E5F6G7H", total_released_amount_rp=-40500, original_product_price=80000, refund_amount=-80000,
           reverse_shipping_fee=-9000, return_to_sender_shipping_fee=-9500, trade_in_bonus_by_seller=-20000,
           custom_tax=-2000, seller_adjustment_1=0),
]
ID_ROWS[1][ID_HEADER.index("refund id")] = "2606170RF00002"
ID_TOTAL = "124000"


def id_book(rows: Sequence[Sequence[object]] = ID_ROWS) -> bytes:
    return xlsx({"Income": [*ID_PREAMBLE, ID_HEADER, *rows]})


# The cross-border seller centre (CNSC) in Chinese, a Philippine shop: amounts in pesos ---------------------------
CN_HEADER = [
    "编号", "订单编号", "退款ID", "买家帐号", "订单成立时间", "买家付款方式", "Hot Listing",
    "买家付款方式详情_1", "分期付款计划 （如适用）", "installment rate", "拨款完成日期", "商品原价", "商品折扣",
    "退款金額", "Shopee回扣金额", "卖家赞助的优惠券", "卖家赞助的合资优惠券", "卖家赞助的 Shopee 币回扣",
    "卖家赞助的合资 Shopee 币回扣", "买家支付运费", "Shopee运费补贴", "卖家支付运费", "退货运费",
    "退货给卖家的运费", "通过运费险计划节省下的运费总额", "联盟营销方案佣金", "佣金",
    "物流+：海外免退服务-派送失败场景服务费", "物流+：海外免退服务-退货退款场景服务费", "服务费",
    "运费险计划活动服务费", "交易手续费", "FBS Fee", "拨款金额 (₱)", "优惠码", "损失赔偿",
    "每个订单的实际总重量", "卖家提供的运费促销", "物流承运商", "物流名称", "退款给买家的现金金额",
]
CN_NAME = "虾皮跨境_菲律宾1号店_已完成拨款_2026-04.xlsx"


def cn_row(seq: int, order: str, **money: str) -> list:
    row: dict[str, object] = {h: "0.00" for h in CN_HEADER[11:]}
    row.update({"编号": seq, "订单编号": order, "退款ID": "", "买家帐号": f"buyer.ph{seq}",
                "订单成立时间": "2026-03-30 14:05:00", "买家付款方式": "COD", "Hot Listing": "否",
                "买家付款方式详情_1": "", "分期付款计划 （如适用）": "", "installment rate": "",
                "拨款完成日期": "2026-04-09", "优惠码": "", "每个订单的实际总重量": "350", "物流承运商": "SPX",
                "物流名称": "Standard Delivery"})
    row.update(money)
    return [row[h] for h in CN_HEADER]


CN_ROWS = [
    # 599 - 60 + 20 - 30 - 10 + 40 + 45 - 85 - 12 - 54 - 5 - 1.50 - 18 - 2.25 = 426.25
    cn_row(1, "260330PHX1Y2Z3", **{"商品原价": "599.00", "商品折扣": "-60.00", "Shopee回扣金额": "20.00",
                                   "卖家赞助的优惠券": "-30.00", "卖家赞助的 Shopee 币回扣": "-10.00",
                                   "买家支付运费": "40.00",
                                   "Shopee运费补贴": "45.00", "卖家支付运费": "-85.00", "联盟营销方案佣金": "-12.00",
                                   "佣金": "-54.00", "服务费": "-5.00", "运费险计划活动服务费": "-1.50",
                                   "交易手续费": "-18.00", "FBS Fee": "-2.25", "拨款金额 (₱)": "426.25"}),
]
CN_META = [["卖家帐号", "付款ID", "收款渠道", "拨款时间"], ["mtkshop.ph", "P2604090001", "Payoneer", "2026-04-09"],
           [], [], []]


def cn_book(rows: Sequence[Sequence[object]] = CN_ROWS) -> bytes:
    return xlsx({"Income": [*CN_META, CN_HEADER, *rows]})


# Vietnam: the local seller centre in Vietnamese; the currency comes from the file name's site ------------------
VN_HEADER = [
    "Mã giao dịch", "Đơn hàng / Sản phẩm", "Mã đơn hàng", "Mã yêu cầu hoàn tiền", "Mã sản phẩm", "Tên sản phẩm",
    "Ngày đặt hàng", "Ngày hoàn thành thanh toán", "Tổng tiền đã thanh toán", "Giá sản phẩm", "Số tiền hoàn lại",
    "Phí vận chuyển Người mua trả", "Phí vận chuyển thực tế", "Phí vận chuyển được trợ giá từ Shopee",
    "Sản phẩm được trợ giá từ Shopee", "Mã ưu đãi do Người Bán chịu", "Phí cố định", "Phí Dịch Vụ",
    "Phí xử lý giao dịch", "Phí hoa hồng Tiếp thị liên kết", "Thuế GTGT", "Thuế TNCN", "Người Mua",
    "Phí vận chuyển - Người bán hỗ trợ",
]
VN_NAME = "ShopeeVN_NhaSach_ThuNhap_2026-04.xlsx"
# 200000 + 30000 - 30000 + 0 + 10000 - 15000 - 8000 - 9000 - 5000 - 4000 - 2000 - 1000 = 166000
VN_ROWS = [["1", "Đơn hàng", "260401VN0001", "", "", "", "2026-04-01", "2026-04-06", "166000", "200000", "0",
            "30000", "-30000", "0", "10000", "-15000", "-8000", "-9000", "-5000", "-4000", "-2000", "-1000",
            "nguoimua1", "5000"]]


def vn_book(rows: Sequence[Sequence[object]] = VN_ROWS) -> bytes:
    return xlsx({"Income": [VN_HEADER, *rows]})

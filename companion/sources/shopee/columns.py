"""The income report's columns (我的收入 > 已完成拨款 export, sheet "Income") and where each one's money goes.

Every header below was found in public material about the real export (docs/sources.md (shopee) names where):
English (the local seller centres: MY, SG, ID, TH, PH), the Chinese of the cross-border seller centre (CNSC)
and Vietnamese. Seed 002 ⑨ names 19 money columns; the export has more, all part of what Shopee releases, so
those go to their nearest category, flagged unmapped. Money is booked as the export signs it (charges negative,
rebates positive): the columns of an order row add up to its Total Released Amount.
"""

from __future__ import annotations

import re
import unicodedata

from companion.sources.headers import Columns, norm
from companion.sources.mapping import INFO, TOTAL, Table, marked, nearest, seed, table

PLATFORM = "shopee"
LABEL = "Shopee"

SPEC: dict[str, tuple[str, ...]] = {
    # ---- text and ids (extra fields, never amounts)
    "sequence": ("Sequence No.", "编号", "Mã giao dịch"),
    "view_by": ("View By", "Đơn hàng / Sản phẩm"),
    "order_id": ("Order ID", "订单编号", "Mã đơn hàng"),
    "refund_id": ("refund id", "退款ID", "Mã yêu cầu hoàn tiền"),
    "product_id": ("Product ID", "Mã sản phẩm"),
    "product_name": ("Product Name", "Tên sản phẩm"),
    "order_created": ("Order Creation Date", "订单成立时间", "Ngày đặt hàng"),
    "payout_date": ("Payout Completed Date", "拨款完成日期", "Ngày hoàn thành thanh toán"),
    "release_channel": ("Release Channel", "Phương thức thanh toán"),
    "order_type": ("Order Type", "Phân Loại"),
    "hot_listing": ("Hot Listing", "Sản Phẩm Bán Chạy"),
    "tax_code": ("Mã Số Thuế",),
    "buyer": ("Username (Buyer)", "买家帐号", "Người Mua"),
    "payment_method": ("Buyer Payment Method", "买家付款方式", "Phương thức thanh toán của Người mua"),
    "payment_details": ("Buyer Payment Method Details_1(if applicable)", "Buyer Payment Method Details_1",
                        "买家付款方式详情_1"),
    "installment_plan": ("Payment Details / Installment Plan", "Installment Plan (if applicable)",
                         "分期付款计划(如适用)"),
    "installment_rate": ("installment rate",),
    "transaction_fee_rate": ("Transaction Fee Rate (%)",),  # a rate, not money
    "shipping_provider": ("Shipping provider", "物流承运商", "Đơn vị vận chuyển"),
    "courier": ("Courier Name", "物流名称"),
    "voucher_code": ("Voucher Code From Seller", "优惠码", "Mã voucher"),
    "weight": ("每个订单的实际总重量",),  # grams, not money
    # ---- the row's stated total: what Shopee releases for the order (its currency often in the header)
    "total_released": ("Total Released Amount", "拨款金额", "Tổng tiền đã thanh toán"),
    # ---- money seed 002 ⑨ names
    "original_price": ("Original product price", "Original Product Price", "商品原价"),
    "seller_promotion": ("Your Seller product promotion", "Seller Product Promotion", "商品折扣"),
    "refund_amount": ("Refund Amount", "Refund Amount to Buyer", "退款金額", "退款金额", "Số tiền hoàn lại"),
    "shopee_rebate": ("Rebate Provided by Shopee", "Product Discount Rebate from Shopee", "Shopee回扣金额",
                      "Sản phẩm được trợ giá từ Shopee"),
    "seller_voucher": ("Voucher Sponsored by Seller", "卖家赞助的优惠券", "Mã ưu đãi do Người Bán chịu"),
    "seller_coin_cashback": ("Coin Cashback Sponsored by Seller", "Seller Absorbed Coin Cashback",
                             "卖家赞助的 Shopee 币回扣", "Mã hoàn xu do Người Bán chịu"),
    "buyer_shipping_fee": ("Shipping Fee Paid by Buyer", "Shipping Fee Paid by Buyer (excl. SST)", "买家支付运费",
                           "Phí vận chuyển Người mua trả"),
    "shipping_discount_3pl": ("Shipping Fee Discount from 3PL",),
    "shipping_rebate": ("Shipping Rebate From Shopee", "Shopee运费补贴", "Phí vận chuyển được trợ giá từ Shopee"),
    "trade_in_bonus": ("Trade-in Bonus by Seller",),
    "actual_shipping_fee": ("Actual Shipping Fee", "Shipping Fee Charged by Logistic Provider", "卖家支付运费",
                            "Phí vận chuyển thực tế"),
    "reverse_shipping_fee": ("Reverse Shipping Fee", "退货运费", "Phí vận chuyển trả hàng (đơn Trả hàng/hoàn tiền)"),
    "return_to_sender_fee": ("Return to Sender Shipping Fee", "Return to Seller Shipping Fee", "Return to Seller Fee",
                             "退货给卖家的运费", "Phí vận chuyển trả hàng (đơn giao không thành công)"),
    "ams_commission": ("AMS Commission Fee", "联盟营销方案佣金", "Phí hoa hồng Tiếp thị liên kết"),
    "commission_fee": ("Commission fee", "Commission Fee (incl. SST)", "Commission fee (Incl. GST)", "佣金",
                       "Phí cố định"),
    "service_fee": ("Service Fee", "Service Fee (Incl. SST)", "服务费", "Phí Dịch Vụ"),
    "transaction_fee": ("Transaction Fee", "Transaction Fee (Incl. SST)", "Transaction Fee (Incl. Gst)", "交易手续费",
                        "Phí xử lý giao dịch"),
    "buyer_installation_fee": ("Buyer Paid Installation Fee", "Phí lắp đặt người mua trả"),
    "actual_installation_fee": ("Actual Installation Fee", "Phí lắp đặt thực tế"),
    # ---- money the seed does not name, part of the released amount
    "product_price": ("Product Price", "Giá sản phẩm"),  # MY/SG/VN: the price after the seller's promotion
    "cofund_voucher": ("Cofund Voucher Sponsored by Seller", "卖家赞助的合资优惠券",
                       "Mã ưu đãi Đồng Tài Trợ do Người Bán chịu"),
    "cofund_coin_cashback": ("Cofund Coin Cashback Sponsored by Seller", "卖家赞助的合资 Shopee 币回扣",
                             "Mã hoàn xu Đồng Tài Trợ do Người Bán chịu"),
    "shipping_sst": ("Seller Paid Shipping Fee SST",),
    "reverse_shipping_sst": ("Reverse Shipping Fee SST",),
    "saver_savings": ("Saver Programme Shipping Fee Savings", "Shipping Fee Saver Program Savings",
                      "通过运费险计划节省下的运费总额"),
    "piship_refund": ("Phí vận chuyển được hoàn bởi PiShip",),
    "saver_fee": ("Saver Programme Fee (Incl. SST)", "运费险计划活动服务费"),
    "fbs_fail_fee": ("物流+:海外免退服务-派送失败场景服务费",),
    "fbs_return_fee": ("物流+:海外免退服务-退货退款场景服务费",),
    "fbs_fee": ("FBS Fee",),
    "order_processing_fee": ("Seller Order Processing Fee",),
    "campaign_fee": ("Campaign Fee",),
    "piship_fee": ("Phí dịch vụ PiShip",),
    "ads_top_up": ("Ads Escrow Top Up Fee",),
    "display_ads_fee": ("Phí dịch vụ hiển thị NTTD (từ doanh thu đơn hàng)",),
    "vat": ("Thuế GTGT",),
    "pit": ("Thuế TNCN",),
    "custom_tax": ("Custom Tax",),
    "withholding_tax": ("Withholding Tax",),
    "seller_adjustment": ("Seller Adjustment - 1",),
    # ---- what the buyer paid and reference figures: shown, never counted (not the seller's money)
    "amount_paid_by_buyer": ("Amount Paid By Buyer",),
    "seller_shipping_promotion": ("Shipping Fee Promotion by Seller", "卖家提供的运费促销",
                                  "Phí vận chuyển - Người bán hỗ trợ"),
    "cash_refund": ("Cash refund to buyer amount", "退款给买家的现金金额"),
    "prorated_coins": ("Pro-rated coin offset for return refund Items", "退货/退款商品的按比例Shopee币抵消"),
    "prorated_voucher": ("Pro-rated Shopee voucher offset for returned items", "退货商品的按比例Shopee优惠券抵消"),
    "prorated_bank_promo": ("Pro-rated Bank Payment Channel Promotion for return refund Items",),
    "prorated_payment_promo": ("Pro-rated Shopee Payment Channel Promotion for return refund Items",),
    "price_after_promotion": ("Giá sản phẩm (sau khuyến mãi)",),
    "shopee_coins": ("Shopee xu",),
    "shopee_voucher": ("Shopee voucher",),
    "bank_card_promo": ("Ngân hàng khuyến mãi thanh toán trên Thẻ Tín Dụng",),
    "shopee_card_promo": ("Shopee khuyến mãi thanh toán trên Thẻ Tín Dụng",),
}
TEXT = ("sequence", "view_by", "order_id", "refund_id", "product_id", "product_name", "order_created", "payout_date",
        "release_channel", "order_type", "hot_listing", "tax_code", "buyer", "payment_method", "payment_details",
        "installment_plan", "installment_rate", "transaction_fee_rate", "shipping_provider", "courier",
        "voucher_code", "weight")

# Seed 002 ⑨, category first. The seed's table lists a category once and the rows under it carry only their
# floating label (浮层费用): 卖家优惠卷折扣 and 卖家Shopee币回扣 stay under 促销折扣, 以旧换新补贴 under 补贴金额,
# 退货运费 and 配送失败运费 under 平台物流费, 平台佣金 under 平台费, 卖家交易手续费 and the installation fees under
# 平台其他费.
SEED: Table = seed({
    "sales": ("original_price",),
    "promo_discount": ("seller_promotion", "shopee_rebate", "seller_voucher", "seller_coin_cashback",
                       "shipping_discount_3pl"),
    "income_refund": ("refund_amount",),
    "buyer_shipping": ("buyer_shipping_fee",),
    "subsidy": ("shipping_rebate", "trade_in_bonus"),
    "platform_logistics": ("actual_shipping_fee", "reverse_shipping_fee", "return_to_sender_fee"),
    "platform_fee": ("ams_commission", "commission_fee"),
    "other_platform_fee": ("service_fee", "transaction_fee", "buyer_installation_fee", "actual_installation_fee"),
})
NEAREST: Table = nearest({
    "sales": ("product_price",),
    "promo_discount": ("cofund_voucher", "cofund_coin_cashback"),
    "subsidy": ("saver_savings", "piship_refund"),
    "platform_logistics": ("shipping_sst", "reverse_shipping_sst", "fbs_fail_fee", "fbs_return_fee", "fbs_fee"),
    "other_platform_fee": ("saver_fee", "order_processing_fee", "campaign_fee", "piship_fee"),
    "ad_fee": ("ads_top_up", "display_ads_fee"),
    "vat": ("vat",),
    "other_tax": ("pit", "custom_tax", "withholding_tax"),
    "adjustment": ("seller_adjustment",),
})
MONEY: Table = table(SEED, NEAREST, marked(TOTAL, "total_released"), marked(
    INFO, "amount_paid_by_buyer", "seller_shipping_promotion", "cash_refund", "prorated_coins", "prorated_voucher",
    "prorated_bank_promo", "prorated_payment_promo", "price_after_promotion", "shopee_coins", "shopee_voucher",
    "bank_card_promo", "shopee_card_promo"))

# Headers that carry the currency in brackets: "Total Released Amount (RM)", "拨款金额 (₱)", "Refund Amount to
# Buyer (RM)". Only symbols seen on real exports decide a currency; "$" alone does not ($ is several sites').
SUFFIXED = frozenset({"total_released", "refund_amount"})
SYMBOLS = {"rm": "MYR", "s$": "SGD", "rp": "IDR", "₱": "PHP"}
_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]{1,4})\)$")


class IncomeColumns(Columns):
    """The spec above, and a money header with its currency in brackets matched by its name without them."""

    def canonical(self, header: object) -> str | None:
        found = super().canonical(header)
        if found is not None:
            return found
        match = _SUFFIX.match(norm(header))
        if match is None:
            return None
        found = super().canonical(match.group(1))
        return found if found in SUFFIXED else None


COLUMNS = IncomeColumns(SPEC, required=("order_id", "total_released"))


def header_currency(header: str) -> str:
    """The currency a header's brackets name ('Total Released Amount (RM)' → MYR); empty when none is known."""
    match = _SUFFIX.match(norm(header))
    return SYMBOLS.get(match.group(2).strip(), "") if match else ""


# Sites and their currency and time zone (the seller centre shows the site's local time).
SITES: dict[str, tuple[str, str]] = {
    "sg": ("SGD", "Asia/Singapore"), "my": ("MYR", "Asia/Kuala_Lumpur"), "ph": ("PHP", "Asia/Manila"),
    "th": ("THB", "Asia/Bangkok"), "vn": ("VND", "Asia/Ho_Chi_Minh"), "id": ("IDR", "Asia/Jakarta"),
    "tw": ("TWD", "Asia/Taipei"), "br": ("BRL", "America/Sao_Paulo"), "mx": ("MXN", "America/Mexico_City"),
    "co": ("COP", "America/Bogota"), "cl": ("CLP", "America/Santiago"),
}
SITE_NAMES = {"新加坡": "sg", "马来西亚": "my", "马来": "my", "菲律宾": "ph", "泰国": "th", "越南": "vn",
              "印尼": "id", "印度尼西亚": "id", "台湾": "tw", "巴西": "br", "墨西哥": "mx", "哥伦比亚": "co",
              "智利": "cl"}
ZONES = {currency: zone for currency, zone in SITES.values()}
_RELEASED_NAME = re.compile(r"income\.(?:released|已拨款)\.([a-z]{2})(?:\.|$)")


def site_of_text(text: str) -> str:
    """A site code in a name part: 'MY', 'shopee-my', 'Shopee马来西亚' → 'my'; empty when none."""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    for name, code in SITE_NAMES.items():
        if name in plain:
            return code
    plain = re.sub(r"^(shopee|虾皮)[\s\-_]*", "", plain).strip(" -_")
    return plain if plain in SITES else ""


def site_of_file(file_name: str) -> str:
    """The site a file's name says: Shopee names its export Income.released.<site>…xlsx; the batch-import
    convention's platform part may carry it (ShopeeMY_店铺_收入报告_2026-04.xlsx)."""
    stem = file_name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    found = _RELEASED_NAME.search(stem)
    if found and found.group(1) in SITES:
        return found.group(1)
    head = stem.split("_", 1)[0]
    return site_of_text(head) if "_" in stem else ""


# The Adjustment sheet of the same workbook: money Shopee adds or takes outside the orders (调整明细).
ADJUSTMENT_COLUMNS = Columns({
    "sequence": ("Sequence No.", "Mã giao dịch"),
    "completed": ("Adjustment Complete Date", "Ngày hoàn thành điều chỉnh đơn hàng"),
    "type": ("Adjustment Type | Description", "Loại điều chỉnh | Mô tả"),
    "reason": ("Adjustment Reason", "Lý do điều chỉnh"),
    "amount": ("Adjustment Amount", "Số tiền điều chỉnh"),
    "order_id": ("Linked Order No.", "Mã đơn hàng liên quan"),
    "payout_date": ("Payout Completed Date", "Ngày hoàn thành thanh toán"),
}, required=("type", "amount"))

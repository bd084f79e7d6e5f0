"""What every 1688 source shares: its name, its zone and currency, and the order status words.

1688 is a Chinese site: its times are China time (UTC+8) unless they carry an offset, its amounts are yuan.
Status words come from the open platform's documents (alibaba.trade.get.buyerView: waitbuyerpay,
waitsellersend, waitbuyerreceive, confirm_goods, success, cancel, terminated) and from public code that maps
the same codes to the words the buyer's order list and export show (docs/sources.md, "1688 purchases").
"""

from __future__ import annotations

from decimal import Decimal

from companion.sources.model import SourceError

PLATFORM = "alibaba1688"
SOURCE = "1688"  # Purchase.source
TZ = "Asia/Shanghai"
CURRENCY = "CNY"
# The open platform writes RMB for yuan; the currency field is documented on the trade model, not always sent.
CURRENCY_NAMES = {"RMB": "CNY", "CNY": "CNY", "人民币": "CNY"}

# What one 1688 goods line or order can say: a larger or negative figure is a broken file or answer, refused
# by name rather than carried into the moving average. 100 million yuan is far above any one order.
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = Decimal(100_000_000)

UNPAID, PAID, SHIPPED, RECEIVED, CANCELLED, REFUNDED = "unpaid", "paid", "shipped", "received", "cancelled", "refunded"

# The open platform's status codes (lower case as documented; upper-case spellings such as WAIT_BUYER_PAY are
# read the same way) → Purchase.status. Codes of staged (分阶段) and cash-on-delivery flows whose payment
# state the code alone does not say are left out on purpose: such an order is refused by name.
STATUS_CODES: dict[str, str] = {
    "waitbuyerpay": UNPAID,
    "waitsellerconfirm": UNPAID,  # 等待卖家确认订单: nothing paid yet
    "waitbuyerconfirm": UNPAID,  # 等待买家确认订单
    "waitsellersend": PAID,
    "paid_but_not_fund": PAID,  # 已支付，未到账 (paid; the seller has not been credited)
    "waitbuyerreceive": SHIPPED,
    "send_goods_but_not_fund": SHIPPED,
    "confirm_goods": RECEIVED,
    "confirm_goods_but_not_fund": RECEIVED,
    "confirm_goods_and_has_subsidy": RECEIVED,
    "success": RECEIVED,
    "cancel": CANCELLED,
    "terminated": CANCELLED,
}

# The words the buyer's order list and its export show for those codes.
STATUS_WORDS: dict[str, str] = {
    "等待买家付款": UNPAID,
    "等待卖家确认订单": UNPAID,
    "等待买家确认订单": UNPAID,
    "等待卖家发货": PAID,
    "已支付，未到账": PAID,
    "等待买家确认收货": SHIPPED,
    "已发货，未到账": SHIPPED,
    "已收货": RECEIVED,
    "已收货，未到账": RECEIVED,
    "已收货，已贴现": RECEIVED,
    "交易成功": RECEIVED,
    "交易关闭": CANCELLED,
    "退款中": REFUNDED,  # seen in public importers of the export; a refund under way counts as refunded
}


def status_of_code(code: str) -> str | None:
    """Purchase.status of an open-platform status code, or None for a code this version does not map."""
    return STATUS_CODES.get(code.strip().lower().replace("_", "")) or STATUS_CODES.get(code.strip().lower())


def status_of_word(word: str) -> str | None:
    """Purchase.status of the status word an export shows, or None for a word this version does not map."""
    text = word.strip().replace(",", "，")
    return STATUS_WORDS.get(text) or status_of_code(text)


def shown(raw: object) -> str:
    """A value as the file or answer wrote it, for a refusal: text as it is, a number as Python writes it."""
    return raw if isinstance(raw, str) else repr(raw)


def bounded_quantity(value: int | Decimal, column: str, raw: object) -> int:
    """A goods line's whole quantity, 0 to MAX_QUANTITY; `column` and `raw` (what was written) name it in the
    refusal."""
    if not 0 <= value <= MAX_QUANTITY:
        raise SourceError.of("alibaba1688_quantity_out_of_range", column=column, value=shown(raw),
                             most=f"{MAX_QUANTITY:,}")
    return int(value)


def bounded_amount(value: Decimal, column: str, raw: object) -> Decimal:
    """An amount 1688 states (a price, a line's or an order's amount, shipping, a refund): finite, 0 to
    MAX_AMOUNT yuan; `column` and `raw` (what was written) name it in the refusal."""
    if not value.is_finite() or not 0 <= value <= MAX_AMOUNT:
        raise SourceError.of("alibaba1688_amount_out_of_range", column=column, value=shown(raw),
                             most=f"{MAX_AMOUNT:,}")
    return value

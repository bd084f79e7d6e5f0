"""AliExpress 放款 (fund release) files for tests, written from the documented fields of the open platform's
放款 query (aliexpress.trade.redefining.findloanlistquery; docs/sources.md (aliexpress)): Chinese descriptions,
snake_case and camelCase field names."""

from __future__ import annotations

from collections.abc import Sequence

from tests.support.tables import csv_bytes, xlsx

# canonical field → (Chinese description, snake_case field, camelCase field), in the order the files write them
FIELDS = {
    "order_id": ("订单ID", "order_id", "orderId"),
    "child_order_id": ("子订单ID", "child_order_id", "childOrderId"),
    "order_status": ("订单状态", "order_status", "orderStatus"),
    "loan_status": ("放款状态", "loan_status", "loanStatus"),
    "released_datetime": ("放款时间", "released_datetime", "releasedDatetime"),
    "currency_code": ("币种", "currency_code", "currencyCode"),
    "loan_amount": ("放款金额", "loan_amount", "loanAmount"),
    "escrow_fee": ("手续费", "escrow_fee", "escrowFee"),
    "affiliate_commission": ("联盟佣金", "affiliate_commission", "affiliateCommission"),
    "refund_amount": ("退款金额", "refund_amount", "refundAmount"),
    "real_loan_amount": ("实际放款出账金额", "real_loan_amount", "realLoanAmount"),
    "real_refund_amount": ("实际退款出账金额", "real_refund_amount", "realRefundAmount"),
    "amount_total": ("总金额", "amount_total", "amountTotal"),
    "wait_loan_reson": ("待放款原因", "wait_loan_reson", "waitLoanReson"),
}
CN, SNAKE, CAMEL = 0, 1, 2


def header(style: int = CN) -> list[str]:
    return [names[style] for names in FIELDS.values()]


def row(order: str, child: str, status: str = "loan_ok", released: str = "11/03/2026 10:15:00",
        currency: str = "USD", loan: object = "0", escrow: object = "0", affiliate: object = "0",
        refund: object = "0", real_loan: object = "", real_refund: object = "0", total: object = "",
        order_status: str = "FINISH", reason: str = "") -> list[object]:
    values = {"order_id": order, "child_order_id": child, "order_status": order_status, "loan_status": status,
              "released_datetime": released, "currency_code": currency, "loan_amount": loan, "escrow_fee": escrow,
              "affiliate_commission": affiliate, "refund_amount": refund, "real_loan_amount": real_loan,
              "real_refund_amount": real_refund, "amount_total": total, "wait_loan_reson": reason}
    return [values[name] for name in FIELDS]


# Six sub-orders of November 2026 (hand-checked in tests/test_sources_aliexpress.py):
ROWS = [
    # released, escrow fee and affiliate commission: 25.00 - 2.00 - 1.25 = 21.75
    row("8100000000000001", "8100000000000011", loan="25.00", escrow="2.00", affiliate="1.25", real_loan="21.75",
        total="35.00"),
    # the same order's second sub-order: 10.00 - 0.80 = 9.20
    row("8100000000000001", "8100000000000012", released="11/03/2026 10:15:00", loan="10.00", escrow="0.80",
        real_loan="9.20", total="35.00"),
    # a partial refund: 8.00 of 20.00 back to the buyer; 12.00 - 0.96 - 0.60 = 10.44
    row("8100000000000002", "8100000000000021", released="11/09/2026 23:40:05", loan="12.00", escrow="0.96",
        affiliate="0.60", refund="8.00", real_loan="10.44", real_refund="8.00", total="20.00"),
    # not released yet: in transit at its estimate 18.00 - 1.44 = 16.56
    row("8100000000000003", "8100000000000031", status="wait_loan", released="", loan="18.00", escrow="1.44",
        total="18.00", order_status="WAIT_BUYER_ACCEPT_GOODS", reason="buyer has not confirmed receipt"),
    # released 27.00 where the columns explain 27.60: 0.60 unexplained
    row("8100000000000004", "8100000000000041", released="11/21/2026 08:00:00", loan="30.00", escrow="2.40",
        real_loan="27.00", total="30.00"),
    # a full refund: nothing released
    row("8100000000000005", "8100000000000051", released="11/25/2026 12:00:00", refund="15.00", real_loan="0",
        real_refund="15.00", total="15.00"),
]
CN_NAME = "速卖通_AE旗舰店_放款明细_2026-11.csv"


def cn_csv(rows: Sequence[Sequence[object]] = ROWS, total_row: Sequence[object] | None = None) -> bytes:
    return csv_bytes([header(CN), *rows, *([total_row] if total_row is not None else [])])


def total_row(real_loan: str) -> list[object]:
    """A 合计 row under the data: the 实际放款出账金额 column's sum."""
    cells: list[object] = [""] * len(FIELDS)
    cells[0] = "合计"
    cells[list(FIELDS).index("real_loan_amount")] = real_loan
    return cells


def snake_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    return xlsx({"Sheet1": [header(SNAKE), *rows]})


def camel_csv(rows: Sequence[Sequence[object]]) -> bytes:
    return csv_bytes([header(CAMEL), *rows])

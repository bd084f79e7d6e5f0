"""A demo AliExpress store's 放款 (fund release) detail: the file a seller exports, conventionally named.

Columns are the fields of the open platform's 放款 query under their Chinese descriptions (the same the
importer reads, sources/aliexpress/fund_detail.py): sub-orders released over the 60 days before `today`, an
escrow fee (the transaction commission) on each, an affiliate commission on some, a few partial refunds, and
the last few not released yet.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

STORE = "Outdoor Gear"
CENT = Decimal("0.01")
HEADER = ["订单ID", "子订单ID", "订单状态", "放款状态", "放款时间", "币种", "放款金额", "手续费", "联盟佣金",
          "退款金额", "实际放款出账金额", "实际退款出账金额", "总金额", "待放款原因"]
PRICES = (Decimal("6.99"), Decimal("12.50"), Decimal("18.90"), Decimal("24.00"), Decimal("35.80"), Decimal("59.00"))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def demo_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """(file name, CSV bytes) of the demo store's fund release detail over the 60 days before `today`."""
    count = rng.randint(24, 48)
    first = datetime.combine(today - timedelta(days=60), time(0, 0))
    order_no = 8_200_000_000_000_000 + rng.randint(0, 9_999) * 100
    rows = []
    for _ in range(count):
        order_no += rng.randint(1, 50)
        at = first + timedelta(minutes=rng.randint(0, 60 * 24 * 60 - 1))
        quantity = rng.choice((1, 1, 1, 2, 3))
        paid = rng.choice(PRICES) * quantity
        refund = _cents(paid * Decimal(rng.choice((25, 50))) / 100) if rng.random() < 0.1 else Decimal(0)
        loan = paid - refund
        escrow = _cents(loan * Decimal("0.08"))
        affiliate = _cents(loan * Decimal(rng.choice((3, 5, 8))) / 100) if rng.random() < 0.3 else Decimal(0)
        pending = at.date() >= today - timedelta(days=5) and rng.random() < 0.7
        real = "" if pending else str(loan - escrow - affiliate)
        rows.append((at, [str(order_no), str(order_no * 10 + 1), "WAIT_BUYER_ACCEPT_GOODS" if pending else "FINISH",
                     "wait_loan" if pending else "loan_ok", "" if pending else at.strftime("%m/%d/%Y %H:%M:%S"),
                     "USD", str(loan), str(escrow), str(affiliate), str(refund), real,
                     "" if pending else str(refund), str(paid), "buyer has not confirmed receipt" if pending else ""]))
    rows.sort(key=lambda r: r[0])
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(r for _, r in rows)
    month = (today - timedelta(days=1)).strftime("%Y-%m")
    return f"AliExpress_{STORE}_FundDetail_{month}.csv", buf.getvalue().encode("utf-8-sig")

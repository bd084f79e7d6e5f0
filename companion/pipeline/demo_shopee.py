"""A demo Shopee income report (我的收入 > 已完成拨款 export) of a Malaysian shop: the last 60 days' released orders.

Written the way the real export is laid out (Summary sheet with "3. Total Released Amount", Income sheet with its
column groups above the header, an order row and a product row under it), so the demo imports it through the
real adapter. Every order row's money adds up to its Total Released Amount, and the Summary states their sum.
"""

from __future__ import annotations

import io
import random
import string
from datetime import date, timedelta
from decimal import Decimal

import xlsxwriter

STORE = "Rattan Room"
CENT = Decimal("0.01")
HEADER = (
    "Sequence No.", "View By", "Order ID", "refund id", "Product ID", "Product Name", "Order Creation Date",
    "Payout Completed Date", "Total Released Amount (RM)", "Product Price", "Refund Amount",
    "Shipping Fee Paid by Buyer (excl. SST)", "Shipping Fee Charged by Logistic Provider",
    "Shipping Rebate From Shopee", "Reverse Shipping Fee", "Voucher Sponsored by Seller",
    "Coin Cashback Sponsored by Seller", "Commission Fee (incl. SST)", "Service Fee (Incl. SST)",
    "Transaction Fee (Incl. SST)", "AMS Commission Fee", "Username (Buyer)",
)
PRODUCTS = (("1870011001", "Rattan storage basket", "39.90"), ("1870011002", "Seagrass plant pot", "24.50"),
            ("1870011003", "Woven lamp shade", "68.00"), ("1870011004", "Bamboo tray set", "45.80"),
            ("1870011005", "Water hyacinth rug", "129.00"))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _order(rng: random.Random, n: int, paid: date) -> tuple[list[object], list[object]]:
    """An order row and its product row."""
    product_id, name, price = rng.choice(PRODUCTS)
    quantity = rng.choices((1, 2, 3), (75, 20, 5))[0]
    product = _money(Decimal(price) * quantity)
    buyer_shipping = rng.choice((Decimal("0.00"), Decimal("4.90"), Decimal("4.90"), Decimal("6.50")))
    charged = -rng.choice((Decimal("4.90"), Decimal("6.50"), Decimal("8.20")))
    rebate = min(-charged - buyer_shipping, Decimal("4.90")) if -charged > buyer_shipping else Decimal("0.00")
    voucher = -_money(product * Decimal("0.05")) if rng.random() < 0.3 else Decimal("0.00")
    coins = -_money(product * Decimal("0.02")) if rng.random() < 0.2 else Decimal("0.00")
    base = product + voucher
    commission = -_money(base * Decimal("0.0954"))
    service = -_money(base * Decimal("0.053"))
    transaction = -_money((base + buyer_shipping) * Decimal("0.0378"))
    ams = -_money(base * Decimal("0.05")) if rng.random() < 0.15 else Decimal("0.00")
    refund = reverse = Decimal("0.00")
    refund_id = ""
    if rng.random() < 0.06:  # returned and refunded
        refund, reverse, refund_id = -product, -Decimal("4.90"), f"{paid:%y%m%d}RFD{n:04d}"
    money = [product, refund, buyer_shipping, charged, rebate, reverse, voucher, coins, commission, service,
             transaction, ams]
    total = sum(money, Decimal(0))
    order_id = f"{paid - timedelta(days=5):%y%m%d}" + "".join(rng.choices(string.ascii_uppercase + string.digits,
                                                                          k=8))
    created = paid - timedelta(days=rng.randint(4, 12))
    order = [n, "Order", order_id, refund_id, "-", "-", created.isoformat(), paid.isoformat(), total, *money,
             f"buyer{rng.randint(1000, 9999)}"]
    sku = [n + 1, "Sku", order_id, "-", product_id, name, created.isoformat(), paid.isoformat(), total, *money, ""]
    return order, sku


def demo_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """(file name, XLSX bytes): 20–60 released orders of a Malaysian shop over the 60 days before `today`."""
    count = rng.randint(20, 60)
    days = sorted(today - timedelta(days=rng.randint(1, 58)) for _ in range(count))
    rows: list[list[object]] = []
    for i, paid in enumerate(days):
        rows.extend(_order(rng, 2 * i + 1, paid))
    total = sum((row[8] for row in rows if row[1] == "Order"), Decimal(0))
    summary = [["Income Report"], [], ["Report Details"], ["Username (Seller)", STORE.lower().replace(" ", "") + ".my"],
               ["From", (today - timedelta(days=60)).isoformat()], ["to", today.isoformat()], [],
               ["Income Summary", "", "", "RM"], ["3. Total Released Amount", "", "", total]]
    groups = [["Order Info", *[""] * 7, "Released Amount Details", *[""] * 12, "Buyer Info"]]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    for name, table in (("Summary", summary), ("Income", [*groups, list(HEADER), *rows])):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value))
                elif isinstance(value, int):
                    sheet.write_number(r, c, value)
                elif value != "":
                    sheet.write_string(r, c, str(value))
    book.close()
    return f"ShopeeMY_{STORE}_Income_{today:%Y-%m}.xlsx", buf.getvalue()

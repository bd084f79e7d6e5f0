"""A generated demo dataset: named stores, months of settled and in-transit orders, through the real pipeline.

Each simulated day becomes the captures the extension would have sent that day: the seller center's order
list (settled and on-hold tabs) and, for every order, its transaction detail (the fee split: sales, seller
discount, shipping, referral and transaction fees, affiliate commission; with the SKU and quantity), which
supersedes the order list's net line. A Temu and a SHEIN store come from settlement exports imported the way
`shoptally import` does, their names taken from the file-naming convention. Purchase costs for most SKUs come
in through the `costs` import, so the default view shows income, expenses, units, purchase cost and a margin
the way a real shop's would.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from peewee import Database

from companion.pipeline import ingest, seller_figures
from companion.store import stores
from companion.store.models import SettlementLine, Store
from companion.store.writer import run_inline

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Product:
    sku_id: str
    seller_sku: str
    name: str
    price: Decimal
    cost: Decimal | None  # None: the seller has not entered its purchase cost


@dataclass(frozen=True)
class DemoStore:
    name: str
    host: str
    seller_id: str
    currency: str
    per_day: tuple[int, int]
    products: tuple[Product, ...]


def _products(prefix: str, code: str, items: tuple[tuple[str, str, str, str | None], ...]) -> tuple[Product, ...]:
    return tuple(Product(f"{prefix}{n:04d}", f"{code}-{short}", name, Decimal(price), cost and Decimal(cost))
                 for n, (short, name, price, cost) in enumerate(items, 1))


DEMO_STORES = (
    DemoStore("MugHouse US", "seller-us.tiktok.com", "7495100000000000001", "USD", (1, 4), _products(
        "172938475610", "MH", (
            ("11OZ-WHT", "Classic ceramic mug 11 oz, white", "14.99", "6.09"),
            ("15OZ-BLK", "Large ceramic mug 15 oz, black", "18.99", "8.12"),
            ("TRAVEL-SS", "Stainless travel tumbler 20 oz", "24.99", "11.74"),
            ("SET4-PAS", "Pastel mug set of 4", "39.99", "19.58"),
            ("LATTE-12", "Latte cup 12 oz with saucer", "16.99", "7.40"),
            ("ESPR-SET2", "Espresso cups, set of 2", "12.99", "4.93"),
            ("COLD-GLS", "Glass cold brew cup with straw", "15.99", "7.10"),
            ("CAMP-ENM", "Enamel camp mug", "13.99", None),
            ("GIFT-BOX", "Mug gift box with coaster", "29.99", "15.66"),
            ("COASTER6", "Cork coasters, set of 6", "9.99", "3.34"),
        ))),
)
# Temu (semi-managed: paid the supply price) and SHEIN (platform mode) stores come from their settlement exports,
# named by the naming convention (平台_店铺_报告名_时间), which is how the store gets its name.
TEMU_STORE = "家居旗舰店"
TEMU_PRODUCTS = _products("5300012", "JJ", (
    ("MUG-RACK", "Wooden mug rack", "9.80", "7.30"),
    ("SPOON-12", "Stirring spoons, 12 pack", "4.20", "3.10"),
    ("CANISTER", "Glass coffee canister", "11.50", "8.70"),
    ("FILTER-2", "Pour-over filter holder", "7.90", None),
))
SHEIN_STORE = "Trendy Shop"  # the store is "SHEIN Trendy Shop"
SHEIN_PRODUCTS = _products("sh2410", "TS", (
    ("CUP-CAT", "Cat ear glass cup", "12.99", "5.90"),
    ("MUG-HEART", "Heart handle mug", "10.99", "4.60"),
    ("TUMB-GLIT", "Glitter tumbler", "16.99", "7.80"),
))
DAYS = 180
SETTLE_AFTER_DAYS = 12  # orders settle about this long after they are placed
COSTS_FILE = "demo_costs.csv"


def _capture(host: str, url: str, body: dict, when: datetime, page: str) -> dict:
    return {
        "type": "capture", "id": str(uuid.uuid4()), "site": "tiktok",
        "url": f"https://{host}{page}", "captured_at": when.isoformat(), "kind": "json",
        "payload": {"request": {"method": "GET", "url": url, "body": None}, "status": 200,
                    "body": {"code": 0, "message": "success", "data": body}},
    }


def _order_list_capture(store: DemoStore, rows: list[dict], on_hold: bool, when: datetime) -> dict:
    status = "1" if on_hold else "2"
    url = (f"https://{store.host}/api/v1/pay/statement/order/list?oec_seller_id={store.seller_id}"
           f"&pagination_type=1&from=0&size={len(rows)}&settlement_status={status}")
    return _capture(store.host, url, {"total_record": len(rows), "search_next_has_more": False,
                                      "order_records": [r["row"] for r in rows]}, when, "/finance/bills?tab=overview")


def _detail_capture(store: DemoStore, order: dict, when: datetime) -> dict:
    row = order["row"]
    url = (f"https://{store.host}/api/v1/pay/statement/transaction/detail?oec_seller_id={store.seller_id}"
           f"&statement_detail_id={row['statement_detail_id']}&settlement_status={row['settlement_status']}")
    return _capture(store.host, url, {"order_record": order["detail"]}, when, "/finance/bills?tab=overview")


def _fee(key: str, name: str, amount: Decimal, currency: str) -> dict:
    return {"fee_type": key, "fee_name": name, "amount": {"amount": str(amount), "currency": currency}}


def _order(rng: random.Random, n: int, store: DemoStore, placed: datetime, settle_day: date, on_hold: bool) -> dict:
    """One order (or, now and then, a refund) as its order-list row and its fee split, which add up alike."""
    product = rng.choice(store.products)
    quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
    gross = product.price * quantity
    discount = (gross * rng.choice((Decimal(0), Decimal(0), Decimal(0), Decimal("0.10"), Decimal("0.15")))
                ).quantize(CENT, ROUND_HALF_UP)
    base = gross - discount
    refund = not on_hold and rng.random() < 0.05
    cur = store.currency
    referral = (base * Decimal("0.08")).quantize(CENT, ROUND_HALF_UP)
    if refund:
        income = [_fee("gross_sales", "Gross sales", -gross, cur)]
        if discount:
            income.append(_fee("seller_discount", "Seller discount", discount, cur))
        outgo = [_fee("referral_fee", "Referral fee", referral, cur)]
    else:
        income = [_fee("gross_sales", "Gross sales", gross, cur)]
        if discount:
            income.append(_fee("seller_discount", "Seller discount", -discount, cur))
        label = Decimal(rng.randint(350, 650)).scaleb(-2)
        paid = Decimal("4.99") if base < 20 else Decimal(0)
        income.append({**_fee("shipping", "Shipping", paid - label, cur), "sub_fees": [
            {"fee_name": "Customer-paid shipping fee", "amount": {"amount": str(paid), "currency": cur}},
            {"fee_name": "TikTok Shop shipping fee", "amount": {"amount": str(-label), "currency": cur}}]})
        transaction = (base * Decimal("0.03")).quantize(CENT, ROUND_HALF_UP)
        outgo = [_fee("transaction_fee", "Transaction fee", -transaction, cur),
                 _fee("referral_fee", "Referral fee", -referral, cur)]
        if rng.random() < 0.35:
            commission = (base * Decimal("0.12")).quantize(CENT, ROUND_HALF_UP)
            outgo.append(_fee("affiliate_commission", "Affiliate commission", -commission, cur))
    amount = sum((Decimal(f["amount"]["amount"]) for f in income + outgo), Decimal(0))
    order_id = f"{store.seller_id[-4:]}{placed:%y%m%d}{n:05d}"
    row = {
        "statement_detail_id": f"SD{order_id}", "reference_id": order_id, "trade_order_id": order_id,
        "placed_time": int(placed.timestamp() * 1000), "trade_type": "Refund" if refund else "Order",
        "settlement_amount": {"amount": str(amount), "currency": cur},
        "settlement_status": 1 if on_hold else 2,
    }
    if on_hold:
        row["to_settle_reason"] = rng.choice([1, 3])
        row["estimate_settle_time"] = int((placed + timedelta(days=SETTLE_AFTER_DAYS)).timestamp() * 1000)
    else:
        row["statement_id"] = f"ST{store.seller_id[-4:]}{settle_day:%Y%m%d}"

    def total(fees: list[dict]) -> dict:
        return {"amount": str(sum((Decimal(f["amount"]["amount"]) for f in fees), Decimal(0))), "currency": cur}

    detail = {**row, "sku_id": product.sku_id, "seller_sku": product.seller_sku, "product_name": product.name,
              "quantity": quantity,
              "in_come": {"amount": total(income), "fee_list": income},
              "out_come": {"amount": total(outgo), "fee_list": outgo}}
    return {"row": row, "detail": detail}


def captures(today: date, seed: int = 20251) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for store in DEMO_STORES:
        by_settle_day: dict[date, list[dict]] = {}
        on_hold: list[dict] = []
        for back in range(DAYS, -1, -1):
            day = today - timedelta(days=back)
            for n in range(rng.randint(*store.per_day)):
                placed = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59)), UTC)
                settle_day = day + timedelta(days=SETTLE_AFTER_DAYS + rng.randint(-3, 3))
                if settle_day < today:
                    by_settle_day.setdefault(settle_day, []).append(_order(rng, n, store, placed, settle_day, False))
                else:
                    on_hold.append(_order(rng, n, store, placed, settle_day, True))
        for day, orders in sorted(by_settle_day.items()):
            when = datetime.combine(day, time(20, 0), UTC)
            out.append(_order_list_capture(store, orders, False, when))
            out.extend(_detail_capture(store, order, when + timedelta(minutes=5)) for order in orders)
        if on_hold:
            when = datetime.combine(today, time(0, 0), UTC)
            out.append(_order_list_capture(store, on_hold, True, when))
            out.extend(_detail_capture(store, order, when + timedelta(minutes=5)) for order in on_hold)
    return out


def costs_csv(today: date) -> bytes:
    """The seller's purchase costs (SKU costs import), dated before the first demo order; a few SKUs have none."""
    since = (today - timedelta(days=DAYS + 30)).isoformat()
    rows = ["sku_id,msku,unit_cost,currency,effective_from"]
    products = [(p, s.currency) for s in DEMO_STORES for p in s.products]
    products += [(p, "USD") for p in TEMU_PRODUCTS + SHEIN_PRODUCTS]
    rows += [f"{p.sku_id},{p.seller_sku},{p.cost},{currency},{since}" for p, currency in products if p.cost is not None]
    return ("\n".join(rows) + "\n").encode()


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def _china(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d} {hour:02d}:00:00"  # Temu and SHEIN exports write China time


def temu_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """PO明细账单 (SettledFlow) of the Temu store: each PO paid its supply price about ten days after the order."""
    rows = []
    for back in range(DAYS, 9, -1):
        paid = today - timedelta(days=back - 10)
        for n in range(rng.randint(1, 3)):
            p = rng.choice(TEMU_PRODUCTS)
            quantity = rng.choices((1, 2, 4), (70, 20, 10))[0]
            refund = rng.random() < 0.04
            po = f"PO-211-{today - timedelta(days=back):%y%m%d}{n:03d}"
            amount = p.price * quantity * (-1 if refund else 1)
            rows.append([f"SF{po[7:]}", f"B{paid:%Y%m%d}", po, "销售冲回" if refund else "销售回款", amount,
                         p.sku_id, p.name, p.seller_sku, quantity, "USD", _china(paid, 10)])
    header = ["结算流水ID", "批次号", "PO单号", "交易类型", "结算金额", "SKU ID", "SKU名称", "SKU货号", "件数", "币种",
              "到账时间"]
    return f"Temu半托管_{TEMU_STORE}_PO明细账单_{today:%Y-%m}.csv", _csv(header, rows)


def shein_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """已完成账单 (platform mode) of the SHEIN store: each order's income net of coupon and commission, and its
    fulfilment fee, paid in a bill two weeks after the order."""
    rows = []
    for back in range(DAYS, 13, -1):
        ordered = today - timedelta(days=back)
        paid = ordered + timedelta(days=14)
        for n in range(rng.randint(1, 3)):
            p = rng.choice(SHEIN_PRODUCTS)
            order = f"GSH{ordered:%y%m%d}{n:03d}"
            coupon = (p.price * rng.choice((Decimal(0), Decimal(0), Decimal("0.10")))).quantize(CENT, ROUND_HALF_UP)
            commission = ((p.price - coupon) * Decimal("0.16")).quantize(CENT, ROUND_HALF_UP)
            bill = f"BL{paid:%Y%m%d}"
            common = [bill, order, p.sku_id, p.seller_sku, p.name, _china(ordered, 9), f"{paid:%Y-%m-%d}", "US"]
            rows.append([*common, "订单收入", p.price - coupon - commission, p.price, coupon, commission, ""])
            fee = Decimal(rng.randint(220, 340)).scaleb(-2)
            rows.append([*common, "订单履约服务费", -fee, "", "", "", fee])
    header = ["账单号", "订单号", "平台SKU", "商家SKU", "商品名称", "下单时间", "打款日期", "站点", "账单类型",
              "应收金额", "商品价格汇总", "店铺优惠券金额", "佣金", "履约服务费"]
    return f"SHEIN平台模式_{SHEIN_STORE}_SHEIN结算报告_{today:%Y-%m}.csv", _csv(header, rows)


def _commit_all(prepared: list) -> int:
    return sum(ingest.commit(p).added for p in prepared)


def _name_stores() -> None:
    for store in DEMO_STORES:
        found = Store.get_or_none((Store.platform == "tiktok") & (Store.external_id == store.seller_id))
        if found is not None and found.name != store.name:
            stores.update(found.name, {"name": store.name})


def populate_if_empty(db: Database, today: date | None = None) -> int:
    """Fill an empty database with the demo dataset; returns the number of lines added."""
    if SettlementLine.select().exists():
        return 0
    today = today or datetime.now(UTC).date()
    run_inline(db, seller_figures.save, "costs", seller_figures.read("costs", COSTS_FILE, costs_csv(today)))
    prepared = [ingest.prepare(ingest.prepare_capture(msg)) for msg in captures(today)]
    added = 0
    for start in range(0, len(prepared), 500):
        added += run_inline(db, _commit_all, prepared[start:start + 500])
    rng = random.Random(f"files {today}")
    for name, content in (temu_file(today, rng), shein_file(today, rng)):
        file = ingest.prepare(ingest.file_input(name, content, hints=ingest.hints_for(name)))
        if file.plan is None:
            raise ValueError(f"demo file {name}: {file.message}")
        added += run_inline(db, _commit_all, [file])
    run_inline(db, _name_stores)
    return added

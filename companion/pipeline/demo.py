"""A generated demo dataset: named stores, months of settled and in-transit orders, through the real pipeline.

Each simulated day becomes the captures the extension would have sent that day: the seller center's order
list (settled and on-hold tabs) and, for every order, its transaction detail (the fee split: sales, seller
discount, shipping, referral and transaction fees, affiliate commission; with the SKU and quantity), which
supersedes the order list's net line. A Temu and a SHEIN store come from settlement exports imported the way
`shoptally import` does, their names taken from the file-naming convention. Purchase costs for most SKUs come
in through the `costs` import, so the default view shows income, expenses, units, purchase cost and a margin
the way a real shop's would.

Issue #18's parts are filled too: each TikTok store's statement list (the Payments tab: every statement
reconciles; the last two are processing, one failed and is on hold); a Mexican TikTok store whose settlements
carry the IVA and ISR the platform withholds (the Taxes tab); a 1688 order export with a purchase per Temu PO,
linked by the buyer's remark, the latest three unpaid (the payment notice), and a SKU map; the SHEIN store's
restocks as purchase records, costed by moving average; MugHouse US's head-haul shipments (first leg) and the
Mexican store's last mile (last leg).
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

from companion.pipeline import (
    demo_aliexpress,
    demo_ebay,
    demo_shopee,
    demo_shopify,
    demo_walmart,
    ingest,
    seller_figures,
)
from companion.store import costing, stores
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
    # Mexico: TikTok Shop withholds IVA and ISR from each settlement (the 202309 API's iva_vat_amount and
    # isr_income_tax_amount); the store ships with its own carrier, so TikTok charges no shipping label.
    withholds: bool = False


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
    DemoStore("Tazas MX", "seller-mx.tiktok.com", "7495100000000000002", "MXN", (0, 2), _products(
        "172938475620", "TZ", (
            ("TAZA-11", "Taza de cerámica 11 oz, blanca", "249.00", "98.00"),
            ("TAZA-15", "Taza grande 15 oz, negra", "319.00", "132.00"),
            ("TERMO-20", "Termo de acero inoxidable 20 oz", "429.00", "185.00"),
            ("ESPR-SET2", "Tazas espresso, juego de 2", "199.00", "76.00"),
        )), withholds=True),
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


def _statement_capture(store: DemoStore, by_settle_day: dict[date, list[dict]], when: datetime) -> dict:
    """The statement list (list/detail): one statement a settlement day, stating what its orders add up to, paid
    by a payment of its own. The last two are still being paid; the fifth from last failed (a bank check),
    which holds its money until the seller fixes the account."""
    days = sorted(by_settle_day)
    records = []
    for index, day in enumerate(days):
        total = sum((Decimal(o["row"]["settlement_amount"]["amount"]) for o in by_settle_day[day]), Decimal(0))
        back = len(days) - index
        status = "PROCESSING" if back <= 2 else "FAILED" if back == 5 else "PAID"
        records.append({
            "statement_id": f"ST{store.seller_id[-4:]}{day:%Y%m%d}",
            "statement_time": int(datetime.combine(day, time(20, 0), UTC).timestamp() * 1000),
            "settlement_amount": {"amount": str(total), "currency": store.currency},
            "payment_id": f"PAY{store.seller_id[-4:]}{day:%Y%m%d}", "payment_status": status})
    url = (f"https://{store.host}/api/v1/pay/statement/list/detail?oec_seller_id={store.seller_id}"
           f"&pagination_type=1&from=0&size={len(records)}")
    return _capture(store.host, url, {"total_record": len(records), "search_next_has_more": False,
                                      "statement_records": records}, when, "/finance/bills?tab=statement")


def _fee(key: str, name: str, amount: Decimal, currency: str) -> dict:
    return {"fee_type": key, "fee_name": name, "amount": {"amount": str(amount), "currency": currency}}


def _withheld(base: Decimal, cur: str) -> list[dict]:
    """What TikTok Shop Mexico retains of a sale for the SAT: IVA at 8 % and ISR at 2.5 % of the price before
    its 16 % VAT (the platform-seller retention rates)."""
    before_vat = base / Decimal("1.16")
    iva = (before_vat * Decimal("0.08")).quantize(CENT, ROUND_HALF_UP)
    isr = (before_vat * Decimal("0.025")).quantize(CENT, ROUND_HALF_UP)
    return [_fee("iva_vat", "IVA withheld", -iva, cur), _fee("isr_income_tax", "ISR withheld", -isr, cur)]


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
    withheld = _withheld(base, cur) if store.withholds else []
    if refund:
        income = [_fee("gross_sales", "Gross sales", -gross, cur)]
        if discount:
            income.append(_fee("seller_discount", "Seller discount", discount, cur))
        outgo = [_fee("referral_fee", "Referral fee", referral, cur)]
        outgo += [{**f, "amount": {"amount": str(-Decimal(f["amount"]["amount"])), "currency": cur}}
                  for f in withheld]  # a refund gives the withheld taxes back
    else:
        income = [_fee("gross_sales", "Gross sales", gross, cur)]
        if discount:
            income.append(_fee("seller_discount", "Seller discount", -discount, cur))
        label = Decimal(rng.randint(350, 650)).scaleb(-2)
        paid = Decimal("4.99") if base < 20 else Decimal(0)
        if not store.withholds:  # the Mexican store ships with its own carrier (a last-leg cost, not a fee)
            income.append({**_fee("shipping", "Shipping", paid - label, cur), "sub_fees": [
                {"fee_name": "Customer-paid shipping fee", "amount": {"amount": str(paid), "currency": cur}},
                {"fee_name": "TikTok Shop shipping fee", "amount": {"amount": str(-label), "currency": cur}}]})
        transaction = (base * Decimal("0.03")).quantize(CENT, ROUND_HALF_UP)
        outgo = [_fee("transaction_fee", "Transaction fee", -transaction, cur),
                 _fee("referral_fee", "Referral fee", -referral, cur)]
        if rng.random() < 0.35:
            commission = (base * Decimal("0.12")).quantize(CENT, ROUND_HALF_UP)
            outgo.append(_fee("affiliate_commission", "Affiliate commission", -commission, cur))
        outgo += withheld
    amount = sum((Decimal(f["amount"]["amount"]) for f in income + outgo), Decimal(0))
    order_id = f"57{store.seller_id[-4:]}{placed:%y%m%d}{n:06d}"  # 18 digits from 57, as TikTok's are
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
        out.append(_statement_capture(store, by_settle_day, datetime.combine(today, time(0, 0), UTC)))
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
    rows += [f"{sku},{msku},{cost},USD,{since}" for sku, msku, cost in _marketplace_costs()]
    return ("\n".join(rows) + "\n").encode()


def _marketplace_costs() -> list[tuple[str, str, Decimal]]:
    """(SKU id, seller SKU, unit cost) of what the file-only stores sell with units (Shopify, eBay, Walmart: the
    Shopee and AliExpress exports carry no quantities): 38 % of the list price, bought in before the first sale."""
    def cost(price: Decimal | str) -> Decimal:
        return (Decimal(price) * Decimal("0.38")).quantize(CENT, ROUND_HALF_UP)

    out = [(sku, sku, cost(price)) for _, sku, price in demo_shopify.PRODUCTS]
    out += [(demo_ebay.item_id(i), label, cost(price)) for i, (_, label, price) in enumerate(demo_ebay.PRODUCTS)]
    out += [(sku, sku, cost(price)) for sku, _, _, price in demo_walmart.ITEMS]
    return out


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def _china(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d} {hour:02d}:00:00"  # Temu and SHEIN exports write China time


def temu_file(today: date, rng: random.Random) -> tuple[str, bytes]:
    """PO明细账单 (SettledFlow) of the Temu store: each PO paid its supply price about ten days after the order."""
    rows = temu_rows(today, rng)
    header = ["结算流水ID", "批次号", "PO单号", "交易类型", "结算金额", "SKU ID", "SKU名称", "SKU货号", "件数", "币种",
              "到账时间"]
    return f"Temu半托管_{TEMU_STORE}_PO明细账单_{today:%Y-%m}.csv", _csv(header, rows)


def temu_rows(today: date, rng: random.Random) -> list[list]:
    """The rows of the Temu store's PO明细账单 (PO in column 2, SKU ID in 5, units in 8, type in 3)."""
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
    return rows


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


@dataclass(frozen=True)
class SupplierItem:
    """What the Temu store's JIT seller buys on 1688 for one of its SKUs."""

    sku_id: str  # the shop SKU
    supplier_sku: str  # 1688's SKU ID, tied to the shop SKU by the SKU map
    offer_id: str
    supplier: str
    title: str
    unit_price: Decimal  # CNY


SUPPLIER_ITEMS = (
    SupplierItem("53000120001", "5203318807401", "728830145512", "曹县木艺家居工厂", "实木杯架 6钩 胡桃色",
                 Decimal("38.50")),
    SupplierItem("53000120002", "5203318807402", "728830145530", "阳江市不锈钢厨具厂", "不锈钢搅拌勺 12支装",
                 Decimal("16.80")),
    SupplierItem("53000120003", "5203318807403", "728830145547", "沧州市玻璃制品厂", "玻璃咖啡密封罐 750ml",
                 Decimal("44.00")),
    SupplierItem("53000120004", "5203318807404", "728830145563", "潮州市陶瓷滤杯厂", "陶瓷手冲滤杯 2人份",
                 Decimal("29.50")),
)
JIT_DAYS = 40  # the 1688 export holds the purchases of the Temu POs ordered in these days before the last PO
UNPAID_1688 = 3  # the latest purchases, not paid yet: what the 1688 payment notice tells of
SHIPPED_1688 = 4  # the ones before them, on their way


def purchases_1688_file(today: date) -> tuple[str, bytes]:
    """The buyer's order export (已买到的货品 → 批量导出) of the Temu store's JIT seller: one 1688 order per
    Temu PO, bought the day the PO came in, the PO number written in the buyer's remark (买家留言), which links
    the purchase to the sold order. Only the columns docs/sources.md "1688 purchases" documents."""
    items = {i.sku_id: i for i in SUPPLIER_ITEMS}
    pos = []
    for row in temu_rows(today, random.Random(f"files {today}")):  # the same rows temu_file writes
        po, kind, sku_id, quantity = row[2], row[3], row[5], row[8]
        ordered = datetime.strptime(po[7:13], "%y%m%d").date()
        if kind == "销售回款" and ordered >= today - timedelta(days=JIT_DAYS + 10):
            pos.append((ordered, po, items[sku_id], quantity))
    rng = random.Random(f"1688 {today}")
    rows = []
    for index, (ordered, po, item, quantity) in enumerate(pos):
        back = len(pos) - index
        status = "等待买家付款" if back <= UNPAID_1688 else "等待买家确认收货" if back <= UNPAID_1688 + SHIPPED_1688 \
            else "交易成功"
        created = datetime.combine(ordered, time(11, rng.randint(0, 59), rng.randint(0, 59)))
        paid_at = created + timedelta(minutes=rng.randint(2, 40))
        paid = "" if status == "等待买家付款" else f"{paid_at:%Y-%m-%d %H:%M:%S}"
        goods = item.unit_price * quantity
        shipping = Decimal("5.00") if quantity == 1 else Decimal("8.00")
        rows.append([f"33{ordered:%y%m%d}{rng.randrange(10**11):011d}", item.supplier, goods, shipping, "0.00",
                     goods + shipping, status, f"{created:%Y-%m-%d %H:%M:%S}", paid, item.title, item.unit_price,
                     quantity, item.offer_id, item.supplier_sku, f"Temu {po}"])
    header = ["订单编号", "卖家公司名", "货品总价(元)", "运费(元)", "涨价或折扣(元)", "实付款(元)", "订单状态",
              "订单创建时间", "订单付款时间", "货品标题", "单价(元)", "数量", "Offer ID", "SKU ID", "买家留言"]
    return f"1688_买家订单_{today:%Y-%m}.csv", _csv(header, rows)


def skumap_csv() -> bytes:
    """The SKU map: each 1688 SKU the Temu store buys, tied to its shop SKU."""
    return _csv(["supplier_sku", "sku_id", "store"],
                [[i.supplier_sku, i.sku_id, f"Temu {TEMU_STORE}"] for i in SUPPLIER_ITEMS])


MOVING_AVERAGE_STORE = f"SHEIN {SHEIN_STORE}"
RESTOCK_EVERY = 30  # days between the SHEIN store's restocks


def purchases_csv(today: date) -> bytes:
    """The SHEIN store's restocks (`shoptally purchases import`): a sourcing agent invoices each month's goods in
    USD; the store's costing is moving_average, so these set its purchase cost."""
    rng = random.Random(f"restock {today}")
    rows = []
    day = today - timedelta(days=DAYS + 20)
    while day < today:
        for n, p in enumerate(SHEIN_PRODUCTS, 1):
            unit = (p.cost * Decimal(rng.randint(88, 100)) / 100).quantize(CENT, ROUND_HALF_UP)
            first = n == 1
            rows.append([f"AG-{day:%Y%m%d}", "Yiwu Sourcing Agent" if first else "", p.sku_id,
                         rng.randint(6, 15) * 10, unit, "USD", "18.00" if first else "", "",
                         "paid" if first else "", day.isoformat() if first else "", day.isoformat() if first else "",
                         "", ""])
        day += timedelta(days=RESTOCK_EVERY)
    return _csv(["order_no", "supplier", "sku", "quantity", "unit_price", "currency", "shipping", "adjustment",
                 "status", "placed_at", "paid_at", "sold_order", "self_delivery"], rows)


FIRST_LEG = ((DAYS + 15, 300, "2400.00"), (90, 250, "2250.00"))  # (days back, units per SKU, bill): MugHouse US
LAST_LEG_MX = Decimal("42.00")  # MXN a unit: the Mexican store's own carrier


def logistics_csv(today: date) -> bytes:
    """Logistics costs: MugHouse US's head-haul shipments (sea freight to its US warehouse, each bill spread over
    the units it carried) and the Mexican store's last mile per unit."""
    rows = []
    for back, units, bill in FIRST_LEG:
        day = today - timedelta(days=back)
        for n, p in enumerate(DEMO_STORES[0].products):
            rows.append(["first_leg", p.sku_id, "USD", "", "", f"HX-{day:%Y%m%d}", day.isoformat(), units,
                         bill if n == 0 else ""])
    rows += [["last_leg", p.sku_id, "MXN", LAST_LEG_MX, "", "", "", "", ""] for p in DEMO_STORES[1].products]
    return _csv(["kind", "sku_id", "currency", "unit_cost", "effective_from", "shipment", "date", "units",
                 "shipment_cost"], rows)


def marketplace_files(today: date) -> list[tuple[str, bytes]]:
    """A store on each marketplace read from files only (issue #19): the exports a seller downloads, named by
    the convention, each from its own generator (pipeline/demo_<platform>.py) and its own random stream."""
    def rng(name: str) -> random.Random:
        return random.Random(f"{name} {today}")

    return [*demo_shopify.demo_files(today, rng("shopify")), demo_ebay.demo_file(today, rng("ebay")),
            demo_walmart.demo_file(today, rng("walmart")), demo_shopee.demo_file(today, rng("shopee")),
            demo_aliexpress.demo_file(today, rng("aliexpress"))]


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
    for name, content in (temu_file(today, rng), shein_file(today, rng), purchases_1688_file(today),
                          *marketplace_files(today)):
        file = ingest.prepare(ingest.file_input(name, content, hints=ingest.hints_for(name)))
        if file.plan is None:
            raise ValueError(f"demo file {name}: {file.message}")
        counted = run_inline(db, _commit_all, [file])
        added += counted if file.plan.stores else 0  # a 1688 export adds purchases, no lines
    run_inline(db, _name_stores)
    for kind, name, content in (("skumap", "demo_skumap.csv", skumap_csv()),
                                ("purchases", "demo_purchases.csv", purchases_csv(today)),
                                ("logistics", "demo_logistics.csv", logistics_csv(today))):
        run_inline(db, seller_figures.save, kind, seller_figures.read(kind, name, content))
    run_inline(db, costing.set_method, MOVING_AVERAGE_STORE, "moving_average")
    return added

"""The 1688 payment notice (setting `payment_notice_1688`): sold orders of the period whose linked purchase is
still unpaid. `manual` and `auto`: the Finance view shows a banner naming them; `auto`: the tray also posts a
desktop notification (companion/tray/payment_watch.py decides when). `off`: nothing is looked up."""

from __future__ import annotations

from datetime import datetime

from companion.errors import render
from companion.reports import reporting
from companion.store import app_settings, purchases, reports
from companion.store.models import SettlementLine

MAX_LISTED = 50  # purchases named in one notice (the count says how many there are)
CODE = "purchases_unpaid"


def sold_among(order_ids: list[str], period: str, account: str | None, now: datetime | None) -> set[str]:
    """Those of `order_ids` that have lines the order-basis report of the period counts (sold in the period).
    Starts from the few linked orders, so a million lines in range cost one indexed look-up per 500 orders."""
    targets = reporting.stores_of(account)
    if not targets or not order_ids:
        return set()
    periods = reporting.store_periods(period, targets, now or datetime.now().astimezone())
    bounds = reporting.store_bounds(targets, periods)
    db = SettlementLine._meta.database
    p = db.param
    condition, params = reports.counted("order", bounds, p)
    found: set[str] = set()
    for start in range(0, len(order_ids), 500):
        chunk = order_ids[start:start + 500]
        sql = (f'SELECT DISTINCT "order_id" FROM "{SettlementLine._meta.table_name}" WHERE "order_id" IN '
               f'({", ".join([p] * len(chunk))}) AND {condition}')
        found |= {r[0] for r in db.execute_sql(sql, [*chunk, *params]).fetchall()}
    return found


def unpaid(period: str = "this-month", account: str | None = None, now: datetime | None = None) -> dict:
    """{mode, count, orders, purchases: [...], message: {code, params, message} | None} for the view's banner."""
    mode = app_settings.get_all()["payment_notice_1688"]
    out: dict = {"mode": mode, "period": period, "count": 0, "orders": 0, "purchases": [], "message": None}
    if mode == "off":
        return out
    linked = purchases.unpaid_links()  # sold order id → unpaid purchases linked to it
    sold = sold_among(sorted(linked), period, account, now)
    waiting: dict[int, dict] = {}
    for order_id in sorted(sold):
        for p in linked[order_id]:
            entry = waiting.setdefault(p.id, {"source": p.source, "order_no": p.order_no, "sold_orders": []})
            entry["sold_orders"].append(order_id)
    listed = sorted(waiting.values(), key=lambda e: (e["order_no"], e["source"]))
    out.update(count=len(listed), orders=len(sold), purchases=listed[:MAX_LISTED], message=message(listed, sold))
    return out


def message(listed: list[dict], orders: set[str]) -> dict | None:
    """The notice's sentence (catalog code, params and English), or None when nothing waits."""
    if not listed:
        return None
    numbers = ", ".join(e["order_no"] for e in listed[:10]) + (f" (+{len(listed) - 10})" if len(listed) > 10 else "")
    params = {"orders": len(orders), "count": len(listed), "numbers": numbers}
    return {"code": CODE, "params": params, "message": render(CODE, params)}

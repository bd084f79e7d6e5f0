"""Purchase records in the database: stored from any adapter's `ParseResult.purchases` (1688 captures, the
seller's purchase CSV) and read back for costing, links and notices.

A purchase is keyed by (source, order_no): the same order captured again replaces its row, items and links
(its status moves unpaid → paid), never adds a second one. Runs inside the writer's transaction; no parsing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from companion.errors import BadInput, NotFound
from companion.ledger.money import from_storage, to_storage
from companion.sources.alibaba1688.common import TZ as CHINA
from companion.sources.model import Purchase, PurchaseItem
from companion.store import bulk
from companion.store.fields import EPOCH, MILLISECOND, now_utc
from companion.store.models import PurchaseItem as ItemRow
from companion.store.models import PurchaseLink, PurchaseOrder

UNPAID = "unpaid"
COUNTED = ("paid", "shipped", "received")  # statuses whose goods cost the seller money (moving average)
STATUSES = (UNPAID, *COUNTED, "cancelled", "refunded")


@dataclass
class Written:
    added: int = 0
    updated: int = 0
    skipped: int = 0


def _ms(when: datetime | None) -> int | None:
    """A time as stored (epoch milliseconds): what a re-capture's time is compared by."""
    return None if when is None else (when - EPOCH) // MILLISECOND


def _same(row: PurchaseOrder, p: Purchase, items: list[ItemRow], links: set[str]) -> bool:
    """Whether the stored row already says everything the purchase says."""
    mine = [(i.sku, i.name, i.quantity, to_storage(i.unit_price), to_storage(i.amount), i.supplier_item)
            for i in items]
    theirs = [(i.sku, i.name, i.quantity, to_storage(i.unit_price), to_storage(i.amount), i.supplier_item)
              for i in p.items]
    return ((row.supplier, row.status, row.currency, row.goods, row.shipping, row.adjustment, row.total,
             _ms(row.placed_at), _ms(row.paid_at), row.self_delivery)
            == (p.supplier, p.status, p.currency, p.goods, p.shipping, p.adjustment, p.total, _ms(p.placed_at),
                _ms(p.paid_at), p.self_delivery)
            and mine == theirs and links == set(p.sold_orders))


def save(purchases: Iterable[Purchase], capture: str = "") -> Written:
    """Upsert each purchase by (source, order_no), with its items and links; the last of an order twice in one
    batch wins. What a capture leaves out keeps what is stored: a list page without product lines keeps the
    items a detail page gave, one without the sold orders keeps the links, one without a time keeps it.
    Inside the writer's transaction."""
    out = Written()
    now = now_utc()
    latest: dict[tuple[str, str], Purchase] = {}
    for p in purchases:
        latest[(p.source, p.order_no)] = p
    for p in latest.values():
        row = PurchaseOrder.get_or_none((PurchaseOrder.source == p.source) & (PurchaseOrder.order_no == p.order_no))
        if row is not None:
            items = list(ItemRow.select().where(ItemRow.purchase == row.id).order_by(ItemRow.position))
            links = {link.order_id for link in PurchaseLink.select().where(PurchaseLink.purchase == row.id)}
            p = replace(p, items=p.items or tuple(PurchaseItem(i.sku, i.name, i.quantity, i.unit_price, i.amount,
                                                               i.supplier_item) for i in items),
                        sold_orders=p.sold_orders or tuple(sorted(links)), placed_at=p.placed_at or row.placed_at,
                        paid_at=p.paid_at or row.paid_at)
            if _same(row, p, items, links):
                out.skipped += 1
                continue
        values = dict(supplier=p.supplier, status=p.status, currency=p.currency, goods=p.goods, shipping=p.shipping,
                      adjustment=p.adjustment, total=p.total, placed_at=p.placed_at, paid_at=p.paid_at,
                      self_delivery=p.self_delivery, capture=capture, updated_at=now)
        if row is None:
            row = PurchaseOrder.create(source=p.source, order_no=p.order_no, recorded_at=now, **values)
            out.added += 1
        else:
            PurchaseOrder.update(**values).where(PurchaseOrder.id == row.id).execute()
            ItemRow.delete().where(ItemRow.purchase == row.id).execute()
            PurchaseLink.delete().where(PurchaseLink.purchase == row.id).execute()
            out.updated += 1
        _write_items(row.id, p.items)
        bulk.insert_rows(ItemRow._meta.database, PurchaseLink._meta.table_name, ("purchase_id", "order_id"),
                         [(row.id, order_id) for order_id in sorted(set(p.sold_orders))])
    return out


_ITEM_COLUMNS = ("purchase_id", "position", "sku", "name", "quantity", "unit_price", "amount", "supplier_item")


def _write_items(purchase_id: int, items: tuple[PurchaseItem, ...]) -> None:
    """Through bulk.insert_rows (a repeated statement on SQLite, COPY on PostgreSQL): an order of thousands of
    goods lines never meets SQLite's limit of variables in one statement, as one multi-row INSERT would."""
    bulk.insert_rows(ItemRow._meta.database, ItemRow._meta.table_name, _ITEM_COLUMNS,
                     [(purchase_id, n, i.sku, i.name, i.quantity, to_storage(i.unit_price), to_storage(i.amount),
                       i.supplier_item) for n, i in enumerate(items)])


@dataclass(frozen=True)
class Stored:
    """A stored purchase as costing and notices read it (amounts in storage units)."""

    id: int
    source: str
    order_no: str
    status: str
    currency: str
    goods: int
    shipping: int
    adjustment: int
    placed_at: datetime | None
    paid_at: datetime | None
    self_delivery: bool
    items: list[tuple[str, int, int]] = field(default_factory=list)  # (sku, quantity, amount units)
    sold_orders: list[str] = field(default_factory=list)


def _stored(rows: list[PurchaseOrder]) -> list[Stored]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    items: dict[int, list[tuple[str, int, int]]] = {}
    for i in ItemRow.select().where(ItemRow.purchase.in_(ids)).order_by(ItemRow.purchase, ItemRow.position):
        items.setdefault(i.purchase_id, []).append((i.sku, i.quantity, to_storage(i.amount)))
    links: dict[int, list[str]] = {}
    for link in PurchaseLink.select().where(PurchaseLink.purchase.in_(ids)).order_by(PurchaseLink.order_id):
        links.setdefault(link.purchase_id, []).append(link.order_id)
    return [Stored(r.id, r.source, r.order_no, r.status, r.currency, to_storage(r.goods), to_storage(r.shipping),
                   to_storage(r.adjustment), r.placed_at, r.paid_at, r.self_delivery, items.get(r.id, []),
                   links.get(r.id, [])) for r in rows]


def counted() -> list[Stored]:
    """Every purchase whose goods the seller paid for (paid, shipped, received), oldest first."""
    rows = list(PurchaseOrder.select().where(PurchaseOrder.status.in_(COUNTED)).order_by(PurchaseOrder.id))
    return _stored(rows)


def fingerprint() -> tuple:
    """What the purchase records and the SKU map look like, cheaply: any write changes it (a row's updated_at or
    recorded_at is the time of its write, and a removal changes a count). What costing is cached by."""
    from peewee import fn

    from companion.store.models import SkuMap

    orders = PurchaseOrder.select(fn.COUNT(PurchaseOrder.id), fn.MAX(PurchaseOrder.updated_at)).tuples().get()
    mapped = SkuMap.select(fn.COUNT(SkuMap.id), fn.MAX(SkuMap.recorded_at)).tuples().get()
    return (*orders, *mapped)


def any_counted() -> bool:
    return PurchaseOrder.select().where(PurchaseOrder.status.in_(COUNTED)).exists()


def linked_to(order_ids: Iterable[str]) -> dict[str, list[Stored]]:
    """Sold order id → the purchases linked to it (any status), in order of their number."""
    wanted = sorted({o for o in order_ids if o})
    out: dict[str, list[Stored]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        query = (PurchaseOrder.select(PurchaseOrder, PurchaseLink.order_id.alias("linked"))
                 .join(PurchaseLink, on=(PurchaseLink.purchase == PurchaseOrder.id))
                 .where(PurchaseLink.order_id.in_(chunk)).order_by(PurchaseOrder.order_no).objects())
        rows = list(query)
        stored = {s.id: s for s in _stored(list({r.id: r for r in rows}.values()))}
        for r in rows:
            out.setdefault(r.linked, []).append(stored[r.id])
    return out


def unpaid_links() -> dict[str, list[Stored]]:
    """Sold order id → the unpaid purchases linked to it (the payment notice's starting point)."""
    rows = list(PurchaseOrder.select().where(PurchaseOrder.status == UNPAID).order_by(PurchaseOrder.order_no))
    out: dict[str, list[Stored]] = {}
    for s in _stored(rows):
        for order_id in s.sold_orders:
            out.setdefault(order_id, []).append(s)
    return out


def self_delivered() -> list[Stored]:
    """Purchases marked self-delivered that are paid for and linked to a sold order, with shipping to take."""
    marked = PurchaseOrder.self_delivery == True  # noqa: E712
    rows = list(PurchaseOrder.select().where(marked & PurchaseOrder.status.in_(COUNTED)
                                             & (PurchaseOrder.shipping != 0)).order_by(PurchaseOrder.id))
    return [s for s in _stored(rows) if s.sold_orders]


def save_imported(rows: list[Purchase]):
    """`shoptally purchases import`: the file's purchases stored, one change recorded (views refresh)."""
    from companion.store.seller_inputs import Saved, finish

    written = save(rows, "csv")
    return finish(Saved(written.added, written.updated, written.skipped), "purchases")


def delete(order_no: str, source: str | None = None):
    """One purchase order with its items and links (`shoptally purchases delete`, the view's Delete); with no
    source, the only order of that number. Inside the writer's transaction; one change recorded (views reload)."""
    from companion.store.seller_inputs import Saved, finish

    where = PurchaseOrder.order_no == order_no
    if source is not None:
        where &= PurchaseOrder.source == source
    rows = list(PurchaseOrder.select(PurchaseOrder.id, PurchaseOrder.source).where(where)
                .order_by(PurchaseOrder.source))
    if not rows:
        raise (NotFound.of("purchase_unknown_in", order_no=order_no, source=source) if source is not None
               else NotFound.of("purchase_unknown", order_no=order_no))
    if len(rows) > 1:
        raise BadInput.of("purchase_name_source", order_no=order_no, sources=", ".join(r.source for r in rows))
    ItemRow.delete().where(ItemRow.purchase == rows[0].id).execute()
    PurchaseLink.delete().where(PurchaseLink.purchase == rows[0].id).execute()
    PurchaseOrder.delete().where(PurchaseOrder.id == rows[0].id).execute()
    return finish(Saved(removed=1), "purchases")


MAX_LISTED = 500
PURCHASE_ZONES = {"1688": CHINA}  # a source's calendar; any other: UTC (the CSV's dates)
MAX_SEARCH = 200


def table(search: str = "") -> dict:
    """The purchases the Settings tab and GET /api/purchases list, newest first: each with its items and the sold
    orders it serves. `search`: part of an order number, supplier, SKU or sold order id."""
    query = PurchaseOrder.select().order_by(PurchaseOrder.id.desc())
    if search:
        like = f"%{search}%"
        items = ItemRow.select(ItemRow.purchase).where(ItemRow.sku ** like)
        links = PurchaseLink.select(PurchaseLink.purchase).where(PurchaseLink.order_id ** like)
        query = query.where((PurchaseOrder.order_no ** like) | (PurchaseOrder.supplier ** like)
                            | PurchaseOrder.id.in_(items) | PurchaseOrder.id.in_(links))
    total = query.count()
    rows = list(query.limit(MAX_LISTED))
    stored = {s.id: s for s in _stored(rows)}
    out = []
    for r in rows:
        s = stored[r.id]
        out.append({"source": r.source, "order_no": r.order_no, "supplier": r.supplier, "status": r.status,
                    "currency": r.currency, "goods": _text(r.goods), "shipping": _text(r.shipping),
                    "adjustment": _text(r.adjustment), "total": _text(r.total),
                    "placed_at": r.placed_at.isoformat() if r.placed_at else None,
                    "paid_at": r.paid_at.isoformat() if r.paid_at else None, "self_delivery": r.self_delivery,
                    "placed_on": _local_day(r.placed_at, r.source), "paid_on": _local_day(r.paid_at, r.source),
                    "items": [{"sku": sku, "quantity": qty, "amount": _text(from_storage(units))}
                              for sku, qty, units in s.items],
                    "sold_orders": s.sold_orders})
    return {"total": total, "purchases": out}


def _local_day(when: datetime | None, source: str) -> str | None:
    """The day a purchase was placed or paid where its source keeps time: a 1688 order on China's calendar (one
    paid at 01:00 in Hangzhou is that day's, though it is the day before in UTC); the seller's CSV, whose dates
    are read as that day at 00:00 UTC, on the day written."""
    if when is None:
        return None
    return when.astimezone(ZoneInfo(PURCHASE_ZONES.get(source, "UTC"))).date().isoformat()


def _text(value) -> str:
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value.normalize())

"""The schema as the application sees it. Migrations under migrations/ are frozen copies of its history."""

from __future__ import annotations

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from companion.ledger.categories import PLATFORM
from companion.store.fields import MoneyField, UTCTimeField, now_utc

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Store(BaseModel):
    id = AutoField()
    platform = CharField(max_length=32)
    external_id = CharField(max_length=128)
    region = CharField(max_length=16, default="")
    name = CharField(max_length=200, unique=True)
    currency = CharField(max_length=3, default="")
    timezone = CharField(max_length=64, default="UTC")
    created_at = UTCTimeField(default=now_utc)
    # The source families (first part of the natural key) this store's lines came from, space-separated:
    # lines of one order from two families may supersede each other, lines of one family never do.
    families = TextField(default="")

    class Meta:
        indexes = ((("platform", "external_id"), True),)


class Order(BaseModel):
    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE")
    order_id = CharField(max_length=128)
    placed_at = UTCTimeField(null=True)
    currency = CharField(max_length=3, default="")

    class Meta:
        indexes = ((("store", "order_id"), True),)


class OrderLine(BaseModel):
    id = AutoField()
    order = ForeignKeyField(Order, on_delete="CASCADE")
    sku_id = CharField(max_length=128)
    sku_name = TextField(default="")
    msku = CharField(max_length=128, default="")
    quantity = IntegerField(default=0)
    unit_price = MoneyField(null=True)
    currency = CharField(max_length=3, default="")

    class Meta:
        indexes = ((("order", "sku_id"), True),)


class SettlementLine(BaseModel):
    """Indexes: (store, natural_key) unique, (order_id), (store, reference), (store, statement_id),
    (store, settled_time), and (store, COALESCE(order_time, settled_time)) for the order basis
    (migration 0003 writes that one; Peewee's model cannot)."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE", index=False)
    natural_key = TextField()
    digest = CharField(max_length=40)
    status = CharField(max_length=16)
    txn_type = CharField(max_length=64, default="")
    order_id = CharField(max_length=128, null=True)
    sku_id = CharField(max_length=128, null=True)
    sku_name = TextField(null=True)
    quantity = IntegerField(default=0)
    currency = CharField(max_length=3)
    order_time = UTCTimeField(null=True)
    settled_time = UTCTimeField(null=True)
    settled_time_approx = BooleanField(default=False)
    settlement_amount = MoneyField(default=0)
    source_fields = TextField(default="[]")  # drill-down: the platform's original fields, JSON
    extra = TextField(default="{}")
    capture = CharField(max_length=64, default="")  # the capture that last wrote this line
    created_at = UTCTimeField(default=now_utc)
    updated_at = UTCTimeField(default=now_utc)
    msku = CharField(max_length=128, null=True)  # the seller's own SKU code
    reference = CharField(max_length=128, null=True)  # the order or adjustment id the platform settles by
    detail = IntegerField(default=1)  # sources.model NET / SPLIT / SKU_SPLIT
    statement_id = CharField(max_length=128, null=True)
    superseded = BooleanField(default=False)  # a more detailed line of the same reference replaced it

    class Meta:
        indexes = (
            (("store", "natural_key"), True),
            (("order_id",), False),
            (("store", "reference"), False),
            (("store", "statement_id"), False),
            (("store", "settled_time"), False),
        )


for _key in PLATFORM:  # one exact column per platform category of the profit model
    SettlementLine._meta.add_field(_key, MoneyField(default=0))


class RawCapture(BaseModel):
    id = AutoField()
    capture_id = CharField(max_length=64, unique=True)
    site = CharField(max_length=32)
    kind = CharField(max_length=16)
    url = TextField(default="")
    name = TextField(default="")
    captured_at = UTCTimeField()
    received_at = UTCTimeField(default=now_utc)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    encoding = CharField(max_length=16)  # "frame": the capture message as JSON; "file": the file's bytes
    payload = BlobField()  # zlib-compressed
    adapter = CharField(max_length=64, default="")
    parser_version = IntegerField(default=0)
    outcome = CharField(max_length=16)  # parsed | unrecognized | error
    message = TextField(default="")
    added = IntegerField(default=0)
    updated = IntegerField(default=0)
    skipped = IntegerField(default=0)
    account = CharField(max_length=200, default="")  # the --account a file was imported with (for reparse)


class PairingToken(BaseModel):
    id = AutoField()
    name = CharField(max_length=200)
    token_hash = CharField(max_length=64, unique=True)
    created_at = UTCTimeField(default=now_utc)
    last_seen_at = UTCTimeField(null=True)
    revoked_at = UTCTimeField(null=True)


class Setting(BaseModel):
    key = CharField(max_length=100, primary_key=True)
    value = TextField()  # JSON
    updated_at = UTCTimeField(default=now_utc)


class ChangeLog(BaseModel):
    """One row per committed change to settlement data; its rev is what views count."""

    rev = IntegerField(primary_key=True)
    at = UTCTimeField(default=now_utc)
    source = CharField(max_length=16)  # capture | import | reset | edit | merge
    account = CharField(max_length=200, null=True)
    added = IntegerField(default=0)
    updated = IntegerField(default=0)
    removed = IntegerField(default=0)


class StatedTotal(BaseModel):
    """A total a platform states (a statement's amount, the on-hold total, a list's record count)."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE")
    kind = CharField(max_length=32)
    ref = CharField(max_length=128, default="")
    scope = TextField(default="")  # what the total covers, as JSON; "" for everything of its kind
    amount = MoneyField(null=True)
    currency = CharField(max_length=3, default="")
    count = IntegerField(null=True)
    at = UTCTimeField(null=True)
    capture = CharField(max_length=64, default="")
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("store", "kind", "ref", "scope"), True),)


class Coverage(BaseModel):
    """Which report (or capture type) brought lines of which store and month: report completeness."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE")
    month = CharField(max_length=7)
    report_type = CharField(max_length=64)
    capture = CharField(max_length=64)
    lines = IntegerField(default=0)
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("store", "month", "report_type", "capture"), True),)


class SkuCost(BaseModel):
    """A SKU's unit cost from `effective_from` (YYYY-MM-DD; "" for always) until the next version."""

    id = AutoField()
    sku_id = CharField(max_length=128)
    msku = CharField(max_length=128, null=True)
    effective_from = CharField(max_length=10, default="")
    unit_cost = MoneyField()
    currency = CharField(max_length=3)
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("sku_id", "effective_from"), True),)


class CustomFee(BaseModel):
    """A fee the seller adds: per store, per product (target: SKU ID or MSKU) or per order (target: order id)."""

    id = AutoField()
    level = CharField(max_length=8)  # store | product | order
    store = ForeignKeyField(Store, on_delete="CASCADE")
    target = CharField(max_length=128, default="")
    month = CharField(max_length=7)  # YYYY-MM the fee belongs to
    name = CharField(max_length=200, default="")
    amount = MoneyField()  # signed as the ledger signs it: a cost is negative
    currency = CharField(max_length=3)
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("level", "store", "target", "month", "name"), True),)


class FxRate(BaseModel):
    """1 `base` = `rate` `quote` on `day` (YYYY-MM-DD); used from that day until the next rate."""

    id = AutoField()
    day = CharField(max_length=10)
    base = CharField(max_length=3)
    quote = CharField(max_length=3)
    rate = CharField(max_length=40)  # exact decimal text
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("base", "quote", "day"), True),)


MODELS = (Store, Order, OrderLine, SettlementLine, RawCapture, PairingToken, Setting, ChangeLog, StatedTotal,
          Coverage, SkuCost, CustomFee, FxRate)


class LineEdit(BaseModel):
    """The seller's own figures for one settlement line (the Finance view's expense tab), keyed by the line's
    natural key so they stay with the line through re-syncs, re-imports and resets. None: not edited."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE", index=False)
    natural_key = TextField()
    settlement_price = MoneyField(null=True)  # replaces the platform's settlement amount of the line
    purchase_price = MoneyField(null=True)  # what the goods of the line cost (positive), instead of unit costs
    other_fees = MoneyField(null=True)  # other costs of the line (positive)
    purchase_order = CharField(max_length=128, null=True)  # the 1688 order the goods were bought with
    updated_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("store", "natural_key"), True),)


class EditLog(BaseModel):
    """Every inline edit: what it was, what it became, when; an undo is an edit of its own that names the
    edit it took back."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE", index=False)
    natural_key = TextField()
    field = CharField(max_length=32)
    old = TextField(null=True)  # the edited value before (decimal text or text); None: not edited
    new = TextField(null=True)
    at = UTCTimeField(default=now_utc)
    undo_of = IntegerField(null=True)
    undone = BooleanField(default=False)

    class Meta:
        indexes = ((("store", "natural_key"), False),)


MODELS = (*MODELS, LineEdit, EditLog)


class SyncSchedule(BaseModel):
    """A store's auto-sync: every N minutes, or at times of day in the store's zone ("09:00,21:00")."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE", unique=True)
    every_seconds = IntegerField(null=True)
    at_times = CharField(max_length=200, default="")
    next_run_at = UTCTimeField(null=True)  # when it is due next: a start-up finding it past runs it once
    last_run_at = UTCTimeField(null=True)
    last_status = CharField(max_length=32, default="")
    last_message = TextField(default="")
    last_code = CharField(max_length=64, default="")  # last_message's catalog code and params (JSON), for the view
    last_params = TextField(default="")
    updated_at = UTCTimeField(default=now_utc)
    claimed_at = UTCTimeField(null=True)  # the last scheduled run a daemon claimed (team mode: one runs it)


class SyncRun(BaseModel):
    """One Sync Settlement, whoever started it, and how it ended."""

    id = AutoField()
    store = ForeignKeyField(Store, on_delete="CASCADE", null=True)
    account = CharField(max_length=200, default="")
    site = CharField(max_length=32, default="")
    trigger = CharField(max_length=16)  # schedule | catch-up | manual | tray
    via = CharField(max_length=16, default="")  # extension | browser
    status = CharField(max_length=32)  # running | done | error | login_expired | browser_missing | timeout | skipped
    pages = IntegerField(default=0)
    records = IntegerField(default=0)
    started_at = UTCTimeField(default=now_utc)
    finished_at = UTCTimeField(null=True)
    duration_ms = IntegerField(null=True)
    error = TextField(default="")
    error_code = CharField(max_length=64, default="")  # the error's catalog code and params (JSON), for the view
    error_params = TextField(default="")


MODELS = (*MODELS, SyncSchedule, SyncRun)


class PurchaseOrder(BaseModel):
    """One purchase order (a 1688 order, a row group of the seller's purchase CSV), keyed by (source,
    order_no): a capture of the same order again updates this row (unpaid → paid), never adds one.
    Amounts are positive, in `currency`."""

    id = AutoField()
    source = CharField(max_length=16)  # 1688 | csv
    order_no = CharField(max_length=128)
    supplier = TextField(default="")
    status = CharField(max_length=16)  # unpaid | paid | shipped | received | cancelled | refunded
    currency = CharField(max_length=3)
    goods = MoneyField(default=0)
    shipping = MoneyField(default=0)
    adjustment = MoneyField(default=0)  # the supplier's discount (negative) or price rise (positive)
    total = MoneyField(default=0)
    placed_at = UTCTimeField(null=True)
    paid_at = UTCTimeField(null=True)
    self_delivery = BooleanField(default=False)
    capture = CharField(max_length=64, default="")  # the capture or file that last wrote it
    recorded_at = UTCTimeField(default=now_utc)
    updated_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("source", "order_no"), True),)


class PurchaseItem(BaseModel):
    """A goods line of a purchase; `sku` as the source names it (a supplier SKU, or the shop SKU itself)."""

    id = AutoField()
    purchase = ForeignKeyField(PurchaseOrder, on_delete="CASCADE")
    position = IntegerField(default=0)
    sku = CharField(max_length=128)
    name = TextField(default="")
    quantity = IntegerField(default=0)
    unit_price = MoneyField(default=0)
    amount = MoneyField(default=0)
    supplier_item = CharField(max_length=128, default="")

    class Meta:
        indexes = ((("sku",), False),)


class PurchaseLink(BaseModel):
    """A purchase serves this platform order (any store's: an order id is what the seller typed or 1688 kept)."""

    id = AutoField()
    purchase = ForeignKeyField(PurchaseOrder, on_delete="CASCADE")
    order_id = CharField(max_length=128)

    class Meta:
        indexes = ((("purchase", "order_id"), True), (("order_id",), False))


class SkuMap(BaseModel):
    """A supplier SKU is this shop SKU: in one store (`store` set) or in every store (NULL). A store's own
    entry wins over the global one (store/sku_map.py)."""

    id = AutoField()
    supplier_sku = CharField(max_length=128)
    store = ForeignKeyField(Store, on_delete="CASCADE", null=True)
    sku_id = CharField(max_length=128)
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("supplier_sku", "store"), True),)


MODELS = (*MODELS, PurchaseOrder, PurchaseItem, PurchaseLink, SkuMap)
class UnitCharge(BaseModel):
    """A per-unit cost besides the purchase price (seed 002's first-leg, last-leg and other costs) of a SKU from
    `effective_from` (YYYY-MM-DD; "" for always) until the next version of the same kind; `shipment`: the
    head-haul shipment it was spread from, "" for a per-unit figure."""

    id = AutoField()
    kind = CharField(max_length=16)  # first_leg | last_leg | other
    sku_id = CharField(max_length=128)
    effective_from = CharField(max_length=10, default="")
    unit_cost = MoneyField()
    currency = CharField(max_length=3)
    shipment = CharField(max_length=128, default="")
    recorded_at = UTCTimeField(default=now_utc)

    class Meta:
        indexes = ((("kind", "sku_id", "effective_from"), True),)


MODELS = (*MODELS, UnitCharge)


class TeamEvent(BaseModel):
    """Events about shared data besides settlement changes, for the other daemons on one PostgreSQL schema
    (companion/store/team_events.py): `events` is the JSON list the daemon that made the change published;
    `origin` names that process, which published them already."""

    id = AutoField()
    origin = CharField(max_length=32)
    events = TextField()


MODELS = (*MODELS, TeamEvent)

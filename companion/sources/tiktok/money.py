"""TikTok JSON money: read every money field of a record, split it into categories through `fields.FIELDS`.

Shared by the Open API and the Seller Center adapters, so the same money lands in the same category whichever
way it arrives. Also the small readers both need (IDs, Unix times, statement amounts, lines of one key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations

from companion.errors import coded
from companion.ledger.money import ZERO, MoneyError, parse_amount
from companion.sources import cells
from companion.sources.mapping import INFO, PER_ROW, SUBTOTAL, TOTAL, Book, book_of, by_sign, fills_gap
from companion.sources.model import Line, SourceError, SourceField
from companion.sources.tiktok.fields import EITHER, FIELDS, SETTLEMENT, canonical, known

# 202501 subtotal → its breakdown and the category its money goes to when the breakdown is missing.
COMPONENTS = (("revenue", "revenue_breakdown", "sales"),
              ("shipping_cost", "shipping_cost_breakdown", "platform_logistics"),
              ("fee_tax", "fee_tax_breakdown", "other_platform_fee"))

_MONEY_WORDS = ("amount", "fee", "commission", "tax", "subsidy", "discount", "reimbursement", "incentive",
                "rebate", "compensation", "cost", "duty", "vat", "gst", "sst", "iva", "isr", "bonus")
_NOT_MONEY = ("_id", "_time", "_name", "_status", "_reason", "_type", "_version", "_token", "_count", "_rate",
              "quantity", "currency", "_date", "_cipher")
SKU_LISTS = ("sku_statement_transactions", "sku_transactions")
_SUPPLEMENTARY = "supplementary_component"

@dataclass(frozen=True)
class Money:
    """One money field of a record, under the platform's own name."""

    name: str
    key: str  # canonical(name)
    amount: Decimal
    info: bool = False  # another view of money counted elsewhere (a supplementary breakdown): never counted
    nested: bool = False  # read from inside a breakdown object
    category: str | None = None  # counted here (flagged unmapped) whatever the table says


@dataclass
class Split:
    amounts: dict[str, Decimal]
    fields: list[SourceField]
    extra: dict[str, str]
    settlement: Decimal


def split(items: Iterable[Money], settlement: Decimal | None, adjustment_to: str, is_order: bool) -> Split:
    """Money fields → category amounts that add up exactly to `settlement` (when it is stated).

    Mapped fields count; subtotals and other views are drill-down only. What is still missing to reach the
    settlement is explained, in this order, by the conditional taxes, then by fields no table knows (all of
    them, under other_income / other_platform_fee), and what remains is counted as `unexplained` under the
    nearest category (an adjustment's own category, other_income or other_platform_fee) and said in extra."""
    items = list(items)
    amounts: dict[str, Decimal] = {}
    fields: list[SourceField] = []
    extra: dict[str, str] = {}

    def count(item: Money, category: str, unmapped: bool) -> None:
        amounts[category] = amounts.get(category, ZERO) + item.amount
        fields.append(SourceField(item.name, item.amount, category, unmapped))

    first: dict[str, Money] = {}  # the first field of each key: another name for it (an alias) is a view
    for item in items:
        if not item.info and item.category is None and item.amount:
            first.setdefault(item.key, item)
    views: dict[str, str] = {}  # part → its aggregate; flat records only (202501 has them in supplementary_component)
    for aggregate, members in EITHER:
        if aggregate in first and not first[aggregate].nested and aggregate not in views:
            for member in members:
                views.setdefault(member, aggregate)
    conditional: list[Money] = []
    loose: list[Money] = []
    parts: dict[str, list[Money]] = {}  # aggregate → its parts seen: a view of it, unless the sum says not
    for item in items:
        entry = FIELDS.get(item.key)
        if not item.amount or (entry is TOTAL and item.category is None):
            continue
        if item.category is not None:
            count(item, item.category, True)
        elif item.key in views and not item.nested and isinstance(entry, Book) and not item.info \
                and first[item.key].name == item.name:
            parts.setdefault(views[item.key], []).append(item)
        elif item.info or first[item.key].name != item.name or (item.key in views and not item.nested) \
                or entry is SUBTOTAL or entry is INFO:
            fields.append(SourceField(item.name, item.amount, None, entry is None))
        elif entry is PER_ROW:
            count(item, adjustment_to, False)
        elif isinstance(entry, Book) and entry.conditional:
            conditional.append(item)
        elif isinstance(entry, Book):
            count(item, entry.category_for(item.amount), not entry.mapped)
        else:
            loose.append(item)
    counted = sum(amounts.values(), ZERO)
    if settlement is None:
        settlement = counted
    # The platform's arithmetic decides: the parts of an aggregate that are exactly what the settlement still
    # misses are summands beside it (202309's shipping_fee_subsidy and shipping_cost_discount), not a view of it.
    summands = _groups(list(parts.values()), settlement - counted)
    for group in parts.values():
        for item in group:
            if any(group is g for g in summands):
                entry = book_of(FIELDS, item.key)
                count(item, entry.category_for(item.amount), not entry.mapped)
            else:
                fields.append(SourceField(item.name, item.amount, None, False))
    counted = sum(amounts.values(), ZERO)
    chosen = {id(i) for i in _subset(conditional, settlement - counted)}
    for item in conditional:
        if id(item) in chosen:
            count(item, book_of(FIELDS, item.key).category_for(item.amount), False)
        else:
            fields.append(SourceField(item.name, item.amount, None, False))
    missing = settlement - sum(amounts.values(), ZERO)
    explains = fills_gap((i.amount for i in loose), missing)
    for item in loose:
        if explains:
            count(item, by_sign(item.amount), True)
        else:
            fields.append(SourceField(item.name, item.amount, None, True))
    missing = settlement - sum(amounts.values(), ZERO)
    if missing:
        if not is_order and not amounts:  # an adjustment told only by its settlement amount
            count(Money("settlement_amount", SETTLEMENT, missing), adjustment_to, False)
        else:
            category = adjustment_to if not is_order else by_sign(missing)
            count(Money("unexplained", "unexplained", missing), category, True)
            extra["unexplained"] = str(missing)
    return Split({k: v for k, v in amounts.items() if v}, fields, extra, settlement)


def _groups(groups: list[list[Money]], wanted: Decimal) -> tuple[list[Money], ...]:
    """The fewest groups of parts whose money is exactly `wanted` (none when nothing is missing)."""
    if not wanted:
        return ()
    for size in range(1, len(groups) + 1):
        for chosen in combinations(groups, size):
            if sum((i.amount for g in chosen for i in g), ZERO) == wanted:
                return chosen
    return ()


def _subset(items: list[Money], wanted: Decimal) -> tuple[Money, ...]:
    """The smallest group of conditional taxes that is exactly what the settlement still misses."""
    if not wanted or not items or len(items) > 12:
        return ()
    for size in range(1, len(items) + 1):
        for group in combinations(items, size):
            if sum((i.amount for i in group), ZERO) == wanted:
                return group
    return ()


def money_of(value: object, name: str) -> Decimal | None:
    """An amount from a JSON value: a string, a number, or an {amount|value, currency} object."""
    if isinstance(value, dict):
        for key in ("amount", "value"):
            if key in value and not isinstance(value[key], dict):
                return money_of(value[key], name)
        return None
    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_amount(value) if isinstance(value, str) else cells.money(value)
    except MoneyError as exc:
        raise SourceError.of("tiktok_at", where=name, problem=coded(exc.code, exc.params, exc.message)) from exc
    except SourceError as exc:
        raise SourceError.of("tiktok_at", where=name, problem=exc.said()) from exc


def _is_money_key(key: str, nested: bool) -> bool:
    lowered = key.lower()
    if lowered.endswith(_NOT_MONEY) or lowered in ("id", "type", "status"):
        return False
    return nested or lowered.endswith("_amount") or known(canonical(key)) or any(w in lowered for w in _MONEY_WORDS)


def read_money(record: dict) -> tuple[list[Money], dict[str, object]]:
    """Every money field of a record, nested breakdowns included (fields inside a supplementary_component are
    other views: kept, never counted); the record's other scalar values, for extra. SKU lists are left to
    the caller."""
    items: list[Money] = []
    scalars: dict[str, object] = {}
    _walk(record, items, scalars, set(SKU_LISTS), nested=False, info=False, prefix="")
    if any(k.endswith("_breakdown") for k in record):  # 202501: a subtotal without its breakdown still counts
        for subtotal, breakdown, category in COMPONENTS:
            parts = record.get(breakdown)
            if isinstance(parts, dict) and any(i.amount for i in _breakdown_items(parts)):
                continue
            items = [replace(i, category=category) if i.key == subtotal and not i.nested and i.amount else i
                     for i in items]
    return items, scalars


def _breakdown_items(parts: dict) -> list[Money]:
    found: list[Money] = []
    _walk(parts, found, {}, set(), nested=True, info=False, prefix="")
    return found


def _walk(obj: dict, items: list[Money], scalars: dict[str, object], skipped: set[str], nested: bool, info: bool,
          prefix: str) -> None:
    for key, value in obj.items():
        if key in skipped or isinstance(value, list):
            continue
        if isinstance(value, dict):
            if ("amount" in value or "value" in value) and _is_money_key(key, nested):
                amount = money_of(value, key)
                if amount is not None:
                    items.append(Money(prefix + key, canonical(key), amount, info, nested))
                continue
            inner = key == _SUPPLEMENTARY
            _walk(value, items, scalars, set(), True, info or inner, prefix + (f"{key}." if inner else ""))
            continue
        if _is_money_key(key, nested) and not isinstance(value, bool):
            try:
                amount = money_of(value, key)
            except SourceError:
                if key.lower().endswith("_amount"):
                    raise
                amount = None
            if amount is not None:
                items.append(Money(prefix + key, canonical(key), amount, info, nested))
                continue
        if not nested and value is not None and value != "":
            scalars[key] = value


def settlement_of(items: list[Money]) -> Decimal | None:
    return next((i.amount for i in items if i.key == SETTLEMENT and not i.nested and not i.info), None)


# ---------------------------------------------------------------------------------------------------------
# Small readers the Open API and Seller Center adapters share.

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def text_id(value: object, what: str = "ID") -> str:
    """IDs stay text; an ID that arrived as a JSON float may have lost digits and is refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (bool, float)):
        raise SourceError.of("tiktok_id_lost_digits", what=what, value=value, type=type(value).__name__)
    if isinstance(value, int):
        return str(value)
    raise SourceError.of("tiktok_not_an_id", what=what, value=value)


def answered(what: str, body: dict) -> SourceError:
    """A response whose envelope carries an error code instead of data: the code and TikTok's own message."""
    reason = str(body.get("message") or "").strip()
    if reason:
        return SourceError.of("tiktok_answered_code", what=what, answer=body.get("code"), reason=reason)
    return SourceError.of("tiktok_answered_code_bare", what=what, answer=body.get("code"))


def instant(value: object, what: str = "time") -> datetime | None:
    """A Unix time (seconds, or milliseconds when that large) or an ISO text, as an aware UTC datetime."""
    if value is None or value == "" or value == 0 or value == "0" or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        try:
            return EPOCH + (timedelta(milliseconds=value) if value > 100_000_000_000 else timedelta(seconds=value))
        except OverflowError as exc:
            raise SourceError.of("tiktok_not_unix_time", what=what, value=value) from exc
    if isinstance(value, str):
        try:
            return cells.when(value, "UTC")
        except SourceError as exc:
            raise SourceError.of("tiktok_not_unix_time_or_date", what=what, value=value) from exc
    raise SourceError.of("tiktok_not_unix_time", what=what, value=value)


_SCOPE_FIELDS = (
    ("revenue", ("revenue_amount", "total_revenue_amount")),
    ("earning", ("earning_amount",)),
    ("fee", ("fee_amount", "fees", "fee_tax_amount", "total_fee_tax_amount")),
    ("adjustment", ("adjustment_amount", "adjust_amount", "total_adjustment_amount")),
    ("shipping", ("shipping_cost_amount", "shipping_amount", "total_shipping_cost_amount")),
    ("net_sales", ("net_sales_amount",)),
    ("reserve", ("reserve_amount", "total_reserve_amount")),
    ("payable", ("payable_amount",)),
)


_SCOPE_TEXT = ("payment_id", "payment_status")  # which payment pays the statement, and how far it has got


def statement_scope(*records: dict) -> tuple[tuple[str, str], ...]:
    """A statement's revenue / fee / … amounts, as Stated.scope (amounts written without trailing zeros), and
    its payment id and payment status as the platform writes them (the payments report shows them)."""
    scope = []
    for label, names in _SCOPE_FIELDS:
        for record in records:
            value = next((record[n] for n in names if n in record and record[n] not in (None, "")), None)
            amount = money_of(value, label) if value is not None else None
            if amount is not None:
                scope.append((label, _plain(amount)))
                break
    for name in _SCOPE_TEXT:
        value = next((r[name] for r in records if isinstance(r.get(name), (str, int))
                      and not isinstance(r[name], bool) and str(r[name]).strip()), None)
        if value is not None:
            scope.append((name, str(value).strip()))
    return tuple(scope)


def _plain(amount: Decimal) -> str:
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def merge_same_keys(lines: list[Line]) -> list[Line]:
    """Lines of one response that share a natural key (a sale and its refund in one statement) become one
    line with the sum of both, so the store, which keeps the last line of a key, loses nothing."""
    kept: dict[tuple[str, ...], Line] = {}
    for line in lines:
        same = kept.get(line.key)
        if same is None:
            kept[line.key] = line
            continue
        same.settlement_amount += line.settlement_amount
        for category, amount in line.amounts.items():
            same.amounts[category] = same.amounts.get(category, ZERO) + amount
        same.amounts = {k: v for k, v in same.amounts.items() if v}
        same.fields.extend(line.fields)
        same.quantity += line.quantity
        if "unexplained" in line.extra or "unexplained" in same.extra:
            same.extra["unexplained"] = str(Decimal(same.extra.get("unexplained", "0"))
                                            + Decimal(line.extra.get("unexplained", "0")))
        same.extra["merged"] = str(int(same.extra.get("merged", "1")) + 1)
        if line.txn_type != same.txn_type and line.txn_type not in same.txn_type.split("+"):
            same.txn_type = f"{same.txn_type}+{line.txn_type}"
    return list(kept.values())

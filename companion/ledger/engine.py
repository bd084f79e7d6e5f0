"""The profit engine: grouped settlement sums, costs, custom fees and rates → the report's rows. Pure.

Everything is computed in storage units (integers of 1/10000), so sums, allocations and conversions are
exact and every part adds up to its whole. The store groups lines into `Bucket`s (store, currency, SKU,
MSKU, order, time slice, settled or not); a slice lies inside one month of the store's time zone (and
inside one day when converting currencies, and inside one cost version). From there:

- rows are keyed by the chosen dimension (store, SKU, MSKU or order);
- money with no SKU (or no order, by order) is spread over the rows of the same store and month by
  share of sales; with none to spread over it stays on an "(unallocated)" row;
- purchase cost = units sold × the SKU's unit cost of that day (negative, in the cost's currency);
- custom fees: store fees spread like the money above, product fees onto their SKU or MSKU (spread over
  its SKUs by sales), order fees onto their order; each into its own category;
- in order basis, unsettled lines count at the amount the platform shows for them; one the platform
  shows no amount for is estimated from the last settled line of the same SKU; both are marked;
- with a reporting currency every amount is converted at the rate of its own day, and the rates used
  are listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from companion.ledger import allocation, sales_tax
from companion.ledger.categories import ALL, GROUPS
from companion.ledger.fx import RateBook, Used
from companion.ledger.money import fmt_units

N = len(ALL)
MOVING_AVERAGE = "moving_average"
_AT = {key: i for i, key in enumerate(ALL)}
_SALES = _AT["sales"]
_PURCHASE = _AT["purchase_cost"]
_FEE_CATEGORY = {"store": _AT["store_other_fee"], "product": _AT["product_other_fee"], "order": _AT["order_other_fee"]}
_GROUP_SLOTS = {group: [_AT[k] for k in keys] for group, keys in GROUPS.items()}
UNALLOCATED = "(unallocated)"


@dataclass(frozen=True)
class Slice:
    """A span of one store's time inside one month (and day / cost version): what a bucket's time falls in."""

    month: str  # YYYY-MM in the store's zone
    day: date  # the slice's first day in the store's zone (the rate and cost version of the slice)


@dataclass
class Bucket:
    store_id: int
    currency: str
    sku: str | None
    msku: str | None
    order: str | None
    slice: int
    settled: bool
    quantity: int
    cost_quantity: int  # units sold: quantity of lines that still have net sales
    settlement: int
    categories: tuple[int, ...]  # PLATFORM order, storage units
    zero_unsettled: int = 0  # unsettled lines the platform shows no amount for (order basis): their quantity
    extra_cost: int = 0  # purchase cost the seller entered for lines (negative), instead of their unit costs
    extra_fee: int = 0  # other fees the seller entered for lines (negative): order other fees


@dataclass(frozen=True)
class CostVersion:
    sku: str
    since: date | None
    unit_cost: int  # storage units
    currency: str


@dataclass(frozen=True)
class UnitCharge:
    """A per-unit first-leg, last-leg or other cost of a SKU from `since` (ledger/unit_charges.py)."""

    kind: str  # first_leg | last_leg | other: the category `<kind>_cost`
    sku: str
    since: date | None
    unit_cost: int  # storage units
    currency: str


@dataclass(frozen=True)
class Fee:
    store_id: int
    level: str  # store | product | order
    target: str
    month: str
    amount: int  # storage units, signed (a cost negative)
    currency: str
    name: str = ""
    category: str = ""  # the category it goes into; "" for the custom fee of its level (a last-leg cost: see costs)


@dataclass(frozen=True)
class UnitEstimate:
    """The last settled line of a SKU: its settlement and categories for `quantity` units."""

    quantity: int
    settlement: int
    categories: tuple[int, ...]  # PLATFORM order


@dataclass
class Inputs:
    by: str  # store | sku | msku | order
    store_names: dict[int, str]
    slices: dict[int, list[Slice]]  # store id → its slices, by index
    buckets: list[Bucket]
    costs: list[CostVersion] = field(default_factory=list)
    msku_of_sku: dict[str, str] = field(default_factory=dict)
    fees: list[Fee] = field(default_factory=list)
    fee_months: dict[int, set[str]] = field(default_factory=dict)  # store → months whose fees count
    estimates: dict[tuple[int, str, str], UnitEstimate] = field(default_factory=dict)  # (store, sku, cur)
    # ("product", store, target) → {order: sales} and ("order", store, order) → {sku: sales}: where a
    # product fee goes in a report by order, and an order fee in a report by SKU
    links: dict[tuple[str, int, str], dict[str, int]] = field(default_factory=dict)
    currency: str | None = None  # convert everything to this currency
    rates: RateBook | None = None
    charges: list[UnitCharge] = field(default_factory=list)
    # store → its moving-average cost versions (ledger.costing), for stores whose costing is moving_average:
    # a sale's cost is the average in force on its day, else (before the SKU's first purchase) its fixed cost
    store_costs: dict[int, list[CostVersion]] = field(default_factory=dict)
    costing: dict[int, str] = field(default_factory=dict)  # store → fixed | moving_average, for the rules
    # stores whose seller shows sales with tax (ledger.sales_tax); spreading still weighs sales without it
    sales_tax_included: frozenset[int] = frozenset()


@dataclass
class Acc:
    """One report row while it is being built."""

    quantity: int = 0
    settlement: int = 0
    estimated: int = 0
    allocated: int = 0
    weight: int = 0  # sales, for spreading
    cats: list[int] = field(default_factory=lambda: [0] * N)


@dataclass
class Result:
    rows: list[dict]
    totals_by_currency: dict[str, dict]
    rules: list[str]
    rates_used: list[dict]
    missing_costs: list[str]
    estimated_from_sku: int


def _key(inputs: Inputs, b: Bucket) -> str | None:
    if inputs.by == "sku":
        return b.sku
    if inputs.by == "msku":  # the seller's mapping first, then the platform's; a SKU without one is its own row
        if not b.sku:
            return b.msku
        return inputs.msku_of_sku.get(b.sku) or b.msku or b.sku
    if inputs.by == "order":
        return b.order
    return ""


class _Converter:
    def __init__(self, inputs: Inputs) -> None:
        self.target = inputs.currency
        self.rates = inputs.rates
        self.used: dict[tuple, Used] = {}

    def __call__(self, units: int, currency: str, day: date) -> tuple[int, str]:
        if self.target is None or currency == self.target or units == 0:
            return units, (self.target or currency)
        assert self.rates is not None
        converted, used = self.rates.convert_units(units, currency, self.target, day)
        if used is not None:
            self.used[(used.rate.base, used.rate.quote, used.rate.day, used.inverted)] = used
        return converted, self.target


def compute(inputs: Inputs) -> Result:
    convert = _Converter(inputs)
    rows: dict[tuple[int, str | None, str], Acc] = {}  # (store, key, currency) → row
    # per (store, month, currency): the keyed rows and their sales, for spreading
    month_rows: dict[tuple[int, str], dict[tuple[int, str | None, str], int]] = {}
    unkeyed: list[tuple[Bucket, str, int, list[int], int]] = []  # money to spread: (bucket, cur, settle, cats, est)
    costs = _cost_index(inputs.costs)
    charges = _charge_index(inputs.charges)
    averages = {store_id: _cost_index(v) for store_id, v in inputs.store_costs.items()}
    missing_costs: set[str] = set()
    estimated_from_sku = 0

    def row(store_id: int, key: str | None, currency: str) -> Acc:
        found = rows.get((store_id, key, currency))
        if found is None:
            found = rows[(store_id, key, currency)] = Acc()
        return found

    for b in sorted(inputs.buckets, key=lambda b: (b.store_id, b.slice)):  # earliest first: stable messages
        s = inputs.slices[b.store_id][b.slice]
        cats = list(b.categories)
        settlement = b.settlement
        estimated = 0
        if b.zero_unsettled and b.sku:
            guess = inputs.estimates.get((b.store_id, b.sku, b.currency))
            if guess is not None and guess.quantity > 0:
                cats = [c + _scale(g, b.zero_unsettled, guess.quantity)
                        for c, g in zip(cats, guess.categories, strict=True)]
                settlement += _scale(guess.settlement, b.zero_unsettled, guess.quantity)
                estimated_from_sku += 1
        if not b.settled:
            estimated = settlement
        values = [0] * N
        for i, units in enumerate(cats):
            values[i] = units
        currency = b.currency
        if inputs.currency and currency != inputs.currency:
            settlement, _ = convert(settlement, currency, s.day)
            estimated, _ = convert(estimated, currency, s.day)
            values = [convert(v, currency, s.day)[0] for v in values]
            currency = inputs.currency
        key = _key(inputs, b)
        if key is None and inputs.by != "store":
            unkeyed.append((b, currency, settlement, values, estimated))
        else:
            acc = row(b.store_id, key, currency)
            acc.quantity += b.quantity
            acc.settlement += settlement
            acc.estimated += estimated
            acc.weight += values[_SALES]
            acc.cats = [x + y for x, y in zip(acc.cats, values, strict=True)]
            month_rows.setdefault((b.store_id, s.month), {})
            keyed = month_rows[(b.store_id, s.month)]
            keyed[(b.store_id, key, currency)] = keyed.get((b.store_id, key, currency), 0) + values[_SALES]
        target_key = key if key is not None else (b.sku if inputs.by == "sku" else None)
        if target_key is None and inputs.by != "store":
            target_key = UNALLOCATED
        if b.sku and b.cost_quantity:
            version = None
            if b.store_id in averages:
                version = _version(averages[b.store_id].get(b.sku), s.day)
            if version is None:
                version = _version(costs.get(b.sku), s.day)
            if version is None:
                if b.cost_quantity > 0:  # a correction taking back units of a SKU without cost takes back nothing
                    missing_costs.add(b.sku)
            else:
                units, cur = convert(-version.unit_cost * b.cost_quantity, version.currency, s.day)
                acc = row(b.store_id, target_key, cur)
                acc.cats[_PURCHASE] += units
        for kind, versions in charges.get(b.sku, {}).items() if b.sku and b.cost_quantity else ():
            charge = _version(versions, s.day)
            if charge is not None:
                units, cur = convert(-charge.unit_cost * b.cost_quantity, charge.currency, s.day)
                row(b.store_id, target_key, cur).cats[_AT[f"{kind}_cost"]] += units
        for slot, amount in ((_PURCHASE, b.extra_cost), (_FEE_CATEGORY["order"], b.extra_fee)):
            if amount:
                units, cur = convert(amount, b.currency, s.day)
                row(b.store_id, target_key, cur).cats[slot] += units

    # money that belongs to no SKU / order: spread over the store's rows of the same month by sales
    for b, currency, settlement, values, estimated in unkeyed:
        s = inputs.slices[b.store_id][b.slice]
        targets = [k for k in month_rows.get((b.store_id, s.month), {}) if k[2] == currency]
        if not targets:
            acc = row(b.store_id, UNALLOCATED, currency)
            acc.quantity += b.quantity
            acc.settlement += settlement
            acc.estimated += estimated
            acc.cats = [x + y for x, y in zip(acc.cats, values, strict=True)]
            continue
        weights = [month_rows[(b.store_id, s.month)][k] for k in targets]
        shares = {name: allocation.split_units(v, weights) for name, v in (("settlement", settlement),
                                                                           ("estimated", estimated))}
        per_category = [allocation.split_units(v, weights) if v else None for v in values]
        for j, k in enumerate(targets):
            acc = rows[k]
            acc.settlement += shares["settlement"][j]
            acc.estimated += shares["estimated"][j]
            moved = 0
            for i, parts in enumerate(per_category):
                if parts is not None:
                    acc.cats[i] += parts[j]
                    moved += parts[j]
            acc.allocated += moved

    _apply_fees(inputs, rows, month_rows, row, convert)
    out = []
    per_currency: dict[str, Acc] = {}
    for (store_id, key, currency), acc in sorted(rows.items(), key=lambda kv: (
            inputs.store_names[kv[0][0]], kv[0][1] or "", kv[0][2])):
        # a row's sums as its store shows them, after every spread: the one place the choice applies
        acc.cats = sales_tax.shown(acc.cats, store_id in inputs.sales_tax_included)
        out.append(_row_json(inputs, store_id, key, currency, acc))
        total = per_currency.setdefault(currency, Acc())
        total.quantity += acc.quantity
        total.settlement += acc.settlement
        total.estimated += acc.estimated
        total.allocated += acc.allocated
        total.cats = [x + y for x, y in zip(total.cats, acc.cats, strict=True)]
    totals = {cur: body(t.cats, t.settlement, t.quantity, t.estimated, t.allocated)
              for cur, t in sorted(per_currency.items())}
    rules = _rules(inputs)
    rates_used = [dict(u.rate.json(), inverted=u.inverted) for u in sorted(
        convert.used.values(), key=lambda u: (u.rate.base, u.rate.quote, u.rate.day))]
    return Result(out, totals, rules, rates_used, sorted(missing_costs), estimated_from_sku)


def _scale(units: int, quantity: int, per: int) -> int:
    """units × quantity / per, rounded half to even: a category of a line scaled to another quantity."""
    q, r = divmod(units * quantity, per)
    if 2 * r > per or (2 * r == per and q % 2):
        q += 1
    return q


def _apply_fees(inputs: Inputs, rows, month_rows, row, convert) -> None:
    for fee in inputs.fees:
        if fee.month not in inputs.fee_months.get(fee.store_id, set()):
            continue
        slot = _AT[fee.category] if fee.category else _FEE_CATEGORY[fee.level]
        day = date(int(fee.month[:4]), int(fee.month[5:]), 1)
        amount, currency = convert(fee.amount, fee.currency, day)
        if inputs.by == "store":
            row(fee.store_id, "", currency).cats[slot] += amount
            continue
        targets = _fee_targets(inputs, fee, month_rows.get((fee.store_id, fee.month), {}))
        if not targets:
            own = (fee.level == "product" and inputs.by in ("sku", "msku")) or (fee.level == "order"
                                                                                 and inputs.by == "order")
            key = (_msku_of(inputs, fee.target) if inputs.by == "msku" else fee.target) if own else UNALLOCATED
            row(fee.store_id, key, currency).cats[slot] += amount
            continue
        keys = list(targets)
        for k, part in zip(keys, allocation.split_units(amount, [targets[k] for k in keys]), strict=True):
            target = row(k[0], k[1], currency)
            target.cats[slot] += part
            if len(keys) > 1:  # spread by share of sales, not simply placed
                target.allocated += part


def _msku_of(inputs: Inputs, sku: str) -> str:
    return inputs.msku_of_sku.get(sku) or sku


def _fee_targets(inputs: Inputs, fee: Fee, keyed: dict) -> dict:
    """The rows of the fee's store and month it lands on, each with the weight it is spread by: a store fee
    over every row by sales; a product fee (target: a SKU ID or an MSKU) over that product's rows, or by
    order over the orders that sold it; an order fee onto its order, or by SKU over the order's SKUs."""
    if fee.level == "store":
        return dict(keyed)
    if fee.level == "product":
        skus = {fee.target} | {sku for sku, msku in inputs.msku_of_sku.items() if msku == fee.target}
        if inputs.by == "sku":
            return {k: w for k, w in keyed.items() if k[1] in skus}
        if inputs.by == "msku":
            wanted = _msku_of(inputs, fee.target)
            return {k: w for k, w in keyed.items() if k[1] == wanted}
        linked = inputs.links.get(("product", fee.store_id, fee.target), {})
        return {k: linked[k[1]] for k in keyed if k[1] in linked}
    if inputs.by == "order":
        return {k: w for k, w in keyed.items() if k[1] == fee.target}
    linked = inputs.links.get(("order", fee.store_id, fee.target), {})
    if inputs.by == "msku":
        by_msku: dict[str, int] = {}
        for sku, weight in linked.items():
            by_msku[_msku_of(inputs, sku)] = by_msku.get(_msku_of(inputs, sku), 0) + weight
        linked = by_msku
    return {k: linked[k[1]] for k in keyed if k[1] in linked}


def _cost_index(costs: Iterable[CostVersion]) -> dict[str, list[CostVersion]]:
    index: dict[str, list[CostVersion]] = {}
    for c in costs:
        index.setdefault(c.sku, []).append(c)
    for versions in index.values():
        versions.sort(key=lambda v: v.since or date.min)
    return index


_V = TypeVar("_V", CostVersion, UnitCharge)


def _charge_index(charges: Iterable[UnitCharge]) -> dict[str, dict[str, list[UnitCharge]]]:
    """SKU → kind → its versions, earliest first."""
    index: dict[str, dict[str, list[UnitCharge]]] = {}
    for c in charges:
        index.setdefault(c.sku, {}).setdefault(c.kind, []).append(c)
    for kinds in index.values():
        for versions in kinds.values():
            versions.sort(key=lambda v: v.since or date.min)
    return index


def _version(versions: list[_V] | None, day: date) -> _V | None:
    if not versions:
        return None
    chosen = None
    for v in versions:
        if v.since is None or v.since <= day:
            chosen = v
    return chosen


def _row_json(inputs: Inputs, store_id: int, key: str | None, currency: str, acc: Acc) -> dict:
    name = inputs.store_names[store_id]
    if inputs.by == "store":
        key_json = {"account": name}
    else:
        field_name = {"sku": "sku_id", "msku": "msku", "order": "order_id"}[inputs.by]
        key_json = {"account": name, field_name: key if key is not None else UNALLOCATED}
    return {"key": key_json, "currency": currency, **body(acc.cats, acc.settlement, acc.quantity, acc.estimated,
                                                          acc.allocated)}


def body(cats: list[int], settlement: int, quantity: int, estimated: int = 0, allocated: int = 0) -> dict:
    """The contract's row body from storage units: every category, the group sums, gross profit."""
    groups = {g: sum(cats[i] for i in slots) for g, slots in _GROUP_SLOTS.items()}
    return {
        "quantity": quantity,
        "categories": dict(zip(ALL, map(fmt_units, cats), strict=True)),
        "settlement_amount": fmt_units(settlement),
        **{g: fmt_units(v) for g, v in groups.items()},
        "gross_profit": fmt_units(sum(groups.values())),
        "estimated": fmt_units(estimated),
        "allocated": fmt_units(allocated),
    }


def _rules(inputs: Inputs) -> list[str]:
    rules = ["gross_profit = platform_income + platform_expense + tax + custom_fees + cost"]
    if inputs.by != "store":
        rules.append("money with no " + {"sku": "SKU", "msku": "SKU", "order": "order"}[inputs.by]
                     + " is spread over the store's rows of the same month by share of sales (column allocated); "
                     f"with nothing to spread over it stays on the {UNALLOCATED} row")
    rules.append("purchase cost = units sold × the SKU's unit cost on that day; lines refunded in full sell no units")
    if inputs.charges:
        rules.append("first-leg, last-leg and other costs = units sold × the SKU's per-unit figure of that kind on "
                     "that day (a shipment's bill spread equally over its units)")
    if MOVING_AVERAGE in inputs.costing.values():
        rules.append("costing per store: " + "; ".join(
            f"{inputs.store_names[sid]}: " + ("moving weighted average of paid purchases (landed: goods + shipping "
                                             "and adjustment spread by goods amount), the fixed unit cost before "
                                             "a SKU's first purchase" if method == MOVING_AVERAGE else
                                             "fixed unit costs by date")
            for sid, method in sorted(inputs.costing.items(), key=lambda kv: inputs.store_names.get(kv[0], ""))
            if sid in inputs.store_names))
    shown_with_tax = sorted(inputs.store_names[s] for s in inputs.sales_tax_included if s in inputs.store_names)
    if shown_with_tax:
        rules.append("sales include sales tax (sales_tax shown as 0; gross profit unchanged) for: "
                     + ", ".join(shown_with_tax))
    if any(f.category == "last_leg_cost" for f in inputs.fees):
        rules.append("last-leg cost of a self-delivered order = the shipping of its linked purchase (self-delivery "
                     "payment: auto), split evenly over the orders the purchase serves, in the order's month")
    rules.append("custom fees of a month count when the period includes the month's first day; a period without "
                 "a start (all) counts every month's, one without an end those of the months begun by today")
    rules.append("unsettled lines count at the amount the platform shows (column estimated); without one, at the "
                 "last settled amount of the same SKU")
    if inputs.currency:
        rules.append(f"amounts in other currencies are converted to {inputs.currency} at the rate of their own day")
    return rules


def cost_on(index: dict[str, list[CostVersion]], sku: str, day: date) -> CostVersion | None:
    """The SKU's unit cost version in force on `day` (the one the report uses), or None."""
    return _version(index.get(sku), day)


cost_index = _cost_index

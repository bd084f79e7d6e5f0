"""TikTok Shop Open API finance responses.

- `GET /finance/202309/statements`: one statement per day → stated totals (kind "statement").
- `GET /finance/{202309|202501}/statements/{id}/statement_transactions`: one transaction per order or
  adjustment of a statement → one SPLIT line each, key ("split", statement_id, reference).
- `GET /finance/{202309|202501}/orders/{order_id}/statement_transactions`: an order's transactions with their
  SKU lines → SKU_SPLIT lines keyed ("sku", statement_id, reference, sku_id), as the settlement export keys
  them, so the API and the export of the same statement update the same lines instead of adding up.
- `GET /finance/202507/orders/unsettled`: what is not settled yet, at estimated amounts → IN_TRANSIT lines.

Responses arrive as captures (with the request URL) or as saved .json files (no URL), so each endpoint is
recognised by the shape of its content; the URL is only a hint. 202309 transactions are flat; 202501 nests
the same money in revenue_breakdown, shipping_cost_breakdown, fee_tax_breakdown.{fee,tax} and
supplementary_component. Both are read field by field (money.py) into one field → category table
(fields.FIELDS, seed 002), so the same money lands in the same category whatever the version. Money is strings
(exact Decimal), times Unix seconds (UTC), IDs text; fees arrive signed from the seller's side already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from companion.ledger.money import ZERO
from companion.sources import cells
from companion.sources.captures import request_path, request_url
from companion.sources.mapping import by_sign
from companion.sources.model import (
    IN_TRANSIT,
    SETTLED,
    SKU_SPLIT,
    SPLIT,
    Line,
    ParseResult,
    SourceError,
    SourceField,
    SourceInput,
    Stated,
    StoreRef,
)
from companion.sources.tabular import Hints, store_for_file
from companion.sources.tiktok.fields import (
    ADJUSTMENT,
    PLATFORM,
    SETTLEMENT,
    UNSETTLED_FAMILY,
    adjustment_category,
    canonical,
)
from companion.sources.tiktok.money import (
    COMPONENTS,
    SKU_LISTS,
    Money,
    Split,
    answered,
    instant,
    merge_same_keys,
    money_of,
    read_money,
    settlement_of,
    split,
    statement_scope,
    text_id,
)
from companion.sources.urls import query_params

# ---------------------------------------------------------------------------------------------------------
# The adapters.

def _response(src: SourceInput) -> tuple[dict, dict] | None:
    """(body, data) of a JSON capture or saved file; a saved file may hold `data` without its envelope."""
    if src.kind != "json" or not isinstance(src.payload, dict):
        return None
    body = src.payload.get("body")
    if not isinstance(body, dict):
        return None
    return _data(body)


def _data(body: dict) -> tuple[dict, dict] | None:
    data = body.get("data")
    if isinstance(data, dict):
        return body, data
    if "data" not in body and "code" not in body:
        return body, body
    return None


def _sorted(value: object) -> object:
    """The JSON value with the keys of every object in sorted order (lists keep theirs)."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) if type(value[k]) in _NESTED else value[k] for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) if type(v) in _NESTED else v for v in value]
    return value


_NESTED = (dict, list)


def _dicts(value: object) -> list[dict] | None:
    return value if isinstance(value, list) and all(isinstance(v, dict) for v in value) else None


_STATEMENT_TXNS = re.compile(r"/finance/\d+/statements/([^/]+)/statement_transactions$")
_ORDER_TXNS = re.compile(r"/finance/\d+/orders/([^/]+)/statement_transactions$")
_UNSETTLED_PATH = re.compile(r"/finance/\d+/orders/unsettled$")
_STATEMENTS_PATH = re.compile(r"/finance/\d+/statements$")
_UNSETTLED_STATUSES = frozenset({"UNSETTLED", "TO_SETTLE", "ON_HOLD", "PENDING", "NOT_SETTLED"})


def _unsettled_shape(data: dict) -> bool:
    txns = _dicts(data.get("transactions"))
    if txns is None:
        return False
    if any(k.startswith("sum_est_") for k in data):
        return True
    return any(any(k.startswith("est_") for k in t) or "unsettled_reason" in t
               or str(t.get("status") or "").upper() in _UNSETTLED_STATUSES for t in txns)


def _by_order_shape(data: dict) -> bool:
    if _dicts(data.get("sku_transactions")) is not None:
        return True
    txns = _dicts(data.get("statement_transactions"))
    return txns is not None and ("order_id" in data or any(_dicts(t.get(k)) for t in txns for k in SKU_LISTS))


def _transactions(data: dict) -> list[dict] | None:
    for key in ("statement_transactions", "transactions"):
        found = _dicts(data.get(key))
        if found is not None:
            return found
    return None


LABEL = "TikTok Shop"


@dataclass
class _Context:
    """What every line of one response shares: one store (its currency the response's, else the first seen)."""

    store_ref: StoreRef
    captured_at: datetime
    currency: str
    statement_id: str = ""
    statement_time: datetime | None = None
    order_id: str = ""
    order_time: datetime | None = None

    def store(self, currency: str) -> StoreRef:
        if not self.store_ref.currency and currency:
            self.store_ref = replace(self.store_ref, currency=currency)
        return self.store_ref


class _OpenApiAdapter:
    """Shared by the Open API adapters: recognition by content, the response envelope, the shop."""

    name = ""
    version = 1
    report_type = ""
    what = ""

    def recognizes(self, src: SourceInput) -> bool:
        """By content; a request URL that is not a finance call of the Open API says it is something else."""
        found = _response(src)
        path = request_path(src)
        return found is not None and (not path or "/finance/" in path) and self.matches(found[1], path)

    def matches(self, data: dict, path: str) -> bool:
        raise NotImplementedError

    def parse(self, src: SourceInput) -> ParseResult:
        found = _response(src)
        if found is None:
            raise SourceError.of("tiktok_not_json_response", what=self.what)
        # Every object's keys in one order: which of two names of the same money is counted (and so every
        # line) never depends on the order the response happened to list them in.
        body, data = _data(_sorted(found[0])) or found
        if body.get("code") not in (0, "0", None):
            raise answered(self.what, body)
        return self.read(src, body, data)

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        raise NotImplementedError

    def store(self, src: SourceInput, body: dict, data: dict, currency: str) -> StoreRef:
        """The store the response belongs to. TikTok puts no shop in a response; a capture's request URL may
        name it: shop_id (the Seller Center's oec_seller_id, so both sources land in one store) before
        shop_cipher (202309 and later send only the cipher). When both are known the cipher is an alias of
        the shop (store.stores joins a store known by the cipher alone). A saved file names no shop: it goes
        where --account (or the file name) says, else where the importer's rule for files that name no store
        puts it (tabular.store_for_file)."""
        params = {**query_params(src.url), **query_params(request_url(src))}
        sources = (params, data, body, src.payload)

        def named(*names: str) -> str:
            for name in names:
                for source in sources:
                    value = text_id(source.get(name), name) if isinstance(source, dict) else ""
                    if value:
                        return value
            return ""

        shop, cipher = named("shop_id", "oec_seller_id"), named("shop_cipher")
        file_name = src.payload.get("file") if isinstance(src.payload, dict) else None
        if file_name:
            hints = Hints.of(src.payload)
            if hints.store is not None or hints.account or not (shop or cipher):
                return store_for_file(hints, PLATFORM, str(file_name), "", currency, "UTC", LABEL)
        if not (shop or cipher):
            raise SourceError.of("tiktok_response_no_shop", what=self.what)
        ident = shop or cipher
        aliases = (cipher,) if shop and cipher and cipher != shop else ()
        return StoreRef(PLATFORM, ident, "", f"{LABEL} {ident}", currency, "UTC", aliases)

    def result(self, lines: list[Line], totals: list[Stated], data: dict) -> ParseResult:
        stated = {k: data.get(k) for k in ("next_page_token", "total_count") if k in data}
        stated["has_more"] = bool(data.get("next_page_token"))
        return ParseResult(self.name, self.version, lines, stated, totals, self.report_type)


class Statements(_OpenApiAdapter):
    """GET /finance/202309/statements: each statement's settlement amount, to reconcile lines against."""

    name = "tiktok.open_api.statements"
    report_type = "api_statements"
    what = "statements"

    def matches(self, data: dict, path: str) -> bool:
        statements = _dicts(data.get("statements"))
        if statements is None:
            return False
        if not statements:
            return bool(_STATEMENTS_PATH.search(path))
        return any("statement_time" in s or ("id" in s and "settlement_amount" in s) for s in statements)

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        statements = data["statements"]
        totals: list[Stated] = []
        context: _Context | None = None
        for index, statement in enumerate(statements):
            where = f"statements[{index}]"
            ref = text_id(statement.get("id") or statement.get("statement_id"), f"{where} id")
            if not ref:
                raise SourceError.of("tiktok_lacks", where=where, name="id")
            amount = money_of(statement.get("settlement_amount"), f"{where} settlement_amount")
            if amount is None:
                raise SourceError.of("tiktok_lacks", where=where, name="settlement_amount")
            currency = str(statement.get("currency") or data.get("currency") or "")
            if not currency:
                raise SourceError.of("tiktok_no_currency", where=where)
            if context is None:
                context = _Context(self.store(src, body, data, currency), src.captured_at, currency)
            totals.append(Stated(context.store(currency), "statement", ref, amount, currency,
                                 instant(statement.get("statement_time"), f"{where} statement_time"),
                                 scope=statement_scope(statement)))
        return self.result([], totals, data)


class _TransactionAdapter(_OpenApiAdapter):
    """Turns transactions (orders and adjustments) into lines."""

    def context(self, src: SourceInput, body: dict, data: dict, records: list[dict]) -> _Context:
        currency = data.get("currency") or next((r.get("currency") for r in records if r.get("currency")), "")
        currency = str(currency or "").strip().upper()
        return _Context(self.store(src, body, data, currency), src.captured_at, currency)

    def line(self, ctx: _Context, txn: dict, where: str, settled: bool) -> Line:
        """One transaction as one line: settled in its statement (SPLIT, key ("split", statement, reference)),
        or an estimate (key (UNSETTLED_FAMILY, reference))."""
        items, scalars = read_money(txn)
        base = _base(ctx, txn, scalars, where)
        if _balance_move(base.txn_type):
            parts = _balance_split(items, base.txn_type)
        else:
            parts = split(items, settlement_of(items), base.adjustment_to, base.is_order)
        key = ("split", base.statement_id, base.reference) if settled else (UNSETTLED_FAMILY, base.reference)
        return base.line(ctx, key, settled, SPLIT, parts)


@dataclass
class _Base:
    """A transaction's identity: type, reference, order, times, statement, currency, extra text."""

    txn_type: str
    is_order: bool
    reference: str
    order_id: str | None
    order_time: datetime | None
    statement_id: str
    settled_time: datetime | None
    currency: str
    extra: dict[str, str]
    adjustment_to: str

    def line(self, ctx: _Context, key: tuple[str, ...], settled: bool, detail: int, parts: Split,
             **more: object) -> Line:
        return Line(
            store=ctx.store(self.currency),
            key=key,
            status=SETTLED if settled else IN_TRANSIT,
            txn_type=self.txn_type,
            currency=self.currency,
            settlement_amount=parts.settlement,
            amounts=dict(parts.amounts),
            fields=list(parts.fields),
            order_id=self.order_id,
            order_time=self.order_time,
            settled_time=(self.settled_time or ctx.captured_at) if settled else None,
            settled_time_approx=settled and self.settled_time is None,
            extra={**self.extra, **parts.extra},
            reference=self.reference,
            detail=detail,
            statement_id=(self.statement_id or None) if settled else None,
            **more,  # type: ignore[arg-type]
        )


_IDENTITY = frozenset({
    "id", "type", "transaction_type", "order_id", "adjustment_id", "adjustment_order_id", "associated_order_id",
    "related_order_id", "statement_id", "currency", "order_create_time", "statement_time", "sku_id", "sku_name",
    "product_name", "quantity", "seller_sku", "total_count", "next_page_token",
})


def _base(ctx: _Context, txn: dict, scalars: dict[str, object], where: str) -> _Base:
    txn_type = str(txn.get("type") or txn.get("transaction_type") or "ORDER").strip()
    is_order = txn_type.upper() == "ORDER"
    own = text_id(txn.get("id"), f"{where} id")
    order = text_id(txn.get("order_id"), f"{where} order_id") or ctx.order_id
    related = next((text_id(txn[k], f"{where} {k}") for k in ("adjustment_order_id", "associated_order_id",
                                                              "related_order_id") if txn.get(k)), "")
    if is_order:
        reference, order_id = order or own, order or None
    else:
        reference = text_id(txn.get("adjustment_id"), f"{where} adjustment_id") or own or order
        order_id = related or order or None
    if not reference:
        raise SourceError.of("tiktok_txn_no_reference", where=where)
    currency = str(txn.get("currency") or ctx.currency or "").strip().upper()
    if not currency:
        raise SourceError.of("tiktok_txn_no_currency", where=where, reference=reference)
    extra: dict[str, str] = {}
    if own and own != reference:
        extra["transaction_id"] = own
    for key, value in scalars.items():
        if key in _IDENTITY:
            continue
        if key.endswith("_time") and (isinstance(value, int) or str(value).isdigit()):
            stamp = instant(value, f"{where} {key}")
            extra[key] = stamp.isoformat() if stamp else ""
        else:
            extra[key] = str(value)
    return _Base(
        txn_type, is_order, reference, order_id,
        instant(txn.get("order_create_time"), f"{where} order_create_time") or ctx.order_time,
        text_id(txn.get("statement_id"), f"{where} statement_id") or ctx.statement_id,
        instant(txn.get("statement_time"), f"{where} statement_time") or ctx.statement_time,
        currency, extra, _adjustment_to(txn_type, str(txn.get("adjustment_reason") or "")))


def _adjustment_to(txn_type: str, reason: str) -> str:
    """GMV_PAYMENT_FOR_ADS (TikTok ads paid from the shop's settlement) is an ad cost; the rest by the rule every
    TikTok JSON source shares."""
    if "ads" in canonical(txn_type).split("_"):
        return "ad_fee"
    return adjustment_category(txn_type, reason)


# Moves of the shop's balance: a negative statement paid or deducted later (its loss was counted where it
# arose), money held in reserve. Kept, with the amount they move, so the statement they are in reconciles;
# never profit.
BALANCE_MOVE = "balance_move"


def _balance_move(txn_type: str) -> bool:
    what = canonical(txn_type)
    return "negative_balance" in what or what == "reserve"


def _balance_split(items: list[Money], txn_type: str) -> Split:
    fields = [SourceField(i.name, i.amount, None) for i in items if i.amount and i.key != SETTLEMENT]
    settlement = settlement_of(items)
    if settlement is None:
        settlement = sum((i.amount for i in items if i.key == ADJUSTMENT and not i.nested and not i.info), ZERO)
    note = f"{txn_type.strip()}: a move of the shop's balance, kept to reconcile its statement; not profit"
    return Split({}, fields, {BALANCE_MOVE: note}, settlement)


def _status_unsettled(record: dict) -> bool:
    return str(record.get("status") or "").strip().upper() in _UNSETTLED_STATUSES


class StatementTransactions(_TransactionAdapter):
    """GET /finance/{202309|202501}/statements/{id}/statement_transactions: the fee split of each order or
    adjustment of one statement."""

    name = "tiktok.open_api.statement_transactions"
    report_type = "api_transactions"
    what = "statement transactions"

    def matches(self, data: dict, path: str) -> bool:
        txns = _transactions(data)
        if txns is None or _unsettled_shape(data) or _by_order_shape(data):
            return False
        if not txns:
            return bool(_STATEMENT_TXNS.search(path))
        return any("settlement_amount" in t and ("type" in t or "order_id" in t) for t in txns)

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        txns = _transactions(data) or []
        if not txns:
            return self.result([], [], data)
        ctx = self.context(src, body, data, txns)
        hinted = _STATEMENT_TXNS.search(request_path(src))
        ctx.statement_id = (text_id(data.get("id") or data.get("statement_id"), "statement id")
                            or (hinted.group(1) if hinted else ""))
        ctx.statement_time = instant(data.get("statement_time") or data.get("create_time"), "statement_time")
        lines = merge_same_keys([self.line(ctx, t, f"transactions[{i}]", not _status_unsettled(t))
                                 for i, t in enumerate(txns)])
        totals = []
        total = money_of(data.get("total_settlement_amount", data.get("settlement_amount")), "total_settlement_amount")
        if ctx.statement_id and total is not None:
            breakdown = data.get("total_settlement_breakdown")
            scope = statement_scope(data, breakdown if isinstance(breakdown, dict) else {})
            totals.append(Stated(ctx.store(ctx.currency), "statement", ctx.statement_id, total, ctx.currency,
                                 ctx.statement_time, scope=scope))
        return self.result(lines, totals, data)


class OrderTransactions(_TransactionAdapter):
    """GET /finance/{202309|202501}/orders/{order_id}/statement_transactions: one order's transactions with
    their SKU lines.

    SKU lines carrying their own money become one SKU_SPLIT line each (key ("sku", statement, reference,
    sku_id), as the settlement export keys them). Money of the order its SKU lines do not carry is added to
    the order's first SKU line, never put on a line of its own: the export has no such line, and when the
    export overwrites the SKU lines with its own per-SKU split that money must not remain beside it. SKU lines
    without money of their own: the order's money goes on the first SKU line and the others keep quantity and
    SKU at zero amounts (nothing is spread by guess). A transaction without SKU lines is one SPLIT line, as
    the by-statement endpoint gives it; an unsettled one is one estimate per order (UNSETTLED_FAMILY)."""

    name = "tiktok.open_api.order_transactions"
    report_type = "api_order_transactions"
    what = "order statement transactions"

    def matches(self, data: dict, path: str) -> bool:
        if _unsettled_shape(data):
            return False
        if _by_order_shape(data):
            return True
        return bool(_ORDER_TXNS.search(path)) and _dicts(data.get("statement_transactions")) is not None

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        if _dicts(data.get("statement_transactions")) is not None:  # 202309: transactions, each with its SKUs
            groups = [(t, _sku_list(t)) for t in data["statement_transactions"]]
        else:  # 202501: the order's totals at the root, its SKU transactions under it (none: not settled yet)
            groups = [(data, data["sku_transactions"])] if data["sku_transactions"] else []
        if not groups:
            return self.result([], [], data)
        ctx = self.context(src, body, data, [t for t, _ in groups] + [s for _, skus in groups for s in skus])
        hinted = _ORDER_TXNS.search(request_path(src))
        ctx.order_id = text_id(data.get("order_id"), "order_id") or (hinted.group(1) if hinted else "")
        ctx.order_time = instant(data.get("order_create_time"), "order_create_time")
        lines: list[Line] = []
        for index, (txn, skus) in enumerate(groups):
            where = "order" if txn is data else f"statement_transactions[{index}]"
            if skus:
                lines.extend(self.sku_lines(ctx, txn, skus, where))
            else:
                statement = text_id(txn.get("statement_id"), f"{where} statement_id")
                lines.append(self.line(ctx, txn, where, bool(statement) and not _status_unsettled(txn)))
        return self.result(merge_same_keys(lines), [], data)

    def sku_lines(self, ctx: _Context, txn: dict, skus: list[dict], where: str) -> list[Line]:
        order_items, scalars = read_money(txn)
        base = _base(ctx, txn, scalars, where)
        order = split(order_items, settlement_of(order_items), base.adjustment_to, base.is_order)
        read = [read_money(s) for s in skus]
        own_money = any(settlement_of(items) is not None or any(i.amount for i in items) for items, _ in read)
        lines: list[Line] = []
        sku_splits: list[tuple[list[Money], Split]] = []
        for number, (sku, (items, sku_scalars)) in enumerate(zip(skus, read, strict=True)):
            at = f"{where} SKU {number}"
            merged = {**txn, **{k: sku[k] for k in ("statement_id", "statement_time", "currency", "status")
                                if sku.get(k)}}
            sku_base = _base(ctx, merged, {**scalars, **sku_scalars}, at)
            if own_money:
                parts = split(items, settlement_of(items), sku_base.adjustment_to, sku_base.is_order)
                sku_splits.append((items, parts))
            else:
                parts = order if number == 0 else Split({}, [], {}, ZERO)
            settled = bool(sku_base.statement_id) and not _status_unsettled(merged)
            lines.append(self._sku_line(ctx, sku_base, sku, parts, settled, at))
        if own_money:
            _add_remainder(lines[0], order, order_items, sku_splits)
        return lines

    def _sku_line(self, ctx: _Context, base: _Base, sku: dict, parts: Split, settled: bool, where: str) -> Line:
        sku_id = text_id(sku.get("sku_id"), f"{where} sku_id")
        if sku.get("product_name"):
            base.extra["product_name"] = str(sku["product_name"]).strip()
        more = {"sku_id": sku_id or None, "sku_name": str(sku.get("sku_name") or "").strip() or None,
                "quantity": cells.quantity(sku.get("quantity")),
                "msku": str(sku.get("seller_sku") or "").strip() or None}
        if settled:
            return base.line(ctx, ("sku", base.statement_id, base.reference, sku_id), True, SKU_SPLIT, parts, **more)
        # Not settled yet: one estimate per order, as the 202507 list gives it (its SKU lines merged into it).
        return base.line(ctx, (UNSETTLED_FAMILY, base.reference), False, SPLIT, parts, **more)


def _sku_list(txn: dict) -> list[dict]:
    for key in SKU_LISTS:
        found = _dicts(txn.get(key))
        if found:
            return found
    return []


def _add_remainder(line: Line, order: Split, order_items: list[Money],
                   skus: list[tuple[list[Money], Split]]) -> None:
    """The order's money its SKU lines do not carry, added to one SKU line, category by category."""
    stated = settlement_of(order_items)
    if stated is None:
        return
    remainder = stated - sum((parts.settlement for _, parts in skus), ZERO)
    if "unexplained" not in order.extra:  # the order's own fields itemise it: the remainder per category
        per_category = dict(order.amounts)
        for _, parts in skus:
            for category, amount in parts.amounts.items():
                per_category[category] = per_category.get(category, ZERO) - amount
        added = [(f"order-level {c}", c, a) for c, a in per_category.items() if a]
    elif remainder:  # only subtotals at order level (202501): what each subtotal has beyond its SKU lines
        added = []
        for subtotal, _, category in COMPONENTS:
            own = _total_of(order_items, subtotal)
            rest = ZERO if own is None else own - sum((_total_of(i, subtotal) or ZERO for i, _ in skus), ZERO)
            if rest:
                added.append((f"order-level {subtotal}", category, rest))
        left = remainder - sum((a for _, _, a in added), ZERO)
        if left:
            added.append(("order-level unexplained", by_sign(left), left))
            line.extra["unexplained"] = str(Decimal(line.extra.get("unexplained", "0")) + left)
    else:
        return
    if not added:
        return
    for name, category, amount in added:
        line.amounts[category] = line.amounts.get(category, ZERO) + amount
        line.fields.append(SourceField(name, amount, category, True))
    line.amounts = {k: v for k, v in line.amounts.items() if v}
    line.settlement_amount += remainder
    line.extra["order_level_remainder"] = str(remainder)


def _total_of(items: list[Money], key: str) -> Decimal | None:
    found = [i.amount for i in items if i.key == key and not i.nested and not i.info]
    return sum(found, ZERO) if found else None


class UnsettledTransactions(_TransactionAdapter):
    """GET /finance/202507/orders/unsettled: orders and adjustments not settled yet, at estimated amounts."""

    name = "tiktok.open_api.unsettled"
    report_type = "api_unsettled"
    what = "unsettled transactions"

    def matches(self, data: dict, path: str) -> bool:
        if _unsettled_shape(data):
            return True
        return bool(_UNSETTLED_PATH.search(path)) and _dicts(data.get("transactions")) is not None

    def read(self, src: SourceInput, body: dict, data: dict) -> ParseResult:
        txns = data.get("transactions") or []
        total = money_of(data.get("sum_est_settlement_amount"), "sum_est_settlement_amount")
        if not txns and total is None:
            return self.result([], [], data)
        ctx = self.context(src, body, data, txns)
        lines = merge_same_keys([self.line(ctx, t, f"transactions[{i}]", False) for i, t in enumerate(txns)])
        totals: list[Stated] = []
        if total is not None:
            currency = ctx.currency or (lines[0].currency if lines else "")
            params = query_params(request_url(src))
            scope = tuple((k, params[k]) for k in ("search_time_ge", "search_time_lt") if params.get(k))
            totals.append(Stated(ctx.store(currency), "on_hold", "", total, currency, src.captured_at, scope=scope))
        return self.result(lines, totals, data)


# More specific shapes first: unsettled and by-order responses also hold transaction lists.
ADAPTERS: tuple[_OpenApiAdapter, ...] = (
    UnsettledTransactions(), OrderTransactions(), StatementTransactions(), Statements(),
)

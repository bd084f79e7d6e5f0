"""The payments report's figures: one row per payout (a platform's statement, bill or payout batch) with what
the platform states it pays and what the stored lines of it add up to, plus one on-hold row per store and
currency for the lines no payout holds yet.

Pure: the store hands over what it read (stated totals, per-statement line sums, on-hold sums); this module
decides each payout's status and whether it reconciles. Amounts of two currencies are never added: a payout
whose lines are in another currency than the stated amount is a currency mismatch, not a difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from companion.ledger.money import ZERO, fmt

PAID, PROCESSING, ON_HOLD = "paid", "processing", "on_hold"
STATUSES = (PAID, PROCESSING, ON_HOLD)

# A platform's own word for a payout's state → the report's status. Checked in this order, as substrings of the
# lower-cased word: "unpaid" must not read as "paid". Words nobody lists leave the status to the lines.
_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("unpaid", "not paid", "pending", "processing", "process", "in_progress", "in progress", "transit",
      "waiting", "待打款", "打款中", "处理中", "待结算", "未打款", "未付款"), PROCESSING),
    (("fail", "hold", "frozen", "freeze", "冻结", "失败"), ON_HOLD),
    (("paid", "transferred", "success", "complete", "settled", "已打款", "已付款", "已支付", "已结算", "已到账",
      "打款完成", "已完成"), PAID),
)


def status_of_word(word: str | None) -> str | None:
    """The report's status for a platform's payment-status word, or None when the word says nothing known."""
    text = (word or "").strip().lower()
    if not text:
        return None
    for words, status in _WORDS:
        if any(w in text for w in words):
            return status
    return None


@dataclass(frozen=True)
class StatedPayout:
    """What a platform states about one payout (StatedTotal of kind statement or payout)."""

    store_id: int
    kind: str  # statement | payout
    ref: str
    amount: Decimal | None
    currency: str
    at: datetime | None
    details: dict[str, str] = field(default_factory=dict)  # the statement's scope: reserve, payable, payment_id …


@dataclass(frozen=True)
class LineSum:
    """The stored lines of one statement in one currency and status (settled or not)."""

    store_id: int
    ref: str
    currency: str
    settled: bool
    lines: int
    amount: Decimal
    last_settled: datetime | None


@dataclass(frozen=True)
class HeldSum:
    """The unsettled lines of a store in one currency (none of them paid out yet)."""

    store_id: int
    currency: str
    lines: int
    amount: Decimal
    stated: Decimal | None = None  # the on-hold total the seller center showed, when captured in this currency
    stated_at: datetime | None = None


@dataclass(frozen=True)
class Payout:
    store_id: int
    ref: str
    kind: str
    at: datetime | None
    currency: str
    amount: Decimal | None  # what the platform states; None: no stated total captured
    status: str
    source_status: str
    payment_id: str
    reserve: Decimal | None
    payable: Decimal | None
    lines: int
    lines_amount: dict[str, Decimal]  # currency → the stored lines' sum
    unsettled_lines: int


def payout_rows(stated: list[StatedPayout], sums: list[LineSum], line_words: dict[tuple[int, str], tuple[str, str]]
                ) -> list[Payout]:
    """Every payout named by a stated total or by the statement id of stored lines.
    `line_words`: (store, statement) → (payment id, payment status) as the lines' own fields give them."""
    by_ref: dict[tuple[int, str], list[LineSum]] = {}
    for s in sums:
        by_ref.setdefault((s.store_id, s.ref), []).append(s)
    seen: set[tuple[int, str]] = set()
    out: list[Payout] = []
    for st in stated:
        key = (st.store_id, st.ref)
        parts: list[LineSum] = []
        if st.kind == "statement":
            parts = by_ref.get(key, [])
            seen.add(key)
        out.append(_payout(st.store_id, st.ref, st.kind, st, parts, line_words.get(key, ("", ""))))
    for key, parts in by_ref.items():
        if key not in seen:
            out.append(_payout(key[0], key[1], "statement", None, parts, line_words.get(key, ("", ""))))
    return out


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except ArithmeticError:
        return None


def _payout(store_id: int, ref: str, kind: str, st: StatedPayout | None, parts: list[LineSum],
            words: tuple[str, str]) -> Payout:
    details = st.details if st else {}
    amounts: dict[str, Decimal] = {}
    for p in parts:
        amounts[p.currency] = amounts.get(p.currency, ZERO) + p.amount
    unsettled = sum(p.lines for p in parts if not p.settled)
    last = max((p.last_settled for p in parts if p.last_settled is not None), default=None)
    source_status = details.get("payment_status") or words[1]
    status = status_of_word(source_status)
    if status is None:
        # the source says nothing known: a payout is paid once the platform has settled all of its lines;
        # a bill issued with lines still in transit (SHEIN) is being processed
        status = PROCESSING if unsettled else PAID
    currency = st.currency if st and st.currency else (sorted(amounts)[0] if len(amounts) == 1 else "")
    return Payout(store_id=store_id, ref=ref, kind=kind, at=(st.at if st and st.at else last), currency=currency,
                  amount=st.amount if st else None, status=status, source_status=source_status,
                  payment_id=details.get("payment_id") or words[0], reserve=_decimal(details.get("reserve")),
                  payable=_decimal(details.get("payable")), lines=sum(p.lines for p in parts),
                  lines_amount=amounts, unsettled_lines=unsettled)


def reconciliation(p: Payout) -> dict:
    """Whether the stored lines add up to the stated amount, and by how much they miss it."""
    if p.kind == "payout":  # money paid out (SHEIN 收支明细): its bills are counted by their own statements
        return {"reconciled": None, "check": "not_linked"}
    if p.amount is None:
        return {"reconciled": None, "check": "not_stated"}
    others = sorted(c for c in p.lines_amount if c != p.currency)
    if others:
        return {"reconciled": False, "check": "currency_mismatch", "lines_currency": ", ".join(sorted(p.lines_amount))}
    stored = p.lines_amount.get(p.currency, ZERO)
    difference = p.amount - stored
    return {"reconciled": difference == 0, "check": "ok" if difference == 0 else "difference",
            "difference": fmt(difference)}


def own_lines_amount(p: Payout) -> Decimal | None:
    """The lines' sum in the payout's own currency only: lines in another currency are named by the check
    (currency_mismatch), never shown or added up under this currency."""
    return p.lines_amount.get(p.currency) if p.currency else (
        next(iter(p.lines_amount.values())) if len(p.lines_amount) == 1 else None)


def exact(item: Payout | HeldSum) -> tuple[Decimal | None, Decimal | None]:
    """A row's stated amount and lines' sum unrounded: what totals() adds up, so a total is the rounded sum,
    never the sum of rounded rows (a cent apart when rows carry fractions of a cent)."""
    if isinstance(item, HeldSum):
        return item.stated, item.amount
    return item.amount, own_lines_amount(item)


def payout_json(p: Payout, store_name: str, platform: str) -> dict:
    """A payout as the API and the CLI give it: amounts as exact decimal text."""
    lines_amount = own_lines_amount(p)
    return {"account": store_name, "platform": platform, "kind": p.kind, "ref": p.ref, "payment_id": p.payment_id,
            "date": p.at.isoformat() if p.at else None, "currency": p.currency,
            "amount": fmt(p.amount) if p.amount is not None else None, "status": p.status,
            "source_status": p.source_status,
            "reserve": fmt(p.reserve) if p.reserve is not None else None,
            "payable": fmt(p.payable) if p.payable is not None else None,
            "lines": p.lines, "unsettled_lines": p.unsettled_lines,
            "lines_amount": fmt(lines_amount) if lines_amount is not None else None,
            **reconciliation(p)}


def held_json(h: HeldSum, store_name: str, platform: str) -> dict:
    """A store's on-hold row: its unsettled lines, checked against the on-hold total stated, if one was."""
    row = {"account": store_name, "platform": platform, "kind": "on_hold", "ref": "", "payment_id": "",
           "date": h.stated_at.isoformat() if h.stated_at else None, "currency": h.currency,
           "amount": fmt(h.stated) if h.stated is not None else None, "status": ON_HOLD, "source_status": "",
           "reserve": None, "payable": None, "lines": h.lines, "unsettled_lines": h.lines,
           "lines_amount": fmt(h.amount)}
    if h.stated is None:
        return {**row, "reconciled": None, "check": "not_stated"}
    difference = h.stated - h.amount
    return {**row, "reconciled": difference == 0, "check": "ok" if difference == 0 else "difference",
            "difference": fmt(difference)}


def totals(rows: list[dict], amounts: list[tuple[Decimal | None, Decimal | None]] | None = None) -> list[dict]:
    """Per currency and status: how many payouts, what the platforms state, what the lines add up to.
    `amounts`: each row's exact() (else the rows' own text), added up unrounded and rounded once."""
    out: dict[tuple[str, str], dict] = {}
    if amounts is None:
        amounts = [tuple(None if r[k] is None else Decimal(r[k]) for k in ("amount", "lines_amount"))
                   for r in rows]  # type: ignore[misc]
    for r, (amount, lines_amount) in zip(rows, amounts, strict=True):
        t = out.setdefault((r["currency"], r["status"]), {"currency": r["currency"], "status": r["status"],
                                                           "payouts": 0, "amount": ZERO, "lines_amount": ZERO,
                                                           "lines": 0, "unreconciled": 0})
        t["payouts"] += 1
        t["amount"] += amount if amount is not None else ZERO
        t["lines_amount"] += lines_amount if lines_amount is not None else ZERO
        t["lines"] += r["lines"]
        t["unreconciled"] += r["reconciled"] is False
    order = {s: i for i, s in enumerate(STATUSES)}
    return [{**t, "amount": fmt(t["amount"]), "lines_amount": fmt(t["lines_amount"])}
            for _, t in sorted(out.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9)))]

"""Exact money: Decimal amounts parsed from whatever the platforms emit."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from companion.errors import BadInput

CENT = Decimal("0.01")
ZERO = Decimal("0")

# Stored amounts keep four decimals: enough for every platform's raw figures, summed exactly.
STORAGE_SCALE = 10_000


class MoneyError(BadInput):
    """An amount that cannot be read as an exact decimal."""


_BLANKS = {"", "/", "-", "--", "—", "N/A", "n/a", "null", "None"}
_SYMBOLS = "$€£¥￥₫฿₱₩₹RM"
# The common case, a plain signed decimal: read directly (the general path below costs ten times more).
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")


def parse_amount(value: object) -> Decimal:
    """Read an amount exactly. A float (a JSON number) is read through its shortest repr, which is the
    decimal the platform wrote; money never goes through float arithmetic here."""
    if value.__class__ is str and value.lstrip("-").replace(".", "", 1).isdigit() and value[-1:] != ".":
        return Decimal(value)  # the common case, "12.34" or "-0.30": nothing to clean
    if value is None:
        return ZERO
    if isinstance(value, bool):
        raise MoneyError.of("money_not_amount", value=value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # JSON numbers arrive as floats only if the caller parsed them so; repr is the shortest exact text.
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise MoneyError.of("money_not_amount", value=value)
    if _PLAIN.fullmatch(value):
        return Decimal(value)
    text = value.strip()
    if text in _BLANKS:
        return ZERO
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    for symbol in _SYMBOLS:
        text = text.replace(symbol, "")
    text = text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if text[:3].isalpha():
        text = text[3:]
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise MoneyError.of("money_not_amount", value=value) from exc
    if not amount.is_finite():
        raise MoneyError.of("money_not_amount", value=value)
    return -amount if negative else amount


# Stored amounts are 64-bit integers of 1/10000 (a SQL BIGINT); a day's or a store's sum must fit too, so one
# amount is held to 1/1000 of the range: 922 billion in any currency.
MAX_UNITS = (2**63 - 1) // 1000


def to_storage(amount: Decimal) -> int:
    """Decimal → integer units of 1/10000; refuses anything finer rather than rounding silently."""
    scaled = amount.scaleb(4)
    try:
        integral = int(scaled)
    except (ValueError, OverflowError) as exc:
        raise MoneyError.of("money_not_finite", amount=amount) from exc
    if integral != scaled:
        raise MoneyError.of("money_too_fine", amount=amount)
    if not -MAX_UNITS <= integral <= MAX_UNITS:
        raise MoneyError.of("money_too_large", amount=amount, most=f"{MAX_UNITS // 10_000:,}")
    return integral


def from_storage(units: int | None) -> Decimal:
    return Decimal(int(units or 0)).scaleb(-4)


def fmt(amount: Decimal) -> str:
    """Contract money text: exactly two decimals."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def fmt_units(units: int) -> str:
    """Storage units (1/10000) as contract money text, rounded half up like fmt(), in integer arithmetic:
    a report by order formats hundreds of thousands of figures, most of them zero."""
    if not units:
        return "0.00"
    cents = (abs(units) + 50) // 100
    sign = "-" if units < 0 and cents else ""
    return f"{sign}{cents // 100}.{cents % 100:02d}"

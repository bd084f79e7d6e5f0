"""The one vocabulary every platform's mapping tables are written in: which money goes to which category.

A table maps a column (or JSON field, or movement type), by its canonical name, to one entry:
- `Book(category)`: the money is booked under that category of the profit model. `mapped=False`: seed 002
  does not name it, so it goes to the nearest category and is flagged `unmapped` in the drill-down. `sign`:
  how the source writes it (OUT: money out a file may write as a positive number; IN; AS_WRITTEN).
  `conditional`: booked only when the row's stated total needs it (a tax the marketplace may remit itself).
  The category may be a `SignSplit`: the amount's sign decides (money nobody names).
- a mark, for money the table keeps but never books itself: SUBTOTAL (the platform's own sum of booked money:
  shown, never added on top of its parts), INFO (money that is not the seller's: what the customer paid,
  platform-funded discounts), TOTAL (the row's stated total, which the booked money is checked against),
  PER_ROW (booked under a category the row decides, e.g. an adjustment by its type or reason).

Seed 002 writes its formulas category first ("销售额 = 交易收入 + 单品券优惠金额 …"), so tables are written the
same way: `seed({"sales": ("gross_sales",)})`, `nearest({...})`, `marked(SUBTOTAL, "net_sales")`, joined by
`table(...)`, which refuses a column listed twice or a category the profit model does not have.

Money nobody maps is counted only when it is exactly what a row's booked money misses (`fills_gap`), and then
by its sign (`by_sign`: money in → other_income, anything else → other_platform_fee).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from companion.ledger.categories import PLATFORM
from companion.ledger.money import ZERO

IN, OUT, AS_WRITTEN = 1, -1, 0  # Book.sign


def _check(categories: Iterable[str]) -> None:
    unknown = [c for c in categories if c not in PLATFORM]
    if unknown:
        raise ValueError(f"not platform categories: {unknown}")


@dataclass(frozen=True)
class SignSplit:
    """A category chosen by the amount's sign: more than zero is money in, anything else money out."""

    positive: str
    negative: str

    def __post_init__(self) -> None:
        _check((self.positive, self.negative))

    def __call__(self, amount: Decimal) -> str:
        return self.positive if amount > 0 else self.negative


# The rule for money no table names (seed 002: 其他收入 / 平台其他费). An amount of exactly 0 adds nothing to
# either category; only its drill-down field names one.
BY_SIGN = SignSplit("other_income", "other_platform_fee")


def by_sign(amount: Decimal) -> str:
    """other_income for money in, other_platform_fee for money out: where unnamed money is counted."""
    return BY_SIGN(amount)


@dataclass(frozen=True)
class Book:
    """Money booked under a category (see the module's docstring)."""

    category: str | SignSplit
    mapped: bool = True
    sign: int = AS_WRITTEN
    conditional: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.category, str):
            _check((self.category,))

    @property
    def sign_decides(self) -> bool:
        return isinstance(self.category, SignSplit)

    def category_for(self, amount: Decimal) -> str:
        category = self.category
        return category(amount) if isinstance(category, SignSplit) else category


@dataclass(frozen=True)
class Mark:
    """Money a table knows but does not book itself (see the module's docstring)."""

    role: str

    def __repr__(self) -> str:
        return self.role.upper()


SUBTOTAL, INFO, TOTAL, PER_ROW = Mark("subtotal"), Mark("info"), Mark("total"), Mark("per_row")

Entry = Book | Mark
Table = dict[str, Entry]  # canonical column or field → entry, in the order the platform's formulas list them


def seed(spec: dict[str, Sequence[str]], *, mapped: bool = True, sign: int = AS_WRITTEN,
         conditional: bool = False) -> Table:
    """category → the columns summed into it, as seed 002 writes a formula → a table."""
    return table(*({column: Book(category, mapped, sign, conditional) for column in columns}
                   for category, columns in spec.items()))


def nearest(spec: dict[str, Sequence[str]], *, sign: int = AS_WRITTEN) -> Table:
    """Money the seed does not name but that is part of what the platform pays: counted, flagged unmapped."""
    return seed(spec, mapped=False, sign=sign)


def marked(mark: Mark, *columns: str) -> Table:
    return dict.fromkeys(columns, mark)


def table(*parts: Table) -> Table:
    """The parts as one table; a column in two parts is an error (its money would be counted twice)."""
    joined: Table = {}
    for part in parts:
        for column, entry in part.items():
            if column in joined:
                raise ValueError(f"column {column!r} is mapped to {joined[column]!r} and {entry!r}")
            joined[column] = entry
    return joined


def book_of(tab: Table, column: str) -> Book:
    """The Book of a column the table books (a KeyError or TypeError names a table that does not)."""
    entry = tab[column]
    if not isinstance(entry, Book):
        raise TypeError(f"column {column!r} is {entry!r}, not booked")
    return entry


def books(tab: Table) -> Iterator[tuple[str, Book]]:
    """(column, Book) of every column the table books, in table order."""
    return ((column, entry) for column, entry in tab.items() if isinstance(entry, Book))


def booked(tab: Table, *, mapped: bool | None = None) -> dict[str, tuple[str, ...]]:
    """category → its columns, in table order (the seed's formulas again); `mapped` picks seed or nearest."""
    out: dict[str, list[str]] = {}
    for column, entry in tab.items():
        if isinstance(entry, Book) and not entry.sign_decides and (mapped is None or entry.mapped == mapped):
            out.setdefault(entry.category_for(ZERO), []).append(column)
    return {category: tuple(columns) for category, columns in out.items()}


def with_mark(tab: Table, mark: Mark) -> tuple[str, ...]:
    return tuple(column for column, entry in tab.items() if entry is mark)


def fills_gap(amounts: Iterable[Decimal], gap: Decimal) -> bool:
    """Whether money nobody maps is exactly what the booked money misses of the stated total. Only then is it
    counted (by its sign); otherwise it is shown, never counted, so a subtotal nobody knew cannot count twice."""
    found = list(amounts)
    return bool(gap) and bool(found) and sum(found, ZERO) == gap

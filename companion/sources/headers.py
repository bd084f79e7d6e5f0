"""Header matching: the same column under the names, spellings and typos real exports use.

A `Columns` spec names each column once (its canonical name) with the variants seen in real files.
Headers are compared after normalising: Unicode NFKC (full-width brackets and spaces become ASCII),
lower case, runs of whitespace as one space, no space before "(", no trailing spaces or colons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")


def norm(header: object) -> str:
    if header is None:
        return ""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = _SPACES.sub(" ", text).replace(" (", "(").replace("( ", "(").replace(" )", ")")
    return text.rstrip(" :")


@dataclass
class Located:
    """Where each known column is in one header row, and the columns nobody named."""

    index: dict[str, int]  # canonical name → column index
    unknown: list[tuple[int, str]]  # (column index, header as written)
    headers: list[str]  # the header row as written

    def has(self, *names: str) -> bool:
        return all(n in self.index for n in names)


class Columns:
    """canonical name → variants. `required`: the columns a header row must have to be this layout."""

    def __init__(self, spec: dict[str, Sequence[str]], required: Iterable[str]) -> None:
        self.spec = spec
        self.required = tuple(required)
        self._lookup: dict[str, str] = {}
        for canonical, variants in spec.items():
            for variant in (canonical, *variants):
                key = norm(variant)
                owner = self._lookup.setdefault(key, canonical)
                if owner != canonical:
                    raise ValueError(f"header {variant!r} is claimed by {owner!r} and {canonical!r}")
        missing = [r for r in self.required if r not in spec]
        if missing:
            raise ValueError(f"required columns not in the spec: {missing}")

    def canonical(self, header: object) -> str | None:
        return self._lookup.get(norm(header))

    def locate(self, row: Sequence[object]) -> Located:
        index: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for i, cell in enumerate(row):
            text = "" if cell is None else str(cell).strip()
            if not text:
                continue
            name = self.canonical(text)
            if name is None:
                unknown.append((i, text))
            elif name not in index:  # a repeated header: the first one counts
                index[name] = i
        return Located(index, unknown, ["" if c is None else str(c) for c in row])

    def matches(self, row: Sequence[object]) -> bool:
        return self.locate(row).has(*self.required)

    def find_header(self, rows: Sequence[Sequence[object]], scan: int = 15) -> tuple[int, Located] | None:
        """The first of the top `scan` rows that has every required column (banner rows come before it)."""
        for i, row in enumerate(rows[:scan]):
            located = self.locate(row)
            if located.has(*self.required):
                return i, located
        return None

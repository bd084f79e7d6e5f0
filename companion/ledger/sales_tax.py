"""Sales with or without tax (seed 002 ⑥, Shopify: 销售额是否含税展示, default without).

The ledger books sales without tax and the tax apart (`sales_tax`) for every line. A store whose seller chose
sales *with* tax shows sales + sales_tax as its sales and 0 as its sales_tax: the same money under another
heading, so every group sum but the two categories' and the gross profit stay what they were. Applied once,
to a report row's category sums (engine.compute), so rows, totals, exports and the chart agree."""

from __future__ import annotations

from collections.abc import Sequence

from companion.ledger.categories import ALL

INCLUDED, EXCLUDED = "included", "excluded"
CHOICES = (EXCLUDED, INCLUDED)  # the default first
_SALES, _TAX = ALL.index("sales"), ALL.index("sales_tax")


def shown(cats: Sequence[int], included: bool) -> list[int]:
    """Category sums (in categories.ALL order, or its PLATFORM prefix) as the store's choice shows them."""
    out = list(cats)
    if included:
        out[_SALES] += out[_TAX]
        out[_TAX] = 0
    return out

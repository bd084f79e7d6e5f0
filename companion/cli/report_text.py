"""`shoptally report` without --json: the report as a table a person reads in a terminal. Money is written
with thousands separators next to its currency code ("-1,234.50" in a USD row), from the contract's exact
decimal text (never a float); the JSON output stays the contract's plain text."""

from __future__ import annotations

import re

_MONEY = re.compile(r"^(-?)(\d+)(\.\d+)?$")


def money(text: str) -> str:
    """Exact decimal text with grouping: "-62743.19" → "-62,743.19"; anything else as it came."""
    m = _MONEY.match(text)
    if not m:
        return text
    return f"{m.group(1)}{int(m.group(2)):,}{m.group(3) or ''}"


COLUMNS = (("settlement_amount", "settlement"), ("platform_income", "income"), ("platform_expense", "expense"),
           ("tax", "tax"), ("custom_fees", "custom fees"), ("cost", "cost"), ("gross_profit", "gross profit"))


def lines(rep: dict) -> list[str]:
    period = rep["period"]
    head = f"{rep['basis']} basis, {period['from'] or 'start'} .. {period['to'] or 'now'}, by {rep['by']}"
    if rep.get("currency"):
        head += f", in {rep['currency']}"
    table = [[" / ".join(str(v) for v in row["key"].values()), row["currency"], f"{row['quantity']:,}",
              *(money(row[c]) for c, _ in COLUMNS)] for row in rep["rows"]]
    table += [["TOTAL", cur, f"{t['quantity']:,}", *(money(t[c]) for c, _ in COLUMNS)]
              for cur, t in rep["totals_by_currency"].items()]
    titles = ["key", "currency", "qty", *(title for _, title in COLUMNS)]
    widths = [max(len(r[i]) for r in [titles, *table]) for i in range(len(titles))]
    widths[0] = min(widths[0], 48)

    def fmt(cells: list[str]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        return "  ".join([first.ljust(widths[0]), cells[1].ljust(widths[1]),
                          *(c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True))])

    out = [head, fmt(titles), *(fmt(r) for r in table)]
    if not rep["rows"]:
        out.append("(no settlement lines in this period)")
    for rate in rep.get("rates", []):
        out.append(f"rate used: 1 {rate['from']} = {rate['rate']} {rate['to']} (from {rate['date']})")
    if rep.get("skus_without_cost"):
        out.append(f"no unit cost for {len(rep['skus_without_cost'])} SKU(s) that sold units: "
                   "import them with `shoptally costs import`")
    missing = [c for c in rep.get("completeness", []) if c["status"] == "required_missing"]
    for c in missing:
        out.append(f"incomplete: {c['account']} {c['month']} lacks {', '.join(c['missing_required'])}")
    return out

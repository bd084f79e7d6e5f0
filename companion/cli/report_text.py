"""`shoptally report` without --json: the report as a table a person reads in a terminal."""

from __future__ import annotations

COLUMNS = (("settlement_amount", "settlement"), ("platform_income", "income"), ("platform_expense", "expense"),
           ("tax", "tax"), ("custom_fees", "custom fees"), ("cost", "cost"), ("gross_profit", "gross profit"))


def lines(rep: dict) -> list[str]:
    period = rep["period"]
    head = f"{rep['basis']} basis, {period['from'] or 'start'} .. {period['to'] or 'now'}, by {rep['by']}"
    if rep.get("currency"):
        head += f", in {rep['currency']}"
    table = [[" / ".join(str(v) for v in row["key"].values()), row["currency"], str(row["quantity"]),
              *(row[c] for c, _ in COLUMNS)] for row in rep["rows"]]
    table += [["TOTAL", cur, str(t["quantity"]), *(t[c] for c, _ in COLUMNS)]
              for cur, t in rep["totals_by_currency"].items()]
    titles = ["key", "cur", "qty", *(title for _, title in COLUMNS)]
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

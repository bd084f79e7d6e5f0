"""`shoptally report --kind sales` without --json: the sales report as a table a person reads in a terminal,
money grouped as the profit report's text writes it (report_text.money), rates as percentages."""

from __future__ import annotations

from decimal import Decimal

from companion.cli.report_text import money

COLUMNS = (("orders", "orders"), ("units", "units"), ("gross_sales", "gross"), ("seller_discounts", "disc."),
           ("platform_discounts", "platform disc."), ("refunds", "refunds"), ("net_sales", "net sales"),
           ("shipping", "shipping"), ("taxes", "taxes"), ("total_sales", "total"),
           ("average_order_value", "AOV"), ("refund_rate", "refund %"))


def _cell(name: str, value) -> str:
    if value is None:
        return "-"
    if name in ("orders", "units"):
        return f"{value:,}"
    if name == "refund_rate":
        return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"
    return money(value)


def lines(rep: dict) -> list[str]:
    period = rep["period"]
    head = (f"sales, {rep['basis']} basis, {period['from'] or 'start'} .. {period['to'] or 'now'}, "
            f"by {rep['group']} and {rep['by']}")
    table = [[row["step"], " / ".join(str(v) for v in row["key"].values()), row["currency"],
              *(_cell(c, row[c]) for c, _ in COLUMNS)] for row in rep["rows"]]
    table += [["TOTAL", "", cur, *(_cell(c, t[c]) for c, _ in COLUMNS)]
              for cur, t in rep["totals_by_currency"].items()]
    titles = [rep["group"], "key", "currency", *(title for _, title in COLUMNS)]
    widths = [max(len(r[i]) for r in [titles, *table]) for i in range(len(titles))]
    widths[1] = min(widths[1], 40)

    def fmt(cells: list[str]) -> str:
        key = cells[1] if len(cells[1]) <= widths[1] else cells[1][: widths[1] - 1] + "…"
        return "  ".join([cells[0].ljust(widths[0]), key.ljust(widths[1]), cells[2].ljust(widths[2]),
                          *(c.rjust(w) for c, w in zip(cells[3:], widths[3:], strict=True))])

    out = [head, fmt(titles), *(fmt(r) for r in table)]
    if not rep["rows"]:
        out.append("(no sales lines in this period)")
    return out

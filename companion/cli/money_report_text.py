"""`shoptally report --kind payments` and `--kind tax`: the report, and the table a person reads in a terminal
(money grouped as report_text writes it, next to its currency code; the JSON output stays exact text)."""

from __future__ import annotations

from companion.cli.report_text import money


def build(args) -> dict:
    if args.kind == "payments":
        from companion.reports.payments import payments_report

        return payments_report(period=args.period, account=args.account)
    from companion.reports.taxes import tax_report

    return tax_report(period=args.period, basis=args.basis, account=args.account)


def _table(titles: list[str], rows: list[list[str]], left: int) -> list[str]:
    """Columns padded to their widest cell: the first `left` to the left, the rest (numbers) to the right."""
    widths = [max(len(r[i]) for r in [titles, *rows]) for i in range(len(titles))]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [fmt(titles), *(fmt(r) for r in rows)]


def _period(rep: dict) -> str:
    p = rep["period"]
    return f"{p['from'] or 'start'} .. {p['to'] or 'now'}"


_CHECK = {"ok": "reconciled", "difference": "DIFFERENCE", "currency_mismatch": "CURRENCY MISMATCH",
          "not_stated": "no stated amount", "not_linked": "payout (bills count its money)"}


def _opt(text: str | None) -> str:
    return money(text) if text is not None else "-"


def payments_lines(rep: dict) -> list[str]:
    rows = [[r["account"], r["ref"] or "(on hold)", r["payment_id"] or "-", (r["date"] or "-")[:10], r["status"],
             r["currency"], _opt(r["amount"]), _opt(r["reserve"]), _opt(r["lines_amount"]), f"{r['lines']:,}",
             _opt(r.get("difference")), _CHECK.get(r["check"], r["check"])] for r in rep["rows"]]
    out = [f"payments, payout date {_period(rep)}"]
    out += _table(["store", "payout", "payment id", "date", "status", "currency", "stated", "reserve",
                   "lines sum", "lines", "difference", "check"], rows, 6)
    if not rep["rows"]:
        out.append("(no payouts in this period)")
    for t in rep["totals"]:
        out.append(f"TOTAL {t['currency']} {t['status']}: {t['payouts']} payouts, stated {money(t['amount'])}, "
                   f"lines {money(t['lines_amount'])} in {t['lines']:,} lines")
    if rep["truncated"]:
        out.append(f"{rep['truncated']} more rows not shown: narrow the period or name a store (--account)")
    if rep["unreconciled"]:
        out.append(f"{rep['unreconciled']} payouts do not add up: capture or import the missing lines "
                   "(docs/reports.md, Payments report), then run `shoptally reconcile`")
    return out


def tax_lines(rep: dict) -> list[str]:
    types = rep["types"]
    rows = [[r["account"], r["region"] or "-", r["currency"],
             *(f"{money(r['types'][t]['amount'])} ({r['types'][t]['lines']})" for t in types),
             money(r["total"]), f"{r['taxed_lines']:,}"] for r in rep["rows"]]
    rows += [["TOTAL", "", cur, *(f"{money(t['types'][k]['amount'])} ({t['types'][k]['lines']})" for k in types),
              money(t["total"]), f"{t['taxed_lines']:,}"] for cur, t in rep["totals_by_currency"].items()]
    out = [f"taxes, {rep['basis']} basis, {_period(rep)} (amount (lines))"]
    out += _table(["store", "region", "currency", *types, "total", "taxed lines"], rows, 3)
    if not rep["rows"]:
        out.append("(no taxes in this period)")
    for r in rep["rows"]:
        for f in r["fields"]:
            out.append(f"  {r['account']} {r['currency']}: {f['type']} {f['name']!r} {money(f['amount'])} "
                       f"in {f['lines']} lines")
    return out


def lines(rep: dict) -> list[str]:
    return payments_lines(rep) if rep["kind"] == "payments" else tax_lines(rep)

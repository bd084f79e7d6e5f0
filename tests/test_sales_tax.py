"""A Shopify store's sales with or without tax (seed 002 ⑥): the ledger's rule, the store setting, and the
profit report by store, SKU and order with the choice excluded (default) and included, to the cent; a TikTok
store beside it unaffected; the CLI and the API.

Figures (tests/support/shopify.py, worked out in tests/test_sources_shopify.py): the orders export books
sales 134.00 and sales_tax 8.04 (#1001 35.00 + 2.52, #1002 45.00 + 3.60, #1003 24.00 + 1.92, #1004 30.00)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from companion.errors import BadInput
from companion.ledger.sales_tax import shown
from companion.pipeline import importer
from companion.reports import reporting
from companion.store import changes, sales_tax, settlements, stores
from companion.store.writer import run_inline
from tests.support.sales_tax import SHOPIFY, TIKTOK, shopify_files, tiktok_line

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def load(db) -> None:
    for name, content in shopify_files():
        run_inline(db, importer.commit_file, name, importer.parse_file(name, content))
    run_inline(db, settlements.apply_lines, [tiktok_line()], "seed", "import")


def report(by: str) -> dict:
    return reporting.profit_report("all", basis="order", by=by, now=NOW)


def figures(rep: dict, field: str = "order_id") -> dict:
    """Row key → (sales, sales_tax, gross profit, allocated)."""
    return {(r["key"]["account"], r["key"].get(field)): (r["categories"]["sales"], r["categories"]["sales_tax"],
                                                         r["gross_profit"], r["allocated"]) for r in rep["rows"]}


def test_the_ledger_moves_the_tax_into_the_sales_only_when_included():
    from companion.ledger.categories import ALL

    cats = [0] * len(ALL)
    cats[ALL.index("sales")], cats[ALL.index("sales_tax")], cats[ALL.index("platform_fee")] = 1340000, 80400, -5
    assert shown(cats, False) == cats
    moved = shown(cats, True)
    assert (moved[ALL.index("sales")], moved[ALL.index("sales_tax")], sum(moved)) == (1420400, 0, sum(cats))
    assert cats[ALL.index("sales_tax")] == 80400  # the sums given are left as they were


def test_included_shows_sales_with_tax_by_store_sku_and_order_and_the_gross_profit_stays(db):
    load(db)
    before = {by: report(by) for by in ("store", "sku", "order")}
    assert figures(before["store"], "none") == {
        (SHOPIFY, None): ("134.00", "8.04", "73.14", "0.00"), (TIKTOK.name, None): ("20.00", "1.60", "21.60", "0.00")}
    run_inline(db, sales_tax.set_choice, SHOPIFY, "included")
    after = {by: report(by) for by in ("store", "sku", "order")}
    assert figures(after["store"], "none") == {
        (SHOPIFY, None): ("142.04", "0.00", "73.14", "0.00"), (TIKTOK.name, None): ("20.00", "1.60", "21.60", "0.00")}
    # by order: each order's tax in its sales; the payouts export's adjustment (2.50, no order) spreads over the
    # orders by sales without tax as before, so every row's gross profit is the same cent for cent
    by_order = figures(after["order"])
    assert by_order[(SHOPIFY, "#1001")][3] != "0.00"  # the adjustment spread onto it
    assert {k: v[:2] for k, v in by_order.items() if k[0] == SHOPIFY} == {
        (SHOPIFY, "#1001"): ("37.52", "0.00"), (SHOPIFY, "#1002"): ("48.60", "0.00"),
        (SHOPIFY, "#1003"): ("25.92", "0.00"), (SHOPIFY, "#1004"): ("30.00", "0.00")}
    assert by_order[(TIKTOK.name, "576900001")][:2] == ("20.00", "1.60")
    for by in ("store", "sku", "order"):
        field = {"store": "none", "sku": "sku_id", "order": "order_id"}[by]
        old, new = figures(before[by], field), figures(after[by], field)
        assert {k: v[2:] for k, v in old.items()} == {k: v[2:] for k, v in new.items()}, by
        old_total, new_total = (r[by]["totals_by_currency"]["USD"] for r in (before, after))
        assert new_total["gross_profit"] == old_total["gross_profit"] == "94.74", by  # 73.14 + 21.60
        assert (new_total["categories"]["sales"], new_total["categories"]["sales_tax"]) == ("162.04", "1.60"), by
        assert (old_total["categories"]["sales"], old_total["categories"]["sales_tax"]) == ("154.00", "9.64"), by
    by_sku = figures(after["sku"], "sku_id")
    assert (by_sku[(SHOPIFY, "TEE-BLK-M")][:2], by_sku[(SHOPIFY, "MUG-1")][:2]) == (
        ("21.44", "0.00"), ("16.08", "0.00"))  # 20.00 + 1.44, 15.00 + 1.08
    assert any(SHOPIFY in rule and "sales include sales tax" in rule for rule in after["store"]["rules"])
    run_inline(db, sales_tax.set_choice, SHOPIFY, "excluded")
    assert figures(report("store"), "none") == figures(before["store"], "none")


def test_the_choice_is_listed_recorded_as_a_change_and_refused_for_another_platform(db):
    load(db)
    assert sales_tax.listing() == [{"account": SHOPIFY, "sales_tax": "excluded"}]  # Shopify stores only
    rev = changes.current_rev()
    saved = run_inline(db, sales_tax.set_choice, SHOPIFY, "included")
    assert (saved.json(), [e["account"] for e in saved.events]) == (
        {"account": SHOPIFY, "sales_tax": "included"}, [SHOPIFY])
    assert changes.current_rev() == rev + 1
    assert run_inline(db, sales_tax.set_choice, SHOPIFY, "included").events == []  # no change, nothing recorded
    assert sales_tax.listing() == [{"account": SHOPIFY, "sales_tax": "included"}]
    with pytest.raises(BadInput) as refused:
        run_inline(db, sales_tax.set_choice, TIKTOK.name, "included")
    assert (refused.value.code, refused.value.message) == ("sales_tax_not_shopify", (
        "sales with or without tax is a Shopify store's choice; TikTok US Mugs is a tiktok store, whose sales are "
        "as its settlement states them"))
    with pytest.raises(BadInput) as unknown:
        sales_tax.check("gross")
    assert unknown.value.code == "sales_tax_choice_unknown"
    with pytest.raises(stores.UnknownAccount):
        run_inline(db, sales_tax.set_choice, "No such shop", "included")
    assert sales_tax.included_ids([s.id for s in stores.all_stores()]) == {stores.by_name(SHOPIFY).id}


async def test_the_cli_lists_and_sets_the_choice_and_the_report_follows(db_url, tmp_path):
    from tests.support.daemon import acli

    data = tmp_path / "cli"
    paths = []
    for name, content in shopify_files():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    assert (await acli(data, db_url, "import", *paths)).code == 0
    res = await acli(data, db_url, "sales-tax", "list")
    assert (res.code, res.out) == (0, f"{SHOPIFY}: excluded\n")
    res = await acli(data, db_url, "sales-tax", "set", SHOPIFY, "included")
    assert (res.code, res.out) == (0, f"{SHOPIFY}: included\n")
    res = await acli(data, db_url, "sales-tax", "list", "--json")
    assert res.code == 0 and res.json == [{"account": SHOPIFY, "sales_tax": "included"}]
    rep = await acli(data, db_url, "report", "--period", "all", "--basis", "order", "--json")
    (row,) = rep.json["rows"]
    assert (row["categories"]["sales"], row["categories"]["sales_tax"], row["gross_profit"]) == (
        "142.04", "0.00", "73.14")
    wrong = await acli(data, db_url, "sales-tax", "set", SHOPIFY, "gross")
    assert wrong.code == 2 and "invalid choice: 'gross'" in wrong.err
    unknown = await acli(data, db_url, "sales-tax", "set", "No such shop", "included")
    assert unknown.code == 2 and "No such shop" in unknown.err


async def test_the_api_lists_sets_and_refuses_the_choice(client, db):
    from tests.support.builders import view_headers

    load(db)

    async def call(method, path, body=None, status=200):
        resp = await client.request(method, path, json=body, headers=view_headers(client.port))
        out = await resp.json()
        assert resp.status == status, out
        return out

    assert await call("GET", "/api/sales-tax") == {
        "stores": [{"account": SHOPIFY, "sales_tax": "excluded"}], "choices": ["excluded", "included"]}
    refused = await call("POST", "/api/sales-tax", {"account": TIKTOK.name, "sales_tax": "included"}, status=422)
    assert refused["code"] == "sales_tax_not_shopify"
    wrong = await call("POST", "/api/sales-tax", {"account": SHOPIFY, "sales_tax": "yes"}, status=422)
    assert (wrong["code"], wrong["message"]) == ("sales_tax_choice_unknown",
                                                 "sales tax: 'yes' is not one of excluded, included")
    assert (await call("POST", "/api/sales-tax", {"account": 7, "sales_tax": "included"}, status=400))["code"] == (
        "account_not_name")
    await call("POST", "/api/sales-tax", {"account": "No such shop", "sales_tax": "included"}, status=404)
    assert await call("POST", "/api/sales-tax", {"account": SHOPIFY, "sales_tax": "included"}) == {
        "account": SHOPIFY, "sales_tax": "included"}
    rep = await call("GET", "/api/report?period=all&basis=order&by=store&account=" + SHOPIFY.replace(" ", "%20"))
    (row,) = rep["rows"]
    assert (row["categories"]["sales"], row["categories"]["sales_tax"]) == ("142.04", "0.00")
    # the profit tab's CSV export: the same figures
    resp = await client.get("/api/report.csv?period=all&basis=order&by=store", headers=view_headers(client.port))
    table = list(csv.reader(io.StringIO((await resp.text()).lstrip("\ufeff"))))
    head = table[0]
    shopify = next(r for r in table if r and r[0] == SHOPIFY)
    tiktok = next(r for r in table if r and r[0] == TIKTOK.name)
    sales, tax = head.index("sales"), head.index("sales_tax")
    assert (shopify[sales], shopify[tax], tiktok[sales], tiktok[tax]) == ("142.04", "0.00", "20.00", "1.60")

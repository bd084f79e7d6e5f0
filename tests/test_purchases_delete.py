"""Deleting a purchase order (with its goods lines and links) and a SKU map entry: in the store, through
POST /api/purchases/delete and /api/skumap/delete, and with `shoptally purchases delete` / `skumap delete`;
each records one change so open views reload, and what is not there is refused by name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from companion.errors import BadInput, NotFound
from companion.pipeline import seller_figures
from companion.sources.model import Purchase, PurchaseItem
from companion.store import changes, purchases, sku_map
from companion.store.models import PurchaseItem as ItemRow
from companion.store.models import PurchaseLink, PurchaseOrder, SkuMap, Store
from companion.store.writer import run_inline

SKUMAP = b"supplier_sku,sku_id\r\nSUP-4,1729000000000000004\r\nSUP-5,1729000000000000005\r\n"


def bought(source: str, order_no: str, sold: str = "576900000000000501") -> Purchase:
    item = PurchaseItem("SUP-4", "mug", 2, Decimal("3.00"), Decimal("6.00"), "")
    return Purchase(source, order_no, "Yiwu Cups", "paid", "USD", Decimal("6.00"), Decimal("0"), Decimal("0"),
                    Decimal("6.00"), (item, item), None, None, (sold,))


def stored(db) -> None:
    run_inline(db, purchases.save, [bought("1688", "PO-1"), bought("csv", "PO-1"), bought("csv", "PO-2", "X")])
    run_inline(db, seller_figures.save, "skumap", seller_figures.read("skumap", "map.csv", SKUMAP))


def counts() -> tuple[int, int, int]:
    return PurchaseOrder.select().count(), ItemRow.select().count(), PurchaseLink.select().count()


def test_a_purchase_goes_with_its_items_and_links_and_records_one_change(db):
    stored(db)
    assert counts() == (3, 6, 3)
    before = changes.current_rev()
    with pytest.raises(BadInput) as two:
        run_inline(db, purchases.delete, "PO-1")
    assert two.value.message == "purchase order PO-1 is stored from 1688, csv: name its source (--source)"
    saved = run_inline(db, purchases.delete, "PO-1", "csv")
    assert saved.json() == {"added": 0, "updated": 0, "skipped": 0, "removed": 1}
    assert [(e["removed"], e["rev"]) for e in saved.events] == [(1, before + 1)]
    assert counts() == (2, 4, 2)
    assert [(p.source, p.order_no) for p in PurchaseOrder.select().order_by(PurchaseOrder.id)] == [
        ("1688", "PO-1"), ("csv", "PO-2")]
    run_inline(db, purchases.delete, "PO-1")  # now the only one of that number
    assert counts() == (1, 2, 1) and changes.current_rev() == before + 2
    with pytest.raises(NotFound) as gone:
        run_inline(db, purchases.delete, "PO-1")
    assert gone.value.message == "there is no purchase order PO-1"
    with pytest.raises(NotFound) as elsewhere:
        run_inline(db, purchases.delete, "PO-2", "1688")
    assert elsewhere.value.message == "there is no purchase order PO-2 from 1688"
    assert counts() == (1, 2, 1) and changes.current_rev() == before + 2


def test_a_sku_map_entry_goes_for_every_store_or_a_stores_own(db):
    stored(db)
    store = Store.create(platform="tiktok", external_id="7001", name="TikTok US MugHouse")
    SkuMap.create(supplier_sku="SUP-4", store=store.id, sku_id="OWN", recorded_at=SkuMap.select().first().recorded_at)
    before = changes.current_rev()
    saved = run_inline(db, sku_map.delete, "SUP-4", "TikTok US MugHouse")
    assert saved.json()["removed"] == 1 and changes.current_rev() == before + 1
    assert run_inline(db, sku_map.load).resolve(store.id, "SUP-4") == "1729000000000000004"
    run_inline(db, sku_map.delete, "SUP-4")
    assert [e["supplier_sku"] for e in run_inline(db, sku_map.table)["entries"]] == ["SUP-5"]
    with pytest.raises(NotFound) as gone:
        run_inline(db, sku_map.delete, "SUP-4")
    assert gone.value.message == "the SKU map has no entry for supplier SKU SUP-4 for every store"
    assert changes.current_rev() == before + 2


async def test_the_api_deletes_a_purchase_and_a_sku_map_entry_and_refuses_what_is_not_there(client, db):
    from tests.support.builders import view_headers

    stored(db)

    async def post(path, body, status=200):
        resp = await client.post(path, json=body, headers=view_headers(client.port))
        out = await resp.json()
        assert resp.status == status, out
        return out

    assert await post("/api/purchases/delete", {"order_no": "PO-2", "source": "csv"}) == {
        "added": 0, "updated": 0, "skipped": 0, "removed": 1}
    assert (await post("/api/purchases/delete", {"order_no": "PO-1"}, 400))["code"] == "purchase_name_source"
    assert (await post("/api/purchases/delete", {"order_no": "PO-2"}, 404))["code"] == "purchase_unknown"
    assert (await post("/api/purchases/delete", {"order_no": ""}, 400))["code"] == "purchase_delete_send_order"
    assert (await post("/api/skumap/delete", {"supplier_sku": "SUP-5", "store": ""}))["removed"] == 1
    assert (await post("/api/skumap/delete", {"supplier_sku": "SUP-5"}, 404))["code"] == "skumap_unknown"
    assert (await post("/api/skumap/delete", {}, 400))["code"] == "skumap_delete_send_sku"
    listed = await (await client.get("/api/purchases", headers=view_headers(client.port))).json()
    assert [(p["source"], p["order_no"]) for p in listed["purchases"]] == [("csv", "PO-1"), ("1688", "PO-1")]


async def test_the_cli_deletes_a_purchase_and_a_sku_map_entry(db_url, tmp_path):
    from tests.support.daemon import acli

    data = tmp_path / "cli"
    (tmp_path / "p.csv").write_bytes(b"order_no,sku,quantity,unit_price,currency,paid_at,sold_order\r\n"
                                     b"PO-1,SUP-4,2,3.00,USD,2025-10-01,576900000000000501\r\n"
                                     b"PO-2,SUP-4,1,3.00,USD,2025-10-01,\r\n")
    (tmp_path / "map.csv").write_bytes(SKUMAP)
    assert (await acli(data, db_url, "purchases", "import", str(tmp_path / "p.csv"))).code == 0
    assert (await acli(data, db_url, "skumap", "import", str(tmp_path / "map.csv"))).code == 0
    res = await acli(data, db_url, "purchases", "delete", "PO-1")
    assert (res.code, res.out) == (0, "deleted purchase order PO-1\n")
    res = await acli(data, db_url, "purchases", "delete", "PO-1", "--source", "csv")
    assert (res.code, res.err_lines) == (2, ["shoptally: there is no purchase order PO-1 from csv"])
    res = await acli(data, db_url, "skumap", "delete", "SUP-4", "--json")
    assert (res.code, res.json) == (0, {"added": 0, "updated": 0, "skipped": 0, "removed": 1})
    res = await acli(data, db_url, "skumap", "delete", "SUP-4", "--account", "No such shop")
    assert res.code == 2 and "No such shop" in res.err
    again = await acli(data, db_url, "purchases", "import", str(tmp_path / "p.csv"))
    assert again.out == f"{tmp_path / 'p.csv'}: purchases: 1 added, 0 updated, 1 skipped\n"

"""The SKU map's bounds: GET /api/skumap lists at most 500 entries with the total and a note saying so, and
one SKU map file holds at most 20,000 entries (the CLI's and the view's import alike)."""

from __future__ import annotations

import base64

import pytest

from companion.ledger.inputs import MAX_SKUMAP_ROWS, InputError
from companion.pipeline import seller_figures
from companion.store import sku_map
from companion.store.models import SkuMap
from companion.store.workers import Inline, complete
from companion.store.writer import run_inline
from tests.support.builders import view_headers


def mapping(n: int) -> bytes:
    return ("supplier_sku,sku_id\r\n" + "".join(f"SUP-{k:05d},17290000{k:011d}\r\n" for k in range(n))).encode()


async def test_the_listing_stops_at_500_with_the_total_and_a_note(client, db):
    run_inline(db, seller_figures.save, "skumap", seller_figures.read("skumap", "map.csv", mapping(501)))
    resp = await client.get("/api/skumap", headers=view_headers(client.port))
    body = await resp.json()
    assert (resp.status, body["total"], len(body["entries"])) == (200, 501, 500)
    assert body["entries"][0] == {"supplier_sku": "SUP-00000", "sku_id": "1729000000000000000", "store": ""}
    assert body["entries"][-1]["supplier_sku"] == "SUP-00499"
    assert body["note"] == {"code": "skumap_listed_first", "params": {"shown": 500, "total": 501},
                            "message": "Showing the first 500 of 501 SKU map entries, by supplier SKU."}
    run_inline(db, sku_map.delete, "SUP-00500")
    assert run_inline(db, sku_map.table)["note"] is None  # 500: all of them shown


def test_a_sku_map_file_of_more_than_20000_entries_is_refused_whole(db):
    with pytest.raises(InputError) as refused:
        complete(seller_figures.import_figures(Inline(db), "skumap", "map.csv", mapping(MAX_SKUMAP_ROWS + 1)))
    assert str(refused.value) == ("map.csv: 20,001 SKU map entries, more than the 20,000 one file may hold; "
                                  "split the file")
    assert SkuMap.select().count() == 0


async def test_the_view_post_of_a_too_large_sku_map_is_refused(client, db):
    drop = base64.b64encode(mapping(MAX_SKUMAP_ROWS + 1)).decode()
    resp = await client.post("/api/figures/skumap", json={"name": "m.csv", "content_base64": drop},
                             headers=view_headers(client.port))
    body = await resp.json()
    assert (resp.status, body["code"]) == (422, "skumap_too_many_rows")
    assert SkuMap.select().count() == 0

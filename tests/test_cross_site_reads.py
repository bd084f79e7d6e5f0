"""A page of another site can send GETs to the daemon (an <img>, a link) though it cannot read the answers:
the daemon refuses them, so no page can make it build large exports again and again."""

from __future__ import annotations

import pytest

from tests.support import TOKEN


@pytest.mark.parametrize("fetch_site, status", [("cross-site", 403), ("same-site", 403), ("same-origin", 200),
                                                ("none", 200), (None, 200)])
async def test_reads_from_other_sites_are_refused(client, fetch_site, status):
    headers = {"Host": f"127.0.0.1:{client.port}", **({"Sec-Fetch-Site": fetch_site} if fetch_site else {})}
    for path in ("/api/lines/export.xlsx?period=all", "/api/report.csv?period=all", "/api/summary.pdf",
                 "/api/report"):
        resp = await client.get(path, headers=headers)
        assert resp.status == status, (path, fetch_site, await resp.text())
        if status == 403:
            assert (await resp.json())["message"] == "the daemon answers only the Finance view and the CLI"
    # whether shoptally runs is no secret; and the CLI's token is always enough
    assert (await client.get("/api/ping", headers=headers)).status == 200
    token = {**headers, "Authorization": f"Bearer {TOKEN}"}
    assert (await client.get("/api/report", headers=token)).status == 200

"""Settings → Data Management over the real app and database: the modes (and the extension hearing of
them), store settings, exchange rates typed in the view; every refusal in one sentence, nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.sources.model import SETTLED, Line, StoreRef
from companion.store import settlements
from tests.support.builders import ext_headers, hello, view_headers

US = StoreRef("tiktok", "7495", "US", "TikTok US Mugs", "USD", "America/Los_Angeles")


@pytest.fixture
async def seeded(client, service):
    line = Line(store=US, key=("t", "1"), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=Decimal("5.00"), amounts={"sales": Decimal("5.00")}, order_id="O1",
                settled_time=datetime(2025, 10, 31, 23, 30, tzinfo=UTC))
    await service.writer.run(settlements.apply_lines, [line], "seed", "import")
    return client


async def post(client, path, body, status=200):
    resp = await client.post(path, json=body, headers=view_headers(client.port))
    out = await resp.json()
    assert resp.status == status, out
    return out


async def test_modes_default_save_refuse_and_reach_the_extension(client):
    resp = await client.get("/api/settings", headers=view_headers(client.port))
    body = await resp.json()
    assert body["settings"] == {"order_sync_mode": "all", "payment_notice_1688": "off",
                                "self_delivery_payment": "manual", "reporting_currency": "", "auto_sync": "on",
                                "cloud_target": "", "detail_rate": "3"}
    assert body["choices"]["order_sync_mode"] == ["all", "pending", "new"]
    ws = await client.ws_connect("/ws/extension", headers=ext_headers(client.port))
    await ws.send_json(hello())
    welcome = await ws.receive_json(timeout=30)
    assert welcome["settings"] == {"order_sync_mode": "all", "payment_notice_1688": "off",
                                   "self_delivery_payment": "manual", "detail_rate": "3"}
    saved = await post(client, "/api/settings", {"order_sync_mode": "pending", "reporting_currency": "cny"})
    assert saved["settings"]["order_sync_mode"] == "pending" and saved["settings"]["reporting_currency"] == "CNY"
    assert await ws.receive_json(timeout=30) == {"type": "settings", "settings": {
        "order_sync_mode": "pending", "payment_notice_1688": "off", "self_delivery_payment": "manual",
        "detail_rate": "3"}}
    for patch, message in (({"order_sync_mode": "some"}, "order_sync_mode must be one of: all, pending, new"),
                           ({"colour": "red"}, "unknown setting 'colour'"),
                           ({"reporting_currency": "dollars"}, "reporting_currency 'dollars' is not a currency"),
                           ({}, "send the settings to change")):
        out = await post(client, "/api/settings", patch, status=422)
        assert out["message"].startswith(message)
    resp = await client.get("/api/settings", headers=view_headers(client.port))
    assert (await resp.json())["settings"]["order_sync_mode"] == "pending"  # the refusals changed nothing
    await ws.close()


async def test_store_settings_change_how_its_days_are_counted(seeded, service):
    rep = await service.report(period="2025-10", account="TikTok US Mugs")
    assert rep["totals"]["settlement_amount"] == "5.00"  # 16:30 on Oct 31 in Los Angeles
    out = await post(seeded, "/api/stores/update", {"account": "TikTok US Mugs", "name": "Mugs US",
                                                    "timezone": "Asia/Shanghai", "currency": "usd"})
    assert out == {"name": "Mugs US", "timezone": "Asia/Shanghai", "currency": "USD"}
    rep = await service.report(period="2025-11", account="Mugs US")
    assert rep["totals"]["settlement_amount"] == "5.00"  # 07:30 on Nov 1 in Shanghai
    for patch, status, message in (
            ({"account": "Nobody", "name": "x"}, 404, "no store named 'Nobody'"),
            ({"account": "Mugs US", "timezone": "Mars/Base"}, 422, "timezone: 'Mars/Base' is not a time zone"),
            ({"account": "Mugs US", "currency": "US"}, 422, "currency: 'US' is not a currency code"),
            ({"account": "Mugs US", "name": ""}, 422, "name: 1 to 200 characters"),
            ({"account": "Mugs US"}, 422, "send name, timezone and/or currency")):
        assert (await post(seeded, "/api/stores/update", patch, status=status))["message"].startswith(message)


async def test_a_rate_typed_in_the_view_goes_through_the_fx_import_checks(client):
    out = await post(client, "/api/fx", {"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.1234"})
    assert out["kind"] == "fx"
    resp = await client.get("/api/fx", headers=view_headers(client.port))
    assert (await resp.json())["rates"] == [{"date": "2025-10-01", "from": "USD", "to": "CNY", "rate": "7.1234"}]
    bad = await post(client, "/api/fx", {"date": "2025-13-01", "from": "USD", "to": "CNY", "rate": "7"}, status=422)
    assert "2025-13-01" in bad["message"]
    bad = await post(client, "/api/fx", {"date": "2025-10-02", "from": "USD", "to": "CNY", "rate": "7,1"}, status=400)
    assert bad["message"] == "a rate's fields cannot contain commas or line breaks"

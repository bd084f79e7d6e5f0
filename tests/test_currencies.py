"""ISO 4217 codes: the list, and every place a currency code is accepted refusing a code that is not on it
(a cost, a fee, a rate, the reporting currency, a store's currency, the report's --currency)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from companion.errors import BadInput
from companion.ledger import currencies, inputs
from companion.reports import reporting
from companion.sources.model import SETTLED, Line, StoreRef
from companion.store import app_settings, settlements
from tests.support.builders import view_headers


def test_the_list_is_iso_4217_active_codes():
    assert len(currencies.ACTIVE) == 176
    for code in ("USD", "CNY", "EUR", "GBP", "JPY", "MXN", "SAR", "AED", "XCG", "ZWG", "SLE", "VES"):
        assert currencies.is_code(code)
    for text in ("RMB", "USS", "US", "usdd", "XTS", "XXX", "HRK", "SLL", "", None, 840):
        assert not currencies.is_code(text)
    assert currencies.code(" usd ") == "USD"
    assert currencies.refusal("to", "RMB") == "to: 'RMB' is not a currency code (ISO 4217, e.g. USD, CNY, EUR, GBP)"


@pytest.mark.parametrize(("reader", "text", "message"), [
    (inputs.read_costs, "sku_id,unit_cost,currency\r\nA,1,RMB\r\n",
     "c.csv: row 2, currency: 'RMB' is not a currency code (ISO 4217, e.g. USD, CNY)"),
    (inputs.read_fees, "level,account,month,amount,currency\r\nstore,S,2025-10,1,ABC\r\n",
     "c.csv: row 2, currency: 'ABC' is not a currency code (ISO 4217, e.g. USD, CNY)"),
    (inputs.read_rates, "date,from,to,rate\r\n2025-10-01,USD,YUA,7\r\n",
     "c.csv: row 2, to: 'YUA' is not a currency code (ISO 4217, e.g. USD, CNY)"),
])
def test_the_csv_readers_refuse_codes_not_on_the_list(reader, text, message):
    with pytest.raises(inputs.InputError) as caught:
        reader("c.csv", text)
    assert str(caught.value) == message
    for bad in ("RMB", "ABC", "YUA"):
        text = text.replace(bad, "cny")
    assert reader("c.csv", text)  # a code on the list is read, in any case


def test_the_reporting_currency_and_the_reports_currency_use_the_list():
    with pytest.raises(app_settings.SettingError, match="reporting_currency 'RMB' is not a currency code"):
        app_settings.check({"reporting_currency": "RMB"})
    assert app_settings.check({"reporting_currency": "cny"}) == {"reporting_currency": "CNY"}
    with pytest.raises(BadInput, match=r"--currency 'RMB' is not a currency code"):
        reporting.profit_report(period="2025-10", currency="RMB")


async def test_a_stores_currency_uses_the_list(client, service):
    store = StoreRef("tiktok", "7495", "US", "Mugs", "USD", "America/Los_Angeles")
    line = Line(store=store, key=("t", "1"), status=SETTLED, txn_type="Order", currency="USD",
                settlement_amount=Decimal("5"), amounts={"sales": Decimal("5")}, order_id="O1",
                settled_time=datetime(2025, 10, 1, tzinfo=UTC))
    await service.writer.run(settlements.apply_lines, [line], "seed", "import")
    resp = await client.post("/api/stores/update", json={"account": "Mugs", "currency": "USS"},
                             headers=view_headers(client.port))
    assert resp.status == 422
    assert (await resp.json())["message"] == "currency: 'USS' is not a currency code such as USD"
    resp = await client.post("/api/stores/update", json={"account": "Mugs", "currency": "gbp"},
                             headers=view_headers(client.port))
    assert (await resp.json())["currency"] == "GBP"

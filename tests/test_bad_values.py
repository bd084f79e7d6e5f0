"""Bad values in requests are refused with one sentence and the status of their kind, never a bare 500 or an
absurd report (ids beyond 64 bits, codes that are not text, periods outside 2000-2099, file lists of
non-objects, exchange rates of 1e400, pages beyond any table)."""

from __future__ import annotations

from datetime import date

import pytest

from companion.ledger.periods import PeriodError, parse_period
from tests.support.builders import view_headers


@pytest.mark.parametrize("path, body, status, words", [
    ("/api/pairing/revoke", {"id": 2**63}, 404, "no paired browser with id"),
    ("/api/pairing/revoke", {"id": 2**70}, 404, "no paired browser with id"),
    ("/api/pairing/approve", {"code": 123}, 400, "code must be the pairing code as text"),
    ("/api/pairing/deny", {"code": ["x"]}, 400, "code must be the pairing code as text"),
    ("/api/import", {"files": [1]}, 400, "each file an object"),
    ("/api/reset", {"account": ["a"]}, 400, "account must be a store's name"),
    ("/api/fx", {"date": "2025-10-02", "from": "USD", "to": "CNY", "rate": "1e400"}, 422, "must be a positive number"),
    ("/api/fx", {"date": "2025-10-02", "from": "USD", "to": "CNY", "rate": "0.0000000001"}, 422,
     "must be a positive number"),
])
async def test_bad_bodies_get_one_sentence(client, path, body, status, words):
    resp = await client.post(path, json=body, headers=view_headers(client.port))
    answer = await resp.json()
    assert resp.status == status and words in answer["message"], answer


@pytest.mark.parametrize("query, words", [
    ("/api/report?period=9999-12", "years 2000-2099 only"),
    ("/api/report?period=2025-01-01..9999-12-31", "years 2000-2099 only"),
    ("/api/lines?period=1999", "years 2000-2099 only"),
    ("/api/lines?page=99999999999999999999", "page must be at most 1,000,000"),
])
async def test_bad_queries_get_one_sentence(client, query, words):
    resp = await client.get(query, headers={"Host": f"127.0.0.1:{client.port}"})
    answer = await resp.json()
    assert resp.status == 400 and words in answer["message"], answer


def test_periods_keep_to_the_years_settlements_live_in():
    today = date(2025, 1, 1)
    assert parse_period("2099-12", today) == parse_period("2099-12-01..2099-12-31", today).__class__(
        "2099-12", date(2099, 12, 1), date(2099, 12, 31))
    for text in ("2100-01-01", "1999", "2000-01-01..2100-01-01", "0001-01"):
        with pytest.raises(PeriodError, match="years 2000-2099 only"):
            parse_period(text, today)

"""One error vocabulary: the same condition gets the same HTTP status from every endpoint and the same exit
code from every command, with or without a daemon (companion/errors.py)."""

from __future__ import annotations

import pytest

from companion import errors
from companion.automation.browser import ProfileLock
from companion.store.stores import UnknownAccount
from tests.support.app import get
from tests.support.builders import view_headers
from tests.support.daemon import acli, maybe_daemon

UNKNOWN = "no store named 'Nobody'"


def test_each_kind_carries_its_status_and_exit_code_and_its_file_apart():
    assert [(k.__name__, k.status, k.exit_code) for k in errors.KINDS] == [
        ("BadInput", 400, 2), ("Unprocessable", 422, 2), ("TooLarge", 413, 2), ("NotSignedIn", 401, 2),
        ("Forbidden", 403, 2), ("NotFound", 404, 2), ("Conflict", 409, 1), ("TooMany", 429, 1), ("Unavailable", 503, 1),
        ("Failed", 500, 1)]
    assert (errors.Busy.status, errors.Busy.exit_code, errors.Cancelled.exit_code) == (409, 1, 1)
    # a daemon's status becomes the exit code the same refusal has offline
    assert [errors.exit_code_for(s) for s in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 418)] == \
        [2, 2, 2, 2, 1, 2, 2, 1, 1, 1, 2]
    refused = errors.Unprocessable("row 3: 'ten' is not an amount", file="export.csv")
    assert (refused.message, refused.file, str(refused)) == \
        ("row 3: 'ten' is not an amount", "export.csv", "export.csv: row 3: 'ten' is not an amount")
    # raised with a sentence and no code: the kind is the code (the view shows the English sentence)
    assert refused.json() == {"error": "refused", "kind": "unprocessable", "code": "unprocessable", "params": {},
                              "file": "export.csv", "message": "export.csv: row 3: 'ten' is not an amount"}
    assert isinstance(UnknownAccount("x"), errors.NotFound)


async def test_an_unknown_store_is_404_and_a_bad_period_400_on_every_endpoint(client):
    for path in ("/api/report", "/api/reconcile", "/api/chart", "/api/lines", "/api/expenses",
                 "/api/lines/export.csv", "/api/lines/export.xlsx", "/api/report.csv", "/api/report.xlsx",
                 "/api/summary.pdf", "/api/reset/preview"):
        body = await (await get(client, f"{path}?account=Nobody", 404)).json()
        assert (body["error"], body["kind"]) == ("refused", "not_found") and UNKNOWN in body["message"], path
    for path, body in (("/api/reset", {"account": "Nobody"}), ("/api/stores/update", {"account": "Nobody",
                                                                                      "name": "Somebody"}),
                       ("/api/schedules", {"account": "Nobody", "every": "6h"}),
                       ("/api/schedules/run-now", {"account": "Nobody"})):
        resp = await client.post(path, json=body, headers=view_headers(client.port))
        answer = await resp.json()
        assert (resp.status, answer["kind"]) == (404, "not_found") and UNKNOWN in answer["message"], path
    for path in ("/api/report", "/api/chart", "/api/lines", "/api/summary.pdf"):
        body = await (await get(client, f"{path}?period=nonsense", 400)).json()
        assert body["kind"] == "bad_input" and "period 'nonsense'" in body["message"], path


async def test_the_sync_browser_in_use_is_409_from_the_view(client, service):
    lock = ProfileLock(service.cfg.data_dir)
    assert lock.acquire()
    try:
        resp = await client.post("/api/browser/login", json={}, headers=view_headers(client.port))
        answer = await resp.json()
        assert (resp.status, answer["kind"]) == (409, "conflict") and "in use" in answer["message"]
    finally:
        lock.release()


@pytest.mark.parametrize("via", ["offline", "daemon"])
async def test_commands_exit_the_same_with_or_without_a_daemon(db_url, tmp_path, via):
    data = tmp_path / "data"
    async with maybe_daemon(via, data, db_url):
        for args in (("report", "--account", "Nobody"), ("reconcile", "--account", "Nobody"),
                     ("reset", "--account", "Nobody", "--yes"), ("schedule", "set", "Nobody", "--every", "6h")):
            res = await acli(data, db_url, *args)
            assert (res.code, res.out) == (2, ""), (args, res.err)
            assert res.err_lines == [f"shoptally: {UNKNOWN} (known: none yet)"], (args, res.err)
        res = await acli(data, db_url, "report", "--period", "nonsense")
        assert res.code == 2 and res.err_lines[0].startswith("shoptally: period 'nonsense'"), res.err
        res = await acli(data, db_url, "schedule", "set", "Nobody")  # neither --every, --at nor off
        assert (res.code, res.err_lines) == (2, ["shoptally: give one of --every 6h, --at 09:00,21:00 or off"])
        lock = ProfileLock(data)
        assert lock.acquire()
        try:
            res = await acli(data, db_url, "browser", "login")
            assert res.code == 1 and "in use" in res.err, res.err  # busy: exit 1
        finally:
            lock.release()

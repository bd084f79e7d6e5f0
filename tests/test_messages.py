"""Every refusal carries a code the Finance view translates (issue #16 point 6): the catalog
(companion/server/static/messages.json) has both languages for every code with the same placeholders, every
code the source raises is in it, and real refusals of the HTTP API carry their code, their params and the
English sentence rendered from the catalog, unchanged from before codes existed."""

from __future__ import annotations

import ast
import base64
import re
import string
from pathlib import Path

from companion import errors
from companion.core.service import SyncStalled
from companion.ledger.periods import NAMED
from companion.sources.model import StoreRef
from companion.store import stores
from companion.store.writer import run_inline
from tests.support.app import FakeExtension
from tests.support.builders import view_headers

REPO = Path(__file__).resolve().parents[1]
FIELD = re.compile(r"^\w+$")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_code_has_english_and_chinese_with_the_same_placeholders_and_renders():
    catalog = errors.catalog()
    assert len(catalog) >= 70
    for code, entry in catalog.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
        assert set(entry) == {"en", "zh"}, code
        en, zh = fields(entry["en"]), fields(entry["zh"])
        # a Chinese template may name a param's Chinese form, `<name>_zh`, sent beside it (a seller center's
        # tab: the extension knows its title in both languages)
        assert en == {name.removesuffix("_zh") for name in zh}, code
        assert all(FIELD.match(name) for name in en) and "file" not in en, code  # file is the error's own
        assert "!r" not in entry["zh"], code  # the view fills zh templates; it has no Python repr
        sample = {name: "X" for name in en | zh}
        assert errors.render(code, sample, "en") and errors.render(code, sample, "zh"), code
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]), code  # written in Chinese, not copied


def test_every_code_the_source_raises_is_in_the_catalog():
    raised = set()
    for path in (REPO / "companion").rglob("*.py"):
        if path.name != "errors.py":  # its docstring's example
            raised |= set(re.findall(r"\.of\(\s*\"([a-z0-9_]+)\"", path.read_text(encoding="utf-8")))
    assert len(raised) >= 60
    assert sorted(raised - set(errors.catalog())) == []


def test_every_code_of_the_catalog_is_used_by_the_source():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "companion").rglob("*.py"))
    # the extension's sync codes (ext_*) are named by extension/lib/sync_errors.js and its callers
    source += "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "extension").rglob("*.js"))
    named = set(re.findall(r'"([a-z][a-z0-9_]*)"', source))
    derived = {c for c in errors.catalog() if c.startswith("cell_")}  # settings_api._one_row: row_X -> cell_X
    derived |= {"row_target_product", "row_target_order"}  # inputs.read_fees: f"row_target_{level}"
    # messages.js: a param naming a field is shown by name_<field>; settings.js: a status by status_<status>
    derived |= {c for c in errors.catalog() if c.startswith(("name_", "status_"))}
    assert sorted(set(errors.catalog()) - named - derived) == []


def test_a_coded_refusal_renders_english_from_the_catalog_and_keeps_its_params():
    refused = errors.Unprocessable.of("currency_unknown", field="currency", value="USS")
    assert refused.message == "currency: 'USS' is not a currency code (ISO 4217, e.g. USD, CNY, EUR, GBP)"
    assert refused.json() == {"error": "refused", "kind": "unprocessable", "code": "currency_unknown",
                              "params": {"field": "currency", "value": "USS"}, "message": refused.message}
    assert errors.render("currency_unknown", refused.params, "zh") == \
        "currency：“USS”不是货币代码（ISO 4217，例如 USD、CNY、EUR、GBP）"
    on_file = errors.BadInput.of("content_not_base64", file="a.xlsx")
    assert on_file.json()["message"] == "a.xlsx: content_base64 is not valid base64"
    assert (on_file.json()["file"], on_file.code, on_file.params) == ("a.xlsx", "content_not_base64", {})


async def _post(client, path, body):
    resp = await client.post(path, json=body, headers=view_headers(client.port))
    return resp.status, await resp.json()


async def _get(client, path):
    resp = await client.get(path, headers=view_headers(client.port))
    return resp.status, await resp.json()


async def test_real_refusals_of_the_api_carry_a_code_of_the_catalog(client):
    catalog = errors.catalog()
    answers = {
        "bad currency": await _get(client, "/api/report?currency=XX"),
        "unknown store": await _get(client, "/api/report?account=Nobody"),
        "bad cost": await _post(client, "/api/costs", {"sku_id": "A1", "unit_cost": "-2", "currency": "USD"}),
        "bad cost currency": await _post(client, "/api/costs", {"sku_id": "A1", "unit_cost": "2", "currency": "USS"}),
        "bad setting": await _post(client, "/api/settings", {"colour": "blue"}),
        "bad setting choice": await _post(client, "/api/settings", {"order_sync_mode": "sometimes"}),
        "bad store zone": await _post(client, "/api/stores/update", {"account": "Nobody", "timezone": "Mars"}),
        "sync without extension": await _post(client, "/api/sync", {}),
        "no pairing waiting": await _post(client, "/api/pairing/approve", {}),
        "bad sort": await _get(client, "/api/lines?dir=up"),
        "no such fee": await _post(client, "/api/fees/delete", {"id": 999}),
        "body not JSON": (None, None),
    }
    resp = await client.post("/api/settings", data=b"{nope", headers={**view_headers(client.port),
                                                                      "Content-Type": "application/json"})
    answers["body not JSON"] = (resp.status, await resp.json())
    for what, (status, body) in answers.items():
        assert status >= 400 and body["code"] in catalog, (what, status, body)
        assert body["message"] == errors.render(body["code"], body["params"]), what
    assert answers["bad currency"] == (400, {
        "error": "refused", "kind": "bad_input", "code": "report_currency_unknown", "params": {"currency": "XX"},
        "message": "--currency 'XX' is not a currency code (e.g. USD)"})
    assert answers["bad cost"][1]["code"] == "unit_cost_negative" and answers["bad cost"][1]["params"] == {
        "value": "-2"}
    assert answers["bad cost"][1]["message"] == "unit_cost: -2 is negative; enter what one unit costs"
    status, body = await _post(client, "/api/costs", {"sku_id": "A1", "unit_cost": "1.23456", "currency": "USD"})
    assert (status, body["code"], body["params"], body["message"]) == (
        422, "cell_too_many_decimals", {"column": "unit_cost", "value": "1.23456"},
        "unit_cost: 1.23456 has more than 4 decimals")
    assert errors.render(body["code"], body["params"], "zh") == "unit_cost：1.23456 的小数超过 4 位"
    status, body = await _post(client, "/api/costs", {"sku_id": "A1", "unit_cost": " six ", "currency": "USD"})
    assert (body["code"], body["params"], body["message"]) == (
        "cell_not_amount", {"column": "unit_cost", "value": "six"}, "unit_cost: 'six' is not an amount")
    assert errors.render("unit_cost_negative", {"value": "-2"}, "zh") == "单位成本：-2 是负数；请输入一件的成本"
    assert answers["unknown store"][1]["code"] == "store_unknown_none"
    assert answers["unknown store"][1]["params"] == {"name": "Nobody"}
    assert answers["unknown store"][1]["message"] == "no store named 'Nobody' (known: none yet)"
    assert errors.render("store_unknown_none", answers["unknown store"][1]["params"], "zh") == \
        "没有名为“Nobody”的店铺（还没有任何店铺）"
    assert (answers["sync without extension"][0], answers["sync without extension"][1]["code"]) == \
        (409, "no_extension")
    assert answers["bad setting"][1]["params"]["key"] == "colour"
    assert [answers[k][1]["code"] for k in ("bad cost currency", "bad setting choice", "bad store zone",
                                              "no pairing waiting", "bad sort", "no such fee", "body not JSON")] == \
        ["currency_unknown", "setting_not_choice", "store_unknown_none", "pairing_none_waiting", "dir_unknown",
         "fee_unknown", "body_not_json"]


async def test_an_import_of_an_unknown_file_carries_its_code_per_file(client):
    files = [{"name": "notes.csv", "content_base64": base64.b64encode(b"hello,world\n1,2\n").decode()},
             {"name": "bad.xlsx", "content_base64": "***"}]
    status, body = await _post(client, "/api/import", {"files": files})
    assert status == 200 and body["files"] == []
    by_file = {e["file"]: e for e in body["errors"]}
    assert by_file["bad.xlsx"]["code"] == "content_not_base64"
    assert by_file["bad.xlsx"]["message"] == "bad.xlsx: content_base64 is not valid base64"
    assert by_file["notes.csv"]["code"] in errors.catalog(), by_file["notes.csv"]


async def test_a_bad_period_and_an_undo_with_nothing_to_undo_carry_their_codes(client):
    status, body = await _get(client, "/api/report?period=2026-13")
    assert (status, body) == (400, {
        "error": "refused", "kind": "bad_input", "code": "period_month_range", "params": {"period": "2026-13"},
        "message": "period '2026-13': month must be 01-12"})
    assert errors.render("period_month_range", body["params"], "zh") == "期间“2026-13”：月份必须是 01-12"
    status, body = await _get(client, "/api/report?period=2026-02-30")
    assert (status, body["code"], body["params"]) == (400, "period_not_date",
                                                      {"period": "2026-02-30", "value": "2026-02-30"})
    assert body["message"] == "period '2026-02-30': '2026-02-30' is not a valid date (YYYY-MM-DD)"
    status, body = await _get(client, "/api/report?period=lately")
    assert (status, body["code"]) == (400, "period_unknown")
    assert body["message"] == ("period 'lately' is not one of today, yesterday, last-7-days, this-month, "
                               "last-month, this-year, all, YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or "
                               "YYYY-MM-DD..")
    assert ", ".join(NAMED) in errors.catalog()["period_unknown"]["en"]  # the sentence lists every word
    zh = errors.render("period_unknown", body["params"], "zh")
    assert zh.startswith("无法识别期间“lately”：请使用 today（今天）、yesterday（昨天）、")
    status, body = await _get(client, "/api/report?period=2026-11-02..2026-11-01")
    assert (body["code"], body["message"]) == ("period_end_before_start",
                                               "period '2026-11-02..2026-11-01': the end is before the start")
    status, body = await _get(client, "/api/report?period=1999")
    assert (body["code"], body["params"], body["message"]) == (
        "period_year_range", {"period": "1999", "first": 2000, "last": 2099}, "period '1999': years 2000-2099 only")
    assert errors.render("period_year_range", body["params"], "zh") == "期间“1999”：只支持 2000-2099 年"

    status, body = await _post(client, "/api/edits/undo", {})
    assert (status, body) == (409, {"error": "refused", "kind": "conflict", "code": "undo_nothing", "params": {},
                                    "message": "no edit to undo"})
    assert errors.render("undo_nothing", {}, "zh") == "没有可撤销的修改"
    status, body = await _post(client, "/api/edits/undo", {"edit": 77})
    assert (status, body["code"], body["params"], body["message"]) == (
        409, "undo_unknown", {"edit": 77}, "edit 77 does not exist or was undone already")
    assert errors.render("undo_unknown", body["params"], "zh") == "修改 77 不存在或已被撤销"


async def test_refused_edits_carry_their_codes(client):
    status, body = await _post(client, "/api/edits", {"line_id": 999, "field": "purchase_price", "value": "2"})
    assert (status, body["code"], body["params"], body["message"]) == (
        422, "edit_line_unknown", {"line": 999}, "no line 999: it may have been reset; reload the view")
    assert errors.render("edit_line_unknown", body["params"], "zh") == "没有第 999 号明细：它可能已被重置；请刷新页面"
    status, body = await _post(client, "/api/edits", {"line_id": 1, "field": "quantity", "value": "2"})
    assert (status, body["code"], body["message"]) == (
        422, "edit_field_unknown", "'quantity' cannot be edited; editable: settlement_price, purchase_price, "
        "other_fees, purchase_order")


async def test_from_the_start_and_none_yet_are_codes_of_their_own_so_chinese_says_them_in_words(client):
    await _post(client, "/api/costs", {"sku_id": "A", "unit_cost": "1", "currency": "USD", "effective_from": ""})
    await _post(client, "/api/costs", {"sku_id": "A", "unit_cost": "1", "currency": "USD",
                                       "effective_from": "2025-02-01"})
    status, body = await _post(client, "/api/costs", {"sku_id": "A", "unit_cost": "2", "currency": "USD",
                                                      "effective_from": "", "replaces": "2025-02-01"})
    assert (status, body["code"], body["params"], body["message"]) == (
        422, "cost_version_taken_start", {"sku": "A"},
        "effective_from: SKU A already has a cost from the start; change that version instead")
    assert errors.render(body["code"], body["params"], "zh") == "生效日期：SKU A 已有从最早开始的成本；请修改那个版本"
    status, body = await _post(client, "/api/costs", {"sku_id": "B", "unit_cost": "2", "currency": "USD",
                                                      "effective_from": "2025-03-01", "replaces": ""})
    assert (status, body["code"], body["params"], body["message"]) == (
        404, "cost_version_gone_start", {"sku": "B"}, "SKU B has no cost from the start: reload the table")
    status, body = await _post(client, "/api/costs/delete", {"sku_id": "B", "effective_from": ""})
    assert (status, body["code"], body["params"], body["message"]) == (
        404, "cost_none_from_start", {"sku": "B"}, "SKU B has no cost from the start: reload the table")
    assert errors.render(body["code"], body["params"], "zh") == "SKU B 没有从最早开始的成本：请刷新表格"
    status, body = await _post(client, "/api/costs/delete", {"sku_id": "B", "all": True})
    assert (status, body["code"], body["params"], body["message"]) == (
        404, "cost_none", {"sku": "B"}, "SKU B has no cost: reload the table")
    for zh in (entry["zh"] for entry in errors.catalog().values()):
        assert "the start" not in zh and "none yet" not in zh


async def test_a_refused_row_of_a_seller_csv_carries_its_row_and_a_typed_one_its_cell_code(client):
    def csv_body(name: str, text: bytes) -> dict:
        return {"name": name, "content_base64": base64.b64encode(text).decode()}

    twice = b"sku_id,unit_cost,currency\r\nSKU-D,1,USD\r\nSKU-D,2,USD\r\n"
    status, body = await _post(client, "/api/figures/costs", csv_body("costs.csv", twice))
    assert (status, body["code"], body["params"], body["file"], body["message"]) == (
        422, "row_cost_twice_start", {"row": 3, "sku": "SKU-D", "first": 2}, "costs.csv",
        "costs.csv: row 3: SKU SKU-D from the start is already on row 2")
    assert errors.render(body["code"], body["params"], "zh") == "第 3 行：SKU SKU-D 从最早开始的成本已在第 2 行"
    fine = b"sku_id,unit_cost,currency\r\nSKU-D,1,USD\r\nSKU-E,1.23456,USD\r\n"
    status, body = await _post(client, "/api/figures/costs", csv_body("costs.csv", fine))
    assert (body["code"], body["params"], body["message"]) == (
        "row_too_many_decimals", {"row": 3, "column": "unit_cost", "value": "1.23456"},
        "costs.csv: row 3, unit_cost: 1.23456 has more than 4 decimals")
    status, body = await _post(client, "/api/figures/fx", csv_body("rates.csv", b"date,from,to\r\n"))
    assert (body["code"], body["params"], body["message"]) == (
        "csv_missing_column", {"missing": "rate", "columns": "date, from, to, rate"},
        "rates.csv: missing column rate (the first row must name the columns date, from, to, rate)")

    status, body = await _post(client, "/api/fx", {"date": "2025-10-01", "from": "USD", "to": "usd", "rate": "1"})
    assert (status, body) == (422, {"error": "refused", "kind": "unprocessable", "code": "cell_rate_same_currency",
                                    "params": {"currency": "USD"}, "message": "from and to are both USD"})
    assert errors.render(body["code"], body["params"], "zh") == "from 和 to 都是 USD"
    status, body = await _post(client, "/api/fees", {"level": "shop"})
    assert (status, body["code"], body["params"], body["message"]) == (
        422, "cell_level_unknown", {"value": "shop"}, "level: 'shop' is not one of store, product, order")


def test_each_cell_code_is_its_row_code_less_the_row():
    catalog = errors.catalog()
    cells = [code for code in catalog if code.startswith("cell_")]
    assert len(cells) == 14
    for code in cells:
        row = catalog["row_" + code.removeprefix("cell_")]
        assert row["en"] in (f"row {{row}}, {catalog[code]['en']}", f"row {{row}}: {catalog[code]['en']}"), code
        assert row["zh"] in (f"第 {{row}} 行，{catalog[code]['zh']}", f"第 {{row}} 行：{catalog[code]['zh']}"), code


def test_a_stalled_sync_says_which_wait_by_code():
    said = SyncStalled(1.5, {"stage": "settled", "pages": 1, "message": "page 1"})
    assert (said.code, said.params, str(said)) == (
        "sync_stalled_said", {"seconds": "1.5", "stage": "settled", "pages": 1, "message": "page 1"},
        "the seller center did not answer for 1.5 s while waiting for settled after 1 pages (page 1)")
    assert errors.render(said.code, said.params, "zh") == \
        "卖家中心 1.5 秒没有响应（已读取 1 页，正在等待 settled：page 1）"
    start = SyncStalled(30, {})
    assert (start.code, start.params, str(start)) == (
        "sync_stalled_start", {"seconds": "30"},
        "the seller center did not answer for 30 s while waiting for the extension to start the sync")
    quiet = SyncStalled(30, {"stage": "on_hold", "pages": 4})
    assert (quiet.code, str(quiet)) == (
        "sync_stalled", "the seller center did not answer for 30 s while waiting for on_hold after 4 pages")


async def test_a_sync_run_that_fails_carries_its_code_beside_its_sentence(client, service, db, monkeypatch):
    run_inline(db, stores.resolve, StoreRef("tiktok", "7495001", "US", "Mug shop", "USD", "America/Los_Angeles"))
    published = []
    service.bus.add_listener(lambda event: published.append(event) if event["event"] == "sync.run" else None)
    ext = await FakeExtension(client, delay=0.05, error="not logged in: log in to the seller center").connect()
    try:
        run = await service.runner.run("Mug shop", "manual")
    finally:
        await ext.close()
    assert (run["status"], run["error"], run["code"], run["params"]) == (
        "login_expired", "not logged in: log in to the seller center", "sync_login_expired",
        {"message": "not logged in: log in to the seller center"})
    assert published[-1]["run"]["code"] == "sync_login_expired"
    assert errors.render("sync_login_expired", run["params"], "zh") == \
        "卖家中心的登录已失效：not logged in: log in to the seller center"

    monkeypatch.setenv("SHOPTALLY_BROWSER", "/nonexistent/chromium")
    run = await service.runner.run("Mug shop", "manual")
    assert (run["status"], run["code"]) == ("browser_missing", "auto_browser_named_bad")  # its own code
    assert run["params"]["value"] == "/nonexistent/chromium" and run["error"].startswith("SHOPTALLY_BROWSER=")
    assert errors.render(run["code"], run["params"], "zh").startswith("SHOPTALLY_BROWSER=“/nonexistent/chromium”不是")
    assert [e["run"].get("code") for e in published[-2:]] == [None, "auto_browser_named_bad"]  # running, ended
    stored = await (await client.get("/api/automation", headers=view_headers(client.port))).json()
    assert [r["error"] for r in stored["runs"]][:2] == [run["error"], "not logged in: log in to the seller center"]

    status, body = await _post(client, "/api/sync", {})
    assert body["code"] == "no_extension"  # refused before a run starts: an HTTP refusal with its code


def test_a_parser_refusal_located_at_its_row_keeps_the_problem_code_inside_for_the_view():
    from companion.pipeline.importer import file_error
    from companion.sources.model import SourceError
    from companion.sources.tabular import at_row

    inner = SourceError.of("src_not_table")
    located = at_row(inner, "a.xlsx", "Orders", 7)
    assert str(located) == "a.xlsx: sheet 'Orders', row 7: not a table"
    assert at_row(located, "a.xlsx", "Orders", 9) is located  # said once, where it happened first
    refused = file_error("a.xlsx", str(located), None, located.code, located.params).json()
    assert refused == {"error": "refused", "kind": "unprocessable", "code": "src_at_row", "file": "a.xlsx",
                       "params": {"sheet": "Orders", "row": 7, "problem": {
                           "code": "src_not_table", "params": {}, "message": "not a table"}},
                       "message": "a.xlsx: sheet 'Orders', row 7: not a table"}
    assert errors.render("src_at_row", refused["params"], "zh") == "工作表“Orders”第 7 行：不是表格文件"
    uncoded = at_row(SourceError("a cell is odd"), "b.csv", "b", 2)  # a sentence with no code: English inside
    assert errors.render("src_at_row", uncoded.params, "zh") == "工作表“b”第 2 行：a cell is odd"


def test_params_json_cannot_carry_are_sent_as_text():
    refused = errors.Unprocessable.of("src_not_table")
    refused.params = errors.plain_params({"value": float("nan"), "n": 1.5, "inner": errors.coded(
        "src_not_table", {"v": float("inf")}, "not a table")})
    assert refused.params == {"value": "nan", "n": 1.5,
                              "inner": {"code": "src_not_table", "params": {"v": "inf"}, "message": "not a table"}}


SOURCES = REPO / "companion" / "sources"
REFUSALS = {"SourceError", "CellTooLong", "MangledId", "StoreChoice"}
PREFIXES = {"tiktok": ("tiktok_", "src_"), "temu": ("temu_", "src_"), "shein": ("shein_", "src_"),
            "alibaba1688": ("alibaba1688_", "src_")}


def _parser_calls() -> list[tuple[Path, ast.Call]]:
    paths = [p for p in SOURCES.rglob("*.py") if p.name != "model.py"]
    paths += [REPO / "companion" / "pipeline" / n for n in ("chunked_import.py", "ingest.py", "importer.py")]
    return [(p, n) for p in paths for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(n, ast.Call)]


def test_no_parser_refusal_is_a_plain_sentence_and_each_code_is_its_platforms():
    """Every refusal of a parser goes through `.of(code, …)`: none is built from a sentence (which would reach
    the view in English only), nor rebuilt with `type(exc)(…)` (which drops its code); each code is in the
    catalog and named for its platform (or `src_`, the tables' own)."""
    calls = _parser_calls()
    assert len({p for p, _ in calls}) >= 25
    plain = [f"{p.relative_to(REPO)}:{n.lineno}" for p, n in calls
             if (isinstance(n.func, ast.Name) and n.func.id in REFUSALS)
             or (isinstance(n.func, ast.Call) and isinstance(n.func.func, ast.Name) and n.func.func.id == "type")]
    assert plain == []
    used: dict[str, set[str]] = {}
    for p, n in calls:
        if isinstance(n.func, ast.Attribute) and n.func.attr == "of" and n.args and isinstance(n.args[0], ast.Constant):
            folder = p.parent.name if p.parent.parent == SOURCES else ""
            used.setdefault(folder, set()).add(n.args[0].value)
    assert set(PREFIXES) <= set(used)
    assert sorted(c for codes in used.values() for c in codes if c not in errors.catalog()) == []
    for folder, prefixes in PREFIXES.items():
        assert sorted(c for c in used[folder] if not c.startswith(prefixes)) == [], folder

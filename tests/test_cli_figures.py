"""`shoptally costs|fees|fx import`, `report --by`, `reconcile` and `reparse` as the real program, offline and
through a running daemon."""

from __future__ import annotations

import pytest

from tests.support.daemon import acli, maybe_daemon, scalar
from tests.support.tables import US_HEADER, US_NAME, US_ROWS, xlsx

STORE = "TikTok US MugHouse"


@pytest.mark.parametrize("via", ["offline", "daemon"])
async def test_seller_figures_report_reconcile_and_reparse(via, db_url, tmp_path):
    data = tmp_path / "data"
    export = tmp_path / f"{US_NAME}.xlsx"
    export.write_bytes(xlsx({"Order details": [US_HEADER, *US_ROWS]}))
    costs = tmp_path / "costs.csv"
    costs.write_text("sku_id,unit_cost,currency\n1729000000000000001,6.00,USD\n")
    bad = tmp_path / "bad-costs.csv"
    bad.write_text("sku_id,unit_cost,currency\n1729000000000000001,six,USD\n")
    fees = tmp_path / "fees.csv"
    fees.write_text(f"level,account,target,month,amount,currency,name\nstore,{STORE},,2025-10,30.00,USD,rent\n")
    unknown = tmp_path / "fees-unknown.csv"
    unknown.write_text("level,account,target,month,amount,currency\nstore,Nobody,,2025-10,1,USD\n")
    rates = tmp_path / "fx.csv"
    rates.write_text("date,from,to,rate\n2025-10-01,USD,CNY,7.10\n")
    async with maybe_daemon(via, data, db_url):
        assert (await acli(data, db_url, "import", str(export))).code == 0
        res = await acli(data, db_url, "costs", "import", str(costs))
        assert (res.code, res.out.strip(), res.err) == (0, f"{costs}: costs: 1 added, 0 updated, 0 skipped", "")
        again = await acli(data, db_url, "costs", "import", str(costs), "--json")
        assert again.json == {"file": str(costs), "kind": "costs", "added": 0, "updated": 0, "skipped": 1}
        refused = await acli(data, db_url, "costs", "import", str(bad))
        assert refused.code == 2 and refused.out == ""
        assert refused.err_lines == ["shoptally: bad-costs.csv: row 2, unit_cost: 'six' is not an amount"]
        assert (await acli(data, db_url, "fees", "import", str(fees))).code == 0
        nobody = await acli(data, db_url, "fees", "import", str(unknown))
        assert nobody.code == 2 and len(nobody.err_lines) == 1 and "no store named 'Nobody'" in nobody.err
        assert (await acli(data, db_url, "fx", "import", str(rates))).code == 0
        assert scalar(db_url, "SELECT COUNT(*) FROM sku_cost") == 1
        assert scalar(db_url, "SELECT COUNT(*) FROM custom_fee") == 1

        rep = (await acli(data, db_url, "report", "--period", "2025-10", "--json")).json
        (row,) = rep["rows"]
        assert (row["cost"], row["custom_fees"], row["gross_profit"]) == ("-12.00", "-30.00", "-1.03")
        text = await acli(data, db_url, "report", "--period", "2025-10", "--by", "msku")
        assert text.code == 0 and "MUG-RED" in text.out and "gross profit" in text.out.splitlines()[1]
        converted = await acli(data, db_url, "report", "--period", "2025-10", "--currency", "CNY")
        assert converted.code == 0 and "rate used: 1 USD = 7.10 CNY (from 2025-10-01)" in converted.out
        missing = await acli(data, db_url, "report", "--period", "2025-10", "--currency", "EUR")
        assert missing.code == 2 and missing.err_lines == [
            "shoptally: no exchange rate for USD→EUR on or before 2025-10-06: import one with "
            "`shoptally fx import FILE.csv` (columns date,from,to,rate)"]

        checked = await acli(data, db_url, "reconcile", "--json")
        assert (checked.code, checked.json["problems"]) == (0, [])
        reparsed = await acli(data, db_url, "reparse", "--json")
        assert reparsed.code == 0
        assert (reparsed.json["captures"], reparsed.json["added"], reparsed.json["updated"]) == (1, 0, 0)
        assert reparsed.json["skipped"] == 7

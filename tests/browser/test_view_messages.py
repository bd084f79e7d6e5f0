"""Issue #16 point 6 in real Chromium: a file the parser refuses is said in the page's language, from the
refusal's code, the row it is on and the cell's own problem inside it (a nested code), not the server's
English; the same file's English answer is the server's sentence unchanged."""

from __future__ import annotations

import pytest

from companion import errors
from companion.pipeline import importer
from scripts.bench_import import COL, export_rows, write_csv
from tests.support.browser import wait_for
from tests.support.finance_view import open_view


def refusal(path) -> importer.FileError:
    """The refusal the daemon answers for this file, computed as it computes it (parsing only: no database)."""
    with pytest.raises(importer.FileError) as refused:
        list(importer.read_upload(path.name, path.read_bytes(), "", None, ()))
    return refused.value


def test_a_refused_file_is_said_in_chinese_with_its_row_and_the_cells_problem(browser, loaded, tmp_path):
    from selenium.webdriver.common.by import By

    rows = export_rows(3, seed=5)
    rows[1][COL["Total settlement amount"]] = "12,3x"
    path = tmp_path / "TikTok_BenchShop_结算_2025-10.csv"
    write_csv(path, rows)
    refused = refusal(path)
    assert (refused.code, refused.params["row"], refused.params["problem"]["code"]) == (
        "src_at_row", 3, "src_cell_not_amount")
    chinese = errors.render(refused.code, refused.params, "zh")
    assert "第 3 行" in chinese and "“12,3x”" in chinese
    before = loaded.get("/api/status")["rev"]

    d = browser.driver
    open_view(browser, loaded, "?tab=settings&period=2025-09")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "[data-tab=income]").text == "收入", "Chinese tabs")
    d.find_element(By.ID, "file-input").send_keys(str(path))
    shown = wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#import-result tbody").text, "the import's answer")
    assert shown == f"{path.name}: {chinese}"
    d.find_element(By.ID, "lang").click()  # and in English: the server's own sentence
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "[data-tab=income]").text == "Income", "English tabs")
    d.find_element(By.ID, "file-input").clear()
    d.find_element(By.ID, "file-input").send_keys(str(path))
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#import-result tbody").text == str(refused),
             "the English answer")
    assert loaded.get("/api/status")["rev"] == before  # refused twice, stored nothing

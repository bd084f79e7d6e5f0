"""Issue #17 point 7 in real Chromium: a file dropped on Settings and a restore picked from the backups list
show the daemon's progress for that operation (docs/protocol.md, `progress`) as a bar with its words, in the
page's language, and the bar goes once the work is done.

What the bar showed is recorded by a MutationObserver into sessionStorage (a restore reloads the view)."""

from __future__ import annotations

import json
import re

from companion.sources.tables import LARGE_CSV
from scripts.bench_import import export_rows, write_csv
from tests.support.browser import wait_for
from tests.support.finance_view import open_view

RECORD = """
sessionStorage.setItem('bars', '[]');
const seen = (text) => {
  const all = JSON.parse(sessionStorage.getItem('bars'));
  if (all[all.length - 1] !== text) { all.push(text); sessionStorage.setItem('bars', JSON.stringify(all)); }
};
new MutationObserver(() => {
  for (const el of document.querySelectorAll('.progress')) {
    seen(el.getAttribute('aria-valuenow') + '|' + el.querySelector('.progress-text').textContent);
  }
}).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
"""
ROWS = 45_000  # a CSV over LARGE_CSV (8 MiB): imported in units, each reported as it is written


def bars(d) -> list[tuple[int | None, str]]:
    return [(None if n == "null" else int(n), text)
            for n, _, text in (s.partition("|") for s in json.loads(d.execute_script(
                "return sessionStorage.getItem('bars')")))]


def numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]


def test_a_dropped_file_shows_its_import_as_a_bar_of_rows_in_chinese_then_goes(browser, daemon, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "TikTok_BigShop_结算_2025-09.csv"
    write_csv(path, export_rows(ROWS, seed=11))
    assert len(path.read_text(encoding="utf-8-sig")) > LARGE_CSV
    d = browser.driver
    open_view(browser, daemon, "?tab=settings&period=2025-09")
    d.find_element(By.ID, "lang").click()
    wait_for(lambda: d.find_element(By.CSS_SELECTOR, "[data-tab=income]").text == "收入", "Chinese tabs")
    d.execute_script(RECORD)
    d.find_element(By.ID, "file-input").send_keys(str(path))
    answer = wait_for(lambda: d.find_element(By.CSS_SELECTOR, "#import-result tbody").text, "the import's answer",
                      timeout=240)
    assert answer == f"{path.name}：新增 {ROWS}，更新 0，跳过 0 tiktok · order_details · TikTok US BigShop"
    assert d.find_elements(By.CSS_SELECTOR, ".progress") == []  # the bar went with the answer
    shown = bars(d)
    assert shown[0] == (None, "正在开始…")
    counted = [(share, text) for share, text in shown[1:] if "正在导入" in text]
    assert counted, shown
    # each says the file, the stage and rows; what it counts only grows, and the last is the whole file
    pattern = re.compile(rf"^{re.escape(path.name)} · 正在导入 [\d,]+( / [\d,]+)? 行( · \d+%)?$")
    assert all(pattern.match(text) for _, text in counted), counted
    done = [numbers(text.split(" · ")[1])[0] for _, text in counted]
    assert done == sorted(done) and done[-1] == ROWS
    assert any(0 < n < ROWS for n in done), counted  # rows counted while they were written, not only at the end
    assert counted[-1] == (100, f"{path.name} · 正在导入 {ROWS:,} / {ROWS:,} 行 · 100%")


def test_a_restore_shows_its_bar_until_the_view_reloads(browser, daemon, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "TikTok_BigShop_结算_2025-09.csv"
    write_csv(path, export_rows(ROWS, seed=11))
    assert daemon.cli("import", "--json", str(path)).code == 0
    made = daemon.cli("backup", "create")
    assert made.code == 0, made.err
    [name] = [b["name"] for b in daemon.get("/api/backups")["backups"]]
    d = browser.driver
    open_view(browser, daemon, "?tab=settings&period=2025-09")
    row = wait_for(lambda: d.find_element(By.CSS_SELECTOR, f"#backups tr[data-name='{name}'] button"), "the backup")
    d.execute_script(RECORD + "window.beforeRestore = true; window.confirm = () => true;")
    row.click()
    wait_for(lambda: d.execute_script("return window.beforeRestore === undefined && document.body.dataset.ready"),
             "the view to reload after the restore", timeout=240)
    shown = bars(d)
    assert shown[0] == (None, "Starting…")
    stages = [text.split(" · ")[1].split(" ")[0] for _, text in shown[1:]]
    assert "Restoring" in stages, shown
    restoring = [(share, text) for share, text in shown[1:] if " · Restoring " in text]
    assert all(text.startswith(f"{name} · Restoring ") and text.endswith("%") for _, text in restoring), restoring
    shares = [share for share, _ in restoring]
    assert shares == sorted(shares) and shares[-1] == 100

"""Progress of long work (issue #17.7): the throttled callback, the bar's text, and the reports the import,
backup, restore, reparse and cloud push/pull make, ending at their totals."""

from __future__ import annotations

import io
from pathlib import Path

from companion.backup import restore, snapshot
from companion.cli.progress import Bar, line
from companion.cloud import sync
from companion.pipeline import chunked_import, importer, reparse
from companion.sources import tables
from companion.store.models import SettlementLine
from companion.store.progress import Throttled
from companion.store.workers import Inline, complete
from tests.support.tables import US_HEADER, bench_export, csv_bytes, us_row, xlsx

KEY = "草莓-mug-2026"
BIG_ROWS = 32_000  # about 8.8 MB: read in units, as a large export is


class Recorded:
    """A Progress that keeps every report."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int | None, str, str]] = []

    def __call__(self, done, total, unit, stage) -> None:
        self.reports.append((done, total, unit, stage))

    def of(self, stage: str) -> list[tuple[int, int | None, str, str]]:
        return [r for r in self.reports if r[3] == stage]


def test_throttled_passes_the_first_and_last_report_and_at_most_one_per_interval():
    now = [0.0]
    seen = Recorded()
    report = Throttled(seen, interval=0.1, clock=lambda: now[0])
    for i in range(1000):  # 1,000 reports in 0.5 s
        now[0] = i * 0.0005
        report(i, 1000, "rows", "import")
    report(1000, 1000, "rows", "import")
    report(0, 5, "bytes", "upload")  # a new stage passes at once
    assert seen.reports[0] == (0, 1000, "rows", "import")
    assert seen.reports[-2:] == [(1000, 1000, "rows", "import"), (0, 5, "bytes", "upload")]
    assert len(seen.reports) == 1 + 4 + 1 + 1  # first, one per 0.1 s (at 0.1, 0.2, 0.3, 0.4), last, next stage


def test_the_bar_says_share_amount_rate_and_time_left():
    assert line("import a.csv", 50_000, 200_000, "rows", "import", 2.0) == (
        "import a.csv  [#####---------------]  25%  50,000/200,000 rows  25,000 rows/s  0:06 left")
    assert line("import a.csv", 200_000, 200_000, "rows", "import", 8.0) == (
        "import a.csv  [####################] 100%  200,000/200,000 rows  25,000 rows/s  in 0:08")
    assert line("cloud push", 3_000_000, 12_000_000, "bytes", "upload", 1.0) == (
        "cloud push upload  [#####---------------]  25%  3.0/12.0 MB  3.0 MB/s  0:03 left")
    assert line("reparse", 700, None, "rows", "reparse", 1.0) == "reparse  700 rows  700 rows/s"


def test_the_bar_redraws_one_line_and_ends_it():
    out, now = io.StringIO(), [0.0]
    bar = Bar("import a.csv", out, clock=lambda: now[0])
    bar(0, 10, "rows", "import")
    now[0] = 1.0
    bar(10, 10, "rows", "import")
    bar.close()
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("in 0:01\x1b[K\n")


def test_a_large_import_reports_rows_written_up_to_the_rows_stored(db, tmp_path):
    path = bench_export(tmp_path, BIG_ROWS)
    assert path.stat().st_size >= importer.LARGE_FILE  # read in units
    seen = Recorded()
    summary = complete(importer.import_file(Inline(db), path.name, path.read_bytes(), None, seen))
    assert summary["added"] == BIG_ROWS == SettlementLine.select().count()
    done = [r[0] for r in seen.reports]
    assert done == sorted(done) and len(seen.reports) >= 3  # it moved, never back
    assert seen.reports[-1] == (BIG_ROWS, BIG_ROWS, "rows", "import")
    estimates = {r[1] for r in seen.reports[1:-1]}
    assert estimates and all(e is not None and BIG_ROWS <= e <= BIG_ROWS + 1 for e in estimates), estimates


def test_a_small_import_ends_at_its_rows(db, tmp_path):
    path = bench_export(tmp_path, 40)
    seen = Recorded()
    summary = complete(importer.import_file(Inline(db), path.name, path.read_bytes(), None, seen))
    assert seen.reports == [(0, None, "rows", "import"), (40, 40, "rows", "import")]
    assert summary["added"] == 40


def test_backup_restore_reparse_and_cloud_report_up_to_their_totals(db, tmp_path):
    path = bench_export(tmp_path, 600)
    complete(importer.import_file(Inline(db), path.name, path.read_bytes(), None))
    rows = snapshot.row_count(db)

    made = Recorded()
    manifest = snapshot.create(db, tmp_path / "b.shoptally-backup", progress=made)
    assert sum(manifest["tables"].values()) == rows
    assert made.reports[0] == (0, rows, "rows", "backup") and made.reports[-1] == (rows, rows, "rows", "backup")

    restored = Recorded()
    res = complete(restore.restore_file(Inline(db), tmp_path / "b.shoptally-backup", tmp_path / "safety", restored))
    assert sum(res["tables"].values()) == rows
    assert restored.of("safety backup")[-1] == (rows, rows, "rows", "safety backup")
    assert restored.of("restore")[0] == (0, rows, "rows", "restore")
    assert restored.reports[-1] == (rows, rows, "rows", "restore")

    again = Recorded()
    complete(reparse.run(Inline(db), None, again))
    assert again.reports[0] == (0, 1, "rows", "reparse") and again.reports[-1] == (1, 1, "rows", "reparse")

    target = Path(tmp_path / "cloud").as_uri()
    pushed, rows = Recorded(), snapshot.row_count(db)  # the restore and the reparse logged their changes
    out = sync.push(db, KEY, "laptop", target, pushed)
    assert pushed.of("backup")[-1] == (rows, rows, "rows", "backup")
    assert pushed.of("upload")[0] == (0, out["bytes"], "bytes", "upload")
    assert pushed.reports[-1] == (out["bytes"], out["bytes"], "bytes", "upload")

    pulled = Recorded()
    complete(sync.pull_into(Inline(db), KEY, target, write=False, progress=pulled))
    assert pulled.reports[0] == (0, out["bytes"], "bytes", "download")
    assert pulled.reports[-1] == (out["bytes"], out["bytes"], "bytes", "download")


def test_the_row_estimate_of_a_sheet_comes_from_its_stated_dimension():
    rows = [us_row(id=f"5769{i:012d}") for i in range(25)]
    book = tables.open_workbook("a.xlsx", xlsx({"Order details": [US_HEADER, *rows]}))
    assert chunked_import.estimated_rows(book, [("Order details", 0, None)]) == 25
    wrong = tables.open_workbook("a.xlsx", xlsx({"Order details": [US_HEADER, *rows]}, wrong_dimension=True))
    assert chunked_import.estimated_rows(wrong, [("Order details", 0, None)]) is None  # "A1": it does not say
    text = tables.open_workbook("a.csv", csv_bytes([US_HEADER, *rows]))
    assert chunked_import.estimated_rows(text, [(text.sheet_names[0], 0, None)]) == 25

"""A process that rebuilds stale day totals step by step, as a daemon's writer does when idle, and prints what
each of its steps cleared: `python -m tests.support.rebuild_worker URL GO_FILE`. It opens the database first,
then starts once GO_FILE exists, so two of them start together. One local day per step (STEP_DAYS 1), so a
month of lines takes many steps and two workers take turns."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from companion.store import line_totals
from companion.store.db import open_database
from companion.store.writer import write_transaction


def _marked(db) -> set[tuple[int, int]]:
    return {tuple(r) for r in db.execute_sql('SELECT "store_id", "hour" FROM "line_total_dirty"').fetchall()}


def main(url: str, go: Path) -> None:
    db = open_database(url, migrate=False)
    line_totals.STEP_DAYS = 1
    deadline = time.monotonic() + 120
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("never told to start")
        time.sleep(0.01)
    steps: list[list[list[int]]] = []
    while True:
        with write_transaction(db):  # the writer's own transaction: the schema's write turn first
            before = _marked(db)
            more = line_totals.rebuild_step()
            cleared = before - _marked(db)
        if not more:
            break
        steps.append(sorted(list(m) for m in cleared))
    print(json.dumps(steps))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))

"""The progress bar of a long command (import, reparse, backup, restore, cloud push/pull), on stderr.

Drawn only when stderr is a terminal and the command was not asked for --json: a script, a pipe or a log
file gets the command's output and nothing else, and stdout never carries a byte of the bar. The bar is
redrawn in place (carriage return, erase to the end of the line) and ends with a newline once the work is
done, so the command's own lines start on a clean line.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from companion.store.progress import Progress, Throttled, Unit

WIDTH = 20  # the bar's cells


def wanted(args, stream: TextIO | None = None) -> bool:
    """A bar for this command: stderr is a terminal and the output is not --json."""
    stream = stream or sys.stderr
    return not getattr(args, "json", False) and stream.isatty()


def amount(n: float, unit: Unit) -> str:
    return f"{n / 1e6:,.1f}" if unit == "bytes" else f"{n:,.0f}"


def unit_name(unit: Unit) -> str:
    return "MB" if unit == "bytes" else "rows"


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def line(label: str, done: int, total: int | None, unit: Unit, stage: str, elapsed: float) -> str:
    """One state of the bar: `import a.csv [######----]  60%  120,000/200,000 rows  25,000 rows/s  0:03 left`;
    with no total yet, the count and rate only; at the end, the time it took."""
    rate = done / elapsed if elapsed > 0 else 0.0
    parts = [f"{label} {stage}" if stage and stage not in label else label]
    finished = total is not None and done >= total
    if total:
        share = min(1.0, done / total)
        filled = int(share * WIDTH)
        parts.append(f"[{'#' * filled}{'-' * (WIDTH - filled)}] {share * 100:3.0f}%")
        parts.append(f"{amount(done, unit)}/{amount(total, unit)} {unit_name(unit)}")
    else:
        parts.append(f"{amount(done, unit)} {unit_name(unit)}" if total is None else "[" + "#" * WIDTH + "] 100%")
    if rate > 0:
        parts.append(f"{amount(rate, unit)} {unit_name(unit)}/s")
    if finished:
        parts.append(f"in {clock_text(elapsed)}")
    elif total and rate > 0:
        parts.append(f"{clock_text((total - done) / rate)} left")
    return "  ".join(parts)


class Bar:
    """A Progress that draws on `stream`; `close` ends the line (only when something was drawn)."""

    def __init__(self, label: str, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.stream, self.clock = label, stream or sys.stderr, clock
        self.drawn = False
        self._stage: str | None = None
        self._start = 0.0

    def __call__(self, done: int, total: int | None, unit: Unit, stage: str) -> None:
        now = self.clock()
        if stage != self._stage:  # each stage's rate and time left from its own start
            if self.drawn:
                self.stream.write("\n")
            self._stage, self._start = stage, now
        text = line(self.label, done, total, unit, stage, now - self._start)
        columns = shutil.get_terminal_size((100, 24)).columns
        self.stream.write("\r" + text[: max(10, columns - 1)] + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


@contextlib.contextmanager
def bar(args, label: str) -> Iterator[Progress | None]:
    """The bar for a command (None when none is drawn: see `wanted`), its line ended however the command ends."""
    if not wanted(args):
        yield None
        return
    drawn = Bar(label)
    try:
        yield Throttled(drawn)
    finally:
        drawn.close()

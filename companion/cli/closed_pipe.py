"""A reader that went away (`shoptally report | head -1`): the command ends quietly, as Unix tools do,
instead of a BrokenPipeError traceback."""

from __future__ import annotations

import os
import sys

EXIT_CODE = 141  # 128 + SIGPIPE: what a shell reports for a program stopped by a closed pipe


def stdout_is_closed() -> bool:
    """Whether stdout is a pipe whose reader is gone, so a BrokenPipeError was about it (and not, say, about a
    socket). Where poll() cannot tell (not POSIX), a BrokenPipeError that reached the top is taken as stdout's."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return False  # not a real file (a test's capture): not a pipe either
    try:
        import select

        poller = select.poll()
    except (ImportError, AttributeError):
        return True
    poller.register(fd, 0)  # POLLERR and POLLHUP are reported whatever is asked for
    return any(events & (select.POLLERR | select.POLLHUP) for _fd, events in poller.poll(0))


def quiet_exit() -> int:
    """Points stdout at the null device, so the interpreter's last flush of what is still buffered does not
    fail again at exit, and gives the exit code."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
    return EXIT_CODE

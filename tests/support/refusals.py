"""A capture message an adapter recognises and refuses: the refusal itself, for tests of its code and params."""

from __future__ import annotations

from datetime import datetime

import pytest

from companion.sources import registry
from companion.sources.model import SourceError, SourceInput


def source_of(msg: dict) -> SourceInput:
    """The SourceInput the daemon makes of a capture message."""
    return SourceInput(msg["kind"], msg["site"], msg["url"], datetime.fromisoformat(msg["captured_at"]),
                       msg["payload"])


def refusal_of(msg: dict) -> SourceError:
    """The adapter that recognises the capture refuses it: that refusal."""
    src = source_of(msg)
    adapter = registry.detect(src)
    assert adapter is not None
    with pytest.raises(SourceError) as refused:
        adapter.parse(src)
    return refused.value

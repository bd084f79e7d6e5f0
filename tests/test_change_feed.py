"""The change feed (issue #20.1): each rev published once and in rev order, whether the change was this daemon's
or another's heard through the change log; a notification's payload is read as a rev only when it is one."""

from __future__ import annotations

import json

from companion.core.change_feed import ChangeFeed
from companion.core.events import EventBus
from companion.store import changes
from companion.store.changes import Change
from companion.store.notify import parse_event, parse_rev
from companion.store.writer import run_inline


async def _read(fn, *args):
    return fn(*args)


def _revs(sub) -> list[int]:
    out = []
    while not sub.queue.empty():
        out.append(json.loads(sub.queue.get_nowait())["rev"])
    return out


async def test_an_own_change_after_one_not_heard_yet_publishes_both_in_rev_order_once(db):
    bus = EventBus()
    sub = bus.subscribe()
    feed = ChangeFeed(bus, _read)
    run_inline(db, changes.record, Change("import", "Shop A", added=2))
    feed.heard(None)  # the listening connection is new: the feed starts from the current rev
    await feed._task
    assert feed.last == 1 and _revs(sub) == []
    run_inline(db, changes.record, Change("import", "Shop B", added=3))  # another daemon's, not heard yet
    ours = run_inline(db, changes.record, Change("edit", "Shop A", updated=1))
    feed.local([ours.event()])
    await feed._task
    feed.local([ours.event()])  # published already: dropped
    feed.heard(2)
    feed.heard(3)
    assert feed._task.done()
    assert _revs(sub) == [2, 3]
    four = run_inline(db, changes.record, Change("import", "Shop C", added=1))
    feed.local([four.event(), {"event": "stores.updated", "account": "Shop C", "name": "Shop C"}])
    assert feed.last == 4
    texts = [json.loads(sub.queue.get_nowait()) for _ in range(2)]
    assert [t["event"] for t in texts] == ["tk-settlement.updated", "stores.updated"] and texts[0]["rev"] == 4


def test_only_a_short_run_of_digits_is_a_rev():
    assert parse_rev("517") == 517
    assert [parse_rev(p) for p in ("", "-1", "5x", "1" * 21, None, " 5")] == [None] * 6
    assert parse_rev("9" * 20) == int("9" * 20)


def test_a_team_event_payload_is_e_and_a_short_run_of_digits():
    assert parse_event("e42") == 42
    assert [parse_event(p) for p in ("42", "e", "e-1", "E42", "e" + "1" * 21, None)] == [None] * 6

"""Each store's costing choice (issue #18 point 4): `fixed` (the dated unit costs of Settings → SKU costs) or
`moving_average` (the moving weighted average of the purchase records, companion/ledger/costing.py).

Kept in the `setting` table under one key, store id → method; a store not named there is `fixed`, so every
report of a database from before stays what it was."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from companion.errors import Unprocessable
from companion.store import changes, stores
from companion.store.changes import Change
from companion.store.fields import now_utc
from companion.store.models import Setting, Store

KEY = "costing"
FIXED, MOVING_AVERAGE = "fixed", "moving_average"
METHODS = (FIXED, MOVING_AVERAGE)


class CostingError(Unprocessable):
    """A costing choice refused: the sentence names the values it takes."""


def _stored() -> dict[str, str]:
    row = Setting.get_or_none(Setting.key == KEY)
    return json.loads(row.value) if row is not None else {}


def methods() -> dict[int, str]:
    """Store id → its costing method, for every store."""
    chosen = _stored()
    return {s.id: chosen.get(str(s.id), FIXED) for s in Store.select(Store.id)}


def listing() -> list[dict]:
    chosen = _stored()
    return [{"account": s.name, "method": chosen.get(str(s.id), FIXED)} for s in stores.all_stores()]


def check(method: object) -> str:
    if method not in METHODS:
        raise CostingError.of("costing_method_unknown", value=str(method), choices=", ".join(METHODS))
    return str(method)


@dataclass
class MethodSet:
    """A store's costing as set, and the change it recorded: a new method changes the store's profit figures,
    so every open view hears it (the writer publishes `events`) and reloads them."""

    account: str
    method: str
    changes: list[Change] = field(default_factory=list)

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]

    def json(self) -> dict:
        return {"account": self.account, "method": self.method}


def set_method(account: str, method: str) -> MethodSet:
    """In the writer's transaction: the store's costing; stores.UnknownAccount for a name no store has."""
    method = check(method)
    store = stores.by_name(account)
    chosen = _stored()
    if chosen.get(str(store.id), FIXED) == method:
        return MethodSet(store.name, method)
    chosen[str(store.id)] = method
    value = json.dumps(chosen, sort_keys=True)
    Setting.insert(key=KEY, value=value, updated_at=now_utc()).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value, Setting.updated_at: now_utc()}).execute()
    return MethodSet(store.name, method, [changes.record(Change("costing", store.name, updated=1))])

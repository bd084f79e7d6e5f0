"""Each Shopify store's choice of sales with or without tax (seed 002 ⑥: 销售额是否含税展示, default without;
the figures: companion/ledger/sales_tax.py).

Kept in the `setting` table under one key, store id → `included`; a store not named there shows sales without
tax, so every report of a database from before stays what it was. Only a Shopify store takes the choice: the
seed gives it for Shopify, whose orders export states the tax apart; another platform's sales are as its
settlement states them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from companion.errors import Unprocessable
from companion.ledger.sales_tax import CHOICES, EXCLUDED, INCLUDED
from companion.sources.shopify.common import PLATFORM
from companion.store import changes, stores
from companion.store.changes import Change
from companion.store.fields import now_utc
from companion.store.models import Setting

KEY = "sales_tax"


class SalesTaxError(Unprocessable):
    """A sales-tax choice refused: an unknown value, or a store that is not a Shopify store."""


def _stored() -> dict[str, str]:
    row = Setting.get_or_none(Setting.key == KEY)
    return json.loads(row.value) if row is not None else {}


def included_ids(store_ids: list[int]) -> frozenset[int]:
    """Of these stores, those showing sales with tax (what the profit report passes to the ledger)."""
    chosen = _stored()
    return frozenset(s for s in store_ids if chosen.get(str(s)) == INCLUDED)


def listing() -> list[dict]:
    """Every Shopify store with its choice (the only stores that take one)."""
    chosen = _stored()
    return [{"account": s.name, "sales_tax": chosen.get(str(s.id), EXCLUDED)}
            for s in stores.all_stores() if s.platform == PLATFORM]


def check(choice: object) -> str:
    if choice not in CHOICES:
        raise SalesTaxError.of("sales_tax_choice_unknown", value=str(choice), choices=", ".join(CHOICES))
    return str(choice)


@dataclass
class ChoiceSet:
    """A store's choice as set, and the change it recorded: the store's sales figures change, so every open view
    hears it (the writer publishes `events`) and reloads them."""

    account: str
    sales_tax: str
    changes: list[Change] = field(default_factory=list)

    @property
    def events(self) -> list[dict]:
        return [c.event() for c in self.changes]

    def json(self) -> dict:
        return {"account": self.account, "sales_tax": self.sales_tax}


def set_choice(account: str, choice: str) -> ChoiceSet:
    """In the writer's transaction: the store's choice; stores.UnknownAccount for a name no store has, and a
    refusal for a store of another platform."""
    choice = check(choice)
    store = stores.by_name(account)
    if store.platform != PLATFORM:
        raise SalesTaxError.of("sales_tax_not_shopify", account=store.name, platform=store.platform)
    chosen = _stored()
    if chosen.get(str(store.id), EXCLUDED) == choice:
        return ChoiceSet(store.name, choice)
    if choice == INCLUDED:
        chosen[str(store.id)] = choice
    else:
        chosen.pop(str(store.id), None)
    value = json.dumps(chosen, sort_keys=True)
    Setting.insert(key=KEY, value=value, updated_at=now_utc()).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value, Setting.updated_at: now_utc()}).execute()
    return ChoiceSet(store.name, choice, [changes.record(Change("sales_tax", store.name, updated=1))])

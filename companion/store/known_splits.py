"""Which orders already have their fee split stored, so a sync fetches each order's split only once.

During Sync Settlement the extension fetches every listed order's fee split through the seller center, a few
calls a second. Before fetching a page's splits it asks which of those orders are known (the `known_splits`
message, docs/protocol.md): a sync that stopped half way resumes where it stopped, and a second sync fetches
only the new orders. Known means a line of the site's stores, of that reference, with a split or finer
(`detail` >= SPLIT), of the asked status, that the reports count (not superseded). An on-hold split is not
known for the settled walk: once the order settles its split is fetched again, since the settled figures
may differ.
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.errors import BadInput
from companion.sources.model import IN_TRANSIT, SETTLED, SPLIT
from companion.sources.platforms import CAPTURED
from companion.store.models import SettlementLine, Store

MAX_REFERENCES = 500  # one list page is at most a few hundred orders: one query with IN, a bounded answer
MAX_REFERENCE = 128  # the length of SettlementLine.reference
STATUSES = (SETTLED, IN_TRANSIT)


class BadRequest(BadInput):
    """A request outside the bounds; the text is one sentence saying which (with its catalog code, so the
    extension can say it in its language)."""


def check(site: object, status: object, references: object) -> tuple[str, str, list[str]]:
    """The request's values, checked, with the references de-duplicated in their order."""
    if site not in CAPTURED:  # only the orders of a seller center the extension syncs have fee splits to fetch
        raise BadRequest.of("store_splits_site", sites=", ".join(CAPTURED))
    if status not in STATUSES:
        raise BadRequest.of("store_splits_status", statuses=", ".join(STATUSES))
    if not isinstance(references, list):
        raise BadRequest.of("store_splits_references")
    if len(references) > MAX_REFERENCES:
        raise BadRequest.of("store_splits_too_many", most=MAX_REFERENCES, count=len(references))
    for n, ref in enumerate(references):
        if not isinstance(ref, str) or not 1 <= len(ref) <= MAX_REFERENCE:
            raise BadRequest.of("store_splits_reference", n=n, most=MAX_REFERENCE)
    return str(site), str(status), list(dict.fromkeys(references))


def known(site: str, status: str, references: Sequence[str]) -> list[str]:
    """On a read thread: the references (in the order asked) that have a stored split of `status`; one query."""
    if not references:
        return []
    found = {ref for (ref,) in (
        SettlementLine.select(SettlementLine.reference).distinct()
        .join(Store, on=SettlementLine.store == Store.id)
        .where((Store.platform == site) & SettlementLine.reference.in_(list(references))
               & (SettlementLine.status == status) & (SettlementLine.detail >= SPLIT)
               & (SettlementLine.superseded == False))  # noqa: E712 (a peewee expression)
        .tuples())}
    return [ref for ref in references if ref in found]

"""Paired browsers: only a hash of each token is stored; revoked tokens stay for the record."""

from __future__ import annotations

import hashlib
import hmac

from companion.store.fields import now_utc
from companion.store.models import PairingToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add(name: str, token: str) -> PairingToken:
    return PairingToken.create(name=name[:200] or "browser", token_hash=token_hash(token))


def check(token: str) -> PairingToken | None:
    """The live pairing a token belongs to (compared in constant time), or None."""
    wanted = token_hash(token)
    for row in PairingToken.select().where(PairingToken.revoked_at.is_null()):
        if hmac.compare_digest(row.token_hash, wanted):
            return row
    return None


def touch(pairing_id: int) -> None:
    PairingToken.update(last_seen_at=now_utc()).where(PairingToken.id == pairing_id).execute()


def revoke(pairing_id: int) -> bool:
    return bool(PairingToken.update(revoked_at=now_utc()).where(
        (PairingToken.id == pairing_id) & PairingToken.revoked_at.is_null()).execute())


def active() -> list[dict]:
    q = PairingToken.select().where(PairingToken.revoked_at.is_null()).order_by(PairingToken.id)
    return [{"id": r.id, "name": r.name, "created_at": r.created_at.isoformat(),
             "last_seen_at": r.last_seen_at.isoformat() if r.last_seen_at else None} for r in q]

"""Pairing requests waiting for the seller, in the daemon's memory, so that no flood of them keeps the seller's
own extension from pairing.

- One request per extension socket (asking again on it gives the same code), gone with its socket.
- A request always gets a code: there is no "full". Past KEPT waiting requests the oldest one is dropped,
  and the open connections are capped anyway (companion/server/limits.py), so a program holding sockets open
  holds at most that many requests.
- A code is good for `ttl` seconds (SHOPTALLY_PAIRING_TTL, default 5 minutes); then the request is dropped
  and its socket is told, and the extension asks again with a new code.
- Approving or denying names the code the extension's popup shows, and reaches any waiting request; what the
  seller is shown (`pair list`, the view, the tray) is the SHOWN newest ones, with their time.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PAIR_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud from a popup
SHOWN = 20  # the newest requests listed for the seller
KEPT = 1000  # waiting requests kept at most; the oldest goes first
PAIRING_TTL = 300.0  # seconds a code is good for (SHOPTALLY_PAIRING_TTL)


def pairing_ttl() -> float:
    raw = os.environ.get("SHOPTALLY_PAIRING_TTL", "").strip()
    try:
        value = float(raw)
    except ValueError:
        return PAIRING_TTL
    return value if 0 < value < 1e9 else PAIRING_TTL


@dataclass
class PendingPair:
    code: str
    name: str
    conn: Any  # the extension socket (core.service.ExtensionConn) that asked
    expires: float  # time.monotonic()
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def json(self) -> dict:
        return {"code": self.code, "name": self.name, "created_at": self.created_at.isoformat()}


class PendingPairs(Mapping[str, PendingPair]):
    """code → request, oldest first."""

    def __init__(self, ttl: float | None = None) -> None:
        self.ttl = pairing_ttl() if ttl is None else ttl
        self._by_code: dict[str, PendingPair] = {}

    def __getitem__(self, code: str) -> PendingPair:
        return self._by_code[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def __len__(self) -> int:
        return len(self._by_code)

    def add(self, name: str, conn: Any) -> tuple[PendingPair, list[PendingPair]]:
        """A new request with a fresh code, and the oldest ones it pushed out (past KEPT)."""
        dropped = []
        while len(self._by_code) >= KEPT:
            dropped.append(self._by_code.pop(next(iter(self._by_code))))
        code = self._new_code()
        pend = self._by_code[code] = PendingPair(code, name, conn, time.monotonic() + self.ttl)
        return pend, dropped

    def pop(self, code: str) -> PendingPair | None:
        return self._by_code.pop(code, None)

    def expire(self) -> list[PendingPair]:
        """Drop and return the requests whose code is no longer good."""
        now = time.monotonic()
        gone = [p for p in self._by_code.values() if p.expires <= now]
        for p in gone:
            del self._by_code[p.code]
        return gone

    def shown(self) -> list[PendingPair]:
        """What the seller is shown: the newest SHOWN requests, newest first."""
        return list(reversed(self._by_code.values()))[:SHOWN]

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(PAIR_CODE_ALPHABET) for _ in range(6))
            if code not in self._by_code:
                return code

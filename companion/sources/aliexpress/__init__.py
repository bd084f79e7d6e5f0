"""AliExpress: the fund detail / settlement export (seed 002: its profit cannot be reconciled yet)."""

from __future__ import annotations

ADAPTERS: tuple = ()

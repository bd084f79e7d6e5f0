"""The tray's side of the 1688 payment notice (setting `payment_notice_1688` = auto): after data or settings
change, the daemon's notice of this month (reports/purchase_notice.py) is read, and a desktop notification is
posted for purchases not told before. Each unpaid purchase is told once while it stays unpaid; `manual` and
`off` post nothing (the Finance view's banner is the manual notice)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
PERIOD = "this-month"
SETTLE_SECONDS = 2.0  # changes come in bursts during a sync: one look after the burst
TRIGGERS = ("tk-settlement.updated", "settings.updated")


@dataclass
class PaymentWatch:
    told: set[tuple[str, str]] = field(default_factory=set)

    def decide(self, notice: dict) -> str | None:
        """The notification's text for this notice, or None: only in auto, only when a purchase is newly unpaid."""
        if notice.get("mode") != "auto" or not notice.get("count"):
            self.told = set()
            return None
        current = {(p["source"], p["order_no"]) for p in notice.get("purchases", ())}
        fresh = current - self.told
        self.told = current
        if not fresh or not notice.get("message"):
            return None
        return notice["message"]["message"]


def watch(service, notify: Callable[[str], None], loop: asyncio.AbstractEventLoop) -> Callable[[dict], None]:
    """A listener for the daemon's events (call on its loop) that looks again after each burst of changes."""
    from companion.reports import purchase_notice

    state = PaymentWatch()
    pending: list[asyncio.TimerHandle] = []

    async def look() -> None:
        try:
            notice = await service.read(purchase_notice.unpaid, PERIOD)
        except Exception as exc:  # noqa: BLE001 - a notice must never stop the tray
            log.warning("tray: the payment notice could not be read (%s)", exc)
            return
        text = state.decide(notice)
        if text:
            notify(text)

    def fire() -> None:
        pending.clear()
        loop.create_task(look())

    def on_event(event: dict) -> None:
        if event.get("event") in TRIGGERS and not pending:
            pending.append(loop.call_later(SETTLE_SECONDS, fire))

    return on_event

"""The seller's settings of Settings → Data Management, kept in the `setting` table (one JSON value per key).

What each governs (docs/settings.md):
- `order_sync_mode`: which records Sync Settlement walks: `all` (settled, then in transit, every page),
  `pending` (in transit / on hold only), `new` (each list until the first page that brought nothing new).
  Sent to the extension, which runs the sync.
- `payment_notice_1688` (off / manual / auto): whether the seller is told of sold orders whose linked purchase
  is unpaid: a banner in the Finance view (manual, auto) and a tray notification (auto); reports/
  purchase_notice.py, tray/payment_watch.py. Also sent to the extension.
- `self_delivery_payment` (manual / auto): auto takes a self-delivered purchase's shipping as its sold orders'
  last-leg cost (store/purchase_costs.py); manual leaves it to the expense tab's other fees. Also sent.
- `reporting_currency`: the currency the Finance view converts to by default (empty: as recorded).
- `auto_sync`: `on`, or `paused` (scheduled syncs do not run; the tray's Pause / resume auto-sync).
- `cloud_target`: where `cloud push` / `pull` keep the encrypted bundle (docs/backup-and-sync.md).
- `detail_rate`: calls per second the extension makes for the per-order fee splits during a sync (decimal
  text from 0.2 to 10): gentle enough for the seller center, quick enough for a month of orders. Sent to
  the extension.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

from companion.errors import Unprocessable
from companion.ledger import currencies
from companion.store import team_events
from companion.store.fields import now_utc
from companion.store.models import Setting

CHOICES: dict[str, tuple[str, ...]] = {
    "order_sync_mode": ("all", "pending", "new"),
    "payment_notice_1688": ("off", "manual", "auto"),
    "self_delivery_payment": ("manual", "auto"),
    "auto_sync": ("on", "paused"),
}
DEFAULTS = {"order_sync_mode": "all", "payment_notice_1688": "off", "self_delivery_payment": "manual",
            "reporting_currency": "", "auto_sync": "on", "cloud_target": "", "detail_rate": "3"}
FOR_EXTENSION = ("order_sync_mode", "payment_notice_1688", "self_delivery_payment", "detail_rate")
DETAIL_RATE_RANGE = (Decimal("0.2"), Decimal("10"))
_DECIMAL = re.compile(r"\d{1,6}(\.\d{1,6})?")


HIDDEN = "••••••"  # stands for the storage password wherever a setting is shown


class SettingError(Unprocessable):
    """A setting refused: the text names it and the values it takes."""


def get_all() -> dict[str, str]:
    stored = {s.key: json.loads(s.value) for s in Setting.select().where(Setting.key.in_(list(DEFAULTS)))}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def check(patch: dict) -> dict[str, str]:
    if not isinstance(patch, dict) or not patch:
        raise SettingError.of("settings_empty")
    clean = {}
    for key, value in patch.items():
        if key not in DEFAULTS:
            raise SettingError.of("setting_unknown", key=key, known=", ".join(DEFAULTS))
        if key == "reporting_currency":
            text = str(value or "").strip().upper()
            if text and not currencies.is_code(text):
                raise SettingError.of("reporting_currency_unknown", value=value)
            clean[key] = text
        elif key == "cloud_target":
            text = str(value or "").strip()
            if text and not text.lower().startswith(("file:///", "webdav://", "webdavs://", "s3://")):
                raise SettingError.of("cloud_target_bad")
            clean[key] = text
        elif key == "detail_rate":
            clean[key] = detail_rate(value)
        elif value not in CHOICES[key]:
            raise SettingError.of("setting_not_choice", key=key, choices=", ".join(CHOICES[key]))
        else:
            clean[key] = value
    return clean


def detail_rate(value: object) -> str:
    """The rate as canonical decimal text ("2.50" → "2.5"); a number from JSON is read as its text."""
    text = str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    low, high = DETAIL_RATE_RANGE
    if not _DECIMAL.fullmatch(text) or not low <= Decimal(text) <= high:
        raise SettingError.of("detail_rate_bad", low=str(low), high=str(high), value=value)
    return format(Decimal(text).normalize(), "f")


def save(patch: dict) -> dict[str, str]:
    """In the writer's transaction: the checked values, stored; returns every setting."""
    if isinstance(patch, dict) and isinstance(patch.get("cloud_target"), str):
        patch = {**patch, "cloud_target": keep_password(patch["cloud_target"], get_all()["cloud_target"])}
    for key, value in check(patch).items():
        Setting.insert(key=key, value=json.dumps(value), updated_at=now_utc()).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(value), Setting.updated_at: now_utc()}
        ).execute()
    team_events.share([{"event": "settings.updated"}])  # the other daemons read the settings themselves
    return get_all()


def hide_password(target: str) -> str:
    """A storage address as it may be shown: the password of `webdavs://user:password@host/` is never returned
    by the API, sent in an event or printed (anyone who reads the view's answers would have the storage)."""
    try:
        parts = urlsplit(target)
        if parts.password is None:
            return target
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:{HIDDEN}@{host}"))
    except ValueError:
        return target


def shown(settings: dict[str, str]) -> dict[str, str]:
    """Settings as the view, the CLI and events see them."""
    return {**settings, "cloud_target": hide_password(settings.get("cloud_target", ""))}


def keep_password(submitted: str, stored: str) -> str:
    """The view sends back the address it was shown: with the password hidden, it means the stored one."""
    if HIDDEN in submitted and stored and submitted == hide_password(stored):
        return stored
    return submitted


def for_extension(settings: dict[str, str]) -> dict[str, str]:
    return {k: settings[k] for k in FOR_EXTENSION}

"""What the icon and its tooltip say: extension connected or not, syncing, the last sync and the last error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

COLOURS = {"syncing": (37, 99, 235), "error": (220, 38, 38), "connected": (22, 163, 74), "idle": (115, 115, 115)}


@dataclass
class TrayState:
    connected: int = 0
    syncing: str | None = None  # the store being synced ("" for all stores)
    last_sync: str | None = None  # ISO time the last run ended
    last_status: str = ""
    last_error: str = ""

    def apply(self, event: dict) -> bool:
        """Take in a daemon event; True when what the tray shows changed."""
        name = event.get("event")
        if name in ("extension.connected", "extension.disconnected"):
            self.connected = int(event.get("connections") or 0)
            return True
        if name == "sync.run":
            run = event.get("run") or {}
            if run.get("status") == "running":
                self.syncing = run.get("account") or ""
            else:
                self.syncing = None
                self.last_sync, self.last_status = run.get("finished_at"), str(run.get("status") or "")
                self.last_error = str(run.get("error") or "") if run.get("status") not in ("done", "skipped") else ""
            return True
        return False

    @property
    def mood(self) -> str:
        if self.syncing is not None:
            return "syncing"
        if self.last_error:
            return "error"
        return "connected" if self.connected else "idle"

    def tooltip(self) -> str:
        parts = ["shoptally"]
        if self.syncing is not None:
            parts.append(f"syncing {self.syncing or 'all stores'}…")
        parts.append("extension connected" if self.connected else "no extension connected")
        if self.last_sync:
            when = datetime.fromisoformat(self.last_sync).astimezone().strftime("%Y-%m-%d %H:%M")
            parts.append(f"last sync {when}: {self.last_status}")
        if self.last_error:
            parts.append(f"error: {self.last_error[:80]}")
        return " · ".join(parts)[:127]  # Windows cuts tooltips at 128 characters


def image(mood: str, size: int = 64):
    """The icon: a coin in the state's colour (drawn here, no image files to ship)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((2, 2, size - 3, size - 3), fill=COLOURS[mood] + (255,))
    w = size // 8
    draw.rectangle((size // 2 - w // 2, size // 4, size // 2 + w // 2, size * 3 // 4), fill=(255, 255, 255, 255))
    draw.rectangle((size // 3, size // 3, size * 2 // 3, size // 3 + w), fill=(255, 255, 255, 255))
    return img

"""The extension speaks English and 简体中文: both locales have every message the pages and manifest use."""

from __future__ import annotations

import json
import re

from scripts.package_extension import EXTENSION


def _messages(locale: str) -> dict:
    return json.loads((EXTENSION / "_locales" / locale / "messages.json").read_text(encoding="utf-8"))


def test_both_locales_have_every_message_used():
    used = set()
    for page in EXTENSION.rglob("*.html"):
        used |= set(re.findall(r'data-i18n="([A-Za-z]+)"', page.read_text(encoding="utf-8")))
    for script in EXTENSION.rglob("*.js"):
        used |= set(re.findall(r'\bt\("([A-Za-z]+)"', script.read_text(encoding="utf-8")))
    used |= set(re.findall(r"__MSG_([A-Za-z]+)__", (EXTENSION / "manifest.json").read_text(encoding="utf-8")))
    en, zh = _messages("en"), _messages("zh_CN")
    assert set(en) == set(zh)
    assert used <= set(en), used - set(en)
    assert len(used) >= 30
    assert all(zh[k]["message"] != en[k]["message"] for k in en if k not in {"popupTitle"})  # translated

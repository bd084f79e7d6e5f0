"""Fonts shipped with the package for the PDF exports.

The PDF's standard fonts hold only Western characters, so a Chinese store name printed as "????". This folder
holds one OFL-licensed TrueType font with Chinese (Noto Sans SC, subset to GB2312 + Latin-1: README.md says
from where and how), which fpdf2 embeds subset again to the glyphs a page uses.
"""

from __future__ import annotations

from pathlib import Path

CJK_FONT = Path(__file__).with_name("NotoSansSC-GB2312.ttf")

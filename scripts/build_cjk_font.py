"""Rebuild companion/reports/fonts/NotoSansSC-GB2312.ttf, the CJK font the summary PDF embeds.

Why a build of our own: the PDF's standard fonts hold no Chinese, so a Chinese store name printed as "????".
fpdf2 embeds a TrueType font (glyf outlines) and subsets it to the glyphs a page uses, but the whole Noto
Sans SC is 10.6 MB, too much to ship for store names and labels. This script keeps the characters those need:

    ASCII, Latin-1, general punctuation, currency signs, all of GB2312 (its 6,763 hanzi and 682 symbols),
    CJK symbols and punctuation, full-width forms

and drops hinting (a PDF is drawn at print resolution), glyph names and the layout tables (left-to-right
text needs none), which leaves about 2.3 MB. A character a name has beyond these prints as "?" (see
companion/reports/exports/summary_pdf.py).

The source is Google Fonts' Noto Sans SC (static Regular, TrueType outlines) as the npm package
@expo-google-fonts/noto-sans-sc ships it:

    npm pack @expo-google-fonts/noto-sans-sc@0.4.3
    tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz package/400Regular/NotoSansSC_400Regular.ttf
    python scripts/build_cjk_font.py package/400Regular/NotoSansSC_400Regular.ttf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Noto Sans SC GB2312"  # a modified font gets a name of its own; the OFL reserves only "Source"
OUT = Path(__file__).resolve().parents[1] / "companion/reports/fonts/NotoSansSC-GB2312.ttf"


def wanted() -> list[int]:
    """The code points the font keeps, in order."""
    points: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    points |= set(range(0x2010, 0x2070)) | set(range(0x20A0, 0x20C1))  # punctuation, currency signs
    points |= set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFFF0))  # CJK punctuation, full-width forms
    for lead in range(0xA1, 0xF8):  # every two-byte GB2312 code: rows 1-9 symbols, 16-87 hanzi
        for trail in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((lead, trail)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return sorted(points)


def build(source: Path, out: Path) -> tuple[int, int]:
    """Write the subset font; returns (characters kept, characters asked for that the source lacks)."""
    font = TTFont(source, recalcTimestamp=False)  # the same source gives the same bytes
    points = wanted()
    have = font.getBestCmap()
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.glyph_names = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.drop_tables += ["BASE", "STAT", "GDEF", "GPOS", "GSUB", "vhea", "vmtx", "gasp", "prep", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    version = font["name"].getDebugName(5) or ""
    names = font["name"]
    note = "subset of Noto Sans SC by shoptally's scripts/build_cjk_font.py"
    for name_id, text in ((1, FAMILY), (4, f"{FAMILY} Regular"), (6, FAMILY.replace(" ", "") + "-Regular"),
                          (3, f"{FAMILY} Regular; {note}"), (5, f"{version.split(';')[0]}; {note}")):
        names.setName(text, name_id, 3, 1, 0x409)
    names.removeNames(nameID=16)
    names.removeNames(nameID=17)
    font.save(str(out))
    return len(font.getBestCmap()), sum(1 for p in points if p not in have)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="NotoSansSC_400Regular.ttf of @expo-google-fonts/noto-sans-sc")
    parser.add_argument("out", type=Path, nargs="?", default=OUT)
    args = parser.parse_args(argv)
    kept, missing = build(args.source, args.out)
    print(f"{args.out}: {kept} characters ({missing} asked for but not in the source), "
          f"{args.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

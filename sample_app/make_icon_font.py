"""Regenerate static/fonts/icons.woff2: one icon (a check mark) at U+E900.

The sample app ships the generated file; run this only to change it:
    pip install fonttools brotli && python sample_app/make_icon_font.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen


def check_mark() -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((100, 450))
    pen.lineTo((200, 550))
    pen.lineTo((400, 350))
    pen.lineTo((800, 750))
    pen.lineTo((900, 650))
    pen.lineTo((400, 150))
    pen.closePath()
    return pen.glyph()


def main() -> None:
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "check"])
    builder.setupCharacterMap({0xE900: "check"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "check": check_mark()})
    builder.setupHorizontalMetrics({".notdef": (1000, 0), "check": (1000, 100)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "SampleIcons", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.font.flavor = "woff2"
    builder.save(str(Path(__file__).parent / "static" / "fonts" / "icons.woff2"))


if __name__ == "__main__":
    main()

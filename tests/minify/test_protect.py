"""minify/protect.py: what protects meaning while an engine minifies."""

from __future__ import annotations

import re

import pytest

from flask_bust_assets.minify.protect import ProtectionError, protect_css, protect_js

CSS = '/*! MIT */ a { width: calc(100% - (2 * 1rem)); background: url( "a b.png" ); content: "x  y" }'


def test_css_fragile_constructs_become_placeholders_and_come_back() -> None:
    protected = protect_css(CSS, keep_licence=True)
    for fragile in ("calc(100% - (2 * 1rem))", 'url( "a b.png" )', '"x  y"', "/*! MIT */"):
        assert fragile not in protected.text
        assert fragile in protected.originals
    assert protected.restore(protected.text) == CSS


def test_a_licence_comment_is_dropped_when_not_kept() -> None:
    protected = protect_css(CSS, keep_licence=False)
    assert "/*! MIT */" not in protected.originals
    assert "MIT" not in protected.restore(protected.text)


def test_a_lost_or_doubled_placeholder_is_an_error_never_wrong_output() -> None:
    protected = protect_css(CSS, keep_licence=True)
    match = re.search(rf'"{re.escape(protected.prefix)}\d+__"', protected.text)
    assert match is not None
    placeholder = match.group(0)
    with pytest.raises(ProtectionError, match="lost"):
        protected.restore(protected.text.replace(placeholder, "", 1))
    with pytest.raises(ProtectionError, match="twice"):
        protected.restore(protected.text + placeholder)


def test_js_template_literals_and_strings_are_protected() -> None:
    source = "const s = `a  ${b}  c`; const t = 'x  y';\n"
    protected = protect_js(source, keep_licence=True)
    assert "`a  ${b}  c`" in protected.originals and "'x  y'" in protected.originals
    assert protected.restore(protected.text) == source


def test_js_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ProtectionError):
        protect_js("const = ;", keep_licence=True)

"""A minified CSS bundle has the CSSOM its files have when linked one after another, in Chromium.

Generated stylesheets (hypothesis, derandomized so CI sees the same ones):
comments inside and between selector parts, declarations and at-rule
preludes, and files that end left open (an ``@layer``/``@import`` without its
``;``, an open block, string, url() or comment, a selector without its block, a
stray ``;``). Each bundle is built by a real app through ``bust_cssurls,bust_cssmin``
with every CSS engine, and with no filter (the join alone); Chromium loads the
files as separate ``<link>`` elements and the output as one, and must report
the same rules and the same computed styles (tests/e2e/cssom.py).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from flask_assets import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_bust_assets.minify.engines import CSS_ENGINES
from flask_bust_assets.web import commands

from ..helpers import GEN, MANIFEST, make_app, write
from .cssom import Pages

IMPORTED = "i{color:rgb(0, 128, 0)}"  # what @import url(one.css) brings in
BODY = (
    '<div id="x" class="a b" data-k="1"><p class="c">one <span class="a">two</span></p>'
    '<span class="b">three</span><i>four</i></div><p class="a">five</p><svg><a class="a"></a></svg>'
)
ELEMENTS = "#x, #x > p, p.c, span.a, span.b, i, body > p, svg a"
PROPERTIES = ["color", "background-color", "margin-top", "margin-left", "width", "font-weight", "display", "--v"]

PARTS = ["p", "span", "i", "*", ".a", ".b", ".c", "#x", "[data-k]", ":first-child", ":hover", "::before", ":not(.c)"]
# What may stand between two parts of a selector: nothing, comments, combinators, both.
GLUE = ["", "", "/**/", "/* c */", " ", " /**/ ", "/**/ ", " /* c */", " > ", "/**/>/**/", ">", " + ", "~", ", "]
DECLARATIONS = [
    "color:red",
    "color: rgb(0 0 255)",
    "background-color:#00f",
    "margin:1px/**/2px",
    "margin: 0/* c */auto",
    "font-weight:bold",
    "width:calc(10px/**/+ 5%)",
    "content:'a/**/b'",
    "--v:a/**/b",
    "display:grid",
    "color:red/**/!important",
    "background:url(data:image/gif;base64,R0lGODlhAQABAAAAACw=)",
]
HEADER = ["@import url(one.css);", "@layer reset, base;", "@namespace svg url(http://www.w3.org/2000/svg);"]
ENDINGS = [
    "",
    "drop-semicolon",
    "drop-brace",
    "/* open",
    "\n.x, .y",
    'a::before{content:"open',
    "a{background:url(data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "span{color:red",
    "@media screen{i{color:red",
    ";",
    "@layer tail",
]


@st.composite
def selectors(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PARTS), min_size=1, max_size=4))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(GLUE)) + part
    return text


@st.composite
def rules(draw: st.DrawFn) -> str:
    glue = draw(st.sampled_from([";", "; ", ";/* c */", "/**/;"]))
    body = glue.join(draw(st.lists(st.sampled_from(DECLARATIONS), min_size=1, max_size=3)))
    rule = f"{draw(selectors())}{draw(st.sampled_from(['{', ' {', '/**/{']))}{body}}}"
    wrapper = draw(
        st.sampled_from(["{}", "{}", "@media screen/**/and (min-width: 1px){{{}}}", "@supports (display:grid){{{}}}"])
    )
    return wrapper.format(rule) if wrapper != "{}" else rule


@st.composite
def stylesheets(draw: st.DrawFn, first: bool) -> str:
    text = ""
    if first:  # @import and @namespace are valid only before any rule
        text = "\n".join(h for h in HEADER if draw(st.booleans()))
        if draw(st.booleans()) and "@namespace" in text:
            text += "\nsvg|a{color:red}"
    for rule in draw(st.lists(rules(), max_size=3)):
        text += "\n" + rule if text else rule
    ending = draw(st.sampled_from(ENDINGS))
    if ending == "drop-semicolon":
        return text[:-1] if text.endswith(";") else text
    if ending == "drop-brace":
        return text[:-1] if text.endswith("}") else text
    return text + ending


@st.composite
def bundles(draw: st.DrawFn) -> list[str]:
    return [draw(stylesheets(first=True)), *draw(st.lists(stylesheets(first=False), min_size=1, max_size=3))]


def build(files: list[str], filters: str, engine: str) -> str:
    """The bundle of ``files`` as a real app's build writes it."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        names = [f"css/f{i}.css" for i in range(len(files))]
        for name, text in zip(names, files, strict=True):
            write(root, f"static/{name}", text)
        write(root, "static/css/one.css", IMPORTED)
        app, assets = make_app(root, {"BUST_ASSETS_CSS_ENGINE": engine})
        assets.register("css", Bundle(*names, filters=filters or None, output="gen/site.%(version)s.css"))
        with app.app_context():
            report = commands.build(app.extensions["bust_assets"])
        assert not report.failed, [str(r.error) for r in report.failed]
        (entry,) = json.loads((root / MANIFEST).read_text())["bundles"]["css"]
        return (root / GEN / entry["path"]).read_text(encoding="utf-8")


def imported(path: str) -> str | None:
    """one.css, as written or digested, from any folder (without bust_cssurls the bundle's
    @import points from gen/)."""
    return IMPORTED if path.rpartition("/")[2].startswith("one.") else None


def cssom(pages: Pages, sheets: list[str], folder: str = "css") -> Any:
    """What Chromium makes of ``sheets`` linked one after another from ``folder``."""
    links = {f"{folder}/s{i}.css": text for i, text in enumerate(sheets)}
    return pages.snapshot(links, ELEMENTS, PROPERTIES)


@pytest.mark.parametrize(
    ("filters", "engine"), [("", "rcssmin")] + [("bust_cssurls,bust_cssmin", e) for e in sorted(CSS_ENGINES)]
)
def test_a_bundle_has_the_cssom_of_its_files_linked_one_after_another(browser: Any, filters: str, engine: str) -> None:
    context = browser.new_context()
    pages = Pages(context.new_page(), BODY, imported)

    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(bundles())
    def same_cssom(files: list[str]) -> None:
        assert cssom(pages, [build(files, filters, engine)], folder="gen") == cssom(pages, files)

    try:
        same_cssom()
    finally:
        context.close()


def test_the_comparison_sees_a_swallowed_rule(browser: Any) -> None:
    """What the test above compares tells the bundles of old webassets joins from the files."""
    context = browser.new_context()
    try:
        pages = Pages(context.new_page(), BODY, imported)
        files = ["@layer reset, base", "span.b{color:red}"]
        assert cssom(pages, ["\n".join(files)]) != cssom(pages, files)
        assert cssom(pages, [".a/**/.b{color:red}"]) != cssom(pages, [".a .b{color:red}"])
    finally:
        context.close()

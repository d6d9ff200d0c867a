"""A CSS bundle means what its files linked one after another mean, whatever its filters.

A file may end in a statement without its ``;`` (valid at the end of a file) or
in an open block, string, url() or comment. webassets joined the files with a
bare newline, so the next file's first rules were swallowed. Built through a
real app, with our filters, webassets' own, and none; the top-level statements
of the output are read back with tinycss2. The browser's side is
tests/e2e/test_css_bundles.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tinycss2
from flask_assets import Bundle

from flask_bust_assets.web import commands

from .helpers import GEN, MANIFEST, make_app, write

NEXT = ".b{color:red}\n.c{color:blue}\n"
ENDINGS = {
    "layer": ("@layer reset, base", ["@layer", ".b", ".c"]),
    "import": ("@import url(one.css)", ["@import", ".b", ".c"]),
    "namespace": ("@namespace svg url(http://www.w3.org/2000/svg)", ["@namespace", ".b", ".c"]),
    "block": ("a{color:red", ["a", ".b", ".c"]),
    "nested-block": ("@media screen{a{color:red", ["@media", ".b", ".c"]),
    "string": ('a::before{content:"x', ["a::before", ".b", ".c"]),
    "url": ("a{background:url(data:image/gif;base64,R0lGODlhAQABAAAAACw=", ["a", ".b", ".c"]),
    "comment": ("a{color:red}/* open", ["a", ".b", ".c"]),
    "selector": ("a{color:red}\n.x, .y", ["a", ".b", ".c"]),
    "stray-semicolon": ("a{color:red};", ["a", ".b", ".c"]),
}
FILTERS = ["", "bust_cssmin", "bust_cssurls,bust_cssmin", "cssmin", "rcssmin"]


def statements(css: str) -> list[str]:
    """The top-level statements of ``css``: at-keywords and selectors (without whitespace)."""
    found = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type == "at-rule":
            found.append(f"@{node.lower_at_keyword}")
        elif node.type == "qualified-rule":
            found.append(re.sub(r"\s+", "", tinycss2.serialize(node.prelude)))
    return found


def build_bundle(root: Path, bundle: Bundle) -> str:
    app, assets = make_app(root)
    assets.register("css", bundle)
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    assert not report.failed
    (entry,) = json.loads((root / MANIFEST).read_text())["bundles"]["css"]
    return (root / GEN / entry["path"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_file_left_open_at_its_end_keeps_the_next_files_rules(tmp_path: Path, ending: str, filters: str) -> None:
    text, expected = ENDINGS[ending]
    write(tmp_path, "static/css/a.css", text)
    write(tmp_path, "static/css/b.css", NEXT)
    write(tmp_path, "static/css/one.css", "i{color:green}")
    css = build_bundle(
        tmp_path, Bundle("css/a.css", "css/b.css", filters=filters or None, output="gen/site.%(version)s.css")
    )
    assert statements(css) == expected


@pytest.mark.parametrize("filters", ["", "bust_cssmin"])
def test_nested_bundles_are_joined_the_same_way(tmp_path: Path, filters: str) -> None:
    write(tmp_path, "static/css/reset.css", "@layer reset, base")
    write(tmp_path, "static/css/a.css", "a{color:red")
    write(tmp_path, "static/css/b.css", NEXT)
    inner = Bundle("css/reset.css", "css/a.css", filters=filters or None)
    css = build_bundle(tmp_path, Bundle(inner, "css/b.css", output="gen/site.%(version)s.css"))
    assert statements(css) == ["@layer", "a", ".b", ".c"]


def test_a_bundle_of_closed_files_is_joined_as_before(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", "@layer reset, base;\na{color:red}\n")
    write(tmp_path, "static/css/b.css", NEXT)
    css = build_bundle(tmp_path, Bundle("css/a.css", "css/b.css", output="gen/site.%(version)s.css"))
    assert css == "@layer reset, base;\na{color:red}\n\n" + NEXT


def test_an_import_after_another_files_rules_is_named_in_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "static/css/a.css", "a{color:red}")
    write(tmp_path, "static/css/b.css", "@import url(one.css);\n" + NEXT)
    write(tmp_path, "static/css/one.css", "i{color:green}")
    app, assets = make_app(tmp_path)
    assets.register("css", Bundle("css/a.css", "css/b.css", filters="bust_cssurls", output="gen/site.%(version)s.css"))
    with app.app_context():
        report = commands.build(app.extensions["bust_assets"])
    (result,) = report.results
    assert not report.failed
    assert [w for w in result.warnings if "b.css: its @import follows the rules of the files before it" in w]

"""css/joins.py: what a file's end leaves open is closed before the next file begins.

Each row is a file's text and what the bundle carries of it: the end of a file
closes an open comment, string, url(), every block and an at-rule without its
``;`` (CSS Syntax 3), and drops a selector that never got its block. The
browser's side of the same claim is tests/e2e/test_css_bundles.py.
"""

from __future__ import annotations

import pytest

from flask_bust_assets.css.joins import bundle, closed, join

ENDINGS = [
    # statements valid at the end of a file, without their final ";"
    ("@layer reset, base", "@layer reset, base;"),
    ("@import url(one.css)", "@import url(one.css);"),
    ('@import "one.css" layer(base)', '@import "one.css" layer(base);'),
    ("@namespace svg url(http://www.w3.org/2000/svg)", "@namespace svg url(http://www.w3.org/2000/svg);"),
    ("@charset 'utf-8'", "@charset 'utf-8';"),
    ("a{}\n@layer x\n", "a{}\n@layer x\n;"),
    ("@media (min-width: 1px", "@media (min-width: 1px);"),  # dropped either way: no block
    # open blocks, innermost first
    ("a{color:red", "a{color:red}"),
    ("@media screen{a{color:red", "@media screen{a{color:red}}"),
    ("a{width:calc(1px + (2px", "a{width:calc(1px + (2px))}"),
    # open tokens
    ('a{content:"abc', 'a{content:"abc"}'),
    ("a{content:'abc", "a{content:'abc'}"),
    ('a{content:"abc\\', 'a{content:"abc\\\n"}'),  # a final backslash in a string is nothing
    ('a{content:"abc\n', 'a{content:"abc\n}'),  # a bad string ends at the line break
    ("a{background:url(x.png", "a{background:url(x.png)}"),
    ("a{background:url( x.png", "a{background:url( x.png)}"),
    ("a{background:url('x.png'", "a{background:url('x.png')}"),
    ("a{b:c} /* open", "a{b:c} /* open*/"),
    ("a{b:c /* open", "a{b:c /* open*/}"),
    ("a{b:c\\", "a{b:c\\\ufffd}"),  # an escape at the end stands for U+FFFD
    # a selector without its block is dropped at the end of a file
    (".a{} .b, .c", ".a{} "),
    ("a:not(.b", ""),
    ("a[href{color:red", ""),  # that "{" opens a block inside the [ ]: still a selector
    ("a{b:c};", "a{b:c}"),  # a top-level ";" begins a selector (which takes the next rule's)
    (".a{}\n.b /* c", ".a{}\n"),
    # already closed: left as it is
    ("a{b:c}", "a{b:c}"),
    ("a{b:c}\n", "a{b:c}\n"),
    ("@layer x;", "@layer x;"),
    ("a{b:c}\n<!--\n-->\n", "a{b:c}\n<!--\n-->\n"),
    ("/* only a comment */", "/* only a comment */"),
    ("", ""),
    # what looks like an opener but is not one
    ('a{content:"{(["}', 'a{content:"{(["}'),
    ("a{b:url(x{y.png)}", "a{b:url(x{y.png)}"),
    ("a{b:c}/* { */", "a{b:c}/* { */"),
    ("a{b:\\{}", "a{b:\\{}"),
    ("} a{}", "} a{}"),  # a stray "}" at the top level is part of a selector, which its block ends
    ("a{b:c)}", "a{b:c)}"),  # a ")" that closes nothing is a token, not a closer
    ("@media x{a{b:c}}\n@layer y", "@media x{a{b:c}}\n@layer y;"),
    ("a{b:c} @foo }", "a{b:c} @foo };"),  # a top-level "}" does not end an at-rule's prelude
]


@pytest.mark.parametrize(("text", "expected"), ENDINGS)
def test_a_files_end_closes_what_it_leaves_open(text: str, expected: str) -> None:
    assert closed(text) == expected


def test_each_file_is_closed_before_the_next_and_the_last_is_left_as_it_is() -> None:
    assert join(["@layer reset, base", ".b{color:red}", "a{b:c"]) == "@layer reset, base;\n.b{color:red}\na{b:c"
    assert join(["a{"]) == "a{"
    assert join([]) == ""


MISPLACED = [
    (["a{}", "@import url(x.css);b{}"], [(1, "@import follows the rules")]),
    (["@layer x{}", "@import url(x.css);"], [(1, "@import follows the rules")]),
    (["a{}", "@namespace svg url(s);svg|a{}"], [(1, "@namespace follows the rules")]),
    (["@namespace url(http://www.w3.org/2000/svg);", "a{}"], [(0, "default @namespace applies to the files after")]),
    # valid in the bundle as in the file: only @charset, @import and @layer statements before
    (["@import url(a.css)", "@import url(x.css);b{}"], []),
    (["@charset 'x';@layer x;", "@import url(x.css);b{}"], []),
    (["@import url(a.css);", "@namespace svg url(s);svg|a{}"], []),
    # ignored in the file alone too: nothing a bundle changes
    (["a{}", "b{}@import url(x.css);"], []),
    (["@namespace svg url(s);", "a{}"], []),
]


@pytest.mark.parametrize(("texts", "expected"), MISPLACED)
def test_what_no_join_can_keep_is_named_by_file(texts: list[str], expected: list[tuple[int, str]]) -> None:
    found = bundle(texts)[1]
    assert [index for index, _ in found] == [index for index, _ in expected]
    assert all(part in what for (_, what), (_, part) in zip(found, expected, strict=True))

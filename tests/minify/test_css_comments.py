"""A comment is neither whitespace nor nothing: every CSS engine keeps what it separates.

CSS Syntax 3 drops comments after tokenizing, so ``.a/* c */.b`` is the compound
selector ``.a.b`` and ``a /**/ b`` the descendant selector ``a b``; ``a/**/b`` is
two type selectors with no combinator (invalid), not ``ab``. rcssmin 1.x turned
the comment into a space, cssmin 0.2 into nothing. Browsers are the judge in
tests/e2e/test_css_bundles.py; these are the rows that show each hole.
"""

from __future__ import annotations

import pytest
import tinycss2
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from flask_bust_assets.minify.engines import CSS_ENGINES, minify_css
from flask_bust_assets.minify.protect import ProtectionError, protect_css

COMMENTS = [
    # a comment inside a compound selector: the parts stay one compound
    (".a/* c */.b{color:red}", ".a.b{color:red}"),
    ("a/**/:hover{color:red}", "a:hover{color:red}"),
    ("a/**/[href]{color:red}", "a[href]{color:red}"),
    ("a/**/#x{color:red}", "a#x{color:red}"),
    ("a/**/::before{color:red}", "a::before{color:red}"),
    # whitespace beside it: the descendant combinator stays
    ("a /**/ b{color:red}", "a b{color:red}"),
    ("a/**/ b{color:red}", "a b{color:red}"),
    ("a /**/b{color:red}", "a b{color:red}"),
    ("a/**/>/**/b{color:red}", "a>b{color:red}"),
    # tokens that would join without it: it stays, emptied
    ("a/**/b{color:red}", "a/**/b{color:red}"),
    (".a/**/-b{color:red}", ".a/**/-b{color:red}"),
    ("@media screen/**/and (min-width:1px){a{color:red}}", "@media screen/**/and (min-width:1px){a{color:red}}"),
    ("a{margin:1px/**/2px}", "a{margin:1px/**/2px}"),
    ("a{color:red/**/!important}", "a{color:red!important}"),
    # the ends of the text, and where whitespace never mattered
    ("/* head */a{color:red}/* tail */", "a{color:red}"),
    ("a{/* c */color:/* c */red/* c */}", "a{color:red}"),
]


@pytest.mark.parametrize("keep_licence", [True, False])
@pytest.mark.parametrize("engine", sorted(CSS_ENGINES))
@pytest.mark.parametrize(("source", "expected"), COMMENTS)
def test_a_comment_keeps_what_it_separates(source: str, expected: str, engine: str, keep_licence: bool) -> None:
    assert minify_css(source, engine=engine, keep_licence=keep_licence) == expected


@pytest.mark.parametrize("engine", sorted(CSS_ENGINES))
def test_a_dropped_licence_comment_keeps_what_it_separates(engine: str) -> None:
    assert minify_css(".a/*! MIT */.b{color:red}", engine=engine, keep_licence=False) == ".a.b{color:red}"
    assert minify_css(".a/*! MIT */.b{color:red}", engine=engine) == ".a/*! MIT */.b{color:red}"


# Fragments that join into other tokens when nothing separates them, and ones that never do.
FRAGMENTS = ["a", "b", "e", "1", ".5", "-", "--", "+", ">", "~", "=", "|", "*", "/", "<", "!", "#x", ".", ":", "%"]
FRAGMENTS += ["(", ")", "[", "]", "{", "}", ";", ",", '"s"', "'t'", "@", " ", "\n", "url", "u+1", "\\", "é"]


def tokens_without_comments(text: str) -> str:
    """The tokens of ``text`` once comments are dropped, serialised (with /**/ where tokens touch)."""
    return tinycss2.serialize(tinycss2.parse_component_value_list(text, skip_comments=True))


@settings(max_examples=400, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(["", "", "/**/", "/* c */", "/*! l */"]))))
def test_what_a_comment_becomes_leaves_every_token_as_it_was(pieces: list[tuple[str, str]]) -> None:
    text = "".join(fragment + comment for fragment, comment in pieces)
    try:
        protected = protect_css(text, keep_licence=False)
    except ProtectionError:
        assume(False)  # does not tokenize: minify_css leaves it as written
    assert tokens_without_comments(protected.restore(protected.text)) == tokens_without_comments(text)

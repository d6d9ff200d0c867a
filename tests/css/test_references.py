"""cssurls.py: which references are found, and how they are rewritten."""

from __future__ import annotations

import pytest

from flask_bust_assets.css.references import find_references, is_file_reference, rewrite

CSS = """@import "base.css";
@import url("theme.css") screen;
/* url(in-a-comment.png) */
a { background: url( ../img/a%20b.png?x=1#frag ), url('data:image/png;base64,AAA'), url(http://x/y.png), url(#clip);
  b: image-set("one.png" 1x, url(two.png) 2x); content: "url(not-a-reference.png)"; }
@font-face { src: url("../fonts/f.woff2?abc") format("woff2"), url(//cdn.example/f.woff); }
"""


def test_finds_every_file_reference_and_nothing_else() -> None:
    found = [(r.line, r.kind, r.path, r.tail) for r in find_references(CSS)]
    assert found == [
        (1, "string", "base.css", ""),
        (2, "string", "theme.css", ""),
        (4, "url", "../img/a b.png", "?x=1#frag"),
        (5, "string", "one.png", ""),
        (5, "url", "two.png", ""),
        (6, "string", "../fonts/f.woff2", "?abc"),
    ]


def test_rewrite_keeps_query_fragment_and_everything_else() -> None:
    out, _ = rewrite(CSS, find_references(CSS), lambda r: r.replace_with("new/" + r.path.rsplit("/", 1)[-1]))
    assert out.splitlines()[0] == '@import "new/base.css";'
    assert "url(new/a%20b.png?x=1#frag)" in out
    assert 'url("new/f.woff2?abc") format("woff2")' in out
    for untouched in ("/* url(in-a-comment.png) */", "url('data:image/png;base64,AAA')", "url(http://x/y.png)",
                      "url(#clip)", '"url(not-a-reference.png)"', "url(//cdn.example/f.woff)"):  # fmt: skip
        assert untouched in out


def test_leaving_a_reference_as_written() -> None:
    assert rewrite(CSS, find_references(CSS), lambda r: None) == (CSS, [])


def test_query_string_versioning_adds_v_beside_an_existing_query() -> None:
    (ref,) = find_references("a{b:url(f.woff2?abc#x)}")
    assert ref.replace_with("f.woff2", "v=0123") == "url(f.woff2?abc&v=0123#x)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [("img/a.png", True), ("/static/a.png", True), ("data:x", False), ("HTTPS://x", False), ("//x/y", False),
     ("#id", False), ("", False), ("  ", False), ("mailto:x", False)],
)  # fmt: skip
def test_is_file_reference(url: str, expected: bool) -> None:
    assert is_file_reference(url) is expected

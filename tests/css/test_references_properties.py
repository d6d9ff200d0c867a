"""css/references.py, property-based: rewriting touches the references and nothing else."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from flask_bust_assets.css.references import find_references, rewrite
from flask_bust_assets.minify import protect

paths = st.text(string.ascii_letters + string.digits + "-_./", min_size=1, max_size=20).filter(
    lambda p: not p.startswith(("/", "#")) and "//" not in p
)
words = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=10)


@st.composite
def stylesheets(draw: st.DrawFn) -> tuple[str, list[str]]:
    """CSS built from rules, comments, strings and url() references (quoted and not)."""
    pieces: list[str] = []
    refs: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["rule", "url", "quoted", "comment", "string", "import", "calc", "licence"]))
        if kind in ("url", "quoted", "import"):
            path = draw(paths)
            refs.append(path)
            if kind == "url":
                pieces.append(f".{draw(words)} {{ background: url({path}) }}\n")
            elif kind == "quoted":
                pieces.append(f".{draw(words)} {{ background: url('{path}') }}\n")
            else:
                pieces.insert(0, f'@import "{path}";\n')  # @import must come first
        elif kind == "comment":
            pieces.append(f"/* url({draw(paths)}) {draw(words)} */\n")  # never a reference
        elif kind == "calc":  # a span to protect that no rewrite touches
            pieces.append(f".{draw(words)} {{ width: calc(100% - ({draw(st.integers(0, 99))}px + 1rem)) }}\n")
        elif kind == "licence":
            pieces.append(f"/*! {draw(words)} */\n")
        elif kind == "string":
            pieces.append(f'.{draw(words)}::after {{ content: "url({draw(paths)})" }}\n')
        else:
            pieces.append(f".{draw(words)} {{ color: #{draw(st.sampled_from(['fff', 'abc123']))}; margin: 0 }}\n")
    return "".join(pieces), refs


@given(stylesheets())
def test_every_reference_is_found_and_nothing_else(sheet: tuple[str, list[str]]) -> None:
    text, refs = sheet
    assert sorted(r.path for r in find_references(text)) == sorted(refs)


@given(stylesheets())
def test_rewriting_changes_the_reference_spans_only(sheet: tuple[str, list[str]]) -> None:
    text, _ = sheet
    found = find_references(text)
    assert rewrite(text, found, lambda ref: None) == (text, [])  # leaving every reference as written
    rewritten, _ = rewrite(text, found, lambda ref: ref.replace_with("X"))
    outside = []
    cursor = 0
    for ref in found:
        outside.append(text[cursor : ref.start])
        cursor = ref.end
    outside.append(text[cursor:])
    # Every byte outside the references is still there, in order, around the new ones.
    replaced = [ref.replace_with("X") for ref in found]
    assert rewritten == "".join(o + r for o, r in zip(outside, [*replaced, ""], strict=True))


@given(stylesheets(), st.sampled_from(["X", "../img/a.0123456789abcdef.png", "sub dir/(1).png?v=1#f"]))
def test_spans_carried_through_a_rewrite_are_those_of_the_rewritten_text(
    sheet: tuple[str, list[str]], new: str
) -> None:
    # Minifying a rewritten stylesheet reuses the original's token positions, shifted.
    text, _ = sheet
    rewritten, edits = rewrite(text, find_references(text), lambda ref: ref.replace_with(new))
    protect._CARRIED.clear()
    protect.carry_css_spans(text, rewritten, edits)
    carried = protect._CARRIED.get(rewritten)
    assert carried is None or carried == protect.css_spans(rewritten)
    assert carried is not None or not edits

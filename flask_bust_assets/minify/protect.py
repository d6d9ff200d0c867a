"""Hide the constructs minifiers are known to corrupt behind inert placeholders.

A real parser (tinycss2 for CSS, tree-sitter for JavaScript) finds strings,
template literals, regular expressions, ``url()`` and CSS math functions; each
is swapped for a short string literal that every engine copies verbatim, and
put back after minifying. If a placeholder does not come back exactly once,
the engine changed something it must not, and ``restore`` says so.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from ..css import references as cssurls
from ..css import tokens as csstokens
from ..css.tokens import Span
from . import hashbang, javascript


class ProtectionError(ValueError):
    """The input could not be parsed, or the engine mangled a placeholder."""


@dataclass
class Protected:
    """Text with placeholders, and what each placeholder stands for."""

    text: str
    prefix: str
    originals: list[str] = field(default_factory=list)

    def restore(self, minified: str) -> str:
        """Put every original back; raise ProtectionError if any is lost or doubled."""
        pattern = re.compile(rf"([\"']){re.escape(self.prefix)}(\d+)__\1")
        seen: set[int] = set()

        def put_back(match: re.Match[str]) -> str:
            index = int(match.group(2))
            if index in seen or index >= len(self.originals):
                raise ProtectionError(f"placeholder {index} appears twice")
            seen.add(index)
            return self.originals[index]

        restored = pattern.sub(put_back, minified)
        # Identifiers written with escapes stand as identifiers (see protect_js), unquoted.
        restored = re.sub(rf"(?<![\w$\"'])(){re.escape(self.prefix)}id(\d+)__", put_back, restored)
        if len(seen) != len(self.originals):
            raise ProtectionError(f"{len(self.originals) - len(seen)} protected constructs were lost")
        return restored


def free_prefix(text: str) -> str:
    """A placeholder prefix that cannot clash with anything already in ``text``."""
    for n in itertools.count():
        prefix = f"__bust{n}_"
        if prefix not in text:
            return prefix
    raise AssertionError("unreachable")


_CARRIED: dict[str, tuple[Span, ...]] = {}  # spans carried to rewritten texts (see carry_css_spans)
CARRIED_MAX = 8


def protect_css(text: str, *, keep_licence: bool) -> Protected:
    """Replace strings, url(), math functions and ``/*!`` comments (dropped unless kept);
    drop every other comment where that joins no tokens, else keep it as ``/**/``.

    The text is spliced, not re-serialised, so everything else reaches the
    engine byte for byte.
    """
    text = csstokens.normalise(text)
    try:
        spans = _CARRIED.get(text) or css_spans(text)
    except csstokens.CSSSyntaxError as exc:
        raise ProtectionError(str(exc)) from exc
    protected = Protected(text="", prefix=free_prefix(text))
    pieces: list[str] = []
    cursor = 0
    for start, end, comment in spans:
        pieces.append(text[cursor:start])
        original = text[start:end]
        if comment and not (keep_licence and original.startswith("/*!")):
            original = _comment_becomes(text, start, end)
        if original:
            pieces.append(f'"{protected.prefix}{len(protected.originals)}__"')
            protected.originals.append(original)
        cursor = end
    pieces.append(text[cursor:])
    protected.text = "".join(pieces)
    return protected


# A comment separates tokens without being whitespace: `.a/**/.b` is the compound `.a.b`,
# `a/**/b` two type selectors with no combinator (an invalid selector), not `ab`. Removing it
# is safe where the character before it never joins what follows (whitespace stays
# whitespace, `{` is `{`), or the character after it never joins what precedes, given the
# character before (`1/**/.5` is two numbers, `1.5` one; `-/**/->` is not `-->`; `~/**/=` is
# not Chromium's `~=` token). Elsewhere it stays, as `/**/`.
_ENDS_TOKEN = frozenset(" \t\n{}[]();,:\"'>%")
_STARTS_TOKEN = {char: "" for char in " \t\n{}[]);,:\"'#~"} | {".": "0123456789+-", ">": "-", "!": "<", "*": "/"}


def _comment_becomes(text: str, start: int, end: int) -> str:
    """What the comment at ``text[start:end]`` becomes: nothing, or ``/**/`` if tokens would join."""
    if start == 0 or end >= len(text):
        return ""
    before, after = text[start - 1], text[end]
    escape = start - 2
    while escape >= 0 and text[escape] == "\\":
        escape -= 1
    if (start - 2 - escape) % 2:
        before = "a"  # an escaped character, such as an escaped ">", is part of a name
    joins = _STARTS_TOKEN.get(after)
    if before in _ENDS_TOKEN or (joins is not None and before not in joins):
        return ""
    return "/**/"


def css_spans(text: str) -> tuple[Span, ...]:
    """Where the constructs to protect are in normalised ``text``, outermost only, in order."""
    return cssurls.protected_spans(text)


def carry_css_spans(old: str, new: str, edits: list[tuple[int, int, int]]) -> None:
    """Note where ``new`` (``old`` with ``edits`` spliced in: url() references rewritten) has its
    constructs to protect, from ``old``'s, so that minifying it tokenises nothing again.

    Each edit replaces a url token or string with another of its kind, inside one
    protected span, so the structure is the same and only the offsets move.
    """
    try:
        spans = css_spans(old)
    except csstokens.CSSSyntaxError:
        return  # protect_css reports it when asked
    moved, shift, pending = [], 0, iter(edits)
    edit = next(pending, None)
    for start, end, comment in spans:
        if edit is not None and edit[0] < start:
            return  # an edit outside every span: not what a url rewrite makes; protect_css tokenises
        new_start = start + shift
        while edit is not None and edit[1] <= end:  # the edits inside this span
            shift += edit[2] - (edit[1] - edit[0])
            edit = next(pending, None)
        moved.append((new_start, end + shift, comment))
    if edit is not None:
        return
    if len(_CARRIED) >= CARRIED_MAX:
        _CARRIED.pop(next(iter(_CARRIED)))
    _CARRIED[new] = tuple(moved)


# What every engine must copy verbatim, and the identifiers among which escaped ones hide.
JS_CONSTRUCTS = "[(template_string) (regex) (string) (comment) (html_comment)] @node"
# A line break for ASI: a comment holding one counts as one (ECMA-262, 12.4).
LINE_BREAKS = (b"\n", b"\r", "\u2028".encode(), "\u2029".encode())
JS_NAMES = (
    "[(identifier) (property_identifier) (shorthand_property_identifier) "
    "(shorthand_property_identifier_pattern) (private_property_identifier)] @node"
)


def protect_js(text: str, *, keep_licence: bool) -> Protected:
    """Replace strings, template literals and regexes; drop ``/*!`` comments unless kept."""
    source = text.encode("utf-8")
    tree = javascript.tree(text)
    if tree.root_node.has_error:
        raise ProtectionError(f"not valid JavaScript at {_first_error(tree.root_node)}")
    line = hashbang.stray(tree.root_node)
    if line is not None:
        raise ProtectionError(f"not valid JavaScript at line {line}, column 1 (a #! line counts only at byte 0)")
    protected = Protected(text="", prefix=free_prefix(text))
    pieces: list[bytes] = []
    cursor = 0
    for node in _js_spans(tree.root_node, keep_licence, escapes=b"\\" in source):
        pieces.append(source[cursor : node.start_byte])
        original = source[node.start_byte : node.end_byte]
        if node.type in ("comment", "html_comment"):
            # Dropped here, not by the engine: rjsmin joins `return/*\n*/1` into `return 1` and
            # reads `<!-- note` (a comment in a script) as code.
            pieces.append(b"\n" if any(mark in original for mark in LINE_BREAKS) else b" ")
        elif node.type.endswith("identifier"):
            # var \u0061bc: rjsmin drops the space before a backslash, making "var\u0061bc" one
            # identifier. An identifier-shaped placeholder keeps the space an identifier needs.
            pieces.append(f"{protected.prefix}id{len(protected.originals)}__".encode())
            protected.originals.append(original.decode("utf-8"))
        else:
            pieces.append(f'"{protected.prefix}{len(protected.originals)}__"'.encode())
            protected.originals.append(original.decode("utf-8"))
        cursor = node.end_byte
    pieces.append(source[cursor:])
    protected.text = b"".join(pieces).decode("utf-8")
    return protected


def _js_spans(root: Any, keep_licence: bool, *, escapes: bool) -> list[Any]:
    """Outermost protected nodes (and licence comments to drop), in source order; with ``escapes``,
    also the identifiers written with escapes (only asked for when the text has a backslash)."""
    captured = javascript.captures(JS_CONSTRUCTS, root).get("node", [])
    if escapes:
        identifiers = javascript.captures(JS_NAMES, root).get("node", [])
        captured = [*captured, *(n for n in identifiers if b"\\" in (n.text or b""))]
    found: list[Any] = []
    end = -1
    for node in sorted(captured, key=lambda n: n.start_byte):
        if node.start_byte < end:
            continue  # inside a template literal already protected whole
        if node.type == "comment" and keep_licence and is_licence(node.text or b""):
            continue  # the engine keeps it
        found.append(node)
        end = node.end_byte
    return found


def is_licence(comment: bytes) -> bool:
    """True for a comment every engine keeps when asked to: ``/*!`` (rjsmin's rule)."""
    return comment.startswith(b"/*!")


# What a script reads as an HTML-like comment: `<!--` anywhere, `-->` only where it opens a line
# (after spaces; comments are gone by then). `while (i-->0)` is a decrement and a comparison.
HTML_COMMENT = re.compile(r"<!--|(?:^|[\n\r\u2028\u2029])[^\S\n\r\u2028\u2029]*-->")
# Tokens an engine may join into something else once the space between them is gone:
# `b < !--c` into `b<!--c` (a comment in a script), `--c\n-->` likewise, `1 .a` into `1.a`.
JOINED = re.compile(rf"{HTML_COMMENT.pattern}|(?<![\w$.])(?:0|[1-9][0-9_]*)\.[A-Za-z_$]")


def joined_tokens(protected: str, minified: str) -> bool:
    """True if ``minified`` has more of the JOINED shapes than ``protected`` (both with placeholders)."""
    return len(JOINED.findall(minified)) > len(JOINED.findall(protected))


def _first_error(node: Any) -> str:
    """ "line L, column C" of the first syntax error under ``node`` (both from 1)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return f"line {current.start_point[0] + 1}, column {current.start_point[1] + 1}"
        stack.extend(reversed(current.children))
    return "line 1, column 1"

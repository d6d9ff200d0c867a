"""Where CSS constructs start and end in the source text, found by tinycss2.

tinycss2 gives each token a line and column; these helpers turn that into
offsets so callers can splice the original text instead of re-serialising it
(which would rewrite escapes such as icon fonts' ``"\\f101"``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import tinycss2


class CSSSyntaxError(ValueError):
    """tinycss2 reported a parse error; the message names the line."""


def normalise(text: str) -> str:
    """The preprocessing tinycss2 applies, so its lines and columns match our text."""
    return text.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def tokens(text: str) -> list[Any]:
    """Component values of normalised ``text``, comments included (see references._scan, which
    makes sure a build tokenises each text once)."""
    return list(tinycss2.parse_component_value_list(text, skip_comments=False))


# Function blocks whose whitespace and parentheses carry meaning: cssmin turns
# calc(100% - (2 * 1rem)) into calc(100% -(2 * 1rem)); rcssmin drops spaces in url().
PROTECTED_FUNCTIONS = frozenset(
    {"url", "calc", "-webkit-calc", "-moz-calc", "min", "max", "clamp", "round", "mod", "rem"}
)
Span = tuple[int, int, bool]  # (start, end) of a construct minifiers must not touch; True for a comment


def is_protected(node: Any) -> bool:
    """Strings, url tokens, the functions above and comments.

    Every comment, not only ``/*!`` licences: engines turn a comment into a space
    (``.a/**/.b`` becomes the descendant selector ``.a .b``) or into nothing
    (``a/**/b`` becomes the type selector ``ab``), so protect_css decides what
    each becomes before any engine sees it.
    """
    if node.type == "comment":
        return True
    return node.type in ("string", "url") or (node.type == "function" and node.lower_name in PROTECTED_FUNCTIONS)


# What the end of a file closes, as browsers do (CSS Syntax 3): tinycss2 keeps the string or
# url token and reports the end beside it. Not a reason to refuse the file (see css/joins.py).
CLOSED_AT_END = frozenset({"eof-in-string", "eof-in-url"})


def walk(nodes: Sequence[Any]) -> Iterator[tuple[Any, Any]]:
    """Every node with its enclosing function (or None), in source order; raises on parse errors
    other than the end of the text closing a string or url()."""
    stack: list[tuple[Iterator[Any], Any]] = [(iter(nodes), None)]
    while stack:
        iterator, parent = stack[-1]
        node = next(iterator, None)
        if node is None:
            stack.pop()
            continue
        if node.type == "error":
            if node.kind in CLOSED_AT_END:
                continue
            raise CSSSyntaxError(f"line {node.source_line}: {node.message}")
        yield node, parent
        if node.type == "function":
            stack.append((iter(node.arguments), node))
        elif node.type in ("() block", "[] block", "{} block"):
            stack.append((iter(node.content), None))


class Offsets:
    """Turns tinycss2 (line, column) positions into offsets in ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0]
        for line in text.split("\n"):
            self._line_starts.append(self._line_starts[-1] + len(line) + 1)

    def start(self, node: Any) -> int:
        """Offset of the node's first character."""
        return int(self._line_starts[node.source_line - 1] + node.source_column - 1)

    def span(self, node: Any) -> tuple[int, int]:
        """(start, end) offsets of a comment, string, url token or function block."""
        start = self.start(node)
        return start, token_end(self.text, start, node.type)


def token_end(text: str, start: int, kind: str) -> int:
    """Where the comment, string, url token or function that starts at ``start`` ends."""
    if kind == "comment":
        end = text.find("*/", start + 2)
        return len(text) if end < 0 else end + 2
    if kind == "string":
        return _string_end(text, start)
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char in "\"'" and kind == "function":
            i = _string_end(text, i)
            continue
        if text.startswith("/*", i) and kind == "function":
            i = token_end(text, i, "comment")
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        elif text[i] == "\n":  # an unclosed string ends at the line break
            return i
        else:
            i += 1
    return len(text)

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
from functools import lru_cache
from typing import Any

import tinycss2
import tinycss2.ast

# Function blocks whose whitespace and parentheses carry meaning: cssmin turns
# calc(100% - (2 * 1rem)) into calc(100% -(2 * 1rem)); rcssmin drops spaces in url().
CSS_PROTECTED_FUNCTIONS = frozenset(
    {"url", "calc", "-webkit-calc", "-moz-calc", "min", "max", "clamp", "round", "mod", "rem"}
)
# tree-sitter node types whose bytes must reach the browser unchanged.
JS_PROTECTED_NODES = frozenset({"template_string", "regex", "string"})


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
        if len(seen) != len(self.originals):
            raise ProtectionError(f"{len(self.originals) - len(seen)} protected constructs were lost")
        return restored


def _free_prefix(text: str) -> str:
    """A placeholder prefix that cannot clash with anything already in ``text``."""
    for n in itertools.count():
        prefix = f"__bust{n}_"
        if prefix not in text:
            return prefix
    raise AssertionError("unreachable")


def protect_css(text: str, *, keep_licence: bool) -> Protected:
    """Replace strings, url() and math functions; drop ``/*!`` comments unless kept."""
    nodes = tinycss2.parse_component_value_list(text, skip_comments=False)
    protected = Protected(text="", prefix=_free_prefix(text))
    _swap_css(nodes, protected, keep_licence)
    protected.text = tinycss2.serialize(nodes)
    return protected


def _swap_css(nodes: list[Any], protected: Protected, keep_licence: bool) -> None:
    for i, node in enumerate(nodes):
        if node.type == "error":
            raise ProtectionError(f"line {node.source_line}: {node.message}")
        if node.type == "comment" and node.value.startswith("!") and not keep_licence:
            nodes[i] = tinycss2.ast.WhitespaceToken(node.source_line, node.source_column, " ")
        elif node.type in ("string", "url") or (node.type == "function" and node.lower_name in CSS_PROTECTED_FUNCTIONS):
            nodes[i] = _css_placeholder(node, protected)
        elif node.type == "function":
            _swap_css(node.arguments, protected, keep_licence)
        elif node.type in ("() block", "[] block", "{} block"):
            _swap_css(node.content, protected, keep_licence)


def _css_placeholder(node: Any, protected: Protected) -> Any:
    value = f"{protected.prefix}{len(protected.originals)}__"
    # Strings and url() tokens keep their source spelling (escapes included).
    protected.originals.append(getattr(node, "representation", None) or node.serialize())
    return tinycss2.ast.StringToken(node.source_line, node.source_column, value, f'"{value}"')


@lru_cache(maxsize=1)
def _js_parser() -> Any:
    import tree_sitter
    import tree_sitter_javascript

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def protect_js(text: str, *, keep_licence: bool) -> Protected:
    """Replace strings, template literals and regexes; drop ``/*!`` comments unless kept."""
    source = text.encode("utf-8")
    tree = _js_parser().parse(source)
    if tree.root_node.has_error:
        raise ProtectionError(f"not valid JavaScript near line {_first_error_line(tree.root_node)}")
    protected = Protected(text="", prefix=_free_prefix(text))
    pieces: list[bytes] = []
    cursor = 0
    for node in _js_spans(tree.root_node, keep_licence):
        pieces.append(source[cursor : node.start_byte])
        original = source[node.start_byte : node.end_byte]
        if node.type == "comment":
            # A block comment holding a line break counts as one for ASI.
            pieces.append(b"\n" if b"\n" in original else b" ")
        else:
            pieces.append(f'"{protected.prefix}{len(protected.originals)}__"'.encode())
            protected.originals.append(original.decode("utf-8"))
        cursor = node.end_byte
    pieces.append(source[cursor:])
    protected.text = b"".join(pieces).decode("utf-8")
    return protected


def _js_spans(node: Any, keep_licence: bool) -> list[Any]:
    """Outermost protected nodes (and licence comments to drop), in source order."""
    found: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        drop_comment = current.type == "comment" and not keep_licence and current.text.startswith(b"/*!")
        if current.type in JS_PROTECTED_NODES or drop_comment:
            found.append(current)
        else:
            stack.extend(reversed(current.children))
    return found


def _first_error_line(node: Any) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return int(current.start_point[0]) + 1
        stack.extend(reversed(current.children))
    return 1

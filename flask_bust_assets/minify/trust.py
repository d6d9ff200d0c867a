"""Whether a renaming minifier can be trusted with a JavaScript file: decided by a real parser.

tdewolff-minify renames local variables and drops parameters it finds unused.
That is sound unless code reaches variables by name at run time: a ``with``
statement, or a direct ``eval`` (it sees the caller's scope). Such a file, or
one that does not parse, is left to the whitespace-only engine; output that
does not parse, or whose functions lost parameters (``fn.length``), is never
written. Licence comments (``/*!``, ``@license``,
``@preserve``), which the renaming engine drops but for ``/*!``, are found here
so that they can be put back.
"""

from __future__ import annotations

import functools
from typing import Any

HAZARDS = """
(with_statement) @with
(call_expression function: (identifier) @callee (#eq? @callee "eval")) @eval
"""
PARAMETERS = "(formal_parameters) @list (arrow_function parameter: (identifier) @single)"
LICENCE_MARKS = (b"@license", b"@preserve")


@functools.lru_cache(maxsize=1)
def _language() -> tuple[Any, Any, Any, Any]:
    import tree_sitter
    import tree_sitter_javascript

    language = tree_sitter.Language(tree_sitter_javascript.language())
    return (
        tree_sitter.Parser(language),
        tree_sitter.Query(language, HAZARDS),
        tree_sitter.Query(language, "(comment) @comment"),
        tree_sitter.Query(language, PARAMETERS),
    )


def _tree(text: str) -> Any:
    return _language()[0].parse(text.encode("utf-8"))


def renaming_hazard(text: str) -> str | None:
    """Why renaming locals could change what ``text`` does, or None if it cannot."""
    import tree_sitter

    tree = _tree(text)
    if tree.root_node.has_error:
        return "it does not parse as JavaScript"
    captures = tree_sitter.QueryCursor(_language()[1]).captures(tree.root_node)
    for name, what in (("with", "a with statement"), ("eval", "a direct eval")):
        nodes = captures.get(name, [])
        if nodes:
            return f"{what} at line {min(n.start_point[0] for n in nodes) + 1} reaches variables by name"
    return None


def arities(text: str) -> list[int]:
    """How many parameters each function of ``text`` declares, in source order: its ``length``.

    tdewolff-minify drops trailing parameters it finds unused, which changes a
    function's ``length`` (what Express, Mocha and dependency injectors read):
    output whose arities differ from its input's is not trusted.
    """
    import tree_sitter

    captures = tree_sitter.QueryCursor(_language()[3]).captures(_tree(text).root_node)
    found = [(n.start_byte, sum(1 for c in n.named_children if c.type != "comment")) for n in captures.get("list", [])]
    found += [(n.start_byte, 1) for n in captures.get("single", [])]
    return [count for _, count in sorted(found)]


def parses(text: str) -> bool:
    """True if ``text`` is JavaScript tree-sitter reads without an error."""
    return not _tree(text).root_node.has_error


def licence_comments(text: str) -> list[str]:
    """The licence comments of ``text`` (``/*!``, or naming ``@license`` / ``@preserve``), in order."""
    import tree_sitter

    comments = tree_sitter.QueryCursor(_language()[2]).captures(_tree(text).root_node).get("comment", [])
    found = []
    for node in sorted(comments, key=lambda n: n.start_byte):
        body = node.text or b""
        if body.startswith(b"/*!") or any(mark in body for mark in LICENCE_MARKS):
            found.append(body.decode("utf-8"))
    return found

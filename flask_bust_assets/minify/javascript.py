"""The one tree-sitter JavaScript parser of the package, and its queries, each compiled once.

Protection (protect.py), the renaming engine's checks (trust.py, parameters.py)
and the module graph (pipeline/modules.py) all read JavaScript through it. A
minification asks about the same input and output several times (hazards,
parameters, licences; protection when the renaming engine falls back), so the
trees of the last few texts are remembered.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def _language() -> Any:
    import tree_sitter_javascript
    from tree_sitter import Language

    return Language(tree_sitter_javascript.language())


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from tree_sitter import Parser

    return Parser(_language())


def parse(data: bytes) -> Any:
    """The syntax tree of ``data`` (JavaScript source bytes)."""
    return _parser().parse(data)


@functools.lru_cache(maxsize=8)
def tree(text: str) -> Any:
    """The syntax tree of ``text``, remembered (byte offsets are of its UTF-8 encoding)."""
    return parse(text.encode("utf-8"))


@functools.cache
def _query(pattern: str) -> Any:
    from tree_sitter import Query

    return Query(_language(), pattern)


def captures(pattern: str, node: Any) -> dict[str, list[Any]]:
    """The nodes under ``node`` that the query ``pattern`` captures, by capture name (a query runs
    in C: three times faster than walking every node in Python)."""
    from tree_sitter import QueryCursor

    found: dict[str, list[Any]] = QueryCursor(_query(pattern)).captures(node)
    return found

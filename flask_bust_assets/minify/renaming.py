"""The renaming JavaScript engine: tdewolff-minify, used where a parser says it is safe.

It renames locals and folds syntax (about a fifth fewer bytes than whitespace
removal, after brotli). A file without ``with`` or direct ``eval`` is minified
whole; in a file with them, only the functions the hazard cannot see are
(scopes.py), and the caller removes whitespace from the rest. Every output must
parse, keep each function's parameter count (parameters.py) and use no newer
syntax than its input. Untrusted is raised, for the caller to fall back to a
whitespace-only engine, when the engine is not installed (no wheel for the
platform) or any of that fails.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

from ..core.imports import installed
from . import hashbang, pieces
from .javascript import tree
from .parameters import restore_parameters
from .protect import free_prefix
from .scopes import DECLARATIONS, renamable_functions
from .trust import NotJavaScript, Untrusted, describe, directives, hazards, licence_comments, parses, syntax_year

_LOCK = threading.Lock()  # its configuration is process-wide
INSTALL = "pip install 'flask-bust-assets[minify]'"


@dataclass(frozen=True)
class Renamed:
    """The engine's output; ``hazard`` says why some scopes kept their names and still need
    whitespace removal (None: the whole file was minified)."""

    text: str
    hazard: str | None = None


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    if not installed("minify"):  # a user's own minify.py is not tdewolff-minify: never imported
        return None
    try:
        import minify as tdewolff  # the tdewolff-minify distribution
    except ImportError:
        return None
    return tdewolff


def available() -> bool:
    """True if tdewolff-minify is installed."""
    return _engine() is not None


def minify_renaming(text: str) -> Renamed:
    """``text`` with locals renamed wherever that is safe; raises Untrusted instead of risking its meaning."""
    if _engine() is None:
        raise Untrusted(f"tdewolff-minify is not installed ({INSTALL})")
    root = tree(text).root_node
    if root.has_error or hashbang.stray(root) is not None:
        raise NotJavaScript("it does not parse as JavaScript")
    year = syntax_year(root)
    found = hazards(root)
    if not found:
        return Renamed(*_in_pieces(text, root, year))
    data, pieces, last = text.encode("utf-8"), [], 0
    for function in renamable_functions(root):
        source = data[function.start_byte : function.end_byte].decode("utf-8")
        pieces += [data[last : function.start_byte].decode("utf-8"), _alone(source, function.type, year)]
        last = function.end_byte
    pieces.append(data[last:].decode("utf-8"))
    return Renamed("".join(pieces), describe(*found[0]))


def _run(text: str, year: int) -> str:
    engine = _engine()
    with _LOCK:
        engine.config({"js-keep-var-names": False, "js-version": year})
        try:
            return str(engine.string("application/javascript", text))
        except engine.MinifyError as exc:
            raise Untrusted(f"tdewolff-minify failed ({exc})") from None
        except UnicodeDecodeError as exc:  # "\312" in a string becomes the raw byte 0xca: the engine's fault
            raise Untrusted(
                f"tdewolff-minify wrote output that is not UTF-8 (byte {exc.object[exc.start]:#04x}, "
                "from an escape such as a legacy octal one in a string)"
            ) from None


def _in_pieces(text: str, root: Any, year: int) -> tuple[str, str | None]:
    """``text`` minified whole, or in pieces of top-level statements when it holds many names
    (pieces.py); and why a statement was left for whitespace removal, if one was (too many names)."""
    data = text.encode("utf-8")
    spans = pieces.spans(data, root)
    prologue = pieces.prologue(data, root) if len(spans) > 1 else ""
    head = _run(prologue, year) + ";" if prologue else ""
    small = len(spans) == 1 and pieces.distinct_words(data) <= pieces.PIECE_WORDS  # most files
    minified, kept = [], None
    for n, (start, end) in enumerate(spans):
        piece = data[start:end].decode("utf-8")
        if not small and pieces.distinct_words(data[start:end]) > pieces.STATEMENT_WORDS:
            minified.append(piece)  # one scope of that many names would cost minutes
            kept = kept or pieces.too_many_names(data, start)
            continue
        if n == 0 or not head:
            minified.append(_trusted(piece, year))
            continue
        # The prologue applies to the whole file: each piece is minified under it, then it is taken off.
        out = _trusted(f"{prologue}\n{piece}", year)
        if not out.startswith(head):
            raise Untrusted("tdewolff-minify changed the directive prologue of a piece")
        minified.append(out[len(head) :])
    return (minified[0] if len(minified) == 1 else pieces.join(minified)), kept


def _trusted(text: str, year: int) -> str:
    minified = _run(text, year)
    if not parses(minified):
        raise Untrusted("tdewolff-minify's output does not parse")
    if directives(minified) != directives(text):
        raise Untrusted('tdewolff-minify folded a directive ("use strict") into an expression')
    restored = restore_parameters(text, minified)
    if restored != minified and not parses(restored):
        raise Untrusted("the output with its parameters put back does not parse")
    return restored


def _alone(source: str, kind: str, year: int) -> str:
    """One function minified on its own; its source unchanged if that cannot be trusted.

    A declaration stands alone as it is; an expression is given as the value of
    an assignment to a name the function does not use, and taken back out.
    """
    prefix = "" if kind in DECLARATIONS else free_prefix(source)
    wrapped = f"{prefix}={source}" if prefix else source
    try:
        minified = _trusted(wrapped, year)
    except Untrusted:
        return source
    statements = tree(minified).root_node.named_children
    if len(statements) != 1:
        return source
    if not prefix:
        return minified if statements[0].type == kind else source
    value = statements[0].named_children[0].child_by_field_name("right") if statements[0].named_children else None
    if statements[0].type != "expression_statement" or value is None or value.type != kind:
        return source
    return minified.encode("utf-8")[value.start_byte : value.end_byte].decode("utf-8")


def with_licences(source: str, minified: str, *, keep: bool) -> str:
    """``minified`` with the licence comments of ``source`` at its top if ``keep``, or with none."""
    kept = licence_comments(minified)
    if keep:
        missing = [c for c in licence_comments(source) if c not in kept]
        return "\n".join(missing) + "\n" + minified if missing else minified
    for comment in kept:
        minified = minified.replace(comment, "", 1)
    return minified

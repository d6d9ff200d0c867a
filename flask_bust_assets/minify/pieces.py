"""Cut a long script into pieces the renaming engine takes one at a time, so that its cost stays linear.

tdewolff-minify's renaming costs about the square of the distinct names one file
holds (measured: 16,000 top-level functions on one line, 2.8 MB, took 5.5 s;
32,000, 5.7 MB, 24 s). Minifying consecutive top-level statements in pieces of
at most ``PIECE_WORDS`` distinct words keeps each piece's cost bounded, so a
file costs in proportion to its length. It keeps the file's meaning because the
engine renames only what a piece declares below its top level: a script's
top-level bindings are globals, which it never renames, and a piece's free
names are left as written, so every piece still reaches the same globals. The
directive prologue (``"use strict"``) of the file is given to every piece, as
it applies to the whole file. A single statement with more than ``STATEMENT_WORDS``
cannot be cut: it keeps its names and has its whitespace removed. Files with fewer words (every library measured:
jQuery has about 2,300) are minified whole, as before.
"""

from __future__ import annotations

import re
from typing import Any

PIECE_WORDS = 5_000
# A single statement holding more (a whole bundle in one function: a scope of tens of thousands
# of names) is left to whitespace removal: 40,000 take the engine about a second, 130,000 half a minute.
STATEMENT_WORDS = 40_000
# Identifiers, keywords and property names, and the same inside strings and comments:
# an overcount only makes pieces smaller.
_WORD = re.compile(rb"[A-Za-z_$][\w$]*")
_FILLER = frozenset({"comment", "hash_bang_line"})


def distinct_words(data: bytes) -> int:
    """How many distinct identifier-like words ``data`` holds."""
    return len(set(_WORD.findall(data)))


def spans(data: bytes, root: Any) -> list[tuple[int, int]]:
    """Byte spans of consecutive top-level statements covering all of ``data``, each with at most
    ``PIECE_WORDS`` distinct words (a statement with more stands alone); one span if the file has fewer."""
    if distinct_words(data) <= PIECE_WORDS:
        return [(0, len(data))]
    cuts = [0]
    words: set[bytes] = set()
    for node in root.children:
        own = set(_WORD.findall(data[node.start_byte : node.end_byte]))
        words |= own
        if len(words) > PIECE_WORDS and node.start_byte > cuts[-1]:
            cuts.append(node.start_byte)
            words = own
    return list(zip(cuts, [*cuts[1:], len(data)], strict=True))


def too_many_names(data: bytes, start: int) -> str:
    """Why the statement at ``start`` keeps its names."""
    line = data.count(b"\n", 0, start) + 1
    return f"the statement at line {line} holds more than {STATEMENT_WORDS:,} distinct names, too many to rename"


def prologue(data: bytes, root: Any) -> str:
    """The file's directive prologue (``"use strict";``), or "" if it has none."""
    start = end = -1
    for node in root.children:
        if node.type in _FILLER:
            continue
        if node.type != "expression_statement" or [c.type for c in node.named_children] != ["string"]:
            break
        start, end = (node.start_byte if start < 0 else start), node.end_byte
    return data[start:end].decode("utf-8") if start >= 0 else ""


def join(minified: list[str]) -> str:
    """The minified pieces as one script: each statement ends where it ended in the file."""
    out: list[str] = []
    for text in filter(None, minified):
        if out and not out[-1].endswith(";"):
            # The engine drops a piece's last semicolon; a line comment (``//!``) it kept ends at a newline.
            out.append("\n;" if "//" in out[-1].rsplit("\n", 1)[-1] else ";")
        out.append(text)
    return "".join(out)

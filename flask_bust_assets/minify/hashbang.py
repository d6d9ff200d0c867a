"""A file's hashbang line (``#!/usr/bin/env node``), kept out of every engine's reach.

Since ES2023 a script or module may begin with a hashbang comment, which runs
to the end of its line. It counts only at byte 0 of a file. The engines do not
all know it: tdewolff-minify drops the line break after it
(``#!/usr/bin/env nodevar x=1``: the code joins the comment) and jsmin reads
``#!/x`` as the start of a regex. So the line is taken off before any engine
runs and put back, with its line break, in front of the minified rest.
"""

from __future__ import annotations

import re

# A hashbang comment ends at the first line terminator: LF, CR (so CRLF too), LS or PS.
_HASHBANG = re.compile("#![^\n\r\u2028\u2029]*(\r\n|[\n\r\u2028\u2029])?")


def split(text: str) -> tuple[str, str]:
    """``text``'s hashbang line with its line break, and the rest ("" and ``text`` if it has none).

    The rest begins with the line break, so that line numbers in messages stay those of the file.
    """
    match = _HASHBANG.match(text)
    if match is None:
        return "", text
    return match.group(0), text[match.end() - len(match.group(1) or "") :]


def join(head: str, minified: str) -> str:
    """The hashbang line ``head`` (from ``split``) in front of the minified rest."""
    return head + minified.lstrip("\n\r\u2028\u2029") if head else minified


def stray(root: object) -> int | None:
    """The line (from 1) of a hashbang that is not at byte 0 (a syntax error tree-sitter accepts), or None."""
    for node in getattr(root, "children", []):
        if node.type == "hash_bang_line" and node.start_byte > 0:
            return int(node.start_point[0]) + 1
    return None

"""Put back the unused trailing parameters tdewolff-minify drops, so that ``fn.length`` stays true.

A function's ``length`` counts its parameters: Express tells error handlers by
it (four), test runners tell async tests by it (``done``), Alpine's and other
libraries' callbacks too. The engine drops trailing parameters the body never
reads; each is put back, under its own name where that name is free in the
function's output, otherwise under a name found nowhere in the file. Functions
are matched by their order in source and output; any other difference (a
function more or less, a dropped parameter with a default value, whose
expression could have had an effect) makes the output untrusted.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from .javascript import tree
from .trust import Untrusted, parameter_lists

NOT_PARAMETERS = frozenset({"comment", "(", ")", ","})


def _parameters(node: Any) -> list[Any]:
    if node.type != "formal_parameters":
        return [node]
    return [child for child in node.children if child.type not in NOT_PARAMETERS]


def _free_in(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text) is None


def restore_parameters(source: str, minified: str) -> str:
    """``minified`` with every dropped parameter of ``source``'s functions back in place."""
    source_bytes, output = source.encode("utf-8"), minified.encode("utf-8")
    before = parameter_lists(tree(source).root_node)
    after = parameter_lists(tree(minified).root_node)
    if len(before) != len(after):
        raise Untrusted(f"tdewolff-minify's output has {len(after)} functions where the input has {len(before)}")
    fresh = (f"_${n}" for n in itertools.count() if f"_${n}" not in minified)
    edits: list[tuple[int, int, bytes]] = []
    for was, now in zip(before, after, strict=True):
        original, kept = _parameters(was), _parameters(now)
        if len(kept) > len(original):
            raise Untrusted("tdewolff-minify's output gives a function more parameters than the input")
        dropped = original[len(kept) :]
        if not dropped:
            continue
        if any(node.type != "identifier" for node in dropped):
            raise Untrusted("tdewolff-minify dropped a parameter with a default value or a pattern")
        scope = _text(now.parent, output)
        added: list[str] = []
        for node in dropped:
            name = _text(node, source_bytes)
            added.append(name if _free_in(name, scope) and name not in added else next(fresh))
        edits.append((now.start_byte, now.end_byte, _rebuilt(now, output, added)))
    for start, end, text in reversed(edits):
        output = output[:start] + text + output[end:]
    return output.decode("utf-8")


def _text(node: Any, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8")


def _rebuilt(node: Any, output: bytes, added: list[str]) -> bytes:
    """The parameter node's own output text with ``added`` appended inside its parentheses."""
    own = _text(node, output)
    if node.type != "formal_parameters":  # a bare arrow parameter gains parentheses
        return f"({own},{','.join(added)})".encode()
    inner = own[1:-1]
    return f"({inner}{',' if inner.strip() else ''}{','.join(added)})".encode()

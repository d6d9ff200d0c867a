"""Which functions of a file the renaming engine may take, when some code reaches variables by name.

A direct ``eval`` or a ``with`` statement can reach, by name, every binding
of the scopes around it, and only those: the functions that contain it (and
the file's top level) must keep their names. Any other function is a closed
world: renaming its own locals is invisible to the hazard. Such functions are
minified one by one, each on its own (its free variables are never renamed, so
it still reaches the same outer bindings), and the scopes around the hazard
get whitespace removal only. htmx, whose ``htmx._()`` evaluates names in its
closure, keeps most of the renaming gain this way.
"""

from __future__ import annotations

from typing import Any

from .trust import hazards

# Functions that stand alone as a declaration or as the value of an assignment.
# Methods and accessors do not (their ``super`` and private names need the class),
# so the functions inside them are taken instead.
DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
EXPRESSIONS = frozenset({"function_expression", "generator_function", "arrow_function"})
FUNCTIONS = DECLARATIONS | EXPRESSIONS


def _span(node: Any) -> tuple[int, int]:
    return node.start_byte, node.end_byte


def renamable_functions(root: Any) -> list[Any]:
    """The outermost functions of ``root`` that no ``with`` or direct ``eval`` lies inside, in order."""
    exposed: set[tuple[int, int]] = set()
    for _, node in hazards(root):
        while node is not None:
            exposed.add(_span(node))
            node = node.parent
    found = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type in FUNCTIONS and _span(node) not in exposed:
            found.append(node)
        else:
            pending.extend(reversed(node.children))
    return found

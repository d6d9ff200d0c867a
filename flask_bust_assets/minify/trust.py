"""What a real parser (tree-sitter) says about a JavaScript file, for the renaming engine.

tdewolff-minify renames local variables, drops parameters it finds unused and
folds syntax. Renaming is sound unless code reaches variables by name at run
time: a ``with`` statement or a direct ``eval`` sees every binding of the
scopes around it (the hazards). Folding is sound as long as the output uses no
syntax newer than the input (``syntax_year``). Licence comments (``/*!``,
``@license``, ``@preserve``), which the engine drops but for ``/*!``, are found
here so that they can be put back.
"""

from __future__ import annotations

from typing import Any

from .javascript import captures, tree


class Untrusted(Exception):
    """The renaming engine cannot be trusted with this file; the message says why."""


class NotJavaScript(Untrusted):
    """The file does not parse: the whitespace-only engine reports it (and the setting that decides)."""


HAZARDS = """
(with_statement) @with
(call_expression function: (identifier) @callee (#eq? @callee "eval")) @eval
"""
LICENCE_MARKS = (b"@license", b"@preserve")
# Syntax tdewolff-minify writes only when told the year allows it: template literals
# for strings (2015), catch without a binding (2019), ``??`` (2020).
NEWER_SYNTAX = """
(binary_expression operator: "??") @y2020
(optional_chain) @y2020
(catch_clause !parameter) @y2019
(template_string) @y2015
(arrow_function) @y2015
(class) @y2015
(class_declaration) @y2015
(lexical_declaration) @y2015
"""
ES5 = 2009
# Bodies that may open with a directive prologue ("use strict"; "use asm"), besides the file's top level.
BODIES = """
[(function_declaration body: (statement_block) @body) (function_expression body: (statement_block) @body)
 (generator_function_declaration body: (statement_block) @body) (generator_function body: (statement_block) @body)
 (method_definition body: (statement_block) @body) (arrow_function body: (statement_block) @body)]
"""
PARAMETERS = "(formal_parameters) @list (arrow_function parameter: (identifier) @single)"


def hazards(root: Any) -> list[tuple[str, Any]]:
    """Every ``with`` statement and direct ``eval`` call under ``root``, in source order."""
    found_by = captures(HAZARDS, root)
    found = [("a with statement", n) for n in found_by.get("with", [])]
    found += [("a direct eval", n) for n in found_by.get("eval", [])]
    return sorted(found, key=lambda item: item[1].start_byte)


def parameter_lists(root: Any) -> list[Any]:
    """Each function's parameters (a parenthesised list, or an arrow's bare identifier), in source order."""
    found = captures(PARAMETERS, root)
    return sorted(found.get("list", []) + found.get("single", []), key=lambda n: n.start_byte)


def describe(what: str, node: Any) -> str:
    """``what`` at the line of ``node``, for a warning or a report."""
    return f"{what} at line {node.start_point[0] + 1} reaches variables by name"


def renaming_hazard(text: str) -> str | None:
    """Why renaming every local of ``text`` could change what it does, or None if it cannot."""
    root = tree(text).root_node
    if root.has_error:
        return "it does not parse as JavaScript"
    found = hazards(root)
    return describe(*found[0]) if found else None


def directives(text: str) -> list[tuple[str, ...]]:
    """The directive prologue of the file and of each function body that has one, in source order.

    A directive is a statement that is a lone string literal, at the start of a body; its words
    (between the quotes) are what counts. Folded into an expression (``"a","use strict",x()``) it
    is no directive: the code loses strict mode, so the engine's output must keep every one.
    """
    root = tree(text).root_node
    bodies = sorted(captures(BODIES, root).get("body", []), key=lambda n: n.start_byte)
    found = []
    for body in (root, *bodies):
        prologue = []
        for node in body.named_children:
            if node.type in ("comment", "hash_bang_line"):
                continue
            if node.type != "expression_statement" or [c.type for c in node.named_children] != ["string"]:
                break
            prologue.append((node.named_children[0].text or b"")[1:-1].decode("utf-8"))
        if prologue:
            found.append(tuple(prologue))
    return found


def parses(text: str) -> bool:
    """True if ``text`` is JavaScript tree-sitter reads without an error."""
    return not tree(text).root_node.has_error


def syntax_year(root: Any) -> int:
    """The newest ECMAScript edition whose syntax the engine may write: the input's own.

    Output never needs a newer browser than the input did (``??`` from a
    ternary would break Safari 13, a template literal from a string IE 11).
    """
    years = [int(name[1:]) for name, nodes in captures(NEWER_SYNTAX, root).items() if nodes]
    return max(years, default=ES5)


def licence_comments(text: str) -> list[str]:
    """The licence comments of ``text`` (``/*!``, or naming ``@license`` / ``@preserve``), in order."""
    if "/*!" not in text and not any(mark.decode() in text for mark in LICENCE_MARKS):
        return []  # most files: no need to parse
    comments = captures("(comment) @comment", tree(text).root_node).get("comment", [])
    found = []
    for node in sorted(comments, key=lambda n: n.start_byte):
        body = node.text or b""
        if body.startswith(b"/*!") or any(mark in body for mark in LICENCE_MARKS):
            found.append(body.decode("utf-8"))
    return found

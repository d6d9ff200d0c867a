"""The module graph of a JavaScript entry point: which static files it imports, found by a parser.

Static ``import`` / ``export ... from`` and ``import()`` with a string literal,
read by tree-sitter (comments and strings that look like imports are not
imports). Specifiers resolve as a browser resolves them against the module's
URL: relative (``./``, ``../``), root-relative (``/static/...``), and bare names
the user pinned (``BUST_ASSETS_IMPORTS = {"htmx.org": "vendor/htmx.esm.js"}``).
Full URLs (``https:``, ``data:``) are left to the browser. Module bytes are
never rewritten: an import map (web/importmap.py) maps each plain URL to its
digested one, so a module's digest covers its own bytes only.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..core.manifest import ModuleEntry
from ..core.static import StaticRoot
from ..errors import BuildError
from ..minify import javascript

QUERY = """
(import_statement source: (string (string_fragment) @static))
(export_statement source: (string (string_fragment) @static))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @dynamic) .))
"""
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")

Module = tuple[str, str]  # (static endpoint, logical path)


@dataclass(frozen=True)
class ModuleGraph:
    """An entry point and every module it can load, statically or dynamically."""

    entry: Module
    modules: tuple[Module, ...]  # the entry first, then the rest in the order found
    preload: tuple[Module, ...]  # the entry's static imports, at any depth: worth a modulepreload
    bare: Mapping[str, Module] = field(default_factory=dict)  # pinned bare names the graph uses


def specifiers(source: bytes) -> tuple[list[str], list[str]]:
    """(static, dynamic) import specifiers of a module's source, in order."""
    captures = javascript.captures(QUERY, javascript.parse(source).root_node)

    def texts(name: str) -> list[str]:
        return [(n.text or b"").decode("utf-8") for n in sorted(captures.get(name, []), key=lambda n: n.start_byte)]

    return texts("static"), texts("dynamic")


def module_graph(entry: str, roots: list[StaticRoot], imports: Mapping[str, str]) -> ModuleGraph:
    """The graph of the entry ``entry`` (a logical path in the app's static folder, or
    ``<blueprint>.static:path``); BuildError naming the importer and the specifier if one fails."""
    by_endpoint = {root.endpoint: root for root in roots}
    endpoint, _, logical = entry.rpartition(":") if ":" in entry else ("static", "", entry)
    start = (endpoint, logical)
    if endpoint not in by_endpoint or not os.path.isfile(by_endpoint[endpoint].source(logical)):
        raise BuildError(f"module entry point {entry!r} is not a file of a static folder; fix BUST_ASSETS_MODULES")
    order: list[Module] = [start]
    static_of: dict[Module, list[Module]] = {}
    bare: dict[str, Module] = {}
    todo = [start]
    while todo:
        module = todo.pop(0)
        path = by_endpoint[module[0]].source(module[1])
        with open(path, "rb") as handle:
            source = handle.read()
        try:
            source.decode("utf-8")
        except UnicodeDecodeError as exc:  # browsers decode module scripts as UTF-8, whatever the server says
            raise BuildError(
                f"{path} is not UTF-8 (byte {source[exc.start]:#04x} at offset {exc.start}), and browsers read "
                "JavaScript modules as UTF-8 only; save it as UTF-8"
            ) from None
        static, dynamic = specifiers(source)
        static_of[module] = []
        for kind, found in (("static", static), ("dynamic", dynamic)):
            for spec in found:
                target = _resolve(spec, module, by_endpoint, roots, imports)
                if target is None:
                    continue
                if spec in imports:
                    bare[spec] = target
                if kind == "static":
                    static_of[module].append(target)
                if target not in order:
                    order.append(target)
                    todo.append(target)
    return ModuleGraph(start, tuple(order), tuple(_reachable(start, static_of)), bare)


def _reachable(start: Module, static_of: dict[Module, list[Module]]) -> list[Module]:
    seen: list[Module] = []
    todo = list(static_of.get(start, []))
    while todo:
        module = todo.pop(0)
        if module not in seen and module != start:
            seen.append(module)
            todo.extend(static_of.get(module, []))
    return seen


def _resolve(
    spec: str, importer: Module, by_endpoint: dict[str, StaticRoot], roots: list[StaticRoot], imports: Mapping[str, str]
) -> Module | None:
    where = f"{by_endpoint[importer[0]].source(importer[1])} imports {spec!r}"
    if _URL.match(spec):
        return None  # a full URL: the browser's business
    if spec.startswith(("./", "../")):
        logical = posixpath.normpath(posixpath.join(posixpath.dirname(importer[1]), spec))
        module: Module = (importer[0], logical)
        if logical.startswith("../") or logical == "..":
            raise BuildError(f"{where}, which leaves its static folder")
    elif spec.startswith("/"):
        root = next((r for r in sorted(roots, key=lambda r: -len(r.url_prefix)) if spec.startswith(r.url_prefix)), None)
        if root is None:
            raise BuildError(f"{where}, which no static URL prefix serves")
        module = (root.endpoint, posixpath.normpath(spec[len(root.url_prefix) :]))
    elif spec in imports:
        module = ("static", imports[spec])
        where = f"BUST_ASSETS_IMPORTS pins {spec!r} to {imports[spec]!r}"
    else:
        raise BuildError(
            f"{where}, a bare name nobody pinned; add it to BUST_ASSETS_IMPORTS, "
            f"e.g. {{{spec!r}: 'vendor/{spec}.js'}}, or import it by path"
        )
    if not os.path.isfile(by_endpoint[module[0]].source(module[1])):
        raise BuildError(f"{where}, and {by_endpoint[module[0]].source(module[1])} does not exist")
    return module


def manifest_entries(
    entries: tuple[str, ...],
    roots: list[StaticRoot],
    imports: Mapping[str, str],
    digested: set[Module],
    on_demand: Callable[[Module], bool] = lambda module: False,
) -> tuple[dict[str, ModuleEntry], list[BuildError]]:
    """The manifest's ``modules`` section for ``entries``, and what went wrong. Every module
    must have a digested name (``digested``, or ``on_demand(module)`` digests it: a lazy file,
    say in node_modules): an import map can only point at one."""
    found: dict[str, ModuleEntry] = {}
    errors: list[BuildError] = []
    for entry in entries:
        try:
            graph = module_graph(entry, roots, imports)
        except BuildError as exc:
            errors.append(exc)
            continue
        except OSError as exc:
            errors.append(BuildError(f"module entry point {entry!r}: {exc}"))
            continue
        missing = [m for m in graph.modules if m not in digested and not on_demand(m)]
        if missing:
            errors.append(
                BuildError(
                    f"module {missing[0][1]!r} (imported from the entry point {entry!r}) is not digested: "
                    "take it out of BUST_ASSETS_STATIC_EXCLUDE, or set BUST_ASSETS_STATIC = True"
                )
            )
            continue
        found[entry] = ModuleEntry(graph.modules, graph.preload, dict(graph.bare))
    return found, errors

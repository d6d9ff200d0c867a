"""``{{ importmap_tags("js/app.js") }}``: JavaScript modules under digested URLs, through an import map.

A module imports others by plain specifiers (``./util.js``), which the browser
resolves against the module's URL to plain URLs. The import map maps each of
those, and each pinned bare name, to the digested URL, and gives each its
sha384 (the import map's ``integrity`` section), so a changed module is the only
file a returning browser fetches again, and no module's bytes are rewritten.
Production answers from the manifest in memory; development builds the graph
from the sources on each render.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from ..core.manifest import Module, ModuleEntry
from ..errors import UnknownAssetError
from ..pipeline.modules import module_graph


class ImportMaps:
    """The ``importmap_tags`` helper, bound to one app's state."""

    def __init__(self, state: Any) -> None:
        self._state = state

    def tags(self, *entries: str) -> Markup:
        """One import map for every entry point's graph, ``modulepreload`` links for their static
        imports, and each entry's ``<script type="module">``, all with integrity."""
        graphs = [self._graph(entry) for entry in entries]
        urls: dict[Module, tuple[str, str]] = {}  # each module's URL and sha384, looked up once per render

        def url(module: Module) -> tuple[str, str]:
            if module not in urls:
                urls[module] = self._url(module)
            return urls[module]

        imports: dict[str, str] = {}
        integrity: dict[str, str] = {}
        for graph in graphs:
            for module in graph.modules:
                href, sri = url(module)
                imports[_plain(href, module[1])] = href
                integrity[href] = sri
            for name, module in graph.bare.items():
                imports[name] = url(module)[0]
        document = json.dumps({"imports": imports, "integrity": integrity}, indent=1).replace("</", "<\\/")
        parts = [f'<script type="importmap">\n{document}\n</script>']
        for graph in graphs:
            for module in graph.preload:
                href, sri = url(module)
                parts.append(f'<link rel="modulepreload" href="{escape(href)}" integrity="{escape(sri)}">')
        for graph in graphs:
            href, sri = url(graph.modules[0])
            parts.append(f'<script type="module" src="{escape(href)}" integrity="{escape(sri)}"></script>')
        return Markup("\n".join(parts))

    def _graph(self, entry: str) -> ModuleEntry:
        state = self._state
        if state.live:  # development, or no manifest yet: from the sources, as they are now
            graph = module_graph(entry, state.digester.roots, dict(state.settings.build.imports))
            return ModuleEntry(graph.modules, graph.preload, dict(graph.bare))
        found = state.manifest_modules().get(entry)
        if found is None:
            raise UnknownAssetError(
                f"Module entry point {entry!r} is not in the manifest {state.settings.build.manifest_path}. "
                "Add it to BUST_ASSETS_MODULES and run `flask assets build`."
            )
        return found  # type: ignore[no-any-return]

    def _url(self, module: Module) -> tuple[str, str]:
        """(the URL url_for gives the module: digested, and absolute to a CDN if one is set; its sha384)."""
        endpoint, logical = module
        return url_for(endpoint, filename=logical), self._state.integrity_of(endpoint, logical)


def _plain(url: str, logical: str) -> str:
    """The URL a browser resolves a plain specifier of this module to: its digested URL with the
    file's own name, and no ``?v=`` query."""
    folder = url.split("?", 1)[0].rsplit("/", 1)[0]
    return f"{folder}/{posixpath.basename(logical)}"

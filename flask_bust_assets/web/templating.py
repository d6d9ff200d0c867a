"""Template globals and the fast path behind ``{% assets %}`` for registered bundles."""

from __future__ import annotations

import glob
import os
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import has_request_context, request
from markupsafe import Markup, escape
from webassets.bundle import ContextWrapper
from webassets.exceptions import BundleError
from webassets.ext.jinja2 import AssetsExtension
from webassets.utils import is_url

from ..core.digest import VERSION_PLACEHOLDER, content_digest, integrity
from ..core.static import inside
from ..errors import UnknownBundleError, closest
from ..pipeline.webassets_api import named_bundles

STATE_KEY = "bust_assets"


class BustAssetsExtension(AssetsExtension):  # type: ignore[misc]
    """``{% assets "name" %}``: hashed ``ASSET_URL`` and a real ``ASSET_SRI``.

    Registered bundle names, with no inline options, are answered by the app's
    resolver (manifest or live build); anything else, such as a bundle written
    inline in the template or ``ASSETS_DEBUG`` source URLs, takes webassets' own path.
    """

    def _render_assets(
        self, filter: Any, output: Any, dbg: Any, depends: Any, files: list[Any], caller: Any = None
    ) -> str:
        # Flask's Jinja environment knows its app: no context-local lookup on this hot path.
        app = getattr(self.environment, "app", None)
        state = app.extensions.get(STATE_KEY) if app is not None else None
        plain = filter is None and output is None and dbg is None and depends is None
        parts = None
        if state is not None and plain:
            parts = state.tag_parts(files)
        if state is not None and parts is None:  # a bundle written here, built by `flask assets build`
            parts = state.template_parts((filter, output, dbg, depends, files))
        if parts is not None:
            return "".join([caller(url, sri, extra) for url, sri, extra in parts])
        if state is not None and plain:
            _refuse_unknown(self.environment.assets_environment, files)
        if state is not None and output is not None and not state.settings.debug:
            return self._render_inline(state, filter, output, dbg, depends, files, caller)
        if state is not None and caller is not None:
            # ASSETS_DEBUG links each source under its digested URL; webassets hashes
            # the source file, yet a stylesheet is served with its references digested.
            roots = state.digester.roots
            inner = caller

            def caller(url: str, sri: Any, extra: Any) -> Any:
                return inner(url, served_integrity(roots, url) or sri, extra)

        return str(super()._render_assets(filter, output, dbg, depends, files, caller))

    def _render_inline(
        self, state: Any, filter: Any, output: Any, dbg: Any, depends: Any, files: list[Any], caller: Any
    ) -> str:
        """A bundle written in the template that the manifest lacks: webassets builds it on
        request, as stock Flask-Assets does (in production too), and we add the integrity.

        Stock webassets hashes the literal ``%(version)s`` path and renders
        ``ASSET_SRI`` as None; here it is the sha384 of the file the URL serves. An output
        without ``%(version)s`` gets ``?v=<digest>``, as stock's URL gets its version: under
        filename versioning webassets' own path would give the bare name, the same after an edit.
        """
        env = self.environment.assets_environment
        bundle = self.BundleClass(
            *self.resolve_contents(files, env), output=output, filters=filter, debug=dbg, depends=depends
        )
        with bundle.bind(env):
            if not env.auto_build:  # else urls() builds it
                bundle.build()
            urls = bundle.urls()
            if len(urls) != 1:  # merged into one output, or not at all: leave it to webassets
                return str(super()._render_assets(filter, output, dbg, depends, files, caller))
            with open(bundle.resolve_output(), "rb") as handle:
                data = handle.read()
        url = urls[0]
        if VERSION_PLACEHOLDER not in output and "?" not in url:
            build = state.settings.build
            url += "?v=" + content_digest(data, build.algorithm, build.length)
        return str(caller(url, integrity(data), bundle.extra))


def _refuse_unknown(env: Any, names: list[Any]) -> None:
    """UnknownBundleError for a name that is neither a registered bundle nor a source file.

    ``{% assets "name" %}`` also accepts file paths (webassets bundles them on the
    fly), so a mistyped bundle name would otherwise surface as a missing file.
    """
    for name in names:
        if not isinstance(name, str) or name in named_bundles(env) or glob.has_magic(name) or is_url(name):
            continue
        try:
            found = os.path.isfile(env.resolver.search_for_source(ContextWrapper(env), name))
        except (OSError, ValueError, BundleError):
            found = False
        if not found:
            raise UnknownBundleError(
                f"Bundle {name!r} is not registered, nor is it a source file.{closest(name, named_bundles(env))} "
                "Register it with assets.register(), or fix the file path."
            )


def served_integrity(roots: list[Any], url: str) -> str | None:
    """The integrity of the file a static URL serves, or None if it is no static file."""
    path = unquote(urlsplit(url).path)
    script_root = request.script_root if has_request_context() else ""
    if script_root and path.startswith(script_root + "/"):
        path = path[len(script_root) :]
    for root in roots:
        if path.startswith(root.url_prefix):
            filename = path[len(root.url_prefix) :]
            generated, source = root.generated(filename), root.source(filename)
            candidate = generated if os.path.isfile(generated) else source  # a digested copy, or a source
            if (inside(root.output, candidate) or inside(root.folder, candidate)) and os.path.isfile(candidate):
                with open(candidate, "rb") as handle:
                    return integrity(handle.read())
    return None


class Helpers:
    """``asset_url`` and ``asset_tags``, bound to one app's state (one instance per app)."""

    def __init__(self, state: Any) -> None:
        self._state = state

    def asset_url(self, name: str) -> str:
        """The hashed URL of bundle ``name`` (its first output, if it has several)."""
        return str(self._state.urls(name)[0][0])

    def asset_tags(self, name: str, **attrs: Any) -> Markup:
        """``<link>``/``<script>`` tags for every output of bundle ``name``, with SRI.

        Extra keyword arguments become attributes (``defer=True`` gives ``defer``);
        every value is escaped.
        """
        tags = []
        for url, entry in self._state.urls(name):
            extension = posixpath.splitext(entry.path)[1].lower()
            common = {"integrity": entry.sri, "crossorigin": "anonymous", **attrs}
            if extension == ".css":
                tags.append(Markup("<link {}>").format(_attributes({"rel": "stylesheet", "href": url, **common})))
            elif extension in (".js", ".mjs"):
                tags.append(Markup("<script {}></script>").format(_attributes({"src": url, **common})))
            else:
                from ..errors import BustAssetsError

                raise BustAssetsError(
                    f"asset_tags({name!r}): cannot tell which tag suits {entry.path}; "
                    "use asset_url() and write the tag yourself."
                )
        return Markup("\n").join(tags)


def _attributes(attrs: dict[str, Any]) -> Markup:
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(escape(key))
        elif value not in (False, None):
            parts.append(Markup('{}="{}"').format(key, value))
    return Markup(" ").join(parts)

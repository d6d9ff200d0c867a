"""Bundle URLs for templates: a resolver's manifest entries as URLs, built once per script root."""

from __future__ import annotations

import logging
from collections.abc import Container, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, has_request_context, request, url_for
from webassets.bundle import ContextWrapper

from ..core.manifest import BundleOutput
from ..pipeline.locations import assets_url
from ..pipeline.template_bundles import Definition
from ..pipeline.webassets_api import flask_location, named_bundles
from .resolvers import Resolver

URL_CACHE_LIMIT = 1024  # script roots x bundles; a proxy header must not grow it forever
logger = logging.getLogger("flask_bust_assets")

Url = tuple[str, BundleOutput]
Part = tuple[str, str, Any]  # ASSET_URL, ASSET_SRI, EXTRA


class BundleUrls:
    """(URL, manifest entry) for every output of a bundle: what the tag and helpers render.

    The hot path: in production a dictionary lookup, as URLs are built through
    ``url_for`` (so SCRIPT_NAME and blueprint prefixes apply) once per bundle and
    script root, and reused until the resolver gives new outputs.
    """

    def __init__(
        self,
        app: Flask,
        env: Any,
        resolver: Resolver,
        *,
        debug: bool,
        prebuilt: Container[str] | None = None,
        cdn_url: str | None = None,
        live_templates: MutableMapping[str, Any] | None = None,
    ) -> None:
        self._app = app
        self._env = env
        self._resolver = resolver
        self._debug = debug  # ASSETS_DEBUG: source URLs, through webassets' own path
        self._cdn_url = cdn_url  # BUST_ASSETS_CDN_URL: where publish put ASSETS_URL outputs too
        self._urls: dict[tuple[str, str], tuple[tuple[BundleOutput, ...], list[Url]]] = {}
        self._extras: dict[str, Any] = {}
        self._prebuilt = prebuilt  # keys of the template bundles the manifest has; None: built live
        self._templates: dict[Any, tuple[str, Any] | None] = {}  # the tag's arguments -> (key, EXTRA)
        # Development: template bundles the live resolver builds, by key. Left to webassets, they
        # would be written into the static folder, and a later build would digest them as sources.
        self._live_templates = live_templates

    def urls(self, name: str) -> list[Url]:
        """(URL, manifest entry) for every output of bundle ``name``."""
        outputs = self._resolver.bundle_outputs(name)
        script_name = None if self._app.url_map.host_matching else _script_name()
        if script_name is None:  # outside a request, or URLs that depend on the host
            return [(self._output_url(entry), entry) for entry in outputs]
        key = (name, script_name)
        cached = self._urls.get(key)
        if cached is not None and cached[0] is outputs:  # a rebuild gives a new tuple
            return cached[1]
        result = [(self._output_url(entry), entry) for entry in outputs]
        if len(self._urls) >= URL_CACHE_LIMIT:
            self._urls.clear()
        self._urls[key] = (outputs, result)
        return result

    def tag_parts(self, names: list[Any]) -> list[tuple[str, str | None, Any]] | None:
        """(ASSET_URL, ASSET_SRI, EXTRA) for each output of each bundle, for ``{% assets %}``.

        None unless every name is a registered bundle and ASSETS_DEBUG is off:
        webassets' own path answers those.
        """
        named = named_bundles(self._env)
        if not names or self._debug or not all(isinstance(n, str) and n in named for n in names):
            return None
        parts: list[tuple[str, str | None, Any]] = []
        for name in names:
            extra = self._extras.get(name)
            if extra is None:
                extra = self._extras[name] = named[name].extra
            parts.extend((url, entry.sri, extra) for url, entry in self.urls(name))
        return parts

    def template_parts(self, arguments: tuple[Any, ...]) -> list[Part] | None:
        """The parts of a bundle written in a template, from the manifest; None to let webassets
        answer (development, ASSETS_DEBUG, or a bundle the build could not prebuild).

        ``arguments`` are the tag's (filters, output, debug, depends, sources); the manifest key
        they give is remembered, so a render costs a dictionary lookup.
        """
        if self._debug or (self._prebuilt is None and self._live_templates is None):
            return None
        try:
            remembered = _frozen(arguments)
            found = self._templates[remembered]
        except TypeError:  # a Bundle object or a dict among them: never prebuilt
            return None
        except KeyError:
            found = self._template_key(arguments)
            if len(self._templates) >= URL_CACHE_LIMIT:  # arguments that are variables: any number
                self._templates.clear()
            self._templates[remembered] = found
        if found is None:
            return None
        key, extra = found
        return [(url, entry.integrity, extra) for url, entry in self.urls(key)]

    def _template_key(self, arguments: tuple[Any, ...]) -> tuple[str, Any] | None:
        definition = Definition.of(*arguments)
        if self._prebuilt is None:  # development: built live, as a registered bundle is
            if definition is None or definition.output is None or self._live_templates is None:
                return None  # without output webassets links its sources, writing nothing
            try:
                bundle = definition.bundle(self._env)
            except ValueError:  # an unknown filter: webassets' own path raises it, as stock does
                return None
            self._live_templates[definition.key] = bundle
            return definition.key, bundle.extra
        if definition is not None and definition.key in self._prebuilt:
            return definition.key, definition.bundle(self._env).extra
        if arguments[1]:  # built on request (one without output links its sources, as before: no build)
            logger.warning(
                "The {%% assets %%} bundle with output %r is not in the manifest, so it is built on request, as "
                "Flask-Assets does: its arguments are variables (the build named the template and line), or the "
                "template changed after the last build (run `flask assets build`).",
                arguments[1],
            )
        return None

    def _output_url(self, entry: BundleOutput) -> str:
        ctx = ContextWrapper(self._env)
        location = flask_location(ctx, entry.path)
        if location is not None:  # the query as an argument: url_for of an output's plain name adds it too
            query: dict[str, Any] = dict(parse_qsl(entry.query))
            return url_for(location[2], filename=location[1], **query)
        url = assets_url(ctx, entry.path)  # ASSETS_DIRECTORY / ASSETS_URL
        if self._cdn_url and url.startswith("/") and not url.startswith("//") and not entry.query:
            url = self._cdn_url + url  # publish uploads it under this path, as it does static files
        return f"{url}?{entry.query}" if entry.query else url


def _frozen(value: Any) -> Any:
    """``value`` with lists as tuples, hashable (TypeError if it cannot be)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    hash(value)
    return value


def _script_name() -> str | None:
    """The request's SCRIPT_NAME (None outside a request): what our URLs depend on."""
    if not has_request_context():
        return None
    return str(request.environ.get("SCRIPT_NAME", ""))

"""``url_for('static', filename=<a bundle's output>)``: that bundle's current output, never a stale copy.

Apps written for stock Flask-Assets link an output by the name the bundle gives
it (``output="gen/site.css"``, then ``url_for('static', filename='gen/site.css')``).
A build writes it only to the output folder under its digested name, so that name
alone would 404, or serve a copy an earlier stock build left in the static folder.
Here it resolves as ``{% assets %}`` does: from the manifest in production, rebuilt
when its sources changed in development.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from flask import Flask, has_app_context
from webassets.bundle import ContextWrapper, wrap

from ..core.digest import output_path
from ..core.manifest import BundleOutput
from ..core.static import StaticRoot
from ..errors import UnknownBundleError
from ..pipeline.locations import output_location, static_location
from ..pipeline.webassets_api import named_bundles
from .resolvers import Outputs, Resolver
from .static_urls import MissingStatic, StaticUrls

Key = tuple[str, str]  # (static endpoint, filename), as url_for is given it


class OutputName(NamedTuple):
    """A registered bundle's output as its ``output=`` names it."""

    bundle: str
    output: str  # as written: gen/site.css, gen/site.%(version)s.css, admin/gen/a.css


class OutputUrls:
    """A StaticUrls answering names that are bundle outputs; every other name goes to ``files``.

    The names are read from the registered bundles on first use, and again when
    a bundle is registered; each answer is kept until the resolver gives new outputs,
    so in production it is two dictionary lookups.
    """

    def __init__(
        self,
        app: Flask,
        env: Any,
        resolver: Resolver,
        roots: list[StaticRoot],
        *,
        output_folder: str,
        manifest_path: str,
        files: StaticUrls,
        missing: MissingStatic,
        templates: Mapping[str, Any] | None = None,
    ) -> None:
        self._app = app
        self._env = env
        self._resolver = resolver
        self._roots = roots
        self._output_folder = output_folder
        self._manifest_path = manifest_path
        self._files = files
        self._missing = missing
        self._names: dict[Key, OutputName] = {}
        self._templates = {} if templates is None else templates  # development: template bundles rendered
        self._registered = (-1, -1)  # how many bundles were registered (and rendered) when the names were read
        self._answers: dict[Key, tuple[Outputs, BundleOutput]] = {}

    def static_file(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """(digested filename, query) of the current output ``filename`` names; other names as ``files`` says."""
        name = self.output_name(endpoint, filename)
        if name is None:
            return self._files.static_file(endpoint, filename)
        entry = self._current(name, endpoint, filename)
        if entry is None:
            return None
        with self._context():
            location = static_location(ContextWrapper(self._env), entry.path, self._roots)
        return (location[1], entry.query) if location is not None else None

    def current_file(self, endpoint: str, filename: str) -> str | None:
        """Where on disk the current output named ``filename`` is, for a request of that plain name."""
        name = self.output_name(endpoint, filename)
        entry = None if name is None else self._current(name, endpoint, filename)
        if entry is None:
            return None
        with self._context():
            return output_location(ContextWrapper(self._env), entry.path, self._roots, self._output_folder)

    def output_name(self, endpoint: str, filename: str) -> OutputName | None:
        """The bundle output that ``url_for(endpoint, filename=filename)`` names, or None."""
        registered = named_bundles(self._env)
        if (len(registered), len(self._templates)) != self._registered:
            with self._context():
                self._names = self._read_names({**self._templates, **registered})
            self._registered = (len(registered), len(self._templates))
        return self._names.get((endpoint, filename))

    def _current(self, name: OutputName, endpoint: str, filename: str) -> BundleOutput | None:
        """The manifest entry of the output's current version (built first in development if stale)."""
        key = (endpoint, filename)
        try:
            with self._context():
                outputs = self._resolver.bundle_outputs(name.bundle)
        except UnknownBundleError:  # production, and the bundle was registered after the last build
            detail = (
                f"is the output of bundle {name.bundle!r}, which is not in the manifest {self._manifest_path}. "
                "Run `flask assets build`."
            )
            self._missing(endpoint, filename, detail)
            return None
        answer = self._answers.get(key)
        if answer is not None and answer[0] is outputs:  # a rebuild gives a new tuple
            return answer[1]
        entry = next((o for o in outputs if o.path == output_path(name.output, o.digest, query=bool(o.query))), None)
        if entry is not None:
            self._answers[key] = (outputs, entry)
        return entry

    def _read_names(self, registered: dict[str, Any]) -> dict[Key, OutputName]:
        names: dict[Key, OutputName] = {}
        ctx = ContextWrapper(self._env)
        for bundle_name in sorted(registered):
            bundle = registered[bundle_name]
            for leaf, _, _ in bundle.iterbuild(wrap(self._env, bundle)):
                location = static_location(ctx, leaf.output, self._roots) if leaf.output else None
                if location is not None:
                    names.setdefault(location, OutputName(bundle_name, leaf.output))
        return names

    @contextlib.contextmanager
    def _context(self) -> Iterator[None]:
        """The app's context, which webassets' Flask resolver needs: url_for has one, a WSGI request not."""
        if has_app_context():
            yield
        else:
            with self._app.app_context():
                yield

"""BustState: everything one app needs at run time, kept in ``app.extensions["bust_assets"]``.

The render paths (``urls``, ``tag_parts``, ``static_url``) are the hot ones: in
production they are dictionary lookups, and URLs are built once per bundle and
script root, then reused.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, has_request_context, request, url_for
from webassets.bundle import ContextWrapper

from ..build.bundle import build_bundle, write_files
from ..build.clean import CleanReport
from ..build.digester import Digester
from ..build.pipeline import BuildReport
from ..build.sources import SourceWatch, output_globs
from ..build.static import write_digested
from ..build.webassets_api import flask_location, named_bundles
from ..core import manifest
from ..core.digest import split_digested_path
from ..core.manifest import BundleOutput, ManifestData
from ..core.static import Selection, StaticRoot
from ..errors import LOADING_FOR_COMMAND, ManifestError
from ..publish import PublishReport
from . import commands
from .resolvers import LiveResolver, ManifestResolver, Resolver, StaticResolver
from .serving import DigestVerifier, send_static
from .settings import Settings, is_strict, read_settings, static_roots

logger = logging.getLogger("flask_bust_assets")

URL_CACHE_LIMIT = 1024  # script roots x bundles; a proxy header must not grow it forever

Url = tuple[str, BundleOutput]


class BustState:
    """Per-app state: settings, resolvers, digester, and the cached answers of the render paths."""

    def __init__(self, app: Flask, env: Any) -> None:
        self.env = env
        self._app = app
        self._settings: Settings | None = None
        self._resolver: Resolver | None = None
        self._static_resolver: StaticResolver | None = None
        self._static_files: dict[tuple[str, str], tuple[str, str]] | None = None
        self._digester: Digester | None = None
        self._manifest: ManifestData | None = None
        self._manifest_path = ""
        self._known: frozenset[tuple[str, str]] | None = None
        self._views_installed = False
        self._urls: dict[tuple[str, str], tuple[tuple[BundleOutput, ...], list[Url]]] = {}
        self._extras: dict[str, Any] = {}
        self._watch: SourceWatch | None = None
        self._live: bool | None = None

    # -- configuration and collaborators ------------------------------------

    @property
    def settings(self) -> Settings:
        """The validated settings, read from config on first use."""
        if self._settings is None:
            self._settings = read_settings(self._app)
        return self._settings

    @property
    def digester(self) -> Digester:
        """Digests static files (and rewrites CSS references) for this app's static roots."""
        if self._digester is None:
            self._digester = self._new_digester()
        return self._digester

    def _new_digester(self, known: dict[str, Any] | None = None) -> Digester:
        settings = self.settings
        return Digester(
            static_roots(self._app),
            algorithm=settings.build.algorithm,
            length=settings.build.length,
            versioning=settings.build.versioning,
            missing_reference=settings.static.missing_reference,
            known=known,
        )

    @property
    def selection(self) -> Selection:
        """Which static files are digested."""
        static = self.settings.static
        return Selection(static.include, static.exclude, output_globs(self.env), self.settings.build.length)

    @property
    def live(self) -> bool:
        """True if URLs are computed from the sources: auto_build, or no usable manifest yet."""
        if self._live is None:
            self._live = self.settings.auto_build or self._no_manifest()
        return self._live

    def _no_manifest(self) -> bool:
        """Production without a readable manifest (a fresh checkout, a test suite): resolve live.

        One warning says so, naming the manifest and the fix; none under app.testing,
        where this is the expected way to run. BUST_ASSETS_STRICT refuses at start-up instead.
        """
        try:
            self._manifest_data()
        except ManifestError as exc:
            if not self._app.testing:
                logger.warning(
                    "%s Until then asset URLs are computed from the sources on each change, "
                    "as in development (set BUST_ASSETS_STRICT = True to refuse to start instead).",
                    exc,
                )
            return True
        return False

    @property
    def resolver(self) -> Resolver:
        """The manifest resolver in production; the live resolver with auto_build or no manifest yet."""
        if self._resolver is None:
            if self.live:
                watch = SourceWatch(self.env, self.digester)
                self._resolver = LiveResolver(build=self._build_live, stamp=watch.stamp)
            else:
                path = self.settings.build.manifest_path
                self._resolver = ManifestResolver(
                    self._manifest_data(), manifest_path=path, registered=lambda: list(named_bundles(self.env))
                )
        return self._resolver

    # -- render paths ---------------------------------------------------------

    def urls(self, name: str) -> list[Url]:
        """(URL, manifest entry) for every output of bundle ``name``."""
        outputs = self.resolver.bundle_outputs(name)
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

    def tag_parts(self, names: list[Any]) -> list[tuple[str, str, Any]] | None:
        """(ASSET_URL, ASSET_SRI, EXTRA) for each output of each bundle, for ``{% assets %}``.

        None unless every name is a registered bundle and ASSETS_DEBUG is off:
        webassets' own path answers those.
        """
        named = named_bundles(self.env)
        if not names or self.settings.debug or not all(isinstance(n, str) and n in named for n in names):
            return None
        parts: list[tuple[str, str, Any]] = []
        for name in names:
            extra = self._extras.get(name)
            if extra is None:
                extra = self._extras[name] = named[name].extra
            parts.extend((url, entry.integrity, extra) for url, entry in self.urls(name))
        return parts

    def static_url(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """(filename, query) for ``url_for(endpoint, filename=...)``, or None to leave it be."""
        files = self._static_files
        if files is not None:  # production: one lookup for every known name
            found = files.get((endpoint, filename))
            if found is not None:
                return found
        elif not self.settings.static.enabled:
            return None
        return self._static_lookup().static_file(endpoint, filename)

    def _output_url(self, entry: BundleOutput) -> str:
        ctx = ContextWrapper(self.env)
        location = flask_location(ctx, entry.path)
        if location is not None:
            url = url_for(location[2], filename=location[1])
        else:  # ASSETS_DIRECTORY / ASSETS_URL: webassets builds the URL
            url = self.env.resolver.resolve_output_to_url(ctx, entry.path)
        return f"{url}?{entry.query}" if entry.query else url

    def _static_lookup(self) -> StaticResolver:
        if self._static_resolver is None:
            settings = self.settings
            selection = self.selection
            roots = {root.endpoint: root for root in self.digester.roots}
            length = settings.build.length

            def passes(endpoint: str, filename: str) -> bool:
                return split_digested_path(filename, length) is not None or not selection.selects_name(filename)

            if self.live:
                self._static_resolver = StaticResolver(
                    # Never digest what passes as it is: a bundle output would get a second digest.
                    lambda endpoint, filename: (
                        None if passes(endpoint, filename) else self._digest_live(roots.get(endpoint), filename)
                    ),
                    passes=passes,
                    missing=settings.static.missing_static,
                    hint="does not exist in its static folder.",
                )
            else:
                files = self._manifest_data().files
                flat = {
                    (ep, logical): (f.path, f.query) for ep, entries in files.items() for logical, f in entries.items()
                }
                self._static_resolver = StaticResolver(
                    lambda endpoint, filename: flat.get((endpoint, filename)),
                    passes=passes,
                    missing=settings.static.missing_static,
                    hint=f"is not in the manifest {settings.build.manifest_path}. "
                    "Run `flask assets build`, or exclude it with BUST_ASSETS_STATIC_EXCLUDE.",
                )
                self._static_files = flat
        return self._static_resolver

    # -- serving ----------------------------------------------------------------

    def install_views(self) -> None:
        """Serve every static endpoint through serving.send_static (once, before the first request)."""
        if self._views_installed:
            return
        self._views_installed = True
        settings = self.settings
        if not settings.static.serve:
            return
        verifier = DigestVerifier(settings.build.algorithm, settings.build.length)
        for root in self.digester.roots:
            serve = functools.partial(
                send_static,
                root,
                is_known=self._is_known,
                verifier=verifier,
                length=settings.build.length,
                plain_max_age=settings.static.plain_max_age,
            )
            self._app.view_functions[root.endpoint] = _view_like(self._app.view_functions[root.endpoint], serve)

    def _is_known(self, endpoint: str, filename: str) -> bool:
        """True if the manifest in memory names ``filename`` (production only)."""
        if self.live:
            return False
        if self._known is None:
            self._known = commands.known_names(self._manifest_data(), self.env, self.digester.roots)
        return (endpoint, filename) in self._known

    # -- commands (see commands.py) ---------------------------------------------

    def build(self, progress: Callable[[str], None] | None = None) -> BuildReport:
        """Build every bundle and static file, as `flask assets build` does; only what changed."""
        return commands.build(self, progress)

    def check(self) -> list[str]:
        """Why the manifest is stale against the sources; empty if it is up to date. Writes nothing."""
        return commands.check(self)

    def clean(self, *, keep: int, age: float, dry_run: bool = False) -> CleanReport:
        """Retire old generations; refuses without a manifest to protect."""
        return commands.clean(self, keep=keep, age=age, dry_run=dry_run)

    def publish(self, *, dry_run: bool = False) -> PublishReport:
        """Upload the current build to BUST_ASSETS_S3_BUCKET, the manifest last."""
        return commands.publish(self, dry_run=dry_run)

    def watch_stamp(self) -> tuple[Any, ...]:
        """Changes whenever any bundle source or static file does (for `flask assets watch`)."""
        if self._watch is None:
            self._watch = SourceWatch(self.env, None)
        return commands.watch_stamp(self, self._watch)

    @property
    def app(self) -> Flask:
        """The app this state belongs to."""
        return self._app

    def start_build(self, known: dict[str, Any]) -> Digester:
        """A fresh digester primed with what the last build learnt; the filters use it too."""
        self._digester = self._new_digester(known=known)
        return self._digester

    @property
    def cdn_url(self) -> str | None:
        """BUST_ASSETS_CDN_URL without a trailing slash, or None."""
        return self.settings.publish.cdn_url

    # -- manifest and live builds ----------------------------------------------

    def preload(self, path: str) -> None:
        """Read the manifest now, at start-up, if there is one.

        Each server process must keep answering from the manifest it started
        with: a worker that first renders after a new build must not switch to
        it while its siblings still serve the old one.
        """
        try:
            self._manifest = manifest.load(path)
            self._manifest_path = path
        except ManifestError as exc:
            # Absent or corrupt: URLs are resolved live (see `live`). `flask assets
            # build`, which loads the app too, must always be able to replace it.
            if is_strict(self._app) and not LOADING_FOR_COMMAND.get():
                raise ManifestError(f"{exc} BUST_ASSETS_STRICT is on, so the app does not start without it.") from None

    def check_registered(self, names: list[str]) -> None:
        """Under BUST_ASSETS_STRICT, refuse bundles the manifest does not know (a build is missing)."""
        data = self._manifest  # read at start-up by preload(), which refuses a missing one
        if data is None or not is_strict(self._app) or LOADING_FOR_COMMAND.get():
            return
        missing = [name for name in names if name not in data.bundles]
        if missing:
            raise ManifestError(
                f"Bundle {missing[0]!r} is registered but not in the manifest {self._manifest_path}. "
                "BUST_ASSETS_STRICT is on: run `flask assets build` before starting the app."
            )

    def _manifest_data(self) -> ManifestData:
        path = self.settings.build.manifest_path
        if self._manifest is None or self._manifest_path != path:  # config changed after init_app
            self._manifest = manifest.load(path)
            self._manifest_path = path
        return self._manifest

    def _build_live(self, name: str) -> tuple[BundleOutput, ...]:
        result = build_bundle(self.env, name, self.settings.build, digester=self.digester)
        referenced = self.digester.take_pending()
        if result.error is not None:
            raise result.error
        for digested in referenced:
            write_digested(digested)
        write_files(result, self.settings.build)
        return result.outputs

    def _digest_live(self, root: StaticRoot | None, filename: str) -> tuple[str, str] | None:
        if root is None:
            return None
        abspath = os.path.join(root.folder, *filename.split("/"))
        if root.logical_path(abspath) is None or not os.path.isfile(abspath):
            return None
        digested = self.digester.file(abspath)
        for referenced in [digested, *self.digester.take_pending()]:
            write_digested(referenced)
        return digested.path, digested.query


def _view_like(original: Callable[..., Any], serve: Callable[[str], Any]) -> Callable[..., Any]:
    """A view function that serves through ``serve`` yet looks like ``original``.

    CSRFProtect, Flask-Limiter, login and admin extensions identify views by
    ``__module__`` and ``__name__`` (exempt lists, per-view limits) on every
    request: the replacement must answer to the same names as Flask's own view.
    """

    @functools.wraps(original)
    def view(filename: str, **_: Any) -> Any:
        return serve(filename)

    return view


def _script_name() -> str | None:
    """The request's SCRIPT_NAME (None outside a request): what our URLs depend on."""
    if not has_request_context():
        return None
    return str(request.environ.get("SCRIPT_NAME", ""))

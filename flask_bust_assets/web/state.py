"""BustState: the composition root of one app, kept in ``app.extensions["bust_assets"]``.

It reads the settings once, picks the mode once (production answers from the
manifest; development, or no manifest yet, builds live) and wires single-job
collaborators for the Flask hooks: BundleUrls, a StaticUrls of that mode, and
the WSGI serving layer. The CLI's work is in commands.py, which this module does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from ..core.digest import split_digested_path
from ..core.imports import check_libraries
from ..core.manifest import ManifestData
from ..core.names import fit
from ..core.static import Selection
from ..pipeline.digester import Digester
from ..pipeline.locations import manifest_files
from ..pipeline.sources import SourceWatch, output_globs
from ..pipeline.webassets_api import named_bundles
from .bundle_urls import BundleUrls, Url
from .live import LiveBuilder
from .lookup import DigestedLookup, DigestVerifier, Known, ServedFiles
from .output_urls import OutputUrls
from .plain_caching import PlainCaching
from .process_manifest import ProcessManifest
from .resolvers import LiveResolver, ManifestResolver, Resolver
from .settings import Settings, is_strict, read_settings, static_roots
from .static_urls import LiveStaticUrls, ManifestStaticUrls, MissingStatic, PlainStaticUrls, StaticUrls
from .template_scan import prebuilt_bundles
from .wsgi import Finder


class BustState:
    """One app's settings, digester and manifest, and the collaborators built from them."""

    def __init__(self, app: Flask, env: Any) -> None:
        self.env = env
        self.app = app
        self._settings: Settings | None = None
        self._digester: Digester | None = None
        self.manifest = ProcessManifest()
        self._live: bool | None = None
        self._resolver: Resolver | None = None
        self._bundle_urls: BundleUrls | None = None
        self._static_urls: OutputUrls | None = None
        self._published: frozenset[str] | None = None
        self._live_templates: dict[str, Any] = {}  # development: bundles written in templates, by key

    # -- what everything is built from -------------------------------------------

    @property
    def settings(self) -> Settings:
        """The validated settings, read from config on first use (config may change after init_app)."""
        if self._settings is None:
            self._settings = read_settings(self.app)
        return self._settings

    @property
    def digester(self) -> Digester:
        """Digests static files (and rewrites CSS references) for this app's static roots."""
        if self._digester is None:
            self._digester = self.start_build({})
        return self._digester

    def start_build(self, remembered: Mapping[str, Any]) -> Digester:
        """A fresh digester primed with what the last build learnt; the filters use it too."""
        settings = self.settings
        check_libraries()  # a user's minify.py or tinycss2.py: one line naming it, not an AttributeError later
        self._digester = Digester(
            static_roots(self.app, settings.build.output_folder),
            algorithm=settings.build.algorithm,
            length=settings.build.length,
            versioning=settings.build.versioning,
            missing_reference=settings.static.missing_reference,
            static_problems=settings.static.static_problems,
            remembered=remembered,
        )
        return self._digester

    @property
    def selection(self) -> Selection:
        """Which static files are digested."""
        static = self.settings.static
        return Selection(static.include, static.exclude, output_globs(self.env), static.lazy_folders, static.lazy_roots)

    @property
    def live(self) -> bool:
        """True if URLs are computed from the sources: auto_build, or no usable manifest yet."""
        if self._live is None:
            self._live = self.settings.auto_build or not self.manifest.usable(
                self.settings.build.manifest_path, quiet=self.app.testing
            )
        return self._live

    # -- the collaborators, each chosen once for the mode ------------------------

    @property
    def resolver(self) -> Resolver:
        """Bundle outputs: from the manifest in production, built live otherwise."""
        if self._resolver is None:
            if self.live:
                watch = SourceWatch(self.env, self.digester, self._live_templates)
                self._resolver = LiveResolver(build=self._live_builder().bundle, snapshot=watch.snapshot)
            else:
                self._resolver = ManifestResolver(
                    self._manifest_data(),
                    manifest_path=self.settings.build.manifest_path,
                    registered=lambda: list(named_bundles(self.env)),
                )
        return self._resolver

    @property
    def bundle_urls(self) -> BundleUrls:
        """URLs of bundle outputs for the tag and the helpers."""
        if self._bundle_urls is None:
            prebuilt = None if self.live else frozenset(self._manifest_data().bundles)
            self._bundle_urls = BundleUrls(
                self.app,
                self.env,
                self.resolver,
                debug=self.settings.debug,
                prebuilt=prebuilt,
                cdn_url=self.settings.publish.cdn_url,
                live_templates=self._live_templates if self.live else None,
            )
        return self._bundle_urls

    @property
    def static_urls(self) -> OutputUrls:
        """Digested names for ``url_for('static', ...)``: of bundle outputs always, of static files
        unless BUST_ASSETS_STATIC is off."""
        if self._static_urls is None:
            settings = self.settings
            self._static_urls = OutputUrls(
                self.app,
                self.env,
                self.resolver,
                self.digester.roots,
                output_folder=settings.build.output_folder,
                manifest_path=settings.build.manifest_path,
                files=self._file_urls() if settings.static.enabled else PlainStaticUrls(),
                missing=MissingStatic(settings.static.missing_static, ""),
                templates=self._live_templates
                if self.live
                else prebuilt_bundles(self.app.jinja_env, self.env, self._manifest_data().bundles.keys()),
            )
        return self._static_urls

    def _file_urls(self) -> StaticUrls:
        settings = self.settings
        selection, length = self.selection, settings.build.length

        def passes(endpoint: str, filename: str) -> bool:
            # A name no manifest can hold (names.py) is linked as Flask links it: the build said why.
            digested = split_digested_path(filename, length) is not None
            return digested or not selection.selects(filename, endpoint) or not fit(filename)

        if self.live:
            roots = {root.endpoint: root for root in self.digester.roots}
            builder = self._live_builder()
            missing = MissingStatic(settings.static.missing_static, "does not exist in its static folder.")
            return LiveStaticUrls(
                lambda endpoint, filename: builder.static_file(roots.get(endpoint), filename),
                passes=passes,
                missing=missing,
            )
        hint = (
            f"is not in the manifest {settings.build.manifest_path}. "
            "Run `flask assets build`, or exclude it with BUST_ASSETS_STATIC_EXCLUDE."
        )
        return ManifestStaticUrls(
            self._manifest_data().files, passes=passes, missing=MissingStatic(settings.static.missing_static, hint)
        )

    def _live_builder(self) -> LiveBuilder:
        return LiveBuilder(self.env, self.settings.build, lambda: self.digester, self._live_templates)

    # -- render paths (the hooks call these) -------------------------------------

    def urls(self, name: str) -> list[Url]:
        """(URL, manifest entry) for every output of bundle ``name``."""
        return self.bundle_urls.urls(name)

    def tag_parts(self, names: list[Any]) -> list[tuple[str, str | None, Any]] | None:
        """(ASSET_URL, ASSET_SRI, EXTRA) per output, or None to let webassets answer."""
        return self.bundle_urls.tag_parts(names)

    def template_parts(self, arguments: tuple[Any, ...]) -> list[tuple[str, str, Any]] | None:
        """(ASSET_URL, ASSET_SRI, EXTRA) of a bundle written in a template, from the manifest; None
        to let webassets answer. ``arguments``: the tag's filters, output, debug, depends, sources."""
        return self.bundle_urls.template_parts(arguments)

    def static_url(self, endpoint: str, filename: str) -> tuple[str, str] | None:
        """(filename, query) for ``url_for(endpoint, filename=...)``, or None to leave it be."""
        return self.static_urls.static_file(endpoint, filename)

    @property
    def cdn_url(self) -> str | None:
        """BUST_ASSETS_CDN_URL without a trailing slash, or None."""
        return self.settings.publish.cdn_url

    def manifest_modules(self) -> Mapping[str, Any]:
        """The manifest's module graphs, by entry point (production)."""
        return self._manifest_data().modules

    def integrity_of(self, endpoint: str, logical: str) -> str:
        """The sha384 of the bytes the static file ``logical`` of ``endpoint`` is served as."""
        if not self.live:
            entry = self._manifest_data().files.get(endpoint, {}).get(logical)
            if entry is not None:
                return str(entry.integrity)
        root = next(r for r in self.digester.roots if r.endpoint == endpoint)
        return self.digester.file(root.source(logical)).integrity

    def published(self, url_path: str) -> bool:
        """True if `flask assets publish` uploads the file at ``url_path`` (without SCRIPT_NAME):
        a file the manifest names under a digested name; with no manifest, any digested name."""
        if self.live:
            return split_digested_path(url_path.rsplit("/", 1)[-1], self.settings.build.length) is not None
        if self._published is None:
            self._published = frozenset(self._served().url_paths())
        return url_path in self._published

    # -- serving -------------------------------------------------------------------

    def serving(self) -> tuple[Finder, PlainCaching | None]:
        """For BustMiddleware, on the first request: which URL paths are digested files, and the
        Cache-Control of plain static names Flask's static views send."""
        settings = self.settings
        if not settings.static.serve or self.app.url_map.host_matching:
            return _not_ours, None  # host-matched static routes: left to Flask
        roots = self.digester.roots
        known = ServedFiles([], {}, {}) if self.live else self._served()
        plain = settings.static.plain_max_age
        plain_cache = f"public, max-age={plain}" if plain else None  # of plain names: a short max-age
        lookup = DigestedLookup(
            roots,
            known,
            verifier=DigestVerifier(settings.build.algorithm, settings.build.length),
            length=settings.build.length,
            cors=settings.static.allow_origin,
            plain_cache=plain_cache or "no-cache",
            live_plain=self.live and settings.build.versioning == "query",
            output=self.static_urls.current_file,
        )
        endpoints = frozenset(root.endpoint for root in roots)
        return lookup, PlainCaching(plain_cache, endpoints) if plain_cache else None

    def _served(self) -> ServedFiles:
        """URL path (without SCRIPT_NAME) -> (file, digest) of every generated file the manifest names.

        Bundle outputs are placed now (a few, through webassets' resolver); static files
        are looked up by name when asked: a worker starts without placing 20,000 paths.
        """
        data = self._manifest_data()
        prefixes = {root.endpoint: root.url_prefix for root in self.digester.roots}
        with self.app.app_context():  # an init_app environment finds its app through it
            outputs = manifest_files(
                ManifestData(bundles=data.bundles), self.env, self.digester.roots, self.settings.build.output_folder
            )
        bundles: dict[str, Known] = {}
        for f in outputs:
            url_path = prefixes[f.endpoint] + f.filename if f.endpoint in prefixes else f.url_path
            if url_path:
                bundles[url_path] = (f.abspath, f.digest)
        return ServedFiles(self.digester.roots, data.files, bundles)

    # -- the manifest ------------------------------------------------------------------

    def preload(self, path: str) -> None:
        """Read the manifest at start-up (see ProcessManifest); strict mode insists on it."""
        self.manifest.preload(path, strict=is_strict(self.app))

    def check_registered(self, names: list[str]) -> None:
        """Under BUST_ASSETS_STRICT, refuse bundles the manifest does not know."""
        self.manifest.check_registered(names, strict=is_strict(self.app))

    def _manifest_data(self) -> ManifestData:
        return self.manifest.data(self.settings.build.manifest_path)


def _not_ours(path: str) -> None:
    """Serving is off: every request goes to Flask."""
    return None

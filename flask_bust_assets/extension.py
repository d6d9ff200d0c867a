"""BustAssets: the Flask extension, its config defaults and its per-app state."""

from __future__ import annotations

import functools
import os
from typing import Any

from flask import Flask, current_app
from flask_assets import Environment, FlaskResolver
from webassets.bundle import ContextWrapper

from . import filters as _filters  # noqa: F401  (registers bust_cssmin / bust_jsmin / bust_cssurls)
from . import manifest
from .build import (
    BuildReport,
    StaticPlan,
    build_all,
    build_bundle,
    output_globs,
    source_stamp,
    write_digested,
    write_files,
)
from .check import stale
from .clean import CleanReport, clean
from .digest import DEFAULT_ALGORITHM, DEFAULT_LENGTH, split_digested_path
from .digester import Digester
from .errors import ManifestError
from .manifest import BundleOutput, ManifestData
from .resolver import LiveResolver, ManifestResolver, Resolver, StaticResolver
from .serving import DigestVerifier, send_static
from .settings import Settings, read_settings, static_roots
from .staticfiles import Selection, StaticRoot, is_our_file
from .templating import STATE_KEY, BustAssetsExtension, asset_tags, asset_url
from .versioning import BustManifest, ContentHashVersion


class BustState:
    """Per-app state, kept in ``app.extensions["bust_assets"]``."""

    def __init__(self, app: Flask, env: BustAssets) -> None:
        self.env = env
        self._app = app
        self._settings: Settings | None = None
        self._resolver: Resolver | None = None
        self._static_resolver: StaticResolver | None = None
        self._digester: Digester | None = None
        self._manifest: ManifestData | None = None
        self._manifest_path = ""
        self._known: frozenset[tuple[str, str]] | None = None
        self._views_installed = False

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
            settings = self.settings
            self._digester = Digester(
                static_roots(self._app),
                algorithm=settings.build.algorithm,
                length=settings.build.length,
                versioning=settings.build.versioning,
                missing_reference=settings.static.missing_reference,
            )
        return self._digester

    @property
    def selection(self) -> Selection:
        """Which static files are digested."""
        static = self.settings.static
        return Selection(static.include, static.exclude, output_globs(self.env), self.settings.build.length)

    @property
    def resolver(self) -> Resolver:
        """The manifest resolver in production, the live resolver with auto_build."""
        if self._resolver is None:
            if self.settings.auto_build:
                self._resolver = LiveResolver(
                    build=self._build_live, stamp=lambda name: source_stamp(self.env, name, self.digester)
                )
            else:
                self._resolver = ManifestResolver(
                    self._manifest_data(), manifest_path=self.settings.build.manifest_path
                )
        return self._resolver

    @property
    def static_resolver(self) -> StaticResolver | None:
        """Answers url_for('static', ...); None when static busting is off."""
        if self._static_resolver is None and self.settings.static.enabled:
            selection = self.selection
            roots = {root.endpoint: root for root in self.digester.roots}
            length = self.settings.build.length

            def passes(endpoint: str, filename: str) -> bool:
                return split_digested_path(filename, length) is not None or not selection.selects_name(filename)

            if self.settings.auto_build:
                self._static_resolver = StaticResolver(
                    # Never digest what passes as it is: a bundle output would get a second digest.
                    lambda endpoint, filename: (
                        None if passes(endpoint, filename) else self._digest_live(roots.get(endpoint), filename)
                    ),
                    passes=passes,
                    missing=self.settings.static.missing_static,
                    hint="does not exist in its static folder.",
                )
            else:
                files = self._manifest_data().files
                self._static_resolver = StaticResolver(
                    lambda endpoint, filename: _entry(files, endpoint, filename),
                    passes=passes,
                    missing=self.settings.static.missing_static,
                    hint=f"is not in the manifest {self.settings.build.manifest_path}. "
                    "Run `flask assets build`, or exclude it with BUST_ASSETS_STATIC_EXCLUDE.",
                )
        return self._static_resolver

    def install_views(self) -> None:
        """Serve every static endpoint through serving.send_static (once, before the first request)."""
        if self._views_installed:
            return
        self._views_installed = True
        if not self.settings.static.serve:
            return
        settings = self.settings
        verifier = DigestVerifier(settings.build.algorithm, settings.build.length)
        for root in self.digester.roots:
            self._app.view_functions[root.endpoint] = functools.partial(
                send_static,
                root,
                is_known=self._is_known,
                verifier=verifier,
                length=settings.build.length,
                plain_max_age=settings.static.plain_max_age,
            )

    def _is_known(self, endpoint: str, filename: str) -> bool:
        """True if the manifest in memory names ``filename`` (production only)."""
        if self.settings.auto_build:
            return False
        if self._known is None:
            self._known = known_names(self._manifest_data(), self.env)
        return (endpoint, filename) in self._known

    def build(self) -> BuildReport:
        """Build every bundle and static file, as `flask assets build` does."""
        settings = self.settings
        plan = StaticPlan(self.digester, self.selection, digest_all=settings.static.enabled)
        return build_all(self.env, settings.build, plan)

    def check(self) -> list[str]:
        """Why the manifest is stale against the sources; empty if it is up to date. Writes nothing."""
        settings = self.settings
        plan = StaticPlan(self.digester, self.selection, digest_all=settings.static.enabled)
        roots = {root.endpoint: root.folder for root in self.digester.roots}
        return stale(self.env, settings.build, plan, roots=roots)

    def clean(self, *, keep: int, age: float, dry_run: bool = False) -> CleanReport:
        """Retire old generations (see clean.py); refuses without a manifest to protect."""
        path = self.settings.build.manifest_path
        data = manifest.load(path)  # ManifestError: nothing is known to be current
        current = {os.path.join(root.folder, *f.path.split("/")) for root in self.digester.roots
                   for f in data.files.get(root.endpoint, {}).values()}  # fmt: skip
        ctx = ContextWrapper(self.env)
        for outputs in data.bundles.values():
            current.update(self.env.resolver.resolve_output_to_path(ctx, out.path, None) for out in outputs)
        return clean(
            manifest_path=path,
            roots=self.digester.roots,
            selection=self.selection,
            current=frozenset(os.path.realpath(p) for p in current),
            keep=keep,
            age=age,
            dry_run=dry_run,
        )

    def urls(self, name: str) -> list[tuple[str, BundleOutput]]:
        """(URL, manifest entry) for every output of bundle ``name``."""
        ctx = ContextWrapper(self.env)
        result = []
        for entry in self.resolver.bundle_outputs(name):
            url = self.env.resolver.resolve_output_to_url(ctx, entry.path)
            result.append((f"{url}?{entry.query}" if entry.query else url, entry))
        return result

    def preload(self, path: str) -> None:
        """Read the manifest now, at start-up, if there is one.

        Each server process must keep answering from the manifest it started
        with: a worker that first renders after a new build must not switch to
        it while its siblings still serve the old one.
        """
        try:
            self._manifest = manifest.load(path)
            self._manifest_path = path
        except ManifestError:
            # Absent or corrupt: the first render raises it; `flask assets build`,
            # which loads the app too, must still be able to replace it.
            pass

    def _manifest_data(self) -> ManifestData:
        path = self.settings.build.manifest_path
        if self._manifest is None or self._manifest_path != path:  # config changed after init_app
            self._manifest = manifest.load(path)
            self._manifest_path = path
        return self._manifest

    def _build_live(self, name: str) -> tuple[BundleOutput, ...]:
        result = build_bundle(self.env, name, self.settings.build)
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


def known_names(data: ManifestData, env: BustAssets) -> frozenset[tuple[str, str]]:
    """(endpoint, filename) of every digested file the manifest names, bundle outputs included."""
    names = {(endpoint, f.path) for endpoint, files in data.files.items() for f in files.values()}
    ctx = ContextWrapper(env)
    for outputs in data.bundles.values():
        for out in outputs:
            _, filename, endpoint = env.resolver.split_prefix(ctx, out.path)
            names.add((endpoint, filename))
    return frozenset(names)


def _entry(files: Any, endpoint: str, filename: str) -> tuple[str, str] | None:
    entry = files.get(endpoint, {}).get(filename)
    return None if entry is None else (entry.path, entry.query)


def bust_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    """A url_defaults hook: ``url_for('static', filename=...)`` gets the digested name."""
    if endpoint != "static" and not endpoint.endswith(".static"):
        return
    filename = values.get("filename")
    state = current_app.extensions.get(STATE_KEY)
    if not filename or state is None:
        return
    resolver = state.static_resolver
    found = resolver.static_file(endpoint, filename) if resolver is not None else None
    if found is not None:
        values["filename"], query = found
        if query:
            values["v"] = query.removeprefix("v=")


class BustResolver(FlaskResolver):  # type: ignore[misc]
    """Flask-Assets' resolver, minus our own files in glob results.

    Digested copies (``a.<digest>.css`` beside ``a.css``) and their variants live
    next to the sources, so ``Bundle("css/*.css")`` would otherwise bundle them too.
    """

    def glob(self, basedir: str, expr: str) -> list[str]:
        """Glob as webassets does, leaving out digested copies and compressed variants."""
        return [path for path in super().glob(basedir, expr) if not is_our_file(path)]


class BustAssets(Environment):  # type: ignore[misc]
    """A drop-in for ``flask_assets.Environment`` that busts caches by content hash.

    ``BustAssets(app)`` binds to one app as Flask-Assets does; ``BustAssets()``
    plus ``init_app(app)`` serves any number of apps from one set of bundles.
    """

    resolver_class = BustResolver

    def __init__(self, app: Flask | None = None) -> None:
        # Initialise unbound so webassets' own defaults (auto_build=True,
        # versions='hash', ...) do not land in app.config before ours.
        super().__init__(None)
        if app is not None:
            self.app = app
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set config defaults, the template tag and globals, url_for busting and the CLI on ``app``."""
        if STATE_KEY in app.extensions:
            raise RuntimeError(
                "BustAssets is already initialised on this app. Call init_app() once per app; "
                "use app.extensions['bust_assets'] to reach the existing state."
            )
        config = app.config
        config.setdefault("BUST_ASSETS_MANIFEST", os.path.join(app.root_path, "assets-manifest.json"))
        config.setdefault("BUST_ASSETS_VERSIONING", "filename")
        config.setdefault("BUST_ASSETS_DIGEST_ALGORITHM", DEFAULT_ALGORITHM)
        config.setdefault("BUST_ASSETS_DIGEST_LENGTH", DEFAULT_LENGTH)
        config.setdefault("BUST_ASSETS_KEEP_LICENCE", True)
        config.setdefault("BUST_ASSETS_STATIC", True)
        config.setdefault("BUST_ASSETS_STATIC_INCLUDE", ["*"])
        config.setdefault("BUST_ASSETS_STATIC_EXCLUDE", [])
        config.setdefault("BUST_ASSETS_MISSING_STATIC", "error")
        config.setdefault("BUST_ASSETS_MISSING_REFERENCE", "error")
        config.setdefault("BUST_ASSETS_SERVE", True)
        # Plain names can change in place: a minute of caching, then revalidation.
        config.setdefault("BUST_ASSETS_PLAIN_MAX_AGE", 60)
        # Production unless the app runs in debug mode: a server must not
        # build on request, and must fail loudly when the manifest is missing.
        config.setdefault("ASSETS_AUTO_BUILD", app.debug)
        # webassets' default puts its cache in the static folder, where anyone can download it.
        config.setdefault("ASSETS_CACHE", os.path.join(app.instance_path, "webassets-cache"))
        config.setdefault("ASSETS_MANIFEST", BustManifest())
        config.setdefault("ASSETS_VERSIONS", ContentHashVersion())
        config.setdefault("ASSETS_URL_EXPIRE", config["BUST_ASSETS_VERSIONING"] == "query")

        app.jinja_env.add_extension(BustAssetsExtension)
        app.jinja_env.assets_environment = self  # type: ignore[attr-defined]
        app.jinja_env.globals.update(asset_url=asset_url, asset_tags=asset_tags)
        app.url_defaults(bust_static_urls)
        state = app.extensions[STATE_KEY] = BustState(app, self)
        # Blueprints may register their static routes after init_app; the views
        # are swapped before the first request is dispatched, when all are known.
        app.before_request(state.install_views)
        if not config["ASSETS_AUTO_BUILD"]:
            state.preload(os.path.abspath(config["BUST_ASSETS_MANIFEST"]))

        from .cli import assets_group

        app.cli.add_command(assets_group)

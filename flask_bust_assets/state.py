"""BustState: everything one app needs at run time, kept in ``app.extensions["bust_assets"]``.

The render paths (``urls``, ``tag_parts``, ``static_url``) are the hot ones: in
production they are dictionary lookups, and URLs are built once per bundle and
script root, then reused.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from flask import Flask, has_request_context, request, url_for
from flask_assets import FlaskResolver
from webassets.bundle import ContextWrapper

from . import manifest
from .build import BuildReport, build_all, build_bundle, write_files
from .buildcache import BuildCache
from .check import stale
from .clean import CleanReport, clean
from .digest import split_digested_path
from .digester import Digester
from .errors import ConfigError, ManifestError
from .manifest import BundleOutput, ManifestData
from .publish import PublishReport, client, publish, uploads_for
from .resolver import LiveResolver, ManifestResolver, Resolver, StaticResolver
from .serving import DigestVerifier, send_static
from .settings import Settings, read_settings, static_roots
from .sources import SourceWatch, output_globs
from .staticbuild import StaticPlan, write_digested
from .staticfiles import Selection, StaticRoot

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
    def resolver(self) -> Resolver:
        """The manifest resolver in production, the live resolver with auto_build."""
        if self._resolver is None:
            if self.settings.auto_build:
                watch = SourceWatch(self.env, self.digester)
                self._resolver = LiveResolver(build=self._build_live, stamp=watch.stamp)
            else:
                path = self.settings.build.manifest_path
                self._resolver = ManifestResolver(self._manifest_data(), manifest_path=path)
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
        named = self.env._named_bundles
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
        resolver = self.env.resolver
        ctx = ContextWrapper(self.env)
        if isinstance(resolver, FlaskResolver) and not resolver.use_webassets_system_for_output(ctx):
            _, filename, endpoint = resolver.split_prefix(ctx, entry.path)
            url = url_for(endpoint, filename=filename)
        else:  # ASSETS_DIRECTORY / ASSETS_URL: webassets builds the URL
            url = resolver.resolve_output_to_url(ctx, entry.path)
        return f"{url}?{entry.query}" if entry.query else url

    def _static_lookup(self) -> StaticResolver:
        if self._static_resolver is None:
            settings = self.settings
            selection = self.selection
            roots = {root.endpoint: root for root in self.digester.roots}
            length = settings.build.length

            def passes(endpoint: str, filename: str) -> bool:
                return split_digested_path(filename, length) is not None or not selection.selects_name(filename)

            if settings.auto_build:
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
            self._known = known_names(self._manifest_data(), self.env, self.digester.roots)
        return (endpoint, filename) in self._known

    # -- commands -------------------------------------------------------------

    def build(self, progress: Callable[[str], None] | None = None) -> BuildReport:
        """Build every bundle and static file, as `flask assets build` does.

        Reuses what the last build learnt (see buildcache.py), so that only what
        changed is minified, rewritten, hashed or compressed again.
        """
        settings = self.settings
        cache_folder = self._app.config.get("ASSETS_CACHE")
        cache = BuildCache(cache_folder if isinstance(cache_folder, str) else None)
        self._digester = self._new_digester(known=cache.files)  # the filters use it too
        plan = StaticPlan(self._digester, self.selection, digest_all=settings.static.enabled)
        return build_all(self.env, settings.build, plan, cache, progress)

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
        current = {file_path for file_path, _, _ in manifest_files(data, self.env, self.digester.roots)}
        return clean(
            manifest_path=path,
            roots=self.digester.roots,
            selection=self.selection,
            current=frozenset(os.path.realpath(p) for p in current),
            keep=keep,
            age=age,
            dry_run=dry_run,
            temp_folders=tuple(
                folder
                for folder in (os.path.dirname(path), self._app.config.get("ASSETS_CACHE"))
                if isinstance(folder, str)
            ),
        )

    def publish(self, *, dry_run: bool = False) -> PublishReport:
        """Upload the current build to BUST_ASSETS_S3_BUCKET (see publish.py), the manifest last."""
        settings = self.settings
        if settings.build.versioning != "filename":
            raise ConfigError(
                "flask assets publish needs BUST_ASSETS_VERSIONING = 'filename': a CDN keeps every name "
                "forever, so a name must change whenever its bytes do."
            )
        target = settings.publish
        if not target.bucket:
            raise ConfigError("BUST_ASSETS_S3_BUCKET is not set; set it to the name of the bucket to publish to.")
        data = manifest.load(settings.build.manifest_path)
        files = [
            (path, unquote(self._url_paths.build(endpoint, {"filename": filename})))
            for path, endpoint, filename in manifest_files(data, self.env, self.digester.roots)
        ]
        return publish(
            client(endpoint_url=target.endpoint_url, region=target.region),
            bucket=target.bucket,
            prefix=target.prefix,
            uploads=uploads_for(files, target.prefix),
            manifest_path=settings.build.manifest_path,
            workers=target.workers,
            dry_run=dry_run,
        )

    @property
    def _url_paths(self) -> Any:
        """Builds URL paths without SCRIPT_NAME: the layout of a published bucket."""
        return self._app.url_map.bind("localhost")

    @property
    def cdn_url(self) -> str | None:
        """BUST_ASSETS_CDN_URL without a trailing slash, or None."""
        return self.settings.publish.cdn_url

    def watch_stamp(self) -> tuple[Any, ...]:
        """Sizes and mtimes of every bundle source and static file: changes when any does."""
        stamps: list[Any] = []
        if self._watch is None:
            self._watch = SourceWatch(self.env, None)
        for name in sorted(self.env._named_bundles):
            stamps.append(self._watch.stamp(name))
        for root in self.digester.roots:
            for folder, _, names in os.walk(root.folder):
                for name in names:
                    path = os.path.join(folder, name)
                    with contextlib.suppress(OSError):
                        st = os.stat(path)
                        stamps.append((path, st.st_mtime_ns, st.st_size))
        return tuple(stamps)

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


def manifest_files(data: ManifestData, env: Any, roots: list[StaticRoot]) -> list[tuple[str, str, str]]:
    """(path on disk, endpoint, filename) of every file the manifest names, bundle outputs included."""
    ctx = ContextWrapper(env)
    found = []
    for outputs in data.bundles.values():
        for out in outputs:
            _, filename, endpoint = env.resolver.split_prefix(ctx, out.path)
            found.append((env.resolver.resolve_output_to_path(ctx, out.path, None), endpoint, filename))
    folders = {root.endpoint: root.folder for root in roots}
    for endpoint, entries in data.files.items():
        for entry in entries.values():
            if endpoint in folders:
                found.append((os.path.join(folders[endpoint], *entry.path.split("/")), endpoint, entry.path))
    return found


def known_names(data: ManifestData, env: Any, roots: list[StaticRoot]) -> frozenset[tuple[str, str]]:
    """(endpoint, filename) of every digested file the manifest names, bundle outputs included."""
    return frozenset((endpoint, filename) for _, endpoint, filename in manifest_files(data, env, roots))


def _script_name() -> str | None:
    """The request's SCRIPT_NAME (None outside a request): what our URLs depend on."""
    if not has_request_context():
        return None
    return str(request.environ.get("SCRIPT_NAME", ""))

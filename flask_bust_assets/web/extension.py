"""BustAssets: the Flask extension, its config defaults and its hooks into Flask."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import flask_assets
from flask import Flask, current_app, has_request_context, request
from flask_assets import Bundle as StockBundle
from flask_assets import Environment

from ..core.digest import DEFAULT_ALGORITHM, DEFAULT_LENGTH
from ..pipeline import filters as _filters  # noqa: F401  (registers bust_cssmin / bust_jsmin / bust_cssurls)
from ..pipeline.bundle import BUILDING
from ..pipeline.hooks import BustManifest, ContentHashVersion
from ..pipeline.webassets_api import StableKeyCache, named_bundles
from .bundles import Bundle, adopt, check_filters
from .checks import check_all
from .importmap import ImportMaps
from .settings import cache_folder, configured_manifest
from .state import BustState
from .templating import STATE_KEY, BustAssetsExtension, Helpers
from .wsgi import BustMiddleware


def bust_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    """A url_defaults hook: ``url_for('static', filename=...)`` gets the digested name."""
    if endpoint != "static" and not endpoint.endswith(".static"):
        return
    filename = values.get("filename")
    state = current_app.extensions.get(STATE_KEY)
    if not filename or state is None or BUILDING.get():
        return
    found = state.static_url(endpoint, filename)
    if found is not None:
        values["filename"], query = found
        if query:
            values["v"] = query.removeprefix("v=")


def cdn_url_for(original: Callable[..., str], state: BustState) -> Callable[..., str]:
    """Wrap ``app.url_for`` so that the URLs of published files point at BUST_ASSETS_CDN_URL.

    Flask offers no hook to change a URL's host, so this one method of this one
    app instance is wrapped. The CDN's keys mirror URL paths, so the path is
    kept (minus SCRIPT_NAME, which the bucket knows nothing of). Only what
    `flask assets publish` uploads goes to the CDN: a file left out of digesting
    (BUST_ASSETS_STATIC_EXCLUDE) keeps its URL on the app, which serves it.
    """

    @functools.wraps(original)
    def url_for(endpoint: str, **values: Any) -> str:
        url = original(endpoint, **values)
        cdn = state.cdn_url
        if cdn is None or BUILDING.get() or (endpoint != "static" and not endpoint.endswith(".static")):
            return url
        parts = urlsplit(url)
        path = parts.path
        script_root = request.script_root if has_request_context() else ""
        if script_root and path.startswith(script_root + "/"):
            path = path[len(script_root) :]
        key = unquote(path)  # the object publish uploaded: keys are the URL path as characters
        if not state.published(key):
            return url  # excluded, unknown or plain: publish never uploads it, so the app serves it
        # Every character but letters, digits, "-._~" and "/" encoded, as S3 signs keys: a "+" left
        # as it is reads as a space to S3 (and to CDNs in front of it), which is another key.
        return cdn + quote(key, safe="/") + (f"?{parts.query}" if parts.query else "")

    return url_for


class BustAssets(Environment):  # type: ignore[misc]
    """A drop-in for ``flask_assets.Environment`` that busts caches by content hash.

    ``BustAssets(app)`` binds to one app as Flask-Assets does; ``BustAssets()``
    plus ``init_app(app)`` serves any number of apps from one set of bundles.
    """

    def __init__(self, app: Flask | None = None) -> None:
        # Initialise unbound so webassets' own defaults (auto_build=True,
        # versions='hash', ...) do not land in app.config before ours.
        super().__init__(None)
        self._caches: dict[str, StableKeyCache] = {}
        if app is not None:
            self.app = app
            self.init_app(app)

    @property
    def cache(self) -> Any:
        """webassets' cache (ASSETS_CACHE), its folder created on first use.

        webassets creates only its default folder; every build path (ours,
        ``Bundle.build()``, ``urls()`` with auto_build, bundles written in
        templates) reads the cache through this property. A folder gets a
        StableKeyCache: a source edited while its filters run is never cached
        under its new bytes with the old output.
        """
        folder = self.config.get("cache")
        if folder is True:  # webassets' own default is inside the static folder
            folder = cache_folder(self._app)
        if not isinstance(folder, str):
            return super().cache
        cache = self._caches.get(folder)
        if cache is None:
            os.makedirs(folder, exist_ok=True)
            cache = self._caches[folder] = StableKeyCache(folder, self.config.get("cache_file_mode"))
        return cache

    @cache.setter
    def cache(self, value: Any) -> None:
        self.config["cache"] = value

    def bust_digester(self) -> Any:
        """The current app's digester, for the bust_cssurls filter (which knows no Flask)."""
        return self._app.extensions[STATE_KEY].digester

    def register(self, name: Any, *args: Any, **kwargs: Any) -> Any:
        """Register bundles as webassets does; their ``urls()`` then answer as ``{% assets %}`` renders.

        An unknown filter name is a ConfigError naming the bundle and the closest names.
        """
        if isinstance(name, str) and args and not (len(args) == 1 and not kwargs and isinstance(args[0], StockBundle)):
            args, kwargs = (Bundle(*args, **kwargs),), {}  # ours reports filter typos by bundle name
        if isinstance(name, str) and args:
            check_filters(name, args[0])
        registered = super().register(name, *args, **kwargs)
        if isinstance(name, str) and name in named_bundles(self):
            adopt(named_bundles(self)[name])
            state = self.app.extensions.get(STATE_KEY) if self.app is not None else None
            if state is not None:
                state.check_registered([name])
        return registered

    def init_app(self, app: Flask) -> None:
        """Set config defaults, the template tag and globals, url_for busting and the CLI on ``app``."""
        if STATE_KEY in app.extensions:
            raise RuntimeError(
                "BustAssets is already initialised on this app. Call init_app() once per app; "
                "use app.extensions['bust_assets'] to reach the existing state."
            )
        config = app.config
        # Not in version control, writable at deploy time, beside webassets' cache: see
        # docs/configuration.md. The manifest lives in it unless BUST_ASSETS_MANIFEST says otherwise.
        config.setdefault("BUST_ASSETS_OUTPUT_FOLDER", os.path.join(app.instance_path, "assets"))
        config.setdefault("BUST_ASSETS_MANIFEST", None)
        config.setdefault("BUST_ASSETS_VERSIONING", "filename")
        config.setdefault("BUST_ASSETS_DIGEST_ALGORITHM", DEFAULT_ALGORITHM)
        config.setdefault("BUST_ASSETS_DIGEST_LENGTH", DEFAULT_LENGTH)
        config.setdefault("BUST_ASSETS_KEEP_LICENCE", True)
        config.setdefault("BUST_ASSETS_STATIC", True)
        config.setdefault("BUST_ASSETS_STATIC_INCLUDE", ["*"])
        config.setdefault("BUST_ASSETS_STATIC_EXCLUDE", [])
        config.setdefault("BUST_ASSETS_STATIC_LAZY_FOLDERS", ["node_modules", "bower_components"])
        config.setdefault("BUST_ASSETS_STATIC_LAZY_BLUEPRINTS", None)  # None: those of installed packages
        # A missing static file gets its plain URL and a warning, as Flask would link it;
        # strict mode (which also refuses to start without a manifest) makes it an error.
        config.setdefault("BUST_ASSETS_STRICT", False)
        config.setdefault("BUST_ASSETS_MISSING_STATIC", None)
        config.setdefault("BUST_ASSETS_MISSING_REFERENCE", "error")  # in what bundles read
        config.setdefault("BUST_ASSETS_STATIC_PROBLEMS", "warn")  # in static files no bundle reads
        config.setdefault("BUST_ASSETS_SERVE", True)
        # Fonts and module scripts from another origin (a CDN) need it; WhiteNoise sends it too.
        config.setdefault("BUST_ASSETS_ALLOW_ORIGIN", "*")
        # Plain names can change in place: a minute of caching, then revalidation.
        config.setdefault("BUST_ASSETS_PLAIN_MAX_AGE", 60)
        config.setdefault("BUST_ASSETS_MODULES", [])  # JavaScript entry points: see importmap_tags
        config.setdefault("BUST_ASSETS_IMPORTS", {})  # bare import name -> logical path
        # Production unless the app runs in debug mode: a server must not
        # build on request, and must fail loudly when the manifest is missing.
        config.setdefault("ASSETS_AUTO_BUILD", app.debug)
        # webassets' default puts its cache in the static folder, where anyone can download it.
        config.setdefault("ASSETS_CACHE", os.path.join(app.instance_path, "webassets-cache"))
        config.setdefault("ASSETS_MANIFEST", BustManifest(lambda: configured_manifest(config)))
        config.setdefault("ASSETS_VERSIONS", ContentHashVersion())
        config.setdefault("ASSETS_URL_EXPIRE", config["BUST_ASSETS_VERSIONING"] == "query")
        check_all(config)  # a wrong value fails here, at start-up, naming the key; read_settings checks again

        app.jinja_env.add_extension(BustAssetsExtension)
        app.jinja_env.assets_environment = self  # type: ignore[attr-defined]

        app.url_defaults(bust_static_urls)
        state = app.extensions[STATE_KEY] = BustState(app, self)
        app.url_for = cdn_url_for(app.url_for, state)  # type: ignore[method-assign]
        app.jinja_env.globals["url_for"] = app.url_for  # Flask bound the unwrapped one there
        helpers = Helpers(state)
        app.jinja_env.globals.update(
            asset_url=helpers.asset_url, asset_tags=helpers.asset_tags, importmap_tags=ImportMaps(state).tags
        )
        # Digested files are answered before Flask (web/wsgi.py); its table is built
        # on the first request, when every blueprint's static route is known.
        app.wsgi_app = BustMiddleware(app.wsgi_app, prepare=state.serving)  # type: ignore[method-assign]
        if not config["ASSETS_AUTO_BUILD"]:
            state.preload(configured_manifest(config))
            state.check_registered(list(named_bundles(self)))  # an app factory registers first

        # Flask-Assets' own `assets` group, whose commands cli.py replaced when this
        # package was imported (see flask_bust_assets/__init__.py).
        app.cli.add_command(flask_assets.assets)

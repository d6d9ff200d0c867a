"""What the CLI commands do to an app's state: build, check, clean, publish, watch."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from webassets.bundle import ContextWrapper

from ..build.check import stale
from ..build.clean import CleanReport
from ..build.clean import clean as clean_generations
from ..build.pipeline import BuildReport, build_all
from ..build.reuse import BuildCache
from ..build.sources import SourceWatch
from ..build.static import StaticPlan
from ..build.webassets_api import flask_location, named_bundles
from ..core import manifest
from ..core.manifest import ManifestData
from ..core.static import StaticRoot
from ..errors import ConfigError
from ..publish import PublishReport, client, uploads_for
from ..publish import publish as upload


def build(state: Any, progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build every bundle and static file, reusing what the last build learnt (buildcache.py)."""
    settings = state.settings
    cache_folder = state.app.config.get("ASSETS_CACHE")
    cache = BuildCache(cache_folder if isinstance(cache_folder, str) else None)
    digester = state.start_build(cache.files)
    plan = StaticPlan(digester, state.selection, digest_all=settings.static.enabled)
    return build_all(state.env, settings.build, plan, cache, progress)


def check(state: Any) -> list[str]:
    """Why the manifest is stale against the sources; empty if it is up to date. Writes nothing."""
    settings = state.settings
    plan = StaticPlan(state.digester, state.selection, digest_all=settings.static.enabled)
    roots = {root.endpoint: root.folder for root in state.digester.roots}
    return stale(state.env, settings.build, plan, roots=roots)


def clean(state: Any, *, keep: int, age: float, dry_run: bool = False) -> CleanReport:
    """Retire old generations (see clean.py); refuses without a manifest to protect."""
    path = state.settings.build.manifest_path
    data = manifest.load(path)  # ManifestError: nothing is known to be current
    current = {f.abspath for f in manifest_files(data, state.env, state.digester.roots)}
    return clean_generations(
        manifest_path=path,
        roots=state.digester.roots,
        selection=state.selection,
        current=frozenset(os.path.realpath(p) for p in current),
        keep=keep,
        age=age,
        dry_run=dry_run,
        temp_folders=tuple(
            folder
            for folder in (os.path.dirname(path), state.app.config.get("ASSETS_CACHE"))
            if isinstance(folder, str)
        ),
    )


def publish(state: Any, *, dry_run: bool = False) -> PublishReport:
    """Upload the current build to BUST_ASSETS_S3_BUCKET (see publish.py), the manifest last."""
    settings = state.settings
    if settings.build.versioning != "filename":
        raise ConfigError(
            "flask assets publish needs BUST_ASSETS_VERSIONING = 'filename': a CDN keeps every name "
            "forever, so a name must change whenever its bytes do."
        )
    target = settings.publish
    if not target.bucket:
        raise ConfigError("BUST_ASSETS_S3_BUCKET is not set; set it to the name of the bucket to publish to.")
    data = manifest.load(settings.build.manifest_path)
    url_paths = state.app.url_map.bind("localhost")  # paths without SCRIPT_NAME: the bucket's layout
    files = [
        (f.abspath, unquote(url_paths.build(f.endpoint, {"filename": f.filename}) if f.endpoint else f.url_path))
        for f in manifest_files(data, state.env, state.digester.roots)
    ]
    return upload(
        client(endpoint_url=target.endpoint_url, region=target.region),
        bucket=target.bucket,
        prefix=target.prefix,
        uploads=uploads_for(files, target.prefix),
        manifest_path=settings.build.manifest_path,
        workers=target.workers,
        dry_run=dry_run,
    )


def watch_stamp(state: Any, watch: SourceWatch) -> tuple[Any, ...]:
    """Sizes and mtimes of every bundle source and static file: changes when any does."""
    stamps: list[Any] = [watch.stamp(name) for name in sorted(named_bundles(state.env))]
    for root in state.digester.roots:
        for folder, _, names in os.walk(root.folder):
            for name in names:
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    st = os.stat(path)
                    stamps.append((path, st.st_mtime_ns, st.st_size))
    return tuple(stamps)


@dataclass(frozen=True)
class ManifestFile:
    """A file the manifest names: where it is on disk and where it is served."""

    abspath: str
    endpoint: str | None  # the static endpoint serving it; None for ASSETS_DIRECTORY outputs
    filename: str  # its name under that endpoint
    url_path: str  # for ASSETS_DIRECTORY outputs: the path under ASSETS_URL


def manifest_files(data: ManifestData, env: Any, roots: list[StaticRoot]) -> list[ManifestFile]:
    """Every file the manifest names, bundle outputs included."""
    ctx = ContextWrapper(env)
    found = []
    for outputs in data.bundles.values():
        for out in outputs:
            abspath = env.resolver.resolve_output_to_path(ctx, out.path, None)
            location = flask_location(ctx, out.path)
            if location is not None:
                found.append(ManifestFile(abspath, location[2], location[1], ""))
            else:  # ASSETS_DIRECTORY / ASSETS_URL: served where webassets says
                url = urlsplit(env.resolver.resolve_output_to_url(ctx, out.path)).path
                found.append(ManifestFile(abspath, None, out.path, url))
    folders = {root.endpoint: root.folder for root in roots}
    for endpoint, entries in data.files.items():
        for entry in entries.values():
            if endpoint in folders:
                abspath = os.path.join(folders[endpoint], *entry.path.split("/"))
                found.append(ManifestFile(abspath, endpoint, entry.path, ""))
    return found


def known_names(data: ManifestData, env: Any, roots: list[StaticRoot]) -> frozenset[tuple[str, str]]:
    """(endpoint, filename) of every digested file the manifest names that a static endpoint serves."""
    return frozenset((f.endpoint, f.filename) for f in manifest_files(data, env, roots) if f.endpoint)

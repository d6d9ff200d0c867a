"""What the `flask assets` commands do, on one app's BustState: build, check, clean, publish, watch.

BustState does not know this module: the CLI (and tests) call these functions,
which hand the build layer explicit arguments.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..core import manifest
from ..core.claims import claim_manifest
from ..core.files import cannot_write
from ..core.stamps import stamp
from ..core.static import inside
from ..errors import ConfigError, ManifestError
from ..pipeline.check import stale
from ..pipeline.clean import CleanReport
from ..pipeline.clean import clean as clean_generations
from ..pipeline.locations import manifest_files
from ..pipeline.processor import BuildReport, build_all
from ..pipeline.reuse import BuildCache
from ..pipeline.sources import SourceWatch
from ..pipeline.static import StaticPlan
from ..pipeline.template_bundles import TemplateBundle, collect
from ..pipeline.webassets_api import named_bundles
from ..publish import PublishReport, client, uploads_for
from ..publish import publish as upload
from .template_scan import scan_templates

if TYPE_CHECKING:  # BustState does not import this module: no cycle
    from .state import BustState


def build(state: BustState, progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build every bundle, those written in templates too, and every static file, reusing what
    the last build learnt (pipeline/reuse.py)."""
    settings = state.settings
    problem = cannot_write(settings.cache_folder) if settings.cache_folder else None
    if problem is not None:  # webassets and the build cache write there while building: say so first
        raise ConfigError(
            f"ASSETS_CACHE is {settings.cache_folder}, where nothing can be written ({problem.strerror}); "
            "fix its permissions, point ASSETS_CACHE at a writable folder, or set ASSETS_CACHE = False."
        )
    templates, warnings = template_bundles(state)
    with gc_paused():
        cache = BuildCache(settings.cache_folder)
        path, app = settings.build.manifest_path, state.app.import_name
        if cache.owner != app or cache.manifest[1:] != list(stamp(path)):  # else the one this app last wrote
            claim_manifest(path, app=app, root=state.app.root_path)
        cache.owner = app
        digester = state.start_build(cache.files)
        plan = StaticPlan(digester, state.selection, digest_all=settings.static.enabled)
        report = build_all(state.env, settings.build, plan, cache, progress, templates)
    report.warnings[:0] = warnings
    return report


def template_bundles(state: BustState) -> tuple[list[TemplateBundle], list[str]]:
    """The bundles written in the app's templates (blueprints' included), and the warnings of
    those that cannot be prebuilt."""
    declared, warnings = scan_templates(state.app.jinja_env)
    return collect(declared, state.env), warnings


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Rare cyclic garbage collection for the block: a build makes a few objects per static file,
    none in cycles, and the collector's passes over them cost a 20,000-file build a fifth of its
    time; collecting every 100,000 allocations instead keeps what cycles there are in check."""
    saved = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def check(state: BustState) -> list[str]:
    """Why the manifest is stale against the sources; empty if it is up to date. Writes nothing."""
    settings = state.settings
    plan = StaticPlan(state.digester, state.selection, digest_all=settings.static.enabled)
    templates, _ = template_bundles(state)
    return stale(state.env, settings.build, plan, roots=state.digester.roots, templates=templates)


def clean(state: BustState, *, keep: int, age: float, dry_run: bool = False) -> CleanReport:
    """Retire old generations (see clean.py); refuses without a manifest to protect."""
    path = state.settings.build.manifest_path
    data = manifest.load(path)  # ManifestError: nothing is known to be current
    output = state.settings.build.output_folder
    return clean_generations(
        manifest_path=path,
        output_folder=output,
        current=[f.abspath for f in manifest_files(data, state.env, state.digester.roots, output)],
        keep=keep,
        age=age,
        dry_run=dry_run,
        temp_folders=tuple(f for f in (os.path.dirname(path), state.settings.cache_folder) if f),
    )


def publish(state: BustState, *, dry_run: bool = False) -> PublishReport:
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
    data, body = manifest.load_with_bytes(settings.build.manifest_path)  # one snapshot, uploaded as read
    url_paths = state.app.url_map.bind("localhost")  # paths without SCRIPT_NAME: the bucket's layout
    output = settings.build.output_folder
    files = []
    for f in manifest_files(data, state.env, state.digester.roots, output):
        url_path = unquote(url_paths.build(f.endpoint, {"filename": f.filename})) if f.endpoint else f.url_path
        if not inside(output, f.abspath) or ".." in url_path.split("/"):  # invariant 5, as the server checks
            raise ManifestError(
                f"The manifest {settings.build.manifest_path} names {f.filename!r}, which is outside the output "
                f"folder {output}; nothing was uploaded. Run `flask assets build` to write a good manifest."
            )
        files.append((f.abspath, url_path))
    return upload(
        client(endpoint_url=target.endpoint_url, region=target.region),
        bucket=target.bucket,
        prefix=target.prefix,
        uploads=uploads_for(files, target.prefix),
        manifest_path=settings.build.manifest_path,
        manifest_body=body,
        workers=target.workers,
        dry_run=dry_run,
    )


def watch_snapshot(state: BustState, watch: SourceWatch) -> tuple[Any, ...]:
    """Sizes and mtimes of every bundle source (with the files its CSS names) and selected static
    file: changes when any does. Lazy folders (node_modules) are not walked: what a bundle names
    in them is in its snapshot."""
    stamps: list[Any] = [watch.snapshot(name) for name in sorted(named_bundles(state.env))]
    selection = state.selection
    for root in state.digester.roots:
        if root.endpoint in selection.lazy_roots:
            continue
        for folder, folders, names in os.walk(root.folder):
            folders[:] = [f for f in folders if f not in selection.lazy_folders]
            for name in names:
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    st = os.stat(path)
                    stamps.append((path, st.st_mtime_ns, st.st_size))
    return tuple(stamps)

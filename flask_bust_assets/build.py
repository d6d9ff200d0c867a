"""Build bundles into digested files and a manifest. No click, no request context.

A build works in two steps: every bundle is built in memory first, and only if
all succeed are files written, then the manifest last (invariants 3 and 7).
"""

from __future__ import annotations

import io
import os
import time
import warnings
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_assets import FlaskResolver
from webassets.bundle import Bundle, wrap
from webassets.exceptions import BuildError as WebassetsBuildError
from webassets.exceptions import BundleError, FilterError
from webassets.utils import is_url

from . import generations, manifest
from .atomic import exclusive_lock, write_atomic, write_if_missing
from .compress import compress_all
from .digest import content_digest, digested_path, integrity
from .digester import DigestedFile, Digester
from .errors import BuildError, BustAssetsError
from .manifest import BundleOutput, ManifestData, StaticFile
from .staticfiles import Selection


@dataclass(frozen=True)
class BuildSettings:
    """What a build needs to know, read from config in one place (extension.py)."""

    manifest_path: str
    versioning: str = "filename"  # or "query"
    algorithm: str = "sha256"
    length: int = 16


@dataclass
class BuiltFile:
    """One output of a bundle: where it goes, its bytes, and its manifest entry."""

    abspath: str
    data: bytes
    entry: BundleOutput


@dataclass
class BundleResult:
    """The outcome of building one named bundle."""

    name: str
    files: list[BuiltFile] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: BuildError | None = None

    @property
    def outputs(self) -> tuple[BundleOutput, ...]:
        """The manifest entries of this bundle's files."""
        return tuple(f.entry for f in self.files)


@dataclass
class StaticPlan:
    """How static files are digested: by whom, which ones, and whether at all."""

    digester: Digester
    selection: Selection
    digest_all: bool = True  # every selected file, not only those CSS references


@dataclass
class StaticReport:
    """The digested static files of a build, and the files that failed."""

    files: list[DigestedFile] = field(default_factory=list)
    errors: list[BuildError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BuildReport:
    """What ``build_all`` did, for the CLI to print."""

    results: list[BundleResult]
    static: StaticReport
    manifest_written: bool
    compressed: int = 0  # precompressed variants written

    @property
    def failed(self) -> list[BundleResult]:
        """The bundles that did not build."""
        return [r for r in self.results if r.error is not None]

    @property
    def ok(self) -> bool:
        """True if every bundle and static file built."""
        return not self.failed and not self.static.errors


def build_all(env: Any, settings: BuildSettings, static: StaticPlan | None = None) -> BuildReport:
    """Build every bundle and static file; write files, then the manifest, only if all succeed."""
    results = [build_bundle(env, name, settings) for name in sorted(env._named_bundles)]
    report = BuildReport(results, digest_static(static) if static else StaticReport(), manifest_written=False)
    if static is not None:
        report.static.files.extend(static.digester.take_pending())  # referenced by bundled CSS
    if not report.ok:
        return report
    files: dict[str, dict[str, StaticFile]] = {}
    for digested in report.static.files:
        files.setdefault(digested.root.endpoint, {})[digested.logical] = StaticFile(
            digested.path, digested.digest, digested.integrity, len(digested.data), digested.query
        )
    data = ManifestData(bundles={r.name: r.outputs for r in results}, files=files)
    with exclusive_lock(settings.manifest_path + ".lock"):
        for result in results:
            write_files(result, settings)
        for digested in report.static.files:
            write_digested(digested)
        # Every file the manifest names, and its variants, exist before the manifest does.
        # Only content-addressed names get variants: a plain name's variant could go stale.
        produced = [(b.abspath, b.data) for r in results for b in r.files if not b.entry.query]
        produced += [(d.abspath, d.data) for d in report.static.files if d.path != d.logical]
        report.compressed = compress_all(produced)
        manifest.save(settings.manifest_path, data)
        generations.record(
            settings.manifest_path,
            [b.abspath for r in results for b in r.files] + [d.abspath for d in report.static.files],
        )
    report.manifest_written = True
    return report


def digest_static(plan: StaticPlan) -> StaticReport:
    """Digest every selected file of every static root (errors collected, nothing written)."""
    report = StaticReport()
    if not plan.digest_all:
        return report
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for root in plan.digester.roots:
            for abspath in plan.selection.files(root):
                try:
                    report.files.append(plan.digester.file(abspath))
                except BuildError as exc:
                    report.errors.append(exc)
                except OSError as exc:
                    report.errors.append(BuildError(f"{abspath}: {exc.strerror}"))
    report.warnings = [str(w.message) for w in caught]
    report.seconds = time.perf_counter() - started
    return report


def write_digested(digested: DigestedFile) -> None:
    """Write a digested static file unless it exists (names are content-addressed)."""
    if digested.path != digested.logical:  # query-string versioning never rewrites a source
        write_if_missing(digested.abspath, digested.data)


def output_globs(env: Any) -> tuple[str, ...]:
    """Globs matching every bundle output, any version: never digested as static files."""
    globs: list[str] = []
    for name in env._named_bundles:
        bundle = env[name]
        for leaf, _, _ in bundle.iterbuild(wrap(env, bundle)):
            if leaf.output:
                for pattern in (digested_path(leaf.output, "*"), leaf.output.replace("%(version)s", "*")):
                    globs.append(pattern)
                    if "/" in pattern:  # a blueprint prefix is not part of the path in its root
                        globs.append(pattern.split("/", 1)[1])
    return tuple(dict.fromkeys(globs))


def build_bundle(env: Any, name: str, settings: BuildSettings) -> BundleResult:
    """Build bundle ``name`` in memory; errors are caught into ``result.error``."""
    result = BundleResult(name=name)
    started = time.perf_counter()
    cache = env.config.get("cache")
    if isinstance(cache, str):
        os.makedirs(cache, exist_ok=True)  # webassets creates only its default cache folder
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result.files = list(_build_files(env, name, settings))
        except BuildError as exc:
            result.error = exc
        except BustAssetsError as exc:
            result.error = BuildError(str(exc), bundle=name)
        except (BundleError, FilterError, WebassetsBuildError, OSError, UnicodeDecodeError) as exc:
            result.error = BuildError(f"{type(exc).__name__}: {exc}", bundle=name)
    result.warnings = [str(w.message) for w in caught]
    result.seconds = time.perf_counter() - started
    return result


def write_files(result: BundleResult, settings: BuildSettings) -> None:
    """Write a built bundle's files; a digested name that exists already holds these bytes."""
    for built in result.files:
        if settings.versioning == "filename":
            write_if_missing(built.abspath, built.data)
        else:
            write_atomic(built.abspath, built.data)


def source_stamp(env: Any, name: str, digester: Digester | None = None) -> Hashable:
    """A cheap fingerprint of a bundle's definition, sources and the files they reference."""
    bundle = _lookup(env, name)
    stamps: list[Any] = []
    for path in _source_files(bundle, wrap(env, bundle)):
        try:
            st = os.stat(path)
            stamps.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append((path, None, None))
        if digester is not None:
            stamps.extend(digester.dependency_stamps(path))
    return (bundle.id(), tuple(stamps))


def _lookup(env: Any, name: str) -> Bundle:
    try:
        return env[name]
    except KeyError:
        raise BuildError("is not registered; register it with assets.register()", bundle=name) from None


def _build_files(env: Any, name: str, settings: BuildSettings) -> Iterator[BuiltFile]:
    bundle = _lookup(env, name)
    for leaf, extra_filters, ctx in bundle.iterbuild(wrap(env, bundle)):
        if not leaf.output:
            raise BuildError(f"has no output file; give it one, e.g. output='gen/{name}.%(version)s.css'", bundle=name)
        sources = _source_files(leaf, ctx)
        for path in sources:
            if not os.path.isfile(path):
                raise BuildError(
                    f"source file {path} does not exist; fix the path in the bundle or create the file", bundle=name
                )
            if not os.access(path, os.R_OK):
                raise BuildError(f"source file {path} is not readable; fix its permissions", bundle=name)
        # force=True: our digest, not webassets' updater, decides what changed;
        # the filter cache still spares unchanged files. The sink keeps webassets
        # from writing the file non-atomically itself.
        hunk = leaf._build(ctx, extra_filters, force=True, output=io.StringIO())
        data = hunk.data().encode("utf-8")
        digest = content_digest(data, settings.algorithm, settings.length)
        if settings.versioning == "filename":
            path, query = digested_path(leaf.output, digest), ""
        else:
            path, query = leaf.output.replace("%(version)s", digest), f"v={digest}"
        abspath = ctx.resolver.resolve_output_to_path(ctx, path, leaf)
        _check_inside_root(ctx, leaf.output, abspath, name)
        entry = BundleOutput(
            path=path,
            digest=digest,
            integrity=integrity(data),
            size=len(data),
            source_size=sum(os.path.getsize(p) for p in sources),
            query=query,
        )
        yield BuiltFile(abspath=abspath, data=data, entry=entry)


def _source_files(bundle: Bundle, ctx: Any) -> list[str]:
    """All local files a bundle reads, nested bundles and ``depends`` included, globs re-resolved."""
    files: list[str] = []
    for _, item in bundle.resolve_contents(ctx, force=True):
        if isinstance(item, Bundle):
            files.extend(_source_files(item, wrap(ctx, item)))
        elif not is_url(item):
            files.append(item)
    bundle._resolved_depends = None  # webassets caches depends globs forever
    files.extend(p for p in bundle.resolve_depends(ctx) if not is_url(p))
    return files


def output_root(ctx: Any, output: str) -> str:
    """The static folder an output path lands in (a blueprint's, the app's, or ASSETS_DIRECTORY)."""
    resolver = ctx.resolver
    if isinstance(resolver, FlaskResolver) and not resolver.use_webassets_system_for_output(ctx):
        directory, _, _ = resolver.split_prefix(ctx, output)
        return str(directory)
    return str(ctx.directory)


def _check_inside_root(ctx: Any, output: str, abspath: str, name: str) -> None:
    root = os.path.realpath(output_root(ctx, output))
    real = os.path.realpath(abspath)
    if os.path.commonpath([root, real]) != root:
        raise BuildError(
            f"output {output!r} resolves to {real}, outside the static folder {root}; "
            "give an output path inside it, e.g. 'gen/name.%(version)s.css'",
            bundle=name,
        )

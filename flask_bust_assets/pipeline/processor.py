"""Build bundles into digested files and a manifest. No click, no request context.

A build works in two steps: every bundle is built in memory first, and only if
all succeed are files written, then the manifest last (invariants 3 and 7).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core import generations, manifest
from ..core.files import ENCODINGS, RealPaths, exclusive_lock, names_digest
from ..core.manifest import ManifestData
from ..core.stamps import stamp
from ..errors import BuildError, BustAssetsError
from .bundle import BuildSettings, BundleResult, build_bundle, write_files
from .clean import EXAMPLES, unrecorded
from .digester import Digester
from .locations import manifest_clash
from .modules import manifest_entries
from .reuse import BuildCache
from .sources import shared_outputs
from .static import StaticPlan, StaticReport, digest_static, left_out, scan, static_entries, write_digested
from .template_bundles import TemplateBundle, build_template_bundles
from .unchanged import fingerprints, nothing_changed
from .variants import VariantStore, compress_all
from .webassets_api import named_bundles


@dataclass
class BuildReport:
    """What ``build_all`` did, for the CLI to print."""

    results: list[BundleResult]
    static: StaticReport
    manifest_written: bool
    compressed: int = 0  # precompressed variants written
    errors: list[BuildError] = field(default_factory=list)  # of the build as a whole (clashing outputs)
    warnings: list[str] = field(default_factory=list)  # of the build as a whole (template bundles left out)

    @property
    def failed(self) -> list[BundleResult]:
        """The bundles that did not build."""
        return [r for r in self.results if r.error is not None]

    @property
    def ok(self) -> bool:
        """True if every bundle and static file built."""
        return not self.failed and not self.static.errors and not self.errors


TEMP_AGE = 10.0  # seconds: an older temp file in the output folder is a killed build's (see sweep_after)


def build_all(
    env: Any,
    settings: BuildSettings,
    static: StaticPlan,
    cache: BuildCache,
    progress: Callable[[str], None] | None = None,
    templates: Sequence[TemplateBundle] = (),
) -> BuildReport:
    """Build every bundle and static file; write files, then the manifest, only if all succeed.

    ``templates``: bundles written in templates, built too (see template_bundles.py).
    ``progress(step)`` is called after each registered bundle and after the static files.
    """
    digester = static.digester
    results = []
    for name in sorted(named_bundles(env)):
        results.append(build_bundle(env, name, settings, digester, cache))
        if progress:
            progress(name)
    by_name = {r.name: r for r in results}
    for output, first, second, theirs in shared_outputs(env):
        spelt = f" (as {theirs!r})" if theirs != output else ""
        by_name[second].error = BuildError(
            f"output {output!r} is bundle {first!r}'s too{spelt}, and both would write one file; give each bundle "
            "an output of its own (or put %(version)s in both)",
            bundle=second,
        )
    built, warnings, errors = build_template_bundles(env, templates, settings, digester, cache)
    results.extend(built)
    for result in results:
        clash = manifest_clash([b.abspath for b in result.files], settings.manifest_path)
        if clash is not None and result.error is None:
            result.error = BuildError(clash, bundle=result.name)
    scanned = scan(static)
    if scanned.skipped and digester.lenient:  # said on every build, as long as they are left out
        warnings.append(left_out(scanned.skipped, lenient=True))
    elif scanned.skipped:
        errors.append(BuildError(left_out(scanned.skipped, lenient=False)))
    now = fingerprints(scanned, settings, static, [r.name for r in results])
    if not errors and nothing_changed(cache, now, results, settings):
        unchanged = StaticReport(unchanged=len(scanned.entries), seconds=scanned.seconds)
        return BuildReport(results, unchanged, manifest_written=True, warnings=warnings)
    report = BuildReport(results, digest_static(static, scanned), False, errors=errors, warnings=warnings)
    if progress:
        progress("static files")
    for result in results:  # files the CSS of reused bundles names: the manifest must name them too
        for reference in result.references:
            try:
                digester.queue(reference)
            except (OSError, BustAssetsError) as exc:
                report.static.errors.append(BuildError(f"{reference}: {exc}", bundle=result.name))
    listed = {d.abspath for d in report.static.files}  # a file both digested and referenced counts once
    report.static.files.extend(d for d in digester.take_pending() if d.abspath not in listed)
    named = {(d.root.endpoint, d.logical) for d in report.static.files}
    modules, errors = manifest_entries(
        settings.modules, digester.roots, dict(settings.imports), named, _on_demand(static)
    )
    report.static.errors.extend(errors)
    report.static.files.extend(d for d in digester.take_pending() if (d.root.endpoint, d.logical) not in named)
    if not report.ok:
        return report
    files = static_entries(report.static.files)
    data = ManifestData(bundles={r.name: r.outputs for r in results}, files=files, modules=modules)
    written: list[str] = []  # new files, in order: undone if the write phase fails
    try:
        with exclusive_lock(settings.manifest_path + ".lock"):
            for result in results:
                written.extend(write_files(result, settings))
            for digested in report.static.files:
                if write_digested(digested):
                    written.append(digested.abspath)
            # A manifest the last build wrote, unchanged on disk, that this build would write again:
            # then neither it nor the history is written (a third of a no-op build at 20,000 files).
            fingerprint = data.fingerprint()
            same = cache.manifest == [fingerprint, *stamp(settings.manifest_path)]
            report.compressed = _variants(report, written, same, settings, cache)
            if written or report.compressed:
                os.sync()  # every file the manifest names is on disk before the manifest is (see write_atomic)
            if not same:
                _record(report, data, fingerprint, settings, cache)
                report.static.warnings.extend(_unrecorded_warning(settings, cache))
            # The folder as this build left it, once killed builds' temp files are gone.
            cache.tree = [now[0], names_digest(settings.output_folder, sweep_after=TEMP_AGE), now[1]]
    except (OSError, BustAssetsError) as exc:
        _undo(written)
        report.static.errors.append(_write_error(exc, settings.output_folder))
        return report
    for result in results:
        if not result.reused and not result.linked and result.definition_key:
            cache.remember(result.name, _cache_entry(result, digester))
    try:
        cache.save(digester.export())
    except OSError as exc:  # the build itself is written; only the next one's head start is lost
        report.static.warnings.append(
            f"could not write the build cache in {cache.folder} ({exc.strerror}): the next build starts cold; "
            "make ASSETS_CACHE writable"
        )
    report.manifest_written = True
    return report


def _on_demand(static: StaticPlan) -> Callable[[tuple[str, str]], bool]:
    """Digest a lazy module an import map names (node_modules/...), as a bundle's url() target is."""
    roots = {root.endpoint: root for root in static.digester.roots}

    def digest(module: tuple[str, str]) -> bool:
        endpoint, logical = module
        if endpoint not in roots or not static.digest_all or not static.selection.lazy(logical, endpoint):
            return False
        static.digester.queue(roots[endpoint].source(logical))
        return True

    return digest


def _variants(report: BuildReport, written: list[str], same: bool, settings: BuildSettings, cache: BuildCache) -> int:
    """Write the variants this build owes: of files new since the last build, and of files written.
    Only content-addressed names get variants: a plain name's variant could go stale.
    Bundle outputs (every page downloads them) and static copies (many, most never downloaded)
    are compressed at qualities of their own; when either quality changed since the last build,
    every variant is made again at it."""
    bundles = VariantStore(cache.folder, settings.brotli_quality)
    copies = VariantStore(cache.folder, settings.static_brotli_quality)
    produced = {
        b.abspath: (b.data, bundles) for r in report.results for b in r.files if b.abspath and not b.entry.query
    }
    produced.update((d.abspath, (d.data, copies)) for d in report.static.files if d.path != d.logical)
    qualities = f"br{settings.brotli_quality}-static-br{settings.static_brotli_quality}"
    again = cache.path is not None and cache.variants != qualities  # no cache: kept, as before
    cache.variants = qualities
    todo = set(written)
    if again:
        todo.update(produced)
    elif not same:  # else every produced file was in the last build, its variants with it
        newest, real = generations.load(settings.manifest_path).newest, RealPaths()
        todo.update(path for path in produced if newest.get(real(path)) != 0)  # 0: the last build's
    return compress_all([(path, *produced[path]) for path in todo if path in produced], replace=again)


def _record(
    report: BuildReport, data: ManifestData, fingerprint: str, settings: BuildSettings, cache: BuildCache
) -> None:
    """Write the manifest (naming files that all exist: invariant 3) and add the generation."""
    manifest.save(settings.manifest_path, data)
    produced = [d.abspath for d in report.static.files if d.path != d.logical]
    outputs = [b.abspath for r in report.results for b in r.files if b.abspath]  # "": a missing source, never written
    generations.record(settings.manifest_path, [*produced, *outputs])
    cache.manifest = [fingerprint, *stamp(settings.manifest_path)]


def _unrecorded_warning(settings: BuildSettings, cache: BuildCache) -> list[str]:
    """One warning for files in the output folder no build wrote: ``clean`` leaves them (invariant 11)."""
    found = unrecorded(settings.output_folder, settings.manifest_path, skip=(cache.folder,) if cache.folder else ())
    if not found:
        return []
    examples = ", ".join(os.path.relpath(p, os.path.realpath(settings.output_folder)) for p in found[:EXAMPLES])
    files = f"{len(found)} file{'s' if len(found) > 1 else ''}"
    return [
        f"the output folder {settings.output_folder} holds {files} no build wrote "
        f"({examples}{', ...' if len(found) > EXAMPLES else ''}); `flask assets clean` leaves them. Give "
        "BUST_ASSETS_OUTPUT_FOLDER a folder of its own (by default instance/assets) or move them out."
    ]


def _undo(written: list[str]) -> None:
    """Remove what a failed write phase wrote: new names no manifest will ever name."""
    for path in written:
        for victim in (path, *(path + suffix for suffix in ENCODINGS.values())):
            with contextlib.suppress(OSError):
                os.unlink(victim)


def _write_error(exc: Exception, output_folder: str) -> BuildError:
    """One line naming the file that could not be written, and what to do."""
    if isinstance(exc, BuildError):
        return exc
    if not isinstance(exc, OSError):
        return BuildError(str(exc))
    where = exc.filename or output_folder
    if exc.errno == errno.ENOSPC:
        hint = "free some space and build again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = f"make it writable (BUST_ASSETS_OUTPUT_FOLDER is {output_folder})"
    else:
        hint = "fix that and build again"
    return BuildError(f"cannot write {where}: {exc.strerror}; {hint}. Nothing was recorded")


def _cache_entry(result: BundleResult, digester: Digester) -> dict[str, Any]:
    stamps = list(result.stamps)  # taken before reading, never after (see BundleResult.read)
    references: list[str] = []
    for path in result.sources:
        stamps.extend(digester.read_stamps(path))
        references.extend(digester.references_of(path))
    return {
        "definition_key": result.definition_key,
        "stamps": stamps,
        "abspaths": [b.abspath for b in result.files],
        "outputs": [asdict(b.entry) for b in result.files],
        "references": sorted(set(references)),
    }

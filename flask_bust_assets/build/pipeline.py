"""Build bundles into digested files and a manifest. No click, no request context.

A build works in two steps: every bundle is built in memory first, and only if
all succeed are files written, then the manifest last (invariants 3 and 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ..core import generations, manifest
from ..core.files import exclusive_lock
from ..core.manifest import ManifestData
from .bundle import BuildSettings, BundleResult, build_bundle, write_files
from .digester import Digester
from .reuse import BuildCache
from .static import StaticPlan, StaticReport, digest_static, static_entries, write_digested
from .variants import compress_all
from .webassets_api import named_bundles


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


def build_all(
    env: Any,
    settings: BuildSettings,
    static: StaticPlan,
    cache: BuildCache,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build every bundle and static file; write files, then the manifest, only if all succeed.

    ``progress(step)`` is called after each bundle and after the static files.
    """
    digester = static.digester
    results = []
    for name in sorted(named_bundles(env)):
        results.append(build_bundle(env, name, settings, digester, cache))
        if progress:
            progress(name)
    report = BuildReport(results, digest_static(static), manifest_written=False)
    if progress:
        progress("static files")
    report.static.files.extend(digester.take_pending())  # referenced by bundled CSS
    if not report.ok:
        return report
    data = ManifestData(bundles={r.name: r.outputs for r in results}, files=static_entries(report.static.files))
    with exclusive_lock(settings.manifest_path + ".lock"):
        for result in results:
            write_files(result, settings)
        for digested in report.static.files:
            write_digested(digested)
        # Every file the manifest names, and its variants, exist before the manifest does.
        # Only content-addressed names get variants: a plain name's variant could go stale.
        produced = {b.abspath: b.data for r in results for b in r.files if not b.entry.query}
        produced.update((d.abspath, d.data) for d in report.static.files if d.path != d.logical)
        report.compressed = compress_all(list(produced.items()), settings.brotli_quality)
        manifest.save(settings.manifest_path, data)
        generations.record(settings.manifest_path, [*produced, *(b.abspath for r in results for b in r.files)])
    for result in results:
        if not result.reused and not result.linked and result.definition_key:
            cache.remember(result.name, _cache_entry(result, digester))
    cache.save(digester.export())
    report.manifest_written = True
    return report


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

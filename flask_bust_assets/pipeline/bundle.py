"""Build one named bundle in memory: its leaves merged and filtered, or its sources linked.

No file is written here (see pipeline.py); errors go to the result, naming the bundle.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from webassets.bundle import Bundle, wrap
from webassets.exceptions import BuildError as WebassetsBuildError
from webassets.exceptions import BundleError, FilterError
from webassets.utils import is_url

from ..core.digest import content_digest, integrity, output_path
from ..core.files import write_atomic, write_if_missing
from ..core.manifest import BundleOutput
from ..core.names import fit
from ..core.stamps import Stamp, stamp
from ..errors import BuildError, BustAssetsError, BustAssetsWarning, LinkWarning
from . import sourcemaps
from .compile_errors import compile_error
from .digester import Digester
from .joins import joining_filters
from .linked import link_hint, link_missing, link_source
from .locations import check_inside_root, check_manifest_name, check_output_name, output_location
from .partials import leaf_partials
from .reuse import BuildCache, definition_key
from .sources import lookup, source_files
from .warnings_log import build_warnings
from .webassets_api import build_leaf

# True while a bundle builds. Stock filters such as cssrewrite ask Flask-Assets'
# resolver (so url_for) for the URLs of sources and outputs, and compute
# relative paths from them: they must get the plain URLs stock Flask-Assets
# gives them, never a digested name or a "not in the manifest" error.
BUILDING: ContextVar[bool] = ContextVar("flask_bust_assets_building", default=False)


@dataclass(frozen=True)
class BuildSettings:
    """What a build needs to know, read from config in one place (extension.py)."""

    manifest_path: str
    output_folder: str  # every file a build generates goes under it; sources are never written
    versioning: str = "filename"  # or "query"
    algorithm: str = "sha256"
    length: int = 16
    options: tuple[Any, ...] = ()  # other settings that change outputs (engines, licence, ...)
    brotli_quality: int = 10  # of bundle outputs' .br variants (0-11): 11 is 2.2% smaller, 2.5x slower
    static_brotli_quality: int = 5  # of static copies' (many, most never downloaded): 18x faster than 10
    modules: tuple[str, ...] = ()  # BUST_ASSETS_MODULES: JavaScript entry points whose graphs get import maps
    imports: tuple[tuple[str, str], ...] = ()  # BUST_ASSETS_IMPORTS: bare specifier -> logical path


@dataclass
class BuiltFile:
    """One output of a bundle: where it goes, its bytes, and its manifest entry."""

    abspath: str  # "" for a missing source linked under its plain name: nothing is written
    data: bytes | None  # None when reused from an earlier build (the file is on disk), or missing
    entry: BundleOutput
    linked: bool = False  # a source of a bundle without output, under its digested static name
    growth: Growth | None = None  # why it may be larger than its sources (None: reused)


@dataclass(frozen=True)
class Growth:
    """What, besides its filters, makes an output larger than its sources: for the build report."""

    references: int = 0  # bytes that naming digested files (url(), sourceMappingURL) added
    joins: int = 0  # bytes webassets put between its sources (a newline each)
    compiled: bool = False  # a source is in another language (.less, .scss): sizes do not compare
    filters: tuple[str, ...] = ()


@dataclass
class BundleResult:
    """The outcome of building one named bundle."""

    name: str
    files: list[BuiltFile] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: BuildError | None = None
    sources: list[str] = field(default_factory=list)
    reused: bool = False  # nothing it depends on changed since the last build
    stamps: list[Stamp] = field(default_factory=list)  # of the sources, taken before reading them
    linked: bool = False  # has no output: its sources are linked one by one (linked.py)
    definition_key: str = ""
    references: list[str] = field(default_factory=list)  # of a reused bundle: files its CSS names, to queue
    label: str = ""  # what messages and the report call it, if not its name (a template bundle: layout.html:3)

    def read(self, sources: list[str]) -> None:
        """Note sources about to be read, stamping them first: an edit made while the
        build reads them then differs from what the build cache records, so the next
        build redoes the bundle instead of trusting output made from the old bytes."""
        self.stamps.extend(stamp(path) for path in sources)
        self.sources.extend(sources)

    @property
    def outputs(self) -> tuple[BundleOutput, ...]:
        """The manifest entries of this bundle's files."""
        return tuple(f.entry for f in self.files)


def build_bundle(
    env: Any,
    name: str,
    settings: BuildSettings,
    digester: Digester,
    cache: BuildCache | None = None,
    *,
    bundle: Bundle | None = None,
    label: str = "",
) -> BundleResult:
    """Build bundle ``name`` in memory (or reuse the last build); errors go to ``result.error``.

    ``bundle`` is built under ``name`` instead of the registered bundle of that name
    (a bundle written in a template); messages then call it ``label``.
    """
    result = BundleResult(name=name, label=label)
    name = label or name
    started = time.perf_counter()
    if cache is not None and _reuse(env, result, settings, cache, bundle):
        result.seconds = time.perf_counter() - started
        return result
    building = BUILDING.set(True)
    with build_warnings() as messages:
        try:
            tree = lookup(env, result.name) if bundle is None else bundle
            result.files = list(_tree_files(tree, wrap(env, tree), name, settings, result, digester))
        except BuildError as exc:
            result.error = exc
        except BustAssetsError as exc:
            result.error = BuildError(str(exc), bundle=name)
        except UnicodeDecodeError as exc:
            result.error = BuildError(_not_utf8(result.sources, exc), bundle=name)
        except (BundleError, FilterError, WebassetsBuildError, OSError) as exc:
            result.error = BuildError(f"{type(exc).__name__}: {exc}", bundle=name)
        finally:
            BUILDING.reset(building)
    result.warnings = messages
    # Linked sources are static files: their digests follow the files they reference,
    # which the bundle cache does not track, so such a bundle is never reused.
    result.linked = any(f.linked for f in result.files)
    result.seconds = time.perf_counter() - started
    return result


def _reuse(env: Any, result: BundleResult, settings: BuildSettings, cache: BuildCache, bundle: Bundle | None) -> bool:
    try:
        # Taken before the filters are set up, on this build and the next alike.
        result.definition_key = definition_key(env, result.name, settings, bundle)
    except (BustAssetsError, BundleError):
        return False
    entry = cache.bundle(result.name, result.definition_key)
    if entry is None or not all(fit(out["path"]) for out in entry["outputs"]):  # one an older version kept
        return False
    result.references = list(entry["references"])  # the CSS names them: the manifest must too
    outputs = [BundleOutput(**out) for out in entry["outputs"]]
    result.files = [BuiltFile(abspath, None, out) for abspath, out in zip(entry["abspaths"], outputs, strict=True)]
    result.reused = True
    return True


def write_files(result: BundleResult, settings: BuildSettings) -> Iterator[str]:
    """Write a built bundle's files (a digested name that exists already holds these bytes),
    yielding each path written as it is: a caller that stops on an error knows what to undo."""
    for built in result.files:
        if built.data is None:
            continue  # reused: already on disk
        if settings.versioning == "filename" and not write_if_missing(built.abspath, built.data):
            continue
        if settings.versioning != "filename":
            write_atomic(built.abspath, built.data)
        yield built.abspath


def _tree_files(
    bundle: Any, ctx: Any, name: str, settings: BuildSettings, result: BundleResult, digester: Digester
) -> Iterator[BuiltFile]:
    for leaf, extra_filters, leaf_ctx in bundle.iterbuild(ctx):
        if leaf.output:
            yield _built_file(leaf, extra_filters, leaf_ctx, name, settings, result, digester)
            continue
        warnings.warn(
            link_hint(name, ", ".join(f.name or type(f).__name__ for f in leaf.filters)), LinkWarning, stacklevel=2
        )
        for _, item in leaf.resolve_contents(leaf_ctx, force=True):
            if isinstance(item, Bundle):
                yield from _tree_files(item, wrap(leaf_ctx, item), name, settings, result, digester)
            elif is_url(item):
                warnings.warn(
                    f"bundle {name!r} has no output; left out the external URL {item}", BustAssetsWarning, stacklevel=2
                )
            elif not os.path.exists(item):
                entry, warning = link_missing(item, digester.roots, name)
                warnings.warn(warning, BustAssetsWarning, stacklevel=2)
                result.read([item])  # its stamp: the file appearing changes the bundle
                yield BuiltFile(abspath="", data=None, entry=entry, linked=True)
            else:
                _check_sources([item], name)
                result.read([item])
                abspath, data, entry = link_source(item, digester, name)
                growth = Growth(references=max(0, entry.size - entry.source_size))  # rewriting alone changes it
                yield BuiltFile(abspath=abspath, data=data, entry=entry, linked=True, growth=growth)


def _not_utf8(sources: list[str], exc: UnicodeDecodeError) -> str:
    """Which source webassets could not read as UTF-8 (its error names none), and the fix."""
    for path in sources:
        try:
            with open(path, encoding="utf-8") as handle:
                handle.read()
        except UnicodeDecodeError as found:
            return (
                f"{path} is not UTF-8 ({found.reason} at byte {found.start}); save it as UTF-8, "
                "as webassets reads every source as UTF-8"
            )
        except OSError:
            continue
    # Every source reads as UTF-8: a filter wrote the bytes, and the sources are not to blame.
    return (
        f"every source of the bundle is UTF-8, but a filter produced bytes that are not ({exc.reason} at "
        f"byte {exc.start}); choose another engine or filter for the bundle, and report it to the filter's authors"
    )


def _check_sources(sources: list[str], name: str) -> None:
    for path in sources:
        if not os.path.isfile(path):
            raise BuildError(
                f"source file {path} does not exist; fix the path in the bundle or create the file", bundle=name
            )
        if not os.access(path, os.R_OK):
            raise BuildError(f"source file {path} is not readable; fix its permissions", bundle=name)


def _built_file(
    leaf: Any,
    extra_filters: Any,
    ctx: Any,
    name: str,
    settings: BuildSettings,
    result: BundleResult,
    digester: Digester,
) -> BuiltFile:
    check_output_name(leaf.output, leaf.contents, name)
    sources = source_files(leaf, ctx)
    result.read(sources)
    _check_sources(sources, name)
    contents = source_files(leaf, ctx, depends=False)  # what is merged: its size is the output's "raw"
    digester.forget_growth(contents)
    partials = leaf_partials(leaf, ctx, extra_filters)  # stamped before they are read
    result.stamps.extend(partials.stamps)
    try:
        built = build_leaf(leaf, ctx, joining_filters(leaf, extra_filters, leaf.output), partials.key)
    except (FilterError, ValueError) as exc:  # libsass raises a ValueError of its own
        raise compile_error(exc, sources, partials.missing, bundle=name) from None
    # A source's map no longer describes the merged, filtered output: never point at it.
    data = sourcemaps.strip(built, leaf.output).encode("utf-8")
    digest = content_digest(data, settings.algorithm, settings.length)
    query = "" if settings.versioning == "filename" else f"v={digest}"
    path = output_path(leaf.output, digest, query=bool(query))
    check_inside_root(ctx, leaf.output, leaf, name)
    check_manifest_name(leaf.output, path, name)
    abspath = output_location(ctx, path, digester.roots, settings.output_folder)
    entry = BundleOutput(
        path=path,
        digest=digest,
        integrity=integrity(data),
        size=len(data),
        source_size=sum(os.path.getsize(p) for p in contents),
        query=query,
    )
    growth = Growth(
        references=digester.reference_growth(contents),
        joins=max(0, len(contents) - 1),
        compiled=any(_language(p) != _language(leaf.output) for p in contents),
        filters=tuple(f.name or type(f).__name__ for f in [*leaf.filters, *extra_filters]),
    )
    return BuiltFile(abspath=abspath, data=data, entry=entry, growth=growth)


def _language(path: str) -> str:
    """``css`` for ``a.css``, ``js`` for ``a.mjs``: what a file is written in, by its extension."""
    extension = os.path.splitext(path)[1].lower().lstrip(".")
    return "js" if extension in ("js", "mjs", "cjs") else extension

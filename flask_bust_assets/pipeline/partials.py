"""The partials of a bundle's Sass/SCSS and LESS sources, read with the options its compiler filter runs with.

webassets' ``libsass``, ``sass``/``scss`` (dart-sass) and ``less`` filters compile
each source with its own ``@import``/``@use``/``@forward`` rules resolved by the
compiler; stock webassets sees none of the files loaded that way, hence
``depends=``. Here they are found (css/partials.py), so their stamps join the
bundle's (reuse, development renders, watch) and the bytes of every compiled
source and partial join webassets' cache key: a cached compile never hides an
edit. That matters most for a compiler run as an output filter (``as_output``),
whose cache key is only the merged text, which may be nothing but ``@import``
lines (abilian's ``Less``), the same whatever the imported files hold.

A user's own compiler filter counts as one too (compilers.py says how it is known).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from webassets.bundle import Bundle, wrap
from webassets.filter import Filter
from webassets.utils import is_url

from ..core.stamps import Stamp
from ..css.partials import loaded_files
from .compilers import Compiler, compiler_for, may_compile
from .webassets_api import filter_option


@dataclass
class Partials:
    """What the compiled sources of one leaf bundle load besides themselves."""

    stamps: list[Stamp] = field(default_factory=list)  # taken before each file was read
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, URL as written)
    fingerprints: list[str] = field(default_factory=list)  # one per compiled source: its bytes and its partials'

    @property
    def key(self) -> str | None:
        """Joins webassets' cache key: changes with any compiled source's or partial's bytes;
        None when no source is compiled."""
        return "|".join(self.fingerprints) if self.fingerprints else None


def leaf_partials(leaf: Bundle, ctx: Any, extra_filters: Any = ()) -> Partials:
    """The partials of every source of ``leaf`` (nested bundles included) that a compiler filter reads."""
    found = Partials()
    filters = [*leaf.filters, *(extra_filters or ())]
    if not _compiles(leaf, filters):
        return found  # most bundles: not even their globs are resolved again
    for path, compiler in _compiled_sources(leaf, ctx, filters):
        paths = load_paths(compiler, ctx)
        importer_dir = None
        if filter_option(compiler.filter, ctx, "as_output"):
            # Fed the merged text on stdin: stock's filters resolve its imports from the working
            # folder; one writing `@import "<source>"` lines (abilian's) from the source's folder.
            importer_dir, paths = os.getcwd(), [*paths, os.path.dirname(path)]
        loaded = loaded_files(
            path,
            dialect=compiler.dialect,
            load_paths=paths,
            indented=compiler.indented(path),
            importer_dir=importer_dir,
        )
        found.stamps.extend(loaded.stamps)
        found.missing.extend(loaded.missing)
        found.fingerprints.append(loaded.fingerprint)
    return found


def partial_files(bundle: Bundle, ctx: Any) -> list[str]:
    """The partials of a registered bundle, every leaf of it (development renders and watch stamp them)."""
    files: list[str] = []
    for leaf, extra, leaf_ctx in bundle.iterbuild(ctx):
        files.extend(s[0] for s in leaf_partials(leaf, leaf_ctx, extra).stamps)
    return files


def _compiles(bundle: Bundle, filters: list[Filter]) -> bool:
    """True if a compiler filter may run on a source of ``bundle`` (nested bundles' filters too)."""
    if any(may_compile(f) for f in filters):
        return True
    return any(_compiles(c, list(c.filters)) for c in bundle.contents if isinstance(c, Bundle))


def _compiled_sources(bundle: Bundle, ctx: Any, filters: list[Filter]) -> Iterator[tuple[str, Compiler]]:
    for _, item in bundle.resolve_contents(ctx, force=True):
        if isinstance(item, Bundle):
            yield from _compiled_sources(item, wrap(ctx, item), [*item.filters, *filters])
        elif not is_url(item) and not item.endswith(".css"):
            compiler = compiler_for(filters, item)
            if compiler is not None:
                yield item, compiler


def load_paths(compiler: Compiler, ctx: Any) -> list[str]:
    """The folders the compiler looks in after the importing file's, in its order."""
    if compiler.dialect == "libsass":  # given as written, so relative to the working folder, which it searches first
        includes = _as_list(filter_option(compiler.filter, ctx, "includes"))
        return [os.getcwd(), *(os.path.abspath(p) for p in includes)]
    option = "paths" if compiler.dialect == "less" else "load_paths"
    written = _as_list(filter_option(compiler.filter, ctx, option))
    paths = [p if os.path.isabs(p) else ctx.resolver.resolve_source(ctx, p) for p in written]  # as the filters do
    if compiler.dialect == "dart":  # the dart-sass command line reads SASS_PATH too
        paths.extend(p for p in os.environ.get("SASS_PATH", "").split(os.pathsep) if p)
    return [str(p) for p in paths]


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)

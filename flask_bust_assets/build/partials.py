"""The partials of a bundle's Sass/SCSS and LESS sources, read with the options its compiler filter runs with.

webassets' ``libsass``, ``sass``/``scss`` (dart-sass) and ``less`` filters compile
each source with its own ``@import``/``@use``/``@forward`` rules resolved by the
compiler; stock webassets sees none of the files loaded that way, hence
``depends=``. Here they are found (css/partials.py), so their stamps join the
bundle's (reuse, development renders, watch) and their bytes join webassets'
cache key (a cached compile of an unchanged entry never hides an edited partial).
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
from .webassets_api import filter_option

# webassets filter name -> the compiler whose rules it follows
COMPILERS = {"libsass": "libsass", "sass": "dart", "scss": "dart", "less": "less"}


@dataclass
class Partials:
    """What the compiled sources of one leaf bundle load besides themselves."""

    stamps: list[Stamp] = field(default_factory=list)  # taken before each file was read
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, URL as written)
    fingerprints: list[str] = field(default_factory=list)

    @property
    def key(self) -> str | None:
        """Joins webassets' cache key: changes with any partial's bytes; None without partials."""
        return "|".join(self.fingerprints) if self.stamps else None


def leaf_partials(leaf: Bundle, ctx: Any, extra_filters: Any = ()) -> Partials:
    """The partials of every source of ``leaf`` (nested bundles included) that a compiler filter reads."""
    found = Partials()
    filters = [*leaf.filters, *(extra_filters or ())]
    if not _compiles(leaf, filters):
        return found  # most bundles: not even their globs are resolved again
    for path, compiler in _compiled_sources(leaf, ctx, filters):
        dialect = COMPILERS[compiler.name]
        loaded = loaded_files(
            path,
            dialect=dialect,
            load_paths=load_paths(compiler, ctx),
            indented=_indented(compiler, path),
            importer_dir=os.getcwd() if filter_option(compiler, ctx, "as_output") else None,
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
    """True if a compiler filter runs on any source of ``bundle`` (nested bundles' filters too)."""
    if any(getattr(f, "name", None) in COMPILERS for f in filters):
        return True
    return any(_compiles(c, list(c.filters)) for c in bundle.contents if isinstance(c, Bundle))


def _compiled_sources(bundle: Bundle, ctx: Any, filters: list[Filter]) -> Iterator[tuple[str, Filter]]:
    compiler = next((f for f in filters if getattr(f, "name", None) in COMPILERS), None)
    for _, item in bundle.resolve_contents(ctx, force=True):
        if isinstance(item, Bundle):
            yield from _compiled_sources(item, wrap(ctx, item), [*item.filters, *filters])
        elif compiler is not None and not is_url(item) and not item.endswith(".css"):
            yield item, compiler


def load_paths(compiler: Filter, ctx: Any) -> list[str]:
    """The folders the compiler looks in after the importing file's, in its order."""
    name = compiler.name
    if name == "libsass":  # given to libsass as written, so relative to the working folder, which it searches first
        return [os.getcwd(), *(os.path.abspath(p) for p in _as_list(filter_option(compiler, ctx, "includes")))]
    option = "paths" if name == "less" else "load_paths"
    written = _as_list(filter_option(compiler, ctx, option))
    paths = [p if os.path.isabs(p) else ctx.resolver.resolve_source(ctx, p) for p in written]  # as the filters do
    if name != "less":  # the dart-sass command line reads SASS_PATH too
        paths.extend(p for p in os.environ.get("SASS_PATH", "").split(os.pathsep) if p)
    return [str(p) for p in paths]


def _indented(compiler: Filter, path: str) -> bool:
    if compiler.name == "libsass":
        return path.endswith(".sass")
    return compiler.name == "sass" and not getattr(compiler, "use_scss", False)


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)

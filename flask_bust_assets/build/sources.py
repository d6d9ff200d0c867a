"""Which files a bundle reads, and a cheap way to notice that any of them changed."""

from __future__ import annotations

import os
from collections.abc import Hashable
from typing import Any

from webassets.bundle import Bundle, wrap
from webassets.utils import is_url

from ..core.digest import VERSION_PLACEHOLDER, digested_path
from ..core.stamps import stamp
from ..errors import UnknownBundleError, closest
from .digester import Digester
from .webassets_api import forget_depends, named_bundles


def lookup(env: Any, name: str) -> Bundle:
    """The registered bundle ``name``; UnknownBundleError naming it, and the closest names, if there is none."""
    try:
        return env[name]
    except KeyError:
        hint = closest(name, named_bundles(env))
        raise UnknownBundleError(
            f"Bundle {name!r} is not registered.{hint} Register it with assets.register()."
        ) from None


def source_files(bundle: Bundle, ctx: Any, *, depends: bool = True) -> list[str]:
    """All local files a bundle reads, nested bundles and (unless told not to) ``depends`` included,
    globs re-resolved."""
    files: list[str] = []
    for _, item in bundle.resolve_contents(ctx, force=True):
        if isinstance(item, Bundle):
            files.extend(source_files(item, wrap(ctx, item), depends=depends))
        elif not is_url(item):
            files.append(item)
    if not depends:
        return files
    forget_depends(bundle)
    files.extend(p for p in bundle.resolve_depends(ctx) if not is_url(p))
    return files


def output_globs(env: Any) -> tuple[str, ...]:
    """Globs matching every bundle output, any version: never digested as static files."""
    globs: list[str] = []
    for name in named_bundles(env):
        bundle = env[name]
        for leaf, _, _ in bundle.iterbuild(wrap(env, bundle)):
            if leaf.output:
                for pattern in (digested_path(leaf.output, "*"), leaf.output.replace(VERSION_PLACEHOLDER, "*")):
                    globs.append(pattern)
                    if "/" in pattern:  # a blueprint prefix is not part of the path in its root
                        globs.append(pattern.split("/", 1)[1])
    return tuple(dict.fromkeys(globs))


class SourceWatch:
    """A cheap stamp of what a bundle reads, for development renders.

    Resolving bundle contents through webassets (globs, blueprint prefixes) is
    the costly part, so the file list is kept until a folder holding one of the
    files changes (a file added, removed or renamed there). Each render then
    costs one ``stat`` per source and per file the CSS references.
    """

    def __init__(self, env: Any, digester: Digester | None) -> None:
        self._env = env
        self._digester = digester
        self._files: dict[str, tuple[list[str], tuple[tuple[str, int], ...]]] = {}

    def snapshot(self, name: str) -> Hashable:
        """Changes whenever a source, a referenced file or the set of sources changes."""
        listed = self._files.get(name)
        if listed is None or any(_mtime(folder) != mtime for folder, mtime in listed[1]):
            bundle = lookup(self._env, name)
            files = source_files(bundle, wrap(self._env, bundle))
            folders = tuple((folder, _mtime(folder)) for folder in sorted({os.path.dirname(f) for f in files}))
            listed = self._files[name] = (files, folders)
        stamps: list[Any] = []
        for path in listed[0]:
            stamps.append(stamp(path))
            if self._digester is not None:
                stamps.extend(self._digester.dependency_stamps(path))
        return tuple(stamps)


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1

"""Which files a bundle reads, and a cheap way to notice that any of them changed."""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping
from typing import Any

from webassets.bundle import Bundle, wrap
from webassets.utils import is_url

from ..core.digest import VERSION_PLACEHOLDER, digested_path
from ..core.stamps import stamp
from ..errors import UnknownBundleError, closest
from .digester import Digester
from .partials import partial_files
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


def shared_outputs(env: Any) -> list[tuple[str, str, str, str]]:
    """(output, first bundle, second bundle, first's output) for each file two bundles both write.

    Only outputs without ``%(version)s``: with it each content gets a name of its
    own, while without it both bundles write one file (stock Flask-Assets lets the
    last build win, and query-string versioning would serve one bundle's bytes for
    the other's URL). Outputs are compared by the file they resolve to, so
    ``./gen/x.css`` and ``gen/x.css`` are one.
    """
    owner: dict[str, tuple[str, str]] = {}
    shared = []
    for name in sorted(named_bundles(env)):
        bundle = env[name]
        for leaf, _, leaf_ctx in bundle.iterbuild(wrap(env, bundle)):
            if leaf.output and VERSION_PLACEHOLDER not in leaf.output:
                # The call the bundle's own build made (check_inside_root): it places every output.
                where = os.path.normpath(leaf_ctx.resolver.resolve_output_to_path(leaf_ctx, leaf.output, leaf))
                first = owner.setdefault(where, (name, leaf.output))
                if first[0] != name:
                    shared.append((leaf.output, first[0], name, first[1]))
    return shared


class SourceWatch:
    """A cheap stamp of what a bundle reads, for development renders.

    Resolving bundle contents through webassets (globs, blueprint prefixes) and
    reading Sass/LESS import rules for partials are the costly parts, so the file
    list is kept until a folder holding one of the files changes (a file added,
    removed or renamed there) or one of the files does (an edited partial may
    load another). Each render then costs one ``stat`` per source, partial and
    file the CSS references.
    """

    def __init__(self, env: Any, digester: Digester | None, templates: Mapping[str, Bundle] | None = None) -> None:
        self._env = env
        self._digester = digester
        self._templates = {} if templates is None else templates  # template bundles by key, filled by renders
        self._files: dict[str, tuple[list[str], tuple[tuple[str, int], ...], tuple[Any, ...]]] = {}

    def snapshot(self, name: str) -> Hashable:
        """Changes whenever a source, a partial, a referenced file or the set of sources changes."""
        listed = self._files.get(name)
        own = tuple(stamp(path) for path in listed[0]) if listed is not None else ()
        if listed is None or own != listed[2] or any(_mtime(folder) != mtime for folder, mtime in listed[1]):
            bundle = self._templates[name] if name in self._templates else lookup(self._env, name)
            files = source_files(bundle, wrap(self._env, bundle))
            files.extend(partial_files(bundle, wrap(self._env, bundle)))
            folders = tuple((folder, _mtime(folder)) for folder in sorted({os.path.dirname(f) for f in files}))
            own = tuple(stamp(path) for path in files)
            listed = self._files[name] = (files, folders, own)
        stamps: list[Any] = list(own)
        if self._digester is not None:
            for path in listed[0]:
                stamps.extend(self._digester.dependency_stamps(path))
        return tuple(stamps)


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1

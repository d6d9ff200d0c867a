"""Static folders: which roots there are, where their generated files go, and which files get digested.

A build digests eagerly only what pages can use: the selected files of the app's
own static folders. An installed extension's static folder (Bootstrap-Flask ships
27 MB) and package-manager folders (``node_modules``) are *lazy*: a file of theirs
is digested when a stylesheet or source map names it, and linked by its plain URL
otherwise, as Flask serves it. Stdlib only. A build reads a root's ``folder`` and never writes it: everything it
generates goes under the root's ``output``, the folder of the output folder laid
out by the root's URL prefix (``<output folder>/static/``, ``<output folder>/admin/static/``).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import posixpath
import re
import site
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass

from .names import fit, why_unfit

Skipped = tuple[str, str]  # (path, why): a file or folder a build could not take, said as a warning


@dataclass(frozen=True)
class StaticRoot:
    """A static folder, the URL prefix that serves it (``static`` or ``<blueprint>.static``)
    and the folder its generated files go to."""

    endpoint: str
    folder: str  # real path of the sources: read, never written
    url_prefix: str  # "/static/", "/admin/static/": always ends with "/"
    output: str = ""  # real path: <output folder>/<url prefix>; "" only where nothing is written

    def generated(self, path: str) -> str:
        """Where the generated file ``path`` (``img/logo.<digest>.png``) of this root lives on disk."""
        return os.path.join(self.output, path.replace("/", os.sep))

    def source(self, logical: str) -> str:
        """Where the source ``logical`` (``img/logo.png``) of this root lives on disk."""
        return os.path.join(self.folder, logical.replace("/", os.sep))

    def logical_path(self, abspath: str) -> str | None:
        """``img/logo.png`` for a file inside this root, None for one outside it.

        Compared with os.path.commonpath on real paths, never a string prefix,
        so ``static_private/`` is not inside ``static/`` (invariant 5).
        """
        real = os.path.realpath(abspath)
        if os.path.commonpath([self.folder, real]) != self.folder or real == self.folder:
            return None
        return os.path.relpath(real, self.folder).replace(os.sep, "/")


@dataclass(frozen=True)
class Selection:
    """Which files of a root get digested eagerly: include/exclude globs, never dotfiles,
    bundle outputs, lazy roots or lazy folders. Every other file is the user's, whatever
    its name looks like."""

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()  # globs of bundle outputs, e.g. gen/site.*.css
    lazy_folders: tuple[str, ...] = ()  # folder names, at any depth: node_modules, bower_components
    lazy_roots: tuple[str, ...] = ()  # endpoints of static folders digested only when referenced

    def selects(self, logical: str, endpoint: str = "static") -> bool:
        """True if ``logical`` (a path in the root of ``endpoint``) is to be digested; no file-system call."""
        if endpoint in self.lazy_roots or self._in_lazy_folder(logical):
            return False
        return self._matches(logical)

    def lazy(self, logical: str, endpoint: str) -> bool:
        """True if ``logical`` would be digested but for being lazy: digest it when something names it."""
        return (endpoint in self.lazy_roots or self._in_lazy_folder(logical)) and self._matches(logical)

    def _in_lazy_folder(self, logical: str) -> bool:
        pattern = self._lazy_pattern
        return pattern is not None and pattern.search(logical) is not None

    @functools.cached_property
    def _lazy_pattern(self) -> re.Pattern[str] | None:
        """``node_modules/`` as a whole folder name, at any depth."""
        if not self.lazy_folders:
            return None
        return re.compile("(?:^|/)(?:" + "|".join(re.escape(f) for f in self.lazy_folders) + ")/")

    def _matches(self, logical: str) -> bool:
        if logical.startswith(".") or "/." in logical:
            return False
        included, excluded = self._patterns
        return (included is None or included.match(logical) is not None) and (
            excluded is None or excluded.match(logical) is None
        )

    @functools.cached_property
    def _patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """The globs as two regular expressions (None: "*" includes all, nothing excluded)."""
        include = None if "*" in self.include else _one_pattern(self.include)
        return include, _one_pattern(self.exclude + self.outputs) if self.exclude + self.outputs else None

    def entries(
        self, root: StaticRoot, skipped: list[Skipped] | None = None
    ) -> Iterator[tuple[str, str, os.stat_result]]:
        """(path, logical path, stat) of each selected file of ``root``, folders in sorted order.

        One scan per folder and one stat per file: paths found by walking down a
        real folder without following links stay inside it, so only a symbolic
        link is resolved, and skipped when it leads outside the root (invariant 5).
        A lazy root or folder is not even listed. ``skipped`` is told each selected
        file whose name no manifest can hold (names.py) and each folder that cannot
        be listed, with the reason: the build says so rather than drop them unseen.
        """
        if root.endpoint in self.lazy_roots:
            return
        lazy = frozenset(self.lazy_folders)
        told = skipped if skipped is not None else []
        stack = [(root.folder, "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    found = sorted(scan, key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue  # no static folder at all, or one removed since its parent was listed
            except OSError as exc:
                told.append((folder, f"cannot be listed ({exc.strerror}), so none of its files is digested"))
                continue
            folders = []
            for entry in found:
                logical = prefix + entry.name
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in lazy:
                        continue
                    folders.append((entry.path, logical + "/"))
                    continue
                if entry.is_symlink() and (root.logical_path(entry.path) is None or not os.path.isfile(entry.path)):
                    continue
                if (entry.is_symlink() or entry.is_file(follow_symlinks=False)) and self._matches(logical):
                    if not fit(logical):
                        told.append((entry.path, why_unfit(logical)))
                        continue
                    try:
                        yield entry.path, logical, entry.stat()
                    except OSError:
                        continue  # gone since the scan
            stack.extend(reversed(folders))


def _one_pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression matching what any of ``globs`` matches (fnmatch, case-sensitive)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs))


def installed(folder: str) -> bool:
    """True if ``folder`` lies in a folder pip installs packages into (site-packages)."""
    real = os.path.realpath(folder)
    return any(os.path.commonpath([place, real]) == place for place in _package_folders())


@functools.cache
def _package_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        found.append(site.getusersitepackages())
    return tuple(dict.fromkeys(os.path.realpath(p) for p in found))


def inside(folder: str, path: str) -> bool:
    """True if ``path`` is strictly inside ``folder``, links resolved (invariant 5: never a string prefix)."""
    root, real = os.path.realpath(folder), os.path.realpath(path)
    return real != root and os.path.commonpath([root, real]) == root


def locate(roots: list[StaticRoot], abspath: str) -> tuple[StaticRoot, str] | None:
    """The first of ``roots`` holding ``abspath``, and its logical path there, or None."""
    for root in roots:
        logical = root.logical_path(abspath)
        if logical is not None:
            return root, logical
    return None


def url_of(root: StaticRoot, logical: str) -> str:
    """The root-relative URL path of a logical path: ``/static/img/logo.png``."""
    return root.url_prefix + logical


def relative_url(from_dir_url: str, to_url: str) -> str:
    """A relative URL from a folder URL (``/static/gen/``) to a file URL, as CSS needs for CDNs."""
    return posixpath.relpath(to_url, from_dir_url.rstrip("/") or "/")

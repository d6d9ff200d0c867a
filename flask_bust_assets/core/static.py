"""Static folders: which roots there are, where their generated files go, and which files get digested.

Stdlib only. A build reads a root's ``folder`` and never writes it: everything it
generates goes under the root's ``output``, the folder of the output folder laid
out by the root's URL prefix (``<output folder>/static/``, ``<output folder>/admin/static/``).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass


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
        return os.path.join(self.output, *path.split("/"))

    def source(self, logical: str) -> str:
        """Where the source ``logical`` (``img/logo.png``) of this root lives on disk."""
        return os.path.join(self.folder, *logical.split("/"))

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
    """Which files of a root get digested: include/exclude globs, never dotfiles or
    bundle outputs. Every other file is the user's, whatever its name looks like."""

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()  # globs of bundle outputs, e.g. gen/site.*.css

    def selects(self, logical: str) -> bool:
        """True if ``logical`` (a path in a root) is to be digested; no file-system call."""
        if any(part.startswith(".") for part in logical.split("/")):
            return False
        if not any(fnmatch.fnmatchcase(logical, p) for p in self.include):
            return False
        return not any(fnmatch.fnmatchcase(logical, p) for p in self.exclude + self.outputs)

    def files(self, root: StaticRoot) -> Iterator[str]:
        """Absolute paths of the selected files in ``root``, in sorted order."""
        for folder, dirs, names in os.walk(root.folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                abspath = os.path.join(folder, name)
                logical = root.logical_path(abspath)  # None for a link leading outside
                if logical is not None and os.path.isfile(abspath) and self.selects(logical):
                    yield abspath


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

"""Static folders: which roots there are and which of their files get digested. Stdlib only."""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from .digest import split_digested_path
from .files import VARIANT_SUFFIXES


@dataclass(frozen=True)
class StaticRoot:
    """A static folder and the URL prefix that serves it (``static`` or ``<blueprint>.static``)."""

    endpoint: str
    folder: str  # real path
    url_prefix: str  # "/static/", "/admin/static/": always ends with "/"

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
    """Which files of a root get digested: include/exclude globs, never dotfiles,
    bundle outputs or digested copies of other files."""

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()  # globs of bundle outputs, e.g. gen/site.*.css
    length: int = 16

    def selects(self, root: StaticRoot, logical: str) -> bool:
        """True if ``logical`` (a path in ``root``) is to be digested."""
        return self.selects_name(logical) and not self.is_digested_copy(root, logical)

    def is_output(self, logical: str) -> bool:
        """True for a bundle output, of any version."""
        return any(fnmatch.fnmatchcase(logical, p) for p in self.outputs)

    def is_variant(self, logical: str) -> bool:
        """True for a precompressed variant of a digested file (``x.<digest>.css.br``)."""
        stem, ext = posixpath.splitext(logical)
        return ext in VARIANT_SUFFIXES and split_digested_path(stem, self.length) is not None

    def selects_name(self, logical: str) -> bool:
        """The part of ``selects`` that needs no file-system call."""
        if any(part.startswith(".") for part in logical.split("/")) or self.is_variant(logical):
            return False
        if not any(fnmatch.fnmatchcase(logical, p) for p in self.include):
            return False
        return not any(fnmatch.fnmatchcase(logical, p) for p in self.exclude + self.outputs)

    def is_digested_copy(self, root: StaticRoot, logical: str) -> bool:
        """True for ``img/logo.<digest>.png`` when ``img/logo.png`` exists beside it."""
        split = split_digested_path(logical, self.length)
        return split is not None and os.path.isfile(os.path.join(root.folder, *split[0].split("/")))

    def files(self, root: StaticRoot) -> Iterator[str]:
        """Absolute paths of the selected files in ``root``, in sorted order."""
        for folder, dirs, names in os.walk(root.folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                abspath = os.path.join(folder, name)
                logical = root.logical_path(abspath)  # None for a link leading outside
                if logical is not None and os.path.isfile(abspath) and self.selects(root, logical):
                    yield abspath


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


def is_our_file(path: str) -> bool:
    """True for a digested copy of a file beside it, or a compressed variant of one."""
    stem, ext = os.path.splitext(path)
    if ext in VARIANT_SUFFIXES:
        path = stem
    folder, name = os.path.split(path)
    split = split_digested_path(name)
    return split is not None and (ext in VARIANT_SUFFIXES or os.path.isfile(os.path.join(folder, split[0])))

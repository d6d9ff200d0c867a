"""Stamps: the cheap way to notice that a file changed, without reading it. Stdlib only.

A stamp is (path, mtime_ns, size, inode, ctime_ns), compared for equality only,
never for order, so a clock that jumps back cannot hide a change. A rewrite that
keeps the size and restores the mtime (``touch -r``, ``rsync -t``) still moves
the ctime, which no user call can set; a file replaced by a rename (editors,
``git checkout``) has another inode. What a stamp cannot see is a change made
within the file system's timestamp resolution by something that also keeps the
size and the inode: a rebuild then needs ``rm -r instance/webassets-cache``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

Stamp = tuple[str, int, int, int, int]  # path, mtime_ns, size, inode, ctime_ns
MISSING = (-1, -1, -1, -1)


def stamp(path: str) -> Stamp:
    """The stamp of the file at ``path``; -1s when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return (path, *MISSING)
    return of(path, st)


def of(path: str, st: os.stat_result) -> Stamp:
    """The stamp of ``path`` from a stat result the caller already has (a directory scan's)."""
    return (path, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def still_valid(stamps: Iterable[Sequence[Any]]) -> bool:
    """True if every file still has the stamp recorded for it."""
    return all(stamp(recorded[0]) == tuple(recorded) for recorded in stamps)

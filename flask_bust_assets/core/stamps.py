"""Stamps: a file's (real path, mtime, size), the cheap way to notice it changed. Stdlib only."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

Stamp = tuple[str, int, int]  # real path, mtime_ns, size


def stamp(path: str) -> Stamp:
    """(path, mtime_ns, size) of a file; -1s when it is missing. Cheap change detection."""
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, st.st_mtime_ns, st.st_size)


def still_valid(stamps: Iterable[Sequence[Any]]) -> bool:
    """True if every file still has the stamp recorded for it."""
    return all(stamp(path) == (path, mtime, size) for path, mtime, size in stamps)

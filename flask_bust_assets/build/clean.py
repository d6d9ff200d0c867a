"""Retire old generations of digested files, never one a running server may still link to."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..core import generations
from ..core.digest import split_digested_path
from ..core.files import exclusive_lock, is_temp_name
from ..core.static import Selection, StaticRoot

DEFAULT_KEEP = 3  # the current build and two before it
DEFAULT_AGE = 24 * 3600  # a day: pages opened before a deploy may still load lazily


@dataclass(frozen=True)
class CleanReport:
    """What ``clean`` removed (or would remove, on a dry run)."""

    removed: list[str]
    freed: int


def clean(
    *,
    manifest_path: str,
    roots: list[StaticRoot],
    selection: Selection,
    current: frozenset[str],
    keep: int = DEFAULT_KEEP,
    age: float = DEFAULT_AGE,
    dry_run: bool = False,
    now: float | None = None,
    temp_folders: tuple[str, ...] = (),
) -> CleanReport:
    """Delete digested files (and variants) outside the last ``keep`` generations and older than ``age``.

    ``current`` holds the absolute paths the current manifest names: never deleted.
    ``temp_folders`` are also swept of temp files that killed builds left there.
    Only files this package could have written are considered: names in a
    recorded generation, digested copies of existing files, compressed variants
    of those, and temp files a killed build left behind.
    """
    with exclusive_lock(manifest_path + ".lock"):  # no build is writing meanwhile
        history = generations.load(manifest_path)
        candidates = list(_candidates(roots, selection, history))
        candidates += [p for folder in temp_folders for p in _temp_files(folder)]  # the manifest's, the cache's
        doomed = generations.retired(
            candidates, history, current=current, keep=keep, age=age, now=time.time() if now is None else now
        )
        freed = 0
        for path in doomed:
            freed += os.path.getsize(path)
            if not dry_run:
                os.unlink(path)
    return CleanReport(doomed, freed)


def _candidates(roots: list[StaticRoot], selection: Selection, history: list[generations.Generation]) -> Iterator[str]:
    recorded = frozenset().union(*(g.files for g in history))
    for root in roots:
        for folder, _, names in os.walk(root.folder):
            for name in names:
                path = os.path.join(folder, name)
                if is_temp_name(name):
                    yield path  # a temp file of an atomic write that never finished
                    continue
                base = generations.base_file(path)
                logical = root.logical_path(base)
                if logical is None or split_digested_path(logical, selection.length) is None:
                    continue
                if base in recorded or selection.is_output(logical) or selection.is_digested_copy(root, logical):
                    yield path


def _temp_files(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if is_temp_name(n)]

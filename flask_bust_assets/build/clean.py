"""Retire old generations of digested files, never one a running server may still link to."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..core import generations
from ..core.digest import split_digested_path
from ..core.files import exclusive_lock, is_temp_name

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
    output_folder: str,
    current: frozenset[str],
    keep: int = DEFAULT_KEEP,
    age: float = DEFAULT_AGE,
    dry_run: bool = False,
    now: float | None = None,
    temp_folders: tuple[str, ...] = (),
) -> CleanReport:
    """Delete digested files (and variants) outside the last ``keep`` generations and older than ``age``.

    Only the output folder is looked at, where nothing but builds write: no
    source can be deleted, whatever its name. ``current`` holds the absolute
    paths the current manifest names: never deleted. Temp files killed builds
    left there (and in ``temp_folders``: the manifest's, the cache's) go too.
    """
    with exclusive_lock(manifest_path + ".lock"):  # no build is writing meanwhile
        history = generations.load(manifest_path)
        candidates = list(_candidates(output_folder))
        candidates += [p for folder in temp_folders for p in _temp_files(folder)]
        doomed = generations.retired(
            sorted(set(candidates)),
            history,
            current=current,
            keep=keep,
            age=age,
            now=time.time() if now is None else now,
        )
        freed = 0
        for path in doomed:
            freed += os.path.getsize(path)
            if not dry_run:
                os.unlink(path)
    return CleanReport(doomed, freed)


def _candidates(output_folder: str) -> Iterator[str]:
    """Digested files, their variants and temp files in the output folder (not the manifest,
    its history or lock, nor a plain-named output of query-string versioning)."""
    for folder, _, names in os.walk(output_folder):
        for name in names:
            if is_temp_name(name) or split_digested_path(generations.base_file(name), None) is not None:
                yield os.path.join(folder, name)


def _temp_files(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if is_temp_name(n)]

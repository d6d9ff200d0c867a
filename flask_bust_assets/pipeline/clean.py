"""Retire old generations of digested files, never one a running server may still link to, nor a user's file.

``clean`` deletes only what the generation history (core/generations.py)
records a build writing, and temp files of our own name: a file of the user's
in the output folder or beside the manifest stays, whatever its name looks like
(DESIGN invariant 11). Every path compared is resolved as the build resolved it
when writing (``RealPaths``), so a linked ``instance/`` is one folder, not two.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..core import generations
from ..core.files import RealPaths, exclusive_lock, is_temp_name

DEFAULT_KEEP = 3  # the current build and two before it
DEFAULT_AGE = 24 * 3600  # a day: pages opened before a deploy may still load lazily
EXAMPLES = 3  # names a warning about files no build wrote quotes


@dataclass(frozen=True)
class CleanReport:
    """What ``clean`` removed (or would remove, on a dry run)."""

    removed: list[str]
    freed: int


def clean(
    *,
    manifest_path: str,
    output_folder: str,
    current: Iterable[str],
    keep: int = DEFAULT_KEEP,
    age: float = DEFAULT_AGE,
    dry_run: bool = False,
    now: float | None = None,
    temp_folders: tuple[str, ...] = (),
) -> CleanReport:
    """Delete recorded files (and variants) outside the last ``keep`` generations and retired over ``age`` ago.

    Only the output folder is looked at: no source can be deleted, whatever
    its name. ``current`` holds the paths the current manifest names: never
    deleted. Temp files killed builds left there (and in ``temp_folders``: the
    manifest's, the cache's) go too.
    """
    real = RealPaths()
    with exclusive_lock(manifest_path + ".lock"):  # no build is writing meanwhile
        history = generations.load(manifest_path)
        candidates = [p for p in _walk(output_folder) if is_temp_name(os.path.basename(p)) or history.owner(p)]
        candidates += [p for folder in temp_folders for p in _temp_files(folder)]
        temps = [p for p in candidates if is_temp_name(os.path.basename(p))]
        doomed = generations.retired(
            sorted(set(candidates) - set(temps)),
            history,
            current=frozenset(real(p) for p in current),
            keep=keep,
            age=age,
            now=time.time() if now is None else now,
        )
        doomed = sorted({*doomed, *_old_temp_files(temps, age, now)})
        freed = 0
        for path in doomed:
            freed += os.path.getsize(path)
            if not dry_run:
                os.unlink(path)
        if not dry_run:
            generations.forget(manifest_path, doomed)
    return CleanReport(doomed, freed)


def unrecorded(output_folder: str, manifest_path: str, skip: tuple[str, ...] = ()) -> list[str]:
    """Files in the output folder no build recorded writing (nor the manifest, its history and lock,
    temp files): ``clean`` leaves them, and a build says so. ``skip``: folders not looked in (the cache)."""
    history = generations.load(manifest_path)
    real = RealPaths()
    ours = {real(p) for p in (manifest_path, generations.history_path(manifest_path), manifest_path + ".lock")}
    skipped = tuple(os.path.realpath(folder) for folder in skip)
    return [
        path
        for path in _walk(output_folder, skipped)
        if path not in ours and not is_temp_name(os.path.basename(path)) and history.owner(path) is None
    ]


def _walk(output_folder: str, skip: tuple[str, ...] = ()) -> Iterator[str]:
    """Every file under the output folder, by its real path (the folder resolved once, as builds write)."""
    for folder, folders, names in os.walk(os.path.realpath(output_folder)):
        folders[:] = sorted(f for f in folders if os.path.join(folder, f) not in skip)
        for name in sorted(names):
            yield os.path.join(folder, name)


def _temp_files(folder: str) -> list[str]:
    real = os.path.realpath(folder)
    try:
        names = os.listdir(real)
    except OSError:
        return []
    return [os.path.join(real, n) for n in names if is_temp_name(n)]


def _old_temp_files(paths: list[str], age: float, now: float | None) -> list[str]:
    """Temp files a killed build left over ``age`` seconds ago (a younger one may be a build's in flight)."""
    moment = time.time() if now is None else now
    old = []
    for path in paths:
        try:
            if moment - os.path.getmtime(path) > age:
                old.append(path)
        except OSError:
            continue
    return old

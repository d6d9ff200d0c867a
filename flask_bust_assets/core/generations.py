"""Generations: which digested files each build produced, and which ones ``clean`` may retire.

The history lives beside the manifest (``assets-manifest.history.json``) and is
only needed where builds and cleans run; app servers never read it. Paths are
stored relative to the manifest's folder so a project can move. Stdlib only.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass

from .files import ENCODINGS, write_atomic

KEEP_HISTORY = 50  # generations remembered; older ones fall back to the file's own age


@dataclass(frozen=True)
class Generation:
    """The digested files one build produced (absolute paths) and when."""

    built_at: float
    files: frozenset[str]


def history_path(manifest_path: str) -> str:
    """``assets-manifest.json`` -> ``assets-manifest.history.json``."""
    stem, ext = os.path.splitext(manifest_path)
    return f"{stem}.history{ext or '.json'}"


def load(manifest_path: str) -> list[Generation]:
    """Generations newest first; an absent or unreadable history is empty (clean then goes by file age)."""
    path = history_path(manifest_path)
    base = os.path.dirname(os.path.realpath(manifest_path))
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
        return [
            Generation(float(g["built_at"]), frozenset(os.path.normpath(os.path.join(base, f)) for f in g["files"]))
            for g in doc["generations"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def record(manifest_path: str, files: Iterable[str], built_at: float | None = None) -> None:
    """Add a generation (the absolute paths a build produced) to the history, unless it repeats the last."""
    base = os.path.dirname(os.path.realpath(manifest_path))
    files = frozenset(os.path.realpath(f) for f in files)
    previous = load(manifest_path)
    if previous and previous[0].files == files:
        return  # nothing changed: not a new generation, or no-op builds would push real ones out of --keep
    generations = [Generation(time.time() if built_at is None else built_at, files), *previous]
    doc = {
        "format": 1,
        "generations": [
            {"built_at": g.built_at, "files": sorted(os.path.relpath(f, base) for f in g.files)}
            for g in generations[:KEEP_HISTORY]
        ],
    }
    write_atomic(history_path(manifest_path), (json.dumps(doc, indent=1) + "\n").encode("utf-8"))


def base_file(path: str) -> str:
    """A compressed variant's original (``x.css.br`` -> ``x.css``); other paths unchanged."""
    for suffix in ENCODINGS.values():
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def retired(
    candidates: Iterable[str],
    generations: list[Generation],
    *,
    current: frozenset[str],
    keep: int,
    age: float,
    now: float,
) -> list[str]:
    """The candidates ``clean`` may delete, sorted.

    Kept: anything the current manifest names, anything in the last ``keep``
    generations, and anything that stopped being current less than ``age``
    seconds ago (a server rendering the old page may still be running). A file
    no remembered generation names is judged by its own modification time.
    """
    protected = set(current).union(*(g.files for g in generations[:keep]))
    doomed = []
    for path in candidates:
        original = base_file(path)
        if original in protected:
            continue
        newest = next((i for i, g in enumerate(generations) if original in g.files), None)
        if newest is None:
            try:
                since = os.path.getmtime(path)
            except OSError:
                continue
        elif newest == 0:
            continue  # the latest recorded build names it
        else:
            since = generations[newest - 1].built_at  # when a newer build stopped naming it
        if now - since > age:
            doomed.append(path)
    return sorted(doomed)

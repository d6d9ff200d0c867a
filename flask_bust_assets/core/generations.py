"""Generations: which digested files each build produced, and which ones ``clean`` may retire.

The history lives beside the manifest (``assets-manifest.history.json``) and is
only needed where builds and cleans run; app servers never read it. Each
generation is stored as what it added and removed since the one before (the
oldest in full), so a build of 20,000 files that changes one adds two names,
not 20,000. Paths are stored relative to the manifest's folder so a project can
move. Stdlib only.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .files import ENCODINGS, write_atomic

KEEP_HISTORY = 50  # generations remembered; older ones fall back to the file's own age
FORMAT = 2


@dataclass(frozen=True)
class History:
    """When each remembered build ran (newest first) and, for every file one of them
    produced, the newest of them that names it (0: the last build)."""

    built_at: tuple[float, ...] = ()
    newest: Mapping[str, int] = field(default_factory=dict)


def history_path(manifest_path: str) -> str:
    """``assets-manifest.json`` -> ``assets-manifest.history.json``."""
    stem, ext = os.path.splitext(manifest_path)
    return f"{stem}.history{ext or '.json'}"


def load(manifest_path: str) -> History:
    """The history; an absent or unreadable one is empty (clean then goes by file age)."""
    base = _base(manifest_path)
    try:
        steps = _read(manifest_path)
        built_at, newest, _ = _replay(steps)
    except (OSError, ValueError, KeyError, TypeError):
        return History()
    count = len(built_at)
    return History(tuple(reversed(built_at)), {os.path.join(base, name): count - 1 - n for name, n in newest.items()})


def record(manifest_path: str, files: Iterable[str], built_at: float | None = None) -> None:
    """Add a generation (the absolute paths a build produced) to the history, unless it repeats the last."""
    base = _base(manifest_path)
    prefix = base + os.sep
    names = {f[len(prefix) :] if f.startswith(prefix) else os.path.relpath(f, base) for f in files}
    try:
        steps = _read(manifest_path)
        _, _, present = _replay(steps)
    except (OSError, ValueError, KeyError, TypeError):
        steps, present = [], set()
    if steps and present == names:
        return  # nothing changed: not a new generation, or no-op builds would push real ones out of --keep
    steps.append(
        {
            "built_at": time.time() if built_at is None else built_at,
            "added": sorted(names - present),
            "removed": sorted(present - names),
        }
    )
    while len(steps) > KEEP_HISTORY:  # fold the oldest into the next: that one becomes the full set
        first, second = steps[0], steps[1]
        full = (set(first["added"]) | set(second["added"])) - set(second["removed"])
        steps[:2] = [{"built_at": second["built_at"], "added": sorted(full), "removed": []}]
    doc = {"format": FORMAT, "generations": steps}
    write_atomic(history_path(manifest_path), (json.dumps(doc, separators=(",", ":")) + "\n").encode("utf-8"))


def base_file(path: str) -> str:
    """A compressed variant's original (``x.css.br`` -> ``x.css``); other paths unchanged."""
    for suffix in ENCODINGS.values():
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def retired(
    candidates: Iterable[str],
    history: History,
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
    doomed = []
    for path in candidates:
        original = base_file(path)
        if original in current:
            continue
        newest = history.newest.get(original)
        if newest is None:
            try:
                since = os.path.getmtime(path)
            except OSError:
                continue
        elif newest < max(keep, 1):
            continue  # one of the last `keep` builds names it (the latest one always counts)
        else:
            since = history.built_at[newest - 1]  # when a newer build stopped naming it
        if now - since > age:
            doomed.append(path)
    return sorted(doomed)


def _base(manifest_path: str) -> str:
    return os.path.dirname(os.path.realpath(manifest_path))


def _read(manifest_path: str) -> list[dict[str, Any]]:
    """The stored generations, oldest first, as steps (format 1's full sets become steps)."""
    with open(history_path(manifest_path), encoding="utf-8") as handle:
        doc = json.load(handle)
    if doc.get("format") == 1:  # newest first, each in full
        steps, previous = [], set[str]()
        for generation in reversed(doc["generations"]):
            files = set(generation["files"])
            steps.append(
                {"built_at": generation["built_at"], "added": sorted(files - previous),
                 "removed": sorted(previous - files)}
            )  # fmt: skip
            previous = files
        return steps
    if doc.get("format") != FORMAT:
        raise ValueError("unknown history format")
    return list(doc["generations"])


def _replay(steps: list[dict[str, Any]]) -> tuple[list[float], dict[str, int], set[str]]:
    """(when each ran, oldest first; file -> the last step that has it; the files of the last step)."""
    present: set[str] = set()
    newest: dict[str, int] = {}
    built_at = []
    for n, step in enumerate(steps):
        for name in step["removed"]:
            present.discard(name)
            newest[name] = n - 1
        present.update(step["added"])
        built_at.append(float(step["built_at"]))
    newest.update(dict.fromkeys(present, len(steps) - 1))
    return built_at, newest, present

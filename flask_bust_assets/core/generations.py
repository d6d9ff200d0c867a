"""Generations: which digested files each build produced, and which ones ``clean`` may retire.

The history lives beside the manifest (``assets-manifest.history.json``) and is
only needed where builds and cleans run; app servers never read it. Each
generation is stored as what it added and removed since the one before (the
oldest in full), so a build of 20,000 files that changes one adds two names,
not 20,000. Paths are stored relative to the manifest's folder so a project can
move, and resolved as the build wrote them (``RealPaths``) so that a link on the
way (``instance/`` on shared storage) never makes one file two names.

Only what is recorded here is ever ``clean``'s to delete (DESIGN invariant 11):
files of the remembered generations, files older ones named (``retired``, with
when they stopped being current, until ``clean`` deletes them) and files a render
built in development; their variants; nothing else. Stdlib only.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .files import ENCODINGS, RealPaths, write_atomic

KEEP_HISTORY = 50  # generations remembered; older ones fall back to the file's own age
FORMAT = 2


@dataclass(frozen=True)
class History:
    """When each remembered build ran (newest first) and, for every file one of them
    produced, the newest of them that names it (0: the last build)."""

    built_at: tuple[float, ...] = ()
    newest: Mapping[str, int] = field(default_factory=dict)
    # Files builds wrote that no remembered generation names (older ones did, or a render built
    # them in development): when each stopped being current.
    retired_at: Mapping[str, float] = field(default_factory=dict)

    def owner(self, path: str) -> str | None:
        """The recorded file ``path`` is, or is a variant of (``x.css.br`` -> ``x.css``); None if
        no build recorded writing it. Its own name first: ``data.tar.<digest>.gz`` is a file."""
        for name in (path, base_file(path)):
            if name in self.newest or name in self.retired_at:
                return name
        return None


def history_path(manifest_path: str) -> str:
    """``assets-manifest.json`` -> ``assets-manifest.history.json``."""
    stem, ext = os.path.splitext(manifest_path)
    return f"{stem}.history{ext or '.json'}"


def load(manifest_path: str) -> History:
    """The history; an absent or unreadable one is empty (clean then goes by file age)."""
    base = _base(manifest_path)
    try:
        steps, retired = _read(manifest_path)
        built_at, newest, _ = _replay(steps)
    except (OSError, ValueError, KeyError, TypeError):
        return History()
    count = len(built_at)
    return History(
        tuple(reversed(built_at)),
        {_absolute(base, name): count - 1 - n for name, n in newest.items()},
        {_absolute(base, name): float(when) for name, when in retired.items()},
    )


def record(manifest_path: str, files: Iterable[str], built_at: float | None = None) -> None:
    """Add a generation (the absolute paths a build produced) to the history, unless it repeats the last."""
    base = _base(manifest_path)
    names = _relative(base, files)
    try:
        steps, retired = _read(manifest_path)
        _, _, present = _replay(steps)
    except (OSError, ValueError, KeyError, TypeError):
        steps, retired, present = [], {}, set()
    if steps and present == names:
        return  # nothing changed: not a new generation, or no-op builds would push real ones out of --keep
    steps.append(
        {
            "built_at": time.time() if built_at is None else built_at,
            "added": sorted(names - present),
            "removed": sorted(present - names),
        }
    )
    retired = {name: when for name, when in retired.items() if name not in names}  # current again
    while len(steps) > KEEP_HISTORY:  # fold the oldest into the next: that one becomes the full set
        first, second = steps[0], steps[1]
        full = (set(first["added"]) | set(second["added"])) - set(second["removed"])
        for name in set(first["added"]) - full:  # no generation names it now: still ours until clean takes it
            if os.path.lexists(_absolute(base, name)):
                retired[name] = float(second["built_at"])
        steps[:2] = [{"built_at": second["built_at"], "added": sorted(full), "removed": []}]
    _write(manifest_path, steps, retired)


def note_written(manifest_path: str, files: Iterable[str], written_at: float | None = None) -> None:
    """Record files a render built in development (no generation): ``clean`` may take them by age.
    The caller holds the build lock, as a build does."""
    base = _base(manifest_path)
    try:
        steps, retired = _read(manifest_path)
    except (OSError, ValueError, KeyError, TypeError):
        steps, retired = [], {}
    now = time.time() if written_at is None else written_at
    retired.update(dict.fromkeys(_relative(base, files), now))
    _write(manifest_path, steps, retired)


def forget(manifest_path: str, deleted: Iterable[str]) -> None:
    """Drop files ``clean`` deleted from the retired ones (the generations forget them as they fold)."""
    base = _base(manifest_path)
    gone = _relative(base, deleted)
    try:
        steps, retired = _read(manifest_path)
    except (OSError, ValueError, KeyError, TypeError):
        return
    if gone & retired.keys():
        _write(manifest_path, steps, {name: when for name, when in retired.items() if name not in gone})


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

    Only files the history records (and their variants) are ever deleted. Kept:
    anything the current manifest names, anything in the last ``keep``
    generations, and anything that stopped being current less than ``age``
    seconds ago (a server rendering the old page may still be running).
    ``candidates`` and ``current`` are real paths (``RealPaths``), as recorded.
    """
    doomed = []
    for path in candidates:
        original = history.owner(path)
        if original is None or original in current:
            continue  # no build recorded writing it: the user's, whatever its name looks like
        newest = history.newest.get(original)
        if newest is None:  # in no remembered build (older than all of them, or built by a render)
            since = history.retired_at[original]
        elif newest < max(keep, 1):
            continue  # one of the last `keep` builds names it (the latest one always counts)
        else:
            since = history.built_at[newest - 1]  # when a newer build stopped naming it
        if now - since > age:
            doomed.append(path)
    return sorted(doomed)


def _base(manifest_path: str) -> str:
    """The real folder the history lives in, beside the manifest's name: not where a linked
    manifest points, or linking it later would move every recorded name."""
    return os.path.realpath(os.path.dirname(os.path.abspath(manifest_path)))


def _absolute(base: str, name: str) -> str:
    return os.path.normpath(os.path.join(base, name))  # "../shared/x" from a manifest beside the app: one name


def _relative(base: str, files: Iterable[str]) -> set[str]:
    """Names relative to the real ``base``, each file resolved as the build wrote it."""
    real = RealPaths()
    prefix = base + os.sep
    names = set()
    for f in files:
        path = real(f)
        names.add(path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, base))
    return names


def _write(manifest_path: str, steps: list[dict[str, Any]], retired: dict[str, float]) -> None:
    doc: dict[str, Any] = {"format": FORMAT, "generations": steps}
    if retired:
        doc["retired"] = dict(sorted(retired.items()))
    write_atomic(history_path(manifest_path), (json.dumps(doc, separators=(",", ":")) + "\n").encode("utf-8"))


def _read(manifest_path: str) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """The stored generations, oldest first, as steps (format 1's full sets become steps), and the retired files."""
    with open(history_path(manifest_path), encoding="utf-8") as handle:
        doc = json.load(handle)
    retired = {str(name): float(when) for name, when in doc.get("retired", {}).items()}
    return _steps(doc), retired


def _steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
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

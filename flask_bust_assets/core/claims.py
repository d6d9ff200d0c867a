"""Whether a build may write the manifest where the settings put it: no file of the user's, no other app's.

A manifest path is a setting anyone can mistype (``BUST_ASSETS_MANIFEST = "app.py"``
would replace the app's code), and two apps given one output folder would
replace each other's manifest, each build leaving the other's servers naming
files its ``clean`` then retires. The build lock beside the manifest, which
every build holds and nothing publishes, records which app builds there.
"""

from __future__ import annotations

import json

from ..errors import ConfigError
from .files import exclusive_lock

_SNIFF = 1 << 16  # bytes read to tell a manifest from another file; larger ones are parsed in full


def claim_manifest(path: str, *, app: str, root: str) -> None:
    """Refuse (ConfigError) a ``path`` that is another file, or another app's manifest; else record
    ``app`` (its import name, in the folder ``root``) as the one building there.

    Apps are told apart by import name, not folder: one app built from a new release folder
    each deploy (``releases/<date>/``, a shared output folder) is still the one app.
    """
    if _is_foreign(path):
        raise ConfigError(
            f"BUST_ASSETS_MANIFEST is {path}, a file that is not a manifest; a build never writes over it. "
            "Set BUST_ASSETS_MANIFEST to a path of its own (or leave it unset: assets-manifest.json in the "
            "output folder)."
        )
    lock = path + ".lock"
    before = _owner(lock)
    if before is not None and before.get("app") != app:
        raise ConfigError(
            f"BUST_ASSETS_OUTPUT_FOLDER holds the manifest {path} of app {before.get('app')!r} "
            f"(in {before.get('root')}), and app {app!r} (in {root}) would replace it: two apps in one "
            "output folder retire each other's files. Give each app its own BUST_ASSETS_OUTPUT_FOLDER "
            f"(or BUST_ASSETS_MANIFEST); if app {before.get('app')!r} was renamed, delete {lock} and build again."
        )
    if before != {"app": app, "root": root}:
        try:
            with exclusive_lock(lock), open(lock, "w", encoding="utf-8") as handle:
                json.dump({"app": app, "root": root}, handle)
        except OSError:
            pass  # a folder that cannot be written: the build's own write names it, in one line


def _owner(lock: str) -> dict[str, str] | None:
    """The app a build lock names; None for none (a lock of an older version is empty)."""
    try:
        with open(lock, encoding="utf-8") as handle:
            doc = json.loads(handle.read(4096) or "null")
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("app"), str) else None


def _is_foreign(path: str) -> bool:
    """True for an existing file a build would not write there: not JSON, or JSON of another kind
    (``package.json``). A manifest that is corrupt JSON (``{ not json``) stays a build's to replace."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF)
            if not head.strip():
                return False  # empty: nothing to lose
            if not head.lstrip().startswith(b"{"):
                return True  # app.py, a template, a config file: no manifest starts otherwise
            if b'"format"' in head:
                return False
            head += handle.read()
    except FileNotFoundError:
        return False
    except OSError:
        return False  # unreadable or a folder: the write names the problem
    try:
        doc = json.loads(head)
    except ValueError:
        return False  # a manifest broken by hand or a full disk: a build replaces it
    return not (isinstance(doc, dict) and "format" in doc)

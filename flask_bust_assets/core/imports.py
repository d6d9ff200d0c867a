"""The libraries we import are the distributions we depend on, not a user's file of the same name.

``python -m flask`` (and a script run from the app's folder) puts the current
folder first on ``sys.path``, so an app's own ``minify.py`` (tdewolff-minify's
import name), ``tinycss2.py`` or ``rcssmin.py`` is imported in place of the
library, and the build fails later with an AttributeError from deep inside.
Checking where each module came from turns that into one line naming the file.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import site
import sys
import sysconfig
from importlib import metadata

from ..errors import ConfigError

# import name -> the distribution that must provide it
LIBRARIES = {
    "cssmin": "cssmin",
    "jsmin": "jsmin",
    "rcssmin": "rcssmin",
    "rjsmin": "rjsmin",
    "tinycss2": "tinycss2",
    "tree_sitter": "tree-sitter",
    "tree_sitter_javascript": "tree-sitter-javascript",
    "brotli": "Brotli",
    "minify": "tdewolff-minify",
}


@functools.cache
def origin(module: str) -> str | None:
    """The file Python imports (or imported) as ``module``, or None if there is none; nothing is run."""
    loaded = sys.modules.get(module)
    spec = getattr(loaded, "__spec__", None) if loaded is not None else importlib.util.find_spec(module)
    found = getattr(spec, "origin", None)
    return os.path.realpath(found) if isinstance(found, str) and os.path.isabs(found) else None


@functools.cache
def _install_folders() -> tuple[str, ...]:
    """Where pip, a venv or the system put installed distributions (no metadata read: it is slow)."""
    folders = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    folders.update(site.getsitepackages() if hasattr(site, "getsitepackages") else ())
    folders.add(site.getusersitepackages())
    folders.update(p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages"))
    return tuple(sorted({os.path.realpath(f) for f in folders}))


def installed(module: str) -> bool:
    """True if ``module`` is importable from where distributions are installed; False if it is
    not importable (or, for the optional tdewolff-minify, not installed at all).

    ConfigError naming the file when a file elsewhere (the app's folder) answers to the name.
    """
    found = origin(module)
    if found is None:
        return False
    if module == "minify" and not _is_installed(LIBRARIES[module]):
        return False  # a file of that name without the distribution is simply not it: never imported
    if not any(os.path.commonpath([folder, found]) == folder for folder in _install_folders()):
        raise ConfigError(
            f"{found} shadows the {module!r} module of {LIBRARIES[module]}, which flask-bust-assets uses: "
            f"Python imports your file instead (its folder comes first on sys.path, as the current folder "
            "does under `python -m flask`). Rename it."
        )
    return True


def _is_installed(distribution: str) -> bool:
    try:
        metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


def check_libraries() -> None:
    """ConfigError for the first library a user's file shadows (tdewolff-minify may be missing)."""
    for module in LIBRARIES:
        installed(module)

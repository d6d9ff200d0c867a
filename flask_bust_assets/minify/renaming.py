"""The renaming JavaScript engine: tdewolff-minify, used only where a parser says it is safe.

It renames locals and folds syntax (about a fifth fewer bytes than whitespace
removal, after brotli). Untrusted is raised, for the caller to fall back to a
whitespace-only engine, when it is not installed (no wheel for the platform),
when the file reaches variables by name (``with``, direct ``eval``), when it
does not parse, and when its output would not parse. Licence comments it
drops are put back at the top.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from .trust import arities, licence_comments, parses, renaming_hazard

_LOCK = threading.Lock()  # its configuration is process-wide


class Untrusted(Exception):
    """The renaming engine cannot be trusted with this file; the message says why."""


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        import minify as tdewolff  # the tdewolff-minify distribution
    except ImportError:
        return None
    return tdewolff


def available() -> bool:
    """True if tdewolff-minify is installed."""
    return _engine() is not None


def minify_renaming(text: str, *, keep_licence: bool) -> str:
    """``text`` minified with renaming; raises Untrusted instead of risking its meaning."""
    engine = _engine()
    if engine is None:
        raise Untrusted("tdewolff-minify is not installed (pip install 'flask-bust-assets[minify]')")
    hazard = renaming_hazard(text)
    if hazard is not None:
        raise Untrusted(hazard)
    with _LOCK:
        engine.config({"js-keep-var-names": False})
        try:
            minified = str(engine.string("application/javascript", text))
        except engine.MinifyError as exc:
            raise Untrusted(f"tdewolff-minify failed ({exc})") from None
    if not parses(minified):
        raise Untrusted("tdewolff-minify's output does not parse")
    if arities(minified) != arities(text):
        raise Untrusted("tdewolff-minify dropped unused parameters, which changes what fn.length says")
    kept = licence_comments(minified)
    if keep_licence:
        missing = [c for c in licence_comments(text) if c not in kept]
        return "\n".join(missing) + "\n" + minified if missing else minified
    for comment in kept:
        minified = minified.replace(comment, "", 1)
    return minified

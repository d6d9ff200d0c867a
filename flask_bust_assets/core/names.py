"""Which paths a manifest can hold: the one test the static scanner, the digester and the
manifest's loader share, so that a build never writes a manifest its own loader refuses.

A manifest path is relative, stays inside its folder (invariant 5), and is text a URL can
carry: no ``\\`` (a separator on Windows, refused by servers and ``safe_join`` there), no NUL,
and valid UTF-8. A name Linux allows but that is not UTF-8 (``caf\\xe9.txt``) reaches Python
as a lone surrogate (os.fsdecode's surrogateescape); no URL, JSON or UTF-8 text can hold it.
Stdlib only; no file-system call.
"""

from __future__ import annotations


def fit(path: str) -> bool:
    """True if ``path`` (``img/logo.png``, ``img/logo.<digest>.png``) can be a manifest path.

    Run on every entry at each production start (20,000 of them): plain ``in`` tests first,
    and the UTF-8 test only for the rare path beyond ASCII.
    """
    return (
        bool(path)
        and path[0] != "/"
        and "\\" not in path
        and "\0" not in path
        and (".." not in path or "/../" not in f"/{path}/")  # most paths have no "..": no string built
        and (path.isascii() or _utf8(path))
    )


def why_unfit(path: str) -> str:
    """Why ``path`` is not ``fit``, in words that follow the path in a message."""
    if not _utf8(path):
        return "is not valid UTF-8, which no URL or manifest can hold"
    if "\\" in path:
        return "holds a backslash, a folder separator on Windows and to its web servers"
    if "\0" in path:
        return "holds a NUL character"
    return "is not a relative path inside its folder"


def shown(path: str) -> str:
    """``path`` as a message can print it: the bytes that are not UTF-8 as ``\\xe9`` escapes."""
    try:
        raw = path.encode("utf-8", "surrogateescape")  # undoes os.fsdecode: the bytes on disk
    except UnicodeEncodeError:  # a surrogate no file name gave (a manifest's \\ud800)
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""Which file a CSS reference names, under the missing-reference policy; cycles are left as written."""

from __future__ import annotations

import os
import warnings

from ..core.static import StaticRoot, locate
from ..errors import BuildError, ReferenceWarning
from .references import Reference


class ReferenceTargets:
    """Resolves references inside the static roots; never outside them (invariant 5).

    A reference that resolves to nothing is an error naming the stylesheet, the
    line and the fix, or under the "warn" policy a warning; it is left as written.
    """

    def __init__(self, roots: list[StaticRoot], missing_reference: str) -> None:
        self._roots = roots
        self._policy = missing_reference

    def resolve(self, ref: Reference, source: str, stack: list[str], *, lenient: bool = False) -> str | None:
        """The referenced file's real path, or None to leave the reference as written.

        ``stack`` holds the stylesheets being rewritten (a cycle closes on one of
        them); ``lenient`` leaves unresolved references silently (a Sass source).
        """
        where = f"{source} line {ref.line}: {ref.path!r}"
        if "\0" in ref.path:  # url(x%00.png): no file name holds one
            self._missing(f"{where} holds a NUL character, which no file name can", lenient)
            return None
        if ref.path.startswith("/"):
            root = next((r for r in self._roots if ref.path.startswith(r.url_prefix)), None)
            if root is None:
                prefixes = ", ".join(r.url_prefix for r in self._roots)
                self._missing(f"{where} matches no static URL prefix ({prefixes})", lenient)
                return None
            target = os.path.join(root.folder, *ref.path[len(root.url_prefix) :].split("/"))
        else:
            target = os.path.join(os.path.dirname(source), *ref.path.split("/"))
        if locate(self._roots, target) is None:
            # Never read, copied or digested: it may be ../../../../etc/passwd.
            self._missing(f"{where} resolves outside every static folder", lenient)
            return None
        if not os.path.isfile(target):
            self._missing(f"{where} points to {os.path.normpath(target)}, {_what_is_there(target)}", lenient)
            return None
        real = os.path.realpath(target)
        if real in stack:
            cycle = " -> ".join(os.path.basename(p) for p in [*stack, real])
            warnings.warn(f"{where}: reference cycle {cycle}; left as written", ReferenceWarning, stacklevel=3)
            return None
        return real

    def _missing(self, message: str, lenient: bool) -> None:
        if lenient:
            return
        if self._policy == "warn":
            warnings.warn(f"{message}; left as written", ReferenceWarning, stacklevel=4)
            return
        raise BuildError(
            f"{message}. Fix the reference, or set BUST_ASSETS_MISSING_REFERENCE = 'warn' "
            "to leave such references as written."
        )


def _what_is_there(path: str) -> str:
    """Why ``path`` cannot be referenced, in words: a missing file, a folder, or no regular file."""
    if os.path.isdir(path):
        return "which is a folder, not a file"
    if os.path.lexists(path):
        return "which is not a regular file (a fifo, socket, device or broken link)"
    return "which does not exist"

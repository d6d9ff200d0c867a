"""Which file a CSS reference names, under the missing-reference policy; cycles are left as written."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

from ..core.names import fit, shown, why_unfit
from ..core.static import StaticRoot, locate
from ..errors import BuildError, ReferenceWarning
from .references import Reference

Missing = Callable[[str], None]  # told "line 3: '../x.png' points to ..., which does not exist"


class ReferenceTargets:
    """Resolves references inside the static roots; never outside them (invariant 5).

    A reference that resolves to nothing is left as written, and told to the
    caller's ``missing``: the policy of ``strict()`` for what a bundle reads (an
    error naming the stylesheet, the line and the fix, or under "warn" a warning),
    a collector for a static file digested for no bundle.
    """

    def __init__(self, roots: list[StaticRoot], missing_reference: str) -> None:
        self._roots = roots
        self._policy = missing_reference

    def resolve(self, ref: Reference, source: str, stack: list[str], missing: Missing) -> str | None:
        """The referenced file's real path, or None to leave the reference as written.

        ``stack`` holds the stylesheets being rewritten (a cycle closes on one of them).
        """
        where = f"line {ref.line}: {ref.path!r}"
        if "\0" in ref.path:  # url(x%00.png): no file name holds one
            missing(f"{where} holds a NUL character, which no file name can")
            return None
        if ref.path.startswith("/"):
            root = next((r for r in self._roots if ref.path.startswith(r.url_prefix)), None)
            if root is None:
                prefixes = ", ".join(r.url_prefix for r in self._roots)
                missing(f"{where} matches no static URL prefix ({prefixes})")
                return None
            target = os.path.join(root.folder, *ref.path[len(root.url_prefix) :].split("/"))
        else:
            target = os.path.join(os.path.dirname(source), *ref.path.split("/"))
        located = locate(self._roots, target)
        if located is None:
            # Never read, copied or digested: it may be ../../../../etc/passwd.
            missing(f"{where} resolves outside every static folder")
            return None
        if not fit(located[1]):  # the manifest could not name its digested copy (names.py)
            missing(f"{where} names {shown(located[1])!r}, which {why_unfit(located[1])}; rename the file")
            return None
        if not os.path.isfile(target):
            missing(f"{where} points to {os.path.normpath(target)}, {_what_is_there(target)}")
            return None
        real = os.path.realpath(target)
        if real in stack:
            cycle = " -> ".join(os.path.basename(p) for p in [*stack, real])
            warnings.warn(f"{source} {where}: reference cycle {cycle}; left as written", ReferenceWarning, stacklevel=3)
            return None
        return real

    def strict(self, source: str) -> Missing:
        """BUST_ASSETS_MISSING_REFERENCE for a stylesheet a bundle reads: raise, or warn per reference."""

        def missing(detail: str) -> None:
            if self._policy == "warn":
                warnings.warn(f"{source} {detail}; left as written", ReferenceWarning, stacklevel=4)
                return
            raise BuildError(
                f"{source} {detail}. Fix the reference, or set BUST_ASSETS_MISSING_REFERENCE = 'warn' "
                "to leave such references as written."
            )

        return missing


def silent(detail: str) -> None:
    """Leave an unresolved reference as written, unsaid (a first look at a Sass or Less source)."""


def _what_is_there(path: str) -> str:
    """Why ``path`` cannot be referenced, in words: a missing file, a folder, or no regular file."""
    if os.path.isdir(path):
        return "which is a folder, not a file"
    if os.path.lexists(path):
        return "which is not a regular file (a fifo, socket, device or broken link)"
    return "which does not exist"

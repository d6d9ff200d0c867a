"""What a problem met while digesting a static file becomes: one warning per file, for no bundle.

A file the user did not ask us to process (a vendored stylesheet in no bundle) never
fails a build: stock Flask-Assets never reads it (invariant 9). Its problems are
collected while it is digested and said once, naming the file, how many references
were left as written and the setting that makes them errors. What a bundle reads
(its sources, and every stylesheet they reference) gets no such leniency: there the
digester raises, or warns per reference under BUST_ASSETS_MISSING_REFERENCE = 'warn'.
"""

from __future__ import annotations

import warnings

from ..errors import StaticFileWarning

HINT = (
    "It is digested as a static file, for no bundle, so the build goes on; "
    "BUST_ASSETS_STATIC_PROBLEMS = 'error' makes this fail the build."
)
MISSING = "naming files that do not exist or lie outside every static folder"


class FileProblems:
    """The problems of one static file digested for no bundle, said as one warning."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._missing: list[str] = []
        self._failure: str | None = None

    def missing_reference(self, detail: str) -> None:
        """A reference that resolves to no file (``line 3: '../x.png' points to ...``): left as written."""
        self._missing.append(detail)

    def fail(self, exc: Exception) -> None:
        """The file cannot be rewritten at all (not UTF-8, not CSS, too deep): it is copied as written."""
        self._failure = str(exc)

    @property
    def failed(self) -> bool:
        """True if the file is to be copied as written, its references untouched."""
        return self._failure is not None

    def message(self) -> str:
        """The one warning, or "" when there was no problem."""
        if self._failure is not None:
            return f"{self._failure}; {self.path} is copied as written, its references not rewritten. {HINT}"
        if not self._missing:
            return ""
        count = len(self._missing)
        refs = "1 reference" if count == 1 else f"{count} references"
        return f"{self.path}: {refs} left as written, {MISSING} (the first, {self._missing[0]}). {HINT}"


def say(message: str) -> None:
    """Warn ``message`` (a FileProblems message, now or as a record of the last build kept it)."""
    if message:
        warnings.warn(message, StaticFileWarning, stacklevel=3)

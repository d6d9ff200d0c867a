"""The warnings a build step reports, collected while it runs."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def build_warnings() -> Iterator[list[str]]:
    """Collect the messages of every warning raised in the block, each time it is raised.

    A ResourceWarning is left to Python's usual handling: the garbage collector
    can raise one for a file some other code (another thread, a test) left
    open, which says nothing about this build.
    """
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield messages
    for warning in caught:
        if issubclass(warning.category, ResourceWarning):
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        else:
            messages.append(str(warning.message))
